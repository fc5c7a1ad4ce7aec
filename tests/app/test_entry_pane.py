"""The entry pane (app/entry_pane.py): the entry and where it sits in the guide, rendered here
or on a pool thread, a stale rendering never shown over a newer one, and failures told."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool

from patternkb.app.entry_pane import EntryPane, where
from patternkb.app.messages import Messages
from patternkb.app.render import LIGHT, EntryPage
from patternkb.kb.paths import BUNDLED_KB
from patternkb.kb.slugs import snippet_anchor
from patternkb.kb.store import load_kb


@pytest.fixture(scope="module")
def kb():
    return load_kb(BUNDLED_KB)


@pytest.fixture
def pane(qtbot):
    messages = Messages()
    pane = EntryPane(messages)
    qtbot.addWidget(pane)
    pane.told = []
    messages.shown.connect(lambda text, _ms: pane.told.append(text))
    yield pane
    QThreadPool.globalInstance().waitForDone(10_000)


def show(pane, entry, kb, anchor="", *, background=False):
    pane.show_entry(entry, kb, None, anchor, terms=(), theme=LIGHT, line_numbers=False, bookmarked=False,
                    background=background)


def page(title: str) -> EntryPage:
    return EntryPage(f"<h1>{title}</h1>", [])


def test_where_names_the_snippet_an_anchor_points_at(kb):
    entry = next(p for p in kb.patterns if len(p.snippets) > 1)
    anchor = snippet_anchor(entry.id, 1, entry.snippets[1].title).split("#", 1)[1]
    assert where(entry, "") == " › ".join(entry.path)
    assert where(entry, anchor) == " › ".join([*entry.path, entry.snippets[1].title])
    assert where(entry, "no-such-anchor") == " › ".join(entry.path)


def test_an_entry_shows_with_its_place_in_the_guide(pane, kb):
    entry = kb.patterns[0]
    show(pane, entry, kb)
    assert entry.title in pane.view.toPlainText()
    assert pane.header.text() == " › ".join(entry.path)
    assert pane.view.page is not None


def test_the_header_names_the_snippet_the_entry_opened_at(pane, kb):
    entry = next(p for p in kb.patterns if len(p.snippets) > 1)
    anchor = snippet_anchor(entry.id, 1, entry.snippets[1].title).split("#", 1)[1]
    pane.show_page(entry, lambda: page("SNIPPET"), anchor)
    assert pane.header.text().endswith(" › " + entry.snippets[1].title)


def test_an_entry_rendered_in_the_background_shows_when_done(qtbot, pane, kb):
    entry = kb.patterns[1]
    show(pane, entry, kb, background=True)
    qtbot.waitUntil(lambda: entry.title in pane.view.toPlainText(), timeout=10_000)
    assert pane.header.text() == " › ".join(entry.path)


def test_a_slow_rendering_of_an_entry_left_is_never_shown_over_the_newer_one(qtbot, pane, kb):
    older, newer = kb.patterns[0], kb.patterns[1]
    runner = pane._jobs  # the pane's own: it lets a job go once its answer is delivered
    pane.show_page(older, lambda: page("OLDER"), background=True)
    pane.show_page(newer, lambda: page("NEWER"))  # asked for while the first still renders
    qtbot.waitUntil(lambda: runner.running() == 0, timeout=10_000)
    assert "NEWER" in pane.view.toPlainText()
    assert "OLDER" not in pane.view.toPlainText()
    assert pane.header.text() == " › ".join(newer.path)


def test_a_rendering_that_fails_is_told_and_leaves_the_page(qtbot, pane, kb):
    entry = kb.patterns[0]
    pane.show_page(entry, lambda: page("BEFORE"))

    def broken():
        raise ValueError("bad markdown")

    pane.show_page(entry, broken)
    assert pane.told == [f"Cannot show {entry.id}: bad markdown"]
    pane.show_page(entry, broken, background=True)
    qtbot.waitUntil(lambda: len(pane.told) == 2, timeout=10_000)
    assert pane.told[1] == f"Cannot show {entry.id}: bad markdown"
    assert "BEFORE" in pane.view.toPlainText()


def test_the_welcome_page_drops_a_rendering_under_way(qtbot, pane, kb):
    pane.show_page(kb.patterns[0], lambda: page("LATE"), background=True)
    pane.show_html("<p>WELCOME</p>")
    qtbot.waitUntil(lambda: pane._jobs.running() == 0, timeout=10_000)
    assert "WELCOME" in pane.view.toPlainText() and "LATE" not in pane.view.toPlainText()
    assert pane.header.text() == "" and pane.view.page is None


def test_font_size_reaches_the_view(pane):
    pane.set_font_size(17)
    assert pane.view.font().pointSize() == 17
    assert pane.view.document().defaultFont().pointSize() == 17
