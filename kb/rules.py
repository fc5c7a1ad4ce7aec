"""Rules written as list items rather than headings, each a named part of its entry, as a
sub-heading would be: search finds it on its own and opens the entry at it. Two shapes:

- a numbered rule whose number links to the rule itself ("- [3.3](#objects--shorthand) Use
  object method shorthand."), so a reader can point at it;
- a list of rules, each item stating its rule in bold and showing it in code ("* **Use 2 spaces**
  for indentation." over a code block): at least MIN_RULES items, most led by bold words
  (LED_SHARE), at least half of them holding code; or most of them (CODE_SHARE) holding code of
  their own, each rule its item's first sentence ("- Use single quotes for strings." over a code
  block). One such item alone, or a list of bold terms without code, is a list like any other.

kb/outline.py reads them from the parsed blocks, app/render.py from the tokens it renders: both ask
`rule_names` of the same items, so each part gets its anchor where it starts."""

from __future__ import annotations

import re

from patternkb.kb import html

# "[3.3](#fragment) words": a rule number (1, 3.3, 10.2.1, 4.) linking into the page, then words.
_NUMBERED = re.compile(r"^\[(\d+(?:\.\d+)*\.?)\]\(#[^)\s]+\)\s*(\S.*)", re.DOTALL)
_BOLD = re.compile(r"^\*\*([^*]+)\*\*|^__([^_]+)__")
# Where the rule's first sentence ends: a full stop, colon or semicolon before a space, a line end.
# An abbreviation's last stop ("e.g.", "i.e.": letters and stops) ends no sentence.
_SENTENCE_END = re.compile(r"(?<![\s(][A-Za-z]\.[A-Za-z])[.:;](?=\s|$)|\n")
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


MIN_RULES = 3
LED_SHARE = 0.8  # of a list's items led by bold words (one rule may be written otherwise)
CODE_SHARE = 2 / 3  # of a list's items holding code of their own, when no bold words lead them
# Bold words at the start of an item, which may hold code with stars in it (`**The `*` in `yield*`**`).
_LEAD = re.compile(r"^(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.DOTALL)


def rule_names(items: list[tuple[str, bool]]) -> list[str | None]:
    """For each of a list's own items — (its first paragraph's Markdown, whether it holds code) —
    the name of the rule it states, else None."""
    numbered = [rule_name(markdown) for markdown, _ in items]
    if any(numbered):
        return numbered
    if len(items) < MIN_RULES:
        return [None] * len(items)
    led = [bool(_LEAD.match(readable(markdown).lstrip())) for markdown, _ in items]
    coded = sum(code for _, code in items)
    if sum(led) >= LED_SHARE * len(items) and 2 * coded >= len(items):  # rules in bold
        return [first_sentence(readable(markdown).lstrip()) or None if lead else None
                for (markdown, _), lead in zip(items, led)]
    if not any(led) and coded >= CODE_SHARE * len(items):  # rules in a sentence, most shown in code
        return [first_sentence(readable(markdown).lstrip()) or None for markdown, _ in items]
    return [None] * len(items)


def first_sentence(markdown: str) -> str:
    """A rule's first sentence as plain text, at most _MAX_NAME characters."""
    rest = _BREAK.sub("\n", markdown[:_MAX_NAME * 4])  # a hard line break ends it too
    end = _SENTENCE_END.search(rest)
    name = _plain(rest[:end.start()] if end else rest).rstrip(".:;")
    if len(name) > _MAX_NAME:
        name = name[:_MAX_NAME].rsplit(" ", 1)[0] + "…"
    return name


def rule_name(item_markdown: str) -> str | None:
    """The name a self-linked numbered rule is found and shown by ("3.3 Use object method
    shorthand"), else None."""
    found = rule_number_and_name(item_markdown)
    return f"{found[0]} {found[1]}" if found else None


def _plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # a link: its words
    # Code's words as they are (`/* global */`), and no emphasis marks (an identifier keeps its _).
    text = _CODE_OR_STARS.sub(lambda m: m.group(2) if m.group(2) is not None else "", text)
    return " ".join(text.split())


_BREAK = re.compile(r"\\\n|<br\s*/?>", re.IGNORECASE)
_CODE_OR_STARS = re.compile(r"(`+)(.+?)\1|\*+|`+")
