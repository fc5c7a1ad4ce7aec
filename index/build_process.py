"""Building the index of a KB folder in a process of its own (the window's builds):

    python -m patternkb.index.build_process <KB folder> <index folder> <parent pid> full|changed

Why: the build's own work (reading units, the doc table, related links) is Python that holds the
interpreter lock. In the window's process it made every call from Qt into Python (a paint, a
timer, a slot) wait for the lock, up to 5 ms a call: the window stalled 60 to 190 ms at a time
while indexing 10,000 entries. Apart, the window's job thread only reads what the build says.

The child says `progress <done> <total>` as it indexes and ends with `done <documents>
<generation> <documents written> <KB key>`. An error ends it with `error <JSON: kinds, message,
file, line>` and exit status 2: the parent raises the same kind of patternkb's errors (a damaged
KB, a busy or unwritable index) with the same words, any other as an IndexError_ naming it (its
traceback is on stderr, which the child shares with the parent). Other lines are ignored.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from patternkb.index.segments import NO_PROCESS
from patternkb.index.storage import GenerationGone, IndexBusy, IndexCorrupt, IndexError_
from patternkb.index.unit_writer import die_with_parent, yield_to_the_window
from patternkb.kb.errors import ForeignFolder, GuideError, KBError, StoreError

log = logging.getLogger(__name__)

# The errors a build raises on purpose, by name: what crosses from the child to the parent.
_KINDS: dict[str, type[KBError]] = {cls.__name__: cls for cls in (
    KBError, GuideError, StoreError, ForeignFolder, IndexError_, IndexBusy, IndexCorrupt, GenerationGone)}


@dataclass(frozen=True)
class Built:
    documents: int  # in the new generation
    generation: str  # its name
    written: int  # documents indexed (the others were linked from the live generation)
    kb_key: str  # the KB the generation was built from (kbkey.py)


def build_apart(kb_dir: Path, index_dir: Path, *, full: bool,
                progress: Callable[[int, int], None] | None = None) -> Built | None:
    """Build a generation of the index of the KB in `kb_dir` into `index_dir` (all of it when
    `full`, else only the units that changed: PatternIndex.rebuild) in a child process, and
    publish it. None when no process can be had (a sandbox, a full process table): the caller
    builds it itself. Raises what the build raised: StoreError, IndexError_ and their kinds."""
    # -P: the folder the window was started from is not searched for modules.
    command = [sys.executable, "-P", "-m", __name__, str(kb_dir), str(index_dir), str(os.getpid()),
               "full" if full else "changed"]
    try:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                                 encoding="utf-8", errors="replace")
    except OSError as exc:
        if exc.errno not in NO_PROCESS:
            raise
        log.info("building the index in this process: %s", exc)
        return None
    with child:
        try:
            word, rest = _follow(child.stdout, progress)
        except BaseException:  # a progress callback that raised, an interrupt: the build stops too
            child.kill()
            raise
    if child.returncode == 0 and word == "done":
        documents, generation, written, kb_key = rest.split()
        return Built(int(documents), generation, int(written), kb_key)
    if word == "error":
        raised = json.loads(rest)
        kind = next((_KINDS[name] for name in raised["kinds"] if name in _KINDS), IndexError_)
        raise kind(raised["message"], file=raised["file"], line=raised["line"])
    ended = f"signal {-child.returncode}" if child.returncode < 0 else f"status {child.returncode}"
    raise IndexError_(f"the index build ended with {ended} (its output is on stderr)", file=index_dir)


def _follow(lines, progress: Callable[[int, int], None] | None) -> tuple[str, str]:
    """Pass the child's progress on until it says `done` or `error`: (that word, the rest)."""
    for line in lines:
        word, _, rest = line.rstrip("\n").partition(" ")
        if word in ("done", "error"):
            for _ in lines:  # read to the end: the child is not left blocked on a full pipe
                pass
            return word, rest
        numbers = rest.split()
        if word == "progress" and progress is not None and len(numbers) == 2 and all(n.isdigit() for n in numbers):
            progress(int(numbers[0]), int(numbers[1]))
    return "", ""


def _say(*words) -> None:
    print(*words, flush=True)


def _error_line(exc: BaseException) -> str:
    """The `error` line for `exc`: its kinds from the most particular, so that the parent raises
    the nearest kind it knows."""
    if isinstance(exc, KBError):
        message, file, line = exc.message, exc.file, exc.line
    else:
        message, file, line = f"the index build failed: {type(exc).__name__}: {exc}", None, None
    kinds = [cls.__name__ for cls in type(exc).__mro__]
    return json.dumps(dict(kinds=kinds, message=message, file=file, line=line))


def main(argv: list[str]) -> int:
    kb_dir, index_dir, parent, scope = Path(argv[0]), Path(argv[1]), int(argv[2]), argv[3]
    die_with_parent(parent)
    yield_to_the_window()
    from patternkb.index.engine import PatternIndex

    index = None
    try:
        index = PatternIndex(root=index_dir, kb_dir=kb_dir)
        documents = index.rebuild(lambda done, total: _say("progress", done, total), full=scope == "full")
    except Exception as exc:  # said to the parent, which raises it; a bug's traceback goes to stderr too
        if not isinstance(exc, KBError):
            traceback.print_exc()
        _say("error", _error_line(exc))
        return 2
    finally:
        if index is not None:
            index.close()
    _say("done", documents, index.last_generation, index.last_written, index.fingerprint)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
