"""The KB store between processes: a writer killed with SIGKILL at any instant leaves a loadable
KB (the old or the new one) and the next writer leaves nothing behind; readers racing writers
never fail and never see a mix of two builds."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from patternkb.kb.build import build_kb
from patternkb.kb.errors import StoreError
from patternkb.kb.files import digest, read_files
from patternkb.kb.store import fingerprint, load_kb, write_kb
from tests.kb.kb_store_procs import _leftovers, guide_text
from tests.kills import kill_during_writes

ROOT = Path(__file__).resolve().parents[2]
PATTERNKB = Path(sys.executable).parent / "patternkb"


def _guides(tmp_path: Path, count: int, **size) -> list[Path]:
    paths = []
    for seed in range(1, count + 1):
        path = tmp_path / f"guide-{seed}.md"
        path.write_text(guide_text(seed, **size), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.parametrize("scenario, before", [("ours", "old"), ("flat", "earlier"), ("empty", "none")])
def test_a_kill_before_any_file_system_call_leaves_the_old_or_the_new_kb(tmp_path, scenario, before):
    """Over a KB of ours, a KB of the flat layout (migrated) and an empty folder."""
    old, new = _guides(tmp_path, 2)
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run([sys.executable, "-m", "tests.kb.kb_store_procs", "kills", scenario, str(work),
                           str(old), str(new)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    kills = [json.loads(line) for line in done.stdout.splitlines()]
    assert "writer failed" not in kills[-1], kills[-1]
    assert not kills[-1]["killed"] and kills[-1]["after_kill"] == "new"  # the last run completes
    assert len(kills) > 20 and all(k["killed"] for k in kills[:-1])
    for kill in kills:
        where = f"killed before call {kill['n']} ({kill['before']})"
        assert kill["after_kill"] in (before, "new"), where
        assert kill["after_next_build"] == "old" and kill["leftovers"] == [], where
    outcomes = [k["after_kill"] for k in kills]
    # The switch happens at one call, once: old before it, new from it on.
    assert outcomes == sorted(outcomes, key=lambda o: o == "new")
    assert outcomes.count("new") < len(outcomes) - 5


# Kills that must land while `patternkb build` writes, and the runs allowed to get them.
LANDED, ATTEMPTS = 5, 60
SEED = random.randrange(1 << 30)


def _traced_build(guide: Path, out: Path) -> subprocess.Popen:
    """`patternkb build` (tests/kb/kb_store_procs.py: the command's own code), printing WRITING
    when it starts to publish and WRITTEN when the publish returned."""
    return subprocess.Popen([sys.executable, "-m", "tests.kb.kb_store_procs", "build", str(guide), "--out", str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_builds_killed_at_random_instants(tmp_path):
    """`patternkb build` in a subprocess over a KB of another version of a generated guide,
    SIGKILLed at a random instant of its write (the child tells when it starts writing); runs
    go on, with shorter delays after a miss, until LANDED kills fell inside the write."""
    print(f"seed {SEED}")
    old_guide, new_guide = _guides(tmp_path, 2, sections=12, patterns=30)
    old, new = build_kb([old_guide]), build_kb([new_guide])
    names = {fingerprint(old): "old", fingerprint(new): "new"}
    out = tmp_path / "kb"

    def check(where: str) -> None:
        assert names[load_kb(out).fingerprint] in ("old", "new"), where
        write_kb(old, out)  # the next writer collects what the killed one left
        assert _leftovers(out) == [], where

    landed, runs = kill_during_writes(lambda: _traced_build(new_guide, out), check, seed=SEED, wanted=LANDED,
                                      attempts=ATTEMPTS, prepare=lambda: write_kb(old, out))
    assert landed == LANDED, f"seed {SEED}: {landed} of {runs} kills landed while the build wrote"


def test_readers_racing_builds_see_one_whole_kb(tmp_path):
    """One process publishes three KBs in turn (each publish collects a generation); this one
    loads in a loop meanwhile: every load is one of the three, whole."""
    guides = _guides(tmp_path, 3)
    out = tmp_path / "kb"
    writer = subprocess.Popen([sys.executable, "-m", "tests.kb.kb_store_procs", "writer", str(out), "100", "free",
                               *map(str, guides)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        known = set(json.loads(writer.stdout.readline()))
        loads, failures, mixes, seen = 0, [], 0, set()
        while writer.poll() is None:
            try:
                kb = load_kb(out)
                raw = digest(read_files(out))
            except StoreError as exc:
                failures.append(str(exc))
                continue
            loads += 1
            mixes += kb.fingerprint not in known or raw not in known
            seen.add(kb.fingerprint)
        assert writer.stdout.read().strip() == "done" and writer.returncode == 0
    finally:
        writer.kill()
        writer.wait()
        writer.stdout.close()
    assert failures == [] and mixes == 0
    assert loads > 0 and len(seen) >= 2  # the loads did overlap the publishes
