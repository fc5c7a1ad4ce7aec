"""The window's actions, with their shortcuts, in its toolbar and menus: every action is in a menu,
where its keys are shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar, QWidget

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
    the window's EntryNavigator (app/navigator.py) to connect; the rooms the others act on
    (find bar, entry tabs, bookmark list, entry tools) exist before this runs."""
    w = window
    w.back_action = action(w, "◀ Back", None, "Alt+Left")
    w.forward_action = action(w, "Forward ▶", None, "Alt+Right")
    # Checkable, yet run on `triggered`: the navigator checks it only when there is an entry to mark.
    w.bookmark_action = action(w, "☆ Bookmark", None, "Ctrl+D", checkable=True)
    w.bookmark_action.toggled.connect(lambda on: w.bookmark_action.setText("★ Bookmarked" if on else "☆ Bookmark"))
    w.theme_action = action(w, "◐ Theme", w._on_theme_action_triggered, "Ctrl+Shift+T")
    w.guide_order_action = action(w, "Guide order", w._on_filter_bar_changed, checkable=True)
    w.guide_order_action.setToolTip("Order results as in the guide instead of by relevance")
    w.line_numbers_action = action(w, "Line numbers", w._on_line_numbers_action_toggled, checkable=True)
    w.line_numbers_action.setChecked(w.memory.line_numbers)
    w.rebuild_action = action(w, "Rebuild index", w._on_rebuild_action_triggered)
    w.search_action = action(w, "Search", w.focus_search, *SEARCH_KEYS)
    find = w.entry_pane.find_bar
    w.find_action = action(w, "Find in page…", find.open_bar, "Ctrl+F")
    w.find_next_action = action(w, "Find next", find.find_next, "F3")
    w.find_previous_action = action(w, "Find previous", find.find_previous, "Shift+F3")
    w.copy_code_action = action(w, "Copy code here", w.entry_view.copy_code_at_reading_position, "Ctrl+Shift+C")
    w.copy_link_action = action(w, "Copy entry link", w.tools.copy_link, "Ctrl+Shift+L")
    w.open_source_action = action(w, "Open at source", w.tools.open_source, "Ctrl+E")
    w.new_tab_action = action(w, "New tab", lambda: w.entry_tabs.new_tab(w.current_id), "Ctrl+T")
    w.close_tab_action = action(w, "Close tab", lambda: w.entry_tabs.close_tab(), "Ctrl+W")
    quit_action = action(w, "Quit", w.close)
    quit_action.setShortcuts(QKeySequence.StandardKey.Quit)

    toolbar = QToolBar("Navigation")
    toolbar.setMovable(False)
    w.addToolBar(toolbar)
    toolbar.addActions([w.back_action, w.forward_action, w.bookmark_action, w.theme_action])
    toolbar.addSeparator()
    toolbar.addAction(w.guide_order_action)
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([w.new_tab_action, w.close_tab_action, w.open_source_action,
                          action(w, "Editor command…", w.tools.ask_editor),
                          action(w, "Guide folder…", lambda: w.tools.ask_guide_folder())])
    file_menu.addSeparator()
    file_menu.addActions([w.rebuild_action])
    file_menu.addSeparator()
    file_menu.addAction(quit_action)
    bar.addMenu("&Edit").addActions([w.find_action, w.find_next_action, w.find_previous_action, w.copy_code_action,
                                     w.copy_link_action])
    view_menu = bar.addMenu("&View")
    view_menu.addActions([w.line_numbers_action, w.guide_order_action,
                          action(w, "Larger text", lambda: w.change_font_size(+1), "Ctrl+=", "Ctrl++"),
                          action(w, "Smaller text", lambda: w.change_font_size(-1), "Ctrl+-"),
                          action(w, "Actual size", lambda: w.change_font_size(0), "Ctrl+0"), w.theme_action])
    bar.addMenu("&Go").addActions([
        w.search_action, w.back_action, w.forward_action,
        action(w, "Top of entry", lambda: w.entry_view.verticalScrollBar().setValue(0), "Ctrl+Home"),
        action(w, "End of entry", lambda: w.entry_view.verticalScrollBar().setValue(
            w.entry_view.verticalScrollBar().maximum()), "Ctrl+End"),
        action(w, "Next tab", lambda: w.entry_tabs.cycle(+1), "Ctrl+Tab", "Ctrl+PgDown"),
        action(w, "Previous tab", lambda: w.entry_tabs.cycle(-1), "Ctrl+Shift+Tab", "Ctrl+PgUp"),
        action(w, "Results", lambda: w.tabs.show_page(0), "Alt+1"),
        action(w, "Browse the guide", lambda: w.tabs.show_page(1), "Alt+2"),
        action(w, "Bookmarks list", lambda: w.tabs.show_page(2), "Alt+3")])
    bookmarks_menu = bar.addMenu("&Bookmarks")
    bookmarks_menu.addAction(w.bookmark_action)
    bookmarks_menu.addActions(w.bookmarks_view.actions())  # remove, move up, move down: keys of the list's
    bookmarks_menu.addSeparator()
    bookmarks_menu.addActions([action(w, "Export bookmarks…", lambda: w.tools.export_bookmarks()),
                               action(w, "Import bookmarks…", lambda: w.tools.import_bookmarks())])
    # Tab runs search box → filters → results → entry, then the side tabs and their other lists.
    chain = [w.search_box, w.filter_bar.kind_box, w.filter_bar.section_box, w.results_view, w.entry_view,
             w.tabs.tabBar(), w.outline_view, w.bookmarks_view]
    for first, second in zip(chain, chain[1:]):
        QWidget.setTabOrder(first, second)
