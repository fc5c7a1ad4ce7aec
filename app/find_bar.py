"""Find in page: a bar over the entry that finds what is shown (code included), counts the matches
("3 of 12"), marks them all and moves between them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextBrowser, QTextEdit, QToolButton, QWidget

# Matches found and marked at most: each is a selection drawn over the page, and a one-letter
# search in a long entry found thousands, on every keystroke.
MAX_MATCHES = 500


class FindBar(QWidget):
    """Hidden until `open_bar`. Enter and F3 go to the next match, Shift+Enter and Shift+F3 to the
    previous one (F3 is the window's action: it works from the entry too); Esc closes the bar and
    gives the entry the focus back."""

    closed = Signal()

    def __init__(self, view: QTextBrowser, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = view
        self.box = QLineEdit()
        self.box.setPlaceholderText("Find in page")
        self.box.setClearButtonEnabled(True)
        self.box.textChanged.connect(self._on_box_text_changed)
        self.box.installEventFilter(self)
        self.count = QLabel()
        self.count.setMinimumWidth(self.count.fontMetrics().horizontalAdvance(f"999 of {MAX_MATCHES}+") + 8)
        previous, following, close = QToolButton(), QToolButton(), QToolButton()
        for button, text, tip, slot in ((previous, "▲", "Previous match (Shift+F3)", self.find_previous),
                                        (following, "▼", "Next match (F3)", self.find_next),
                                        (close, "✕", "Close (Esc)", self.close_bar)):
            button.setText(text)
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.clicked.connect(slot)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.box, 1)
        layout.addWidget(self.count)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(close)
        self.matches: list[QTextCursor] = []
        self.more = False  # more matches than MAX_MATCHES: the count says "500+"
        self.current = -1
        self.hide()

    def open_bar(self) -> None:
        """Show the bar with its text selected, and find it in the page as it is now."""
        self.show()
        self.box.setFocus()
        self.box.selectAll()
        self.refresh()

    def close_bar(self) -> None:
        self.hide()
        self.view.setExtraSelections([])
        self.view.setFocus()
        self.closed.emit()

    def refresh(self) -> None:
        """Find the text again (the page changed under the bar, or the text did)."""
        text = self.box.text()
        self.matches = []
        self.more = False
        if text:
            doc = self.view.document()
            cursor = doc.find(text, 0)
            while not cursor.isNull() and len(self.matches) < MAX_MATCHES:
                self.matches.append(cursor)
                cursor = doc.find(text, cursor)
            self.more = not cursor.isNull()
        self.current = -1
        if self.matches:  # the first match at or below the top of the view
            top = self.view.cursorForPosition(self.view.viewport().rect().topLeft()).position()
            self.current = next((n for n, m in enumerate(self.matches) if m.selectionStart() >= top), 0)
        self._show_current()

    def find_next(self) -> None:
        self._step(+1)

    def find_previous(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        if self.isHidden():
            self.open_bar()
            return
        if self.matches:
            self.current = (self.current + step) % len(self.matches)
        self._show_current()

    def _show_current(self) -> None:
        palette = self.view.palette()
        selections = []
        for n, match in enumerate(self.matches):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = match
            if n == self.current:  # the selection's own colours: the theme's, readable
                selection.format.setBackground(palette.highlight())
                selection.format.setForeground(palette.highlightedText())
            else:
                selection.format.setBackground(palette.alternateBase())
                selection.format.setFontUnderline(True)
            selections.append(selection)
        self.view.setExtraSelections(selections)
        if self.matches:
            self.view.setTextCursor(QTextCursor(self.matches[self.current]))
            self.view.ensureCursorVisible()
            # Not at the very edge, where the eye is not: a third of the way down, as browsers do.
            height, rect = self.view.viewport().height(), self.view.cursorRect()
            if rect.top() < height // 6 or rect.bottom() > height * 5 // 6:
                bar = self.view.verticalScrollBar()
                bar.setValue(bar.value() + rect.center().y() - height // 3)
            self.count.setText(f"{self.current + 1} of {len(self.matches)}{'+' if self.more else ''}")
        else:
            self.count.setText("no matches" if self.box.text() else "")

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.box and event.type() == event.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._step(-1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else +1)
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(watched, event)

    @Slot(str)
    def _on_box_text_changed(self, _text: str) -> None:
        self.refresh()
