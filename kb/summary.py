"""A book's SUMMARY.md read as mdBook defines it (prefix chapters, parts, numbered and draft
chapters, separators, suffix chapters), and as GitBook writes it (root-relative links, README.md
chapters, links with fragments)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt

from patternkb.kb.headings import split_icon
from patternkb.kb.markdown import plain_text

_md = MarkdownIt("commonmark")


@dataclass
class Chapter:
    title: str
    file: str | None  # relative to the summary's folder; None for a draft chapter or a group label
    category: str | None  # the part title above it
    trail: list[str]  # titles of the enclosing chapters, outermost first
    has_children: bool
    line: int
    place: str = "numbered"  # "prefix", "numbered" or "suffix"


def chapter_path(href: str) -> str | None:
    """A summary link as a path under the summary's folder ("" when it names no file, None when
    its words alone leave the book): fragments and queries dropped, root-relative links read
    from the book's root, as GitBook writes them."""
    try:
        parts = urlsplit(href)
    except ValueError:  # "//[bad": no path the book could hold
        return None
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        return ""
    rel = posixpath.normpath(path.lstrip("/"))
    if rel == ".." or rel.startswith("../"):
        return None
    return rel


def read_summary(text: str) -> tuple[str | None, list[Chapter]]:
    """The summary's title (its first heading, unless that is "Summary") and its chapters."""
    tokens = _md.parse(text)
    chapters: list[Chapter] = []
    title: str | None = None
    category: str | None = None
    seen_list = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open" and token.level == 0:
            heading = plain_text(tokens[i + 1]).strip()
            if not chapters and title is None and heading.lower() != "summary":
                title = heading
            elif chapters or heading.lower() != "summary":
                category = split_icon(heading)[1]
        elif token.type == "paragraph_open" and token.level == 0:
            inline = tokens[i + 1]
            place = "suffix" if seen_list else "prefix"
            line = token.map[0] + 1 if token.map else 1
            href: str | None = None
            for child in inline.children or []:
                if child.type == "link_open":
                    href = str(child.attrGet("href") or "")
                    label: list[str] = []
                elif child.type == "link_close" and href is not None:
                    chapters.append(Chapter(title=split_icon("".join(label))[1] or href, file=href or None,
                                            category=None, trail=[], has_children=False, line=line, place=place))
                    href = None
                elif href is not None and child.type in ("text", "code_inline"):
                    label.append(child.content)
        elif token.type in ("bullet_list_open", "ordered_list_open") and token.level == 0:
            seen_list = True
            end = _close(tokens, i)
            _numbered(tokens[i:end + 1], category, chapters)
            i = end
        i += 1
    return title, chapters


def _close(tokens, i: int) -> int:
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _numbered(tokens, category: str | None, chapters: list[Chapter]) -> None:
    trail: list[str] = []
    list_depth = 0
    open_items: list[Chapter] = []
    for i, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
            if open_items:
                open_items[-1].has_children = True
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "list_item_open":
            inline = next((t for t in tokens[i + 1:i + 4] if t.type == "inline"), None)
            if inline is None:
                open_items.append(Chapter("", None, category, [], False, 1))
                continue
            href = next((child.attrGet("href") for child in inline.children or [] if child.type == "link_open"), None)
            title = split_icon(plain_text(inline))[1]
            del trail[list_depth - 1:]
            chapter = Chapter(title=title, file=str(href) if href else None, category=category, trail=list(trail),
                              has_children=False, line=(token.map[0] + 1) if token.map else 1)
            chapters.append(chapter)
            open_items.append(chapter)
            trail.append(title)
        elif token.type == "list_item_close":
            open_items.pop()
