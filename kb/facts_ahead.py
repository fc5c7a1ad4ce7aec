"""Code facts of a guide's blocks, in order, computed ahead in worker processes when the guide is large."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sys
from collections.abc import Iterator

from patternkb.kb.code import CodeFacts, block_facts, split_snippets
from patternkb.kb.markdown import Fence

log = logging.getLogger(__name__)

# Lexing code with Pygments is most of a large guide's build (a 50 MB guide: about three
# quarters). From this many characters of code in one guide it is shared among worker processes;
# below it a process start (about 50 ms each) costs more than it saves.
PARALLEL_FROM = 2_000_000
MAX_WORKERS = 4
_CHUNK = 8  # blocks per task: fewer round trips, and still a fine-grained order


def _worker_start() -> None:
    """A worker dies with the build that started it (Linux's PR_SET_PDEATHSIG): a killed build
    leaves no worker behind."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _facts(job: tuple[str, str]) -> tuple[CodeFacts, list[CodeFacts]]:
    code, language = job
    return block_facts(code, language, split_snippets(code, language))


def _single_threaded() -> bool:
    """Whether this process runs one thread (Python's or any library's, as Qt's): a fork copies
    only the calling thread, and a lock another thread held would stay locked in the worker."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def _workers(size: int) -> int:
    cores = os.cpu_count() or 1
    if size < PARALLEL_FROM or cores < 2 or sys.platform != "linux" or not _single_threaded():
        return 0
    return min(cores, MAX_WORKERS) if "fork" in multiprocessing.get_all_start_methods() else 0


def facts_in_order(fences: list[Fence]) -> Iterator[tuple[CodeFacts, list[CodeFacts]]]:
    """`block_facts` of each fence (split as `split_snippets` splits it), in the fences' order.
    Forked workers need no import of the caller's script (a spawned one would run it again); in a
    process with other threads, or where no worker can be started, the facts are computed here."""
    jobs = [(fence.code, fence.language) for fence in fences]
    workers = _workers(sum(len(code) for code, _ in jobs))
    if workers:
        # Objects made so far are never collected in a worker: its garbage collector does not
        # touch (and so copy) the parent's pages.
        gc.freeze()
        try:
            pool = multiprocessing.get_context("fork").Pool(workers, initializer=_worker_start)
        except OSError as exc:  # no processes to be had: a full process table, no semaphores
            log.info("code facts computed in this process: %s", exc)
            workers = 0
        finally:
            gc.unfreeze()
    if not workers:
        yield from map(_facts, jobs)
        return
    with pool:
        yield from pool.imap(_facts, jobs, chunksize=_CHUNK)
