"""Search terms marked in an entry's HTML: text only, never inside a tag or a character reference."""

import html
from html.parser import HTMLParser

from patternkb.app.render import LIGHT, mark_terms, render_entry

MARK = f'<span style="background-color:{LIGHT.mark}">'


def visible_text(fragment: str) -> str:
    """The text a browser shows: each text node's character references read on their own, so
    a reference split by a tag shows as its letters."""
    parts: list[str] = []
    parser = HTMLParser(convert_charrefs=False)
    parser.handle_data = parts.append
    parser.handle_entityref = lambda name: parts.append(html.unescape(f"&{name};"))
    parser.handle_charref = lambda name: parts.append(html.unescape(f"&#{name};"))
    parser.feed(fragment)
    parser.close()
    return "".join(parts)


def test_a_term_that_is_an_entity_name_marks_only_text():
    fragment = '<p>say &quot;quoted&quot; &amp; amp&#39;s <a href="quot">quot</a> &lt;quot&gt;</p>'
    marked = mark_terms(fragment, ("quot", "amp"), LIGHT)
    assert visible_text(marked) == visible_text(fragment)  # no entity became visible text
    assert marked.count(MARK) == 4  # quoted, amp('s), quot (link text), quot (in <…>)
    assert '<a href="quot">' in marked


def test_text_without_a_term_is_left_as_it_was():
    fragment = "<p>&nbsp;&#x27;nothing&#x27; here</p>"
    assert mark_terms(fragment, ("mutex",), LIGHT) == fragment


def test_an_entry_page_keeps_its_entities_under_any_term(built_kb):
    entry = next(e for e in built_kb.patterns if '"' in "".join(b.code for b in e.code))
    kw = dict(related=[], checklist=[], theme=LIGHT)
    plain = render_entry(entry, built_kb, **kw).html
    for term in ("quot", "amp", "nbsp", "x27", "span", "style", "href"):
        marked = render_entry(entry, built_kb, terms=(term,), **kw).html
        assert visible_text(marked) == visible_text(plain), term
