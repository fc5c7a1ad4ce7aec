"""The entry navigator (app/navigator.py): which entry is current, an entry asked for before the
KB loads, an unknown entry told, back and forward over History, and the bookmark toggle, with the
actions' enabled and checked states."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction

from patternkb.app.entry_view import EntryView
from patternkb.app.messages import Messages
from patternkb.app.models import BookmarksModel
from patternkb.app.navigator import EntryNavigator
from patternkb.app.settings import Memory
from patternkb.kb.paths import BUNDLED_KB
from patternkb.kb.store import load_kb

NEWTYPE = "api-design-patterns/newtype-pattern"
POOL = "memory-management-patterns/memory-pool-pattern"


@pytest.fixture(scope="module")
def kb():
    return load_kb(BUNDLED_KB)


@pytest.fixture
def owner():
    owner = QObject()
    yield owner
    owner.deleteLater()


@pytest.fixture
def make_navigator(owner, tmp_path):
    """A navigator over actions and a bookmarks model of the test's own; no window."""
    def make(kb=None, bookmarks=()):
        actions = [QAction(text, owner, checkable=checkable)
                   for text, checkable in (("Back", False), ("Forward", False), ("Bookmark", True))]
        memory = Memory(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        navigator = EntryNavigator(*actions, BookmarksModel(kb, list(bookmarks), owner), memory,
                                   Messages(owner), owner)
        if kb is not None:
            navigator.set_kb(kb)
        return navigator
    return make


def test_an_entry_asked_for_before_the_kb_opens_when_it_loads(qtbot, make_navigator, kb):
    navigator = make_navigator()
    with qtbot.assertNotEmitted(navigator.opened):
        assert navigator.open_entry(NEWTYPE, "top")  # not refused: there is no KB to refuse it yet
    assert navigator.current_id is None
    with qtbot.waitSignal(navigator.opened) as opened:
        assert navigator.set_kb(kb) is True
    assert opened.args == [NEWTYPE, "top", False, -1]
    assert navigator.current_id == NEWTYPE
    assert navigator.memory.recent_entries[0] == NEWTYPE


def test_with_nothing_waiting_set_kb_opens_nothing(qtbot, make_navigator, kb):
    navigator = make_navigator()
    with qtbot.assertNotEmitted(navigator.opened):
        assert navigator.set_kb(kb) is False
    assert navigator.current_id is None


def test_an_unknown_entry_is_told_and_leaves_the_current_one(qtbot, make_navigator, kb):
    navigator = make_navigator(kb)
    navigator.open_entry(NEWTYPE)
    with qtbot.waitSignal(navigator.messages.shown) as shown, qtbot.assertNotEmitted(navigator.opened):
        assert navigator.open_entry("no/such-entry") is False
    assert navigator.entry_problem == "no entry 'no/such-entry' in this KB"
    assert shown.args[0] == "No entry 'no/such-entry' in this KB"
    assert navigator.current_id == NEWTYPE
    assert navigator.open_entry(POOL)
    assert navigator.entry_problem is None  # until the next one that cannot be opened


def test_back_and_forward_follow_the_history_and_enable_their_actions(qtbot, make_navigator, kb):
    navigator = make_navigator(kb)
    assert not navigator.back_action.isEnabled() and not navigator.forward_action.isEnabled()
    navigator.open_entry(NEWTYPE)
    assert not navigator.back_action.isEnabled()  # one place: nothing to go back to
    navigator.open_entry(POOL, "snippet")
    assert navigator.back_action.isEnabled() and not navigator.forward_action.isEnabled()
    with qtbot.waitSignal(navigator.opened) as opened:
        navigator.back_action.trigger()
    assert opened.args == [NEWTYPE, "", False, -1]
    assert navigator.current_id == NEWTYPE
    assert not navigator.back_action.isEnabled() and navigator.forward_action.isEnabled()
    with qtbot.waitSignal(navigator.opened) as opened:
        navigator.forward_action.trigger()
    assert opened.args == [POOL, "snippet", False, -1]  # the anchor too
    assert [s.place for s in navigator.history.back] == [(NEWTYPE, "")] and navigator.history.forward == []
    assert navigator.back_action.isEnabled() and not navigator.forward_action.isEnabled()


def test_the_entry_views_mouse_buttons_go_back_and_forward(qtbot, make_navigator, kb):
    navigator = make_navigator(kb)
    view = EntryView()
    qtbot.addWidget(view)
    navigator.follow(view)
    navigator.open_entry(NEWTYPE)
    navigator.open_entry(POOL)
    view.history_requested.emit(-1)
    assert navigator.current_id == NEWTYPE
    view.history_requested.emit(+1)
    assert navigator.current_id == POOL


def test_the_bookmark_action_is_checked_for_bookmarked_entries(make_navigator, kb):
    navigator = make_navigator(kb, bookmarks=[POOL])
    navigator.open_entry(POOL)
    assert navigator.bookmark_action.isChecked()
    navigator.open_entry(NEWTYPE)
    assert not navigator.bookmark_action.isChecked()


def test_bookmarking_toggles_the_current_entry_and_remembers_it(qtbot, make_navigator, kb):
    navigator = make_navigator(kb)
    navigator.open_entry(NEWTYPE)
    with qtbot.waitSignal(navigator.bookmark_toggled) as toggled:
        navigator.bookmark_action.trigger()
    assert toggled.args == [NEWTYPE, True]
    assert navigator.bookmark_action.isChecked()
    assert navigator.bookmarks.ids == [NEWTYPE] and navigator.memory.bookmarks == [NEWTYPE]
    with qtbot.waitSignal(navigator.bookmark_toggled) as toggled:
        navigator.bookmark_action.trigger()
    assert toggled.args == [NEWTYPE, False]
    assert not navigator.bookmark_action.isChecked()
    assert navigator.bookmarks.ids == [] and navigator.memory.bookmarks == []


def test_with_no_entry_shown_the_bookmark_action_marks_nothing(qtbot, make_navigator, kb):
    navigator = make_navigator(kb)
    with qtbot.assertNotEmitted(navigator.bookmark_toggled):
        navigator.bookmark_action.trigger()  # checks the checkable action, which it takes back
    assert not navigator.bookmark_action.isChecked()
    assert navigator.bookmarks.ids == [] and navigator.memory.bookmarks == []


def test_previews_are_neither_history_nor_recent_and_back_leaves_a_preview(qtbot, make_navigator, kb):
    navigator = make_navigator(kb)
    navigator.open_entry(NEWTYPE)  # opened: Enter or a click
    for entry_id in (POOL, NEWTYPE, POOL):  # the top hit while typing, then Up/Down
        navigator.open_entry(entry_id, background=True, preview=True)
    assert navigator.history.back == [] and navigator.history.current.place == (NEWTYPE, "")
    assert navigator.memory.recent_entries == [NEWTYPE]
    assert navigator.back_action.isEnabled()  # back to the entry the preview covers
    with qtbot.waitSignal(navigator.opened) as opened:
        navigator.back_action.trigger()
    assert opened.args[:2] == [NEWTYPE, ""] and not navigator.previewing
    assert not navigator.back_action.isEnabled()
    navigator.open_entry(POOL, preview=True)
    navigator.open_entry(POOL)  # the preview, opened: now a navigation from NEWTYPE
    assert [s.place for s in navigator.history.back] == [(NEWTYPE, "")]
    assert navigator.memory.recent_entries == [POOL, NEWTYPE]


def test_back_and_forward_ask_for_the_scroll_position_each_place_was_left_at(qtbot, make_navigator, kb):
    navigator = make_navigator(kb)
    view = EntryView()
    qtbot.addWidget(view)
    navigator.follow(view)
    view.setHtml("<p>line</p>" * 400)
    view.resize(300, 200)
    view.show()
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 1000)
    navigator.open_entry(NEWTYPE)
    view.verticalScrollBar().setValue(700)
    navigator.open_entry(POOL)
    view.verticalScrollBar().setValue(90)
    with qtbot.waitSignal(navigator.opened) as opened:
        navigator.back_action.trigger()
    assert opened.args == [NEWTYPE, "", False, 700]
    with qtbot.waitSignal(navigator.opened) as opened:
        navigator.forward_action.trigger()
    assert opened.args == [POOL, "", False, 90]
