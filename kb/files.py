"""The files of a KB directory, read as one snapshot of its live generation, and the fingerprint
of their bytes: what an index records to know it is current, computed without loading (or
validating) the KB.

A KB directory holds a marker file, a pointer file CURRENT naming the live generation, and
generation folders `kb-<16 hex>` that are never changed once published (kb/publish.py writes
them). A folder holding the three files directly is the flat layout of earlier versions: it
reads as before.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from patternkb.kb.errors import StoreError

MANIFEST = "manifest.json"
SECTIONS = "sections.json"
ENTRIES = "entries.jsonl"
FILES = (MANIFEST, SECTIONS, ENTRIES)
# Earlier versions kept every entry in one JSON array, entries.json (schema version 3 and before).
OLD_ENTRIES = "entries.json"
FLAT_FILES = (MANIFEST, SECTIONS, OLD_ENTRIES)

MARKER = ".patternkb-kb"
POINTER = "CURRENT"
GENERATION = re.compile(r"kb-[0-9a-f]{16}")

# A reader that finds a file gone lost a race with a writer that collected its generation:
# it starts again from CURRENT. Several publishes in a row are needed to make it lose twice.
_ATTEMPTS = 8
# A generation can vanish while CURRENT still names it only while a writer replaces a damaged
# generation by a good one of the same name (two renames, microseconds apart): wait that out.
_SAME_NAME_WAITS = (0.005, 0.02, 0.08)


def live_dir(directory: Path) -> Path:
    """The folder that holds the KB's files now: the generation CURRENT names, or `directory`
    itself when it has no CURRENT (the flat layout, or a generation or staging folder)."""
    directory = Path(directory)
    try:
        raw = (directory / POINTER).read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return directory
    except OSError as exc:
        raise StoreError(f"cannot read {POINTER}: {exc.strerror}", file=directory) from None
    name = raw.decode("ascii", "replace").strip()
    if not GENERATION.fullmatch(name):
        # A pointer is read only by name, never joined unchecked: it cannot lead outside the KB.
        raise StoreError(f"{POINTER} does not name a KB generation: rebuild with `patternkb build`",
                         file=directory)
    return directory / name


def _missing(directory: Path, live: Path, name: str) -> StoreError:
    if not directory.exists():
        return StoreError("no KB here (run `patternkb build`)", file=directory)
    if name == ENTRIES and (live / OLD_ENTRIES).exists():
        return StoreError(f"written by an earlier patternkb ({OLD_ENTRIES}): rebuild with `patternkb build`",
                          file=live)
    if live == directory and (directory / MARKER).exists():
        return StoreError("no KB here yet: its first build did not finish (run `patternkb build`)",
                          file=directory)
    name = next((n for n in FILES if not (live / n).exists()), name)  # the first one missing
    where = name if live == directory else f"{live.name}/{name}"
    return StoreError(f"KB incomplete: {where} is missing", file=directory)


def open_snapshot(directory: Path) -> tuple[Path, dict[str, bytes], BinaryIO]:
    """The live folder, the bytes of its manifest and sections, and its entries file open for
    reading: all from one generation, even when writers publish and collect meanwhile (an open
    file stays readable after its generation is collected). The caller closes the file.
    Raises StoreError."""
    directory = Path(directory)
    waits = list(_SAME_NAME_WAITS)
    for attempt in range(_ATTEMPTS):
        live = live_dir(directory)
        files: dict[str, bytes] = {}
        name = ENTRIES
        try:
            # The entries file first: once it is open, the generation's other files are read
            # from the same folder; if they are gone, a writer collected it: start again.
            # Read 256 KB at a time: a read per line lets go of the GIL and takes it back so
            # often that a window's thread, waiting for it, starves (for 100 ms and more).
            entries = open(live / ENTRIES, "rb", buffering=1 << 18)
            try:
                for name in (MANIFEST, SECTIONS):
                    files[name] = (live / name).read_bytes()
            except BaseException:
                entries.close()
                raise
            return live, files, entries
        except (FileNotFoundError, NotADirectoryError):
            last_try = attempt == _ATTEMPTS - 1
            now = live_dir(directory)
            if not last_try and now != live:
                continue  # a writer published meanwhile: read the new generation whole
            if not last_try and now != directory and waits:
                time.sleep(waits.pop(0))
                continue
            raise _missing(directory, live, name) from None
        except IsADirectoryError:
            raise StoreError(f"cannot read {name}: it is a directory", file=live) from None
        except OSError as exc:
            raise StoreError(f"cannot read {name}: {exc.strerror}", file=live) from None
    raise AssertionError("unreachable")  # the last attempt returns or raises


def read_snapshot(directory: Path) -> tuple[Path, dict[str, bytes]]:
    """The live folder and the bytes of its three files, all from one generation. Raises StoreError.
    (Reads the whole entries file: `open_snapshot` streams it.)"""
    live, files, entries = open_snapshot(directory)
    with entries:
        try:
            files[ENTRIES] = entries.read()
        except OSError as exc:
            raise StoreError(f"cannot read {ENTRIES}: {exc.strerror}", file=live) from None
    return live, files


def read_files(directory: Path) -> dict[str, bytes]:
    """The bytes of the KB's three files, all from one generation. Raises StoreError."""
    return read_snapshot(directory)[1]


def check_present(directory: Path) -> None:
    """Raises StoreError, as reading would, when a file of the KB is missing or unreadable."""
    open_snapshot(directory)[2].close()


def text_lines(path: Path) -> Iterator[str]:
    """The lines of a UTF-8 text file, read a megabyte at a time: a read per line lets go of the
    GIL and takes it back so often that a window's thread, waiting for it, starves (`batched`)."""
    with open(path, encoding="utf-8") as fh:
        for lines in iter(lambda: fh.readlines(1 << 20), []):
            yield from lines


class batched:  # noqa: N801 - used like hashlib's constructors
    """A hashlib hash fed 256 KB at a time however small the pieces it is given: hashlib lets go
    of the GIL for each piece over 2 KB, and a thread taking it back for every line of a large
    file starves a window's thread waiting for it (for 100 ms and more)."""

    BATCH = 1 << 18

    def __init__(self, sha):
        self._sha, self._pending = sha, bytearray()

    def update(self, data: bytes) -> None:
        if not self._pending and len(data) >= self.BATCH:  # large already: no copy
            self._sha.update(data)
            return
        self._pending += data
        if len(self._pending) >= self.BATCH:
            self._flush()

    def hexdigest(self) -> str:
        self._flush()
        return self._sha.hexdigest()

    def _flush(self) -> None:
        self._sha.update(self._pending)
        self._pending.clear()


class Digest:
    """The KB's fingerprint: sha256 over each file's name and bytes, the entries first, so that
    a writer and a reader can hash them as they stream them (the manifest is written last)."""

    def __init__(self):
        import hashlib  # here: the window checks the files are there before its first paint, hashing later

        self._sha = batched(hashlib.sha256(ENTRIES.encode() + b"\0"))

    def update(self, entry_bytes: bytes) -> None:
        """More bytes of the entries file."""
        self._sha.update(entry_bytes)

    def finish(self, manifest: bytes, sections: bytes) -> str:
        for name, data in ((SECTIONS, sections), (MANIFEST, manifest)):
            self._sha.update(b"\0" + name.encode() + b"\0" + data)
        return self._sha.hexdigest()


def digest(files: dict[str, bytes]) -> str:
    """The fingerprint of the three files' bytes (see Digest)."""
    sha = Digest()
    sha.update(files[ENTRIES])
    return sha.finish(files[MANIFEST], files[SECTIONS])


def generation_name(fingerprint: str) -> str:
    """The folder a KB with this fingerprint is published in: the same KB, the same name."""
    return f"kb-{fingerprint[:16]}"


def fingerprint_of(directory: Path) -> str:
    """The fingerprint `load_kb(directory).fingerprint` would have. Raises StoreError."""
    return digest(read_files(directory))
