"""Any CommonMark guide: pattern level detection, and random Markdown never crashes the build."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patternkb.kb.build import build_kb
from patternkb.kb.errors import KBError

FLAT = "# Title\n\nIntro.\n\n## First\n\nProse.\n\n```python\nprint(1)\n```\n\n## Second\n\n```python\nprint(2)\n```\n"
DEEP = ("# T\n\n## Part\n\n### Pattern A\n\nText.\n\n#### Example\n\n```rust\nfn a() {}\n```\n\n"
        "#### Notes\n\nMore.\n\n### Pattern B\n\n#### Example\n\n```rust\nfn b() {}\n```\n")


def test_level_two_guide(write_guide):
    kb = build_kb([write_guide(FLAT)])
    assert kb.manifest.guides[0].pattern_level == 2
    # "Intro." under the section heading is the section's overview: nothing is dropped
    assert [(e.id, e.kind) for e in kb.entries] == [
        ("title/overview", "overview"), ("title/first", "pattern"), ("title/second", "pattern")]
    assert kb.entries[1].path == ["Title", "First"]  # the only level above patterns makes sections


def test_sub_headings_below_the_pattern_level_become_parts(write_guide):
    kb = build_kb([write_guide(DEEP)])
    assert kb.manifest.guides[0].pattern_level == 3
    a = kb.entry("part/pattern-a")
    assert [p.name for p in a.parts] == ["Example", "Notes"]
    assert a.code[0].code == "fn a() {}\n"


def test_a_guide_without_code_has_the_level_that_carries_its_content_as_entries(write_guide):
    # A list of links: a few top headings over many categories, each category a list.
    categories = "".join(f"## {name}\n\n* [{name.lower()}-lib](https://example.org/{n}) - Does {name}.\n\n"
                         for n, name in enumerate(["Audio", "Caching", "Crypto", "Email", "Images"]))
    guide = (f"# Awesome Things [![Badge](https://example.org/b.svg)](https://example.org)\n\nA curated list.\n\n"
             f"- [Awesome Things](#awesome-things)\n\n{categories}# Services\n\nOnline tools.\n\n"
             f"## Hosting\n\n* [host](https://example.org/h) - Hosts.\n\n## Linting\n\n* [lint](https://example.org/l)\n")
    kb = build_kb([write_guide(guide)])
    assert kb.manifest.guides[0].pattern_level == 2
    assert [e.title for e in kb.entries if e.kind == "pattern"] == [
        "Audio", "Caching", "Crypto", "Email", "Images", "Hosting", "Linting"]
    assert [s.title for s in kb.sections] == ["Awesome Things", "Services"]  # the badge is no word of the title
    assert not kb.manifest.warnings  # the table of contents' link leads to the heading without its badge
    # Prose under a title and its sections, without code, keeps the level below the title.
    prose = build_kb([write_guide("# T\n\nIntro.\n\n## A\n\nWords.\n\n## B\n\nMore words.\n", "prose.md")])
    assert prose.manifest.guides[0].pattern_level == 2


def test_a_guide_is_named_by_its_title_else_its_file_and_a_readme_by_its_folder(tmp_path):
    closing = tmp_path / "style-guide.md"  # a title that opens a brace the guide's last heading closes
    closing.write_text("# Style Guide() {\n\nIntro.\n\n## Types\n\n```js\nlet a;\n```\n\n## Names\n\n"
                       "```js\nlet b;\n```\n\n# };\n")
    (tmp_path / "swift-style").mkdir()
    readme = tmp_path / "swift-style" / "README.md"
    readme.write_text("A guide to our style.\n\n#### Whitespace\n\n```swift\nlet a = 1\n```\n\n"
                      "#### Return early\n\n```swift\nguard a else { return }\n```\n")
    kb = build_kb([closing, readme])
    assert [(g.id, g.title) for g in kb.manifest.guides] == [
        ("style-guide", "Style Guide() {"), ("swift-style", "swift-style")]


def test_pattern_level_override(write_guide):
    kb = build_kb([write_guide(DEEP)], pattern_level=4)
    assert [e.title for e in kb.entries if e.kind == "pattern"] == ["Example", "Notes", "Example"]
    assert [e.title for e in kb.entries if e.kind == "overview"] == ["Pattern A"]  # its "Text."


def test_code_under_sections_without_pattern_headings(write_guide):
    patterns = "".join(f"### {name}\n\n```rust\nfn {name.lower()}() {{}}\n```\n\n" for name in "PQRS")
    kb = build_kb([write_guide(f"# G\n\n## Only\n\n```rust\nfn x() {{}}\n```\n\n## Other\n\n{patterns}")])
    assert [e.id for e in kb.entries] == ["only/only", "other/p", "other/q", "other/r", "other/s"]


def test_html_in_a_guide_stays_text(write_guide):
    kb = build_kb([write_guide("# G\n\n## S\n\n### P\n\n<script>alert(1)</script> and <img src=x>\n\n```rust\nfn a(){}\n```\n")])
    assert "<script>alert(1)</script>" in kb.entries[0].prose


markdown_pieces = st.sampled_from([
    "# ", "## ", "### ", "#### ", "```", "```rust", "~~~", "- ", "1. ", "> ", "**", "`", "[a](#b)",
    "[x](../../etc)", "\n", "\n\n", "text", "✅", "\uf8ff", "ü¶Ä", "<b>", "|a|b|\n|-|-|", "\t", "    ",
    "// c", "# comment", "\r", "\x00", "\ufeff", "fn main() {}", "impl<T> X for Y<T> {", "}", "use a::b;",
    "Checklist", "Table of Contents", "**Group**", "- ✅ item", "[ ]", "SUMMARY", "\\", "*", "_",
    "{% tab title=\"A\" %}", "{% initial %}", "{% endhighlight %}", "::: tip T", ":::", "<Tabs", "values={[",
    "]}>", "<TabItem value=\"x\">", "</TabItem>", "import X from 'y';", "```sh [npm]", "<td>", "</td>",
    "{{< highlight go >}}", "{{< /highlight >}}", "{{< tab \"A\" >}}", "::: {.callout-note}",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(markdown_pieces, st.text(max_size=8)), max_size=60))
def test_random_markdown_raises_only_our_error(write_guide, pieces):
    path = write_guide("".join(pieces))
    try:
        kb = build_kb([path])
    except KBError:
        return
    ids = [e.id for e in kb.entries]
    assert len(ids) == len(set(ids))
    for entry in kb.entries:
        if entry.kind == "pattern":
            for index, block in enumerate(entry.code):
                assert "".join(s.code for s in entry.snippets if s.block == index) == block.code


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200))
def test_random_bytes_raise_only_our_error(write_guide, data):
    try:
        build_kb([write_guide(data)])
    except KBError:
        pass


def test_a_page_of_prose_is_one_entry_and_a_page_saying_nothing_is_skipped_in_a_folder(tmp_path):
    from patternkb.kb.encoding import EmptyGuide

    (tmp_path / "drafts.md").write_text("---\ntitle: Working with drafts\n---\n\nDrafts are posts without a date.\n")
    (tmp_path / "blank.md").write_text("---\ntitle: Nothing yet\n---\n\n<!-- to do -->\n")
    (tmp_path / "real.md").write_text("# Real\n\n## A\n\n```go\nx()\n```\n")
    kb = build_kb([tmp_path])
    assert sorted((e.title, e.kind) for e in kb.entries) == [("A", "pattern"), ("Working with drafts", "overview")]
    assert any("blank.md" in w.file and "nothing to make entries from; skipped" in w.message for w in kb.manifest.warnings)
    with pytest.raises(EmptyGuide):  # named on its own, it is an error
        build_kb([tmp_path / "blank.md"])
