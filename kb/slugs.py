"""Slugs: the ASCII ids and anchors made from titles (no models needed to make or read them)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lower-case ASCII slug of letters, digits and single hyphens ("" when nothing is left).
    Letters beyond ASCII are spelt in Latin letters ("Функции создают" -> funktsii-sozdayut,
    "Łódź" -> lodz): dropping them left a title in another script nothing, and every such
    entry was untitled-N, an id that changed whenever an entry before it came or went."""
    if not text.isascii() and any(ch.isalnum() and not ch.isascii() for ch in text):
        from anyascii import anyascii  # only for such a title: its tables load on first use

        # Its letters and digits in Latin letters (Ł -> L, ß -> ss); a symbol (an emoji) is no word.
        text = anyascii("".join(ch for ch in text if ch.isascii() or ch.isalnum() or ch.isspace()))
    # NFKD splits an accented letter into its letter and accent, so the letter stays (é -> e).
    ascii_text = text if text.isascii() else unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


def snippet_anchor(pattern_id: str, index: int, title: str) -> str:
    """The id of a pattern's index-th snippet: `<pattern id>#<index>-<slug of its title>`."""
    return f"{pattern_id}#{index}-{slugify(title)[:40] or 'snippet'}"


def part_anchor(name: str, seen: Counter | None = None) -> str:
    """Where a named part (a sub-heading or a numbered rule of a pattern) starts in the rendered entry. With `seen`
    (the anchors given so far in the entry), a name met again gets -2, -3, … as GitHub does."""
    anchor = f"part-{slugify(name)[:60] or 'part'}"
    if seen is None:
        return anchor
    seen[anchor] += 1
    return anchor if seen[anchor] == 1 else f"{anchor}-{seen[anchor]}"


def part_anchors(names: list[str]) -> list[str]:
    """The anchors of an entry's named parts, in order (what its search sub-hits open it at)."""
    seen: Counter[str] = Counter()
    return [part_anchor(name, seen) for name in names]
