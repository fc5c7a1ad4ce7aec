"""Between processes: `index --rebuild` killed at random instants of its write leaves an index
that opens and no partial generation after the next writer; searches racing rebuilds never fail."""

from __future__ import annotations

import random
import signal
import subprocess

import pytest

from patternkb.index.engine import PatternIndex
from tests.index.index_safety_tools import (OVERLAPPED, SEARCHED, cli, finish_search_loop_counts,
                                            leftovers, loop_marks, rebuild_command, start_search_loops,
                                            traced_rebuild, write_own_kb)
from tests.kills import kill_during_writes

# Kills that must land while the rebuild writes, and the rebuilds allowed to get them.
KILLS, ATTEMPTS = 4, 40
SEED = random.randrange(1 << 30)
# Rebuilds racing the searches: at least REBUILDS, more (up to MAX_REBUILDS) until every search
# loop ran a search while they did.
REBUILDS, MAX_REBUILDS = 5, 40


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory):
    return write_own_kb(tmp_path_factory.mktemp("procs") / "kb")


def kill_at(command: list[str], delay: float) -> bool:
    """Run `command`, SIGKILL it after `delay` seconds; False when it had finished already.
    (The benchmark in tests/perf kills at instants of a whole run with it.)"""
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as proc:
        try:
            proc.wait(timeout=delay)  # the instant: it ends the wait early if the rebuild is done
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        assert proc.returncode == 0, proc.stderr.read()
        return False


def test_rebuild_killed_at_random_instants(kb_dir, tmp_path):
    """Each rebuild tells when it starts writing its generation; it is SIGKILLed at a random
    instant of the write's length (measured by one whole rebuild), shorter after a miss, until
    KILLS kills fell inside the write."""
    print(f"seed {SEED}")
    root = tmp_path / "ix"
    assert cli("index", "--kb", str(kb_dir), "--index-dir", str(root)).returncode == 0

    def check(where: str) -> None:
        engine = PatternIndex(kb_dir=kb_dir, root=root)
        assert engine.ensure() is None, where  # the old generation or the new one, whole: nothing to rebuild
        assert engine.search("mutex").hits, where
        engine.rebuild()  # the next writer sweeps what the killed one left
        assert leftovers(root) == [], where
        engine.close()

    landed, runs = kill_during_writes(lambda: traced_rebuild(kb_dir, root), check, seed=SEED, wanted=KILLS,
                                      attempts=ATTEMPTS)
    assert landed == KILLS, f"seed {SEED}: {landed} of {runs} kills landed while the rebuild wrote"


def test_searches_racing_rebuilds_never_fail(kb_dir, tmp_path):
    root = tmp_path / "ix"
    assert cli("index", "--kb", str(kb_dir), "--index-dir", str(root)).returncode == 0
    stop, rebuilding = tmp_path / "stop", tmp_path / "rebuilding"
    loops = start_search_loops(2, kb_dir, root, stop, minimum=20, rebuilding=rebuilding)
    try:
        for loop in loops:  # both search before the first rebuild starts
            assert SEARCHED in loop_marks(loop, wait_for=SEARCHED), loop.communicate()
        rebuilding.touch()
        rebuilds = 0
        # with the collector of old, 2 to 4 of ~2,000 searches failed
        while rebuilds < REBUILDS or (rebuilds < MAX_REBUILDS
                                      and not all(OVERLAPPED in loop_marks(loop) for loop in loops)):
            done = subprocess.run(rebuild_command(kb_dir, root), capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            rebuilds += 1
    finally:
        stop.touch()
    counts = finish_search_loop_counts(loops)
    assert [failed for _, failed, _, _ in counts] == [0, 0], [lines[:5] for *_, lines in counts]
    # every loop searched while the rebuilds ran (not only before or after them)
    assert all(overlapped >= 1 for _, _, overlapped, _ in counts), (rebuilds, counts)
    # the searchers let go of every old generation: the next writer removes them all
    assert cli("index", "--rebuild", "--kb", str(kb_dir), "--index-dir", str(root)).returncode == 0
    assert leftovers(root) == []
