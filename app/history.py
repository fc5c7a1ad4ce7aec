"""Back and forward over the places the entry pane showed: plain Python, no Qt."""

from __future__ import annotations

Place = tuple[str, str]  # (entry id, anchor; "" for the entry's top)


class History:
    """A browser's history: visiting a new place drops the places ahead of the current one."""

    def __init__(self) -> None:
        self.back: list[Place] = []
        self.forward: list[Place] = []
        self.current: Place | None = None

    def visit(self, place: Place) -> None:
        if self.current is not None and place != self.current:
            self.back.append(self.current)
            self.forward.clear()
        self.current = place

    def go_back(self) -> Place | None:
        if not self.back:
            return None
        if self.current is not None:
            self.forward.append(self.current)
        self.current = self.back.pop()
        return self.current

    def go_forward(self) -> Place | None:
        if not self.forward:
            return None
        if self.current is not None:
            self.back.append(self.current)
        self.current = self.forward.pop()
        return self.current
