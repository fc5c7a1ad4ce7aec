"""The left-hand tabs (app/browse_tabs.py): picking an entry in the outline or the bookmarks
asks for it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QWidget

from patternkb.app.browse_tabs import BrowseTabs
from patternkb.app.models import build_outline
from patternkb.app.roles import Role

NEWTYPE = "api-design-patterns/newtype-pattern"


@pytest.fixture
def tabs(qtbot, bundled_library):
    tabs = BrowseTabs(QWidget(), [NEWTYPE])
    qtbot.addWidget(tabs)
    tabs.set_kb(bundled_library.kb, build_outline(bundled_library.kb))
    return tabs


def first_entry(model, role=Role.Id, parent=None):
    """The first index, depth first, with data in `role` (Role.Anchor: an entry's snippet)."""
    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if index.data(role):
            return index
        found = first_entry(model, role, index)
        if found is not None:
            return found
    return None


def test_the_tabs_are_results_browse_and_bookmarks(tabs):
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Results", "Browse", "Bookmarks"]


@pytest.mark.parametrize("role", [Role.Id, Role.Anchor], ids=["entry", "snippet"])
def test_an_outline_entry_is_asked_for_with_its_anchor(qtbot, tabs, role):
    index = first_entry(tabs.outline_model, role)
    assert index is not None and index.data(Role.Id)
    with qtbot.waitSignal(tabs.entry_requested) as asked:
        tabs.outline_view.activated.emit(index)
    assert asked.args == [index.data(Role.Id), index.data(Role.Anchor) or ""]


def test_a_bookmark_is_asked_for(qtbot, tabs):
    index = tabs.bookmarks_model.index(0, 0)
    with qtbot.waitSignal(tabs.entry_requested) as asked:
        tabs.bookmarks_view.clicked.emit(index)
    assert asked.args == [NEWTYPE, ""]


def test_a_heading_that_is_no_entry_asks_for_nothing(qtbot, tabs):
    heading = tabs.outline_model.index(0, 0)
    assert not heading.data(Role.Id)  # the top level is the guide's parts
    with qtbot.assertNotEmitted(tabs.entry_requested):
        tabs.outline_view.activated.emit(heading)
