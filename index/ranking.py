"""Ranking result rows in three tiers: rows holding an exact match, then rows holding a document
that matches every word, then the rest; by score within each tier, ties in guide order."""

from __future__ import annotations

import heapq

from patternkb.index.doctable import DocTable
from patternkb.index.grouping import CHECKLIST, Row, is_part
from patternkb.index.postings import Postings

# An exact match's tier: an entry's own title, or an identifier it defines, comes first; then
# the entries of a section titled so. A snippet or part titled so lifts its entry only by its
# score: an "Error handling" comment over a Cargo.toml dependency is no "Error Handling" section.
OWN, SECTION = 2, 1


def exact_matches(table: DocTable, postings: Postings, scored: dict[int, float], words: list[str]) -> dict[int, int]:
    """The scored entries that match `words` exactly, each with its tier (OWN, SECTION)."""
    phrase = " ".join(w.lower() for w in words)
    exact: dict[int, int] = {}
    own = set(postings.docs("title_exact", phrase))
    if len(words) == 1:
        own.update(postings.docs("defines", words[0].lower()))
    for docnum in own:
        if docnum in scored and not is_part(table, docnum):
            exact[docnum] = OWN
    for section_id in {i for i, title in table.section_titles.items() if title.lower() == phrase}:
        for docnum in postings.docs("section", section_id):
            # The section's entries with a body (patterns, its overview), not its checklist items.
            if docnum in scored and not is_part(table, docnum) and table.kinds[docnum] != CHECKLIST:
                exact[docnum] = max(exact.get(docnum, 0), SECTION)
    return exact


def best(table: DocTable, postings: Postings, scored: dict[int, float], found: dict[int, Row],
         all_words: set[int] | None, words: list[str], limit: int) -> list[int]:
    """The first `limit` rows (by entry document number) in relevance order: rows holding an
    exact match, then rows holding a document that matches every word (`all_words`; None:
    all of them do), then the rest; by score within each, then by guide order."""
    exact_docs = exact_matches(table, postings, scored, words)
    exact: dict[int, int] = {}
    complete: set[int] = set()
    scores: dict[int, float] = {}
    for entry, row in found.items():
        docs = row.docs
        scores[entry] = row.score
        tier = max((exact_docs.get(d, 0) for d in docs), default=0)
        if tier:
            exact[entry] = tier
        if all_words is None or any(d in all_words for d in docs):
            complete.add(entry)
    orders = table.orders

    def by_score(entries, n: int) -> list[int]:
        # The n best by score, ties in guide order: cut at the n-th best score first, so
        # only the few rows at or above it are sorted.
        entries = [e for e in entries if e not in exact]
        if n <= 0 or not entries:
            return []
        if len(entries) > n:
            floor = heapq.nlargest(n, map(scores.__getitem__, entries))[-1]
            entries = [e for e in entries if scores[e] >= floor]
        return sorted(entries, key=lambda e: (-scores[e], orders[e]))[:n]

    top = sorted(exact, key=lambda e: (-exact[e], e not in complete, -scores[e], orders[e]))[:limit]
    top += by_score(complete, limit - len(top))
    if len(top) < limit:
        top += by_score((e for e in found if e not in complete), limit - len(top))
    return top


def in_guide_order(table: DocTable, found: dict[int, Row], limit: int) -> list[int]:
    """The first `limit` rows in the order the guide has their entries."""
    return heapq.nsmallest(limit, found, key=table.orders.__getitem__)
