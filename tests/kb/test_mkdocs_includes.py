"""A MkDocs site's pages include their code from files (PyMdown's `--8<--`, markdown-include's
`{!file!}`, FastAPI's `{* file *}`): in a folder of guides the code arrives, read only from inside
the folder named."""

from __future__ import annotations

from patternkb.kb.build import build_kb

CODE = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\ndef root():\n    return {}\n'
PAGE = """# First Steps

## Run it

{* ../../docs_src/first.py hl[3] *}

## As a snippet

```python
--8<-- "docs_src/first.py"
```

## Old style

```Python
{!../../docs_src/first.py!}
```

## Missing

{* ../../docs_src/nothing.py *}

{!../../../../../etc/hostname!}

Write `{* ../../docs_src/first.py *}` on a line of its own to include a file.
"""


def _site(tmp_path):
    (tmp_path / "site" / "docs" / "tutorial").mkdir(parents=True)
    (tmp_path / "site" / "docs_src").mkdir()
    (tmp_path / "site" / "docs_src" / "first.py").write_text(CODE)
    (tmp_path / "site" / "docs" / "tutorial" / "first.md").write_text(PAGE)
    return tmp_path / "site"


def test_a_page_s_included_code_arrives_with_its_line_and_symbols(tmp_path):
    kb = build_kb([_site(tmp_path)])
    by_title = {e.title: e for e in kb.entries}
    for title, line in (("Run it", 5), ("As a snippet", 9), ("Old style", 15)):
        entry = by_title[title]
        assert [(b.language, b.code, b.line_start) for b in entry.code] == [("python", CODE, line)], title
        assert "root" in entry.defines
    missing = by_title["Missing"]
    assert "{* ../../docs_src/nothing.py *}" in missing.text and "{!../../../../../etc/hostname!}" in missing.text
    assert "`{* ../../docs_src/first.py *}` on a line of its own" in missing.markdown and not missing.code
    warned = [w.message for w in kb.manifest.warnings]
    assert any("nothing.py *} names no file inside the folder named" in w for w in warned)
    assert any("hostname!} names no file inside the folder named" in w for w in warned)


def test_a_page_named_alone_reads_no_other_file(tmp_path):
    site = _site(tmp_path)
    kb = build_kb([site / "docs" / "tutorial" / "first.md"])
    entry = next(e for e in kb.entries if e.title == "Run it")
    assert entry.code == [] and "{* ../../docs_src/first.py hl[3] *}" in entry.text


def test_an_include_in_a_list_item_stays_in_it_and_odd_files_are_read_as_pages_are(tmp_path):
    site = _site(tmp_path)
    (site / "docs_src" / "cr.py").write_bytes(b"\xef\xbb\xbf# one\rx = 1\r\r# two\ry = 2\r")
    (site / "docs_src" / "nul.py").write_bytes(b"x = 1\0")
    (site / "docs" / "tutorial" / "first.md").write_text(
        "# Steps\n\n## Make it\n\n1. Create the file:\n\n    {* ../../docs_src/first.py *}\n\n"
        "2. And this one:\n\n    {* ../../docs_src/cr.py *}\n\n## After\n\n{* ../../docs_src/nul.py *}\n\n"
        "{!" + "a" * 300 + "!}\n\nText after.\n\n```py\nz = 3\n```\n")
    kb = build_kb([site])
    by_title = {e.title: e for e in kb.entries}
    assert set(by_title) == {"Make it", "After"}  # the code's comments made no headings
    assert [b.code for b in by_title["Make it"].code] == [CODE, "# one\nx = 1\n\n# two\ny = 2\n"]
    after = by_title["After"]
    assert [(b.code, b.line_start) for b in after.code] == [("z = 3\n", 21)] and "Text after." in after.text
    warned = " ".join(w.message for w in kb.manifest.warnings)
    assert "cannot read '../../docs_src/nul.py' (a binary file)" in warned and "names no file inside" in warned


def test_a_book_keeps_text_that_only_looks_like_a_mkdocs_include(tmp_path):
    book = tmp_path / "book" / "src"
    book.mkdir(parents=True)
    (book / "SUMMARY.md").write_text("# Summary\n\n- [Ch](ch.md)\n")
    (book / "ch.md").write_text("# Ch\n\nIn MkDocs write {!file.md!} to include a file.\n\n"
                                "```smarty\n{* a Smarty comment *}\n```\n")
    entry = build_kb([tmp_path / "book"]).entries[0]
    assert "{!file.md!}" in entry.text and entry.code[0].code == "{* a Smarty comment *}\n"


def test_a_file_named_on_its_own_leaves_its_includes_as_written_and_says_so(tmp_path):
    """Named on its own, a file reads no other file (a guide from elsewhere must not pull in what
    lies beside it); its includes are named in one warning, and naming its folder expands them."""
    from patternkb.kb.build import build_kb

    folder = tmp_path / "guide"
    folder.mkdir()
    (folder / "main.rs").write_text("fn main() { println!(\"included\"); }\n")
    (folder / "GUIDE.md").write_text("# G\n\n## A\n\nText.\n\n```rust\n{{#include main.rs}}\n```\n")
    alone = build_kb([folder / "GUIDE.md"])
    [warning] = alone.manifest.warnings
    assert (warning.line, warning.message) == (8, "1 include directive left as written: a file named on its own "
                                               "reads no other file (name its folder to expand them): "
                                               "{{#include main.rs}}")
    assert "included" not in alone.patterns[0].code[0].code
    assert "included" in build_kb([folder]).patterns[0].code[0].code
