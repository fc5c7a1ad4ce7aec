"""How the chapters of an mdBook are cut into entries: a chapter written as the parts of one
pattern, a page over sub-chapters, a "See also" among a chapter's rules, fence info strings."""

from pathlib import Path

import pytest

from patternkb.kb.build import build_kb
from patternkb.kb.info_string import info_language


def _book(root: Path, chapters: dict[str, str], summary: str) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "src" / "SUMMARY.md").write_text(summary)
    for name, text in chapters.items():
        path = root / "src" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _fence(code: str, info: str = "rust") -> str:
    return f"```{info}\n{code}\n```\n\n"


def test_a_chapter_written_as_the_parts_of_one_pattern_is_one_entry(tmp_path):
    # Its code sits under sub-headings of "Code Example": that deeper level must not make
    # "Description" and "Advantages" entries of their own.
    chapter = ("# Handling Widgets\n\n## Description\n\nWidgets fail.\n\n## Code Example\n\n"
               "### Flat Widgets\n\n" + _fence("enum Flat { A }") + "### Nested Widgets\n\n"
               + _fence("enum Nested { B(u8) }") + "### Boxed Widgets\n\n" + _fence("struct Boxed;")
               + "## Advantages\n\nFewer bugs.\n\n## Disadvantages\n\nMore code.\n")
    kb = build_kb([_book(tmp_path / "b", {"handling.md": chapter}, "# Summary\n\n- [Handling](handling.md)\n")])
    assert [(e.kind, e.title) for e in kb.entries] == [("pattern", "Handling Widgets")]
    assert [p.name for p in kb.entries[0].parts] == [
        "Description", "Example", "Flat Widgets", "Nested Widgets", "Boxed Widgets", "Advantages", "Disadvantages"]
    assert [s.title for s in kb.entries[0].snippets] == ["Flat", "Nested", "Boxed"]


def test_a_chapter_of_rules_stays_cut_into_rules_and_its_see_also_is_the_chapters(tmp_path):
    rules = "".join(f"## Rule {n}\n\nWhy {n}.\n\n" + _fence(f"fn rule_{n}() {{}}") for n in "ABC")
    chapter = f"# Rules\n\nThree rules.\n\n{rules}## See Also\n\n- [elsewhere](https://example.org)\n"
    kb = build_kb([_book(tmp_path / "b", {"rules.md": chapter}, "# Summary\n\n- [Rules](rules.md)\n")])
    assert [(e.kind, e.title) for e in kb.entries] == [
        ("overview", "Rules"), ("pattern", "Rule A"), ("pattern", "Rule B"), ("pattern", "Rule C")]
    overview = kb.entries[0]
    assert [p.name for p in overview.parts] == ["See also"] and "elsewhere" in overview.markdown


def test_a_page_over_sub_chapters_with_no_code_is_an_overview(tmp_path):
    chapters = {"intro.md": "# Intro\n\nWelcome.\n",
                "kinds/index.md": "# Kinds of Widget\n\nThe pages below show each kind.\n",
                "kinds/round.md": "# Round\n\n" + _fence("struct Round;"),
                "kinds/square.md": "# Square\n\n" + _fence("struct Square;")}
    summary = ("# Summary\n\n- [Intro](intro.md)\n- [Widgets](intro.md)\n  - [Kinds](kinds/index.md)\n"
               "    - [Round](kinds/round.md)\n    - [Square](kinds/square.md)\n")
    kb = build_kb([_book(tmp_path / "b", chapters, summary)])
    kinds = {e.title: e.kind for e in kb.entries}
    assert kinds["Kinds of Widget"] == "overview"
    assert (kinds["Round"], kinds["Square"]) == ("pattern", "pattern")


def test_a_fence_info_string_names_its_language_without_attributes():
    assert [info_language(info) for info in ("rust,ignore", "rust,no_run", "{.python}", "{.python .numberLines}",
                                             'js title="a.js"', "Go", "", ",rust")] == [
        "rust", "rust", "python", "python", "js", "go", "", "rust"]


def test_an_mdbook_fence_with_attributes_is_highlighted_and_read_as_its_language(tmp_path):
    chapter = "# Guards\n\n" + _fence("struct Guard;\nimpl Drop for Guard { fn drop(&mut self) {} }", "rust,ignore")
    kb = build_kb([_book(tmp_path / "b", {"guards.md": chapter}, "# Summary\n\n- [Guards](guards.md)\n")])
    entry = kb.entries[0]
    assert entry.code[0].language == "rust" and "Guard" in entry.defines


def test_a_chapter_opened_by_a_deeper_heading_that_the_summary_names_has_it_as_its_title(tmp_path):
    # GitBook books often open a chapter with "### Title" over "### Rule" headings: that heading
    # is the chapter's title, not a second entry of the same name beside the chapter's own.
    chapter = ("### Widgets\n\nWhy widgets.\n\n" + _fence("struct Widget;") + "### Round Widgets\n\nRound.\n\n"
               + _fence("struct Round;") + "### Square Widgets\n\nSquare.\n\n" + _fence("struct Square;"))
    kb = build_kb([_book(tmp_path / "b", {"widgets.md": chapter}, "# Summary\n\n- [Widgets](widgets.md)\n")])
    assert [(e.kind, e.title) for e in kb.entries] == [
        ("overview", "Widgets"), ("pattern", "Round Widgets"), ("pattern", "Square Widgets")]
    assert "Why widgets." in kb.entries[0].markdown and kb.entries[0].code[0].code.startswith("struct Widget")


def test_a_chapter_whose_first_heading_below_a_note_names_it_has_it_as_its_title(tmp_path):
    chapter = ("> A translator's note.\n\n## Widgets\n\nWhy widgets.\n\n### Round Widgets\n\n" + _fence("struct Round;")
               + "### Square Widgets\n\n" + _fence("struct Square;"))
    kb = build_kb([_book(tmp_path / "b", {"widgets.md": chapter}, "# Summary\n\n- [Widgets](widgets.md)\n")])
    assert [e.title for e in kb.entries] == ["Widgets", "Round Widgets", "Square Widgets"]
    assert "translator" in kb.entries[0].markdown and "Why widgets." in kb.entries[0].markdown


def test_rules_under_an_overview_heading_stay_rules(tmp_path):
    # Only code under the example part of a chapter written in parts makes it one pattern.
    rules = "".join(f"### Rule {n}\n\nWhy {n}.\n\n" + _fence(f"fn rule_{n}() {{}}") for n in "ABC")
    for head in ("## Overview\n\nAbout errors.\n\n", "## Overview\n\nAbout.\n\n## Guidelines\n\n",
                 "## Description\n\nAbout.\n\n## Rules\n\n"):
        kb = build_kb([_book(tmp_path / str(len(head)) / "b", {"errors.md": f"# Errors\n\n{head}{rules}"},
                             "# Summary\n\n- [Errors](errors.md)\n")])
        assert [e.title for e in kb.entries if e.kind == "pattern"] == ["Rule A", "Rule B", "Rule C"], head


def test_a_title_restated_by_the_heading_below_it_is_one_overview(tmp_path):
    # The chapter's H1, then an included file that opens with the same words one level down.
    recipes = "".join(f"### Recipe {n}\n\n" + _fence(f"fn recipe_{n}() {{}}") for n in "AB")
    chapters = {"terminal.md": "# ANSI Terminal\n\n{{#include terminal/basic.md}}\n",
                "terminal/basic.md": f"## ANSI Terminal\n\nColours on terminals.\n\n{recipes}"}
    summary = "# Summary\n\n- [Command Line](terminal.md)\n  - [ANSI Terminal](terminal.md)\n"
    kb = build_kb([_book(tmp_path / "b", chapters, summary)])
    titled = [(e.kind, e.title) for e in kb.entries if e.source.file.endswith("terminal.md")]
    assert titled.count(("overview", "ANSI Terminal")) <= 1
    overview = next(e for e in kb.entries if e.title == "ANSI Terminal")
    assert "Colours on terminals." in overview.text
    assert ("pattern", "Recipe A") in [(e.kind, e.title) for e in kb.entries]
    assert kb.manifest.guides[0].coverage["heading"].lost == 0


@pytest.mark.parametrize(("info", "language"), [
    ('{linenums="1 1 2"}', ""), ('py3 hl_lines="1 2"', "py3"), ('{#example .python startFrom="10"}', "python"),
    ('title="a b.js"', ""), ('js title="a b.js"', "js"), ('title="a b.js', ""), ("title='a b", "")])
def test_a_fence_s_attributes_are_no_language(info, language):
    """PyMdown's and Pandoc's attributes (`linenums="1 1 2"`, an `#id`) name no language, and a
    quoted value's spaces do not make words of it, nor those of a quote left open."""
    assert info_language(info) == language
