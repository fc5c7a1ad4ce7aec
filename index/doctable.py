"""What ranking and facets need of every document (kind, section, guide order), by document
number, and each section's title, in one small file beside the Whoosh index.

Whoosh keeps these as columns, but reads a column one value at a time in Python: 50,000
documents took 0.4 s, on the thread that was answering the first search. This file loads in
a few milliseconds. It is written with the index and checksummed with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

FILENAME = "doctable.json"


@dataclass
class DocTable:
    kinds: list[str]
    sections: list[str]
    orders: list[int]
    section_titles: dict[str, str]  # section id -> title

    @classmethod
    def from_reader(cls, reader) -> "DocTable":
        """From the index's stored fields (at build time, once)."""
        count = reader.doc_count_all()
        kinds, sections, orders = [""] * count, [""] * count, [0] * count
        titles: dict[str, str] = {}
        for docnum, stored in reader.iter_docs():
            kinds[docnum], sections[docnum], orders[docnum] = stored["kind"], stored["section"], stored["order"]
            titles[stored["section"]] = stored.get("section_title", "")
        return cls(kinds=kinds, sections=sections, orders=orders, section_titles=titles)

    def write(self, directory: Path) -> None:
        kind_names = sorted(set(self.kinds))
        section_names = sorted(set(self.sections))
        kind_code = {k: n for n, k in enumerate(kind_names)}
        section_code = {s: n for n, s in enumerate(section_names)}
        data = dict(kind_names=kind_names, section_names=section_names,
                    kinds=[kind_code[k] for k in self.kinds], sections=[section_code[s] for s in self.sections],
                    orders=self.orders, section_titles=self.section_titles)
        (directory / FILENAME).write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def read(cls, directory: Path, doc_count: int) -> "DocTable":
        """Raises ValueError (or OSError) when the file is missing or does not fit the index."""
        data = json.loads((directory / FILENAME).read_text(encoding="utf-8"))
        kind_names, section_names = data["kind_names"], data["section_names"]
        table = cls(kinds=[kind_names[c] for c in data["kinds"]],
                    sections=[section_names[c] for c in data["sections"]], orders=list(data["orders"]),
                    section_titles=dict(data["section_titles"]))
        if not (len(table.kinds) == len(table.sections) == len(table.orders) == doc_count):
            raise ValueError(f"{FILENAME} describes {len(table.kinds)} documents, the index has {doc_count}")
        return table
