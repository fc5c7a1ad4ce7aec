"""Search results as entries: a match inside an entry (a snippet or a named part of a pattern) is
folded into it as a sub-hit, and a matching checklist item into a matching pattern it
illustrates. An entry's score comes from its own fields and its best sub-hits, so a pattern whose
code answers the query ranks as the pattern, and one entry is never listed twice.

Documentation search groups hits under their page the same way (Algolia DocSearch's levels,
Google's sitelinks).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from patternkb.index.doctable import NO_PARENT, DocTable

SUB_HITS = 3  # sub-hits shown under an entry
# What a match inside an entry (a snippet, a part, an item it illustrates) counts for the entry,
# against a match of its own fields: the entry whose own title or text says it comes first, the
# one whose code says it close behind. Measured on the judged sets of every guide (README).
INSIDE_WEIGHT = 0.8
CHECKLIST = "checklist"


@dataclass
class Row:
    """One result row: an entry (by document number) and the documents matched inside it."""

    entry: int
    own: float | None = None  # the entry's own score, when its own fields matched
    members: list[tuple[float, int]] = field(default_factory=list)  # (score, document), folded in
    best_inside: float = 0.0  # the best member's score

    def add(self, score: float, docnum: int) -> None:
        self.members.append((score, docnum))
        if score > self.best_inside:
            self.best_inside = score

    @property
    def docs(self) -> list[int]:
        """Every matched document of the row: the entry (when it matched) and its members."""
        return ([self.entry] if self.own is not None else []) + [d for _, d in self.members]

    @property
    def score(self) -> float:
        """The entry's best match: its own, or the best inside it (weighed INSIDE_WEIGHT). Matches
        do not add up: an entry with many snippets saying a word is not more about it."""
        return max(self.own or 0.0, self.best_inside * INSIDE_WEIGHT)

    def sub_hits(self, limit: int = SUB_HITS) -> list[int]:
        """The best `limit` members, best first (ties in document order)."""
        return [d for _, d in sorted(self.members, key=lambda m: (-m[0], m[1]))[:limit]]


def is_part(table: DocTable, docnum: int) -> bool:
    """Whether the document is part of an entry (a snippet) rather than an entry."""
    return table.parents[docnum] != NO_PARENT


def rows(table: DocTable, scored: dict[int, float], kind: str | None = None, *, fold: bool = True) -> dict[int, Row]:
    """The result rows of the scored documents, by the entry's document number.

    No `kind`: every entry, with its parts and (when `fold`: the query has words to match) the
    checklist items illustrating it folded in; an item no matching pattern illustrates stands
    as a row of its own. A `kind` of entry
    ("pattern", "checklist", …): only entries of that kind, checklist items unfolded. A `kind`
    of part ("snippet"): those documents themselves, one row each, as the user asked for them.
    """
    out: dict[int, Row] = {}
    items: list[int] = []
    parents, kinds, illustrated = table.parents, table.kinds, table.illustrated_by
    fold_items = fold and kind is None
    for docnum, score in scored.items():  # every matching document: keep this loop lean
        parent = parents[docnum]
        entry = docnum if parent == NO_PARENT else parent
        if kind is not None:
            if parent != NO_PARENT and kinds[docnum] == kind:
                out[docnum] = Row(docnum, own=score)  # a part asked for by its kind is its own row
                continue
            if kinds[entry] != kind:
                continue
        if fold_items and kinds[docnum] == CHECKLIST and illustrated.get(docnum):
            items.append(docnum)  # folded below, once every pattern's row exists
            continue
        row = out.get(entry)
        if row is None:
            row = out[entry] = Row(entry)
        if docnum == entry:
            row.own = score
        else:
            row.add(score, docnum)
    for item in items:
        patterns = [p for p in illustrated[item] if p in out]
        if patterns:
            host = max(patterns, key=lambda p: (out[p].score, -p))
            out[host].add(scored[item], item)
        else:
            out[item] = Row(item, own=scored[item])
    return out


def kind_counts(table: DocTable, scored: dict[int, float], section: str | None = None) -> dict[str, int]:
    """For each kind, how many rows `rows(table, scored, kind)` gives in `section` (None: all)."""
    counted: Counter[str] = Counter()
    entries: set[int] = set()
    for docnum in scored:
        if is_part(table, docnum):
            if section is None or table.sections[docnum] == section:
                counted[table.kinds[docnum]] += 1
        entry = table.entry_of(docnum)
        if entry not in entries and (section is None or table.sections[entry] == section):
            entries.add(entry)
            counted[table.kinds[entry]] += 1
    return dict(counted)


def section_counts(table: DocTable, found: dict[int, Row]) -> dict[str, int]:
    """How many of the rows are in each section."""
    return dict(Counter(table.sections[entry] for entry in found))
