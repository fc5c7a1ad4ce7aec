"""Bookmarks (app/bookmarks.py, BookmarksModel): removed with Delete or the context menu, reordered,
exported and imported as JSON; the model stays sound through it all (qtmodeltester)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QListView

from patternkb.app.bookmarks import BookmarkFileError, BookmarkList, read_bookmarks
from patternkb.app.models import BookmarksModel
from patternkb.app.settings import Memory
from patternkb.kb.paths import BUNDLED_KB
from patternkb.kb.store import load_kb


@pytest.fixture(scope="module")
def kb():
    return load_kb(BUNDLED_KB)


@pytest.fixture
def ids(kb):
    return [e.id for e in kb.patterns[:4]]


@pytest.fixture
def bookmarks(qtbot, qtmodeltester, kb, ids, tmp_path):
    memory = Memory(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    for entry_id in ids[:3]:
        memory.add_bookmark(entry_id)
    model = BookmarksModel(kb, memory.bookmarks)
    qtmodeltester.check(model, force_py=True)  # and, connected to its signals, every change below
    view = QListView()
    view.setModel(model)
    qtbot.addWidget(view)
    view.show()
    return BookmarkList(view, model, memory)


def test_delete_removes_the_selected_bookmark_here_and_in_what_is_saved(qtbot, bookmarks, ids):
    bookmarks.view.setCurrentIndex(bookmarks.model.index(1, 0))
    bookmarks.view.setFocus()
    with qtbot.waitSignal(bookmarks.changed, timeout=1000):
        qtbot.keyClick(bookmarks.view, Qt.Key.Key_Delete)
    assert bookmarks.model.ids == [ids[0], ids[2]] and bookmarks.memory.bookmarks == [ids[0], ids[2]]
    [remove] = [a for a in bookmarks.view.actions() if a.text() == "Remove bookmark"]  # the context menu's
    remove.trigger()
    assert bookmarks.model.ids == [ids[0]]  # the row after the one removed was selected


def test_bookmarks_move_up_and_down_and_the_order_is_saved(qtbot, bookmarks, ids):
    bookmarks.view.setCurrentIndex(bookmarks.model.index(0, 0))
    bookmarks.view.setFocus()
    qtbot.keyClick(bookmarks.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert bookmarks.model.ids == [ids[1], ids[0], ids[2]]
    assert bookmarks.view.currentIndex().row() == 1  # the moved bookmark stays selected
    assert bookmarks.move_current(+1) and bookmarks.model.ids == [ids[1], ids[2], ids[0]]
    assert not bookmarks.move_current(+1)  # already last
    assert bookmarks.move_current(-1) and bookmarks.move_current(-1)
    assert bookmarks.model.ids == [ids[0], ids[1], ids[2]] == bookmarks.memory.bookmarks[:3]
    bookmarks.move_current(+1)
    assert bookmarks.memory.bookmarks == [ids[1], ids[0], ids[2]]


def test_export_then_import_round_trips_into_an_empty_list(qtbot, qtmodeltester, bookmarks, kb, ids, tmp_path):
    path = tmp_path / "marks.json"
    assert bookmarks.export_to(path) == 3
    assert json.loads(path.read_text())["entries"] == ids[:3]
    memory = Memory(QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat))
    memory.add_bookmark(ids[3])
    model = BookmarksModel(kb, memory.bookmarks)
    qtmodeltester.check(model, force_py=True)
    other = BookmarkList(QListView(), model, memory)
    assert other.import_from(path) == (3, 0)
    assert model.ids == [ids[3], *ids[:3]] == memory.bookmarks
    assert other.import_from(path) == (0, 0)  # nothing twice


def test_import_skips_entries_this_kb_lacks_and_names_the_line_of_a_broken_file(bookmarks, ids, tmp_path):
    bookmarks.model.remove(0)
    path = tmp_path / "marks.json"
    path.write_text(json.dumps({"format": "patternkb-bookmarks", "version": 1, "entries": [ids[0], "no/such"]}))
    assert bookmarks.import_from(path) == (1, 1)
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "format": "patternkb-bookmarks",\n  "entries": [,]\n}\n')
    with pytest.raises(BookmarkFileError, match=r"broken\.json:3: not JSON"):
        read_bookmarks(broken)
    other = tmp_path / "other.json"
    other.write_text('{"entries": []}')
    with pytest.raises(BookmarkFileError, match=r"other\.json:1: not a patternkb bookmarks file"):
        read_bookmarks(other)


def test_an_export_that_fails_leaves_the_file_that_was_there(tmp_path, monkeypatch):
    from patternkb.app.bookmarks import export_bookmarks, read_bookmarks

    target = tmp_path / "marks.json"
    export_bookmarks(target, ["a/b", "c/d"])

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("patternkb.app.bookmarks.os.replace", full_disk)
    try:
        export_bookmarks(target, ["x/y"])
    except OSError:
        pass
    assert read_bookmarks(target) == ["a/b", "c/d"] and [p.name for p in tmp_path.iterdir()] == ["marks.json"]
