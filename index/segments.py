"""A generation's Whoosh segments: the KB cut into units (a guide, or a slice of a large one), each
written as a segment of its own by worker processes, or linked unchanged from the previous
generation when its documents are the same.

Why units: a segment holds one unit's documents and nothing else, so after a build that changed
one guide only that guide's segments are written again (the others are hard links to the live
generation's files: no copy, no disk), and the index is, document for document and segment for
segment, the one a full rebuild makes: same document numbers, same statistics, same scores.
A full rebuild writes the units on every core at once.

A document's `order` (its place in the whole KB) is stored relative to its unit's first one, so
that an edit in one guide, which shifts the places of every later guide, does not make their
segments differ; the doc table (doctable.py) keeps the KB's order.
"""

from __future__ import annotations

import errno
import hashlib
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

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

log = logging.getLogger(__name__)

INDEX_NAME = "MAIN"
# At most this many documents in a unit. Each segment costs every search a lookup per term and a
# merge of term lists: at 3,000 entries, one segment answered a cold query in 11 ms, 27 segments
# in 32 ms. Large enough that a guide of 1,000 entries (about 5,300 documents) is one segment,
# small enough that two workers share even a one-guide KB.
UNIT_DOCS = 6_000
# Each worker's posting pool: a unit's postings fit, so they are sorted in memory, not in runs.
WORKER_LIMIT_MB = 96
# Bumped when what a unit's hash covers changes meaning.
UNIT_FORMAT = 1


@dataclass
class Unit:
    """Consecutive entries of one guide and their documents, with the hash of those documents."""

    guide: str
    first: int  # index in kb.entries of its first entry
    count: int  # entries
    docs: int  # documents
    key: str


def _stored(doc: dict, base: int) -> dict:
    return dict(doc, order=doc["order"] - base)


def unit_documents(kb, unit: Unit) -> list[dict]:
    """The documents of `unit` again (for writing it), each with its `defines`, in KB order."""
    from patternkb.kb.models import KnowledgeBase

    part = KnowledgeBase(manifest=kb.manifest, sections=kb.sections,
                         entries=kb.entries[unit.first:unit.first + unit.count])
    docs = [doc for _, docs in _by_entry(part) for doc in docs]
    if len(docs) != unit.docs:  # the KB changed under us: never write a unit unlike its record
        raise RuntimeError(f"unit of {unit.guide} made {len(docs)} documents, {unit.docs} before")
    return docs


def _by_entry(kb) -> Iterator[tuple[str, list[dict]]]:
    """Each entry's guide and documents (the entry's, then its snippets' and parts'), in KB order."""
    from patternkb.index.builder import defines_by_doc
    from patternkb.index.documents import documents

    defines = defines_by_doc(kb)
    current: list[dict] = []
    for doc in documents(kb):
        if not doc.get("parent") and current:  # an entry's own document starts the next entry
            yield current[0]["guide"], current
            current = []
        current.append(dict(doc, defines=defines.get(doc["id"], "")))
    if current:
        yield current[0]["guide"], current


def cut(kb) -> Iterator[tuple[Unit, list[dict]]]:
    """The KB's units in KB order, each with its documents (made one unit at a time, so that a
    caller holds one unit's documents at once, not the KB's)."""
    place = {entry.id: n for n, entry in enumerate(kb.entries)}
    guide = None
    docs: list[dict] = []
    last = ""  # the id of the unit's last entry

    def unit() -> tuple[Unit, list[dict]]:
        start = place[docs[0]["id"]]
        count = place[last] - start + 1
        base = docs[0]["order"] if docs else 0
        digest = hashlib.sha256(f"{UNIT_FORMAT}\0".encode())
        for doc in docs:
            # pickle, not JSON: five times faster, and as deterministic for the same documents
            # (the same code builds each dict, in the same key order).
            digest.update(pickle.dumps(_stored(doc, base), protocol=5))
        return Unit(guide=guide, first=start, count=count, docs=len(docs), key=digest.hexdigest()), docs

    # An entry and its snippets and parts stay in one unit (their document numbers follow it).
    for entry_guide, mine in _by_entry(kb):
        if docs and (entry_guide != guide or len(docs) + len(mine) > UNIT_DOCS):
            yield unit()
            docs = []
        guide, last = entry_guide, mine[0]["id"]
        docs += mine
    if docs:
        yield unit()


# --- writing one unit (here, or in a worker process: unit_writer.py) ----------------------------

def unit_folder(generation: Path, number: int) -> Path:
    return Path(generation) / f"unit-{number}.tmp"


def job_file(generation: Path, number: int) -> Path:
    """Where a worker finds the documents of unit `number` (pickled)."""
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
        base = docs[0]["order"] if docs else 0
        for n, doc in enumerate(docs, 1):
            writer.add_document(**_stored(doc, base))
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


def write_segments(path: Path, jobs: Iterator[tuple[int, list[dict]]], to_write: int,
                   reused: dict[int, Reused], previous: Path | None, procs: int,
                   progress: Callable[[int, int], None] | None) -> tuple[list, list[str]]:
    """Write the units `jobs` yields (number, documents) and link the `reused` ones from the
    generation folder `previous`; then write the index's table of contents, segments in unit
    order. Returns (segments, files linked). `to_write` documents in all, for `progress`."""
    segments: dict[int, object] = {}
    linked: list[str] = []
    for number, unit in reused.items():
        for name in unit.files:
            try:
                os.link(previous / name, path / name)
            except OSError as exc:  # a file system without hard links: a copy, same bytes
                if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK):
                    raise
                shutil.copyfile(previous / name, path / name)
            linked.append(name)
        segments[number] = unit.segment
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, to_write)

    if procs <= 1:
        for number, docs in jobs:
            _, segment, _ = write_unit(str(path), number, docs, _Counter(advance))
            segments[number] = pickle.loads(segment)
    else:
        _write_in_workers(path, jobs, procs, segments, advance)
    if progress and done < to_write:
        progress(to_write, to_write)
    ordered = [segments[n] for n in sorted(segments)]
    from patternkb.index.documents import make_schema

    TOC(make_schema(), ordered, 0).write(FileStorage(str(path)), INDEX_NAME)
    return ordered, linked


class _Counter:
    """A progress queue for writing in this process: `put(n)` advances at once."""

    def __init__(self, advance: Callable[[int], None]):
        self.put = advance


@dataclass
class _Worker:
    number: int
    process: subprocess.Popen
    errors: Path


def _start(path: Path, number: int, docs: list[dict]) -> _Worker:
    folder = unit_folder(path, number)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    with open(job_file(path, number), "wb") as fh:
        pickle.dump(docs, fh, protocol=5)
    errors = folder.parent / f"unit-{number}.err"  # a file: a pipe left unread could fill and block it
    with open(errors, "wb") as err:
        process = subprocess.Popen([sys.executable, "-m", "patternkb.index.unit_writer", str(path), str(number),
                                    str(os.getpid())], stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL,
                                   text=True)
    return _Worker(number, process, errors)


def _write_in_workers(path: Path, jobs, procs: int, segments: dict, advance: Callable[[int], None]) -> None:
    running: list[_Worker] = []
    try:
        for number, docs in jobs:
            # At most one unit per worker: the documents of the others are not made yet.
            while len(running) >= procs:
                _wait(running, segments, advance)
            try:
                running.append(_start(path, number, docs))
            except OSError as exc:
                if exc.errno not in _NO_PROCESS:
                    raise
                # No process to be had (a sandbox, a full process table): write it here.
                log.info("writing the index in this process: %s", exc)
                _, segment, _ = write_unit(str(path), number, docs, _Counter(advance))
                segments[number] = pickle.loads(segment)
            del docs
        while running:
            _wait(running, segments, advance)
    except BaseException:
        for worker in running:
            worker.process.kill()
            worker.process.wait()
            worker.process.stdout.close()
        raise


_NO_PROCESS = (errno.EAGAIN, errno.ENOMEM, errno.ENOSYS, errno.EPERM, errno.EACCES, errno.ENOENT)


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
                    advance(int(line.split()[1]))
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
