"""Work held back until a window's first frame is painted, so that it does not delay it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FIRST_FRAME_WAIT_MS = 250  # held back this long at most: a window never painted runs it all the same


class FirstFrame(QObject):
    """Event filter on a window's central widget. `when_painted(work)` runs `work` once the
    first frame is painted, or at once (from the event loop) when it has been. Background jobs
    started earlier would take turns on the interpreter with that paint and delay it."""

    def __init__(self, central: QWidget, parent: QObject, wait_ms: int | None = None):
        super().__init__(parent)
        self._waiting: list[Callable[[], None]] | None = []  # None once painted
        central.installEventFilter(self)
        QTimer.singleShot(FIRST_FRAME_WAIT_MS if wait_ms is None else wait_ms, self, self.painted)

    @property
    def done(self) -> bool:
        return self._waiting is None

    def when_painted(self, work: Callable[[], None]) -> None:
        if self._waiting is None:
            QTimer.singleShot(0, self, work)  # with this object as context: dropped with the window
        else:
            self._waiting.append(work)

    def painted(self) -> None:
        """Run what waits for the first frame (once: later calls do nothing)."""
        if self._waiting is None:
            return
        waiting, self._waiting = self._waiting, None
        for work in waiting:
            work()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # Children paint after the central widget in the same pass: run once it is done.
            QTimer.singleShot(0, self, self.painted)
        return False
