"""Killing a writer while it writes: shared by the KB's and the index's crash tests. The writer
is a child process that prints WRITING when it starts to write and WRITTEN once what it wrote is
live; a kill counts only when it lands between the two."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections.abc import Callable

WRITING, WRITTEN = "writing", "written"

Writer = Callable[[], subprocess.Popen]


def write_window(start: Writer) -> float:
    """Seconds between WRITING and WRITTEN in one whole run: where the kill instants are drawn
    from (only to choose them; nothing is asserted on a time)."""
    with start() as proc:
        assert proc.stdout.readline().strip() == WRITING, proc.stderr.read()
        started = time.perf_counter()
        assert proc.stdout.readline().strip() == WRITTEN, proc.stderr.read()
        window = time.perf_counter() - started
        assert proc.wait() == 0, proc.stderr.read()
    return window


def kill_while_writing(start: Writer, delay: float) -> bool:
    """Run a writer and SIGKILL it `delay` seconds after it starts to write: True when the kill
    landed before what it wrote went live, False when it finished first."""
    with start() as proc:
        assert proc.stdout.readline().strip() == WRITING, proc.stderr.read()
        try:
            proc.wait(timeout=delay)  # ends early when the writer finished first
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        rest = proc.stdout.read()
    if proc.returncode == -signal.SIGKILL and WRITTEN not in rest:
        return True
    assert proc.returncode in (0, -signal.SIGKILL), proc.returncode
    return False


def kill_during_writes(start: Writer, check: Callable[[str], None], *, seed: int, wanted: int, attempts: int,
                       prepare: Callable[[], None] = lambda: None) -> tuple[int, int]:
    """Kill writers at random instants of their write until `wanted` kills landed inside it or
    `attempts` runs were made; returns (landed, runs). The instants are drawn from the window one
    whole run measures, halved after a miss (a machine slower to kill than the write). Before
    each run `prepare()`; after it `check(where)`, which asserts what must hold after a kill."""
    prepare()
    window = write_window(start)
    rng = random.Random(seed)
    landed = runs = 0
    while landed < wanted and runs < attempts:
        runs += 1
        prepare()
        delay = rng.uniform(0, window)
        if kill_while_writing(start, delay):
            landed += 1
        else:
            window /= 2
        check(f"seed {seed}, run {runs}, killed {delay * 1000:.1f} ms into the write")
    return landed, runs
