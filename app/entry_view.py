"""The entry view: a QTextBrowser that opens internal links in place (or in a new tab), copies
code (never its line numbers), sends http(s) links to the system browser and refuses every other
scheme."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore  # QtCore.Qt, looked up only when used: see app/roles.py
from PySide6.QtCore import QMimeData, QPoint, Signal, Slot
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication, QTextCursor
from PySide6.QtWidgets import QTextBrowser

from patternkb.app.render import LINE_NUMBER, SOURCE_LINK, EntryPage

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl

EXTERNAL_SCHEMES = ("http", "https")


def text_without_line_numbers(cursor: QTextCursor) -> str:
    """The text `cursor` selects, leaving out every line number (the spans titled LINE_NUMBER)."""
    start, end = cursor.selectionStart(), cursor.selectionEnd()
    doc = cursor.document()
    out: list[str] = []
    block = doc.findBlock(start)
    while block.isValid() and block.position() <= end:
        if out:
            out.append("\n")
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            lo, hi = max(fragment.position(), start), min(fragment.position() + fragment.length(), end)
            if lo < hi and fragment.charFormat().toolTip() != LINE_NUMBER:
                out.append(fragment.text()[lo - fragment.position():hi - fragment.position()])
            fragments += 1
        block = block.next()
    # Qt's own separators: a paragraph break is U+2029, a line break U+2028, a space U+00A0.
    return "".join(out).replace("\u2029", "\n").replace("\u2028", "\n").replace("\xa0", " ")


class EntryView(QTextBrowser):
    entry_requested = Signal(str, str)  # entry id, anchor
    tab_requested = Signal(str, str)  # entry id, anchor: Ctrl+click or middle click, for a new tab
    source_requested = Signal()  # the footer's "file, lines a–b"
    message = Signal(str)  # for the status bar
    copied = Signal(int)  # block index
    history_requested = Signal(int)  # -1 back, +1 forward: the mouse's back and forward buttons

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.page: EntryPage | None = None
        self._opened_at: tuple[str, int] | None = None  # the snippet anchor opened, and the scroll then
        self._tab_press = False
        self.anchorClicked.connect(self._on_view_anchor_clicked)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.document().setDefaultStyleSheet(f"pre {{ font-family: '{mono.defaultFamily()}', monospace; }}")

    def show_page(self, page: EntryPage, anchor: str | None = None, scroll: int | None = None) -> None:
        """Show `page`, scrolled to `scroll` (a place returned to), else to `anchor`, else the top."""
        self.page = page
        self.setHtml(page.html)
        if scroll is not None:
            self.verticalScrollBar().setValue(scroll)
        elif anchor:
            self.scrollToAnchor(anchor)
        else:
            self.verticalScrollBar().setValue(0)
        self._opened_at = (anchor, self.verticalScrollBar().value()) if anchor and anchor in page.snippets else None

    # --- where the reader is ---------------------------------------------------------------

    def reading_position(self) -> int:
        """The document position of the text at the top of the view."""
        return self.cursorForPosition(QPoint(4, 4)).position()

    def scroll_to_position(self, position: int) -> None:
        """Scroll so that the line holding `position` is at the top of the view."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(min(position, self.document().characterCount() - 1))
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + self.cursorRect(cursor).top() - 4)

    def _copy_links(self) -> list[tuple[int, int]]:
        """(document position, block index) of each code block's Copy link, in order."""
        found = []
        block = self.document().begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                href = fragments.fragment().charFormat().anchorHref()
                if href.startswith("copy:") and href[5:].isdigit():
                    found.append((fragments.fragment().position(), int(href[5:])))
                fragments += 1
            block = block.next()
        return found

    def code_at_reading_position(self) -> tuple[str, str] | None:
        """(what, code) of the snippet the view was opened at, while it is still where it opened;
        else of the code block a third of the way down the view (or the first below it)."""
        if self.page is None:
            return None
        if self._opened_at is not None and self.verticalScrollBar().value() == self._opened_at[1]:
            return "snippet", self.page.snippets[self._opened_at[0]]
        links = self._copy_links()
        if not links:
            return None
        reading = self.cursorForPosition(QPoint(4, self.viewport().height() // 3)).position()
        above = [index for position, index in links if position <= reading]
        index = above[-1] if above else links[0][1]
        return f"code block {index + 1}", self.page.code[index]

    def copy_code_at_reading_position(self) -> bool:
        found = self.code_at_reading_position()
        if found is None:
            self.message.emit("no code here to copy")
            return False
        what, code = found
        QGuiApplication.clipboard().setText(code)
        self.message.emit(f"copied {what} ({code.count(chr(10)) + 1} lines)")
        return True

    # --- Qt's hooks ------------------------------------------------------------------------

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 - Qt's name
        # Ctrl+C and drags copy what the reader selected, without the line numbers shown beside code.
        data = QMimeData()
        data.setText(text_without_line_numbers(self.textCursor()))
        return data

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # Tabbed into, the view starts at the text shown, not at a link focused long ago
        # (Enter would follow it).
        if event.reason() in (QtCore.Qt.FocusReason.TabFocusReason, QtCore.Qt.FocusReason.BacktabFocusReason):
            cursor = self.cursorForPosition(QPoint(4, 4))
            self.setTextCursor(cursor)
        super().focusInEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # An override, not an event filter: only mouse presses come through Python.
        step = {QtCore.Qt.MouseButton.BackButton: -1, QtCore.Qt.MouseButton.ForwardButton: 1}.get(event.button())
        if step:
            self.history_requested.emit(step)
            event.accept()
            return
        href = self.anchorAt(event.position().toPoint())
        new_tab = (event.button() == QtCore.Qt.MouseButton.MiddleButton
                   or (event.button() == QtCore.Qt.MouseButton.LeftButton
                       and event.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier))
        if new_tab and href.startswith("entry:"):
            entry_id, _, anchor = href[len("entry:"):].partition("#")
            self.tab_requested.emit(entry_id, anchor)
            self._tab_press = True  # its release must not follow the link here as well
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._tab_press:
            self._tab_press = False
            event.accept()
            return
        super().mouseReleaseEvent(event)

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
        elif url.toString() == SOURCE_LINK:
            self.source_requested.emit()
        elif scheme == "entry":
            self.entry_requested.emit(url.path(), url.fragment())
        elif scheme == "" and url.hasFragment():
            self.scrollToAnchor(url.fragment())
        elif scheme in EXTERNAL_SCHEMES:
            if QDesktopServices.openUrl(url):
                self.message.emit(f"opened {url.toString()} in the browser")
            else:
                self.message.emit(f"could not open {url.toString()[:80]}: no browser answered")
        elif not scheme or scheme == "wiki":  # a page of the guide's site that no guide of the KB holds
            self.message.emit(f"{url.toString()[:80]} is not in the KB: build the guide it belongs to to follow it")
        else:
            self.message.emit(f"refused to open a {scheme} link: {url.toString()[:80]}")
