"""The one channel for what the user is told: every message is logged, then shown by the window."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

BRIEF_MS = 3000  # a confirmation (bookmarked, theme)
NOTE_MS = 5000  # something done (index built, code copied)
STAY = 0  # until the next message: progress, results, problems


class Messages(QObject):
    """The window's message channel (qutebrowser's `message.error`): panes and jobs call
    `info`, `warning` or `error`; the window connects `shown` to its status bar."""

    shown = Signal(str, int)  # text, milliseconds to show it (0: until replaced)

    def info(self, text: str, timeout_ms: int = STAY) -> None:
        log.info("%s", text)
        self.shown.emit(text, timeout_ms)

    def warning(self, text: str, timeout_ms: int = STAY) -> None:
        log.warning("%s", text)
        self.shown.emit(text, timeout_ms)

    def error(self, text: str, timeout_ms: int = STAY) -> None:
        log.error("%s", text)
        self.shown.emit(text, timeout_ms)
