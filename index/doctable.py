"""What ranking, grouping and facets need of every document (kind, section, guide order, the
entry it belongs to, the patterns a checklist item illustrates), by document number, and each
section's title, in one small file beside the Whoosh index.

Whoosh keeps these as columns, but reads a column one value at a time in Python: 50,000
documents took 0.4 s, on the thread that was answering the first search. This file loads in
a few milliseconds. It is written with the index and checksummed with it.
"""

from __future__ import annotations

import json
from array import array
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from patternkb.index import history as release_history

FILENAME = "doctable.bin"
NO_PARENT = -1
# A JSON header (names, section titles, illustrations), then one machine array per column: read
# in milliseconds at 50,000 entries, where the same table as JSON took 0.2 s.
_MAGIC = b"patternkb doctable 1\n"
_KINDS, _SECTIONS, _ORDERS, _PARENTS = "B", "I", "q", "i"


@dataclass(frozen=True)
class Columns:
    kinds: np.ndarray  # each document's kind, as its index in kind_names
    kind_names: list[str]
    sections: np.ndarray  # each document's section, as the value section_code gives its id
    section_code: dict[str, int]
    parents: np.ndarray
    orders: np.ndarray  # each document's place in the guide order


@dataclass
class DocTable:
    kinds: list[str]
    sections: list[str]
    orders: list[int]
    section_titles: dict[str, str]  # section id -> title
    # The document number of the entry a document is part of (a snippet's pattern), or NO_PARENT.
    parents: list[int] = field(default_factory=list)
    # Checklist item's document number -> the document numbers of the patterns illustrating it.
    illustrated_by: dict[int, list[int]] = field(default_factory=dict)
    # The document numbers of the entries that are release history (index/history.py).
    history: list[int] = field(default_factory=list)

    @classmethod
    def from_reader(cls, reader) -> DocTable:
        """From the index's stored fields (at build time, once); `illustrated_by` is filled later."""
        count = reader.doc_count_all()
        kinds, sections, orders = [""] * count, [""] * count, [0] * count
        parent_ids: list[str] = [""] * count
        titles: dict[str, str] = {}
        docnums: dict[str, int] = {}
        for docnum, stored in reader.iter_docs():
            kinds[docnum], sections[docnum], orders[docnum] = stored["kind"], stored["section"], stored["order"]
            parent_ids[docnum] = stored.get("parent") or ""
            docnums[stored["id"]] = docnum
            titles[stored["section"]] = stored.get("section_title", "")
        parents = [docnums.get(p, NO_PARENT) if p else NO_PARENT for p in parent_ids]
        return cls(kinds=kinds, sections=sections, orders=orders, section_titles=titles, parents=parents)

    @cached_property
    def columns(self) -> Columns:
        """The kind, section, parent and order columns as NumPy arrays, for counting over every matching
        document at once (made once per table)."""
        kind_names, section_names = sorted(set(self.kinds)), sorted(set(self.sections))
        kind_code = {k: n for n, k in enumerate(kind_names)}
        section_code = {s: n for n, s in enumerate(section_names)}
        return Columns(kinds=np.array([kind_code[k] for k in self.kinds], dtype=np.intp), kind_names=kind_names,
                       sections=np.array([section_code[s] for s in self.sections], dtype=np.intp),
                       section_code=section_code, parents=np.array(self.parents, dtype=np.intp),
                       orders=np.array(self.orders, dtype=np.int64))

    @cached_property
    def weights(self) -> np.ndarray:
        """How much each document's score counts: less for release history (index/history.py)."""
        weights = np.ones(len(self.kinds))
        weights[np.array(self.history, dtype=np.intp)] = release_history.WEIGHT
        return weights

    def parts_of(self, entry: int) -> list[int]:
        """The entry's parts (snippets, named parts) by document number: the documents right after
        it whose parent it is. documents.py writes an entry's parts just after it, and a unit of
        the index holds whole entries (a test checks it on every guide)."""
        parents, found, docnum = self.parents, [], entry + 1
        while docnum < len(parents) and parents[docnum] == entry:
            found.append(docnum)
            docnum += 1
        return found

    def entry_of(self, docnum: int) -> int:
        """The document number of the entry `docnum` belongs to (itself when it is one)."""
        parent = self.parents[docnum]
        return docnum if parent == NO_PARENT else parent

    def write(self, directory: Path) -> None:
        kind_names = sorted(set(self.kinds))
        section_names = sorted(set(self.sections))
        kind_code = {k: n for n, k in enumerate(kind_names)}
        section_code = {s: n for n, s in enumerate(section_names)}
        header = json.dumps(dict(count=len(self.kinds), kind_names=kind_names, section_names=section_names,
                                 section_titles=self.section_titles,
                                 illustrated_by={str(item): patterns for item, patterns in sorted(self.illustrated_by.items())},
                                 history=self.history),
                            separators=(",", ":")).encode("utf-8")
        columns = [array(code, values) for code, values in (
            (_KINDS, [kind_code[k] for k in self.kinds]), (_SECTIONS, [section_code[s] for s in self.sections]),
            (_ORDERS, self.orders), (_PARENTS, self.parents))]
        with open(directory / FILENAME, "wb") as fh:
            fh.write(_MAGIC + len(header).to_bytes(8, "little") + header)
            for column in columns:
                fh.write(column.tobytes())

    @classmethod
    def read(cls, directory: Path, doc_count: int) -> DocTable:
        """Raises ValueError (or OSError, KeyError) when the file is missing or does not fit the index."""
        data = (directory / FILENAME).read_bytes()
        if not data.startswith(_MAGIC):
            raise ValueError(f"{FILENAME} is not a doc table")
        start = len(_MAGIC) + 8
        size = int.from_bytes(data[len(_MAGIC):start], "little")
        head = json.loads(data[start:start + size])
        count, at = head["count"], start + size
        columns = []
        for code in (_KINDS, _SECTIONS, _ORDERS, _PARENTS):
            column = array(code)
            end = at + count * column.itemsize
            if end > len(data):
                raise ValueError(f"{FILENAME} describes {count} documents, but holds fewer")
            column.frombytes(data[at:end])
            columns.append(column)
            at = end
        if count != doc_count or at != len(data):
            raise ValueError(f"{FILENAME} describes {count} documents, the index has {doc_count}")
        kind_names, section_names = head["kind_names"], head["section_names"]
        table = cls(kinds=_named(kind_names, columns[0]), sections=_named(section_names, columns[1]),
                    orders=columns[2].tolist(), section_titles=dict(head["section_titles"]), parents=columns[3].tolist(),
                    illustrated_by={int(item): list(patterns) for item, patterns in head["illustrated_by"].items()},
                    history=list(head.get("history", [])))
        if table.parents and not (NO_PARENT <= min(table.parents) and max(table.parents) < doc_count):
            raise ValueError(f"{FILENAME} names a parent document the index does not have")
        # The columns as read (their codes are the sorted names' indexes, as `columns` makes them).
        table.columns = Columns(kinds=np.array(columns[0], dtype=np.intp), kind_names=kind_names,
                                sections=np.array(columns[1], dtype=np.intp),
                                section_code={name: n for n, name in enumerate(section_names)},
                                parents=np.array(columns[3], dtype=np.intp),
                                orders=np.array(columns[2], dtype=np.int64))
        return table


# Names made a slice at a time: one call of C over 265,000 codes (50,000 entries) held the GIL
# for 30 to 70 ms, a stall of the window whose searcher a thread was opening.
_SLICE = 16_384


def _named(names: list[str], codes: array) -> list[str]:
    """`codes` as the names they stand for."""
    out: list[str] = []
    for at in range(0, len(codes), _SLICE):
        out.extend(map(names.__getitem__, codes[at:at + _SLICE]))
    return out
