"""A long text is block-parsed in parts cut at headings (markdown-it's per-line tables of a 50 MB
guide took over a gigabyte): the KB built is the same as from one parse of the whole text."""

from pathlib import Path

import pytest

from patternkb.kb import cuts, markdown
from patternkb.kb.build import build_kb
from patternkb.kb.paths import BUNDLED_GUIDE
from tests.shared_corpora import corpus

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# Shapes a cut could break: a definition used before it is given, raw HTML and code that hold
# heading lines across blank lines, lists and quotes that end with blank lines, setext headings.
TRICKY = """# Tricky

## Section

### First

Uses [a definition][later] given at the end, and [another].

- an item

- another item


> a quote

<!--
## not a heading: inside a comment

-->

<pre>

## not a heading either

</pre>

```rust
// Step

## inside code
fn x() {}
```

Setext
------

### Second

Text with <span>inline html</span>.

```toml
[dependencies]
serde = "1"
```

[later]: https://example.com/later
[another]: https://example.com/another
"""


def _kb_dump(path: Path) -> dict:
    kb = build_kb([path])
    return dict(manifest=kb.manifest.model_dump(), sections=[s.model_dump() for s in kb.sections],
                entries=[e.model_dump() for e in kb.entries])


def _same_in_parts(path: Path, monkeypatch) -> None:
    whole = _kb_dump(path)
    monkeypatch.setattr(markdown, "CHUNK_LINES", 1)  # a cut at every heading that allows one
    assert _kb_dump(path) == whole


def test_the_tricky_shapes_give_the_same_kb_in_parts(tmp_path, monkeypatch):
    guide = tmp_path / "tricky.md"
    guide.write_text(TRICKY)
    kb = build_kb([guide])
    first = kb.entry("section/first")
    assert "[later]: https://example.com/later" in first.markdown  # the definition came along
    assert "inside code" in first.code[0].code and "not a heading" in first.markdown
    _same_in_parts(guide, monkeypatch)


def test_cuts_fall_where_a_parse_starts_afresh():
    lines = TRICKY.split("\n")
    made, unclosed, sized = cuts.segments(lines, 1)
    assert unclosed == [] and sized == set(made)
    assert [lines[c] for c in made] == ["## Section", "### First", "### Second"]


@pytest.mark.parametrize("name", ["shapes/html-guide.md", "shapes/list-guide.md", "rulebook", "gitbook"])
def test_fixture_guides_give_the_same_kb_in_parts(name, monkeypatch):
    _same_in_parts(FIXTURES / name, monkeypatch)


def test_the_bundled_guide_gives_the_same_kb_in_parts(monkeypatch):
    _same_in_parts(BUNDLED_GUIDE, monkeypatch)


@pytest.mark.parametrize("name", ["uber-go-guide/style.md", "google-pyguide/pyguide.md", "rust-api-guidelines",
                                  "uber-go-guide/src"])
def test_real_guides_give_the_same_kb_in_parts(name, monkeypatch):
    _same_in_parts(corpus(name), monkeypatch)


# A fence in a list item, and lines of it typed shallower than the item's text: CommonMark ends
# the item there, and the fence with it (what each case's markdown-it fences are, in lines).
_ITEM_FENCES = {
    "a closing fence typed at the margin": ("- Install:\n  ```\n  npm i\n```\n\n## Next\n\ntext\n", [4]),
    "code typed at the margin": ("- Example:\n  ```python\ndef f():\n  ```\n\n## Next\n\ntext\n", [4]),
    "a closing fence at the item's text": ("1. Step:\n   ```bash\n   npm i\n   ```\n\n## Next\n", []),
    "blank lines in the code": ("- Ex:\n\n    ```js\n    a()\n\n    b()\n    ```\n\n## Next\n", []),
    "a lazy line before the fence": ("- item\ncontinued\n\n    ```js\n    a()\n    ```\n\n## Next\n", []),
    "a nested item": ("- a\n  - b\n\n    ```js\n    x\n    ```\n- c\n\n## Next\n", []),
    "a blank quote line in a quoted item's code": (
        "> - Step:\n>   ```sh\n>   make\n>\n>   make install\n>   ```\n\n## Next\n", []),
}


@pytest.mark.parametrize("name", sorted(_ITEM_FENCES))
def test_a_fence_in_a_list_item_ends_where_commonmark_ends_it(name):
    """The cuts' reading of fences agrees with markdown-it's: a closing fence typed shallower
    than its item's text opens a fence that never closes, which is warned of and ends before the
    next heading (it swallowed the rest of a style guide, 18 of 37 sections, without a word)."""
    text, unclosed = _ITEM_FENCES[name]
    document = markdown.parse_document(text)
    assert document.unclosed == unclosed
    headings = [b.text for b in document.blocks if b.kind == "heading"]
    assert headings == ["Next"]


def test_a_shallow_closing_fence_loses_no_section(write_guide):
    rule = "## {0}\n\n  - Use {0}.\n\n    ```javascript\n    const {0} = 1;\n  ```\n\n"
    kb = build_kb([write_guide("# Style\n\n" + "".join(rule.format(n) for n in ("alpha", "beta", "gamma")))])
    assert [e.title for e in kb.entries] == ["alpha", "beta", "gamma"]
    assert [e.code[0].code for e in kb.entries] == [f"const {n} = 1;\n" for n in ("alpha", "beta", "gamma")]
    assert len([w for w in kb.manifest.warnings if "never closes" in w.message]) == 3


def test_a_fence_typed_four_spaces_in_outside_a_list_is_code_in_its_language():
    """CommonMark reads it as indented code holding the backticks; a reader wants the code."""
    document = markdown.parse_document("  > Why?\n\n    ```javascript\n    f();\n\n    g();\n    ```\n\n"
                                       "Text.\n\n    plain()\n\nMore.\n\n    ```md\n    ```js\n    x\n    ```\n    ```\n")
    fences = [(f.language, f.code) for b in document.blocks for f in b.fences]
    assert fences == [("javascript", "f();\n\ng();\n"), ("", "plain()\n"),
                      ("", "```md\n```js\nx\n```\n```\n")]  # a fence of fences stays as written
