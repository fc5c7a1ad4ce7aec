"""Links between a guide's entries: an href (`#frag`, `other.md`, `other.html#frag`, root-relative,
reference-style) resolved to the entry that holds the heading or anchor it names."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from patternkb.kb.headings import github_anchor

# A page's file, as written: Markdown, and the Markdown that MDX (Docusaurus), Quarto and R
# Markdown pages are written in.
PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mdx", ".qmd", ".rmd")
# Folders of a source tree that hold other projects' files or built ones, never a guide's pages
# (GitBook installs its plugins in node_modules, and builds into _book).
NOT_GUIDES = frozenset({"node_modules", "site-packages", "venv", "vendor", "target", "__pycache__", "_book"})
# Paths that name a page of the guide (other files, such as images or source files, are not
# links between entries): a page's file, the HTML page made of it, or its route (no suffix).
_LINKED_SUFFIXES = ("", *PAGE_SUFFIXES, ".html", ".htm")
# A folder's own page, as GitHub, static site generators and Hugo (`_index.md`) name it.
_INDEX_PAGES = ("README.md", "index.md", "readme.md", "index.mdx", "_index.md")
_INDEX_NAMES = frozenset(posixpath.splitext(name)[0].lower() for name in _INDEX_PAGES)


def page_name(file: str) -> str:
    """A page's name as its site's address has it: its file's, or its folder's for the folder's
    own page (README.md, index.md), as a repository's README is its repository's."""
    stem, folder = posixpath.splitext(posixpath.basename(file))[0], posixpath.basename(posixpath.dirname(file))
    return folder if stem.lower() in _INDEX_NAMES and folder else stem


@dataclass
class LinkTargets:
    """Where each (file, anchor) and each file of one guide leads, and what is navigation."""

    root: str  # the folder root-relative links start from ("" for a single file)
    single_file: bool = False  # a link to another file leaves a one-file guide: not internal
    # A page of a folder of guides: a link to another file may lead to another page of the folder,
    # known once every page is read (kb/site_links.py); it is "elsewhere", counted there.
    in_site: bool = False
    # The links to other pages just met: (href as rendered, path named, display, line), for the
    # caller to keep until the folder is read.
    elsewhere: list[tuple[str, str, str, int]] = field(default_factory=list)
    _wiki_names: WikiNames | None = None  # made at the first wiki link, once every page is added
    # (file, anchor) -> entry id, with "#" and the part's anchor when the anchor is a part's heading
    anchors: dict[tuple[str, str], str] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # file -> its first entry's id
    navigation: dict[str, set[str]] = field(default_factory=dict)  # file -> anchors that are navigation
    internal: int = 0
    resolved: int = 0
    navigated: int = 0
    unresolved: int = 0

    def add(self, file: str, anchors: list[str], entry_id: str, parts: dict[str, str] | None = None) -> None:
        """`anchors` lead to the entry `entry_id`; those in `parts` to the part whose anchor (in
        the rendered entry: kb.slugs.part_anchors) they map to."""
        self.pages.setdefault(file, entry_id)
        parts = parts or {}
        for anchor in anchors:
            part = parts.get(anchor)
            self.anchors.setdefault((file, anchor.lower()), f"{entry_id}#{part}" if part else entry_id)

    def resolve(self, file: str, href: str) -> tuple[str, str | None]:
        """("external" | "file" | "navigation" | "resolved" | "unresolved" | "elsewhere", target):
        the target is an entry id, followed by "#" and a part's anchor when the link leads to a
        part of the entry; or, elsewhere, the path it names (from the root when it starts with
        "/", ending in "/" when it names a folder) and its "#fragment". Counted, but elsewhere."""
        kind, target = self._resolve(file, href)
        if kind in ("navigation", "resolved", "unresolved"):
            self.internal += 1
            if kind == "navigation":
                self.navigated += 1
            elif kind == "resolved":
                self.resolved += 1
            else:
                self.unresolved += 1
        return kind, target

    def _resolve(self, file: str, href: str) -> tuple[str, str | None]:
        try:
            parts = urlsplit(href.strip())
        except ValueError:  # "//[bad": no URL at all, so no page of the guide either
            return "unresolved", None
        if parts.scheme == "wiki":  # kb/directives.py: a wiki link, to a page by its name
            return self._wiki(file, unquote(parts.path), unquote(parts.fragment))
        if parts.scheme or parts.netloc or href.startswith("//"):
            return "external", None
        if "{{" in href or "{%" in href:  # a template the site's generator fills in: no page here
            return "external", None
        path, frag = unquote(parts.path), unquote(parts.fragment).lower()
        if not path:
            page = file
        else:
            stem, suffix = posixpath.splitext(path.rstrip("/"))
            if suffix.lower() not in _LINKED_SUFFIXES:
                return "file", None
            base = self.root if path.startswith("/") else posixpath.dirname(file)
            joined = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
            page = find_page(self.pages, joined, path.endswith("/"))
            if page is None and self.in_site:
                named = ("/" if path.startswith("/") else "") + joined + ("/" if path.endswith("/") else "")
                return "elsewhere", named + (f"#{frag}" if frag else "")
            if page is None:
                return ("external", None) if self.single_file else ("unresolved", None)
        return self._land(file, page, frag)

    def _wiki(self, file: str, name: str, heading: str) -> tuple[str, str | None]:
        frag = github_anchor(heading) if heading else ""
        if name and self.in_site:  # a page of a folder: its pages, its own included, are known there
            return "elsewhere", f"wiki:{name}" + (f"#{frag}" if frag else "")
        if self._wiki_names is None:
            self._wiki_names = WikiNames(self.pages)
        page = self._wiki_names.named_by(name) if name else file
        if page is None:
            return "unresolved", None
        return self._land(file, page, frag)

    def _land(self, file: str, page: str, frag: str) -> tuple[str, str | None]:
        """Where a link from `file` to `page` (one of the guide's), at fragment `frag`, leads."""
        # Back to the top or to the contents of the same page: moving about, not a relation.
        if frag and page == file and frag in self.navigation.get(page, set()):
            return "navigation", None
        if frag:
            target = self.anchors.get((page, frag))
            return ("resolved", target) if target else ("unresolved", None)
        target = self.pages.get(page)
        if target is None:
            return "unresolved", None
        return ("navigation", None) if page == file else ("resolved", target)



def find_page(pages: Container[str], path: str, folder: bool) -> str | None:
    """The page of `pages` a link's `path` names: the file itself, the Markdown an HTML page or a
    route (no suffix) is made from, or a folder's own page (`folder`: the link ended in "/")."""
    stem, suffix = posixpath.splitext(path)
    candidates = [path] if not folder else []
    if suffix.lower() in (".html", ".htm") or not suffix:
        candidates += [stem + page_suffix for page_suffix in PAGE_SUFFIXES]
    if posixpath.basename(stem).lower() == "index" or folder or not suffix:
        folder_path = posixpath.dirname(stem) if not folder and posixpath.basename(stem).lower() == "index" \
            else (path if folder else stem)
        folder_path = "" if folder_path == "." else folder_path  # the top folder: its page is `README.md`
        candidates += [posixpath.join(folder_path, name) for name in _INDEX_PAGES]
    return next((c for c in candidates if c in pages), None)


def as_written(href: str) -> str:
    """An href as the guide wrote it: a wiki link as `[[Page#Heading|shown]]`, anything else as it is."""
    if not href.startswith("wiki:"):
        return href
    name, _, heading = unquote(href[len("wiki:"):]).partition("#")
    page, _, shown = name.partition("|")
    return f"[[{page}{'#' + heading if heading else ''}{'|' + shown if shown else ''}]]"


def wiki_key(path: str) -> str:
    """A page's name as wiki links write it, compared: its file's name without a page suffix, in
    lower case, spaces, dashes and underscores alike ("Getting Started" is Getting-Started.md)."""
    stem, suffix = posixpath.splitext(path)
    return _WIKI_SPACING.sub("-", (stem if suffix.lower() in PAGE_SUFFIXES else path).lower()).strip("-")


class WikiNames:
    """The pages a wiki link's name can name, by the name of their file (built once: a vault of
    many pages and many links stays linear)."""

    def __init__(self, pages: Iterable[str]):
        self._by_name: dict[str, list[str]] = {}
        for page in sorted(pages):
            self._by_name.setdefault(wiki_key(page).rsplit("/", 1)[-1], []).append(page)

    def named_by(self, link_name: str) -> str | None:
        """The page a wiki link's `Page|shown` names: its page side, else its shown side (which is
        the page in the other order, as GitHub's wikis and Obsidian write them the other way)."""
        return next(filter(None, map(self.find, link_name.split("|", 1))), None)

    def find(self, name: str) -> str | None:
        """The page whose file `name` names (with its folders when the name gives them), the
        first in path order when several are."""
        wanted = wiki_key(name)
        return next((page for page in self._by_name.get(wanted.rsplit("/", 1)[-1], ())
                     if wiki_key(page) == wanted or wiki_key(page).endswith("/" + wanted)), None)


_WIKI_SPACING = re.compile(r"[\s_-]+")


# At most this many warnings for the unresolved links of one line (an HTML table is one line); more
# are one warning that names these and counts the rest.
MAX_LINK_WARNINGS = 3


def warn_nowhere(warnings: list[tuple[str, int | None, str]], display: str, line: int, hrefs: list[str],
                 where: str = "heading or page of the guide") -> None:
    """Warn of the links of one line that lead nowhere (to no `where`)."""
    hrefs = [as_written(href) for href in hrefs]
    if len(hrefs) <= MAX_LINK_WARNINGS:
        warnings += [(display, line, f"link {href!r} leads to no {where}") for href in hrefs]
    else:  # a table of links (contributors, badges): one warning, not a hundred burying the rest
        named = ", ".join(repr(href) for href in hrefs[:MAX_LINK_WARNINGS])
        warnings.append((display, line, f"{len(hrefs)} links lead to no {where}: "
                                        f"{named} and {len(hrefs) - MAX_LINK_WARNINGS} more"))
