"""MkDocs' indented admonitions, collapsibles and content tabs are read as the Markdown they hold
(kb/admonitions.py), not as indented code blocks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from patternkb.kb.admonitions import read_indented_blocks
from patternkb.kb.build import build_kb

GUIDE = """# Widgets

## Basics

### Making widgets

Use the factory.

!!! tip "Prefer the factory"

    It checks the size.

    ??? note "Nested"

        Deeper text.

=== "Python 3.10+"

    ```python
    def build(size: int | None) -> Widget:
        return Widget(size)
    ```

=== "Python 3.8+"

    ```python
    def build(size: Optional[int]) -> Widget:
        return Widget(size)
    ```

/// warning | Threads

Never share one.

///

After the blocks.

    an indented code block of its own

```markdown
!!! note "shown as syntax"
    stays as written
```
"""


def test_a_block_s_body_is_markdown_and_a_tab_labels_its_code(write_guide):
    kb = build_kb([write_guide(GUIDE)])
    entry = next(e for e in kb.entries if e.title == "Making widgets")
    assert [(b.language, b.code.split("\n")[0]) for b in entry.code] == [
        ("python", "def build(size: int | None) -> Widget:"), ("python", "def build(size: Optional[int]) -> Widget:"),
        ("text", "an indented code block of its own"), ("markdown", '!!! note "shown as syntax"')]
    assert [s.title.split(":")[0] for s in entry.snippets[:2]] == ["Python 3.10+", "Python 3.8+"]
    for words in ("**Prefer the factory**", "It checks the size.", "**Nested**", "Deeper text.",
                  "**Threads**", "Never share one.", "After the blocks."):
        assert words in entry.markdown
    assert entry.code[1].line_start == 26  # lines keep their numbers in the file


def test_lines_keep_their_number_and_a_text_without_blocks_is_itself():
    assert read_indented_blocks("# T\n\nno blocks ===\n\nText\n===\n") == "# T\n\nno blocks ===\n\nText\n===\n"
    read = read_indented_blocks(GUIDE)
    assert read.count("\n") == GUIDE.count("\n")


def test_a_code_block_in_a_block_ends_with_it():
    text = '!!! note "T"\n\n    ```python\n    x = 1\n\n# Heading after\n'
    assert read_indented_blocks(text).split("\n")[-2] == "# Heading after"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(['!!! note "T"', "??? tip", '=== "Tab"', "    text", "        deeper", "",
                                 "```", "    ```py", "x = 1", "\tTabbed", "/// note", "///"]), max_size=30))
def test_any_mix_keeps_every_line_and_builds(lines):
    text = "# G\n\n## S\n\n### P\n\n" + "\n".join(lines) + "\n"
    assert read_indented_blocks(text).count("\n") == text.count("\n")
    build_kb_of(text)


def build_kb_of(text: str) -> None:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.md"
        path.write_text(text, encoding="utf-8")
        build_kb([path])


def test_a_markdown_example_of_tabs_in_a_fence_is_one_code_block_and_no_warning(write_guide):
    # Fences four spaces deeper than the one they are in are lines of its code (CommonMark).
    example = '```markdown\n=== "C"\n\n    ``` c\n    int main(void) {}\n    ```\n\n=== "Go"\n\n    ``` go\n    func main() {}\n    ```\n```'
    kb = build_kb([write_guide(f"# G\n\n## S\n\n### Tabs\n\nWrite:\n\n{example}\n\n### Next\n\nText.\n\n```c\nx();\n```\n")])
    tabs = next(e for e in kb.entries if e.title == "Tabs")
    assert [b.code for b in tabs.code] == [example.split("\n", 1)[1].rsplit("\n", 1)[0] + "\n"]
    assert not kb.manifest.warnings
    assert [e.title for e in kb.entries if e.kind == "pattern"] == ["Tabs", "Next"]


def test_blocks_in_list_items_and_examples_of_the_syntax_are_read_as_mkdocs_reads_them():
    # In a list item's fence: code. Inside a list item: a block of the item. Four spaces deeper
    # than the text before it: an indented code block's lines. Without a title: its type.
    in_fence = '1.  Write:\n\n    ```markdown\n    !!! note "Remember"\n        Keep it short.\n    ```\n\n2.  Done.\n'
    assert read_indented_blocks(in_fence) == in_fence
    in_item = '1. Install it:\n\n    !!! note "Linux"\n        Use the package manager.\n\n    ```sh\n    apt install w\n    ```\n'
    assert read_indented_blocks(in_item) == \
        '1. Install it:\n\n    **Linux**\n    Use the package manager.\n\n    ```sh\n    apt install w\n    ```\n'
    example = 'Write one like this:\n\n    !!! note "Title"\n        Body text\n'
    assert read_indented_blocks(example) == example
    assert read_indented_blocks('!!! warning\n    Careful.\n\n!!! note ""\n    Plain.\n') == \
        "**Warning**\nCareful.\n\n\nPlain.\n"
    # Only the block's columns go: a tab in code (a Makefile's recipe, gofmt's indent), a blank
    # line of code and code outside any block stay byte for byte; a long title keeps its words.
    tabbed = '!!! example\n\t```go\n\t\tfmt.Println("a\\tb")\n\t \n\t```\n\n```go\n\tx()\n```\n'
    assert read_indented_blocks(tabbed) == '**Example**\n```go\n\tfmt.Println("a\\tb")\n \n```\n\n```go\n\tx()\n```\n'
    long = '!!! warning "Never run this migration on a production database without a backup"\n    Body.\n'
    assert read_indented_blocks(long) == "Never run this migration on a production database without a backup\nBody.\n"


def test_a_step_with_a_note_keeps_its_code_block(write_guide):
    guide = write_guide('# G\n\n## S\n\n### Install\n\n1. Install it:\n\n    !!! note "Linux"\n'
                        '        Use the package manager.\n\n    ```sh\n    apt install widget\n    ```\n\n2. Run it.\n')
    entry = next(e for e in build_kb([guide]).entries if e.title == "Install")
    assert [(b.language, b.code) for b in entry.code] == [("sh", "apt install widget\n")]


def test_tabs_in_a_list_item_label_their_code(write_guide):
    guide = write_guide('# G\n\n## S\n\n### Optional fields\n\n* Use a type variable:\n\n    === "Python 3.9"\n\n'
                        '        ```python\n        def a(): ...\n        ```\n\n    === "Python 3.12"\n\n'
                        '        ```python\n        def b(): ...\n        ```\n\n    Either works.\n')
    entry = next(e for e in build_kb([guide]).entries if e.title == "Optional fields")
    assert [s.title.split(":")[0] for s in entry.snippets] == ["Python 3.9", "Python 3.12"]
    assert [b.code for b in entry.code] == ["def a(): ...\n", "def b(): ...\n"]
