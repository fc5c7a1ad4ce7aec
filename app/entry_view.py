"""The entry view: a QTextBrowser that opens internal links in place, copies code, sends
http(s) links to the system browser and refuses every other scheme."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore  # QtCore.Qt, looked up only when used: see app/roles.py
from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication
from PySide6.QtWidgets import QTextBrowser

from patternkb.app.render import EntryPage

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl

EXTERNAL_SCHEMES = ("http", "https")


class EntryView(QTextBrowser):
    entry_requested = Signal(str, str)  # entry id, anchor
    message = Signal(str)  # for the status bar
    copied = Signal(int)  # block index
    history_requested = Signal(int)  # -1 back, +1 forward: the mouse's back and forward buttons

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.page: EntryPage | None = None
        self.anchorClicked.connect(self._on_view_anchor_clicked)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.document().setDefaultStyleSheet(f"pre {{ font-family: '{mono.defaultFamily()}', monospace; }}")

    def show_page(self, page: EntryPage, anchor: str | None = None) -> None:
        self.page = page
        self.setHtml(page.html)
        if anchor:
            self.scrollToAnchor(anchor)
        else:
            self.verticalScrollBar().setValue(0)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # An override, not an event filter: only mouse presses come through Python.
        step = {QtCore.Qt.MouseButton.BackButton: -1, QtCore.Qt.MouseButton.ForwardButton: 1}.get(event.button())
        if step:
            self.history_requested.emit(step)
            event.accept()
        else:
            super().mousePressEvent(event)

    def loadResource(self, type_: int, name: QUrl):  # noqa: N802 - Qt's name
        # Nothing is ever loaded from a guide's content: no local files, no network.
        return None

    def copy_block(self, index: int) -> bool:
        if self.page is None or not 0 <= index < len(self.page.code):
            return False
        QGuiApplication.clipboard().setText(self.page.code[index])
        self.copied.emit(index)
        self.message.emit(f"copied code block {index + 1} ({self.page.code[index].count(chr(10))} lines)")
        return True

    @Slot("QUrl")  # by name: the type is built when a link is first clicked, not at start
    def _on_view_anchor_clicked(self, url: QUrl) -> None:
        scheme = url.scheme()
        if scheme == "copy":
            try:
                self.copy_block(int(url.path()))
            except ValueError:
                pass
        elif scheme == "entry":
            self.entry_requested.emit(url.path(), url.fragment())
        elif scheme == "" and url.hasFragment():
            self.scrollToAnchor(url.fragment())
        elif scheme in EXTERNAL_SCHEMES:
            QDesktopServices.openUrl(url)
            self.message.emit(f"opened {url.toString()} in the browser")
        else:
            self.message.emit(f"refused to open a {scheme or 'relative'} link: {url.toString()[:80]}")
