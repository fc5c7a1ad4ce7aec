"""The KB as the index reads it: a stream of entries.jsonl's lines, cut into units (consecutive
entries of one guide or of several small ones, at most UNIT_BYTES of lines), each keyed by a
hash of its lines, and the facts the generation keeps of each unit beside its segment.

Why lines: an entry's line does not hold its place in the KB (kb/store.py), so a guide whose
entries did not change has the same lines, and its units the same keys, whatever the guides
before it did. A unit whose key the live generation has is reused without parsing a line:
its segment's files and its facts file are hard links. Only the other units' lines are parsed
(validated by the KB's models) and made into documents.

A unit's facts (`facts-<key>.json`) are what the rest of a generation needs of its entries,
relative to the unit's first entry and document: the doc table's rows, the patterns' and
checklist items' features for related links, and samples of its code per language. The
generation's doc table and links are made from the facts of all its units, so an index made
after one guide changed is the one a full rebuild makes.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from patternkb.index import vocabulary
from patternkb.index.history import in_history
from patternkb.index.documents import ORDER_STRIDE, defines_by_doc, documents
from patternkb.index.storage import UNIT_FORMAT
from patternkb.kb.errors import StoreError
from patternkb.kb.files import ENTRIES, MANIFEST, text_lines
from patternkb.kb.models import KnowledgeBase, Manifest, Pattern, Section

# At most this many bytes of entries.jsonl in a unit (about 1,000 entries of the size the bundled
# guide's have, 5,000 documents). Each segment costs every search a lookup per term and a merge
# of term lists, so not many small ones; small enough that two workers share even a one-guide KB
# and that a worker holds one unit's postings in memory.
UNIT_BYTES = 8 << 20
# Guides this small share units (a docs tree of 3,000 pages made 3,000 segments: a search took 2
# to 3 s), each unit of them ending once it holds at least UNIT_MIN_BYTES, after a guide whose id's
# hash is a multiple of CUT_EVERY.
OWN_UNIT_ENTRIES = 200
UNIT_MIN_BYTES = 1 << 20
CUT_EVERY = 4


@dataclass
class Unit:
    """Consecutive entries of one guide, or of several small ones: their lines and the hash that
    identifies them."""

    guide: str  # the (first) guide whose entries it holds
    first: int  # the KB position (order) of its first entry
    lines: list[bytes]
    key: str

    @property
    def count(self) -> int:
        return len(self.lines)


class KBSource:
    """A KB for the index: its manifest and sections, and its entries' lines in KB order with
    the number of each guide's. From a KB folder (streamed, checked against the manifest's
    checksum) or from a KB in memory."""

    def __init__(self, manifest: Manifest, sections: list[Section], guide_entries: list[tuple[str, int]],
                 lines: Callable[[], Iterator[bytes]], close: Callable[[], None] = lambda: None,
                 file: Path = Path(ENTRIES)):
        self.manifest, self.sections, self.guide_entries = manifest, sections, guide_entries
        self._lines, self.close = lines, close
        self.file = file  # what errors name: the entries file read

    @classmethod
    def stored(cls, kb_dir: Path) -> KBSource:
        """The KB in `kb_dir`: reads its manifest and sections now, its lines as they are asked for."""
        from patternkb.kb.store import KBReader

        reader = KBReader(kb_dir)
        # reader.lines checks the lines' checksum once the last is read.
        return cls(reader.manifest, reader.sections, [(g.id, g.entries) for g in reader.manifest.guides],
                   reader.lines, reader.close, reader.live / ENTRIES)

    @classmethod
    def of(cls, kb: KnowledgeBase) -> KBSource:
        """A KB in memory, as writing it would store it."""
        from patternkb.kb.store import entry_line

        counts = Counter(e.guide for e in kb.entries)
        return cls(kb.manifest, kb.sections, [(g.id, counts[g.id]) for g in kb.manifest.guides],
                   lambda: (entry_line(e) for e in kb.entries))

    def __enter__(self) -> KBSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def units(self) -> Iterator[Unit]:
        """The KB's units in KB order, one at a time (their lines are in memory, no entry is).

        A guide of OWN_UNIT_ENTRIES entries or more has units of its own. Smaller guides (the
        pages of a docs tree) share them: a unit of small guides ends after one whose id says so
        (one in CUT_EVERY, by its hash) once it holds UNIT_MIN_BYTES, so where units end depends
        on the guides there, not on those before: a changed page changes its own unit, or, when
        its size moves a unit's end to another such guide, that unit and the next; the units
        after are the same again. The index equals a full rebuild's either way."""
        titles: dict[str, dict[str, str]] = {}
        for s in self.sections:
            titles.setdefault(s.guide, {})[s.id] = s.title
        lines = self._lines()
        unit = _Gathering()
        for guide, count in self.guide_entries:
            # A document carries its section's title: a renamed section changes the guide's units.
            salt = json.dumps([UNIT_FORMAT, guide, titles.get(guide, {})], sort_keys=True).encode()
            own = count >= OWN_UNIT_ENTRIES
            if own and unit.lines:
                yield unit.made()
            unit.start(guide, salt)
            for _ in range(count):
                line = next(lines, None)
                if line is None:
                    raise StoreError(f"{MANIFEST} counts more entries than the file holds", file=self.file)
                if unit.lines and unit.size + len(line) > UNIT_BYTES:
                    yield unit.made()
                    unit.start(guide, salt)
                unit.add(line)
            if unit.lines and (own or (unit.size >= UNIT_MIN_BYTES and _ends_a_unit(guide))):
                yield unit.made()
        if unit.lines:
            yield unit.made()
        if next(lines, None) is not None:
            raise StoreError(f"the file holds more lines than {MANIFEST} counts entries", file=self.file)

    def entries(self, unit: Unit) -> list:
        """The unit's entries, parsed and validated (each with its place in the KB)."""
        from patternkb.kb.store import KBReader

        return [KBReader.parse_line(line, unit.first + n, self.file) for n, line in enumerate(unit.lines)]

    def documents(self, unit: Unit, entries: list) -> list[dict]:
        """The unit's documents, in KB order, with their `defines` and their order relative to the
        unit's first entry (a segment does not depend on where its unit stands in the KB)."""
        part = SimpleNamespace(sections=self.sections, entries=entries)
        defines = defines_by_doc(entries)
        base = unit.first * ORDER_STRIDE
        return [dict(doc, defines=defines.get(doc["id"], ""), order=doc["order"] - base) for doc in documents(part)]


class _Gathering:
    """The unit being gathered: its lines, and the hash of them and of each guide's salt."""

    def __init__(self) -> None:
        self.first = 0  # the KB position of the next unit's first entry
        self._reset()

    def _reset(self) -> None:
        self.guide = ""
        self.lines: list[bytes] = []
        self.size = 0
        self.digest = hashlib.sha256()

    def start(self, guide: str, salt: bytes) -> None:
        """Lines of `guide` follow."""
        self.guide = self.guide or guide
        self.digest.update(salt)

    def add(self, line: bytes) -> None:
        self.lines.append(line)
        self.size += len(line)
        self.digest.update(line)

    def made(self) -> Unit:
        unit = Unit(guide=self.guide, first=self.first, lines=self.lines, key=self.digest.hexdigest())
        self.first += len(self.lines)
        self._reset()
        return unit


def _ends_a_unit(guide: str) -> bool:
    return int(hashlib.sha256(guide.encode()).hexdigest()[:8], 16) % CUT_EVERY == 0


# --- facts ----------------------------------------------------------------------------------

def facts_name(unit_key: str) -> str:
    return f"facts-{unit_key[:24]}.json"


def make_facts(entries: list, docs: list[dict]) -> dict:
    """What the generation keeps of a unit's entries and documents (positions relative to its own)."""
    first = entries[0].order if entries else 0
    place = {doc["id"]: n for n, doc in enumerate(docs)}
    sample = vocabulary.CodeSample()
    patterns, items = [], []
    for entry in entries:
        for block in getattr(entry, "code", ()):
            sample.add(block.language, block.code)
        if isinstance(entry, Pattern):
            if entry.kind == "pattern":
                patterns.append(dict(id=entry.id, title=entry.title, section=entry.section, guide=entry.guide,
                                     order=entry.order - first, links=entry.links, defines=entry.defines,
                                     symbols=entry.symbols, crates=entry.packages, text=entry.text))
        else:
            items.append(dict(id=entry.id, title=entry.title, symbols=entry.symbols, links=entry.links))
    rows = [[doc["id"], doc["kind"], doc["section"], doc["order"], place.get(doc.get("parent") or "", -1)]
            for doc in docs]
    titles = {doc["section"]: doc.get("section_title", "") for doc in docs}
    history = [place[entry.id] for entry in entries if entry.id in place and in_history(getattr(entry, "path", ()))]
    return dict(format=UNIT_FORMAT, docs=rows, section_titles=titles, patterns=patterns, items=items,
                history=history, samples=sample.codes)


# The facts' long lists, written CHUNK elements a line; each other value is a line of its own. A
# file read or written in one JSON call held the GIL for 50-100 ms a unit, which the window,
# indexing on its job thread, could not paint through; a line an element made re-indexing one
# guide at 50,000 entries a second slower (315,000 calls).
_LISTS = ("docs", "patterns", "items", "history")
CHUNK = 256
_KEYS = frozenset({"format", "section_titles", "samples", *_LISTS})
_END = "end"  # the last line: how many elements each list has, so that a file cut short is refused


def write_facts(folder: Path, unit_key: str, facts: dict) -> str:
    name = facts_name(unit_key)
    with open(Path(folder) / name, "w", encoding="utf-8") as fh:
        for key in sorted(facts):
            if key in _LISTS:
                for start in range(0, len(facts[key]), CHUNK):
                    fh.write(_line(key, facts[key][start:start + CHUNK]))
            else:
                fh.write(_line(key, facts[key]))
        fh.write(_line(_END, {key: len(facts[key]) for key in _LISTS}))
    return name


def _line(key: str, value) -> str:
    return json.dumps([key, value], sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def read_facts(folder: Path, name: str) -> dict:
    """Raises OSError or ValueError when the file is missing or not a unit's facts of this format."""
    facts: dict = {key: [] for key in _LISTS}
    end = None
    for line in text_lines(Path(folder) / name):
        try:
            key, value = json.loads(line)
        except (TypeError, ValueError) as exc:  # not JSON, or no [key, value]
            raise ValueError(f"{name} is not a unit's facts: {exc}") from None
        if not isinstance(key, str):
            raise ValueError(f"{name} is not a unit's facts: a line's key is {key!r}")
        if end is not None:
            raise ValueError(f"{name} goes on after its last line")
        if key == _END:
            end = value
        elif key in _LISTS:
            if not isinstance(value, list):
                raise ValueError(f"{name} is not a unit's facts: {key} is no list")
            facts[key].extend(value)
        else:
            facts[key] = value
    if facts.get("format") != UNIT_FORMAT:
        raise ValueError(f"{name} is not a unit's facts of format {UNIT_FORMAT}")
    if facts.keys() != _KEYS or end != {key: len(facts[key]) for key in _LISTS}:
        raise ValueError(f"{name} is cut short or damaged")
    return facts


@dataclass
class PatternFacts:
    """What related links need of a pattern (the attributes they read of a Pattern)."""

    id: str
    title: str
    section: str
    guide: str
    order: int
    links: list[str]
    defines: list[str]
    symbols: list[str]
    crates: list[str]
    text: str


@dataclass
class ItemFacts:
    """What linking a checklist item to patterns needs of it."""

    id: str
    title: str
    symbols: list[str]
    links: list[str]


def keywords(samples: list[dict[str, list[str]]]) -> frozenset[str]:
    """The code's keywords (vocabulary.keywords) from the units' samples, in KB order: the same
    code a pass over the whole KB would sample."""
    sample = vocabulary.CodeSample()
    for unit in samples:
        for language, codes in unit.items():
            for code in codes:
                sample.add(language, code)
    return vocabulary.keywords_of(sample.codes)
