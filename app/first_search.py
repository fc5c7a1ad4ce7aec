"""The first search of a window started with a query (`patternkb gui --query Q`, as an editor
integration calls it), run in a child process forked before Qt is imported.

Qt and Whoosh each take about 0.1 s to import, and Python imports one module at a time, even
across threads. Forked first, the child imports Whoosh, opens the index and searches while the
parent imports Qt and builds the window: on two cores the first results are ready about when
the window is. Every later search runs in the window's thread pool, as usual.

Nothing here imports Qt, and the child never touches the parent's state: it writes one pickled
`SearchResult` to a pipe and exits. Whatever goes wrong in it (no fork on this platform, an index
that is missing, stale or damaged, a crash) the parent reads no result and searches as it
would have without it.
"""

from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path

from patternkb.index.results import SearchResult

log = logging.getLogger(__name__)

# What the window asks of every search: enough hits to scroll, fragments for the first screens.
GUI_LIMIT = 50
GUI_FRAGMENTS = 20  # rows beyond the first screen or two show their text's start, unmarked
ENV_OFF = "PATTERNKB_NO_FIRST_SEARCH"  # set to search in-process only (to measure without it)


class FirstSearch:
    """A search running in a child process; `result()` waits for it."""

    def __init__(self, query: str, pid: int, fd: int):
        self.query, self._pid, self._fd = query, pid, fd
        self._done = False
        self._status: int | None = None  # the child's wait status, once it has exited

    def ready(self) -> bool:
        """Whether the child has exited, so that `result()` returns at once. A child still
        writing an answer larger than the pipe holds exits only once it is read: not ready."""
        if self._done:
            return False
        if self._status is None:
            try:
                pid, status = os.waitpid(self._pid, os.WNOHANG)
            except ChildProcessError:
                return False
            if pid == 0:
                return False
            self._status = status
        return True

    def result(self) -> SearchResult | None:
        """The child's answer, or None when it has none. Blocks until the child exits; call it
        once, off the GUI thread unless `ready()`."""
        if self._done:
            return None
        self._done = True
        chunks = []
        try:
            with os.fdopen(self._fd, "rb") as pipe:
                while chunk := pipe.read(1 << 16):
                    chunks.append(chunk)
        finally:
            status = self._status if self._status is not None else os.waitpid(self._pid, 0)[1]
        if not chunks or os.waitstatus_to_exitcode(status) != 0:
            return None
        try:
            result = pickle.loads(b"".join(chunks))  # our own child, through our own pipe
        except Exception:  # a child killed mid-write: search again in-process
            log.debug("first search: unreadable answer", exc_info=True)
            return None
        return result if isinstance(result, SearchResult) else None


def start(kb_dir: Path, index_dir: Path | None, query: str) -> FirstSearch | None:
    """Fork a child that searches for `query`. Call before importing Qt (a process that has
    started Qt's threads must not fork). None where fork is unavailable or switched off."""
    if not query.strip() or not hasattr(os, "fork") or os.environ.get(ENV_OFF):
        return None
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        _search_and_exit(kb_dir, index_dir, query, write_fd)
    os.close(write_fd)
    return FirstSearch(query, pid, read_fd)


def _search_and_exit(kb_dir: Path, index_dir: Path | None, query: str, fd: int) -> None:
    code = 1
    try:
        from patternkb.index.engine import PatternIndex

        engine = PatternIndex(kb_dir=kb_dir, root=index_dir)
        if engine.status() == "current":  # otherwise the window rebuilds first
            from patternkb.index.query import explain_empty

            result = engine.search(query, limit=GUI_LIMIT, fragments=GUI_FRAGMENTS)
            data = pickle.dumps(explain_empty(engine, result, query))
            with os.fdopen(fd, "wb") as pipe:
                pipe.write(data)
            code = 0
    except BaseException:  # noqa: BLE001 - the parent searches again; the child must just exit
        pass
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers
