"""Release history: the entries under a version's heading ("1.2.0 - 2024-01-02", "0.6.0 (June
2017)", "v2.1"). A changelog's notes say what changed once, not how to do a thing: they rank
below entries that match as well, unless the query names a version. A numbered heading with
words after its number ("2.1 Lint", "3.16.4 Guidelines") is no version's.

Starlette's release notes, a page among 25, took 21 of the first 75 results of 15 queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# How much a history entry's score counts, against an entry that is not one.
WEIGHT = 0.5
_VERSION = re.compile(r"^\[?v?\d+(?:\.\d+){1,3}(?:[-.]?(?:a|b|rc|alpha|beta|dev|post)\.?\d*)?\]?(?![\w.])",
                      re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_ASKED_VERSION = re.compile(r"^v?\d+(?:\.\d+)+", re.IGNORECASE)


def is_version(title: str) -> bool:
    """Whether a heading names a release: a version alone, or with its date."""
    title = title.strip()
    found = _VERSION.match(title)
    if found is None:
        return False
    rest = title[found.end():].strip()
    return not rest or _YEAR.search(rest) is not None


def in_history(path: Iterable[str]) -> bool:
    """Whether an entry of `path` (its headings from the top, its own last) is release history."""
    return any(is_version(title) for title in path)


def asks_for_a_version(words: Iterable[str]) -> bool:
    return any(_ASKED_VERSION.match(word) for word in words)
