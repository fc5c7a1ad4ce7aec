"""The search box's syntax: words, "quoted phrases", -excluded words and field:value filters;
an option as a command line writes it (`--no-color`, `-p`) is a word.

Parsing never fails: whatever a user types becomes some (possibly empty) query. A query of
exclusions alone (`-mutex`) means every entry except those, in guide order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from patternkb.kb.models import KnowledgeBase

MAX_QUERY_CHARS = 500
MAX_WORDS = 24

FILTER_FIELDS = {
    "section": "section", "kind": "kind", "lang": "language", "language": "language", "crate": "crates",
    "crates": "crates", "symbol": "symbols", "sym": "symbols", "tag": "tags", "guide": "guide",
}
KINDS = ("pattern", "overview", "snippet", "part", "checklist")

# Words of a question typed in plain English. A guide may never use them, but they are not
# typos: "how do I share state" must not become "hot do I share state".
PLAIN_WORDS = frozenset("""
how what why when where which who whom whose does did doing done should would could can cannot
between into onto about above below using use used make makes get gets got want need needs best
way ways my your our their there here these those them they thing things good bad better some
any many much more most other another same each every also just only very really still
""".split())

# A dash excludes what follows it, unless it is an option as a command line writes it: another
# dash (`--no-color`) or one or two letters (`-p`, `-rf`): those are words. (`-Wall` excludes
# "Wall", as `-TODO` excludes "TODO".)
_TOKEN = re.compile(r'(-(?![-\s])(?![A-Za-z]{1,2}(?:\s|$)))?(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))')
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
            if not value:
                continue
            if not negate:
                query.filters.setdefault(FILTER_FIELDS[name_key], []).append(value)
            elif FILTER_FIELDS[name_key] == "kind" and value.lower() in KINDS:
                # Kinds are a fixed set: "not this kind" is "one of the others".
                others = [k for k in KINDS if k != value.lower()]
                query.filters.setdefault("kind", []).extend(others)
            else:
                query.excluded.append(value)  # -crate:tokio: without the entries that mention it
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
    if query.excluded and query.empty:
        # Exclusions alone: start from every entry (every kind), so the search subtracts from
        # all of them rather than from nothing.
        query.filters["kind"] = list(KINDS)
    query.last_is_prefix = bool(query.words) and bool(raw) and not raw[-1].isspace() \
        and raw.rstrip().endswith(query.words[-1])
    return query


def excerpt(text: str, limit: int = 80) -> str:
    """What a message quotes of a query a user typed: one line, at most `limit` characters."""
    line = " ".join(clean(text[: limit * 4]).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def filter_values(kb: KnowledgeBase) -> dict[str, list[str]]:
    """What each filter field can name in `kb`, as a user would type it."""
    from patternkb.kb.models import Pattern

    patterns = [e for e in kb.entries if isinstance(e, Pattern)]
    languages = {b.language for p in patterns for b in p.code} | {s.language for p in patterns for s in p.snippets}
    return {
        "kind": list(KINDS),
        "section": [s.id for s in kb.sections],
        "guide": [g.id for g in kb.manifest.guides],
        "language": sorted(lang for lang in languages if lang),
        "crates": sorted({c for e in kb.entries for c in e.crates}),
        "symbols": sorted({s for e in kb.entries for s in e.symbols}),
        "tags": sorted({t for e in kb.entries for t in e.tags}),
    }


_FIELD_NAMES = {canonical: name for name, canonical in reversed(FILTER_FIELDS.items())}


def filter_text(fieldname: str, value: str) -> str | None:
    """The query text of the filter `fieldname`:`value` alone (None if the syntax cannot say it)."""
    if '"' in value:
        return None
    name = _FIELD_NAMES[fieldname]
    return f'{name}:"{value}"' if any(ch.isspace() for ch in value) else f"{name}:{value}"


def unknown_value_message(fieldname: str, value: str, known: list[str], shown: int = 12) -> str:
    """One line: the filter value matches nothing, and what the KB has instead."""
    name = _FIELD_NAMES[fieldname]
    if not known:
        return f"{name}:{excerpt(value, 40)} matches nothing: this KB has no {name} values"
    listed = ", ".join(known[:shown]) + (f", … ({len(known)} in all)" if len(known) > shown else "")
    return f"{name}:{excerpt(value, 40)} matches nothing; {name} is one of {listed}"


def unknown_filters(engine, query: str) -> list[str]:
    """For a search that found nothing: a line for each filter value that alone matches nothing,
    with what the KB has instead. `engine` is the PatternIndex that searched: it decides what
    matches, so this agrees with the search; it says what the KB has (`engine.filter_values`)."""
    messages = []
    for fieldname, values in parse(query).filters.items():
        for value in dict.fromkeys(values):
            if fieldname == "kind":  # a fixed set: a KB with no checklist has no unknown kind
                if value.lower() in KINDS:
                    continue
            else:
                alone = filter_text(fieldname, value)
                if alone is None or engine.search(alone, limit=1, fragments=0).total:
                    continue
            messages.append(unknown_value_message(fieldname, value, engine.filter_values(fieldname)))
    return messages

