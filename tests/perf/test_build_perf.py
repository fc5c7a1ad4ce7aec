"""Benchmark: KB build time for the bundled guide, and `patternkb build` (streaming) of a 20 MB
guide. Run with `make perf`; prints JSON and asserts nothing about time. The issue's larger and
hostile guides: `python -m tests.perf.guide_scale`."""

import json
import statistics
import time

from patternkb.kb.build import build_into, build_kb
from patternkb.kb.paths import BUNDLED_GUIDE


def _timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def test_build_times(tmp_path):
    bundled = _timed(lambda: build_kb([BUNDLED_GUIDE]), 5)
    text = BUNDLED_GUIDE.read_text(encoding="utf-8")
    big = tmp_path / "big.md"
    big.write_text(text * (20_000_000 // len(text.encode()) + 1), encoding="utf-8")
    large = _timed(lambda: build_into([big], tmp_path / "kb"), 1)
    print(json.dumps({
        "benchmark": "kb build",
        "bundled_guide_s": {"median": round(statistics.median(bundled), 3), "min": round(min(bundled), 3)},
        "guide_20mb_streamed_s": round(large[0], 2),
        "guide_20mb_bytes": big.stat().st_size,
    }))
