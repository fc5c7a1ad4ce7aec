"""Ranking in three tiers: exact matches, then documents matching every word, then the rest; by
score within each tier, ties in guide order."""

from __future__ import annotations

import heapq

from patternkb.index.doctable import DocTable
from patternkb.index.postings import Postings

# An exact match's tier: a pattern's or checklist item's own title, or an identifier it
# defines, comes first; then the patterns of a section titled so; then a snippet saying it.
OWN, SECTION, SNIPPET = 3, 2, 1


def exact_matches(table: DocTable, postings: Postings, scored: dict[int, float], words: list[str]) -> dict[int, int]:
    """The scored documents that match `words` exactly, each with its tier (OWN, SECTION, SNIPPET)."""
    phrase = " ".join(w.lower() for w in words)
    exact: dict[int, int] = {}
    # A snippet whose comment says it comes after the section: an "Error handling" comment over
    # a Cargo.toml dependency must not outrank the patterns of an "Error Handling" section.
    own = set(postings.docs("title_exact", phrase))
    if len(words) == 1:
        own.update(postings.docs("defines", words[0].lower()))
    for docnum in own:
        if docnum in scored:
            exact[docnum] = OWN if table.kinds[docnum] != "snippet" else SNIPPET
    for section_id in {i for i, title in table.section_titles.items() if title.lower() == phrase}:
        for docnum in postings.docs("section", section_id):
            if docnum in scored and table.kinds[docnum] == "pattern":
                exact[docnum] = max(exact.get(docnum, 0), SECTION)
    return exact


def best(table: DocTable, postings: Postings, scored: dict[int, float], all_words: set[int] | None,
         words: list[str], limit: int) -> list[int]:
    """The first `limit` documents in relevance order: exact matches, then documents
    matching every word (`all_words`; None: all of them do), then the rest; by score within
    each, then by guide order."""
    exact = exact_matches(table, postings, scored, words)
    orders = table.orders

    def by_score(docnums, n: int) -> list[int]:
        # The n best by score, ties in guide order: cut at the n-th best score first, so
        # only the few documents at or above it are sorted.
        docnums = [d for d in docnums if d in scored and d not in exact]  # kind/section cut `scored`
        if n <= 0 or not docnums:
            return []
        if len(docnums) > n:
            floor = heapq.nlargest(n, map(scored.__getitem__, docnums))[-1]
            docnums = [d for d in docnums if scored[d] >= floor]
        return sorted(docnums, key=lambda d: (-scored[d], orders[d]))[:n]

    top = sorted(exact, key=lambda d: (-exact[d], all_words is not None and d not in all_words,
                                       -scored[d], orders[d]))[:limit]
    if all_words is None:
        return top + by_score(scored, limit - len(top))
    top += by_score(all_words, limit - len(top))
    if len(top) < limit:
        top += by_score((d for d in scored if d not in all_words), limit - len(top))
    return top


def in_guide_order(table: DocTable, scored: dict[int, float], limit: int) -> list[int]:
    """The first `limit` scored documents in the order the guide has them."""
    return heapq.nsmallest(limit, scored, key=table.orders.__getitem__)
