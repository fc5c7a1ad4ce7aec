"""Find in page (app/find_bar.py): counts what is shown, code included, moves with Enter, Shift+Enter,
F3 and Shift+F3 (the window's actions), wraps, and Esc closes it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from patternkb.app.entry_view import EntryView
from patternkb.app.find_bar import FindBar
from patternkb.app.render import LIGHT, render_entry
from patternkb.kb.paths import BUNDLED_KB
from patternkb.kb.store import load_kb


@pytest.fixture(scope="module")
def kb():
    return load_kb(BUNDLED_KB)


@pytest.fixture
def bar(qtbot):
    view = EntryView()
    bar = FindBar(view)
    qtbot.addWidget(view)
    qtbot.addWidget(bar)
    view.resize(500, 300)
    view.show()
    bar.show()
    bar.hide()
    return bar


def test_it_counts_the_matches_shown_and_moves_through_them_both_ways(qtbot, bar):
    bar.view.setHtml("<p>one lock</p><pre>let g = m.lock();\nlet h = m.LOCK();</pre><p>no match here</p>")
    bar.open_bar()
    assert bar.isVisible() and bar.box.hasFocus()
    bar.box.setText("lock")
    assert len(bar.matches) == 3  # the prose's, and both in the code block (case-insensitive)
    assert bar.count.text() == "1 of 3"
    qtbot.keyClick(bar.box, Qt.Key.Key_Return)
    assert bar.count.text() == "2 of 3"
    assert bar.view.textCursor().selectedText() == "lock"  # the match in the code, selected
    bar.find_next()  # F3
    assert bar.count.text() == "3 of 3"
    assert bar.view.textCursor().selectedText() == "LOCK"
    bar.find_next()
    assert bar.count.text() == "1 of 3"  # wraps
    qtbot.keyClick(bar.box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count.text() == "3 of 3"
    bar.find_previous()  # Shift+F3
    assert bar.count.text() == "2 of 3"
    assert len(bar.view.extraSelections()) == 3  # every match marked


def test_nothing_found_says_so_and_esc_closes_the_bar(qtbot, bar):
    bar.view.setHtml("<p>text</p>")
    bar.open_bar()
    bar.box.setText("absent")
    assert bar.count.text() == "no matches" and bar.matches == []
    bar.find_next()  # nothing to go to: no error
    with qtbot.waitSignal(bar.closed, timeout=1000):
        qtbot.keyClick(bar.box, Qt.Key.Key_Escape)
    assert not bar.isVisible() and bar.view.extraSelections() == []


def test_f3_with_the_bar_closed_opens_it(bar):
    bar.view.setHtml("<p>text</p>")
    bar.find_next()
    assert bar.isVisible()


def test_it_finds_code_of_a_rendered_entry_as_shown_with_line_numbers(qtbot, bar, kb):
    pattern = next(p for p in kb.patterns if p.code)
    word = pattern.code[0].code.split()[0]
    bar.view.show_page(render_entry(pattern, kb, related=[], checklist=[], theme=LIGHT, line_numbers=True))
    bar.open_bar()
    bar.box.setText(word)
    shown = bar.view.toPlainText().lower().count(word.lower())
    assert shown >= 1 and len(bar.matches) == shown


def test_a_search_matching_everywhere_marks_a_bounded_number_and_says_there_are_more(bar):
    from patternkb.app.find_bar import MAX_MATCHES

    bar.view.setHtml("<p>" + "a " * (3 * MAX_MATCHES) + "</p>")
    bar.open_bar()
    bar.box.setText("a")
    assert len(bar.matches) == MAX_MATCHES and len(bar.view.extraSelections()) == MAX_MATCHES
    assert bar.count.text() == f"1 of {MAX_MATCHES}+"
