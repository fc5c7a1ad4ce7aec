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
    """A read-only FileStorage whose files open as read-only memory maps."""

    def __init__(self, path: str):
        super().__init__(path, readonly=True)

    def open_file(self, name, **kwargs):
        with open(self._fpath(name), "rb") as fh:
            if os.fstat(fh.fileno()).st_size == 0:
                return super().open_file(name, **kwargs)  # an empty file cannot be mapped
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        return StructFile(mapped, name=name, **kwargs)


def open_index(path) -> FileIndex:
    """The Whoosh index in the generation folder `path`, its files mapped."""
    return FileIndex(MappedStorage(str(path)), indexname=INDEX_NAME)
