"""Entry tabs (app/tabs.py), in a window on the bundled KB: Ctrl+T, Ctrl+W, Ctrl+Tab, a link opened
in a new tab, each tab's own history, and the tabs back after a restart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QThreadPool

from patternkb.app.settings import Memory
from patternkb.app.window import MainWindow

A = "concurrency-async/thread-safety-patterns"
B = "api-design-patterns/newtype-pattern"
C = "memory-management-patterns/memory-pool-pattern"


def make_window(qtbot, library, memory):
    win = MainWindow(lambda: library, memory)
    qtbot.addWidget(win)
    win.show()
    win.start_index()
    qtbot.waitUntil(lambda: win.index_ready, timeout=30_000)
    return win


@pytest.fixture
def memory(tmp_path):
    return Memory(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, bundled_library, memory):
    win = make_window(qtbot, bundled_library, memory)
    yield win
    QThreadPool.globalInstance().waitForDone(10_000)


def titles(win):
    return [win.entry_tabs.bar.tabText(n) for n in range(win.entry_tabs.bar.count())]


def test_each_tab_has_its_own_history(window):
    tabs = window.entry_tabs
    window.open_entry(A)
    window.open_entry(B)
    window.new_tab_action.trigger()  # Ctrl+T: a tab of its own on the entry shown
    assert tabs.count() == 2 and tabs.current == 1 and window.current_id == B
    window.open_entry(C)
    assert titles(window) == ["Newtype Pattern", "Memory Pool Pattern"]
    assert window.windowTitle().startswith("Memory Pool Pattern")
    tabs.cycle(+1)  # Ctrl+Tab wraps to the first tab
    assert tabs.current == 0 and window.current_id == B
    window.back_action.trigger()
    assert window.current_id == A  # this tab's history: A, B
    assert not window.back_action.isEnabled()
    tabs.cycle(-1)  # Ctrl+Shift+Tab
    assert tabs.current == 1 and window.current_id == C
    window.back_action.trigger()
    assert window.current_id == B  # the other tab's: B, C
    assert not window.back_action.isEnabled()


def test_a_tab_shows_its_place_where_it_was_left(qtbot, window):
    window.open_entry(A)
    bar = window.entry_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 400)
    bar.setValue(400)
    window.new_tab_action.trigger()
    window.open_entry(C)
    window.entry_tabs.cycle(-1)
    assert window.current_id == A and bar.value() == 400


def test_closing_tabs_keeps_the_last_and_ctrl_w_closes_the_current(window):
    tabs = window.entry_tabs
    window.open_entry(A)
    assert not tabs.close_tab() and tabs.count() == 1  # the last tab stays
    assert not tabs.bar.tabsClosable()  # and shows no button to close it
    assert tabs.open_in_background(B) and tabs.open_in_background(C)
    assert titles(window) == ["Thread Safety Patterns", "Newtype Pattern", "Memory Pool Pattern"]
    assert tabs.current == 0 and window.current_id == A  # opened behind the current tab
    tabs.cycle(+1)
    window.close_tab_action.trigger()  # Ctrl+W
    assert titles(window) == ["Thread Safety Patterns", "Memory Pool Pattern"] and window.current_id == C
    assert not tabs.open_in_background("no/such-entry")


def test_a_ctrl_clicked_link_opens_in_a_new_tab(window):
    window.open_entry(A)
    window.entry_view.tab_requested.emit(B, "")  # what Ctrl+click or a middle click on a link sends
    assert window.entry_tabs.count() == 2 and window.current_id == A
    window.entry_tabs.cycle(+1)
    assert window.current_id == B


def test_open_tabs_come_back_after_a_restart(qtbot, bundled_library, memory, window):
    window.open_entry(A)
    window.open_entry(B)
    window.entry_tabs.open_in_background(C)
    window.close()
    again = make_window(qtbot, bundled_library, memory)
    qtbot.waitUntil(lambda: again.current_id is not None, timeout=10_000)
    assert titles(again) == ["Newtype Pattern", "Memory Pool Pattern"]
    assert again.current_id == B and again.entry_tabs.current == 0
    again.back_action.trigger()
    assert again.current_id == A  # with its history
    again.entry_tabs.cycle(+1)
    assert again.current_id == C


def test_unreadable_saved_tabs_leave_one_new_tab(window):
    assert not window.entry_tabs.restore("{not json")
    assert not window.entry_tabs.restore('{"current": 0, "tabs": []}')
    assert window.entry_tabs.count() == 1


def test_a_preview_s_position_is_not_noted_as_the_tab_s_own(qtbot, window):
    window.open_entry(A)
    window.open_entry(C, background=False, preview=True)  # Up/Down in the results, over A
    bar = window.entry_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 200)
    bar.setValue(200)  # the preview scrolled
    window.new_tab_action.trigger()
    window.entry_tabs.cycle(-1)
    assert window.current_id == A and window.history.current.scroll in (None, 0)
