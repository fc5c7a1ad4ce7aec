"""The Results tab (app/results_pane.py) on real search results: the hits or the overview,
moving through the hits, and what it says the user picked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl

from patternkb.app.render import LIGHT
from patternkb.app.results_pane import NO_RESULTS_HINT, TYPE_TO_SEARCH, ResultsPane


@pytest.fixture
def pane(qtbot):
    pane = ResultsPane()
    qtbot.addWidget(pane)
    return pane


def show(pane, result, kb, recent_searches=()):
    pane.show_result(result, kb, LIGHT, list(recent_searches), [])


def test_hits_are_listed_and_the_overview_shows_without_them(pane, bundled_library):
    kb = bundled_library.kb
    show(pane, None, kb)
    assert pane.stack.currentWidget() is pane.overview
    assert TYPE_TO_SEARCH in pane.overview.toPlainText()
    result = bundled_library.search("mutex")
    show(pane, result, kb)
    assert pane.stack.currentWidget() is pane.view
    assert pane.model.rowCount() == len(result.hits) + sum(len(h.sub_hits) for h in result.hits) > 1
    assert pane.model.hit(0) == result.hits[0]


def test_a_search_that_finds_nothing_says_so_with_recent_searches(pane, bundled_library):
    result = bundled_library.search("qqqzzzxxyy")
    assert not result.hits
    show(pane, result, bundled_library.kb, recent_searches=["arena", "builder"])
    text = pane.overview.toPlainText()
    assert pane.stack.currentWidget() is pane.overview
    assert "No results for “qqqzzzxxyy”" in text
    assert NO_RESULTS_HINT in text and "Recent searches: arena, builder." in text


def test_moving_stays_on_the_list_and_reports_each_hit(qtbot, pane, bundled_library):
    result = bundled_library.search("mutex")
    show(pane, result, bundled_library.kb)
    picked = []
    pane.current_hit.connect(picked.append)
    pane.select_top(result)
    pane.move(-8)  # already at the top: stays there
    pane.move(+1)  # into the first result: its best sub-hit
    rows = pane.model.rowCount()
    pane.move(+10_000)  # to the last, not past it
    top = result.hits[0]
    assert picked == [top, pane.model.hit(1), pane.model.hit(rows - 1)]
    assert picked[1].parent == top.id and picked[1].anchor == top.sub_hits[0].anchor
    with qtbot.waitSignal(pane.hit_activated) as activated:
        pane.activate_current()
    assert activated.args == [pane.model.hit(rows - 1)]


def test_selecting_the_top_hit_of_a_result_no_longer_shown_does_nothing(qtbot, pane, bundled_library):
    first, second = bundled_library.search("mutex"), bundled_library.search("builder")
    show(pane, first, bundled_library.kb)
    show(pane, second, bundled_library.kb)
    with qtbot.assertNotEmitted(pane.current_hit):
        pane.select_top(first)  # its preview arrived after the next search
    assert not pane.view.currentIndex().isValid()


def test_a_correction_applied_says_so(qtbot, pane, bundled_library):
    result = bundled_library.search("mutx thred")  # finds nothing as typed
    assert result.correction_applied
    show(pane, result, bundled_library.kb)
    text = pane.correction.text()
    assert not pane.correction.isHidden() and "Showing results for <b>mutex thread</b>" in text
    assert "Search instead for" in text and "mutx thred" in text
    with qtbot.assertNotEmitted(pane.correction_chosen), qtbot.waitSignal(pane.as_typed_chosen):
        pane.correction.linkActivated.emit("#as-typed")


def test_the_spelling_suggestion_is_offered_and_chosen(qtbot, pane, bundled_library):
    from patternkb.index.library import SearchOptions

    result = bundled_library.search("mutx thread", SearchOptions(correct=False))  # as typed: the spelling is offered
    assert result.corrected and not result.correction_applied
    show(pane, result, bundled_library.kb)
    assert not pane.correction.isHidden() and result.corrected in pane.correction.text()
    with qtbot.waitSignal(pane.correction_chosen) as chosen:
        pane.correction.linkActivated.emit("#")  # what a click on the link sends
    assert chosen.args == [result.corrected]
    show(pane, bundled_library.search("mutex"), bundled_library.kb)
    assert pane.correction.isHidden()


def test_an_entry_link_in_the_overview_asks_for_that_entry(qtbot, pane, bundled_library):
    show(pane, None, bundled_library.kb)
    with qtbot.waitSignal(pane.entry_requested) as asked:
        pane.overview.anchorClicked.emit(QUrl("entry:api-design-patterns/newtype-pattern#usage"))
    assert asked.args == ["api-design-patterns/newtype-pattern", "usage"]
    with qtbot.assertNotEmitted(pane.entry_requested):
        pane.overview.anchorClicked.emit(QUrl("https://example.com/"))
