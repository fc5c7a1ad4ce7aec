"""Relevance on the judged query set, with the naive baseline beside it in the report."""

import json
from pathlib import Path

from patternkb.index.relevance import Baseline, evaluate, load_queries

QUERIES = Path(__file__).with_name("queries.json")


def _titles(engine, query: str) -> list[str]:
    titles = []
    for hit in engine.search(query, limit=10).hits:
        if hit.kind == "snippet" and hit.parent:
            titles.append(engine.kb.entry(hit.parent).title)
        else:
            titles.append(hit.title)
    return titles


def test_relevance_meets_targets(bundled_index, capsys):
    queries = load_queries(QUERIES)
    assert len(queries) >= 40
    ours = evaluate(queries, lambda q: _titles(bundled_index, q))
    baseline = Baseline(bundled_index.kb)
    try:
        naive = evaluate(queries, baseline.titles)
    finally:
        baseline.close()
    report = {"patternkb": ours.to_json(), "baseline_bm25": naive.to_json()}
    with capsys.disabled():
        print("\nrelevance:", json.dumps(report, indent=1))
    assert ours.success_at_1 >= 0.90, report
    assert ours.success_at_3 >= 0.97, report
    assert ours.mrr >= 0.93, report
