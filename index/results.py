"""What a search returns: the hits, each with the fragment to show, and the facets. Plain data,
importable (and picklable) without Whoosh or the KB's models."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchHit:
    id: str
    kind: str
    title: str
    path: str
    section: str
    score: float
    fragment: str  # HTML-escaped text with the matched terms in <b>…</b>
    parent: str | None
    anchor: str | None = None

    def to_json(self) -> dict:
        return dict(id=self.id, kind=self.kind, title=self.title, path=self.path, section=self.section,
                    score=round(self.score, 4), fragment=self.fragment, parent=self.parent)


@dataclass(frozen=True)
class SearchResult:
    query: str
    corrected: str | None
    total: int
    facets: dict[str, dict[str, int]]
    hits: list[SearchHit]
    elapsed_ms: float = 0.0
    terms: tuple[str, ...] = ()  # what to highlight in the entry view
    unknown_filters: tuple[str, ...] = ()  # of a search that found nothing: see patternkb.index.query.unknown_filters

    def to_json(self) -> dict:
        return dict(query=self.query, corrected=self.corrected, total=self.total, facets=self.facets,
                    hits=[h.to_json() for h in self.hits])
