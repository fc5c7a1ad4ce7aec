"""Search results as entries: a match inside an entry (a snippet or a named part of a pattern) is
folded into it as a sub-hit, and a matching checklist item into a matching pattern it
illustrates. An entry's score comes from its own fields and its best sub-hits, so a pattern whose
code answers the query ranks as the pattern, and one entry is never listed twice.

Documentation search groups hits under their page the same way (Algolia DocSearch's levels,
Google's sitelinks).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from patternkb.index.doctable import NO_PARENT, DocTable

SUB_HITS = 3  # sub-hits shown under an entry
# What a match inside an entry (a snippet, a part, an item it illustrates) counts for the entry,
# against a match of its own fields: the entry whose own title or text says it comes first, the
# one whose code says it close behind. Measured on the judged sets of every guide (README).
INSIDE_WEIGHT = 0.8
CHECKLIST = "checklist"


class Found:
    """The result rows of one search, by entry document number: each row's score, and which row
    each matched document is shown in. A search at 10,000 entries matches thousands of documents:
    this keeps two dicts of floats, not an object per row (each object fed the garbage collector,
    whose pauses took a search from 20 ms to 200 ms)."""

    def __init__(self, table: DocTable, scored: dict[int, float], own: dict[int, float],
                 inside: dict[int, float], hosts: dict[int, int], alone: frozenset[int] = frozenset()):
        self.table, self.scored = table, scored
        self.own = own  # entry -> the score of its own fields
        self.inside = inside  # entry -> the best score of a match inside it
        self.hosts = hosts  # checklist item -> the pattern row it is folded into
        self.alone = alone  # parts that are rows of their own (`kind:snippet`)
        self.entries = own.keys() | inside.keys()

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries)

    def __contains__(self, entry: int) -> bool:
        return entry in self.entries

    def score(self, entry: int) -> float:
        """The entry's best match: its own, or the best inside it (weighed INSIDE_WEIGHT). Matches
        do not add up: an entry with many snippets saying a word is not more about it."""
        return max(self.own.get(entry, 0.0), self.inside.get(entry, 0.0) * INSIDE_WEIGHT)

    def scores(self) -> tuple[np.ndarray, np.ndarray]:
        """(every row's document number, ascending; its score, as `score` gives it), for ranking
        tens of thousands of rows at once."""
        best = np.zeros(len(self.table.parents))
        held = np.zeros(len(best), dtype=bool)
        for scores, weight in ((self.own, 1.0), (self.inside, INSIDE_WEIGHT)):
            entries = np.fromiter(scores, dtype=np.intp, count=len(scores))
            values = np.fromiter(scores.values(), dtype=float, count=len(scores)) * weight
            best[entries] = np.maximum(best[entries], values)
            held[entries] = True
        entries = np.flatnonzero(held)
        return entries, best[entries]

    def rows_of(self, docnums: set[int]) -> np.ndarray:
        """A mask over document numbers, true at each row holding one of `docnums` (as `row_of`
        finds it); read it at the rows only: it may be true at documents that are no row."""
        docs = np.fromiter(docnums, dtype=np.intp, count=len(docnums))
        parents = self.table.columns.parents[docs]
        mask = np.zeros(len(self.table.parents), dtype=bool)
        mask[np.where(parents == NO_PARENT, docs, parents)] = True
        mask[[host for item, host in self.hosts.items() if item in docnums]] = True
        mask[list(self.alone & docnums)] = True
        return mask

    def row_of(self, docnum: int) -> int | None:
        """The row a matched document is shown in (None: in none, filtered out)."""
        if docnum in self.alone:
            return docnum
        row = self.hosts.get(docnum)
        if row is None:
            row = self.table.entry_of(docnum)
        return row if row in self.entries else None

    def within(self, section: str) -> Found:
        """The rows in `section`: those whose entry is in it, and its checklist items that were
        folded into a pattern of another section (there, they stand as rows of their own)."""
        sections = self.table.sections
        own = {e: s for e, s in self.own.items() if sections[e] == section}
        hosts = {}
        for item, host in self.hosts.items():
            if sections[host] == section:
                hosts[item] = host
            elif sections[item] == section:
                own[item] = self.scored[item]
        return Found(self.table, self.scored, own, {e: s for e, s in self.inside.items() if sections[e] == section},
                     hosts, self.alone)

    def sub_hits(self, entries: list[int], limit: int = SUB_HITS) -> dict[int, list[tuple[int, float]]]:
        """For each of `entries`, its best `limit` matches inside it as (document, score), best
        first (ties in document order). Only the parts of the rows shown are looked into, not
        every match: a common word matches 28,000 documents at 50,000 entries."""
        parts_of, scored = self.table.parts_of, self.scored
        inside: dict[int, list[tuple[float, int]]] = {e: [] for e in entries}
        for entry in entries:
            if entry in self.alone:
                continue  # a part that is a row of its own has no parts
            inside[entry] = [(scored[d], d) for d in parts_of(entry) if d in scored and d not in self.alone]
        for item, host in self.hosts.items():  # checklist items folded into the rows shown
            if host in inside:
                inside[host].append((scored[item], item))
        return {e: [(d, s) for s, d in sorted(found, key=lambda m: (-m[0], m[1]))[:limit]]
                for e, found in inside.items()}


def is_part(table: DocTable, docnum: int) -> bool:
    """Whether the document is part of an entry (a snippet, a named part) rather than an entry."""
    return table.parents[docnum] != NO_PARENT


def rows(table: DocTable, scored: dict[int, float], kinds: frozenset[str] | None = None, *,
         fold: bool = True) -> Found:
    """The result rows of the scored documents.

    Every entry of one of `kinds` (None: any), with its parts folded in and (when `fold`: the
    query has words to match) the checklist items illustrating it; an item no matching pattern
    illustrates stands as a row of its own. A part of one of `kinds` whose entry is of none
    (`kind:snippet`) is a row of its own, as the user asked for it. Worked out with NumPy over
    the table's columns: a common word matches 70,000 documents at 50,000 entries, which took
    15 ms a document at a time.
    """
    columns = table.columns
    docs = np.fromiter(scored, dtype=np.intp, count=len(scored))
    values = np.fromiter(scored.values(), dtype=float, count=len(scored))
    parents = columns.parents[docs]
    is_part = parents != NO_PARENT
    entries = np.where(is_part, parents, docs)
    alone = np.zeros(len(docs), dtype=bool)
    if kinds is None:
        kept = np.ones(len(docs), dtype=bool)
    else:
        wanted = np.array([name in kinds for name in columns.kind_names], dtype=bool)
        kept = wanted[columns.kinds[entries]]
        alone = ~kept & is_part & wanted[columns.kinds[docs]]  # a part asked for by its kind is its own row
    illustrated = table.illustrated_by
    items = np.zeros(len(docs), dtype=bool)
    if fold and illustrated and CHECKLIST in columns.kind_names:  # folded below, once every pattern's row exists
        items = kept & (columns.kinds[docs] == columns.kind_names.index(CHECKLIST))
        items[items] = [bool(illustrated.get(item)) for item in docs[items].tolist()]
    own_rows, inside_rows = (kept & ~items & ~is_part) | alone, kept & ~items & is_part
    own = _scores_of(docs[own_rows], values[own_rows])
    inside = _best_of(entries[inside_rows], values[inside_rows])
    hosts: dict[int, int] = {}
    for item in docs[items].tolist():
        patterns = [p for p in illustrated[item] if p in own or p in inside]
        if patterns:
            host = hosts[item] = max(patterns, key=lambda p: (max(own.get(p, 0.0), inside.get(p, 0.0) * INSIDE_WEIGHT), -p))
            inside[host] = max(inside.get(host, 0.0), scored[item])
        else:
            own[item] = scored[item]
    return Found(table, scored, own, inside, hosts, frozenset(docs[alone].tolist()))


def _scores_of(docs: np.ndarray, values: np.ndarray) -> dict[int, float]:
    return dict(zip(docs.tolist(), values.tolist()))


def _best_of(entries: np.ndarray, values: np.ndarray) -> dict[int, float]:
    """Each entry's best value (an entry holds many matching parts): sorted by entry, then value,
    the last of each entry's run."""
    if not len(entries):
        return {}
    order = np.lexsort((values, entries))
    entries, values = entries[order], values[order]
    last = np.append(entries[1:] != entries[:-1], True)
    return _scores_of(entries[last], values[last])


def kind_counts(table: DocTable, scored: dict[int, float], section: str | None = None) -> dict[str, int]:
    """For each kind, how many rows `rows(table, scored, {kind})` gives in `section` (None: all):
    every matching part of that kind, and every entry of that kind holding a match. Counted with
    NumPy over the table's columns: 71,000 matching documents took 15 ms a document at a time."""
    columns = table.columns
    docs = np.fromiter(scored, dtype=np.intp, count=len(scored))
    parents = columns.parents[docs]
    is_part = parents != NO_PARENT
    # The entries holding a match, each once (a mask, not np.unique: that imports numpy.ma on its
    # first call, on a search thread, while the window's index job imports; searchers.py says why).
    holding = np.zeros(len(columns.parents), dtype=bool)
    holding[np.where(is_part, parents, docs)] = True
    parts, entries = docs[is_part], np.flatnonzero(holding)
    if section is not None:
        code = columns.section_code.get(section)
        if code is None:
            return {}
        parts = parts[columns.sections[parts] == code]
        entries = entries[columns.sections[entries] == code]
    counts = np.bincount(columns.kinds[parts], minlength=len(columns.kind_names))
    counts += np.bincount(columns.kinds[entries], minlength=len(columns.kind_names))
    return {name: int(n) for name, n in zip(columns.kind_names, counts) if n}


def section_counts(table: DocTable, found: Found) -> dict[str, int]:
    """How many rows `found.within(section)` gives for each section: its entries, and its items
    folded into a pattern elsewhere."""
    sections = table.sections
    counts = Counter(sections[entry] for entry in found)
    counts.update(sections[item] for item, host in found.hosts.items() if sections[item] != sections[host])
    return dict(counts)
