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

Write {* ../../docs_src/nothing.py *} or {!../../../../../etc/hostname!} to include a file.
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
    warned = [w.message for w in kb.manifest.warnings]
    assert any("nothing.py *} names no file inside the folder named" in w for w in warned)
    assert any("hostname!} names no file inside the folder named" in w for w in warned)


def test_a_page_named_alone_reads_no_other_file(tmp_path):
    site = _site(tmp_path)
    kb = build_kb([site / "docs" / "tutorial" / "first.md"])
    entry = next(e for e in kb.entries if e.title == "Run it")
    assert entry.code == [] and "{* ../../docs_src/first.py hl[3] *}" in entry.text
