"""The files of a KB directory, and the fingerprint of their bytes: what an index records to
know it is current, computed without loading (or validating) the KB."""

from __future__ import annotations

from pathlib import Path

from kb.errors import StoreError

MANIFEST = "manifest.json"
SECTIONS = "sections.json"
ENTRIES = "entries.json"
FILES = (MANIFEST, SECTIONS, ENTRIES)


def read_file(directory: Path, name: str) -> bytes:
    try:
        return (directory / name).read_bytes()
    except FileNotFoundError:
        if not directory.exists():
            raise StoreError("no KB here (run `patternkb build`)", file=directory) from None
        raise StoreError(f"KB incomplete: {name} is missing", file=directory) from None
    except OSError as exc:
        raise StoreError(f"cannot read {name}: {exc.strerror}", file=directory) from None


def check_present(directory: Path) -> None:
    """Raises StoreError, as reading would, when a file of the KB is missing or unreadable."""
    directory = Path(directory)
    for name in FILES:
        try:
            with open(directory / name, "rb"):
                pass
        except OSError:
            read_file(directory, name)  # the same error, with the same words


def read_files(directory: Path) -> dict[str, bytes]:
    directory = Path(directory)
    return {name: read_file(directory, name) for name in FILES}


def digest(files: dict[str, bytes]) -> str:
    """sha256 over the files' names and bytes, in a fixed order."""
    import hashlib  # here: the window checks the files are there before its first paint, hashing later

    sha = hashlib.sha256()
    for name in FILES:
        sha.update(name.encode() + b"\0" + files[name])
    return sha.hexdigest()


def fingerprint_of(directory: Path) -> str:
    """The fingerprint `load_kb(directory).fingerprint` would have. Raises StoreError."""
    return digest(read_files(directory))
