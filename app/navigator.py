"""Which entry the entry pane shows: opening one, back and forward over the places shown, and
bookmarking the one in view, with the enabled and checked states of the actions that do it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from patternkb.app.history import History
from patternkb.app.messages import BRIEF_MS, Messages
from patternkb.index.query import excerpt

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from patternkb.app.entry_view import EntryView
    from patternkb.app.models import BookmarksModel
    from patternkb.app.settings import Memory
    from patternkb.kb.models import KnowledgeBase


class EntryNavigator(QObject):
    """Decides what is current and says so; the window renders it. An entry asked for before the
    KB has loaded waits for `set_kb`."""

    opened = Signal(str, str, bool, int)  # entry id, anchor, render in the background, scroll to (-1: none)
    bookmark_toggled = Signal(str, bool)  # entry id, bookmarked now
    cleared = Signal()  # no entry is current (a new, empty tab)

    def __init__(self, back_action: QAction, forward_action: QAction, bookmark_action: QAction,
                 bookmarks: BookmarksModel, memory: Memory, messages: Messages, parent: QObject | None = None):
        super().__init__(parent)
        self.back_action, self.forward_action, self.bookmark_action = back_action, forward_action, bookmark_action
        self.bookmarks = bookmarks
        self.memory = memory
        self.messages = messages
        self.kb: KnowledgeBase | None = None
        self.history = History()
        self.current_id: str | None = None
        # A preview (the top hit while typing, Up/Down in the results) is shown over the
        # current place without becoming history or "Recent".
        self.previewing = False
        self.view: EntryView | None = None
        self.entry_problem: str | None = None  # why the last entry asked for could not be opened
        self._waiting: tuple[str, str] | None = None  # an entry asked for before the KB loaded
        back_action.setEnabled(False)  # no history yet
        forward_action.setEnabled(False)
        back_action.triggered.connect(self._on_back_action_triggered)
        forward_action.triggered.connect(self._on_forward_action_triggered)
        bookmark_action.triggered.connect(self._on_bookmark_action_triggered)

    def follow(self, view: EntryView) -> None:
        """Go back and forward when `view` asks (the mouse's back and forward buttons)."""
        self.view = view
        view.history_requested.connect(self._on_entry_view_history_requested)

    def scroll(self) -> int | None:
        """How far down the entry shown is scrolled (None: no view, or no entry shown)."""
        if self.view is None or self.current_id is None:
            return None
        return self.view.verticalScrollBar().value()

    def note_scroll(self) -> None:
        """Note where the place in history is scrolled to now (not while a preview covers it)."""
        if not self.previewing:
            self.history.leave(self.scroll())

    def set_kb(self, kb: KnowledgeBase) -> bool:
        """Open entries of `kb` from now on, starting with the one that waited for it, if one did
        (True: one did)."""
        self.kb = kb
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self.open_entry(*waiting)
            return True
        stop = self.history.current  # a tab restored from the last run
        if stop is not None and kb.entry(stop.entry_id) is not None:
            self.open_entry(stop.entry_id, stop.anchor, record=False, scroll=stop.scroll)
            return True
        return False

    def show_nothing(self) -> None:
        """No entry current (an empty tab): the window shows its welcome page."""
        self.current_id = None
        self.previewing = False
        self.cleared.emit()
        self.update_actions()

    def open_entry(self, entry_id: str, anchor: str = "", *, record: bool = True, background: bool = False,
                   preview: bool = False, scroll: int | None = None) -> bool:
        """Show an entry; False (and a status bar message) when the KB has no such entry. Asked
        before the KB has loaded, the entry opens when it has. A navigation (`record`) goes into
        history and "Recent"; a `preview` into neither; `scroll` restores a position."""
        if self.kb is None:
            self._waiting = (entry_id, anchor)
            return True
        if self.kb.entry(entry_id) is None:
            self.entry_problem = f"no entry {excerpt(entry_id)!r} in this KB"
            self.messages.error(self.entry_problem[0].upper() + self.entry_problem[1:])
            return False
        self.entry_problem = None
        if preview:
            if not self.previewing:  # the place in history is left where it was scrolled
                self.history.leave(self.scroll())
            self.previewing = True
        else:
            if record:
                self.history.visit((entry_id, anchor), left_at=None if self.previewing else self.scroll())
                self.memory.remember_entry(entry_id)
            self.previewing = False
        self.current_id = entry_id
        self.opened.emit(entry_id, anchor, background, -1 if scroll is None else scroll)
        self.update_actions()
        return True

    def update_actions(self) -> None:
        """Back, Forward and the star as the current entry and history have them."""
        self.bookmark_action.setChecked(self.current_id is not None and self.bookmarks.contains(self.current_id))
        self.back_action.setEnabled(bool(self.history.back) or (self.previewing and self.history.current is not None))
        self.forward_action.setEnabled(bool(self.history.forward))

    def _go(self, stop) -> None:
        if stop is not None:
            self.open_entry(stop.entry_id, stop.anchor, record=False, scroll=stop.scroll)

    @Slot()
    def _on_back_action_triggered(self) -> None:
        if self.previewing and self.history.current is not None:  # back from a preview: to the place it covered
            self._go(self.history.current)
        else:
            self._go(self.history.go_back(self.scroll()))

    @Slot()
    def _on_forward_action_triggered(self) -> None:
        self._go(self.history.go_forward(None if self.previewing else self.scroll()))

    @Slot(int)
    def _on_entry_view_history_requested(self, step: int) -> None:
        (self.back_action if step < 0 else self.forward_action).trigger()

    @Slot()
    def _on_bookmark_action_triggered(self) -> None:
        if self.current_id is None:
            self.bookmark_action.setChecked(False)
            return
        starred = self.bookmarks.toggle(self.current_id)
        self.bookmark_action.setChecked(starred)
        # This one change, merged into what is saved: other windows may have changed the rest.
        if starred:
            self.memory.add_bookmark(self.current_id)
        else:
            self.memory.remove_bookmark(self.current_id)
        self.messages.info("Bookmarked" if starred else "Bookmark removed", BRIEF_MS)
        self.bookmark_toggled.emit(self.current_id, starred)
