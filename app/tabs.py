"""Entry tabs: a tab bar over the entry, each tab with its own history; Ctrl+T, Ctrl+W and
Ctrl+Tab act on them, and the open tabs are saved for the next start."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QTabBar

from patternkb.app.history import History
from patternkb.app.messages import BRIEF_MS, Messages

if TYPE_CHECKING:
    from patternkb.app.navigator import EntryNavigator

NEW_TAB = "New tab"
TITLE_CHARS = 28


class EntryTabs(QObject):
    """The tabs of one entry pane. The navigator always holds the current tab's history; a switch
    notes where the tab left was scrolled and shows the other tab's place where it was left."""

    def __init__(self, bar: QTabBar, navigator: EntryNavigator, title_of: Callable[[str], str | None],
                 messages: Messages, parent: QObject | None = None):
        super().__init__(parent)
        self.bar, self.navigator, self.title_of, self.messages = bar, navigator, title_of, messages
        bar.setMovable(True)
        bar.setExpanding(False)
        bar.setElideMode(Qt.TextElideMode.ElideRight)
        bar.setDocumentMode(True)
        bar.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Ctrl+Tab and the Go menu reach it; Tab goes to the entry
        self.histories: list[History] = [navigator.history]
        self._current = 0
        bar.addTab(NEW_TAB)
        bar.currentChanged.connect(self._on_bar_current_changed)
        bar.tabCloseRequested.connect(self._on_bar_tab_close_requested)
        bar.tabMoved.connect(self._on_bar_tab_moved)
        navigator.opened.connect(self._on_navigator_opened)

    def _closable(self) -> None:
        self.bar.setTabsClosable(len(self.histories) > 1)  # the last tab stays: no button to close it

    @property
    def current(self) -> int:
        return self._current

    def count(self) -> int:
        return len(self.histories)

    def new_tab(self, entry_id: str | None = None, anchor: str = "", *, switch: bool = True) -> int:
        """A tab after the others (as a browser's Ctrl+T), showing `entry_id` (a navigation in its own history) or
        nothing yet; `switch`: make it current (a link opened in the background: not)."""
        history = History()
        if entry_id is not None:
            history.visit((entry_id, anchor))
        at = len(self.histories)
        self.histories.append(history)
        self.bar.blockSignals(True)  # the histories and the bar agree again before anyone hears of it
        self.bar.insertTab(at, self._title(entry_id))
        self.bar.blockSignals(False)
        self._closable()
        if switch:
            self.bar.setCurrentIndex(at)  # -> _on_bar_current_changed
        return at

    @Slot(str, str)
    def open_in_background(self, entry_id: str, anchor: str = "") -> bool:
        """A link Ctrl+clicked or middle-clicked: a new tab behind the current one."""
        title = self.title_of(entry_id)
        if title is None:
            return False
        self.new_tab(entry_id, anchor, switch=False)
        self.messages.info(f"Opened {title} in a new tab (Ctrl+Tab)", BRIEF_MS)
        return True

    def close_tab(self, index: int | None = None) -> bool:
        """Close a tab (the current one by default); the last tab stays (False)."""
        index = self._current if index is None else index
        if len(self.histories) <= 1 or not 0 <= index < len(self.histories):
            return False
        self.histories.pop(index)
        self.bar.blockSignals(True)
        self.bar.removeTab(index)
        self.bar.blockSignals(False)
        if index < self._current or self._current >= len(self.histories):
            self._current -= 1
        if index == self._current or self.navigator.history is not self.histories[self._current]:
            self._show(self._current)
        self.bar.setCurrentIndex(self._current)
        self._closable()
        return True

    def cycle(self, step: int) -> None:
        self.bar.setCurrentIndex((self._current + step) % len(self.histories))

    def _show(self, index: int) -> None:
        """Make tab `index` the navigator's, showing its place where it was left."""
        self._current = index
        history = self.histories[index]
        self.navigator.history = history
        self.navigator.previewing = False
        stop = history.current
        if stop is not None:
            self.navigator.open_entry(stop.entry_id, stop.anchor, record=False, scroll=stop.scroll)
        else:
            self.navigator.show_nothing()
        self.navigator.update_actions()

    def _title(self, entry_id: str | None) -> str:
        title = (self.title_of(entry_id) if entry_id else None) or NEW_TAB
        return title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS - 1] + "…"

    @Slot(int)
    def _on_bar_current_changed(self, index: int) -> None:
        if index < 0 or index == self._current and self.navigator.history is self.histories[index]:
            return
        self.navigator.note_scroll()
        self._show(index)

    @Slot(int)
    def _on_bar_tab_close_requested(self, index: int) -> None:
        self.close_tab(index)

    @Slot(int, int)
    def _on_bar_tab_moved(self, source: int, target: int) -> None:
        self.histories.insert(target, self.histories.pop(source))
        self._current = self.histories.index(self.navigator.history)

    @Slot(str, str, bool, int)
    def _on_navigator_opened(self, entry_id: str, _anchor: str, _background: bool, _scroll: int) -> None:
        self.bar.setTabText(self._current, self._title(entry_id))
        self.bar.setTabToolTip(self._current, self.title_of(entry_id) or "")

    # --- saved between runs ------------------------------------------------------------------

    def to_json(self) -> str:
        self.navigator.note_scroll()
        return json.dumps({"current": self._current, "tabs": [h.to_json() for h in self.histories]})

    def restore(self, saved: str) -> bool:
        """The tabs of `to_json` (their entries open once the navigator has a KB); False, and
        one empty tab as before, for anything unreadable."""
        try:
            data = json.loads(saved)
            histories = [History.from_json(tab) for tab in data["tabs"]]
            current = int(data["current"])
        except (ValueError, TypeError, KeyError):
            return False
        if not histories:
            return False
        self.histories = histories
        self.bar.blockSignals(True)
        while self.bar.count():
            self.bar.removeTab(0)
        for history in histories:
            self.bar.addTab(self._title(history.current.entry_id if history.current else None))
        self._current = min(max(current, 0), len(histories) - 1)
        self.bar.setCurrentIndex(self._current)
        self.bar.blockSignals(False)
        self.navigator.history = histories[self._current]
        self._closable()
        return True

    def retitle(self) -> None:
        """Name every tab by its entry (the KB has loaded)."""
        for n, history in enumerate(self.histories):
            self.bar.setTabText(n, self._title(history.current.entry_id if history.current else None))
