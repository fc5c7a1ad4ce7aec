"""Searcher pooling: each thread keeps its own Whoosh searcher on the live generation, reused
across queries, reopened when another process publishes a new generation."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property

# Whoosh's searcher imports these on its first search. Imported here, with the index (on the
# window's index job), a search thread imports nothing while that job goes on to import the KB's
# modules: two threads importing at once can trip Python's import deadlock detection ("partially
# initialized module 'pydantic._internal._validators'", seen in CI). postings.py does the same.
import whoosh.classify  # noqa: F401
import whoosh.query  # noqa: F401
import whoosh.searching  # noqa: F401 - imported for its side effect, as the two above

from patternkb.index.doctable import DocTable
from patternkb.index.mapped import open_index
from patternkb.index.postings import Postings, TermCache
from patternkb.index.spelling import WORDS_FILE, SpellingWords, read_words
from patternkb.index.storage import GenerationHold, IndexCorrupt, IndexError_, IndexStore


class ThreadSearcher:
    """One thread's searcher, doc table and postings (whose cache, `terms`, the threads
    searching one generation share), on one held generation."""

    def __init__(self, hold: GenerationHold, table: DocTable | None = None, terms: TermCache | None = None, *,
                 mapped_terms: bool = True):
        # The hold keeps writers from collecting the generation while this searcher is open.
        self.hold = hold
        self.generation = hold.name
        self.index = open_index(hold.path, mapped_terms=mapped_terms)
        self.searcher = self.index.searcher()
        # Read-only once loaded: the threads searching one generation share it.
        self.table = table or DocTable.read(hold.path, self.searcher.reader().doc_count_all())
        self.postings = Postings(self.searcher, terms)

    @cached_property
    def sorted_spelling_words(self) -> SpellingWords:
        """Every word of the spelling dictionary (the "spell" field), sorted, read once per
        searcher from the generation's file (spelling.py), not merged from every segment's terms."""
        try:
            return read_words(self.hold.path)
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(f"cannot read {WORDS_FILE}: {exc}", file=self.hold.path) from None


    def close(self) -> None:
        self.searcher.close()
        self.index.close()
        self.hold.release()


class SearcherPool:
    """The searchers of every thread using one index store. `verify(hold)` checksums a
    generation before its first searcher opens (raising IndexCorrupt)."""

    def __init__(self, store: IndexStore, verify: Callable[[GenerationHold], None], *, mapped_terms: bool = True):
        self.store, self._verify = store, verify
        self.mapped_terms = mapped_terms  # see mapped.open_index
        # By OS thread id, not threading.local: a Qt pool thread's Python state is created and
        # destroyed around each job, and a threading.local with it, so each search opened (and
        # leaked) a new searcher. The id is stable for the thread's life.
        self._searchers: dict[int, ThreadSearcher] = {}
        self._tables: dict[str, DocTable] = {}  # the live generation's, once a thread has read it
        self._terms: dict[str, TermCache] = {}  # the live generation's, once a thread has searched it
        self._lock = threading.Lock()

    def mine(self) -> ThreadSearcher | None:
        """This thread's searcher, if it has one (current or not)."""
        with self._lock:
            return self._searchers.get(threading.get_ident())

    def get(self) -> ThreadSearcher:
        """This thread's searcher on the live generation, opened (or reopened) if needed."""
        name = self.store.current_name()
        thread = threading.get_ident()
        current = self.mine()
        if current is not None and current.generation == name:
            return current
        if current is not None:
            self.retire(current)
        for _ in range(3):
            hold = self.store.hold_current()
            if hold is None:
                raise IndexError_("no index yet: run `patternkb index`", file=self.store.root)
            try:
                self._verify(hold)
                searcher = ThreadSearcher(hold, self._tables.get(hold.name), self._terms.get(hold.name),
                                          mapped_terms=self.mapped_terms)
                break
            except IndexError_:
                hold.release()
                raise
            except Exception as exc:  # Whoosh raises many kinds on a damaged index
                hold.release()
                if hold.fd is None and not hold.path.is_dir():
                    continue  # an unlocked (old or read-only) generation, collected meanwhile
                raise IndexCorrupt(f"cannot open the index: {exc}", file=hold.path) from None
        else:
            raise IndexError_("the index kept changing while opening it; try again", file=self.store.root)
        with self._lock:
            self._searchers[thread] = searcher
            self._tables = {searcher.generation: searcher.table}
            self._terms = {searcher.generation: searcher.postings.cache}
        return searcher

    def retire(self, searcher: ThreadSearcher) -> None:
        """Close `searcher` (its generation is stale or about to be), releasing its hold."""
        with self._lock:
            self._searchers = {t: ts for t, ts in self._searchers.items() if ts is not searcher}
        searcher.close()

    def count(self) -> int:
        with self._lock:
            return len(self._searchers)

    def close(self) -> None:
        """Close every thread's searcher."""
        with self._lock:
            open_searchers, self._searchers = list(self._searchers.values()), {}
        for searcher in open_searchers:
            searcher.close()
