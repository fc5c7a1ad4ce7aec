"""The window's actions, with their shortcuts, in its toolbar and menus."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QToolBar

if TYPE_CHECKING:
    from patternkb.app.window import MainWindow

SEARCH_KEYS = ("Ctrl+K", "Ctrl+L", "/")


def action(window: MainWindow, text: str, slot: Callable | None, *keys: str, checkable: bool = False) -> QAction:
    """An action of the window's (`slot` None: the window's entry navigator connects it)."""
    made = QAction(text, window, checkable=checkable)
    made.setShortcuts([QKeySequence(k) for k in keys])
    if slot is not None:
        (made.toggled if checkable else made.triggered).connect(slot)
    return made


def install_actions(window: MainWindow) -> None:
    """Make the window's actions (as its attributes `back_action` … `rebuild_action`), connected
    to its slots, and put them in its toolbar and menus. Back, forward and bookmark are left for
    the window's EntryNavigator (app/navigator.py) to connect."""
    w = window
    w.back_action = action(w, "◀ Back", None, "Alt+Left")
    w.forward_action = action(w, "Forward ▶", None, "Alt+Right")
    # Checkable, yet run on `triggered`: the navigator checks it only when there is an entry to mark.
    w.bookmark_action = action(w, "☆ Bookmark", None, "Ctrl+D", checkable=True)
    w.theme_action = action(w, "◐ Theme", w._on_theme_action_triggered, "Ctrl+Shift+T")
    w.guide_order_action = action(w, "Guide order", w._on_filter_bar_changed, checkable=True)
    w.guide_order_action.setToolTip("Order results as in the guide instead of by relevance")
    w.line_numbers_action = action(w, "Line numbers", w._on_line_numbers_action_toggled, checkable=True)
    w.line_numbers_action.setChecked(w.memory.line_numbers)
    w.rebuild_action = action(w, "Rebuild index", w._on_rebuild_action_triggered)
    quit_action = action(w, "Quit", w.close)
    quit_action.setShortcuts(QKeySequence.StandardKey.Quit)

    toolbar = QToolBar("Navigation")
    toolbar.setMovable(False)
    w.addToolBar(toolbar)
    toolbar.addActions([w.back_action, w.forward_action, w.bookmark_action, w.theme_action])
    toolbar.addSeparator()
    toolbar.addAction(w.guide_order_action)
    file_menu = w.menuBar().addMenu("&File")
    file_menu.addAction(w.rebuild_action)
    file_menu.addSeparator()
    file_menu.addAction(quit_action)
    view_menu = w.menuBar().addMenu("&View")
    view_menu.addActions([w.line_numbers_action,
                          action(w, "Larger text", lambda: w.change_font_size(+1), "Ctrl+=", "Ctrl++"),
                          action(w, "Smaller text", lambda: w.change_font_size(-1), "Ctrl+-"), w.theme_action])
    w.menuBar().addMenu("&Go").addActions([w.back_action, w.forward_action, w.bookmark_action])
    for keys in SEARCH_KEYS:
        QShortcut(QKeySequence(keys), w, w.focus_search)
