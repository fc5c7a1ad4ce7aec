"""Back and forward over the places the user navigated to, with where each was left: plain Python, no Qt."""

from __future__ import annotations

from typing import NamedTuple

Place = tuple[str, str]  # (entry id, anchor; "" for the entry's top)


class Stop(NamedTuple):
    """One step of history: a place, and how far down the user had scrolled when they left it
    (None until they leave it), so Back returns there and not to the top."""

    entry_id: str
    anchor: str = ""
    scroll: int | None = None

    @property
    def place(self) -> Place:
        return (self.entry_id, self.anchor)


class History:
    """A browser's history of navigations (an opened result, a followed link, a bookmark), never
    of previews: visiting a new place drops the places ahead of the current one."""

    def __init__(self) -> None:
        self.back: list[Stop] = []
        self.forward: list[Stop] = []
        self.current: Stop | None = None

    def leave(self, scroll: int | None) -> None:
        """Note where the current place was left (it stays current: a preview covers it)."""
        if self.current is not None and scroll is not None:
            self.current = self.current._replace(scroll=scroll)

    def visit(self, place: Place, left_at: int | None = None) -> None:
        """Go to `place`; the place left was scrolled to `left_at` (None: as noted before)."""
        self.leave(left_at)
        if self.current is not None and place != self.current.place:
            self.back.append(self.current)
            self.forward.clear()
        if self.current is None or place != self.current.place:
            self.current = Stop(*place)

    def go_back(self, left_at: int | None = None) -> Stop | None:
        return self._step(self.back, self.forward, left_at)

    def go_forward(self, left_at: int | None = None) -> Stop | None:
        return self._step(self.forward, self.back, left_at)

    def _step(self, source: list[Stop], target: list[Stop], left_at: int | None) -> Stop | None:
        if not source:
            return None
        self.leave(left_at)
        if self.current is not None:
            target.append(self.current)
        self.current = source.pop()
        return self.current

    def to_json(self) -> dict:
        """The history as JSON-able data (open tabs are saved with theirs)."""
        return {"back": [list(s) for s in self.back], "current": list(self.current) if self.current else None,
                "forward": [list(s) for s in self.forward]}

    @classmethod
    def from_json(cls, data: dict) -> History:
        """A history saved by `to_json`; anything malformed is left out, never raised."""
        made = cls()

        def stop(item) -> Stop | None:
            if (isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item[:2])
                    and (item[2] is None or isinstance(item[2], int))):
                return Stop(*item)
            return None

        if isinstance(data, dict):
            made.back = [s for s in map(stop, data.get("back") or []) if s]
            made.forward = [s for s in map(stop, data.get("forward") or []) if s]
            made.current = stop(data.get("current"))
        return made
