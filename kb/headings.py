"""Heading text: the emoji icon kept apart from the title, and GitHub-style anchors."""

from __future__ import annotations

import re
import unicodedata

_JOINERS = {"\u200d", "\ufe0f", "\ufe0e", "\u20e3"}


def _is_icon_char(ch: str) -> bool:
    if ch in _JOINERS or ch.isspace():
        return True
    if ch.isascii() or ch.isalnum():
        return False
    return unicodedata.category(ch)[0] in ("S", "M", "C")


# An icon set's shortcode (MkDocs Material's `:octicons-heart-fill-16:`, `:material-check:`): an
# icon in the rendered heading, no word of its title. An emoji's (`:rocket:`) has no hyphen.
_ICON_NAME = re.compile(r"(?<![\w:]):[a-z][a-z0-9]*(?:-[a-z0-9]+)+:(?![\w:])")


def without_icon_names(text: str) -> str:
    """The text without its icon sets' shortcodes (each left as a space)."""
    return _ICON_NAME.sub(" ", text) if ":" in text else text


def split_icon(heading: str) -> tuple[str, str]:
    """'🔀 Concurrency & Async' -> ('🔀', 'Concurrency & Async'); a heading of only emoji keeps
    them as its title too, so no title is ever empty."""
    text = heading.strip()
    i = 0
    while i < len(text) and _is_icon_char(text[i]):
        i += 1
    icon = "".join(ch for ch in text[:i] if not ch.isspace())
    title = " ".join(without_icon_names(text[i:]).split())
    if not title:
        title = icon or "Untitled"
    return icon, title


def github_anchor(heading: str) -> str:
    """The fragment GitHub gives a heading, as tables of contents link to it."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


# The most a label of code says: "Bad", "Good", a tab's "npm", a file's "wdio.conf.js". Longer bold
# words are a sentence, not a label.
MAX_LABEL = 40
_EMPHASIS = re.compile(r"^\*\*(.+?)\*\*:?$|^__(.+?)__:?$")


def bold_label(inline: str) -> str | None:
    """The text of a paragraph that is nothing but bold text (a group label), else None."""
    match = _EMPHASIS.match(inline.strip())
    if not match:
        return None
    return (match.group(1) or match.group(2)).strip()


def clean_label(label: str) -> str:
    """A label as shown: its words, without emphasis marks; "" when longer than MAX_LABEL."""
    label = " ".join(label.replace("*", "").split())
    return label if len(label) <= MAX_LABEL else ""


def first_group(match: re.Match | None) -> str:
    """The first group of `match` that matched something, or ""."""
    return next((g for g in match.groups() if g), "") if match else ""
