"""Benchmarks: index build time and search latency per query type, for the bundled KB and a
generated KB of 10,000 entries, with a reused searcher. Prints JSON; asserts nothing about time.

    make perf        (or: pytest tests/perf -s -o addopts="")
"""

from __future__ import annotations

import json
import statistics
import time

import pytest

from patternkb.index.engine import PatternIndex
from patternkb.kb.paths import BUNDLED_KB
from patternkb.kb.store import load_kb
from tests.perf.synthetic import synthetic_kb

QUERIES = {
    "word": ["mutex", "builder", "websocket", "lifetimes", "semaphore", "arena"],
    "two words": ["thread safety", "error handling", "memory pool", "rate limiting", "state machine"],
    "prefix as typed": ["m", "mu", "mut", "mute", "mutex", "b", "bu", "bui", "buil", "build"],
    "identifier": ["Arc<Mutex<T>>", "HashMap::new", "fetch_with_retry", "PooledObject", "ConfigBuilder"],
    "fuzzy": ["mutx thred", "bulder patern", "semaphor", "websokcet", "alocation"],
    "filter": ["kind:snippet mutex", "section:concurrency channel", "crate:tokio actor", "lang:toml serde"],
}
ROUNDS = 20


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _latencies(engine: PatternIndex) -> dict:
    """Warm: the same searcher answers every query many times (its term cache filled)."""
    for queries in QUERIES.values():  # warm the searcher and caches once
        for q in queries:
            engine.search(q)
    out = {}
    for kind, queries in QUERIES.items():
        times = []
        for _ in range(ROUNDS):
            for q in queries:
                started = time.perf_counter()
                engine.search(q, limit=20)
                times.append((time.perf_counter() - started) * 1000)
        out[kind] = {"p50_ms": round(statistics.median(times), 2), "p99_ms": round(_percentile(times, 0.99), 2),
                     "n": len(times)}
    return out


def _cold_latencies(kb, directory) -> dict:
    """Cold: every query is the first its searcher sees, so every term is read from disk."""
    out: dict = {}
    opens = []
    for kind, queries in QUERIES.items():
        times = []
        for q in queries:
            engine = PatternIndex(kb, directory)
            try:
                started = time.perf_counter()
                engine.search("")  # opens the searcher: reads the ranking columns
                opens.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                engine.search(q, limit=20)
                times.append((time.perf_counter() - started) * 1000)
            finally:
                engine.close()
        out[kind] = {"p50_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2), "n": len(times)}
    out["open searcher"] = {"p50_ms": round(statistics.median(opens), 2), "max_ms": round(max(opens), 2),
                            "n": len(opens)}
    return out


def _measure(kb, directory) -> dict:
    engine = PatternIndex(kb, directory)
    started = time.perf_counter()
    documents = engine.rebuild()
    build_s = time.perf_counter() - started
    try:
        return {"entries": len(kb.entries), "documents": documents, "index_build_s": round(build_s, 2),
                "search": _latencies(engine), "search, cold searcher": _cold_latencies(kb, directory)}
    finally:
        engine.close()


def test_bundled_kb(tmp_path):
    print("\n" + json.dumps({"benchmark": "search, bundled KB", **_measure(load_kb(BUNDLED_KB), tmp_path / "ix")},
                            indent=1))


@pytest.mark.slow
def test_10000_entries(tmp_path):
    print("\n" + json.dumps({"benchmark": "search, 10,000 entries", **_measure(synthetic_kb(10_000), tmp_path / "ix")},
                            indent=1))
