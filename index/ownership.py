"""Whether a folder is an index folder of ours: what a generation holds (Whoosh's files and ours),
and how an index written before the marker existed is recognised. Anything in doubt is not ours:
the collector would delete it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

META = "meta.json"  # small: format, KB fingerprint, checksums (read on every start)
GENERATION = re.compile(r"gen-\d+")
# What an index folder written before the marker existed holds: such a folder is ours too, if
# its files also look like ours (see `_not_a_legacy_index`).
_LEGACY = re.compile(r"CURRENT|\.lock|\.CURRENT\.\d+|gen-.*")
# What a generation of ours holds: Whoosh's files (index "MAIN"), ours, and Whoosh's temporary
# folder of a build that was killed (random names, .run and .ctmp).
_GENERATION_FILE = re.compile(r"_?MAIN_\w+(\.\w+)*|meta\.json|links\.jsonl?|doctable\.(json|bin)"
                              r"|facts-[0-9a-f]+\.json|spelling\.(bin|txt)|\.reader\.lock")
_WHOOSH_TEMP = "MAIN.tmp"
_WHOOSH_TEMP_FILE = re.compile(r"[0-9a-z]{28}\.(run|ctmp)")


def _is_index_meta(path: Path) -> bool:
    """Whether `path` is a regular file holding the metadata `IndexStore.publish` writes."""
    try:
        if not path.is_file() or path.is_symlink():
            return False
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and {"format", "kb_fingerprint", "files"} <= meta.keys()


def _foreign_entry(folder: Path, pattern: re.Pattern, temp_folder: bool = False) -> str | None:
    """The first entry of `folder` that is not a regular file named like `pattern` (nor, with
    `temp_folder`, Whoosh's temporary folder holding only its own files), else None."""
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if temp_folder and entry.name == _WHOOSH_TEMP and entry.is_dir(follow_symlinks=False):
            inner = _foreign_entry(folder / _WHOOSH_TEMP, _WHOOSH_TEMP_FILE)
            if inner:
                return f"{_WHOOSH_TEMP}/{inner}"
        elif not (pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)):
            return entry.name
    return None


def _not_a_generation(path: Path) -> str | None:
    """Why `path` is not a generation of ours (None when it is one): a real folder holding our
    metadata, or only Whoosh's and our files (a build that was killed before publishing)."""
    if path.is_symlink() or not path.is_dir():
        return "is not a folder"
    published = (path / META).exists()
    odd = _foreign_entry(path, _GENERATION_FILE, temp_folder=not published)
    if odd:
        return f"holds {odd!r}"
    if published and not _is_index_meta(path / META):
        return f"holds a {META} that is not index metadata"
    return None


def not_a_legacy_index(root: Path, names: list[str]) -> str | None:
    """Why `root`, a folder without our marker, is not an index written before the marker
    existed (None when it is one). It is ours only if every entry is named and shaped as ours,
    CURRENT names a generation with our metadata, and every generation is one of ours. Anything
    in doubt is refused: the collector would delete it."""
    foreign = sorted(n for n in names if not _LEGACY.fullmatch(n))
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        return f"it holds {foreign[0]!r}{more}"
    for name in sorted(names):
        path = root / name
        if name.startswith("gen-"):
            why = "is not an index generation" if not GENERATION.fullmatch(name) else _not_a_generation(path)
            if why:
                return f"its {name!r} {why}"
        elif path.is_symlink() or not path.is_file():
            return f"its {name!r} is not a file"
    try:
        live = (root / "CURRENT").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return "it holds no readable CURRENT naming an index generation"
    if not GENERATION.fullmatch(live) or live not in names or not _is_index_meta(root / live / META):
        return "its CURRENT names no index generation"
    return None
