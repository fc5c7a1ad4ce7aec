"""The search box's syntax: words, "quoted phrases", -excluded words and field:value filters.

Parsing never fails: whatever a user types becomes some (possibly empty) query.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 500
MAX_WORDS = 24

FILTER_FIELDS = {
    "section": "section", "kind": "kind", "lang": "language", "language": "language", "crate": "crates",
    "crates": "crates", "symbol": "symbols", "sym": "symbols", "tag": "tags", "guide": "guide",
}
KINDS = ("pattern", "snippet", "checklist")

# Words of a question typed in plain English. A guide may never use them, but they are not
# typos: "how do I share state" must not become "hot do I share state".
PLAIN_WORDS = frozenset("""
how what why when where which who whom whose does did doing done should would could can cannot
between into onto about above below using use used make makes get gets got want need needs best
way ways my your our their there here these those them they thing things good bad better some
any many much more most other another same each every also just only very really still
""".split())

_TOKEN = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))')
_BOOLEAN = {"AND", "OR", "NOT", "&&", "||"}


@dataclass
class ParsedQuery:
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    # True when the text ends in a word being typed (not a space, quote or filter).
    last_is_prefix: bool = False

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases or self.filters)

    def text(self) -> str:
        return " ".join(self.words + [f'"{p}"' for p in self.phrases])


def clean(text: str) -> str:
    """Drop control and format characters, fold to NFC, bound the length."""
    text = unicodedata.normalize("NFC", text[: MAX_QUERY_CHARS * 4])
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return text[:MAX_QUERY_CHARS]


def parse(text: str) -> ParsedQuery:
    raw = clean(text)
    query = ParsedQuery()
    for match in _TOKEN.finditer(raw):
        negate, name, quoted, bare = match.groups()
        value = quoted if quoted is not None else (bare or "")
        name_key = (name or "").lower()
        if name and name_key not in FILTER_FIELDS:
            # Not a filter we know (a Rust path like std::sync, or a typo): search it as text.
            value, name_key = f"{name}:{value}", ""
        value = value.strip()
        if not name_key and value.endswith(":") and value[:-1].lower() in FILTER_FIELDS:
            continue  # "section:" with nothing after it yet
        if name_key:
            if value:
                query.filters.setdefault(FILTER_FIELDS[name_key], []).append(value)
            continue
        if not value or value in _BOOLEAN or not any(ch.isalnum() for ch in value):
            continue
        if negate:
            query.excluded.append(value)
        elif quoted is not None and " " in value.strip():
            query.phrases.append(value)
        else:
            query.words.append(value)
    query.words = query.words[:MAX_WORDS]
    query.last_is_prefix = bool(query.words) and bool(raw) and not raw[-1].isspace() \
        and raw.rstrip().endswith(query.words[-1])
    return query
