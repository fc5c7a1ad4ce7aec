"""Ranking result rows in three tiers: rows holding an exact match, then rows holding a document
that matches every word, then the rest; by score within each tier, ties in guide order."""

from __future__ import annotations

import heapq

from patternkb.index.doctable import DocTable
from patternkb.index.grouping import CHECKLIST, Found, is_part
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


def best(table: DocTable, postings: Postings, scored: dict[int, float], found: Found,
         all_words: set[int] | None, words: list[str], limit: int) -> list[int]:
    """The first `limit` rows (by entry document number) in relevance order: rows holding an
    exact match, then rows holding a document that matches every word (`all_words`; None:
    all of them do), then the rest; by score within each, then by guide order."""
    exact: dict[int, int] = {}
    for docnum, tier in exact_matches(table, postings, scored, words).items():
        row = found.row_of(docnum)
        if row is not None and tier > exact.get(row, 0):
            exact[row] = tier
    complete = found.entries if all_words is None else {found.row_of(d) for d in all_words} - {None}
    score, orders = found.score, table.orders

    def by_score(entries, n: int) -> list[int]:
        # The n best by score, ties in guide order: cut at the n-th best score first, so
        # only the few rows at or above it are sorted.
        scores = {e: score(e) for e in entries if e not in exact}
        if n <= 0 or not scores:
            return []
        if len(scores) > n:
            floor = heapq.nlargest(n, scores.values())[-1]
            scores = {e: s for e, s in scores.items() if s >= floor}
        return sorted(scores, key=lambda e: (-scores[e], orders[e]))[:n]

    top = sorted(exact, key=lambda e: (-exact[e], e not in complete, -score(e), orders[e]))[:limit]
    top += by_score(complete, limit - len(top))
    if len(top) < limit:
        top += by_score((e for e in found if e not in complete), limit - len(top))
    return top


def in_guide_order(table: DocTable, found: Found, limit: int) -> list[int]:
    """The first `limit` rows in the order the guide has their entries."""
    return heapq.nsmallest(limit, found, key=table.orders.__getitem__)
