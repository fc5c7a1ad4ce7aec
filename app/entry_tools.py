"""What the File, Edit and Bookmarks menus do with the entry shown and the bookmarks: copy the
entry's link, open it at source in the user's editor, set that editor, export and import bookmarks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog

from patternkb.app.bookmarks import BookmarkFileError
from patternkb.app.editor import open_at_source, source_path
from patternkb.app.messages import NOTE_MS

if TYPE_CHECKING:
    from patternkb.app.window import MainWindow

ENTRY_URL = "patternkb://entry/{}"  # what `patternkb gui URL` and the desktop file open (app/requests.py)


class EntryTools(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window

    def copy_link(self) -> str | None:
        entry_id = self.window.current_id
        if entry_id is None:
            self.window.messages.info("No entry open: no link to copy", NOTE_MS)
            return None
        link = ENTRY_URL.format(entry_id)
        QGuiApplication.clipboard().setText(link)
        self.window.messages.info(f"copied {link}", NOTE_MS)
        return link

    def source_of_current(self) -> tuple[Path, int] | None:
        """The file and first line of the entry shown, if its guide's file can be found."""
        w = self.window
        entry = w.kb.entry(w.current_id) if w.kb is not None and w.current_id else None
        if entry is None:
            return None
        guide = next((g for g in w.kb.manifest.guides if g.id == entry.guide), None)
        if guide is None:
            return None
        found = source_path(guide.file, guide.layout, entry.source.file, [Path(f) for f in w.memory.guide_folders])
        return (found, entry.source.line_start) if found is not None else None

    def open_source(self) -> str:
        w = self.window
        if w.current_id is None:
            said = "No entry open"
        else:
            found = self.source_of_current()
            if found is None:
                entry = w.kb.entry(w.current_id) if w.kb is not None else None
                said = (f"Cannot find {entry.source.file if entry else 'the guide'} in the guide folders: "
                        f"File › Guide folder… says where it is")
            else:
                said = open_at_source(*found, w.memory.editor)
        w.messages.info(said[0].upper() + said[1:], NOTE_MS)
        return said

    def ask_editor(self) -> None:
        text, ok = QInputDialog.getText(self.window, "Editor command",
                                        "Command with {file} and {line} (empty: $VISUAL or $EDITOR, else the "
                                        "system's default application):", text=self.window.memory.editor)
        if ok:
            self.window.memory.editor = text.strip()

    def ask_guide_folder(self, folder: str | None = None) -> None:
        """Add a folder where guides' files are looked for (a dialog asks which, without `folder`)."""
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self.window, "A folder that holds your guides")
            if not folder:
                return
        self.window.memory.add_guide_folder(str(Path(folder).expanduser().resolve()))
        self.window.messages.info(f"Guides are looked for in {folder} too", NOTE_MS)

    def export_bookmarks(self, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self.window, "Export bookmarks", "bookmarks.json", "JSON (*.json)")
            if not name:
                return
            path = Path(name)
        try:
            count = self.window.bookmark_list.export_to(path)
        except OSError as exc:
            self.window.messages.error(f"{path}: cannot write: {exc.strerror or exc}")
            return
        self.window.messages.info(f"Exported {count} bookmarks to {path}", NOTE_MS)

    def import_bookmarks(self, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self.window, "Import bookmarks", "", "JSON (*.json)")
            if not name:
                return
            path = Path(name)
        try:
            added, unknown = self.window.bookmark_list.import_from(path)
        except BookmarkFileError as exc:
            self.window.messages.error(str(exc))
            return
        skipped = f"; {unknown} not in this KB" if unknown else ""
        self.window.messages.info(f"Imported {added} bookmarks from {path.name}{skipped}", NOTE_MS)
        self.window.navigator.update_actions()
