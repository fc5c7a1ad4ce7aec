"""A MkDocs site named as a folder: its pages in its menu's order, titled as its menu titles them
when they title themselves nowhere, and what stands outside its docs folder said, not read."""

from __future__ import annotations

from patternkb.kb.build import build_kb
from patternkb.kb.site_nav import read_nav

CONFIG = """site_name: Tool
docs_dir: 'pages'   # where the pages are
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
nav:
  - Introduction: "index.md"
  - Features:
      - "Test Client": testclient.md
      - api/routing.md
  - Release Notes: 'release-notes.md'
  - GitHub: https://github.com/example/tool
theme:
  name: material
"""


def _site(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(CONFIG)
    pages = tmp_path / "pages"
    (pages / "api").mkdir(parents=True)
    (pages / "index.md").write_text("# Tool\n\nA tool.\n")
    (pages / "testclient.md").write_text("The test client.\n\n## Requests\n\n```python\nclient.get('/')\n```\n")
    (pages / "api" / "routing.md").write_text("# Routing\n\n## Routes\n\n```python\nRoute('/', home)\n```\n")
    (pages / "release-notes.md").write_text("## 1.0.0\n\nFirst.\n")
    (pages / "unlisted.md").write_text("# Unlisted\n\nNot in the menu.\n")
    (tmp_path / "README.md").write_text("# Tool\n\nThe repository's front page.\n")
    return tmp_path


def test_the_menu_is_read_without_a_yaml_library(tmp_path):
    """Its `!!python/name:` tag, which a YAML library refuses, is no matter."""
    (tmp_path / "mkdocs.yml").write_text(CONFIG)
    nav = read_nav(tmp_path / "mkdocs.yml")
    assert nav.docs_dir == "pages"
    assert nav.pages == [("index.md", "Introduction"), ("testclient.md", "Test Client"), ("api/routing.md", ""),
                         ("release-notes.md", "Release Notes")]


def test_a_site_s_pages_come_in_its_menu_s_order_under_its_titles(tmp_path):
    kb = build_kb([_site(tmp_path)])
    assert [g.file for g in kb.manifest.guides] == [
        "index.md", "testclient.md", "api/routing.md", "release-notes.md", "unlisted.md"]
    # A page that titles itself nowhere is titled as the menu shows it, not by its file's name.
    assert [g.title for g in kb.manifest.guides] == ["Tool", "Test Client", "Routing", "Release Notes", "Unlisted"]
    client = next(e for e in kb.entries if e.title == "Requests")
    assert client.path[0] == "Test Client"
    assert [w.message for w in kb.manifest.warnings] == [
        "1 page outside the site's docs folder 'pages' (mkdocs.yml), not read: README.md; skipped"]


def test_a_docs_dir_outside_the_folder_named_is_not_read(tmp_path):
    site, outside = tmp_path / "site", tmp_path / "x"
    site.mkdir()
    outside.mkdir()
    (site / "mkdocs.yml").write_text("docs_dir: ../x\nnav:\n  - A: a.md\n")
    (site / "page.md").write_text("# Site page\n\nText.\n")
    (outside / "a.md").write_text("# Outside\n\nText.\n")
    assert [e.title for e in build_kb([site]).entries] == ["Site page"]
