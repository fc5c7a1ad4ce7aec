"""Relevance on real guides nobody here wrote (../shared/corpora), each with its own judged query
set written before it was run (tests/relevance/corpora), and the naive baseline beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from patternkb.index.library import PatternLibrary
from patternkb.index.relevance import Baseline, evaluate, load_queries, ranked_by
from patternkb.kb.build import build_kb
from tests.shared_corpora import corpus

SETS = sorted(Path(__file__).with_name("corpora").glob("*.json"))
# Floors per guide layout, set from the measured figures (README) less a little: a change that
# loses more than that on any guide is a regression, whatever it gains elsewhere.
FLOORS = {
    "google-pyguide/pyguide.md": {"success_at_1": 0.70, "success_at_3": 0.78, "mrr": 0.75},
    "rust-api-guidelines": {"success_at_1": 0.74, "success_at_3": 0.82, "mrr": 0.80},
    "uber-go-guide/style.md": {"success_at_1": 0.73, "success_at_3": 0.80, "mrr": 0.77},
    "uber-go-guide/src": {"success_at_1": 0.80, "success_at_3": 0.87, "mrr": 0.84},
}


def _layouts() -> list:
    out = []
    for path in SETS:
        data = json.loads(path.read_text(encoding="utf-8"))
        out += [pytest.param(path, guide, id=guide) for guide in [data["guide"], *data.get("also", [])]]
    return out


def test_every_guide_has_a_judged_set_of_25_queries_or_more():
    assert len(SETS) >= 3
    for path in SETS:
        judged = load_queries(path)
        assert len(judged.queries) >= 25, path.name
        assert {q.kind for q in judged.queries} >= {"word", "words", "identifier", "typo", "question", "filter"}


@pytest.mark.parametrize(("queries", "guide"), _layouts())
def test_ranking_on_a_real_guide(queries: Path, guide: str, tmp_path, capsys):
    kb = build_kb([corpus(guide)])
    judged = load_queries(queries).queries
    with PatternLibrary.of(kb, tmp_path / "ix") as library:
        library.ensure()
        ours = evaluate(judged, lambda q: ranked_by(library, q))
    baseline = Baseline(kb)
    try:
        naive = evaluate(judged, baseline.ranked)
    finally:
        baseline.close()
    report = {"guide": guide, "patternkb": ours.to_json(), "baseline_bm25": naive.to_json()}
    with capsys.disabled():
        print("\nrelevance:", json.dumps(report))
    for measure, floor in FLOORS[guide].items():
        assert getattr(ours, measure) >= floor, (measure, report)
    assert not ours.crowded, report  # the top 10 hold 8 different entries, unless fewer match
