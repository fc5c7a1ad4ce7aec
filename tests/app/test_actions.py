"""The window's actions (app/actions.py): each one with a shortcut can be found in a menu,
no key is bound twice, and triggering an action runs its slot."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu

from patternkb.app.actions import SEARCH_KEYS
from patternkb.app.settings import Memory
from patternkb.app.window import MainWindow


@pytest.fixture
def window(qtbot, bundled_library, tmp_path):
    """A window whose index job never starts: the actions need none."""
    win = MainWindow(lambda: bundled_library, Memory(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(win)
    return win


def menu_actions(window) -> list[QAction]:
    found = []
    for menu in window.menuBar().findChildren(QMenu):
        found.extend(a for a in menu.actions() if not a.isSeparator())
    return found


def test_every_action_with_a_shortcut_is_in_a_menu_that_shows_it(window):
    with_keys = [a for a in window.findChildren(QAction) if a.shortcuts()]
    in_menus = menu_actions(window)
    # (Quit's key is the platform's: none on some, so it is not counted on.)
    assert {a.text() for a in with_keys} >= {"◀ Back", "Forward ▶", "☆ Bookmark", "◐ Theme", "Larger text",
                                             "Smaller text"}
    for act in with_keys:  # a menu shows an action's shortcut beside its text
        assert act in in_menus, f"{act.text()} ({act.shortcut().toString()}) is in no menu"


def test_no_two_actions_share_a_key_and_there_are_no_hidden_shortcuts(window):
    keys = [k.toString() for a in window.findChildren(QAction) for k in a.shortcuts()]
    assert len(keys) == len(set(keys)), sorted(keys)
    assert window.findChildren(QShortcut) == []  # every key is an action's, shown in a menu


def test_the_keys_a_keyboard_user_needs_are_in_the_menus(window):
    shown = {k.toString() for a in menu_actions(window) for k in a.shortcuts()}
    wanted = {"Ctrl+F", "F3", "Shift+F3", "Ctrl+0", "Ctrl+T", "Ctrl+W", "Ctrl+Tab", "Ctrl+Shift+Tab",
              "Ctrl+Shift+C", "Ctrl+Shift+L", "Ctrl+E", "Alt+1", "Alt+2", "Alt+3", "Del", "Ctrl+Up", "Ctrl+Down",
              "Ctrl+Home", "Ctrl+End",
              *(QKeySequence(k).toString() for k in SEARCH_KEYS)}
    assert wanted - shown == set()


def test_actions_run_their_slots(qtbot, window):
    assert not window.back_action.isEnabled() and not window.forward_action.isEnabled()  # no history yet
    before = window.theme.choice
    window.theme_action.trigger()
    assert window.theme.choice != before
    size = window.font_size
    [larger] = [a for a in menu_actions(window) if a.text() == "Larger text"]
    larger.trigger()
    assert window.font_size == size + 1
    [actual] = [a for a in menu_actions(window) if a.text() == "Actual size"]
    actual.trigger()
    assert window.font_size == window.default_font_size
    window.line_numbers_action.trigger()
    assert window.memory.line_numbers is True
    window.search_box.setText("mutex")
    window.entry_view.setFocus()
    window.search_action.trigger()
    assert window.search_box.selectedText() == "mutex"
    window.find_action.trigger()
    assert window.entry_pane.find_bar.isVisibleTo(window)
