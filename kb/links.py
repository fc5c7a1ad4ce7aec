"""Links between a guide's entries: an href (`#frag`, `other.md`, `other.html#frag`, root-relative,
reference-style) resolved to the entry that holds the heading or anchor it names."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

# Paths that name a page of the guide (other files, such as images or source files, are not
# links between entries).
_PAGE_SUFFIXES = ("", ".md", ".markdown", ".mdown", ".html", ".htm")
_INDEX_PAGES = ("README.md", "index.md", "readme.md")


@dataclass
class LinkTargets:
    """Where each (file, anchor) and each file of one guide leads, and what is navigation."""

    root: str  # the folder root-relative links start from ("" for a single file)
    single_file: bool = False  # a link to another file leaves a one-file guide: not internal
    anchors: dict[tuple[str, str], str] = field(default_factory=dict)  # (file, anchor) -> entry id
    pages: dict[str, str] = field(default_factory=dict)  # file -> its first entry's id
    navigation: dict[str, set[str]] = field(default_factory=dict)  # file -> anchors that are navigation
    internal: int = 0
    resolved: int = 0
    navigated: int = 0
    unresolved: int = 0

    def add(self, file: str, anchors: list[str], entry_id: str) -> None:
        self.pages.setdefault(file, entry_id)
        for anchor in anchors:
            self.anchors.setdefault((file, anchor.lower()), entry_id)

    def resolve(self, file: str, href: str) -> tuple[str, str | None]:
        """("external" | "file" | "navigation" | "resolved" | "unresolved", entry id). Counted."""
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
        if parts.scheme or parts.netloc or href.startswith("//"):
            return "external", None
        path, frag = unquote(parts.path), unquote(parts.fragment).lower()
        if not path:
            page = file
        else:
            stem, suffix = posixpath.splitext(path.rstrip("/"))
            if suffix.lower() not in _PAGE_SUFFIXES:
                return "file", None
            base = self.root if path.startswith("/") else posixpath.dirname(file)
            page = self._page(posixpath.normpath(posixpath.join(base, path.lstrip("/"))), path.endswith("/"))
            if page is None:
                return ("external", None) if self.single_file else ("unresolved", None)
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

    def _page(self, path: str, folder: bool) -> str | None:
        stem, suffix = posixpath.splitext(path)
        candidates = [path] if not folder else []
        if suffix.lower() in (".html", ".htm") or not suffix:
            candidates += [stem + ".md", stem + ".markdown"]
        if posixpath.basename(stem).lower() == "index" or folder or not suffix:
            folder_path = posixpath.dirname(stem) if not folder and posixpath.basename(stem).lower() == "index" \
                else (path if folder else stem)
            candidates += [posixpath.join(folder_path, name) for name in _INDEX_PAGES]
        return next((c for c in candidates if c in self.pages), None)
