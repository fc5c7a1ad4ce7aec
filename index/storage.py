"""Where the index lives and how it is swapped: generations under one directory, a CURRENT
pointer replaced atomically, a lock for writers, locks readers hold on the generation they
use, and checksums that catch corruption.

    <index dir>/
        .patternkb-index   marker: this folder is ours to write in (nothing else is)
        CURRENT            name of the live generation (replaced with os.replace)
        .lock              flock'd by the one writer
        gen-<n>/           a complete Whoosh index, plus meta.json (checksums), links.jsonl
                           (related links), doctable.bin (kinds, sections, guide order) and
                           .reader.lock, which every reader of the generation holds shared
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from patternkb.index.ownership import GENERATION, META, not_a_legacy_index
from patternkb.kb.errors import KBError

log = logging.getLogger(__name__)

INDEX_FORMAT = 16  # bump when the schema changes: an older index is then stale
# Bump when the documents made of the same entries change, or what a unit's key covers or its
# facts mean: an index of another unit format is then stale, and rebuilt whole (units.py).
UNIT_FORMAT = 12
LINKS = "links.jsonl"  # related links and checklist back-links, a line each (large; read when first needed)
MARKER = ".patternkb-index"
READER_LOCK = ".reader.lock"
ENV_VAR = "PATTERNKB_INDEX_DIR"
_TRASH = ".trash-"


class IndexError_(KBError):
    """An index that cannot be opened, built or locked."""


class IndexBusy(IndexError_):
    """Another process is rebuilding this index."""


class IndexCorrupt(IndexError_):
    """Files of the live generation do not match their checksums or cannot be read."""


class GenerationGone(IndexError_):
    """The generation a reader was about to open was collected: read CURRENT again."""


def default_index_dir(kb_fingerprint: str) -> Path:
    """The user's cache directory, one index per KB fingerprint (several KBs never collide)."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir("patternkb", appauthor=False)) / "index" / kb_fingerprint[:16]


@dataclass(frozen=True)
class Generation:
    path: Path
    meta: dict


@dataclass
class GenerationHold:
    """A generation a reader uses: no writer deletes it until `release()` (or process exit)."""

    name: str
    path: Path
    meta: dict
    fd: int | None = field(default=None, repr=False)  # None: unlocked (a read-only legacy generation)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor drops the flock
            self.fd = None

    def __enter__(self) -> "GenerationHold":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _sealed_files(directory: Path) -> list[Path]:
    return [path for path in sorted(directory.iterdir())
            if path.is_file() and path.name != META and not path.name.endswith(".lock")]


def _file_digests(directory: Path, known: dict[str, str] | None = None) -> dict[str, str]:
    digests = {}
    for path in _sealed_files(directory):
        if known and path.name in known:
            digests[path.name] = known[path.name]
            continue
        with open(path, "rb") as fh:  # streamed: a 200 MB segment is never all in memory
            digests[path.name] = hashlib.file_digest(fh, "sha256").hexdigest()
    return digests


def _file_stats(directory: Path) -> dict[str, list[int]]:
    """Each sealed file's [size, mtime in ns]: any write to a file changes one of them."""
    return {path.name: [st.st_size, st.st_mtime_ns] for path in _sealed_files(directory)
            for st in [path.stat()]}


class IndexStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    @property
    def pointer(self) -> Path:
        return self.root / "CURRENT"

    def write_error(self, exc: OSError) -> IndexError_:
        """One line for a write that failed (full disk, read-only folder, file size limit)."""
        return IndexError_(f"cannot write the index: {exc.strerror or exc}", file=self.root)

    def current_name(self) -> str | None:
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise IndexCorrupt(f"cannot read the index pointer: {exc.strerror}", file=self.pointer) from None
        except UnicodeDecodeError:
            raise IndexCorrupt("index pointer is garbage", file=self.pointer) from None
        if not GENERATION.fullmatch(name):
            raise IndexCorrupt("index pointer is garbage", file=self.pointer)
        return name

    def current(self) -> Generation | None:
        """The live generation, unchecked (see `verify`), or None when there is none yet. Raises
        IndexCorrupt when its metadata cannot be read."""
        hold = self.hold_current()
        if hold is None:
            return None
        hold.release()
        return Generation(path=hold.path, meta=hold.meta)

    def hold_current(self, tries: int = 10) -> GenerationHold | None:
        """Hold the live generation (release it, or use it as a context manager), or None when
        there is no index yet. A generation collected between reading CURRENT and locking it is
        retried from CURRENT: a publish never fails a reader."""
        for _ in range(tries):
            name = self.current_name()
            if name is None:
                return None
            try:
                return self.hold(name)
            except GenerationGone:
                if self.current_name() == name:  # no publish in between: it is just missing
                    raise IndexCorrupt("live index generation is missing", file=self.root / name) from None
        raise IndexError_("the index kept changing while opening it; try again", file=self.root)

    def hold(self, name: str) -> GenerationHold:
        """Lock generation `name` shared, then check it is still the one on disk. Needs no write
        access: the lock file is opened read-only (flock works on any descriptor), and a
        generation without one (built before reader locks existed) is read unlocked."""
        path = self.root / name
        fd = None
        try:
            fd = os.open(path / READER_LOCK, os.O_RDONLY | os.O_CLOEXEC)
        except (FileNotFoundError, NotADirectoryError):
            if not path.is_dir():
                raise GenerationGone("generation was collected", file=path) from None
        except OSError as exc:
            log.debug("reading %s unlocked: %s", path, exc)
        if fd is not None:
            try:
                # Blocks only while a collector holds it exclusively: the instant of a rename.
                fcntl.flock(fd, fcntl.LOCK_SH)
                held, there = os.fstat(fd), os.stat(path / READER_LOCK)
                if (held.st_ino, held.st_dev) != (there.st_ino, there.st_dev):
                    raise FileNotFoundError(errno.ENOENT, "replaced")
            except OSError:
                os.close(fd)
                raise GenerationGone("generation was collected", file=path) from None
        try:
            meta = json.loads((path / META).read_text(encoding="utf-8"))
        except FileNotFoundError:
            if fd is not None:
                os.close(fd)
            if not path.is_dir():
                raise GenerationGone("generation was collected", file=path) from None
            raise IndexCorrupt("index metadata is missing", file=path / META) from None
        except (OSError, ValueError) as exc:
            if fd is not None:
                os.close(fd)
            raise IndexCorrupt(f"index metadata unreadable: {exc}", file=path / META) from None
        if not isinstance(meta, dict):
            if fd is not None:
                os.close(fd)
            raise IndexCorrupt("index metadata is not an object", file=path / META)
        return GenerationHold(name=name, path=path, meta=meta, fd=fd)

    def verify(self, generation: Generation | GenerationHold, *, full: bool = False) -> None:
        """Raises IndexCorrupt unless every file of `generation` matches its checksum.

        Checksumming reads every byte (over a gigabyte at 50,000 entries): unless `full`, files
        whose size and modification time are still those recorded when the generation was
        sealed are taken as sealed, as git's index trusts a file's stat data, and only a file
        that differs (a write, a truncation, a file replaced or missing) is checksummed. A
        change that keeps both (a disk's silent bit rot) is left to `full` (`patternkb check`)."""
        expected = generation.meta.get("files", {})
        stats = generation.meta.get("stats")
        try:
            if not full and isinstance(stats, dict) and stats.keys() == expected.keys():
                if _file_stats(generation.path) == stats:
                    return
            actual = _file_digests(generation.path)
        except OSError as exc:
            raise IndexCorrupt(f"index files unreadable: {exc.strerror or exc}", file=generation.path) from None
        if actual != expected:
            bad = sorted(set(expected) ^ set(actual) | {n for n in expected if actual.get(n) != expected[n]})
            raise IndexCorrupt(f"index files damaged: {', '.join(bad[:3])}", file=generation.path)

    # --- writing (every OSError becomes one line naming the folder) ------------------------

    def claim(self) -> None:
        """Make sure the root is ours to write in: it holds our marker, is empty or new (then
        it gets the marker), or holds only what an index of ours ever held. Anything else is
        refused, and nothing in it is touched."""
        root = self.root
        try:
            if not root.exists():
                root.mkdir(parents=True, exist_ok=True)
            elif not root.is_dir():
                raise IndexError_("not a folder: the index needs a folder of its own", file=root)
            names = os.listdir(root)
            if MARKER in names:
                return
            if names and (reason := not_a_legacy_index(root, names)):
                raise IndexError_(f"not a patternkb index folder ({reason}); "
                                  "refusing to write there: name an empty or new folder", file=root)
            (root / MARKER).write_text("patternkb index: this folder is rewritten by patternkb\n",
                                       encoding="utf-8")
        except OSError as exc:
            raise self.write_error(exc) from None

    @contextmanager
    def writer_lock(self, wait: float = 30.0):
        """Hold the writers' lock; a second writer waits up to `wait` seconds, then IndexBusy.
        Garbage (generations of killed builds, ones no reader holds any more) is collected."""
        self.claim()
        try:
            fh = open(self.root / ".lock", "a+")
        except OSError as exc:
            raise self.write_error(exc) from None
        with fh:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusy("another patternkb is rebuilding this index; try again when it "
                                        "has finished", file=self.root) from None
                    time.sleep(0.05)
            try:
                self.collect()
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def new_generation(self) -> Path:
        """A fresh directory to build into, with its reader lock (call with the writer lock held)."""
        numbers = [int(p.name[4:]) for p in self.root.glob("gen-*") if p.name[4:].isdigit()]
        path = self.root / f"gen-{max(numbers, default=0) + 1}"
        try:
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(parents=True)
            (path / READER_LOCK).touch()
        except OSError as exc:
            raise self.write_error(exc) from None
        return path

    def discard(self, generation: Path) -> None:
        """Remove a generation whose build failed, unless it went live (never raises)."""
        try:
            if self.current_name() == generation.name:
                return
        except IndexError_:
            pass
        shutil.rmtree(generation, ignore_errors=True)

    def publish(self, generation: Path, meta: dict, known: dict[str, str] | None = None) -> None:
        """Seal a finished generation and make it live with one atomic rename. `known`: the
        checksums of files linked from a verified generation (not read again)."""
        tmp = self.root / f".CURRENT.{os.getpid()}"
        try:
            meta = dict(meta, format=INDEX_FORMAT, files=_file_digests(generation, known or {}),
                        stats=_file_stats(generation))
            (generation / META).write_text(json.dumps(meta, sort_keys=True, indent=1), encoding="utf-8")
            tmp.write_text(generation.name, encoding="utf-8")
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, self.pointer)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise self.write_error(exc) from None
        self.collect()

    def collect(self) -> None:
        """Remove every generation that is not live and that no reader holds: old ones, and
        the partial ones of killed builds (call with the writer lock held; never raises)."""
        try:
            live = self.current_name()
            names = os.listdir(self.root)
        except (IndexError_, OSError):
            return  # a damaged pointer: keep everything until a build replaces it
        for name in names:
            path = self.root / name
            if name.startswith(_TRASH):
                shutil.rmtree(path, ignore_errors=True)  # a collector was killed mid-delete
            elif name.startswith(".CURRENT."):
                path.unlink(missing_ok=True)  # a publisher was killed before its rename
            elif GENERATION.fullmatch(name) and name != live:
                self._collect_one(path)

    def _collect_one(self, path: Path) -> None:
        try:
            fd = os.open(path / READER_LOCK, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            fd = None  # no lock file: a build killed before it made one, or an old generation
        try:
            if fd is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return  # a reader uses it: the next writer tries again
            # Renamed while locked: a reader that locks it after us finds its path gone.
            trash = self.root / f"{_TRASH}{path.name}.{os.getpid()}"
            os.rename(path, trash)
        except OSError as exc:
            log.debug("cannot collect %s: %s", path, exc)
            return
        finally:
            if fd is not None:
                os.close(fd)
        shutil.rmtree(trash, ignore_errors=True)
