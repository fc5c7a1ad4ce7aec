"""Opening a generation's Whoosh index with its files memory-mapped: reads are memory reads, and
only the pages a search touches are loaded (and may be dropped again by the system).

Whoosh reads a segment's files through small seek-and-read calls (tens of thousands a query on
a large index); a compound segment avoided them by copying each file whole into memory, which
at 50,000 entries was most of a CLI search's 600 MB. A mapped file gives both: no copy, no call.
"""

from __future__ import annotations

import mmap
import os

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import FileIndex

INDEX_NAME = "MAIN"


class MappedStorage(FileStorage):
    """A read-only FileStorage whose files open as read-only memory maps; with `mapped_terms`
    off, the term dictionaries (.trm) are read instead (see open_index)."""

    def __init__(self, path: str, *, mapped_terms: bool = True):
        super().__init__(path, readonly=True)
        self.mapped_terms = mapped_terms

    def open_file(self, name, **kwargs):
        with open(self._fpath(name), "rb") as fh:
            if os.fstat(fh.fileno()).st_size == 0:
                return super().open_file(name, **kwargs)  # an empty file cannot be mapped
            if not self.mapped_terms and name.endswith(".trm"):
                return super().open_file(name, **kwargs)
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        return StructFile(mapped, name=name, **kwargs)


def open_index(path, *, mapped_terms: bool = True) -> FileIndex:
    """The Whoosh index in the generation folder `path`, its files mapped. `mapped_terms=False`
    is for a process that searches once (the command line): a term looked up in a mapped
    dictionary brings the 64 KB around each page it reads into the process's memory (the kernel
    maps neighbouring cached pages too), 100 MB for a query of several words over 50 segments;
    read, they stay in the system's cache. A process that searches again and again on several
    threads (the window) keeps them mapped: a read lets go of the GIL and takes it back, and
    thousands of them a query starved the window's thread (search sent to painted p95 120 ->
    240-300 ms at 50,000 entries)."""
    return FileIndex(MappedStorage(str(path), mapped_terms=mapped_terms), indexname=INDEX_NAME)
