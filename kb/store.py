"""The KB directory: deterministic JSON files, written atomically and read back validated."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

from pydantic import ValidationError

from kb.errors import StoreError
from kb.files import ENTRIES, FILES, MANIFEST, SECTIONS, digest, read_file
from kb.models import SCHEMA_VERSION, EntryList, KnowledgeBase, Manifest, SectionList

log = logging.getLogger(__name__)



def _dumps(data) -> bytes:
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def serialise(kb: KnowledgeBase) -> dict[str, bytes]:
    """The KB as file name -> bytes: sorted keys, entries in guide order, so builds diff cleanly."""
    return {
        MANIFEST: _dumps(kb.manifest.model_dump(mode="json")),
        SECTIONS: _dumps([s.model_dump(mode="json") for s in kb.sections]),
        ENTRIES: _dumps([e.model_dump(mode="json") for e in kb.entries]),
    }


def write_kb(kb: KnowledgeBase, out: Path) -> None:
    """Write the KB to `out`, atomically: a failure at any point leaves the previous KB as it was."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        staging.chmod(0o755)  # mkdtemp's 0700 would make the KB private to its builder
        for name, data in serialise(kb).items():
            with open(staging / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        load_kb(staging)  # what we swap in must read back valid
        _swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, out: Path) -> None:
    if not out.exists():
        os.replace(staging, out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    retired.rmdir()
    os.replace(out, retired)  # a directory cannot be renamed over a non-empty one: two renames
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(retired, out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _errors(exc: ValidationError, items: list | None) -> str:
    lines = []
    for err in exc.errors()[:5]:
        loc = list(err["loc"])
        where = ""
        if loc and isinstance(loc[0], int):
            index = loc.pop(0)
            if loc and isinstance(loc[0], str) and loc[0] in ("pattern", "checklist"):
                loc.pop(0)
            if items is not None and index < len(items) and isinstance(items[index], dict):
                where = f'entry "{items[index].get("id", index)}": '
            else:
                where = f"entry {index}: "
        field = ".".join(str(p) for p in loc) or "(value)"
        lines.append(f"{where}field {field}: {err['msg']}")
    more = len(exc.errors()) - 5
    return "; ".join(lines) + (f"; and {more} more" if more > 0 else "")


def load_kb(directory: Path) -> KnowledgeBase:
    directory = Path(directory)
    raw = {name: read_file(directory, name) for name in FILES}
    parsed = {}
    for name, data in raw.items():
        try:
            parsed[name] = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            line = getattr(exc, "lineno", None)
            raise StoreError(f"not valid JSON: {exc}", file=directory / name, line=line) from None
    try:
        manifest = Manifest.model_validate(parsed[MANIFEST])
    except ValidationError as exc:
        raise StoreError(_errors(exc, None), file=directory / MANIFEST) from None
    if manifest.schema_version != SCHEMA_VERSION:
        raise StoreError(f"schema version {manifest.schema_version}, this patternkb reads {SCHEMA_VERSION}: "
                         "rebuild with `patternkb build`", file=directory / MANIFEST)
    try:
        sections = SectionList.validate_json(raw[SECTIONS])
    except ValidationError as exc:
        raise StoreError(_errors(exc, parsed[SECTIONS] if isinstance(parsed[SECTIONS], list) else None),
                         file=directory / SECTIONS) from None
    try:
        entries = EntryList.validate_json(raw[ENTRIES])
    except ValidationError as exc:
        raise StoreError(_errors(exc, parsed[ENTRIES] if isinstance(parsed[ENTRIES], list) else None),
                         file=directory / ENTRIES) from None
    ids = [e.id for e in entries] + [s.id for s in sections]
    duplicates = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
    if duplicates:
        raise StoreError(f"duplicate ids: {', '.join(duplicates[:5])}", file=directory / ENTRIES)
    return KnowledgeBase(manifest=manifest, sections=sections, entries=entries, fingerprint=digest(raw))


def fingerprint(kb: KnowledgeBase) -> str:
    """sha256 of the KB's stored form: what an index records to know it is current."""
    return kb.fingerprint or digest(serialise(kb))


def stale_files(kb: KnowledgeBase, directory: Path) -> list[str]:
    """Names of the files in `directory` that differ from what `kb` would write (all if absent)."""
    stale = []
    for name, data in serialise(kb).items():
        try:
            current = (directory / name).read_bytes()
        except OSError:
            current = None
        if current != data:
            stale.append(name)
    return stale
