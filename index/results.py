"""What a search returns: result rows (entries, each with its best sub-hits and a fragment to
show), the facets, and the spelling the search used or suggests. Plain data, importable (and
picklable) without Whoosh or the KB's models."""

from __future__ import annotations

from dataclasses import dataclass

BREADCRUMB_SEPARATOR = " › "
SUB_HIT_LABELS = {"snippet": "Code", "part": "Part", "checklist": "Checklist"}


@dataclass(frozen=True)
class SubHit:
    """A match inside an entry: one of its snippets, or a checklist item it illustrates."""

    id: str
    kind: str
    title: str
    anchor: str | None  # where in the entry it is (None: the entry's top)
    fragment: str  # HTML-escaped text with the matched terms in <b>…</b>
    score: float

    @property
    def label(self) -> str:
        """What the sub-hit is, as the window and the command line name it."""
        return SUB_HIT_LABELS.get(self.kind, self.kind.title())

    def to_json(self) -> dict:
        return dict(id=self.id, kind=self.kind, title=self.title, anchor=self.anchor, fragment=self.fragment)


@dataclass(frozen=True)
class SearchHit:
    """One result row: an entry (or, asked for by `kind:snippet`, a snippet)."""

    id: str
    kind: str
    title: str
    path: tuple[str, ...]  # where the entry is in its guide: section, …, its own title
    section: str
    score: float
    fragment: str  # HTML-escaped text with the matched terms in <b>…</b>
    parent: str | None  # the entry a snippet row belongs to
    anchor: str | None = None
    sub_hits: tuple[SubHit, ...] = ()
    focus: str | None = None  # where in the entry it matched best (None: its top), for opening it there

    @property
    def breadcrumb(self) -> str:
        return BREADCRUMB_SEPARATOR.join(self.path)

    def to_json(self) -> dict:
        return dict(id=self.id, kind=self.kind, title=self.title, path=list(self.path), breadcrumb=self.breadcrumb,
                    section=self.section, score=round(self.score, 4), fragment=self.fragment, parent=self.parent,
                    anchor=self.anchor, focus=self.focus, sub_hits=[s.to_json() for s in self.sub_hits])


@dataclass(frozen=True)
class SearchResult:
    query: str
    # Another spelling of the query: the one these results are for when `correction_applied`
    # (the query as typed found nothing), else a suggestion ("Did you mean …").
    corrected: str | None
    total: int  # result rows in all
    facets: dict[str, dict[str, int]]  # kind and section -> rows you get when you pick it
    hits: list[SearchHit]
    elapsed_ms: float = 0.0
    terms: tuple[str, ...] = ()  # what to highlight in the entry view
    unknown_filters: tuple[str, ...] = ()  # of a search that found nothing: see patternkb.index.query.unknown_filters
    correction_applied: bool = False
    all_kinds: int = 0  # result rows with no kind filter (the section filter still on): "All kinds (n)"
    # Result rows with no section filter (the kind filter still on): "All sections (n)". Not the sum
    # of the section counts: an item folded into a pattern of another section counts in both.
    all_sections: int = 0

    def to_json(self) -> dict:
        return dict(query=self.query, corrected=self.corrected, correction_applied=self.correction_applied,
                    total=self.total, all_kinds=self.all_kinds,
                    all_sections=self.all_sections, facets=self.facets, hits=[h.to_json() for h in self.hits])
