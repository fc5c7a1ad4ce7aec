"""Building the index of a KB folder in a process of its own (the window's builds):

    python -m patternkb.index.build_process <KB folder> <index folder> <parent pid> full|changed

Why: the build's own work (reading units, the doc table, related links) is Python that holds the
interpreter lock. In the window's process it made every call from Qt into Python (a paint, a
timer, a slot) wait for the lock, up to 5 ms a call: the window stalled 60 to 190 ms at a time
while indexing 10,000 entries. Apart, the window's job thread only reads what the build says.

The child says `progress <done> <total>` as it indexes and ends with `done <documents>
<generation> <documents written> <KB key>`. An error of patternkb's own (a damaged KB, a busy or
unwritable index) ends it with `error <JSON: kind, message, file, line>` and exit status 2, and
the parent raises the same kind with the same words.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
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
    command = [sys.executable, "-m", __name__, str(kb_dir), str(index_dir), str(os.getpid()),
               "full" if full else "changed"]
    # stderr to a file: a pipe nobody reads while the child writes a long traceback could block it.
    with tempfile.TemporaryFile() as errors:
        try:
            child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL,
                                     text=True, encoding="utf-8")
        except OSError as exc:
            if exc.errno not in NO_PROCESS:
                raise
            log.info("building the index in this process: %s", exc)
            return None
        with child:
            said = _follow(child.stdout, progress)
        if child.returncode == 0 and said[0] == "done":
            documents, generation, written, kb_key = said[1].split()
            return Built(int(documents), generation, int(written), kb_key)
        if child.returncode == 2 and said[0] == "error":
            raised = json.loads(said[1])
            raise _KINDS.get(raised["kind"], IndexError_)(raised["message"], file=raised["file"], line=raised["line"])
        errors.seek(0)
        last = [line for line in errors.read().decode("utf-8", "replace").splitlines() if line.strip()][-1:]
        ended = f"signal {-child.returncode}" if child.returncode < 0 else f"status {child.returncode}"
        raise IndexError_(f"the index build ended with {ended}" + (f": {last[0]}" if last else ""), file=index_dir)


def _follow(lines, progress: Callable[[int, int], None] | None) -> tuple[str, str]:
    """Pass the child's progress on; its last other line, as (word, the rest)."""
    last = ("", "")
    for line in lines:
        word, _, rest = line.rstrip("\n").partition(" ")
        if word == "progress":
            if progress is not None:
                done, total = rest.split()
                progress(int(done), int(total))
        else:
            last = (word, rest)
    return last


def _say(*words) -> None:
    print(*words, flush=True)


def main(argv: list[str]) -> int:
    kb_dir, index_dir, parent, scope = Path(argv[0]), Path(argv[1]), int(argv[2]), argv[3]
    die_with_parent(parent)
    yield_to_the_window()
    from patternkb.index.engine import PatternIndex

    index = PatternIndex(root=index_dir, kb_dir=kb_dir)
    try:
        documents = index.rebuild(lambda done, total: _say("progress", done, total), full=scope == "full")
        generation = index.store.current_name()
    except KBError as exc:
        _say("error", json.dumps(dict(kind=type(exc).__name__, message=exc.message, file=exc.file, line=exc.line)))
        return 2
    finally:
        index.close()
    _say("done", documents, generation, index.last_written, index.fingerprint)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
