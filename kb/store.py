"""The KB directory: deterministic JSON files, published atomically (kb/publish.py) and read
back as one snapshot, validated down to its counts, checksums and ids."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from patternkb.kb.errors import StoreError
from patternkb.kb.files import (
    ENTRIES, FILES, MANIFEST, SECTIONS, digest, generation_name, read_snapshot,
)
from patternkb.kb.models import (
    SCHEMA_VERSION, Checksums, ChecklistItem, EntryList, KnowledgeBase, Manifest, SectionList,
)
from patternkb.kb.publish import publish

log = logging.getLogger(__name__)

__all__ = ["FILES", "fingerprint", "load_kb", "serialise", "stale_files", "write_kb"]


def _dumps(data) -> bytes:
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def serialise(kb: KnowledgeBase) -> dict[str, bytes]:
    """The KB as file name -> bytes: sorted keys, entries in guide order, so builds diff cleanly.
    The manifest records the checksums of the other two files."""
    sections = _dumps([s.model_dump(mode="json") for s in kb.sections])
    entries = _dumps([e.model_dump(mode="json") for e in kb.entries])
    manifest = kb.manifest.model_copy(
        update={"sha256": Checksums(sections=_sha256(sections), entries=_sha256(entries))})
    return {MANIFEST: _dumps(manifest.model_dump(mode="json")), SECTIONS: sections, ENTRIES: entries}


def write_kb(kb: KnowledgeBase, out: Path) -> Path:
    """Publish the KB in folder `out` (created if missing) and return its generation folder.

    Atomic: until the pointer is replaced readers see the previous KB, after it the new one;
    a failure or a kill at any point leaves the previous KB loadable. Refuses (StoreError, and
    nothing changed) a file, or a folder holding files patternkb did not write; an OSError
    while writing becomes a StoreError naming the path."""
    files = serialise(kb)
    return publish(files, generation_name(digest(files)), Path(out), load_kb)


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
    """The KB in `directory`, from one generation, validated. Raises StoreError naming the file."""
    live, raw = read_snapshot(Path(directory))
    parsed = {}
    for name, data in raw.items():
        try:
            parsed[name] = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            line = getattr(exc, "lineno", None)
            raise StoreError(f"not valid JSON: {exc}", file=live / name, line=line) from None
    try:
        manifest = Manifest.model_validate(parsed[MANIFEST])
    except ValidationError as exc:
        raise StoreError(_errors(exc, None), file=live / MANIFEST) from None
    if manifest.schema_version != SCHEMA_VERSION:
        raise StoreError(f"schema version {manifest.schema_version}, this patternkb reads {SCHEMA_VERSION}: "
                         "rebuild with `patternkb build`", file=live / MANIFEST)
    try:
        sections = SectionList.validate_json(raw[SECTIONS])
    except ValidationError as exc:
        raise StoreError(_errors(exc, parsed[SECTIONS] if isinstance(parsed[SECTIONS], list) else None),
                         file=live / SECTIONS) from None
    try:
        entries = EntryList.validate_json(raw[ENTRIES])
    except ValidationError as exc:
        raise StoreError(_errors(exc, parsed[ENTRIES] if isinstance(parsed[ENTRIES], list) else None),
                         file=live / ENTRIES) from None
    kb = KnowledgeBase(manifest=manifest, sections=sections, entries=entries, fingerprint=digest(raw))
    _check_consistent(kb, raw, live)
    return kb


def _check_consistent(kb: KnowledgeBase, raw: dict[str, bytes], live: Path) -> None:
    """What the models alone cannot see: the files agree with each other and with the manifest.
    The most specific finding comes first; the checksums catch any other change."""
    patterns = [e for e in kb.entries if e.kind == "pattern"]
    counts = kb.manifest.counts
    found = [
        (SECTIONS, "sections", counts.sections, sum(1 for s in kb.sections if s.role == "content")),
        (ENTRIES, "patterns", counts.patterns, len(patterns)),
        (ENTRIES, "code blocks", counts.code_blocks, sum(len(p.code) for p in patterns)),
        (ENTRIES, "snippets", counts.snippets, sum(len(p.snippets) for p in patterns)),
        (ENTRIES, "overviews", counts.overviews, sum(1 for e in kb.entries if e.kind == "overview")),
        (ENTRIES, "checklist items", counts.checklist_items,
         sum(1 for e in kb.entries if isinstance(e, ChecklistItem))),
    ]
    for name, what, said, held in found:
        if said != held:
            raise StoreError(f"manifest says {said} {what}, the file holds {held}", file=live / name)

    seen = Counter(s.id for s in kb.sections)
    seen.update(e.id for e in kb.entries)
    duplicates = sorted(i for i, n in seen.items() if n > 1)
    if duplicates:
        in_entries = not set(duplicates).isdisjoint(e.id for e in kb.entries)
        raise StoreError(f"duplicate ids: {', '.join(duplicates[:5])}", file=live / (ENTRIES if in_entries else SECTIONS))

    guides = {g.id for g in kb.manifest.guides}
    section_ids = {s.id for s in kb.sections}
    entry_ids = {e.id for e in kb.entries}
    for section in kb.sections:
        if section.guide not in guides:
            raise StoreError(f'section "{section.id}": guide {section.guide} is not in {MANIFEST}',
                             file=live / SECTIONS)
    for entry in kb.entries:
        if entry.guide not in guides:
            raise StoreError(f'entry "{entry.id}": guide {entry.guide} is not in {MANIFEST}', file=live / ENTRIES)
        if entry.section not in section_ids:
            raise StoreError(f'entry "{entry.id}": section {entry.section} is not in {SECTIONS}',
                             file=live / ENTRIES)
        for link in entry.links:
            if link not in entry_ids:
                raise StoreError(f'entry "{entry.id}": links to missing entry {link}', file=live / ENTRIES)

    recorded = kb.manifest.sha256
    if recorded is None:
        raise StoreError(f"records no checksums of {SECTIONS} and {ENTRIES}: rebuild with `patternkb build`",
                         file=live / MANIFEST)
    for name, expected in ((SECTIONS, recorded.sections), (ENTRIES, recorded.entries)):
        if _sha256(raw[name]) != expected:
            raise StoreError(f"sha256 differs from the one {MANIFEST} records (changed after the build): "
                             "rebuild with `patternkb build`", file=live / name)


def fingerprint(kb: KnowledgeBase) -> str:
    """sha256 of the KB's stored form: what an index records to know it is current."""
    return kb.fingerprint or digest(serialise(kb))


def stale_files(kb: KnowledgeBase, directory: Path) -> list[str]:
    """Names of the files of the live KB in `directory` that differ from what `kb` would write
    (all if there is none)."""
    try:
        current = read_snapshot(Path(directory))[1]
    except StoreError:
        current = {}
    return [name for name, data in serialise(kb).items() if current.get(name) != data]

