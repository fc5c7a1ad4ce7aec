"""Tables of contents and navigation links, recognised by their shape (links to the document's own
headings), never by their title; and the anchors a document's headings and HTML give."""

from __future__ import annotations

import re
from urllib.parse import unquote

from patternkb.kb.headings import github_anchor, without_icon_names
from patternkb.kb.markdown import Block

# A list is a table of contents when at least this share of its items link to own headings.
_CONTENTS_SHARE = 0.8
_MIN_CONTENTS_ITEMS = 3
# An item of a table of contents says little besides its link: "(optional)", "1.2", "— setup".
_MAX_WORDS_BESIDE = 3
_INLINE_LINK = re.compile(r"\[(?:[^\[\]]|\[[^\[\]]*\])*\](?:\([^()\s]*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\)|\[[^\[\]]*\])")
_HTML_LINK = re.compile(r"<a\s[^>]*>.*?</a\s*>", re.IGNORECASE | re.DOTALL)
_WORD = re.compile(r"[^\W\d_]+")  # words, not the numbers of a contents ("1.2")
# A paragraph of nothing but a link back (to the contents or the top) is short.
_MAX_NAVIGATION_CHARS = 40


def fragment(href: str) -> str | None:
    """The anchor an in-page link names (`#x` -> `x`), else None."""
    if not href.startswith("#"):
        return None
    return unquote(href[1:]).lower()


def heading_anchors(blocks: list[Block]) -> dict[int, list[str]]:
    """Each heading's anchors (by block index): GitHub's slug (numbered -1, -2 when repeated, as
    GitHub does) and the ids of HTML anchors that stand just before it."""
    seen: dict[str, int] = {}
    result: dict[int, list[str]] = {}
    pending: list[str] = []
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            slug = github_anchor(block.text)
            # GitHub slugs the words as they stand: a picture before or after them leaves a
            # space, a hyphen in the anchor (`### memoize ![advanced](tag.svg)` is #memoize-),
            # and numbers a repeat of that anchor.
            spaced = github_anchor(f"x{block.text}x")[1:-1] if block.text != block.text.strip() else slug
            n = seen.get(spaced, 0)
            seen[spaced] = n + 1
            # A repeated slug is numbered: "-1" on GitHub, "_1" by some doc generators.
            numbered = list(dict.fromkeys([slug, spaced])) if n == 0 else [f"{spaced}-{n}", f"{spaced}_{n}"]
            # Wikis keep the words and join them with "_" ("Settings_Keys").
            wiki = "_".join(block.text.split())
            # MkDocs slugs a heading without its icons (`## :material-check: Done` is #done).
            iconless = github_anchor(" ".join(without_icon_names(block.text).split()))
            result[index] = [*numbered, *([wiki] if n == 0 and wiki != slug else []),
                             *([iconless] if n == 0 and iconless not in (slug, spaced) else []), *pending, *block.anchors]
            pending = []
        elif is_anchor_only(block):
            pending += block.anchors
        elif block.kind != "html" or block.text:
            block.anchors[:0] = pending  # anchors before a list or a paragraph name that block
            pending = []
    return result


def is_anchor_only(block: Block) -> bool:
    return bool(block.anchors) and not block.text.strip() and not block.fences


def is_contents(block: Block, anchors: set[str]) -> bool:
    """A list whose items are (almost) all links to the document's own headings, and little
    else: a list that says something of what it links to ("an array of `routes` that match that
    location") is content, though each item links to a heading."""
    if block.kind != "list" or len(block.items) < _MIN_CONTENTS_ITEMS:
        return False
    own = sum(1 for item in block.items
              if item.links and all(fragment(link.href) in anchors for link in item.links)
              and len(_WORD.findall(_HTML_LINK.sub(" ", _INLINE_LINK.sub(" ", item.markdown)))) <= _MAX_WORDS_BESIDE)
    return own >= _CONTENTS_SHARE * len(block.items)


def links_out_of(heading: Block) -> Block | None:
    """The links a heading's words hold that lead off the page (`## [1.2.0](…/v1.2.0) - date`), as a
    block its entry opens with: an entry's title is words only, and the link was lost. A picture
    (a badge) is no such link: a title shows none."""
    outward = [link for link in heading.links if link.words.strip() and fragment(link.href) is None]
    if not outward:
        return None
    shown = " · ".join(f"[{_escaped(link.words)}]({_destination(link.href)})" for link in outward)
    return Block(kind="other", line_start=heading.line_start, line_end=heading.line_start,
                 markdown=shown, links=outward)  # no text: its words are the title's


def _destination(href: str) -> str:
    """A link's destination as Markdown writes it: in <> when it holds a space or parenthesis
    (a < or > in it percent-encoded, which <> cannot hold)."""
    href = href.replace("<", "%3C").replace(">", "%3E")
    return f"<{href}>" if any(ch in href for ch in " ()") else href


def _escaped(words: str) -> str:
    """A link's words as Markdown writes them: a bracket escaped, but in a code span (`arr[0]`)."""
    return "".join(part if n % 2 else _BRACKET.sub(lambda m: "\\" + m.group(0), part)
                   for n, part in enumerate(_CODE_SPAN.split(words)))


_BRACKET = re.compile(r"[\[\]]")
_CODE_SPAN = re.compile(r"(`[^`]*`)")


def is_navigation(block: Block, targets: set[str]) -> bool:
    """A short paragraph whose only links lead back to the contents or the top of the page."""
    if block.kind != "paragraph" or not block.links or len(block.text) > _MAX_NAVIGATION_CHARS:
        return False
    return all(fragment(link.href) in targets for link in block.links)
