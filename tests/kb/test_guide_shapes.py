"""Guides shaped as others write them (fixtures in tests/fixtures/shapes, gitbook, rulebook): nothing
dropped, HTML turned into Markdown, links resolved, books read as mdBook and GitBook define them."""

import re
import shutil
from pathlib import Path

import pytest

from patternkb.kb.build import build_kb
from patternkb.kb.html import KNOWN_TAGS

FIXTURES = Path(__file__).parent.parent / "fixtures"
HTML_TAG = re.compile(r"</?(" + "|".join(sorted(KNOWN_TAGS)) + r")\b[^>]*>|<!--", re.IGNORECASE)


@pytest.fixture(scope="module")
def html_guide():
    return build_kb([FIXTURES / "shapes" / "html-guide.md"])


@pytest.fixture
def rulebook(tmp_path):
    book = tmp_path / "rulebook"
    shutil.copytree(FIXTURES / "rulebook", book)
    (tmp_path / "outside.txt").write_text("CANARY outside the book\n")
    return book


def _prose(kb):
    return [(e.id, field, getattr(e, field)) for e in kb.entries for field in ("title", "summary", "text")
            if hasattr(e, field)]


def test_html_is_markdown_or_text_never_a_tag(html_guide):
    for entry_id, field, value in _prose(html_guide):
        assert not HTML_TAG.search(value), (entry_id, field, value)
    start = html_guide.entry("start-here/overview")
    assert start.markdown.startswith("Widgets are built from shapes.\\\nRead this first.")  # <br>
    assert "**Why a handbook**" in start.markdown and "keep **breaking**" in start.markdown  # details, <b>
    assert "note for the guide's authors" not in html_guide.entry("start-here/overview").markdown


def test_a_table_of_code_cells_is_one_labelled_part_per_cell(html_guide):
    rule = html_guide.entry("shapes/prefer-small-shapes")
    assert [s.title for s in rule.snippets] == ["Bad: Prefer small shapes (HugeShape)",
                                                "Good: Prefer small shapes (SmallShape)"]
    assert "**Bad**\n\n```go" in rule.markdown and "**Good**\n\n```go" in rule.markdown
    assert "<table" not in rule.markdown and "</td>" not in rule.markdown


def test_a_table_of_text_becomes_a_markdown_table(html_guide):
    assert "| Name | Use |\n|---|---|\n| Square | four equal sides |" in \
        html_guide.entry("shapes/name-shapes-plainly").markdown


def test_a_section_keeps_its_own_prose_and_code_as_an_overview(html_guide):
    overview = html_guide.entry("shapes/overview")
    assert overview.kind == "overview" and overview.summary == "Every shape below follows one rule of thumb."
    assert overview.code[0].code.startswith("// shared helper")
    blocks = [b.code for e in html_guide.entries for b in getattr(e, "code", [])]
    assert len(blocks) == 6  # every fence of the guide, the one in a blockquote too


def test_a_fence_in_a_blockquote_is_code_and_no_warning(html_guide):
    assert "func Square" in html_guide.entry("shapes/name-shapes-plainly").code[0].code
    assert not any("never closes" in w.message for w in html_guide.manifest.warnings)


def test_contents_and_back_links_are_left_out_by_their_shape(html_guide):
    guide = html_guide.manifest.guides[0]
    assert guide.title == "Widget Handbook" and guide.id == "widget-handbook"
    assert guide.coverage["list"].left_out == 1  # the contents, whatever its title
    assert guide.coverage["paragraph"].left_out >= 2  # the two "back to top" lines (and anchors)
    assert all(not e.links or "widget-handbook" not in e.links[0] for e in html_guide.entries)
    assert guide.covered == 1.0


def test_links_resolve_to_headings_and_html_anchors(html_guide):
    assert html_guide.entry("shapes/prefer-small-shapes").links == ["shapes/name-shapes-plainly", "tools/measure-first"]
    assert html_guide.entry("shapes/name-shapes-plainly").links == ["shapes/prefer-small-shapes"]  # <a id>
    links = html_guide.manifest.guides[0].links
    assert (links.resolved, links.unresolved) == (3, 1)
    assert [str(w).split("/")[-1] for w in html_guide.manifest.warnings] == [
        "html-guide.md:80: warning: link '#no-such-heading' leads to no heading or page of the guide"]


def test_reference_definitions_stay_with_the_entry(html_guide):
    assert html_guide.entry("tools/measure-first").markdown.endswith("[profiler]: https://example.com/profiler")


def test_python_and_go_code_give_symbols_and_packages(html_guide):
    measure = html_guide.entry("tools/measure-first")
    assert measure.defines == ["measure"] and measure.packages == ["numpy", "shapes"]
    assert html_guide.entry("shapes/prefer-small-shapes").defines == ["HugeShape", "SmallShape"]


def test_a_gitbook_summary_with_root_relative_readme_and_fragment_links():
    kb = build_kb([FIXTURES / "gitbook"])
    guide = kb.manifest.guides[0]
    assert (guide.title, guide.id) == ("Little Pattern Book", "little-pattern-book")  # the front page's H1
    assert [(e.id, e.kind) for e in kb.entries] == [
        ("little-pattern-book/overview", "overview"), ("creational-patterns/overview", "overview"),
        ("creational-patterns/builder", "pattern"), ("structural-patterns/overview", "overview"),
        ("structural-patterns/adapter", "pattern")]
    assert kb.entry("creational-patterns/builder").links == ["structural-patterns/adapter"]
    assert kb.entry("creational-patterns/overview").aliases == ["Creational"]  # the summary's label
    assert kb.entry("creational-patterns/builder").packages == ["com.example.widgets"]
    assert kb.entry("structural-patterns/adapter").packages == ["@acme/widgets"]
    assert kb.manifest.warnings == [] and guide.covered == 1.0


def test_an_mdbook_of_rules_gives_one_pattern_per_rule_and_an_overview(rulebook):
    kb = build_kb([rulebook])
    assert kb.manifest.guides[0].title == "Rule Book"  # book.toml
    naming = [(e.kind, e.title) for e in kb.entries if e.section == "naming"]
    assert naming == [("overview", "Naming"), ("pattern", "Types are UpperCamelCase (R-CASE)"),
                      ("pattern", "Functions start with a verb (R-VERB)"), ("pattern", "Names stay short (R-SHORT)")]
    assert kb.entry("rule-book/about-this-book").kind == "overview"  # a prefix chapter
    assert kb.entry("errors/overview").code[0].code.startswith("pub trait BookError")  # a category page
    case = kb.entry("naming/types-are-uppercamelcase-r-case")
    assert case.links == ["errors/wrapping"]  # written as .html
    assert case.markdown.endswith("[RFC 9]: https://example.com/rfc9")
    assert kb.entry("naming/functions-start-with-a-verb-r-verb").links == ["naming/types-are-uppercamelcase-r-case"]


def test_pattern_level_overrides_every_chapter(rulebook):
    kb = build_kb([rulebook], pattern_level=1)
    assert [(e.kind, e.title) for e in kb.entries if e.source.file.endswith("/naming.md")] == [("pattern", "Naming")]
    assert kb.manifest.guides[0].pattern_level == 1


def test_includes_are_expanded_from_inside_the_book_only(rulebook):
    kb = build_kb([rulebook])
    wrapping = kb.entry("errors/wrapping")
    assert wrapping.code[0].code == "pub fn wrap(e: std::io::Error) -> WrappedError { WrappedError(e) }\n"
    assert wrapping.code[1].code == ("use thiserror::Error;\n"
                                     "pub fn wrap(e: std::io::Error) -> WrappedError { WrappedError(e) }\n")
    assert wrapping.code[2].code == "use thiserror::Error;\n" and wrapping.packages == ["thiserror"]
    # lines are the chapter file's, whatever the includes brought in
    assert [b.line_start for b in wrapping.code] == [6, 10, 14] and wrapping.source.line_end == 16
    assert "CANARY" not in " ".join(e.model_dump_json() for e in kb.entries)
    assert any("outside.txt}} leads outside the book; not included" in str(w) and "src/errors/wrapping.md:18" in str(w)
               for w in kb.manifest.warnings)
    assert "{{#" not in wrapping.markdown and wrapping.title == "Wrapping"  # {{#title}} and {{#playground}}


def test_a_checklist_chapter_of_nested_items_links_to_its_rules(rulebook):
    kb = build_kb([rulebook])
    items = [e for e in kb.entries if e.kind == "checklist"]
    assert [(i.group, i.title, i.links) for i in items] == [
        ("Naming", "Types are UpperCamelCase (R-CASE)", ["naming/types-are-uppercamelcase-r-case"]),
        ("Naming", "Functions start with a verb (R-VERB)", ["naming/functions-start-with-a-verb-r-verb"]),
        ("Errors", "Errors are wrapped (wrapping)", ["errors/wrapping"])]
    assert kb.manifest.guides[0].links.unresolved == 0


def test_a_guide_named_twice_is_built_once():
    once = build_kb([FIXTURES / "gitbook"])
    twice = build_kb([FIXTURES / "gitbook", FIXTURES / "gitbook"])
    assert [g.id for g in twice.manifest.guides] == ["little-pattern-book"]
    assert [e.id for e in twice.entries] == [e.id for e in once.entries]


def test_guides_with_one_title_get_unique_ids(tmp_path):
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text("# Style\n\n## Rule\n\n```go\nfunc f() {}\n```\n")
    kb = build_kb([tmp_path / "a.md", tmp_path / "b.md"])
    # The second by its file's name, not style-2, which a guide built between them would take
    assert [g.id for g in kb.manifest.guides] == ["style", "style-b"]
    assert [s.id for s in kb.sections] == ["style", "b/style"]
    assert [e.id for e in kb.entries] == ["style/rule", "b/style/rule"]


def test_a_fence_that_never_closes_is_a_warning_naming_the_chapter_file_in_src(rulebook):
    naming = rulebook / "src" / "naming.md"
    naming.write_text(naming.read_text().replace("pub fn count_widgets() -> u32 { 0 }\n```",
                                                 "pub fn count_widgets() -> u32 {\n\n# };\n\n}"))
    kb = build_kb([rulebook])
    assert [str(w).split("rulebook/", 1)[1] for w in kb.manifest.warnings if "never closes" in w.message] == [
        "src/naming.md:21: warning: code fence never closes"]
    assert not any(s.id.startswith("untitled") for s in kb.sections)
    assert not any(e.title == "};" or e.id.endswith("untitled") for e in kb.entries)
    assert kb.entry("naming/names-stay-short-r-short").summary == "No example needed."  # the fence ended there


def test_a_table_of_contents_is_checked_against_the_headings(write_guide):
    contents = "".join(f"- [{t}](#{t.lower()})\n" for t in ("Alpha", "Beta", "Gamma", "Delta", "Omega"))
    body = "".join(f"## {t}\n\n```go\nfunc {t}() {{}}\n```\n\n" for t in ("Alpha", "Beta", "Gamma", "Delta"))
    kb = build_kb([write_guide(f"# Book\n\n{contents}\n{body}")])
    assert [e.title for e in kb.entries] == ["Alpha", "Beta", "Gamma", "Delta"]  # the list is no entry
    assert [(w.line, w.message) for w in kb.manifest.warnings] == [
        (7, "table of contents links '#omega', which is no heading")]


def test_rules_as_list_items_with_anchors_and_bad_good_comments():
    kb = build_kb([FIXTURES / "shapes" / "list-guide.md"])
    assert [e.id for e in kb.entries] == ["gadget-style/values", "gadget-style/objects", "gadget-style/loops"]
    # the snippets say which rule they show, from the list item's bold lead
    assert [s.title for s in kb.entry("gadget-style/values").snippets] == [
        "Bad: Constants", "Good: Constants", "Bad: Names", "Good: Names"]
    # anchors before a list item lead to the entry that holds it; "back to top" is navigation
    assert kb.entry("gadget-style/loops").links == ["gadget-style/values"]
    links = kb.manifest.guides[0].links
    assert (links.resolved, links.unresolved) == (5, 0) and kb.manifest.warnings == []
    assert kb.manifest.guides[0].coverage["paragraph"].left_out >= 3


def test_front_matter_is_left_out_and_may_name_the_guide(write_guide):
    kb = build_kb([write_guide("---\ntitle: \"Tidy Code\"\ntags: [style]\n---\n\n## Rule one\n\n```go\nfunc a() {}\n```\n\n"
                               "## Rule two\n\n```go\nfunc b() {}\n```\n")])
    guide = kb.manifest.guides[0]
    assert (guide.title, guide.id) == ("Tidy Code", "tidy-code")
    assert [e.title for e in kb.entries] == ["Rule one", "Rule two"]  # no setext heading "tags: [style]"
    assert guide.coverage["front-matter"].left_out == 1 and guide.covered == 1.0


def test_a_readme_titled_in_html_and_a_github_alert(write_guide):
    kb = build_kb([write_guide('<h1 align="center">\n  <img src="logo.png" alt=""><br>Sprocket &amp; Co\n</h1>\n\n'
                               "## Usage\n\n> [!NOTE]\n> Needs a sprocket.\n\n```sh\nsprocket run\n```\n",
                               name="README.md")])
    guide = kb.manifest.guides[0]
    assert (guide.title, guide.id) == ("Sprocket & Co", "sprocket-co")
    usage = next(e for e in kb.entries if e.title == "Usage")
    assert "Note: Needs a sprocket." in usage.text and "[!" not in usage.text


def test_a_link_from_a_one_file_guide_to_another_file_is_not_internal(write_guide):
    kb = build_kb([write_guide("# G\n\n## A\n\nSee [errors](errors.md#codes) and [B](#b).\n\n"
                               "```go\nfunc a() {}\n```\n\n## B\n\n```go\nfunc b() {}\n```\n")])
    links = kb.manifest.guides[0].links
    assert (links.internal, links.resolved, links.unresolved) == (1, 1, 0) and kb.manifest.warnings == []


def test_headings_above_the_sections_keep_their_anchors_and_words(write_guide):
    # A changelog: versions above the sections, anchors before them, a wiki-style link.
    versions = "".join(f'<a id="1.{n}.0"></a>\n\n## Version 1.{n}.0\n\n### Changes\n\n#### Fix {n}\n\n'
                       f"```js\nfix{n}();\n```\n\n" for n in (2, 1))
    kb = build_kb([write_guide(f"# Log\n\nSee [1.1.0](#1.1.0), [changes](#changes_1) and [fixes](#Fix_2).\n\n"
                               f"{versions}")])
    assert kb.manifest.guides[0].links.unresolved == 0
    fix = next(e for e in kb.entries if e.title == "Fix 1")
    assert fix.path == ["Version 1.1.0", "Changes", "Fix 1"]
    # "#1.1.0" and "#changes_1" lead to the first entry below them; "#Fix_2" to its heading
    assert kb.entries[0].links == [fix.id, "changes/fix-2"]


def test_a_chapter_of_rules_under_a_category_stays_in_its_section(rulebook):
    kb = build_kb([rulebook])
    assert [(e.kind, e.path) for e in kb.entries if e.source.file.endswith("/kinds.md")] == [
        ("overview", ["Errors", "Kinds of error"]),
        ("pattern", ["Errors", "Kinds of error", "Errors are enums (R-ENUM)"]),
        ("pattern", ["Errors", "Kinds of error", "Errors are Send (R-SEND)"])]
    assert {e.section for e in kb.entries if e.source.file.endswith("/kinds.md")} == {"errors"}


def test_an_html_table_left_open_does_not_swallow_the_next_section(write_guide):
    kb = build_kb([write_guide("# G\n\n## One\n\n<table><tr><td>\n\n```go\nfunc a() {}\n```\n\n"
                               "## Two\n\n<details>\n\nSecond section's words.\n\n</details>\n\n"
                               "<p>More words</p>\n\n```go\nfunc b() {}\n```\n")])
    two = next(e for e in kb.entries if e.title == "Two")
    assert "More words" in two.text and two.snippets[0].title == "b"


def test_a_book_with_no_chapter_found_says_why_in_its_one_error(tmp_path):
    from patternkb.kb.errors import GuideError

    (tmp_path / "SUMMARY.md").write_text("# Summary\n\n- [Gone](/gone.md#part)\n")
    with pytest.raises(GuideError) as caught:
        build_kb([tmp_path])
    assert "links no chapter file" in str(caught.value)
    assert "SUMMARY.md:3: chapter file '/gone.md#part' not found" in str(caught.value)


def test_a_paragraph_of_bold_words_alone_labels_the_code_right_after_it(write_guide):
    rule = ("### Use default arguments\n\nWords.\n\n**Bad:**\n\n```javascript\nfunction make(name) {}\n```\n\n"
            "**Good:**\n```javascript\nfunction make(name = 'x') {}\n```\n\n"
            "**This sentence is bold only because its author likes bold text a lot.**\n\n"
            "```javascript\nfunction other() {}\n```\n")
    kb = build_kb([write_guide(f"# G\n\n## S\n\n{rule}")])
    assert [s.title for s in kb.entries[0].snippets] == [
        "Bad: Use default arguments (make)", "Good: Use default arguments (make)", "other"]


def test_code_in_a_table_row_is_labelled_by_what_the_row_leads_with_else_by_its_column(write_guide):
    row = "<tr><td>\n\n**{}**: {}\n\nWhy.\n\n</td><td>\n\n```go\n{}\n```\n\n</td></tr>\n"
    described = ("<table>\n<thead><tr><th>Description</th><th>Code</th></tr></thead>\n<tbody>\n"
                 + row.format("Bad", "Log the error and return it", "log(err)\nreturn err")
                 + row.format("Good", "Wrap the error", "return wrap(err)") + "</tbody></table>\n\n")
    columns = ("<table><thead><tr><th>Bad</th><th>Good</th></tr></thead><tbody><tr><td>\n\n```go\nx := 1\n```\n\n"
               "</td><td>\n\n```go\nvar x = 1\n```\n\n</td></tr></tbody></table>\n")
    kb = build_kb([write_guide(f"# G\n\n## S\n\n### Handle errors\n\nText.\n\n{described}{columns}")])
    entry = kb.entries[0]
    assert [s.title for s in entry.snippets] == [
        "Bad: Log the error and return it", "Good: Wrap the error", "Bad: Handle errors", "Good: Handle errors"]
    assert "**Code**" in entry.markdown  # the page keeps the table's own header


def test_a_table_of_links_that_lead_nowhere_is_one_warning_that_counts_them(write_guide):
    cells = "".join(f'<td><a href="#content-user{n}">u{n}</a></td>' for n in range(40))
    kb = build_kb([write_guide(f"# G\n\n## S\n\n### P\n\nSee [a](#gone-a), [b](#gone-b).\n\n```go\nx()\n```\n\n"
                               f"### Contributors\n\n<table><tr>{cells}</tr></table>\n")])
    messages = [w.message for w in kb.manifest.warnings]
    assert messages == ["link '#gone-a' leads to no heading or page of the guide",
                        "link '#gone-b' leads to no heading or page of the guide",
                        "40 links lead to no heading or page of the guide: '#content-user0', '#content-user1', "
                        "'#content-user2' and 37 more"]
    assert kb.manifest.guides[0].links.unresolved == 42


def test_line_breaks_around_a_table_of_contents_are_left_out_not_lost(write_guide):
    contents = "".join(f"1. [{t}](#{t.lower()})\n" for t in ("Alpha", "Beta", "Gamma"))
    rules = "".join(f"## {t}\n\n```js\n{t.lower()}();\n```\n\n" for t in ("Alpha", "Beta", "Gamma"))
    for toc in (f"## Table of Contents\n\n{contents}\n<br/><br/>\n\n", f"### Contents\n\n{contents}\n<br/>\n\n"):
        kb = build_kb([write_guide(f"# Guide\n\nIntro.\n\n{toc}{rules}")])
        guide = kb.manifest.guides[0]
        assert guide.covered == 1.0 and not kb.manifest.warnings, toc
        assert [e.title for e in kb.entries if e.kind == "pattern"] == ["Alpha", "Beta", "Gamma"]


def test_mdx_and_vue_components_leave_no_tag_and_a_tab_labels_its_code(write_guide):
    page = ("---\ntitle: Setup\n---\n\nimport Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n\n"
            "# Setup\n\n## Install <Badge type=\"warning\" text=\"beta\" />\n\nInstall it.\n\n"
            "<Tabs\n  defaultValue=\"npm\"\n  values={[\n    {label: 'npm', value: 'npm'},\n  ]\n}>\n"
            "<TabItem value=\"npm\">\n\n```sh\nnpm install wdio\n```\n\n</TabItem>\n<TabItem value=\"yarn\" label=\"Yarn\">\n\n"
            "```sh\nyarn add wdio\n```\n\n</TabItem>\n</Tabs>\n\n<LiteYouTubeEmbed\n    id=\"x\"\n    title=\"Video\"\n/>\n\n"
            "Use `Vec<T>` and <T> as written.\n\n## Run\n\n```sh\nwdio run\n```\n")
    kb = build_kb([write_guide(page)])
    install = next(e for e in kb.entries if e.title == "Install")
    assert [s.title for s in install.snippets] == ["npm: Install", "Yarn: Install"]
    for entry in kb.entries:
        for text in (entry.title, entry.text, getattr(entry, "summary", "")):
            assert "<TabItem" not in text and "<Badge" not in text and "<LiteYouTube" not in text, text
            assert "import Tabs" not in text, text
    assert "<T> as written" in install.text  # a generic type in prose is text
    assert kb.manifest.guides[0].coverage["paragraph"].lost == 0


def test_a_picture_in_a_heading_is_no_word_of_its_title_and_gitHub_s_anchor_reaches_it(tmp_path):
    """`### memoize ![advanced](tag.svg)`: the title is "memoize"; GitHub's anchor keeps the space the
    picture left (#memoize-), so the contents list linking it is contents, not a broken link; a
    picture of a symbol is the heading's icon."""
    guide = tmp_path / "snippets.md"
    guide.write_text("# Snippets\n\n## Contents\n\n* [`chunk`](#chunk)\n* [`memoize`](#memoize-)\n"
                     "* [`zip`](#-zip)\n\n## Array\n\n### chunk\n\nChunks.\n\n```js\nchunk()\n```\n\n"
                     "### memoize ![advanced](/advanced.svg)\n\nMemoizes.\n\n```js\nmemoize()\n```\n\n"
                     "### [![new](/new.svg)](/new) zip\n\nZips.\n\n```js\nzip()\n```\n\n"
                     "### ![✔] Checked\n\nYes.\n\n```js\ncheck()\n```\n\n[✔]: /check.svg\n")
    kb = build_kb([guide])
    patterns = {e.title: e for e in kb.entries if e.kind == "pattern"}
    assert set(patterns) == {"chunk", "memoize", "zip", "Checked"}
    assert patterns["Checked"].icon == "✔"
    assert not kb.manifest.warnings
    assert patterns["memoize"].id.endswith("/memoize")


def test_pictures_above_a_readme_s_title_are_decoration_and_words_join_its_overview(tmp_path):
    logo = tmp_path / "logo.md"
    logo.write_text("[![Logo](/logo.png)](https://example.org/)\n<p align=\"center\"><img src=\"b.svg\"></p>\n\n"
                    "# Title\n\nThe guide.\n\n## Use it\n\n```js\nuse()\n```\n")
    kb = build_kb([logo])
    assert [(e.kind, e.title) for e in kb.entries] == [("overview", "Title"), ("pattern", "Use it")]
    assert "Logo" not in kb.entries[0].markdown
    assert not any(c.lost for c in kb.manifest.guides[0].coverage.values())
    assert kb.manifest.guides[0].coverage["paragraph"].left_out == 1
    words = tmp_path / "words.md"
    words.write_text("Read this first.\n\n# Title\n\nThe guide.\n\n## Part\n\n### Use it\n\n```js\nuse()\n```\n"
                     "\n### Then\n\n```js\nthen()\n```\n")
    kb = build_kb([words])
    overviews = [e for e in kb.entries if e.kind == "overview"]
    assert [e.title for e in overviews].count("Title") == 1
    first = next(e for e in overviews if e.title == "Title")
    assert first.markdown.startswith("Read this first.") and first.source.line_start == 1


def test_back_to_top_links_to_contents_split_under_headings_are_navigation(tmp_path):
    """A README's contents under "## Contents", a list under each "### Group": a "⬆ Back to top"
    link to #contents is navigation, left out of every entry."""
    groups = ["Array", "Function", "Object"]
    contents = "".join(f"### {g}\n\n" + "".join(f"* [`{g.lower()}{n}`](#{g.lower()}{n})\n" for n in range(3)) + "\n"
                       for g in groups)
    body = "".join(f"## {g}\n\n" + "".join(f"### {g.lower()}{n}\n\nDoes {n}.\n\n```js\nf{n}()\n```\n\n"
                                           f"[⬆ Back to top](#contents)\n\n" for n in range(3)) for g in groups)
    guide = tmp_path / "README.md"
    guide.write_text(f"# Snippets\n\n## Contents\n\n{contents}{body}")
    kb = build_kb([guide])
    assert len([e for e in kb.entries if e.kind == "pattern"]) == 9
    assert not any("Back to top" in e.markdown for e in kb.entries)
    assert kb.manifest.guides[0].coverage["paragraph"].left_out == 9


def test_a_picture_against_a_heading_s_words_or_between_them_is_a_word(tmp_path):
    guide = tmp_path / "tools.md"
    guide.write_text("# Tools\n\n## ![Go](go.svg): install\n\nGet it.\n\n```sh\ngo install\n```\n\n"
                     "## Use ![the](x.svg) api\n\nCall it.\n\n```sh\ncall\n```\n\n"
                     "## memoize\n\nOnce.\n\n```js\nm()\n```\n\n## memoize ![advanced](adv.svg)\n\nTwice.\n\n```js\nm2()\n```\n\n"
                     "## Links\n\n[basic](#memoize) and [advanced](#memoize-).\n")
    kb = build_kb([guide])
    assert [e.title for e in kb.entries if e.kind == "pattern"][:4] == ["Go: install", "Use the api", "memoize", "memoize"]
    links = next(e for e in kb.entries if e.title == "Links")
    twice = next(e for e in kb.entries if "m2()" in e.markdown)
    assert links.link_targets["#memoize-"] == twice.id and links.link_targets["#memoize"] != twice.id
    assert not kb.manifest.warnings


def test_an_opening_above_the_one_section_joins_it_and_above_several_stays_the_page_s(tmp_path):
    one = tmp_path / "one.md"
    one.write_text("Read this first.\n\n# Title\n\n## Use it\n\n```js\nuse()\n```\n\n## Then\n\n```js\nthen()\n```\n")
    kb = build_kb([one])
    assert [(e.kind, e.title) for e in kb.entries][0] == ("overview", "Title")
    assert kb.entries[0].markdown.startswith("Read this first.") and len(kb.sections) == 1
    several = tmp_path / "several.md"  # a page's opening over its sections is the page's overview
    several.write_text("The page's words.\n\n## First\n\n### A\n\n```js\na()\n```\n\n## Second\n\n### B\n\n```js\nb()\n```\n")
    first = build_kb([several]).entries[0]
    assert (first.kind, first.title, first.markdown) == ("overview", "several", "The page's words.")
    badges = tmp_path / "badges.md"  # reference-style badges are decoration; a telling diagram is not
    badges.write_text("[![Build][b1]][ci] [![Cov](c.svg)](u)\n\n# Title\n\n## Use it\n\n```js\nuse()\n```\n\n"
                      "[b1]: b.svg\n[ci]: https://ci\n")
    assert [e.title for e in build_kb([badges]).entries] == ["Use it"]
    diagram = tmp_path / "diagram.md"
    diagram.write_text("![How a request flows through it](arch.png)\n\n## Use it\n\n```js\nuse()\n```\n\n## Other\n\n```js\no()\n```\n")
    assert "How a request flows" in build_kb([diagram]).entries[0].markdown


def test_a_list_that_says_something_of_the_headings_it_links_to_is_content(write_guide):
    """A list whose every item links to a heading of the page is a table of contents only when
    its items say little else; "an array of `routes` that match" is what the entry says."""
    glossary = ("# Glossary\n\n## Router\n\nThe router.\n\n## RouterState\n\nA router state contains:\n\n"
                "- the current [`location`](#location),\n- an array of [`routes`](#route) that match that location,\n"
                "- an object of [`params`](#params) parsed out of the URL.\n\n"
                "## Location\n\nWhere am I.\n\n## Route\n\nA route.\n\n## Params\n\nURL params.\n")
    kb = build_kb([write_guide(glossary)])
    assert "an array of [`routes`](#route) that match" in kb.entry("glossary/routerstate").markdown
    contents = "".join(f"- [{t}](#{t.lower()}) (optional)\n" for t in ("Router", "Location", "Route", "Params"))
    kb = build_kb([write_guide(glossary.replace("# Glossary\n\n", f"# Glossary\n\n{contents}\n"))])
    assert "(optional)" not in "".join(e.markdown for e in kb.entries)
    html = "".join(f'- <a href="#{t.lower()}">{t}</a>\n' for t in ("Router", "Location", "Route", "Params"))
    kb = build_kb([write_guide(glossary.replace("# Glossary\n\n", f"# Glossary\n\n{html}\n"))])
    assert "Location" not in kb.entries[0].markdown  # a contents list written in HTML is one too


def test_a_heading_s_link_off_the_page_opens_its_entry(write_guide):
    """A title is words only: the link a heading holds (a changelog's release) opens the entry's
    Markdown, so it is not lost; a link to a heading of the page is no more than the words."""
    kb = build_kb([write_guide("# Changelog\n\n## [1.2.0](https://example.org/v1.2.0) - 2024-01-02 ## {: #v1.2.0 }\n\n"
                               "- Fixed things.\n\n## [1.1.0](#v1.2.0) - 2023-12-01\n\n- Added things.\n")])
    first, second = kb.entries
    assert (first.title, second.title) == ("1.2.0 - 2024-01-02", "1.1.0 - 2023-12-01")
    assert first.markdown.startswith("[1.2.0](https://example.org/v1.2.0)\n\n- Fixed things.")
    assert first.summary == "Fixed things."
    assert second.markdown == "- Added things."
    badged = build_kb([write_guide("# Tool [![CI](https://ci.example/b.svg)](https://ci.example)\n\n"
                                   "## Use ![new](/new.svg)\n\n```sh\ntool run\n```\n\n## [Empty]()\n\n```sh\nx\n```\n")])
    assert [e.markdown.splitlines()[0] for e in badged.entries] == ["```sh", "[Empty]()"]
    coded = build_kb([write_guide("# API\n\n## [`arr[0]`](https://example.com/arr) indexing\n\nThe first.\n")])
    assert coded.entries[0].markdown.startswith("[`arr[0]`](https://example.com/arr)")  # no \\[ in code


def test_a_front_matter_left_open_is_read_to_its_first_blank_line_and_warned_of(write_guide):
    kb = build_kb([write_guide('---\ntitle: "Unclosed\nsidebar_position: 1\n\n# Real Title\n\nBody text.\n')])
    assert [e.markdown for e in kb.entries] == ["Body text."]
    assert [(w.line, w.message) for w in kb.manifest.warnings] == [
        (1, "front matter never closes (no '---' after it): read to its first blank line or heading")]
    titled = build_kb([write_guide("---\ntitle: Foo\n# Install guide\n\n## Step one\n\nRun it.\n")])
    assert titled.manifest.guides[0].title == "Install guide"  # a heading ends it: no YAML comment
    ruled = build_kb([write_guide("---\nNote: a rule, then prose.\n\n# Title\n\nBody.\n")])
    assert "Note: a rule, then prose." in "".join(e.markdown for e in ruled.entries)
    assert not ruled.manifest.warnings


def test_a_full_reference_before_a_colon_keeps_its_definition(write_guide):
    kb = build_kb([write_guide("# Guide\n\n## Rule\n\nDescribed in [the spec][spec]:\n\n- item\n\n"
                               "[spec]: https://example.com/spec\n")])
    assert kb.entries[0].markdown.endswith("[spec]: https://example.com/spec")


def test_rules_written_as_plain_items_each_with_its_code_are_named_parts(write_guide):
    """A style guide's rules are often items that say the rule in a sentence and show it in code,
    no number, no bold: each is a part of its entry, found on its own."""
    rules = "".join(f"  - {rule}\n\n    ```javascript\n    const x{n} = 1;\n    ```\n\n" for n, rule in enumerate(
        ("Use single quotes for strings.", "Use template strings instead of concatenation.",
         "Never use eval on a string.")))
    kb = build_kb([write_guide(f"# Style\n\n## Strings\n\n{rules}")])
    assert [p.name for p in kb.entries[0].parts] == [
        "Use single quotes for strings", "Use template strings instead of concatenation", "Never use eval on a string"]
    words = "".join(f"- {word}\n\n  ```sh\n  tool {word}\n  ```\n\n" if n == 2 else f"- {word}\n\n"
                    for n, word in enumerate(("alpha", "beta", "gamma")))
    assert not build_kb([write_guide(f"# Tool\n\n## Words\n\n{words}")]).entries[0].parts  # one in three with code


def test_a_rule_s_name_runs_past_an_abbreviation():
    from patternkb.kb.rules import first_sentence

    assert first_sentence("Install black (e.g. with pip) first. Then run it.") == "Install black (e.g. with pip) first"
    assert first_sentence("Use it, i.e. always.") == "Use it, i.e. always"
