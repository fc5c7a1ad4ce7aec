"""Relevance on the bundled guide's judged query set, with the naive baseline beside it in the report."""

import json
from pathlib import Path

from patternkb.index.relevance import Baseline, evaluate, load_queries, ranked_by

QUERIES = Path(__file__).with_name("queries.json")


def test_relevance_meets_targets(bundled_index, capsys):
    queries = load_queries(QUERIES).queries
    assert len(queries) >= 40
    ours = evaluate(queries, lambda q: ranked_by(bundled_index, q))
    baseline = Baseline(bundled_index.kb)
    try:
        naive = evaluate(queries, baseline.ranked)
    finally:
        baseline.close()
    report = {"patternkb": ours.to_json(), "baseline_bm25": naive.to_json()}
    with capsys.disabled():
        print("\nrelevance:", json.dumps(report, indent=1))
    assert ours.success_at_1 >= 0.90, report
    assert ours.success_at_3 >= 0.97, report
    assert ours.mrr >= 0.93, report
    assert not ours.crowded, report  # the top 10 hold 8 different entries, unless fewer match
