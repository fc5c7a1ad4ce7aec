"""A generation's Whoosh segments: one per unit of the KB (units.py), written by worker processes,
or linked unchanged from the previous generation when the unit's lines are the same.

Why a segment per unit: after a build that changed one guide only that guide's segments are
written again (the others are hard links to the live generation's files: no copy, no disk), and
the index is, document for document and segment for segment, the one a full rebuild makes:
same document numbers, same statistics, same scores. A full rebuild writes units on every core.
"""

from __future__ import annotations

import errno
import logging
import os
import pickle
import selectors
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

log = logging.getLogger(__name__)
T = TypeVar("T")

INDEX_NAME = "MAIN"
# Entries from which a lone unit to write goes to a worker, so that what the rest of a generation
# needs of the units' facts (builder.py) is made beside it: 2.6 s at 50,000 entries.
OVERLAP_FROM = 10_000
# Each worker's posting pool (Whoosh's estimate, well above what it takes): a unit's postings fit,
# so they are sorted in memory, not spilled to runs on disk and merged back. A unit of 5,300
# documents: 96 MB spilled twice, 9.7 s of CPU, 179 MB peak; 256 MB: 6.2 s, 206 MB.
WORKER_LIMIT_MB = 256


# --- writing one unit (here, or in a worker process: unit_writer.py) ----------------------------

def unit_folder(generation: Path, number: int) -> Path:
    return Path(generation) / f"unit-{number}.tmp"


def job_file(generation: Path, number: int) -> Path:
    """Where a worker finds the documents of unit `number` (pickled one after another: see
    write_job)."""
    return unit_folder(generation, number) / "docs.pickle"


def write_unit(generation: str, number: int, docs: list[dict], progress=None) -> tuple[int, bytes, list[str]]:
    """Write `docs` as one segment into the folder `generation`; returns (number, the pickled
    segment, its files). Built in a folder of its own, then its files moved in."""
    from whoosh import index as whoosh_index

    from patternkb.index.documents import make_schema

    folder = unit_folder(Path(generation), number) / "index"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ix = whoosh_index.create_in(str(folder), make_schema(), indexname=INDEX_NAME)
    writer = ix.writer(limitmb=WORKER_LIMIT_MB, compound=False)
    try:
        for n, doc in enumerate(docs, 1):
            writer.add_document(**doc)
            if progress is not None and n % 100 == 0:
                progress.put(100)
        if progress is not None and len(docs) % 100:
            progress.put(len(docs) % 100)
        writer.commit(merge=False)
    except BaseException:
        try:
            writer.cancel()
        except Exception:  # its own failure (the same full disk, a closed writer) must not hide the first
            log.debug("cancelling the index writer failed", exc_info=True)
        raise
    segment = TOC.read(FileStorage(str(folder)), INDEX_NAME).segments[0]
    prefix = segment.segment_id() + "."
    files = sorted(name for name in os.listdir(folder) if name.startswith(prefix))
    for name in files:
        os.replace(folder / name, Path(generation) / name)
    shutil.rmtree(folder.parent, ignore_errors=True)
    return number, pickle.dumps(segment), files


# --- the whole generation -------------------------------------------------------------------

def workers() -> int:
    """Worker processes for a build: the cores this process may use, at most 4 (each holds a
    unit's postings in memory)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


@dataclass
class Reused:
    """A unit whose segment the previous generation holds: its segment and files."""

    segment: object
    files: list[str]


def write_segments(path: Path, work: Iterator[tuple[int, Reused | list[dict], int]], previous: Path | None,
                   procs: int, progress: Callable[[int, int], None] | None, total: int,
                   meanwhile: Callable[[], T]) -> tuple[list, list[str], int, T]:
    """Write the units `work` yields — (number, its documents or a Reused unit, its entries) — and
    then the index's table of contents, segments in unit order. A Reused unit's files are linked
    from the generation folder `previous`. `progress(entries done, total)`. Once every unit is
    under way, `meanwhile()` runs here while workers write. Returns (segments, files linked,
    documents written, what `meanwhile` returned)."""
    segments: dict[int, object] = {}
    linked: list[str] = []
    done = 0.0
    written = 0

    def advance(n: float) -> None:
        nonlocal done
        done += n
        if progress:
            progress(min(int(done), total), total)

    running: list[_Worker] = []

    def write(number: int, docs: list[dict], per_doc: float, here: bool) -> None:
        # At most one unit per worker: the documents of the others are not made yet.
        while not here and len(running) >= procs:
            _wait(running, segments, advance)
        worker = None if here else _start(path, number, docs, per_doc)
        if worker is None:
            _, segment, _ = write_unit(str(path), number, docs, _Counter(lambda n: advance(n * per_doc)))
            segments[number] = pickle.loads(segment)
        else:
            running.append(worker)

    # A worker costs a start (an interpreter, Whoosh's imports): a lone unit to write is written
    # here, so the first one waits until a second shows there is more than one.
    pending: tuple[int, list[dict], float] | None = None
    try:
        for number, unit, entries in work:
            if isinstance(unit, Reused):
                _link(previous, path, unit.files)
                linked += unit.files
                segments[number] = unit.segment
                advance(entries)
                continue
            written += len(unit)
            job = (number, unit, entries / max(len(unit), 1))  # progress is in entries, workers count documents
            del unit
            if procs <= 1:
                write(*job, here=True)
                continue
            if pending is not None:
                write(*pending, here=False)
            pending = job
        if pending is not None:
            # A lone unit of a small KB is written here (a worker costs a start: an interpreter,
            # Whoosh's imports); of a large one, by a worker while `meanwhile` runs beside it.
            write(*pending, here=not running and total < OVERLAP_FROM)
        made = meanwhile()
        while running:
            _wait(running, segments, advance)
    except BaseException:
        for worker in running:
            worker.process.kill()
            worker.process.wait()
            worker.process.stdout.close()
        raise
    if progress and done < total:
        progress(total, total)
    ordered = [segments[n] for n in sorted(segments)]
    from patternkb.index.documents import make_schema

    TOC(make_schema(), ordered, 0).write(FileStorage(str(path)), INDEX_NAME)
    return ordered, linked, written, made


def _link(previous: Path, path: Path, names: list[str]) -> None:
    for name in names:
        try:
            os.link(previous / name, path / name)
        except OSError as exc:  # a file system without hard links: a copy, same bytes
            if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK):
                raise
            shutil.copyfile(previous / name, path / name)


class _Counter:
    """A progress queue for writing in this process: `put(n)` advances at once."""

    def __init__(self, advance: Callable[[int], None]):
        self.put = advance


@dataclass
class _Worker:
    number: int
    process: subprocess.Popen
    errors: Path
    per_doc: float  # entries per document, for progress


def write_job(file: Path, docs: list[dict]) -> None:
    """A unit's documents for its worker, pickled one at a time: pickling the list in one call
    held the GIL for 100 ms and more, which the window, indexing on its job thread, could not
    paint through."""
    with open(file, "wb") as fh:
        pickler = pickle.Pickler(fh, protocol=5)
        pickler.dump(len(docs))
        for doc in docs:
            pickler.dump(doc)


def read_job(file: Path) -> list[dict]:
    """The documents write_job wrote. Raises OSError when the file is cut short."""
    with open(file, "rb") as fh:
        unpickler = pickle.Unpickler(fh)
        try:
            return [unpickler.load() for _ in range(unpickler.load())]
        except (EOFError, pickle.UnpicklingError) as exc:
            raise OSError(f"{file} is cut short: {exc}") from None


def _start(path: Path, number: int, docs: list[dict], per_doc: float) -> _Worker | None:
    """A worker process writing unit `number`, or None when no process can be had (a sandbox, a
    full process table): the caller writes it itself."""
    folder = unit_folder(path, number)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    write_job(job_file(path, number), docs)
    errors = folder.parent / f"unit-{number}.err"  # a file: a pipe left unread could fill and block it
    try:
        with open(errors, "wb") as err:
            # -P: the folder the window was started from is not searched for modules.
            process = subprocess.Popen([sys.executable, "-P", "-m", "patternkb.index.unit_writer", str(path),
                                        str(number), str(os.getpid())], stdout=subprocess.PIPE, stderr=err,
                                       stdin=subprocess.DEVNULL, text=True)
    except OSError as exc:
        if exc.errno not in NO_PROCESS:
            raise
        log.info("writing the index in this process: %s", exc)
        errors.unlink(missing_ok=True)
        return None
    return _Worker(number, process, errors, per_doc)


NO_PROCESS = (errno.EAGAIN, errno.ENOMEM, errno.ENOSYS, errno.EPERM, errno.EACCES, errno.ENOENT)


def _wait(running: list[_Worker], segments: dict, advance: Callable[[int], None]) -> None:
    """Read what the workers say until one of them ends; take its segment, or raise its error."""
    with selectors.DefaultSelector() as selector:
        for worker in running:
            selector.register(worker.process.stdout, selectors.EVENT_READ, worker)
        while True:
            for key, _ in selector.select():
                worker = key.data
                line = worker.process.stdout.readline()
                if line.startswith("progress "):
                    advance(int(line.split()[1]) * worker.per_doc)
                    continue
                worker.process.stdout.close()
                status = worker.process.wait()
                running.remove(worker)
                if line.startswith("done ") and status == 0:
                    segments[worker.number] = pickle.loads(bytes.fromhex(line.split()[1]))
                    worker.errors.unlink(missing_ok=True)
                    return
                if line.startswith("oserror "):
                    _, code, message = line.rstrip("\n").split(" ", 2)
                    raise OSError(int(code), message)
                said = worker.errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()
                raise RuntimeError(f"the index worker for unit {worker.number} failed (status {status}): "
                                   f"{said[-1] if said else 'no message'}")


def segment_files(path: Path, segment) -> list[str]:
    """The files of `segment` in the generation folder `path`."""
    prefix = segment.segment_id() + "."
    return sorted(name for name in os.listdir(path) if name.startswith(prefix))
