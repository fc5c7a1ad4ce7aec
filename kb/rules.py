"""Rules written as list items rather than headings: a style guide numbers each rule and links the
number to the rule itself ("- [3.3](#objects--shorthand) Use object method shorthand."), so a
reader can point at it. Such an item is a named part of its entry, as a sub-heading would be:
search finds it on its own and opens the entry at it."""

from __future__ import annotations

import re

from patternkb.kb import html

# "[3.3](#fragment) words": a rule number (1, 3.3, 10.2.1, 4.) linking into the page, then words.
_NUMBERED = re.compile(r"^\[(\d+(?:\.\d+)*\.?)\]\(#[^)\s]+\)\s*(\S.*)", re.DOTALL)
_BOLD = re.compile(r"^\*\*([^*]+)\*\*|^__([^_]+)__")
# Where the rule's first sentence ends: a full stop, colon or semicolon before a space, a line end.
_SENTENCE_END = re.compile(r"[.:;](?=\s|$)|\n")
_MAX_NAME = 80


def readable(item_markdown: str) -> str:
    """An item's Markdown as its entry's page shows it: its inline HTML converted (kb/html.py),
    so that an anchor tag before a rule's number (`<a name="x"></a>[1.1](#x)`) hides no rule."""
    return html.clean_markdown(item_markdown) if "<" in item_markdown else item_markdown


def rule_number_and_name(item_markdown: str) -> tuple[str, str] | None:
    """(number, name) of a list item that is a self-linked numbered rule, else None. The name is
    the item's bold lead, else its first sentence, as plain text and at most 80 characters."""
    match = _NUMBERED.match(readable(item_markdown))
    if not match:
        return None
    # Only the start can be the name: cleaning a megabyte-long item's links was quadratic.
    number, rest = match.group(1).rstrip("."), match.group(2)[:_MAX_NAME * 4]
    bold = _BOLD.match(rest)
    if bold:
        name = bold.group(1) or bold.group(2)
    else:
        end = _SENTENCE_END.search(rest)
        name = rest[:end.start()] if end else rest
    name = _plain(name)
    if len(name) > _MAX_NAME:
        name = name[:_MAX_NAME].rsplit(" ", 1)[0] + "…"
    return (number, name) if name else None


def rule_name(item_markdown: str) -> str | None:
    """The name a self-linked numbered rule is found and shown by ("3.3 Use object method
    shorthand"), else None."""
    found = rule_number_and_name(item_markdown)
    return f"{found[0]} {found[1]}" if found else None


def _plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # a link: its words
    text = text.replace("`", "").replace("*", "")  # code and emphasis marks (an identifier keeps its _)
    return " ".join(text.split())
