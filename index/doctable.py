"""What ranking, grouping and facets need of every document (kind, section, guide order, the
entry it belongs to, the patterns a checklist item illustrates), by document number, and each
section's title, in one small file beside the Whoosh index.

Whoosh keeps these as columns, but reads a column one value at a time in Python: 50,000
documents took 0.4 s, on the thread that was answering the first search. This file loads in
a few milliseconds. It is written with the index and checksummed with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

FILENAME = "doctable.json"
NO_PARENT = -1


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

    @classmethod
    def from_documents(cls, docs: Iterable[dict]) -> tuple[DocTable, list[str]]:
        """From the documents as they are indexed, in document-number order (no index read back);
        with their ids. `illustrated_by` is filled later."""
        kinds, sections, orders, parent_ids, ids = [], [], [], [], []
        titles: dict[str, str] = {}
        for doc in docs:
            kinds.append(doc["kind"])
            sections.append(doc["section"])
            orders.append(doc["order"])
            parent_ids.append(doc.get("parent") or "")
            ids.append(doc["id"])
            titles[doc["section"]] = doc.get("section_title", "")
        docnums = {doc_id: n for n, doc_id in enumerate(ids)}
        parents = [docnums.get(p, NO_PARENT) if p else NO_PARENT for p in parent_ids]
        return cls(kinds=kinds, sections=sections, orders=orders, section_titles=titles, parents=parents), ids

    def entry_of(self, docnum: int) -> int:
        """The document number of the entry `docnum` belongs to (itself when it is one)."""
        parent = self.parents[docnum]
        return docnum if parent == NO_PARENT else parent

    def write(self, directory: Path) -> None:
        kind_names = sorted(set(self.kinds))
        section_names = sorted(set(self.sections))
        kind_code = {k: n for n, k in enumerate(kind_names)}
        section_code = {s: n for n, s in enumerate(section_names)}
        data = dict(kind_names=kind_names, section_names=section_names,
                    kinds=[kind_code[k] for k in self.kinds], sections=[section_code[s] for s in self.sections],
                    orders=self.orders, section_titles=self.section_titles, parents=self.parents,
                    illustrated_by={str(item): patterns for item, patterns in sorted(self.illustrated_by.items())})
        (directory / FILENAME).write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def read(cls, directory: Path, doc_count: int) -> DocTable:
        """Raises ValueError (or OSError, KeyError) when the file is missing or does not fit the index."""
        data = json.loads((directory / FILENAME).read_text(encoding="utf-8"))
        kind_names, section_names = data["kind_names"], data["section_names"]
        table = cls(kinds=[kind_names[c] for c in data["kinds"]],
                    sections=[section_names[c] for c in data["sections"]], orders=list(data["orders"]),
                    section_titles=dict(data["section_titles"]), parents=list(data["parents"]),
                    illustrated_by={int(item): list(patterns) for item, patterns in data["illustrated_by"].items()})
        if not (len(table.kinds) == len(table.sections) == len(table.orders) == len(table.parents) == doc_count):
            raise ValueError(f"{FILENAME} describes {len(table.kinds)} documents, the index has {doc_count}")
        if any(not (NO_PARENT <= p < doc_count) for p in table.parents):
            raise ValueError(f"{FILENAME} names a parent document the index does not have")
        return table
