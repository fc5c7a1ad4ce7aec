"""Figures for the safety note: `index --rebuild` killed at 50 random instants, and searches
(each a fresh start of the `search` verb's code) racing 30 rebuilds. Prints JSON; on demand:

    pytest tests/perf/test_index_safety_perf.py -s -o addopts=""
"""

from __future__ import annotations

import json
import random
import subprocess

from patternkb.index.engine import PatternIndex
from tests.index.index_safety_tools import (cli, finish_search_loops, leftovers, rebuild_command,
                                            start_search_loops, write_own_kb)
from tests.index.test_index_safety_procs import kill_at

KILLS = 50
REBUILDS = 30
SEARCHES = 1000


def test_kills_survived(tmp_path):
    kb_dir = write_own_kb(tmp_path / "kb")
    root = tmp_path / "ix"
    assert cli("index", "--kb", str(kb_dir), "--index-dir", str(root)).returncode == 0
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    killed = survived = clean = 0
    problems = []
    for attempt in range(KILLS):
        delay = rng.uniform(0.2, 1.6)
        killed += kill_at(rebuild_command(kb_dir, root), delay)
        try:
            engine = PatternIndex(kb_dir=kb_dir, root=root)
            engine.ensure()
            if engine.search("mutex").hits and engine.related(engine.search("mutex").hits[0].id) is not None:
                survived += 1
            engine.rebuild()
            clean += leftovers(root) == []
            engine.close()
        except Exception as exc:
            problems.append(f"kill {attempt} at {delay:.2f} s: {type(exc).__name__}: {exc}")
    print(json.dumps(dict(benchmark="index --rebuild killed at random instants", seed=seed, tries=KILLS,
                          killed_before_finishing=killed, index_worked_after=survived,
                          no_partial_generation_after_next_writer=clean, problems=problems[:5])))
    assert survived == KILLS and clean == KILLS, problems


def test_searches_racing_rebuilds(tmp_path):
    kb_dir = write_own_kb(tmp_path / "kb")
    root = tmp_path / "ix"
    assert cli("index", "--kb", str(kb_dir), "--index-dir", str(root)).returncode == 0
    stop = tmp_path / "stop"
    # Through app.cli.main, as `patternkb search` runs, in two processes; each runs until the
    # rebuilds are over, and at least half the searches.
    loops = start_search_loops(2, kb_dir, root, stop, minimum=SEARCHES // 2, use_cli=True)
    rebuild_failures = []
    try:
        for _ in range(REBUILDS):
            done = subprocess.run(rebuild_command(kb_dir, root), capture_output=True, text=True, timeout=300)
            if done.returncode != 0:
                rebuild_failures.append(done.stderr.strip())
    finally:
        stop.touch()
    searches, failed, lines = finish_search_loops(loops, timeout=1200)
    print(json.dumps(dict(benchmark="searches racing rebuilds", rebuilds=REBUILDS, rebuilds_failed=len(rebuild_failures),
                          searches=searches, failed_searches=failed, failures=lines[:5])))
    assert failed == 0 and not rebuild_failures
