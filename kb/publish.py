"""Publishing a KB into its directory: a generation folder named by content, made live by one
os.replace of the pointer file, under a lock; leftovers of killed builds are collected, and
nothing is replaced or removed that patternkb did not write.

Every instant of a publish leaves the directory readable as the previous KB or the new one:
the generation is complete (fsynced, validated) before its rename, and it is live only once
CURRENT names it. The directory itself is the lock (flock on its descriptor), so no lock file
shows up in it, and a leftover found while holding it belongs to a writer that died.
"""

from __future__ import annotations

import errno
import fcntl
import filecmp
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from patternkb.kb.errors import ForeignFolder, StoreError
from patternkb.kb.files import FLAT_FILES, GENERATION, MARKER, POINTER

log = logging.getLogger(__name__)

MARKER_DATA = {"patternkb": "kb", "layout": 2}
STAGING_PREFIX = ".staging-"
STAGING_MARKER = ".patternkb-staging"
TMP_PREFIX = ".patternkb-tmp-"


def _refuse(path: Path, why: str) -> ForeignFolder:
    return ForeignFolder(f"{why}; refusing to replace it (choose an empty or new folder)", file=path)


def is_ours(directory: Path) -> bool:
    """Whether `directory` carries the KB marker patternkb writes."""
    try:
        data = json.loads((directory / MARKER).read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("patternkb") == "kb"


def _is_flat_kb(names: set[str], directory: Path) -> bool:
    """The layout of earlier versions: the three files alone, as regular files, and their
    content a KB's (see `_holds_old_kb`)."""
    return names == set(FLAT_FILES) and _holds_old_kb(directory)


# What every manifest patternkb ever wrote holds (schema version 1 on): enough to tell it from a
# user's own manifest.json, without validating against this version's models.
_MANIFEST_KEYS = {"schema_version", "builder_version", "guides", "counts"}


def _holds_old_kb(directory: Path) -> bool:
    """Whether `directory` holds a KB patternkb wrote, of any schema version: the three files
    as regular files, the manifest an object with a manifest's keys, the other two arrays."""
    parsed = {}
    for name in FLAT_FILES:
        path = directory / name
        try:
            if path.is_symlink() or not path.is_file():
                return False
            parsed[name] = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return False
    manifest, sections, entries = (parsed[n] for n in FLAT_FILES)
    return (isinstance(manifest, dict) and _MANIFEST_KEYS <= manifest.keys()
            and isinstance(manifest["schema_version"], int)
            and isinstance(sections, list) and isinstance(entries, list))


def target_of(out: Path) -> Path:
    """The folder to publish in: `out`, or the folder a symlink at `out` leads to when that one is
    ours. Refuses a file, a dangling symlink or a symlink to a foreign folder; nothing is created."""
    out = Path(os.path.abspath(out))
    if out.is_symlink():
        target = out.resolve()
        if not target.is_dir():
            raise _refuse(out, f"is a symlink to {target}, which is not a KB folder")
        if not (is_ours(target) or _is_flat_kb({p.name for p in target.iterdir()}, target)):
            raise _refuse(out, f"is a symlink to {target}, which holds files patternkb did not write")
        return target
    if out.exists() and not out.is_dir():
        raise _refuse(out, "is a file, not a KB folder")
    return out


def _claim(directory: Path) -> bool:
    """Whether the folder is a KB of the flat layout (to migrate); raises when it is not ours.
    Called with the lock held, so two first builds into one new folder agree."""
    if is_ours(directory):
        return False
    # A writer killed while writing the marker leaves its temporary file, or the marker unfinished:
    # both are our names, and the folder still counts as empty (or as the flat KB it was).
    names = {p.name for p in directory.iterdir()
             if p.name != MARKER and not (p.name.startswith(TMP_PREFIX) and p.is_file())}
    if not names:
        return False
    if _is_flat_kb(names, directory):
        return True
    raise _refuse(directory, "holds files patternkb did not write")


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` (it must not exist), write, fsync: its bytes are on disk before any rename."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_file(directory: Path, name: str, data: bytes) -> None:
    """Replace directory/name by one os.replace of a fsynced temporary file."""
    tmp = directory / f"{TMP_PREFIX}{secrets.token_hex(6)}"
    try:
        _write_new(tmp, data)
        os.replace(tmp, directory / name)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(directory)


def _holds(generation: Path, staging: Path, names: list[str]) -> bool:
    """Whether `generation` holds the staged files, byte for byte."""
    try:
        return not generation.is_symlink() and all(filecmp.cmp(generation / n, staging / n, shallow=False)
                                                   for n in names)
    except OSError:
        return False


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def collect(directory: Path, *, keep: set[str] | None) -> list[str]:
    """Remove what killed writers left in a KB folder of ours: staging folders (they carry the
    staging marker, or are still empty) and temporary pointer files; with `keep`, also the
    generations not in it and the flat files of a migrated KB. Only our names are touched.
    Returns the names removed."""
    removed = []
    for entry in sorted(directory.iterdir()):
        name = entry.name
        if name.startswith(STAGING_PREFIX) and entry.is_dir() and not entry.is_symlink():
            if not (entry / STAGING_MARKER).exists() and any(entry.iterdir()):
                continue  # not ours after all: someone else's folder with a name like ours
        elif name.startswith(TMP_PREFIX) and entry.is_file():
            pass
        elif keep is not None and GENERATION.fullmatch(name) and name not in keep:
            pass
        elif keep is not None and name in FLAT_FILES and entry.is_file():
            pass  # only once CURRENT exists: the KB is read from a generation by then
        else:
            continue
        _remove(entry)
        removed.append(name)
    if removed:
        log.info("removed from %s: %s", directory, ", ".join(removed))
    return removed


def _collect_old_swaps(directory: Path) -> None:
    """Earlier versions staged beside the KB (`.NAME.new-*`, `.NAME.old-*`) and left such folders
    behind when killed. Remove those that hold a whole KB patternkb wrote, and nothing else."""
    pattern = re.compile(rf"\.{re.escape(directory.name)}\.(?:new|old)-[a-z0-9_]{{8}}")
    try:
        siblings = list(directory.parent.iterdir())
    except OSError:
        return
    for entry in siblings:
        if pattern.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
            try:
                ours = _is_flat_kb({p.name for p in entry.iterdir()}, entry)
            except OSError:
                continue
            if ours:
                shutil.rmtree(entry, ignore_errors=True)


def _current(directory: Path) -> str | None:
    try:
        name = (directory / POINTER).read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return name if GENERATION.fullmatch(name) else None


class Staging:
    """A generation being written into a KB folder, with the folder's lock held from the start
    (another writer's collection would remove a staging folder it does not hold the lock for).

        with Staging(out) as staging:
            staging.write(name, data)              # or staging.path / name, written by the caller
            generation = staging.publish(kb_name, check)

    Leaving without `publish` (an exception) removes the staging folder: nothing changes.
    Raises StoreError for a folder that is not ours and for any OSError, naming the path."""

    def __init__(self, out: Path):
        self.target = target_of(out)
        try:
            self.target.mkdir(parents=True, exist_ok=True)
            self._fd: int | None = os.open(self.target, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            raise _os_error(exc, self.target) from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            self._flat = _claim(self.target)
            if not is_ours(self.target):
                _replace_file(self.target, MARKER, (json.dumps(MARKER_DATA, sort_keys=True) + "\n").encode())
            collect(self.target, keep=None)
            self.path = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.target))
            self.path.chmod(0o755)  # mkdtemp's 0700 would make the KB private to its builder
            _write_new(self.path / STAGING_MARKER, b"")  # first: a leftover of a kill is recognisable
        except BaseException as exc:
            self.close()
            if isinstance(exc, OSError):
                raise _os_error(exc, self.target) from None
            raise

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def write(self, name: str, data: bytes) -> None:
        """Write file `name` of the generation (it must not exist yet), fsynced."""
        try:
            _write_new(self.path / name, data)
        except OSError as exc:
            raise _os_error(exc, self.path / name) from None

    def publish(self, name: str, check: Callable[[Path], None]) -> Path:
        """Make the staged files the live KB as generation `name`; returns the generation folder.
        `check` is called on the staging folder first (it raises to stop)."""
        try:
            return self._publish(name, check)
        except OSError as exc:
            raise _os_error(exc, self.target) from None

    def _publish(self, name: str, check: Callable[[Path], None]) -> Path:
        target, generation = self.target, self.target / name
        files = sorted(p.name for p in self.path.iterdir() if p.name != STAGING_MARKER)
        if _holds(generation, self.path, files):
            (generation / STAGING_MARKER).unlink(missing_ok=True)  # a kill right after its rename
        else:
            check(self.path)
            _fsync_dir(self.path)
            if generation.exists() or generation.is_symlink():
                # Same name, other bytes: a damaged copy of this very KB. Mark it, move it aside.
                if generation.is_dir() and not generation.is_symlink():
                    (generation / STAGING_MARKER).touch()
                aside = target / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
                os.rename(generation, aside)
                _remove(aside)
            os.rename(self.path, generation)
            (generation / STAGING_MARKER).unlink(missing_ok=True)
            _fsync_dir(target)
        previous = _current(target)
        if previous != name:
            _replace_file(target, POINTER, f"{name}\n".encode())
        # Keep the generation just retired: a reader that resolved CURRENT a moment ago reads it
        # whole. Older ones go (this staging folder too); a reader still on one of those starts
        # again from CURRENT.
        collect(target, keep={name, previous or name})
        if self._flat:
            log.info("migrated %s from the flat layout", target)
        _collect_old_swaps(target)
        _fsync_dir(target)
        return generation

    def close(self) -> None:
        """Remove the staging folder if it was not published, and release the lock."""
        if self._fd is None:
            return
        path = getattr(self, "path", None)
        if path is not None and path.exists():
            shutil.rmtree(path, ignore_errors=True)
        os.close(self._fd)  # releases the lock
        self._fd = None


def _os_error(exc: OSError, fallback: Path) -> StoreError:
    where = exc.filename or fallback
    reason = exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))
    return StoreError(f"cannot write the KB: {reason}", file=where)
