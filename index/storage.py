"""Where the index lives and how it is swapped: generations under one directory, a CURRENT
pointer replaced atomically, a lock for writers, and checksums that catch corruption.

    <index dir>/
        CURRENT            name of the live generation (replaced with os.replace)
        .lock              flock'd by the one writer
        gen-<n>/           a complete Whoosh index, plus meta.json (checksums), links.json
                           (related links) and doctable.json (kinds, sections, guide order)
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from kb.errors import KBError

log = logging.getLogger(__name__)

INDEX_FORMAT = 4  # bump when the schema changes: an older index is then stale
META = "meta.json"  # small: format, KB fingerprint, checksums (read on every start)
LINKS = "links.json"  # related links and checklist back-links (large; read when first needed)
ENV_VAR = "PATTERNKB_INDEX_DIR"


class IndexError_(KBError):
    """An index that cannot be opened, built or locked."""


class IndexBusy(IndexError_):
    """Another process is rebuilding this index."""


class IndexCorrupt(IndexError_):
    """Files of the live generation do not match their checksums or cannot be read."""


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


def _file_digests(directory: Path) -> dict[str, str]:
    digests = {}
    for path in sorted(directory.iterdir()):
        if path.is_file() and path.name != META and not path.name.endswith(".lock"):
            with open(path, "rb") as fh:  # streamed: a 200 MB segment is never all in memory
                digests[path.name] = hashlib.file_digest(fh, "sha256").hexdigest()
    return digests


class IndexStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    @property
    def pointer(self) -> Path:
        return self.root / "CURRENT"

    def current_name(self) -> str | None:
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise IndexCorrupt(f"cannot read the index pointer: {exc.strerror}", file=self.pointer) from None
        except UnicodeDecodeError:
            raise IndexCorrupt("index pointer is garbage", file=self.pointer) from None
        if not name.startswith("gen-") or "/" in name:
            raise IndexCorrupt("index pointer is garbage", file=self.pointer)
        return name

    def current(self) -> Generation | None:
        """The live generation, unchecked (see `verify`), or None when there is none yet. Raises
        IndexCorrupt when its metadata cannot be read."""
        name = self.current_name()
        if name is None:
            return None
        path = self.root / name
        try:
            meta = json.loads((path / META).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise IndexCorrupt("live index generation is missing", file=path) from None
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(f"index metadata unreadable: {exc}", file=path / META) from None
        if not isinstance(meta, dict):
            raise IndexCorrupt("index metadata is not an object", file=path / META)
        return Generation(path=path, meta=meta)

    def verify(self, generation: Generation) -> None:
        """Raises IndexCorrupt unless every file of `generation` matches its checksum."""
        expected = generation.meta.get("files", {})
        actual = _file_digests(generation.path)
        if actual != expected:
            bad = sorted(set(expected) ^ set(actual) | {n for n in expected if actual.get(n) != expected[n]})
            raise IndexCorrupt(f"index files damaged: {', '.join(bad[:3])}", file=generation.path)

    @contextmanager
    def writer_lock(self, wait: float = 30.0):
        """Hold the writers' lock; a second writer waits up to `wait` seconds, then IndexBusy."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as fh:
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
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def new_generation(self) -> Path:
        """A fresh directory to build into (call with the writer lock held)."""
        numbers = [int(p.name[4:]) for p in self.root.glob("gen-*") if p.name[4:].isdigit()]
        path = self.root / f"gen-{max(numbers, default=0) + 1}"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def publish(self, generation: Path, meta: dict) -> None:
        """Seal a finished generation and make it live with one atomic rename."""
        meta = dict(meta, format=INDEX_FORMAT, files=_file_digests(generation))
        (generation / META).write_text(json.dumps(meta, sort_keys=True, indent=1), encoding="utf-8")
        tmp = self.root / f".CURRENT.{os.getpid()}"
        tmp.write_text(generation.name, encoding="utf-8")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, self.pointer)
        self._collect(keep=generation.name)

    def _collect(self, keep: str) -> None:
        # Old generations may still be open in a reader of this process; POSIX lets us unlink them.
        for path in self.root.glob("gen-*"):
            if path.name != keep:
                shutil.rmtree(path, ignore_errors=True)
