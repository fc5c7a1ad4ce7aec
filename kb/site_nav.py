"""A MkDocs site's navigation (`mkdocs.yml`): where its pages are (`docs_dir`), their order and the
titles the site gives them. A page with no title of its own is titled as the site's menu shows
it ("Test Client", not its file's name "testclient"), and the pages come in the menu's order.

Only the few keys read here are parsed, line by line, without a YAML library: a site's file often
holds tags only MkDocs' own loader knows (`!!python/name:…`), which a YAML library refuses.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from patternkb.kb.links import PAGE_SUFFIXES

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
# The most of a site's file read: a configuration, never a data dump.
_MAX_CONFIG_BYTES = 1 << 20
_NAV = re.compile(r"^nav\s*:\s*(?:#.*)?$")


@dataclass
class SiteNav:
    docs_dir: str = "docs"
    # The pages the menu lists, in its order: (page's path under docs_dir, the menu's title or "").
    pages: list[tuple[str, str]] = field(default_factory=list)

    def titles(self) -> dict[str, str]:
        """The menu's title of each page it titles, by the page's path under docs_dir."""
        return {page: title for page, title in self.pages if title}

    def order(self, names: list[str]) -> list[str]:
        """`names` (paths under docs_dir) in the menu's order; those it does not list after, as they were."""
        at = {page: n for n, (page, _) in reversed(list(enumerate(self.pages)))}
        return sorted(names, key=lambda name: at.get(name, len(at)))


def find_config(folder: Path) -> Path | None:
    return next((folder / name for name in CONFIG_NAMES if (folder / name).is_file()), None)


def read_nav(config: Path) -> SiteNav:
    """The site's `docs_dir` and menu; a file that cannot be read gives MkDocs' defaults."""
    try:
        with open(config, "rb") as fh:
            text = fh.read(_MAX_CONFIG_BYTES).decode("utf-8", "replace")
    except OSError:
        return SiteNav()
    nav = SiteNav()
    in_nav = False
    for line in text.splitlines():
        if line[:1] not in ("", " ", "\t", "-", "#"):  # a key of the file's own
            in_nav = bool(_NAV.match(line))
            key, colon, value = line.partition(":")
            if key.strip() == "docs_dir" and colon:  # `docs_dir: 'pages'   # a comment`
                nav.docs_dir = value.split("#", 1)[0].strip().strip("\"'").strip().strip("/") or "docs"
            continue
        item = line.strip()
        if in_nav and item.startswith("-") and (page := _page(item[1:].strip())) is not None:
            nav.pages.append(page)
    return nav


def _page(item: str) -> tuple[str, str] | None:
    """(page, title) of a menu item that names a Markdown page; None for a heading of the menu,
    a link off the site or anything else."""
    # `Title: page.md`, `'Title': "page.md"`, a page alone, or `Title:` over a nested list (read
    # with string methods: a line of spaces made a regex's reading quadratic).
    title, colon, target = item.rpartition(": ") if ": " in item else ("", "", item)
    title, target = title.strip().strip("\"'"), target.strip().strip("\"'")
    if "://" in target or posixpath.splitext(target)[1].lower() not in PAGE_SUFFIXES:
        return None
    return posixpath.normpath(target.lstrip("/")), title
