"""The index of one KB: loads the KB lazily, checks and rebuilds the index, caches its links, and
answers a query by parsing, correcting, scoring, ranking and marking it (each in its own module).

Callers use `patternkb.index.library.PatternLibrary`, the façade over this class.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from patternkb.index import grouping, ranking, spelling
from patternkb.index.analysis import analyze
from patternkb.index.fragments import fragment
from patternkb.index.query import KINDS, filter_values, parse
from patternkb.index.results import BREADCRUMB_SEPARATOR, SearchHit, SearchResult, SubHit
from patternkb.index.scoring import CODE, MAX_WORD, asked_words, score_query
from patternkb.index.searchers import SearcherPool, ThreadSearcher
from patternkb.index.storage import (INDEX_FORMAT, LINKS, UNIT_FORMAT, GenerationHold, IndexCorrupt, IndexError_,
                                     IndexStore, default_index_dir)
from patternkb.index.kbkey import key_of, key_of_dir, key_of_manifest
from patternkb.kb.files import text_lines

if TYPE_CHECKING:
    from patternkb.index.library import Progress
    from patternkb.kb.models import KnowledgeBase


class PatternIndex:
    """The index of one KB. Give it the KB, or the KB's directory: then the KB is loaded (and
    validated, which imports pydantic: about 0.2 s) only when something needs it, because
    searching a current index needs only the index."""

    def __init__(self, kb: KnowledgeBase | None = None, root: Path | None = None, *, kb_dir: Path | None = None,
                 mapped_terms: bool = True):
        if kb is None and kb_dir is None:
            raise TypeError("PatternIndex needs a KB or a KB directory")
        self._kb = kb
        self.kb_dir = kb_dir
        # The KB's key (kbkey.py): its manifest's hash, so opening reads no entry.
        self.fingerprint = key_of(kb) if kb is not None else key_of_dir(kb_dir)
        self.store = IndexStore(root or default_index_dir(self.fingerprint))
        self._pool = SearcherPool(self.store, self._verify, mapped_terms=mapped_terms)
        self._kb_lock = threading.Lock()
        self._verify_lock = threading.Lock()  # one thread checksums a generation; others wait
        self._verified: set[str] = set()
        self._links: tuple[str, dict] | None = None  # (generation name, links.jsonl)
        self.last_written = 0  # documents the last rebuild indexed (the others were linked)
        self.last_generation = ""  # the generation the last rebuild published

    @classmethod
    def open(cls, kb_dir: Path, index_dir: Path | None = None) -> PatternIndex:
        """Over the KB in `kb_dir`, loaded now: a damaged KB raises here (StoreError)."""
        from patternkb.kb.store import load_kb

        return cls(load_kb(kb_dir), index_dir)

    @property
    def kb(self) -> KnowledgeBase:
        """The KB, loaded on first use when only its directory was given. Raises StoreError."""
        with self._kb_lock:
            if self._kb is None:
                from patternkb.kb.store import load_kb

                self._kb = load_kb(self.kb_dir)
                # Changed on disk since we started? Then the index is stale for it.
                self.fingerprint = key_of(self._kb)
            return self._kb

    # --- building -------------------------------------------------------------------------

    def status(self, *, full: bool = False) -> str:
        """'current', 'missing', 'stale' or 'corrupt: <why>' (never raises). `full` checksums
        every byte of the live generation (see IndexStore.verify), even when verified before."""
        try:
            hold = self.store.hold_current()
            if hold is None:
                return "missing"
            with hold:
                if full:
                    self.store.verify(hold, full=True)
                self._verify(hold)
        except IndexError_ as exc:
            return f"corrupt: {exc.message}"
        if hold.meta.get("kb_fingerprint") != self.fingerprint or hold.meta.get("format") != INDEX_FORMAT \
                or hold.meta.get("unit_format") != UNIT_FORMAT:
            return "stale"
        return "current"

    def _verify(self, hold: GenerationHold) -> None:
        """Checksum a held generation once per process (IndexCorrupt if damaged)."""
        with self._verify_lock:
            if hold.name in self._verified:
                return
            self.store.verify(hold)
            self._verified.add(hold.name)

    def ensure(self, progress: Progress | None = None, *, apart: bool = False) -> str | None:
        """Rebuild when the index is missing, stale or corrupt (a stale one only where the KB
        changed: see `rebuild`). Returns a line saying what was done, or None when the index was
        already current."""
        state = self.status()
        if state == "current":
            return None
        self.rebuild(progress, full=state != "stale", apart=apart)
        if state.startswith("corrupt"):
            return f"index at {self.store.root} was {state}; rebuilt"
        return f"index was {state}; built at {self.store.root}"

    def rebuild(self, progress: Progress | None = None, *, full: bool = True, apart: bool = False) -> int:
        """Build a new generation and make it live atomically. Returns documents indexed. Unless
        `full`, the guides whose documents the live generation holds already (it verified) are
        linked from it, and only the others are indexed again. `apart`: in a process of its own
        (build_process.py) when the KB is a folder not loaded here, so that this process's
        threads never wait for the build's."""
        if apart and self._kb is None and self.kb_dir is not None:
            documents = self._rebuild_apart(progress, full)
            if documents is not None:
                return documents
        # Imported here: the KB's models and the document builder load only when building, so
        # a window opening on a current index never waits for them.
        from patternkb.index.builder import build_generation
        from patternkb.index.units import KBSource

        # A KB in memory is indexed from memory; one on disk is streamed, never loaded whole.
        if self._kb is not None:
            source = KBSource.of(self._kb)
        else:
            source = KBSource.stored(self.kb_dir)
            self.fingerprint = key_of_manifest(source.manifest)  # changed on disk since we started: this one
        with source:
            self._retire_mine()
            with self.store.writer_lock():
                previous = None if full else self._verified_live()
                try:
                    count, name, self.last_written = build_generation(self.fingerprint, source, self.store,
                                                                      progress, previous)
                finally:
                    if previous is not None:
                        previous.release()
                        self.store.collect()  # the generation just replaced, no longer held by us
                self._verified.add(name)
                self.last_generation = name
        return count

    def _retire_mine(self) -> None:
        """Let go of this thread's searcher: its generation is about to be stale, and the
        collector may take it once nothing holds it."""
        mine = self._pool.mine()
        if mine is not None:
            self._pool.retire(mine)

    def _rebuild_apart(self, progress: Progress | None, full: bool) -> int | None:
        """Documents indexed by a build in a child process; None when no process could be had."""
        from patternkb.index.build_process import build_apart

        self._retire_mine()
        built = build_apart(self.kb_dir, self.store.root, full=full, progress=progress)
        if built is None:
            return None
        self.fingerprint, self.last_written, self.last_generation = built.kb_key, built.written, built.generation
        with self._verify_lock:
            self._verified.add(built.generation)  # the child wrote and checked it
        return built.documents

    def _verified_live(self) -> GenerationHold | None:
        """The live generation, held, if it is ours to build on (verified, of this format)."""
        try:
            hold = self.store.hold_current()
            if hold is None:
                return None
            if hold.meta.get("format") != INDEX_FORMAT:
                hold.release()
                return None
        except IndexError_:
            return None
        try:
            self._verify(hold)
        except IndexError_:
            hold.release()
            return None
        return hold

    # --- reading --------------------------------------------------------------------------

    def _thread_searcher(self) -> ThreadSearcher:
        return self._pool.get()

    def warm(self) -> None:
        """Open this thread's searcher and read what the first search of any thread would."""
        self._thread_searcher().postings.warm()

    def open_searchers(self) -> int:
        """How many threads hold a searcher (for tests: it must not grow with each search)."""
        return self._pool.count()

    def close(self) -> None:
        """Close every thread's searcher."""
        self._pool.close()

    def links(self) -> dict:
        """The live generation's related links, checklist back-links and illustrations
        (links.jsonl: 5 MB at 10,000 entries, so read once per generation, off the GUI thread
        when the window asks first)."""
        name = self.store.current_name()
        cached = self._links
        if cached is not None and cached[0] == name:
            return cached[1]
        hold = self.store.hold_current()
        if hold is None:
            raise IndexError_("no index yet: run `patternkb index`", file=self.store.root)
        with hold:
            path = hold.path / LINKS
            links: dict[str, dict] = {"related": {}, "checklist": {}, "illustrates": {}}
            try:
                for line in text_lines(path):
                    kind, entry_id, value = json.loads(line)
                    links[kind][entry_id] = value
            except (OSError, ValueError, TypeError, KeyError) as exc:
                raise IndexCorrupt(f"related links unreadable: {exc}", file=path) from None
        self._links = (hold.name, links)
        return links

    def filter_values(self, fieldname: str) -> list[str]:
        """What the filter `fieldname` can name in the KB, as a user would type it. Tags, languages
        and packages come from the index, sections and guides from the KB's manifest and
        sections: a mistyped value loaded a 50,000-entry KB to list them (8 s, 1.1 GB). Symbols
        still come from its entries."""
        if fieldname in ("tags", "language", "crates"):  # as indexed: in lower case, as the filter matches them
            return sorted(self._thread_searcher().searcher.reader().field_terms(fieldname))
        if fieldname in ("section", "guide") and self._kb is None and self.kb_dir is not None:
            with self._kb_lock:  # as the KB's loading: one thread imports pydantic (searchers.py says why)
                from patternkb.kb.store import KBReader

                with KBReader(self.kb_dir) as reader:
                    if fieldname == "section":
                        return [s.id for s in reader.sections]
                    return [g.id for g in reader.manifest.guides]
        return filter_values(self.kb)[fieldname]

    def meta(self) -> dict:
        """The live generation's meta.json: format, KB fingerprint, documents, checksums."""
        generation = self.store.current()
        if generation is None:
            raise IndexError_("no index yet: run `patternkb index`", file=self.store.root)
        return generation.meta

    def related(self, entry_id: str) -> list[dict]:
        return list(self.links().get("related", {}).get(entry_id, []))

    def checklist_for(self, pattern_id: str) -> list[str]:
        return list(self.links().get("checklist", {}).get(pattern_id, []))

    def illustrated_by(self, item_id: str) -> list[str]:
        return list(self.links().get("illustrates", {}).get(item_id, []))

    # --- searching ------------------------------------------------------------------------

    def search(self, text: str, *, limit: int = 20, kind: str | None = None, section: str | None = None,
               order: str = "relevance", fragments: int = 10, correct: bool = True) -> SearchResult:
        """Result rows for what a user typed: entries, each with its best sub-hits. Never raises
        on any input string. A query with a word no entry holds, one edit off a word the KB holds,
        finds what its corrected spelling finds (when that finds something; two edits off, only
        when the words as typed find nothing), unless `correct` is off. Only the first `fragments`
        rows (and their sub-hits) get fragments with the matches marked (the others get the start
        of their text): marking means analysing the text again, the slowest part of a hit."""
        started = time.perf_counter()
        parsed = parse(text if isinstance(text, str) else str(text))
        parsed.words = [w[:MAX_WORD] for w in parsed.words]
        ts = self._thread_searcher()
        if parsed.empty:
            return SearchResult(query=text, corrected=None, total=0, facets={"section": {}, "kind": {}}, hits=[],
                                elapsed_ms=(time.perf_counter() - started) * 1000)
        words = parsed.words
        spelled, close = spelling.correct(ts.searcher, words, last_is_prefix=parsed.last_is_prefix,
                                          sorted_words=ts.sorted_spelling_words)
        corrected = " ".join(spelled) if spelled != words else None
        search_words = words
        entry_of = ts.table.entry_of
        scored, all_words, applied = {}, None, False
        if corrected and correct and close:
            # A word the KB holds nowhere, one edit off a word it holds, is a typo: as typed the
            # other words alone are searched ("flaten nested array" found "nest"). Shown: what
            # the spelling finds, the words as typed offered. Two edits off may be another word
            # ("flask" is no "flags"): offered, unless the words as typed find nothing.
            scored, all_words = score_query(ts.searcher, ts.postings, parsed, spelled, fuzzy=False,
                                            entry_of=entry_of)
            applied = bool(scored)
        if not applied:
            scored, all_words = score_query(ts.searcher, ts.postings, parsed, words, fuzzy=False, entry_of=entry_of)
            if not scored and corrected and correct and not close:
                scored, all_words = score_query(ts.searcher, ts.postings, parsed, spelled, fuzzy=False,
                                                entry_of=entry_of)
                applied = bool(scored)
        search_words = spelled if applied else words
        if not scored and words:
            scored, all_words = score_query(ts.searcher, ts.postings, parsed, search_words, fuzzy=True,
                                            entry_of=entry_of)
        table = ts.table
        # The kinds typed ("kind:snippet", "-kind:pattern") are rows of those kinds, as the option is.
        typed = frozenset(k.lower() for k in parsed.filters.get("kind", ())) or None
        kinds = typed if kind is None else frozenset({kind}) & (typed or {kind})
        # Facets count rows as the user will get them when picking one: each with the other filter on.
        # An item folds into a pattern when both match words; a listing by filters alone lists both.
        fold = bool(search_words or parsed.phrases)
        of_kind = grouping.rows(table, scored, kinds, fold=fold)
        kind_counts = grouping.kind_counts(table, scored, section)
        facets = {"section": grouping.section_counts(table, of_kind),
                  "kind": {k: n for k, n in kind_counts.items() if typed is None or k in typed}}
        found = of_kind if not section else of_kind.within(section)
        any_kind = of_kind if kind is None else grouping.rows(table, scored, typed, fold=fold)
        all_kinds = len(any_kind.within(section)) if section else len(any_kind)
        limit = max(limit, 0)
        if order == "guide":
            top = ranking.in_guide_order(table, found, limit)
        else:
            top = ranking.best(table, ts.postings, scored, found, all_words, search_words or parsed.phrases, limit)
        marked = asked_words(search_words) + parsed.phrases  # "how" of "how do I import modules" is not marked
        terms = tuple(dict.fromkeys(t for w in marked for t in _marked_terms(w)))
        prefix = search_words[-1] if parsed.last_is_prefix and search_words else None
        marking = _Marking(marked, prefix, max(fragments, 0))
        inside = found.sub_hits(top)
        hits = [self._hit(ts, entry, found.score(entry), found.own.get(entry, 0.0), inside[entry], marking)
                for entry in top]
        return SearchResult(query=text, corrected=corrected if corrected and (applied or scored) else None,
                            correction_applied=applied, total=len(found), all_kinds=all_kinds,
                            all_sections=len(of_kind), facets=facets, hits=hits,
                            elapsed_ms=(time.perf_counter() - started) * 1000, terms=terms)

    @staticmethod
    def _hit(ts: ThreadSearcher, entry: int, score: float, own: float, inside: list[tuple[int, float]],
             marking: _Marking) -> SearchHit:
        stored = ts.searcher.stored_fields(entry)
        marked = marking.row()
        sub_hits = []
        for docnum, sub_score in inside:
            sub = ts.searcher.stored_fields(docnum)
            sub_hits.append(SubHit(id=sub["id"], kind=sub["kind"], title=sub["title"], anchor=sub.get("anchor") or None,
                                   fragment=marked(sub, code=sub["kind"] != "part"), score=_finite(sub_score)))
        # The row opens where it matched better than by its own fields (a rule of a long chapter, an
        # identifier in its code), else at its top: at such a named part, which comes before its
        # code on the page and says what the code is for, else at the best such sub-hit.
        outscoring = [sub for sub in sub_hits if sub.anchor and sub.score * grouping.INSIDE_WEIGHT > own]
        best = next((sub for sub in outscoring if sub.kind == "part"), outscoring[0] if outscoring else None)
        focus = best.anchor if best is not None else None
        return SearchHit(id=stored["id"], kind=stored["kind"], title=stored["title"],
                         path=tuple(stored["path"].split(BREADCRUMB_SEPARATOR)), section=stored["section"],
                         score=_finite(score), fragment=marked(stored, code=not sub_hits),
                         parent=stored.get("parent") or None, anchor=stored.get("anchor") or None,
                         sub_hits=tuple(sub_hits), focus=focus)


class _Marking:
    """Fragments with the matches marked for the first `budget` rows and their sub-hits; the rest
    show the start of their text (marking is the slowest part of a hit)."""

    def __init__(self, words: list[str], prefix: str | None, budget: int):
        self.words, self.prefix, self.budget = words, prefix, budget

    def row(self) -> Callable[..., str]:
        """The fragment maker for the next row and its sub-hits."""
        self.budget -= 1
        if self.budget < 0:
            return lambda stored, code=True: fragment(stored, [], code=code)
        return lambda stored, code=True: fragment(stored, self.words, self.prefix, code=code)


def _marked_terms(word: str) -> list[str]:
    """What a page marks for a typed word: an identifier typed whole (`fetch_with_retry`,
    `HashMap`) as itself, not its pieces ("with" all over the page); anything else
    (`std::sync::Mutex`, `no-param-reassign`, words) by its terms."""
    terms = analyze(CODE, word)
    whole = len(terms) > 1 and terms[0] == word.lower() and re.fullmatch(r"\w+", terms[0])
    return terms[:1] if whole else terms


def _finite(score: float) -> float:
    return float(score) if math.isfinite(score) else 0.0


__all__ = ["KINDS", "PatternIndex", "SearchHit", "SearchResult"]
