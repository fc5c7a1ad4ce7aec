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
from patternkb.kb.files import ENTRIES, FILES, GENERATION, MANIFEST, MARKER, POINTER, SECTIONS

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
    return names == set(FILES) and _holds_old_kb(directory)


# What every manifest patternkb ever wrote holds (schema version 1 on): enough to tell it from a
# user's own manifest.json, without validating against this version's models.
_MANIFEST_KEYS = {"schema_version", "builder_version", "guides", "counts"}


def _holds_old_kb(directory: Path) -> bool:
    """Whether `directory` holds a KB patternkb wrote, of any schema version: the three files
    as regular files, the manifest an object with a manifest's keys, the other two arrays."""
    parsed = {}
    for name in FILES:
        path = directory / name
        try:
            if path.is_symlink() or not path.is_file():
                return False
            parsed[name] = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return False
    manifest = parsed[MANIFEST]
    return (isinstance(manifest, dict) and _MANIFEST_KEYS <= manifest.keys()
            and isinstance(manifest["schema_version"], int)
            and all(isinstance(parsed[n], list) for n in (SECTIONS, ENTRIES)))


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


def _holds(generation: Path, files: dict[str, bytes]) -> bool:
    try:
        return not generation.is_symlink() and all((generation / n).read_bytes() == data
                                                   for n, data in files.items())
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
        elif keep is not None and name in FILES and entry.is_file():
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


def _stage(directory: Path, name: str, files: dict[str, bytes], check: Callable[[Path], None]) -> None:
    """Write the generation in a staging folder, check it reads back valid, then rename it in."""
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=directory))
    try:
        staging.chmod(0o755)  # mkdtemp's 0700 would make the KB private to its builder
        _write_new(staging / STAGING_MARKER, b"")  # first: a leftover of a kill is recognisable
        for file_name, data in files.items():
            _write_new(staging / file_name, data)
        check(staging)
        _fsync_dir(staging)
        generation = directory / name
        if generation.exists() or generation.is_symlink():
            # Same name, other bytes: a damaged copy of this very KB. Mark it, move it aside.
            if generation.is_dir() and not generation.is_symlink():
                (generation / STAGING_MARKER).touch()
            aside = directory / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
            os.rename(generation, aside)
            _remove(aside)
        os.rename(staging, generation)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    (generation / STAGING_MARKER).unlink(missing_ok=True)
    _fsync_dir(directory)


def publish(files: dict[str, bytes], name: str, out: Path, check: Callable[[Path], None]) -> Path:
    """Make `files` the live KB of `out` as generation `name`; returns the generation folder.

    `check` is called on the staging folder before anything is published (it raises to stop).
    Raises StoreError for a folder that is not ours and for any OSError, naming the path."""
    target = target_of(out)
    try:
        target.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise _os_error(exc, target) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        flat = _claim(target)
        return _publish_locked(target, files, name, check, flat)
    except OSError as exc:
        raise _os_error(exc, target) from None
    finally:
        os.close(fd)  # releases the lock


def _publish_locked(target: Path, files: dict[str, bytes], name: str, check: Callable[[Path], None],
                    flat: bool) -> Path:
    if not is_ours(target):
        _replace_file(target, MARKER, (json.dumps(MARKER_DATA, sort_keys=True) + "\n").encode())
    collect(target, keep=None)
    generation = target / name
    if _holds(generation, files):
        (generation / STAGING_MARKER).unlink(missing_ok=True)  # a kill right after its rename
    else:
        _stage(target, name, files, check)
    previous = _current(target)
    if previous != name:
        _replace_file(target, POINTER, f"{name}\n".encode())
    # Keep the generation just retired: a reader that resolved CURRENT a moment ago reads it
    # whole. Older ones go; a reader still on one of those starts again from CURRENT.
    collect(target, keep={name, previous or name})
    if flat:
        log.info("migrated %s from the flat layout", target)
    _collect_old_swaps(target)
    _fsync_dir(target)
    return generation


def _os_error(exc: OSError, fallback: Path) -> StoreError:
    where = exc.filename or fallback
    reason = exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))
    return StoreError(f"cannot write the KB: {reason}", file=where)
