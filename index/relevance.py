"""Relevance measured on a judged query set: Success@1, Success@3, MRR and distinct entries in the
top 10, for our search and for a naive baseline (plain BM25 over title and body: no code
analysis, no fuzzing, no grouping, no boosts)."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldPlugin, OrGroup, QueryParser

from patternkb.kb.models import KnowledgeBase, Pattern

TOP = 10
DIVERSE = 8


def fold(text: str) -> str:
    """A title as judged: case, punctuation and spacing folded."""
    return " ".join(re.findall(r"\w+", text.casefold()))


@dataclass(frozen=True)
class Judged:
    query: str
    kind: str
    right: frozenset[str]  # folded titles


@dataclass(frozen=True)
class Ranked:
    """One result row as judged: the entry it stands for, and the titles it answers by (its
    own, its pattern's for a snippet, the headings it sits under)."""

    entry: str
    names: frozenset[str]  # folded


@dataclass(frozen=True)
class QuerySet:
    guide: str  # the guide's path under the corpora folder ("" for the bundled guide)
    also: tuple[str, ...]
    queries: list[Judged] = field(default_factory=list)


@dataclass
class Report:
    success_at_1: float
    success_at_3: float
    mrr: float
    distinct_in_top: float  # different entries among the first TOP rows, on average
    ranks: dict[str, int | None]  # query -> rank of the first right row (1-based), None if absent
    # Queries whose first TOP rows hold fewer than DIVERSE different entries (or, with fewer rows,
    # repeat one): one entry crowding out the others.
    crowded: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"success@1": round(self.success_at_1, 3), "success@3": round(self.success_at_3, 3),
                "mrr": round(self.mrr, 3), "distinct_in_top10": round(self.distinct_in_top, 2),
                "queries": len(self.ranks), "misses@1": sorted(q for q, r in self.ranks.items() if r != 1),
                "crowded": self.crowded}


def load_queries(path: Path) -> QuerySet:
    data = json.loads(path.read_text(encoding="utf-8"))
    queries = [Judged(q["query"], q.get("type", ""), frozenset(fold(r) for r in q["right"])) for q in data["queries"]]
    return QuerySet(data.get("guide", ""), tuple(data.get("also", ())), queries)


def evaluate(queries: Iterable[Judged], ranked: Callable[[str], list[Ranked]]) -> Report:
    """`ranked(query)` gives the first TOP rows, best first."""
    ranks: dict[str, int | None] = {}
    distinct: list[int] = []
    crowded: list[str] = []
    for judged in queries:
        rows = ranked(judged.query)[:TOP]
        ranks[judged.query] = next((i for i, row in enumerate(rows, 1) if row.names & judged.right), None)
        distinct.append(len({row.entry for row in rows}))
        if distinct[-1] < min(DIVERSE, len(rows)):
            crowded.append(judged.query)
    n = max(len(ranks), 1)
    return Report(
        success_at_1=sum(r == 1 for r in ranks.values()) / n,
        success_at_3=sum(r is not None and r <= 3 for r in ranks.values()) / n,
        mrr=sum(1 / r for r in ranks.values() if r) / n,
        distinct_in_top=sum(distinct) / n,
        ranks=ranks,
        crowded=crowded,
    )


def ranked_by(library, query: str) -> list[Ranked]:
    """Our search's rows as judged: a row answers by its title, by every heading above it, and by
    the named part (a sub-heading) shown first under it, one click away as a DocSearch hit is."""
    rows = []
    for hit in library.search(query).hits:
        names = {fold(hit.title), *(fold(p) for p in hit.path)}
        if hit.sub_hits and hit.sub_hits[0].kind == "part":
            names.add(fold(hit.sub_hits[0].title))
        rows.append(Ranked(hit.parent or hit.id, frozenset(names)))
    return rows


class Baseline:
    """Plain BM25 over one title field and one body field, words OR-ed: what a quick
    full-text search would give without any of our analysis."""

    def __init__(self, kb: KnowledgeBase):
        self._dir = tempfile.TemporaryDirectory(prefix="patternkb-baseline-")
        schema = Schema(title=TEXT(stored=True, analyzer=StandardAnalyzer()), body=TEXT(analyzer=StandardAnalyzer()),
                        id=ID(stored=True), path=ID(stored=True))
        self.index = whoosh_index.create_in(self._dir.name, schema)
        writer = self.index.writer()
        for entry in kb.entries:
            body = entry.text
            if isinstance(entry, Pattern):
                body += "\n" + "\n".join(b.code for b in entry.code)
            writer.add_document(id=entry.id, title=entry.title, body=body, path="\x1f".join(entry.path))
        writer.commit()
        self.searcher = self.index.searcher()
        self.parser = QueryParser("body", self.index.schema, group=OrGroup)
        self.parser.add_plugin(MultifieldPlugin(["title", "body"]))

    def ranked(self, query: str) -> list[Ranked]:
        try:
            hits = self.searcher.search(self.parser.parse(query), limit=TOP)
        except Exception:  # the baseline is allowed to fail on syntax; it then finds nothing
            return []
        return [Ranked(hit["id"], frozenset({fold(hit["title"]), *(fold(p) for p in hit["path"].split("\x1f"))}))
                for hit in hits]

    def close(self) -> None:
        self.searcher.close()
        self.index.close()
        self._dir.cleanup()
