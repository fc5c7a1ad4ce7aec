"""Figures for the KB store's crash and race safety: kills of `patternkb build` survived out of
50, and failed or mixed loads out of 100,000 concurrent with 100 builds. Prints JSON; asserts
only that the counts were taken.

    make perf        (or: pytest tests/perf/test_kb_safety_perf.py -s -o addopts="")
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

from patternkb.kb.build import build_kb
from patternkb.kb.errors import StoreError
from patternkb.kb.store import fingerprint, load_kb, write_kb
from tests.kb.kb_store_procs import _leftovers, guide_text

ROOT = Path(__file__).resolve().parents[2]
PATTERNKB = Path(sys.executable).parent / "patternkb"
KILLS = 50
LOADS, BUILDS = 100_000, 100


def _phase(out: Path, new_name: str) -> str:
    """Where the killed build was: by what it left (read before the next writer cleans up)."""
    names = {p.name for p in out.iterdir()}
    if (out / "CURRENT").read_text().strip() == new_name:
        return "published"
    if new_name in names:
        return "generation renamed in"
    if any(n.startswith(".staging-") for n in names):
        return "staging"
    return "before writing"


def test_build_kills_survived(tmp_path):
    """`patternkb build` of a 1,800-pattern guide over the KB of another version of it,
    SIGKILLed at a random instant of the last quarter of its run: start-up and parsing come
    first, the write is its last part."""
    guides = []
    for seed in (1, 2):
        guides.append(tmp_path / f"guide-{seed}.md")
        guides[-1].write_text(guide_text(seed, sections=30, patterns=60), encoding="utf-8")
    old, new = build_kb([guides[0]]), build_kb([guides[1]])
    names = {fingerprint(old): "old", fingerprint(new): "new"}
    new_name = f"kb-{fingerprint(new)[:16]}"
    out = tmp_path / "kb"
    write_kb(old, out)
    started = time.perf_counter()  # to choose kill instants only
    subprocess.run([PATTERNKB, "build", str(guides[1]), "--out", str(out)], check=True, capture_output=True)
    run_time = time.perf_counter() - started
    rng = random.Random(2024)
    survived, phases, outcomes, problems = 0, {}, {"old": 0, "new": 0}, []
    for attempt in range(KILLS):
        write_kb(old, out)
        proc = subprocess.Popen([PATTERNKB, "build", str(guides[1]), "--out", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rng.uniform(0.75, 1.05) * run_time)
            phase = "finished before the kill"
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            phase = _phase(out, new_name)
        phases[phase] = phases.get(phase, 0) + 1
        try:
            outcome = names.get(load_kb(out).fingerprint, "unknown")
        except StoreError as exc:
            outcome = f"failed: {exc}"
        write_kb(old, out)  # the next writer
        left = _leftovers(out)
        if outcome in ("old", "new") and not left:
            survived += 1
            outcomes[outcome] += 1
        else:
            problems.append({"attempt": attempt, "outcome": outcome, "leftovers": left})
    print("\n" + json.dumps({"benchmark": "kill -9 of patternkb build", "tries": KILLS, "survived": survived,
                             "loaded after the kill": outcomes, "where the kill landed": phases,
                             "run time s": round(run_time, 2), "problems": problems[:5]}, indent=2))
    assert survived + len(problems) == KILLS


def test_loads_concurrent_with_builds(tmp_path):
    """A writer process publishes three small KBs in turn, 100 times, one build each time this
    reader has done another 1,000 loads; every load is a full load_kb (snapshot read, JSON and
    pydantic validation, counts, ids, links, checksums) plus a check that its fingerprint is
    one of the three KBs'."""
    guides = []
    for seed in (1, 2, 3):
        guides.append(tmp_path / f"guide-{seed}.md")
        guides[-1].write_text(guide_text(seed), encoding="utf-8")
    out = tmp_path / "kb"
    writer = subprocess.Popen([sys.executable, "-m", "tests.kb.kb_store_procs", "writer", str(out), str(BUILDS),
                               "paced", *map(str, guides)], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    known = set(json.loads(writer.stdout.readline()))
    failures, mixes, seen, errors = 0, 0, {}, []
    started = time.perf_counter()
    for n in range(LOADS):
        if n % (LOADS // BUILDS) == 0:
            writer.stdin.write("b")
            writer.stdin.flush()
        try:
            kb = load_kb(out)
        except StoreError as exc:
            failures += 1
            errors.append(str(exc))
            continue
        if kb.fingerprint not in known:
            mixes += 1
        seen[kb.fingerprint] = seen.get(kb.fingerprint, 0) + 1
    elapsed = time.perf_counter() - started
    writer.stdin.close()
    assert writer.stdout.read().strip() == "done" and writer.wait() == 0
    writer.stdout.close()
    print("\n" + json.dumps({"benchmark": "load_kb concurrent with builds", "loads": LOADS, "builds": BUILDS,
                             "failed loads": failures, "mixed loads": mixes,
                             "distinct KBs loaded": len(seen), "seconds": round(elapsed, 1),
                             "errors": errors[:5]}, indent=2))
    assert sum(seen.values()) + failures == LOADS


def test_kills_before_every_file_system_call():
    """The exhaustive count: a writer SIGKILLed before each of its file-system calls in turn
    (tests/kb/kb_store_procs.py), over a KB of ours, a flat KB of earlier versions, an empty folder."""
    import tempfile

    figures = {}
    for scenario, before in (("ours", "old"), ("flat", "old"), ("empty", "none")):
        with tempfile.TemporaryDirectory() as work:
            old, new = Path(work) / "old.md", Path(work) / "new.md"
            old.write_text(guide_text(1), encoding="utf-8")
            new.write_text(guide_text(2), encoding="utf-8")
            (Path(work) / "w").mkdir()
            done = subprocess.run([sys.executable, "-m", "tests.kb.kb_store_procs", "kills", scenario,
                                   str(Path(work) / "w"), str(old), str(new)], cwd=ROOT, capture_output=True,
                                  text=True, check=True)
        kills = [json.loads(line) for line in done.stdout.splitlines() if json.loads(line).get("killed")]
        survived = sum(k["after_kill"] in (before, "new") and k["after_next_build"] == "old" and not k["leftovers"]
                       for k in kills)
        figures[scenario] = {"kill points": len(kills), "survived": survived}
    print("\n" + json.dumps({"benchmark": "SIGKILL before each file-system call of a publish", **figures}, indent=2))
    assert all(f["kill points"] > 20 for f in figures.values())
