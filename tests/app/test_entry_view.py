"""The entry view (app/entry_view.py): copying never includes line numbers (the Copy link, the
copy-code key, a selection), the code at the reading position, links opened in place or in a new
tab, honest messages for external links, and Tab into the view starting at the text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QTextCursor

from patternkb.app.entry_view import EntryView
from patternkb.app.render import LIGHT, render_entry
from patternkb.kb.paths import BUNDLED_KB
from patternkb.kb.slugs import snippet_anchor
from patternkb.kb.store import load_kb


@pytest.fixture(scope="module")
def kb():
    return load_kb(BUNDLED_KB)


@pytest.fixture
def view(qtbot):
    view = EntryView()
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.show()
    return view


def many_blocks(kb):
    return max(kb.patterns, key=lambda p: len(p.code))


def show(view, kb, pattern, **kwargs):
    view.show_page(render_entry(pattern, kb, related=[], checklist=[], theme=LIGHT, line_numbers=True), **kwargs)


def test_selecting_code_shown_with_line_numbers_copies_the_code_alone(qtbot, view, kb):
    pattern = many_blocks(kb)
    show(view, kb, pattern)
    block = pattern.code[0]
    first_line = block.code.split("\n")[0]
    assert f"{block.line_start + 1} {first_line}" in view.toPlainText().replace("\xa0", " ")  # numbers shown
    # Select from the code's first line to its last, as a mouse drag would.
    doc_text = view.document().toPlainText()
    start = doc_text.index(first_line) - len(str(block.line_start + 1)) - 1
    cursor = QTextCursor(view.document())
    cursor.setPosition(start)
    cursor.setPosition(start + len(block.code) + 40, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    view.copy()  # Ctrl+C
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(first_line)
    assert block.code.rstrip("\n") in copied  # every line, none with its number


def test_the_copy_code_key_copies_the_block_at_the_reading_position(qtbot, view, kb):
    pattern = many_blocks(kb)
    show(view, kb, pattern)
    assert view.copy_code_at_reading_position()
    assert QGuiApplication.clipboard().text() == pattern.code[0].code  # at the top: the first block
    links = view._copy_links()
    assert [index for _, index in links] == list(range(len(pattern.code)))
    # Scroll the last block's header to the top: the key copies that block now.
    position = links[-1][0]
    view.scroll_to_position(position)
    assert view.code_at_reading_position() == (f"code block {len(pattern.code)}", pattern.code[-1].code)


def test_opened_at_a_snippet_the_key_copies_that_snippet_until_the_reader_scrolls(view, kb):
    pattern = next(p for p in kb.patterns if len(p.snippets) > 1 and len(p.code) > 1)
    n = len(pattern.snippets) - 1
    anchor = snippet_anchor(pattern.id, n, pattern.snippets[n].title).split("#", 1)[1]
    show(view, kb, pattern, anchor=anchor)
    assert view.code_at_reading_position() == ("snippet", pattern.snippets[n].code)
    view.verticalScrollBar().setValue(0)
    assert view.code_at_reading_position()[0].startswith("code block")


def test_zoom_keeps_the_reading_position(view, kb):
    show(view, kb, many_blocks(kb))
    view.scroll_to_position(view.document().characterCount() // 2)
    reading = view.reading_position()
    font = view.font()
    font.setPointSize(font.pointSize() + 6)
    view.setFont(font)
    view.document().setDefaultFont(font)
    view.scroll_to_position(reading)
    assert abs(view.reading_position() - reading) < 80  # the same line, give or take its length


def link_point(view, href_prefix: str) -> QPoint:
    block = view.document().begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            if fragment.charFormat().anchorHref().startswith(href_prefix):
                cursor = QTextCursor(view.document())
                cursor.setPosition(fragment.position() + 1)
                view.setTextCursor(cursor)
                view.ensureCursorVisible()
                return view.cursorRect(cursor).center()
            fragments += 1
        block = block.next()
    raise AssertionError(f"no link {href_prefix}")


def test_ctrl_click_and_middle_click_on_a_link_ask_for_a_new_tab(qtbot, view, kb):
    pattern = kb.patterns[0]
    other = kb.patterns[1]
    view.show_page(render_entry(pattern, kb, related=[{"id": other.id, "title": other.title, "reason": "r"}],
                                checklist=[], theme=LIGHT))
    point = link_point(view, "entry:")
    for button, modifier in ((Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier),
                             (Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier)):
        with qtbot.waitSignal(view.tab_requested, timeout=1000) as asked, qtbot.assertNotEmitted(view.entry_requested):
            qtbot.mouseClick(view.viewport(), button, modifier, point)
        assert asked.args == [other.id, ""]


def test_an_external_link_says_whether_a_browser_opened_it(qtbot, view, monkeypatch):
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: False))
    with qtbot.waitSignal(view.message, timeout=1000) as said:
        view.anchorClicked.emit(QUrl("https://example.org/x"))
    assert said.args == ["could not open https://example.org/x: no browser answered"]
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: True))
    with qtbot.waitSignal(view.message, timeout=1000) as said:
        view.anchorClicked.emit(QUrl("https://example.org/x"))
    assert said.args == ["opened https://example.org/x in the browser"]


def test_tabbing_into_the_view_does_not_land_on_a_link_focused_before(qtbot, view, kb):
    view.show_page(render_entry(kb.patterns[0], kb, related=[{"id": kb.patterns[1].id, "title": "T", "reason": "r"}],
                                checklist=[], theme=LIGHT))
    link_point(view, "entry:")
    view.focusNextPrevChild(True)  # a link focused, as Tab inside the view does
    view.clearFocus()
    view.setFocus(Qt.FocusReason.TabFocusReason)
    assert not view.textCursor().charFormat().isAnchor() or view.textCursor().position() <= 1
    assert not view.textCursor().hasSelection()
