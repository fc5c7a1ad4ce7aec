"""Wiki links (Obsidian, Foam, GitHub's wikis) written as Markdown links, for kb/directives.py:
`[[Page]]`, `[[Page#Heading]]`, `[[Page|shown]]` and GitHub's `[[shown|Page]]` become links to
`wiki:Page|shown#Heading`, which kb/links.py resolves to the page a name names (trying both
sides of the `|`). An embed (`![[picture.png]]`), an index into something (`df[[0]]`) and text in
a code span stay as they are."""

from __future__ import annotations

import re

_WIKI_LINK = re.compile(r"(?<![\w\])!])\[\[([^\[\]|#\n]*)(?:#([^\[\]|\n]*))?(?:\|([^\[\]\n]*))?\]\]")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def wiki_links(line: str) -> str:
    """The line with its wiki links written as Markdown links, but in code spans."""
    spans = [span.span() for span in _CODE_SPAN.finditer(line)]

    def link(found: re.Match) -> str:
        if any(start <= found.start() < end for start, end in spans):
            return found.group(0)
        page, heading, shown = (part.strip() if part else "" for part in found.groups())
        if not page and not heading:
            return found.group(0)
        # Obsidian writes [[Page|shown]], GitHub's wikis [[shown|Page]]: the link names both, and
        # kb/links.py takes the one that names a page.
        target = page + (f"|{shown.replace('#', '%23')}" if shown else "") + (f"#{heading}" if heading else "")
        words = shown or (f"{page} › {heading}" if page and heading else page or heading)
        return f"[{words}](<wiki:{target.replace('<', '%3C').replace('>', '%3E')}>)"

    return _WIKI_LINK.sub(link, line)
