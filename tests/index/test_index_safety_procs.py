"""Between processes: `index --rebuild` killed at random instants leaves an index that opens
and no partial generation after the next writer; searches racing rebuilds never fail."""

from __future__ import annotations

import random
import signal
import subprocess

import pytest

from index.engine import PatternIndex
from tests.index.index_safety_tools import (cli, finish_search_loops, leftovers, rebuild_command,
                                            start_search_loops, write_own_kb)

KILLS = 4
SEED = random.randrange(1 << 30)


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory):
    return write_own_kb(tmp_path_factory.mktemp("procs") / "kb")


def kill_at(command: list[str], delay: float) -> bool:
    """Run `command`, SIGKILL it after `delay` seconds; False when it had finished already."""
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
    root = tmp_path / "ix"
    assert cli("index", "--kb", str(kb_dir), "--index-dir", str(root)).returncode == 0
    rng = random.Random(SEED)
    killed = 0
    for attempt in range(KILLS):
        # From start-up (imports, KB load) to publishing: about 1.3 s here.
        delay = rng.uniform(0.2, 1.6)
        killed += kill_at(rebuild_command(kb_dir, root), delay)
        engine = PatternIndex(kb_dir=kb_dir, root=root)
        engine.ensure()
        assert engine.search("mutex").hits, f"seed {SEED}, kill {attempt} at {delay:.2f} s"
        engine.rebuild()  # the next writer sweeps what the killed one left
        assert leftovers(root) == [], f"seed {SEED}, kill {attempt} at {delay:.2f} s"
        engine.close()
    assert killed, f"seed {SEED}: every rebuild finished before its kill"


def test_searches_racing_rebuilds_never_fail(kb_dir, tmp_path):
    root = tmp_path / "ix"
    assert cli("index", "--kb", str(kb_dir), "--index-dir", str(root)).returncode == 0
    stop = tmp_path / "stop"
    loops = start_search_loops(2, kb_dir, root, stop, minimum=20)
    try:
        for _ in range(5):  # with the collector of old, 2 to 4 of ~2,000 searches failed
            done = subprocess.run(rebuild_command(kb_dir, root), capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
    finally:
        stop.touch()
    searches, failed, lines = finish_search_loops(loops)
    assert searches >= 60 and failed == 0, lines[:5]
    # the searchers let go of every old generation: the next writer removes them all
    assert cli("index", "--rebuild", "--kb", str(kb_dir), "--index-dir", str(root)).returncode == 0
    assert leftovers(root) == []
