"""Relevance measured on a judged query set: Success@1, Success@3 and MRR, for our search and for
a naive baseline (plain BM25 over title and body: no code analysis, no fuzzing, no boosts)."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import OrGroup, QueryParser

from patternkb.kb.models import KnowledgeBase, Pattern


@dataclass(frozen=True)
class Judged:
    query: str
    kind: str
    right: frozenset[str]


@dataclass
class Report:
    success_at_1: float
    success_at_3: float
    mrr: float
    ranks: dict[str, int | None]  # query -> rank of the first right hit (1-based), None if absent

    def to_json(self) -> dict:
        return {"success@1": round(self.success_at_1, 3), "success@3": round(self.success_at_3, 3),
                "mrr": round(self.mrr, 3), "queries": len(self.ranks),
                "misses@1": sorted(q for q, r in self.ranks.items() if r != 1)}


def load_queries(path: Path) -> list[Judged]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Judged(q["query"], q.get("type", ""), frozenset(q["right"])) for q in data["queries"]]


def evaluate(queries: list[Judged], ranked_titles) -> Report:
    """`ranked_titles(query)` gives the titles of the hits, best first (a snippet as its pattern)."""
    ranks: dict[str, int | None] = {}
    for judged in queries:
        titles = ranked_titles(judged.query)
        ranks[judged.query] = next((i for i, t in enumerate(titles, 1) if t in judged.right), None)
    n = max(len(queries), 1)
    return Report(
        success_at_1=sum(r == 1 for r in ranks.values()) / n,
        success_at_3=sum(r is not None and r <= 3 for r in ranks.values()) / n,
        mrr=sum(1 / r for r in ranks.values() if r) / n,
        ranks=ranks,
    )


class Baseline:
    """Plain BM25 over one title field and one body field, words OR-ed: what a quick
    full-text search would give without any of our analysis."""

    def __init__(self, kb: KnowledgeBase):
        self._dir = tempfile.TemporaryDirectory(prefix="patternkb-baseline-")
        schema = Schema(title=TEXT(stored=True, analyzer=StandardAnalyzer()), body=TEXT(analyzer=StandardAnalyzer()),
                        id=ID(stored=True))
        self.index = whoosh_index.create_in(self._dir.name, schema)
        writer = self.index.writer()
        for entry in kb.entries:
            body = entry.text if isinstance(entry, Pattern) else entry.text
            if isinstance(entry, Pattern):
                body += "\n" + "\n".join(b.code for b in entry.code)
            writer.add_document(id=entry.id, title=entry.title, body=body)
        writer.commit()
        self.searcher = self.index.searcher()
        self.parser = QueryParser("body", self.index.schema, group=OrGroup)
        self.parser.add_plugin(__import__("whoosh.qparser", fromlist=["MultifieldPlugin"]).MultifieldPlugin(
            ["title", "body"]))

    def titles(self, query: str, limit: int = 10) -> list[str]:
        try:
            parsed = self.parser.parse(query)
            return [hit["title"] for hit in self.searcher.search(parsed, limit=limit)]
        except Exception:  # the baseline is allowed to fail on syntax; it then finds nothing
            return []

    def close(self) -> None:
        self.searcher.close()
        self.index.close()
        self._dir.cleanup()
