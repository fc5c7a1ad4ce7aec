"""The KB directory: deterministic files, published atomically (kb/publish.py), written and read
back entry by entry (entries.jsonl: one entry per line), validated down to counts, checksums and
ids.

An entry's `order` is its line in entries.jsonl: the field is not stored, so that a guide whose
entries did not change writes the same lines whatever the guides before it did (the index reuses
what it wrote for such lines, index/segments.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from patternkb.kb.collector import collector_paused
from patternkb.kb.errors import StoreError
from patternkb.kb.files import (
    ENTRIES, FILES, MANIFEST, SECTIONS, Digest, batched, generation_name, open_snapshot,
)
from patternkb.kb.models import (
    SCHEMA_VERSION, Checksums, Entry, KnowledgeBase, Manifest, Section, SectionList,
)
from patternkb.kb.publish import Staging

log = logging.getLogger(__name__)

__all__ = ["FILES", "KBReader", "KBWriter", "fingerprint", "load_kb", "serialise", "verify_kb", "write_kb"]

EntryModel = TypeAdapter(Entry)


def _dumps(data) -> bytes:
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry_line(entry) -> bytes:
    """One line of entries.jsonl: the entry's JSON, keys sorted, without its `order`."""
    return _line(entry.model_dump(mode="json", exclude={"order"}))


def _line(data: dict) -> bytes:
    return (json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _manifest_bytes(manifest: Manifest, guide_entries: Counter[str], sections: bytes, entries_sha: str) -> bytes:
    """The manifest as written: with each guide's number of entries and both files' checksums."""
    guides = [g.model_copy(update={"entries": guide_entries[g.id]}) for g in manifest.guides]
    manifest = manifest.model_copy(update={"guides": guides,
                                           "sha256": Checksums(sections=_sha256(sections), entries=entries_sha)})
    return _dumps(manifest.model_dump(mode="json"))


def _sections_bytes(sections: list[Section]) -> bytes:
    return _dumps([s.model_dump(mode="json") for s in sections])


def serialise(kb: KnowledgeBase) -> dict[str, bytes]:
    """The KB as file name -> bytes (in memory: for small KBs and tests). The manifest records
    the checksums of the other two files."""
    entries = b"".join(entry_line(e) for e in kb.entries)
    sections = _sections_bytes(kb.sections)
    manifest = _manifest_bytes(kb.manifest, Counter(e.guide for e in kb.entries), sections, _sha256(entries))
    return {MANIFEST: manifest, SECTIONS: sections, ENTRIES: entries}


class KBWriter:
    """A KB written entry by entry into a new generation of folder `out`, published at the end.

        with KBWriter(out) as writer:
            for entry in entries:        # validated models, in KB order
                writer.add(entry)
            generation = writer.publish(manifest, sections)

    Holds the folder's lock from the start (a second build waits). Atomic as `write_kb`: leaving
    without `publish` (an exception) removes what was staged, and nothing changes. Refuses
    (StoreError, nothing changed) a file, or a folder holding files patternkb did not write."""

    def __init__(self, out: Path):
        self._staging = Staging(Path(out))
        self._sha = hashlib.sha256()
        self._digest = Digest()
        self.count = 0
        self._guides: Counter[str] = Counter()  # entries per guide, each guide's consecutive
        self._guide = ""
        try:
            self._file = open(self._staging.path / ENTRIES, "xb")
        except OSError as exc:
            self._staging.close()
            raise StoreError(f"cannot write the KB: {exc.strerror}", file=self._staging.path / ENTRIES) from None

    def __enter__(self) -> KBWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add(self, entry) -> None:
        """Write one entry (its place in the KB is the number of entries added before it). A
        guide's entries come one after the other: a reader takes a guide's lines by their count."""
        if entry.guide != self._guide:
            if entry.guide in self._guides:
                raise ValueError(f"entries of guide {entry.guide} must be added one after the other")
            self._guide = entry.guide
        self._guides[entry.guide] += 1
        line = entry_line(entry)
        try:
            self._file.write(line)
        except OSError as exc:
            raise StoreError(f"cannot write the KB: {exc.strerror}", file=self._staging.path / ENTRIES) from None
        self._sha.update(line)
        self._digest.update(line)
        self.count += 1

    def amend(self, changes: dict[int, Callable[[dict], None]]) -> None:
        """Change entries already added, by their place in the KB: each change edits its entry's
        JSON data. The staged file is read back a line at a time and written again (the entries
        are checked when published)."""
        path = self._staging.path / ENTRIES
        amended = path.with_name(ENTRIES + ".amended")
        try:
            self._file.close()
            self._sha, self._digest = hashlib.sha256(), Digest()
            with open(path, "rb") as old, open(amended, "xb") as new:
                for number, line in enumerate(old):
                    change = changes.get(number)
                    if change is not None:
                        data = json.loads(line)
                        change(data)
                        line = _line(data)
                    new.write(line)
                    self._sha.update(line)
                    self._digest.update(line)
            os.replace(amended, path)
            self._file = open(path, "ab")
        except OSError as exc:
            raise StoreError(f"cannot write the KB: {exc.strerror}", file=path) from None

    def publish(self, manifest: Manifest, sections: list[Section]) -> Path:
        """Write the sections and the manifest (with both files' checksums), read the whole
        generation back as `load_kb` would (raising StoreError at the first problem), and make it
        live. Returns the generation folder."""
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        except OSError as exc:
            raise StoreError(f"cannot write the KB: {exc.strerror}", file=self._staging.path / ENTRIES) from None
        sections_data = _sections_bytes(sections)
        manifest_data = _manifest_bytes(manifest, self._guides, sections_data, self._sha.hexdigest())
        self._staging.write(SECTIONS, sections_data)
        self._staging.write(MANIFEST, manifest_data)
        name = generation_name(self._digest.finish(manifest_data, sections_data))
        return self._staging.publish(name, _check_staged)

    def close(self) -> None:
        self._file.close()
        self._staging.close()


def _check_staged(path: Path) -> None:
    reader = KBReader(path)
    with reader:
        for _ in reader.entries():
            pass


def write_kb(kb: KnowledgeBase, out: Path) -> Path:
    """Publish the KB in folder `out` (created if missing) and return its generation folder.

    Atomic: until the pointer is replaced readers see the previous KB, after it the new one;
    a failure or a kill at any point leaves the previous KB loadable. Refuses (StoreError, and
    nothing changed) a file, or a folder holding files patternkb did not write; an OSError
    while writing becomes a StoreError naming the path."""
    with KBWriter(out) as writer:
        for entry in kb.entries:
            writer.add(entry)
        return writer.publish(kb.manifest, kb.sections)


def _errors(exc: ValidationError, entry_id: str | None = None) -> str:
    lines = []
    for err in exc.errors()[:5]:
        loc = list(err["loc"])
        if loc and isinstance(loc[0], int):
            lines.append(f"entry {loc.pop(0)}: ")
        elif entry_id:
            lines.append(f'entry "{entry_id}": ')
        else:
            lines.append("")
        if loc and isinstance(loc[0], str) and loc[0] in ("pattern", "overview", "checklist"):
            loc.pop(0)  # the union's branch: the kind is in the entry already
        field = ".".join(str(p) for p in loc) or "(value)"
        lines[-1] += f"field {field}: {err['msg']}"
    more = len(exc.errors()) - 5
    return "; ".join(lines) + (f"; and {more} more" if more > 0 else "")


def _changed(file: Path) -> StoreError:
    return StoreError(f"sha256 differs from the one {MANIFEST} records (changed after the build): "
                      "rebuild with `patternkb build`", file=file)


def _json(data: bytes, file: Path):
    try:
        return json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StoreError(f"not valid JSON: {exc}", file=file, line=getattr(exc, "lineno", None)) from None


class KBReader:
    """The KB in `directory` (its live generation, or a generation folder) read as a stream: the
    manifest and sections at once, the entries one at a time, each validated, the whole checked
    as it ends (counts, ids, sections, links, checksums) — the same checks `load_kb` makes, with
    one entry in memory at a time. Raises StoreError naming the file (and line of entries.jsonl).

        with KBReader(kb_dir) as reader:
            for entry in reader.entries():   # may be read again: each call starts over
                ...
    """

    def __init__(self, directory: Path):
        self.live, raw, self._file = open_snapshot(Path(directory))
        try:
            self.manifest = self._manifest(raw[MANIFEST])
            self.sections = self._sections(raw[SECTIONS])
        except BaseException:
            self._file.close()
            raise
        self._raw = raw
        self.fingerprint = ""  # known once the entries were read whole

    def __enter__(self) -> KBReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def _manifest(self, data: bytes) -> Manifest:
        file = self.live / MANIFEST
        parsed = _json(data, file)
        try:
            manifest = Manifest.model_validate(parsed)
        except ValidationError as exc:
            raise StoreError(_errors(exc), file=file) from None
        if manifest.schema_version != SCHEMA_VERSION:
            raise StoreError(f"schema version {manifest.schema_version}, this patternkb reads {SCHEMA_VERSION}: "
                             "rebuild with `patternkb build`", file=file)
        if manifest.sha256 is None:
            raise StoreError(f"records no checksums of {SECTIONS} and {ENTRIES}: rebuild with `patternkb build`",
                             file=file)
        return manifest

    def _sections(self, data: bytes) -> list[Section]:
        file = self.live / SECTIONS
        _json(data, file)
        try:
            sections = SectionList.validate_json(data)
        except ValidationError as exc:
            raise StoreError(_errors(exc), file=file) from None
        if _sha256(data) != self.manifest.sha256.sections:
            raise _changed(file)
        guides = {g.id for g in self.manifest.guides}
        seen: set[str] = set()
        for section in sections:
            if section.guide not in guides:
                raise StoreError(f'section "{section.id}": guide {section.guide} is not in {MANIFEST}', file=file)
            if section.id in seen:
                raise StoreError(f"duplicate ids: {section.id}", file=file)
            seen.add(section.id)
        said = self.manifest.counts.sections
        held = sum(1 for s in sections if s.role == "content")
        if said != held:
            raise StoreError(f"manifest says {said} sections, the file holds {held}", file=file)
        return sections

    def lines(self) -> Iterator[bytes]:
        """The raw lines of entries.jsonl, from the first, unparsed; once the last is read, their
        sha256 is checked against the manifest's (StoreError)."""
        self._file.seek(0)
        sha = batched(hashlib.sha256())
        while True:
            line = self._file.readline()
            if not line:
                break
            sha.update(line)
            yield line
        if sha.hexdigest() != self.manifest.sha256.entries:
            raise _changed(self.live / ENTRIES)

    def entries(self) -> Iterator:
        """Every entry, validated, in KB order; the checks of the whole file once it is read."""
        file = self.live / ENTRIES
        check = _Tally(self.manifest, self.sections, file)
        digest = Digest()
        for number, line in enumerate(self.lines()):
            digest.update(line)
            entry = self.parse_line(line, number, file)
            check.add(entry, number + 1)
            yield entry
        check.finish()
        self.fingerprint = digest.finish(self._raw[MANIFEST], self._raw[SECTIONS])

    @staticmethod
    def parse_line(line: bytes, number: int, file: Path):
        """The entry on line `number` (0-based: its order) of entries.jsonl, validated."""
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise StoreError(f"not valid JSON: {exc}", file=file, line=number + 1) from None
        if not isinstance(data, dict):
            raise StoreError("not an entry (a JSON object)", file=file, line=number + 1)
        entry_id = data.get("id") if isinstance(data.get("id"), str) else None
        data["order"] = number
        try:
            return EntryModel.validate_python(data)
        except ValidationError as exc:
            raise StoreError(_errors(exc, entry_id), file=file, line=number + 1) from None


class _Tally:
    """What the models alone cannot see, counted as the entries stream by: they agree with the
    manifest and the sections, ids are unique, links lead to entries."""

    def __init__(self, manifest: Manifest, sections: list[Section], file: Path):
        self.manifest, self.file = manifest, file
        self.guides = {g.id for g in manifest.guides}
        # Each guide's entries, in the manifest's order of guides: (guide, entries) left to read.
        self.expected = [(g.id, g.entries) for g in manifest.guides if g.entries]
        self.section_ids = {s.id for s in sections}
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, int]] = []
        self.counts: Counter[str] = Counter()

    def add(self, entry, line: int) -> None:
        if entry.id in self.ids or entry.id in self.section_ids:
            raise StoreError(f"duplicate ids: {entry.id}", file=self.file, line=line)
        self.ids.add(entry.id)
        if entry.guide not in self.guides:
            raise StoreError(f'entry "{entry.id}": guide {entry.guide} is not in {MANIFEST}', file=self.file, line=line)
        if not self.expected or self.expected[0][0] != entry.guide:
            raise StoreError(f'entry "{entry.id}": not where {MANIFEST} counts the entries of guide {entry.guide}',
                             file=self.file, line=line)
        guide, left = self.expected[0]
        self.expected[0:1] = [(guide, left - 1)] if left > 1 else []
        if entry.section not in self.section_ids:
            raise StoreError(f'entry "{entry.id}": section {entry.section} is not in {SECTIONS}',
                             file=self.file, line=line)
        self.links.extend((entry.id, target, line) for target in entry.links)
        self.counts[entry.kind] += 1
        if entry.kind == "pattern":
            self.counts["code blocks"] += len(entry.code)
            self.counts["snippets"] += len(entry.snippets)

    def finish(self) -> None:
        counts = self.manifest.counts
        for what, said, held in (("patterns", counts.patterns, self.counts["pattern"]),
                                 ("code blocks", counts.code_blocks, self.counts["code blocks"]),
                                 ("snippets", counts.snippets, self.counts["snippets"]),
                                 ("overviews", counts.overviews, self.counts["overview"]),
                                 ("checklist items", counts.checklist_items, self.counts["checklist"])):
            if said != held:
                raise StoreError(f"manifest says {said} {what}, the file holds {held}", file=self.file)
        if self.expected:
            guide, left = self.expected[0]
            raise StoreError(f"{MANIFEST} counts {left} more entries of guide {guide}", file=self.file)
        for source, target, line in self.links:
            if target not in self.ids:
                raise StoreError(f'entry "{source}": links to missing entry {target}', file=self.file, line=line)


def verify_kb(directory: Path) -> Manifest:
    """The KB's manifest, once its manifest and sections validate and its entries' bytes are the
    ones the manifest records (no entry is parsed: a KB of any size, in a second or so).
    Raises StoreError as `load_kb` would for a damaged file."""
    with KBReader(directory) as reader:
        for _ in reader.lines():  # checks their sha256 at the end
            pass
        return reader.manifest


def load_kb(directory: Path) -> KnowledgeBase:
    """The KB in `directory`, from one generation, validated, in memory (KBReader streams it).
    Raises StoreError naming the file."""
    with collector_paused(), KBReader(directory) as reader:
        entries = list(reader.entries())
        return KnowledgeBase(manifest=reader.manifest, sections=reader.sections, entries=entries,
                             fingerprint=reader.fingerprint)


def fingerprint(kb: KnowledgeBase) -> str:
    """sha256 of the KB's stored form: what an index records to know it is current."""
    from patternkb.kb.files import digest

    return kb.fingerprint or digest(serialise(kb))
