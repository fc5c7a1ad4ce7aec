"""A worker process writing one unit of a generation as a Whoosh segment (segments.py starts it):

    python -m patternkb.index.unit_writer <generation folder> <unit number> <parent pid>

It reads the unit's documents from `unit-<n>.tmp/docs.pickle` in the generation, says
`progress <n>` on stdout as it indexes, and ends with `done <pickled segment, hex>`; an OSError
(a full disk) ends it with `oserror <errno> <message>` and exit status 3.

A process of its own, started with the interpreter's `-m`, not a multiprocessing pool: a pool's
spawned workers run the parent's main script again, and a forked one would copy the window's
threads' locks and the whole KB.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path


def die_with_parent(parent: int) -> None:
    """A worker of a build killed mid-way must not write on."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the parent kills its workers when its build fails
    if os.getppid() != parent:  # the parent died before the line above
        sys.exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle


class _Progress:
    def put(self, n: int) -> None:
        print(f"progress {n}", flush=True)


def yield_to_the_window() -> None:
    """Run at a lower priority, WORKER_NICENESS, unless already as low (a worker started by a
    build process that lowered its own: not twice, which would leave it almost no time beside
    any other work). Two workers on two cores kept the window that started them (its event loop
    and the thread feeding them) waiting for a core for 50 to 380 ms at a time. Alone on the
    machine, a worker still gets all the idle time it can use."""
    try:
        below = WORKER_NICENESS - os.nice(0)
        if below > 0:
            os.nice(below)
    except (OSError, AttributeError):  # not allowed, or no such call on this system
        pass


WORKER_NICENESS = 10


def main(argv: list[str]) -> int:
    generation, number, parent = Path(argv[0]), int(argv[1]), int(argv[2])
    die_with_parent(parent)
    yield_to_the_window()
    from patternkb.index.segments import job_file, read_job, write_unit

    try:
        docs = read_job(job_file(generation, number))
        _, segment, _ = write_unit(str(generation), number, docs, _Progress())
    except OSError as exc:
        print(f"oserror {exc.errno or 0} {exc.strerror or exc}", flush=True)
        return 3
    print(f"done {segment.hex()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
