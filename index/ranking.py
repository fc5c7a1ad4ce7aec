"""Ranking result rows in three tiers: rows holding an exact match, then rows holding a document
that matches every word, then the rest; by score within each tier, ties in guide order."""

from __future__ import annotations

import heapq

import numpy as np

from patternkb.index import history
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
    all of them do), then the rest; by score within each, then by guide order. The rows are
    ranked as arrays: a common word gives 28,000 rows at 50,000 entries."""
    exact: dict[int, int] = {}
    for docnum, tier in exact_matches(table, postings, scored, words).items():
        row = found.row_of(docnum)
        if row is not None and tier > exact.get(row, 0):
            exact[row] = tier
    rows, scores = found.scores()
    if not history.asks_for_a_version(words):  # release notes below what matches as well
        scores = scores * table.weights[rows]
    complete = np.ones(len(rows), dtype=bool) if all_words is None else found.rows_of(all_words)[rows]
    orders = table.columns.orders[rows]
    score = found.score

    def by_score(candidates: np.ndarray, n: int) -> list[int]:
        # The n best by score, ties in guide order: cut at the n-th best score first, so only
        # the few rows at or above it are sorted.
        at = np.flatnonzero(candidates)
        if n <= 0 or not len(at):
            return []
        if len(at) > n:
            floor = np.partition(scores[at], len(at) - n)[len(at) - n]
            at = at[scores[at] >= floor]
        at = at[np.lexsort((rows[at], orders[at], -scores[at]))]
        return rows[at[:n]].tolist()

    top = sorted(exact, key=lambda e: (-exact[e], not complete[np.searchsorted(rows, e)], -score(e),
                                       table.orders[e]))[:limit]
    not_exact = np.ones(len(rows), dtype=bool)
    not_exact[np.searchsorted(rows, list(exact))] = False
    top += by_score(complete & not_exact, limit - len(top))
    if len(top) < limit:
        top += by_score(~complete & not_exact, limit - len(top))
    return top


def in_guide_order(table: DocTable, found: Found, limit: int) -> list[int]:
    """The first `limit` rows in the order the guide has their entries."""
    return heapq.nsmallest(limit, found, key=table.orders.__getitem__)
