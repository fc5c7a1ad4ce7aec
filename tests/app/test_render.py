"""Entries as HTML (app/render.py): code highlighted by Pygments with inline styles, and search
terms marked in text only, never inside a tag or a character reference."""

import html
import re
from html.parser import HTMLParser

import pytest

from patternkb.app.render import DARK, LIGHT, highlight_code, mark_terms, render_entry

RUST = 'fn main() {\n    let shared = Arc::new(Mutex::new(0)); // "counter" <T> & more\n}\n'

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


def test_highlighted_code_has_inline_styles_and_no_classes():
    code = highlight_code(RUST, "rust", LIGHT)
    assert 'style="' in code
    assert "class=" not in code  # QTextBrowser has no stylesheet with Pygments' classes
    assert "<span" in code and code != html.escape(RUST)  # highlighted, not merely escaped
    assert "&lt;T&gt;" in code and "<T>" not in code  # the code's own angle brackets are text


def test_highlighted_code_shows_the_code_text_unchanged():
    for theme in (LIGHT, DARK):
        for source in (RUST, RUST.rstrip("\n")):  # the last line's newline is not a line of its own
            assert visible_text(highlight_code(source, "rust", theme)) == RUST.rstrip("\n")


def test_the_themes_highlight_in_their_own_colours():
    def colours(code):
        return set(re.findall(r"color: ?(#[0-9a-fA-F]{3,6})", code))

    assert colours(highlight_code(RUST, "rust", LIGHT)) != colours(highlight_code(RUST, "rust", DARK))


def test_line_numbers_count_from_the_first_line_without_changing_the_code():
    code = highlight_code(RUST, "rust", LIGHT, line_numbers=True, first_line=9)
    lines = visible_text(code).split("\n")
    assert [line[:3] for line in lines] == [" 9 ", "10 ", "11 "]  # right-aligned to the widest
    assert "\n".join(line[3:] for line in lines) == RUST.rstrip("\n")


def test_an_unknown_language_is_shown_as_plain_escaped_text():
    assert visible_text(highlight_code(RUST, "no-such-language", LIGHT)) == RUST.rstrip("\n")


def test_every_sub_hit_opens_at_a_place_in_the_rendered_entry(tmp_path):
    # A search's sub-hits (named parts and snippets) name anchors the entry page must hold.
    from pathlib import Path

    from patternkb.index.library import PatternLibrary
    from patternkb.kb.build import build_kb

    guide = Path(__file__).parents[1] / "fixtures" / "grouping" / "service-guide.md"
    with PatternLibrary.of(build_kb([guide]), tmp_path / "ix") as library:
        library.ensure()
        hits = library.search("pool idle timeout giving up retry loop").hits
        subs = [(hit, sub) for hit in hits for sub in hit.sub_hits if sub.kind in ("part", "snippet")]
        assert {sub.kind for _, sub in subs} == {"part", "snippet"}
        for hit, sub in subs:
            page = render_entry(library.kb.entry(hit.id), library.kb, related=[], checklist=[]).html
            assert f'name="{sub.anchor}"' in page, (hit.id, sub.anchor)


def test_a_code_block_s_first_snippet_opens_at_the_block_s_header(write_guide):
    # Opened at a snippet, the page shows the block's language, line and Copy link above the code.
    from patternkb.kb.build import build_kb
    from patternkb.kb.slugs import snippet_anchor

    guide = write_guide("# G\n\n## S\n\n### P\n\nText.\n\n```rust\n// first\nfn a() {}\n\n"
                        "// second\nfn b() {}\n```\n")
    kb = build_kb([guide])
    entry = next(e for e in kb.entries if e.kind == "pattern")
    assert len(entry.snippets) == 2
    page = render_entry(entry, kb, related=[], checklist=[]).html
    first, second = (snippet_anchor(entry.id, n, s.title).split("#", 1)[1] for n, s in enumerate(entry.snippets))
    assert page.index(f'name="{first}"') < page.index('href="copy:0"') < page.index(f'name="{second}"')
    assert page.index(f'name="{second}"') < page.index("second")


def test_a_checklist_item_no_pattern_illustrates_says_so(built_kb):
    from patternkb.app.render import NOT_ILLUSTRATED

    item = next(e for e in built_kb.entries if e.kind == "checklist")
    assert NOT_ILLUSTRATED in render_entry(item, built_kb, related=[], checklist=[]).html
    assert NOT_ILLUSTRATED not in render_entry(item, built_kb, related=[], checklist=[built_kb.patterns[0].id]).html


@pytest.mark.parametrize("guide", ["rust-api-guidelines", "uber-go-guide/src", "uber-go-guide/style.md",
                                   "google-pyguide/pyguide.md", "fixtures/shapes/list-guide.md",
                                   "fixtures/mdbook"])
def test_every_named_part_has_its_anchor_in_the_page_in_order(guide):
    """Each named part (a sub-heading, a numbered rule written as a list item, a part name a
    book normalises) is anchored where it starts, as the index names it, on real guides."""
    from pathlib import Path

    from patternkb.kb.build import build_kb
    from patternkb.kb.slugs import part_anchors
    from tests.shared_corpora import corpus

    tests = Path(__file__).parents[1]
    path = tests / guide if guide.startswith("fixtures") else corpus(guide)
    kb = build_kb([path])
    with_parts = [e for e in kb.entries if e.kind != "checklist" and e.parts]
    assert with_parts
    for entry in with_parts:
        page = render_entry(entry, kb, related=[], checklist=[]).html
        assert re.findall(r'<a name="(part-[^"]*)"></a>', page) == part_anchors([p.name for p in entry.parts]), entry.id
        _assert_each_anchor_starts_its_part(page, entry)


def _assert_each_anchor_starts_its_part(page: str, entry) -> None:
    """Each part's anchor stands before a heading, or opens the list item of its own rule."""
    for match, part in zip(re.finditer(r'<a name="part-[^"]*"></a>', page), entry.parts):
        after = re.sub(r"<[^>]+>", "", page[match.end():match.end() + 300]).lstrip()
        if page[match.end():].lstrip().startswith("<h"):
            continue
        assert page[:match.start()].rstrip().endswith("<li>"), (entry.id, part.name)
        assert after.startswith(part.name.split()[0] + " "), (entry.id, part.name, after[:40])


def test_rules_in_one_list_and_rules_with_inline_html_are_anchored_at_their_own_items(write_guide):
    from patternkb.kb.build import build_kb
    from patternkb.kb.slugs import part_anchors

    text = ('# G\n\n## S\n\n### Rules\n\nWords.\n\n- <a name="a"/>[1.1](#a) One rule.\n- [1.2](#b) Two <b>rule</b>.\n'
            '- <span>[1.3](#c)</span> Three rule.\n- [1.4](#d) <img src="x.png">\n\n#### After\n\n```rust\nfn a() {}\n```\n')
    kb = build_kb([write_guide(text)])
    entry = kb.entries[0]
    assert [p.name for p in entry.parts] == ["1.1 One rule", "1.2 Two rule", "1.3 Three rule", "After"]
    assert [p.text for p in entry.parts[:3]] == ["1.1 One rule.", "1.2 Two rule.", "1.3 Three rule."]
    page = render_entry(entry, kb, related=[], checklist=[]).html
    assert re.findall(r'<a name="(part-[^"]*)"></a>', page) == part_anchors([p.name for p in entry.parts])
    _assert_each_anchor_starts_its_part(page, entry)


def test_rules_led_by_bold_words_are_anchored_at_their_own_items(write_guide):
    from patternkb.kb.build import build_kb
    from patternkb.kb.slugs import part_anchors
    from tests.kb.test_list_rules import BULLET_RULES

    rule = "* **Rule {n} says** so.\n\n{code}\n\n"
    fenced = "  ```js\n  f{n}()\n  ```"
    indented = "      f{n}()"
    mid_fence = "".join(rule.format(n=n, code=fenced.format(n=n)) for n in range(1, 4)) + "* ```js\n  z()\n  ```\n\n" \
        + "".join(rule.format(n=n, code=fenced.format(n=n)) for n in range(4, 6))
    guides = [BULLET_RULES + "\n* ```js\n  z()\n  ```\n",  # an item that opens with code is no rule
              f"# G\n\n## S\n\n{mid_fence}### After\n\nWords.\n",  # nor in the middle of the list
              "# G\n\n## S\n\n" + "".join(rule.format(n=n, code=indented.format(n=n)) for n in range(1, 5))
              + "### After\n\nWords.\n"]  # indented code is code, on the page as in the KB
    for text, parts in zip(guides, (4, 6, 5)):
        kb = build_kb([write_guide(text)])
        entry = kb.entries[0]
        assert len(entry.parts) == parts, text
        page = render_entry(entry, kb, related=[], checklist=[]).html
        assert re.findall(r'<a name="(part-[^"]*)"></a>', page) == part_anchors([p.name for p in entry.parts])
        _assert_each_anchor_starts_its_part(page, entry)


@pytest.mark.parametrize("language, code, link", [
    ("rust", "use serde::Serialize;\nfn f() {}", "https://crates.io/crates/serde"),
    ("python", "import requests\n\ndef f():\n    pass", "https://pypi.org/project/requests/"),
    ("js", "import lodash from 'lodash';\nfunction f() {}", "https://www.npmjs.com/package/lodash"),
    ("go", 'import "go.uber.org/zap"\n\nfunc f() {}', "https://pkg.go.dev/go.uber.org/zap")])
def test_a_package_links_to_the_registry_of_its_code_s_language(write_guide, language, code, link):
    from patternkb.kb.build import build_kb

    kb = build_kb([write_guide(f"# G\n\n## S\n\n### Uses a package\n\nWords.\n\n```{language}\n{code}\n```\n")])
    entry = kb.entries[0]
    assert entry.packages
    page = render_entry(entry, kb, related=[], checklist=[]).html
    assert f'href="{link}"' in page and ("crates.io" in page) == (language == "rust")


def test_an_entry_s_first_paragraph_is_shown_once(built_kb):
    for entry in [e for e in built_kb.entries if e.kind == "pattern" and e.summary][:20]:
        page = render_entry(entry, built_kb, related=[], checklist=[]).html
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
        first_words = " ".join(entry.summary.split())[:40]
        assert text.count(first_words) == 1, entry.id


def test_a_link_to_another_entry_opens_it_and_one_to_a_part_of_this_entry_scrolls_there(write_guide):
    from patternkb.kb.build import build_kb
    from patternkb.kb.slugs import part_anchors

    guide = write_guide("# G\n\n## S\n\n### One\n\n[two's rule](#rule), [two](#two), [below](#mine) and "
                        "[out](https://example.com/x).\n\n#### Mine\n\nText.\n\n```rust\nfn a() {}\n```\n\n"
                        "### Two\n\nText.\n\n#### Rule\n\nMore.\n\n```rust\nfn b() {}\n```\n")
    kb = build_kb([guide])
    one, two = (next(e for e in kb.entries if e.title == t) for t in ("One", "Two"))
    html = render_entry(one, kb, related=[], checklist=[]).html
    assert f'href="entry:{two.id}#{part_anchors([p.name for p in two.parts])[0]}"' in html
    assert f'href="entry:{two.id}"' in html
    mine = part_anchors([p.name for p in one.parts])[0]
    assert f'href="#{mine}"' in html and f'name="{mine}"' in html
    assert 'href="https://example.com/x"' in html
