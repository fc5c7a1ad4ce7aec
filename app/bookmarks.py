"""Bookmarks beyond the star: removing (Delete, context menu), reordering (Ctrl+Up/Down, context
menu), and export to and import from a JSON file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QListView

if TYPE_CHECKING:
    from patternkb.app.models import BookmarksModel
    from patternkb.app.settings import Memory

FORMAT = "patternkb-bookmarks"
VERSION = 1


class BookmarkFileError(ValueError):
    """A bookmarks file that cannot be read: its message is `file:line: what is wrong`."""


def export_bookmarks(path: Path, ids: list[str]) -> None:
    """Write the bookmarks to `path` whole or not at all: a temporary file beside it, then renamed
    over it (a full disk leaves the file that was there, not half a list)."""
    text = json.dumps({"format": FORMAT, "version": VERSION, "entries": ids}, indent=2) + "\n"
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_bookmarks(path: Path) -> list[str]:
    """The entry ids a file of `export_bookmarks` holds (in order, once each)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BookmarkFileError(f"{path}: cannot read: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BookmarkFileError(f"{path}:{exc.lineno}: not JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BookmarkFileError(f"{path}:1: not a patternkb bookmarks file (no \"format\": \"{FORMAT}\")")
    entries = data.get("entries")
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise BookmarkFileError(f"{path}:1: \"entries\" must be a list of entry ids")
    return list(dict.fromkeys(entries))


class BookmarkList(QObject):
    """The Bookmarks tab's list and what it does: each change goes to the model (the view) and,
    merged, to what is saved (other windows may have changed the rest)."""

    changed = Signal()

    def __init__(self, view: QListView, model: BookmarksModel, memory: Memory, parent: QObject | None = None):
        super().__init__(parent)
        self.view, self.model, self.memory = view, model, memory
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for text, keys, slot in (("Remove bookmark", ("Delete", "Backspace"), self.remove_current),
                                 ("Move up", ("Ctrl+Up",), lambda: self.move_current(-1)),
                                 ("Move down", ("Ctrl+Down",), lambda: self.move_current(+1))):
            made = QAction(text, view)
            made.setShortcuts([QKeySequence(k) for k in keys])
            made.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # keys of the list's, not the window's
            made.triggered.connect(slot)
            view.addAction(made)

    def remove_current(self) -> str | None:
        index = self.view.currentIndex()
        entry_id = self.model.remove(index.row()) if index.isValid() else None
        if entry_id is not None:
            self.memory.remove_bookmark(entry_id)
            self.changed.emit()
        return entry_id

    def move_current(self, step: int) -> bool:
        row = self.view.currentIndex().row()
        if row < 0 or not self.model.move(row, step):
            return False
        self.view.setCurrentIndex(self.model.index(row + step, 0))
        self.memory.set_bookmarks(self.model.ids)
        return True

    def export_to(self, path: Path) -> int:
        ids = self.model.ids
        export_bookmarks(path, ids)
        return len(ids)

    def import_from(self, path: Path) -> tuple[int, int]:
        """Add the file's bookmarks after the ones here: (added, not in this KB)."""
        added = unknown = 0
        for entry_id in read_bookmarks(path):
            if self.model.contains(entry_id):
                continue
            if self.model.toggle(entry_id):
                self.memory.add_bookmark(entry_id)
                added += 1
            else:
                unknown += 1
        if added:
            self.changed.emit()
        return added, unknown
