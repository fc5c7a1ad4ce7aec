"""The search engine: builds, checks and opens the index, and answers queries.

One `PatternIndex` per KB. Each thread gets its own Whoosh searcher, reused across queries,
reopened when another process publishes a new generation, and closed by `close()`.
"""

from __future__ import annotations

import heapq
import html
import json
import logging
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh import highlight
from whoosh import index as whoosh_index
from whoosh.query import Or, Phrase, Query, Term

from patternkb.index.analysis import analyze, code_analyzer, prose_analyzer, title_analyzer
from patternkb.index.doctable import DocTable
from patternkb.index.postings import Postings, summed
from patternkb.index.query import KINDS, PLAIN_WORDS, ParsedQuery, parse
from patternkb.index.results import SearchHit, SearchResult
from patternkb.index.storage import (INDEX_FORMAT, LINKS, GenerationHold, IndexCorrupt, IndexError_, IndexStore,
                           default_index_dir)
from patternkb.kb.files import fingerprint_of
from patternkb.kb.slugs import slugify

if TYPE_CHECKING:
    from patternkb.kb.models import KnowledgeBase

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

_TITLE = title_analyzer()
_CODE = code_analyzer()
_PROSE = prose_analyzer()

# How much a match in each field counts: titles and symbols outrank prose.
BOOSTS = {"title": 8.0, "title_code": 5.0, "symbols": 5.0, "crates": 4.0, "section_title": 1.5,
          "path": 1.0, "tags": 1.5, "prose": 1.5, "code": 1.0}
_ANALYZER_OF = {"title": _TITLE, "title_code": _CODE, "symbols": _CODE, "section_title": _TITLE,
                "path": _TITLE, "prose": _PROSE, "code": _CODE}
_PREFIX_FIELDS = ("title", "title_code", "symbols")
_FUZZY_FIELDS = ("title", "symbols", "prose", "code")
MAX_WORD = 64  # longer "words" are pasted noise: cut them so fuzzy matching stays bounded
MAX_FUZZY = 24


@dataclass(frozen=True)
class Clause:
    """One field a typed word is looked up in, and how much a match there counts."""

    mode: str  # "term", "prefix" (the word is being typed) or "fuzzy" (it may be misspelt)
    field: str
    text: str
    boost: float
    maxdist: int = 1  # edits allowed, for "fuzzy"


class _ThreadSearcher:
    def __init__(self, hold: GenerationHold, table: DocTable | None = None):
        # The hold keeps writers from collecting the generation while this searcher is open.
        self.hold = hold
        self.generation = hold.name
        self.index = whoosh_index.open_dir(str(hold.path))
        self.searcher = self.index.searcher()
        # Read-only once loaded: the threads searching one generation share it.
        self.table = table or DocTable.read(hold.path, self.searcher.reader().doc_count_all())
        self.postings = Postings(self.searcher)

    def close(self) -> None:
        self.searcher.close()
        self.index.close()
        self.hold.release()


class PatternIndex:
    """The index of one KB. Give it the KB, or the KB's directory: then the KB is loaded (and
    validated, which imports pydantic: about 0.2 s) only when something needs it, because
    searching a current index needs only the index."""

    def __init__(self, kb: KnowledgeBase | None = None, root: Path | None = None, *, kb_dir: Path | None = None):
        if kb is None and kb_dir is None:
            raise TypeError("PatternIndex needs a KB or a KB directory")
        self._kb = kb
        self.kb_dir = kb_dir
        if kb is not None:
            from patternkb.kb.store import fingerprint  # the KB's models are loaded already

            self.fingerprint = fingerprint(kb)
        else:
            self.fingerprint = fingerprint_of(kb_dir)  # the files' bytes: no models needed
        self.store = IndexStore(root or default_index_dir(self.fingerprint))
        # By OS thread id, not threading.local: a Qt pool thread's Python state is created and
        # destroyed around each job, and a threading.local with it, so each search opened (and
        # leaked) a new searcher. The id is stable for the thread's life.
        self._searchers: dict[int, _ThreadSearcher] = {}
        self._tables: dict[str, DocTable] = {}  # the live generation's, once a thread has read it
        self._lock = threading.Lock()
        self._kb_lock = threading.Lock()
        self._verify_lock = threading.Lock()  # one thread checksums a generation; others wait
        self._verified: set[str] = set()
        self._links: tuple[str, dict] | None = None  # (generation name, links.json)

    @classmethod
    def open(cls, kb_dir: Path, index_dir: Path | None = None) -> "PatternIndex":
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
                self.fingerprint = self._kb.fingerprint or self.fingerprint
            return self._kb

    # --- building -------------------------------------------------------------------------

    def status(self) -> str:
        """'current', 'missing', 'stale' or 'corrupt: <why>' (never raises)."""
        try:
            hold = self.store.hold_current()
            if hold is None:
                return "missing"
            with hold:
                self._verify(hold)
        except IndexError_ as exc:
            return f"corrupt: {exc.message}"
        if hold.meta.get("kb_fingerprint") != self.fingerprint or hold.meta.get("format") != INDEX_FORMAT:
            return "stale"
        return "current"

    def _verify(self, hold: GenerationHold) -> None:
        """Checksum a held generation once per process (IndexCorrupt if damaged)."""
        with self._verify_lock:
            if hold.name in self._verified:
                return
            self.store.verify(hold)
            self._verified.add(hold.name)

    def ensure(self, progress: Progress | None = None) -> str | None:
        """Rebuild when the index is missing, stale or corrupt. Returns a line saying what was
        done, or None when the index was already current."""
        state = self.status()
        if state == "current":
            return None
        self.rebuild(progress)
        if state.startswith("corrupt"):
            return f"index at {self.store.root} was {state}; rebuilt"
        return f"index was {state}; built at {self.store.root}"

    def rebuild(self, progress: Progress | None = None) -> int:
        """Build a new generation and make it live atomically. Returns documents indexed."""
        # Imported here: the KB's models and the document builder load only when building, so
        # a window opening on a current index never waits for them.
        from patternkb.index.builder import build_generation

        kb = self.kb
        with self._lock:
            mine = self._searchers.get(threading.get_ident())
        if mine is not None:
            self._retire(mine)  # about to be stale: let the collector take its generation
        with self.store.writer_lock():
            count, name = build_generation(self, kb, self.store, progress)
            self._verified.add(name)
        return count

    # --- reading --------------------------------------------------------------------------

    def _thread_searcher(self) -> _ThreadSearcher:
        name = self.store.current_name()
        thread = threading.get_ident()
        with self._lock:
            current = self._searchers.get(thread)
        if current is not None and current.generation == name:
            return current
        if current is not None:
            self._retire(current)
        for _ in range(3):
            hold = self.store.hold_current()
            if hold is None:
                raise IndexError_("no index yet: run `patternkb index`", file=self.store.root)
            try:
                self._verify(hold)
                searcher = _ThreadSearcher(hold, self._tables.get(hold.name))
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
        return searcher

    def _retire(self, searcher: _ThreadSearcher) -> None:
        with self._lock:
            self._searchers = {t: ts for t, ts in self._searchers.items() if ts is not searcher}
        searcher.close()

    def open_searchers(self) -> int:
        """How many threads hold a searcher (for tests: it must not grow with each search)."""
        with self._lock:
            return len(self._searchers)

    def close(self) -> None:
        """Close every thread's searcher."""
        with self._lock:
            open_searchers, self._searchers = list(self._searchers.values()), {}
        for searcher in open_searchers:
            searcher.close()

    def links(self) -> dict:
        """The live generation's related links, checklist back-links and illustrations
        (links.json: 10 MB at 10,000 entries, so read once per generation, off the GUI thread
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
            try:
                links = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise IndexCorrupt(f"related links unreadable: {exc}", file=path) from None
        self._links = (hold.name, links)
        return links

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

    def _word_clauses(self, word: str, *, prefix: bool, fuzzy: bool,
                      boosts: dict[str, float] = BOOSTS) -> list[Clause]:
        """What one typed word matches, field by field, and how much each match counts."""
        clauses: list[Clause] = []
        for fieldname, analyzer in _ANALYZER_OF.items():
            boost = boosts.get(fieldname, 0.0)
            if not boost:
                continue
            tokens = analyze(analyzer, word)
            for i, token in enumerate(dict.fromkeys(tokens)):
                weight = boost * (1.0 if i == 0 else 0.5)
                clauses.append(Clause("term", fieldname, token, weight))
                if fuzzy and fieldname in _FUZZY_FIELDS and 4 <= len(token) <= MAX_FUZZY:
                    clauses.append(Clause("fuzzy", fieldname, token, weight * 0.6, 1 if len(token) <= 6 else 2))
            if prefix and fieldname in _PREFIX_FIELDS and tokens and len(tokens[0]) >= 2:
                code = analyze(_CODE, word)
                clauses.append(Clause("prefix", fieldname, code[0] if code else tokens[0], boost * 0.4))
        clauses.append(Clause("term", "crates", word.lower().replace("-", "_"), boosts.get("crates", 1.0)))
        clauses.append(Clause("term", "tags", word.lower(), boosts.get("tags", 1.0)))
        return clauses

    def _word_scores(self, postings: Postings, word: str, *, prefix: bool, fuzzy: bool,
                     boosts: dict[str, float] = BOOSTS) -> dict[int, float]:
        """Every document matching `word`, with its score: BM25F per term, summed over the
        fields. A prefix or a misspelling counts as the best of the terms it expands to."""
        acc: dict[int, float] = {}
        get = acc.get
        for clause in self._word_clauses(word, prefix=prefix, fuzzy=fuzzy, boosts=boosts):
            if clause.mode == "term":
                found = postings.scores(clause.field, clause.text)
            elif clause.mode == "prefix":
                found = postings.best(clause.field, postings.expand(clause.field, clause.text))
            else:
                found = postings.best(clause.field, postings.fuzzy(clause.field, clause.text, clause.maxdist))
            boost = clause.boost
            for docnum, score in zip(*found):
                acc[docnum] = get(docnum, 0.0) + boost * score
        return acc

    def _phrase_scores(self, ts: _ThreadSearcher, phrase: str) -> dict[int, float]:
        clauses: list[Query] = []
        for fieldname in ("title", "prose", "code"):
            tokens = analyze(_ANALYZER_OF[fieldname], phrase)
            if len(tokens) > 1:
                clauses.append(Phrase(fieldname, tokens, boost=BOOSTS[fieldname]))
            elif tokens:
                clauses.append(Term(fieldname, tokens[0], boost=BOOSTS[fieldname]))
        if not clauses:
            return {}
        # Phrases need positions, which only Whoosh's matchers read: they are rare and narrow.
        return {hit.docnum: hit.score or 0.0 for hit in ts.searcher.search(Or(clauses), limit=None)}

    def _filter_docs(self, postings: Postings, parsed: ParsedQuery) -> set[int] | None:
        """The documents every field filter of the query admits (None: no filter)."""
        allowed: set[int] | None = None
        for fieldname, values in parsed.filters.items():
            options: set[int] = set()
            for value in values:
                v = value.lower()
                if fieldname == "section":
                    options |= postings.union("section", postings.expand("section", slugify(value) or v, limit=10_000))
                    tokens = analyze(_TITLE, value)
                    if tokens:  # every word of the value must be in the section's title
                        options |= set.intersection(*(set(postings.docs("section_title", t)) for t in tokens))
                elif fieldname == "symbols":
                    for token in analyze(_CODE, value)[:1]:
                        options.update(postings.docs("symbols", token))
                elif fieldname == "crates":
                    options.update(postings.docs("crates", v.replace("-", "_")))
                elif fieldname == "guide":
                    options |= postings.union("guide", postings.expand("guide", slugify(value) or v, limit=10_000))
                else:
                    options.update(postings.docs(fieldname, v))
            allowed = options if allowed is None else allowed & options
        return allowed

    def _known(self, reader, word: str, *, prefix: bool) -> bool:
        if len(word) <= 2 or not analyze(_PROSE, word) or word.lower() in PLAIN_WORDS:
            return True  # short words and the words of a question are never "corrected"
        for fieldname, analyzer in _ANALYZER_OF.items():
            for token in analyze(analyzer, word)[:1]:
                if reader.doc_frequency(fieldname, token):
                    return True
                if prefix and fieldname in _PREFIX_FIELDS:
                    for _ in reader.expand_prefix(fieldname, token):
                        return True
        return reader.doc_frequency("crates", word.lower()) > 0

    def search(self, text: str, *, limit: int = 20, kind: str | None = None, section: str | None = None,
               order: str = "relevance", fragments: int = 10) -> SearchResult:
        """Ranked hits for what a user typed. Never raises on any input string. Only the first
        `fragments` hits get a fragment with the matches marked (the others get the start of
        their text): marking means analysing the text again, the slowest part of a hit."""
        started = time.perf_counter()
        parsed = parse(text if isinstance(text, str) else str(text))
        parsed.words = [w[:MAX_WORD] for w in parsed.words]
        ts = self._thread_searcher()
        if parsed.empty:
            return SearchResult(query=text, corrected=None, total=0, facets={"section": {}, "kind": {}}, hits=[],
                                elapsed_ms=(time.perf_counter() - started) * 1000)
        reader = ts.searcher.reader()
        words = parsed.words
        last = len(words) - 1
        unknown = [i for i, w in enumerate(words)
                   if not self._known(reader, w, prefix=parsed.last_is_prefix and i == last)]
        corrected_words = list(words)
        for i in unknown:
            if len(words[i]) > MAX_FUZZY:
                continue
            suggestions = ts.searcher.suggest("spell", words[i].lower(), limit=1, maxdist=2, prefix=1)
            if suggestions:
                corrected_words[i] = suggestions[0]
        corrected = " ".join(corrected_words) if corrected_words != words else None
        search_words = corrected_words if unknown else words
        scored, all_words = self._run(ts, parsed, search_words, fuzzy=False)
        if not scored and words:
            # No good hits even after spelling correction: retry with fuzzy terms.
            scored, all_words = self._run(ts, parsed, search_words, fuzzy=True)
        table = ts.table
        facets = {"section": dict(Counter(map(table.sections.__getitem__, scored))),
                  "kind": dict(Counter(map(table.kinds.__getitem__, scored)))}
        if kind:
            scored = {d: s for d, s in scored.items() if table.kinds[d] == kind}
        if section:
            scored = {d: s for d, s in scored.items() if table.sections[d] == section}
        limit = max(limit, 0)
        if order == "guide":
            top = heapq.nsmallest(limit, scored, key=table.orders.__getitem__)
        else:
            top = self._best(ts, scored, all_words, search_words or parsed.phrases, limit)
        terms = tuple(dict.fromkeys(t for w in search_words + parsed.phrases for t in analyze(_CODE, w)))
        marked = search_words + parsed.phrases
        hits = [self._hit(ts, docnum, scored[docnum], marked if n < fragments else [])
                for n, docnum in enumerate(top)]
        return SearchResult(query=text, corrected=corrected, total=len(scored), facets=facets, hits=hits,
                            elapsed_ms=(time.perf_counter() - started) * 1000, terms=terms)

    def _best(self, ts: _ThreadSearcher, scored: dict[int, float], all_words: set[int] | None,
              words: list[str], limit: int) -> list[int]:
        """The first `limit` documents in relevance order: exact matches, then documents
        matching every word, then the rest; by score within each, then by guide order."""
        table, postings = ts.table, ts.postings
        phrase = " ".join(w.lower() for w in words)
        exact: dict[int, int] = {}
        # A pattern's or checklist item's own title, or an identifier it defines, is an exact
        # match. Next come the patterns of a section titled exactly so, and only then a snippet
        # whose comment says it: "Error handling" over a Cargo.toml dependency must not outrank
        # the patterns of the "Error Handling" section.
        own = set(postings.docs("title_exact", phrase))
        if len(words) == 1:
            own.update(postings.docs("defines", words[0].lower()))
        for docnum in own:
            if docnum in scored:
                exact[docnum] = 3 if table.kinds[docnum] != "snippet" else 1
        for section_id in {i for i, title in table.section_titles.items() if title.lower() == phrase}:
            for docnum in postings.docs("section", section_id):
                if docnum in scored and table.kinds[docnum] == "pattern":
                    exact[docnum] = max(exact.get(docnum, 0), 2)
        orders = table.orders

        def by_score(docnums, n: int) -> list[int]:
            # The n best by score, ties in guide order: cut at the n-th best score first, so
            # only the few documents at or above it are sorted.
            docnums = [d for d in docnums if d in scored and d not in exact]  # kind/section cut `scored`
            if n <= 0 or not docnums:
                return []
            if len(docnums) > n:
                floor = heapq.nlargest(n, map(scored.__getitem__, docnums))[-1]
                docnums = [d for d in docnums if scored[d] >= floor]
            return sorted(docnums, key=lambda d: (-scored[d], orders[d]))[:n]

        top = sorted(exact, key=lambda d: (-exact[d], all_words is not None and d not in all_words,
                                           -scored[d], orders[d]))[:limit]
        if all_words is None:
            return top + by_score(scored, limit - len(top))
        top += by_score(all_words, limit - len(top))
        if len(top) < limit:
            top += by_score((d for d in scored if d not in all_words), limit - len(top))
        return top

    def _run(self, ts: _ThreadSearcher, parsed: ParsedQuery, words: list[str], *, fuzzy: bool
             ) -> tuple[dict[int, float], set[int] | None]:
        """(score of every matching document, the documents matching every word — None when
        that is all of them)."""
        postings = ts.postings
        last = len(words) - 1
        per_word = [self._word_scores(postings, w, prefix=parsed.last_is_prefix and i == last, fuzzy=fuzzy)
                    for i, w in enumerate(words)]
        allowed = self._filter_docs(postings, parsed)
        if per_word:
            scored = per_word[0] if len(per_word) == 1 else summed(per_word)
        elif not parsed.phrases:
            scored = dict.fromkeys(sorted(allowed or ()), 0.0)  # filters alone: all they admit
        else:
            scored = None
        for phrase in parsed.phrases:  # every phrase is required
            found = self._phrase_scores(ts, phrase)
            scored = found if scored is None else {d: s + found[d] for d, s in scored.items() if d in found}
        scored = scored or {}
        if allowed is not None:
            scored = {d: s for d, s in scored.items() if d in allowed}
        if parsed.excluded:
            masked: set[int] = set()
            for word in parsed.excluded:
                masked.update(self._word_scores(postings, word, prefix=False, fuzzy=False))
            scored = {d: s for d, s in scored.items() if d not in masked}
        all_words = None
        if len(per_word) > 1:
            smallest = min(per_word, key=len)
            all_words = {d for d in smallest if d in scored and all(d in other for other in per_word)}
        return scored, all_words

    def _hit(self, ts: _ThreadSearcher, docnum: int, score: float, words: list[str]) -> SearchHit:
        stored = ts.searcher.stored_fields(docnum)
        fragment = _fragment(stored, words)
        return SearchHit(id=stored["id"], kind=stored["kind"], title=stored["title"], path=stored["path"],
                         section=stored["section"], score=float(score) if math.isfinite(score) else 0.0,
                         fragment=fragment, parent=stored.get("parent") or None,
                         anchor=stored.get("anchor") or None)


class _Formatter(highlight.HtmlFormatter):
    def __init__(self):
        super().__init__(tagname="b", between=" … ")

    def format_token(self, text, token, replace=False):
        return f"<b>{html.escape(highlight.get_text(text, token, replace))}</b>"


_FRAGMENTER = highlight.ContextFragmenter(maxchars=160, surround=50)
_WINDOW = 480  # characters of a long text handed to the highlighter, around a match
_TRIES = 3  # places in one field tried before the next field


def _window(text: str, start: int) -> str:
    """About _WINDOW characters of `text` from `start`, widened to whole words at both ends."""
    if start > 0:
        before = text.rfind(" ", 0, start)
        start = before + 1 if before >= 0 else 0
    end = start + _WINDOW
    if end < len(text):
        after = min((at for at in (text.find(" ", end), text.find("\n", end)) if at >= 0), default=len(text))
        end = after
    return text[start:end]


def _fragment(stored: dict, words: list[str]) -> str:
    if not words:
        return html.escape(" ".join((stored.get("prose") or stored.get("code") or "").split())[:160])
    # A snippet's prose is only its title and its pattern's: its code says more.
    fields = (("code", _CODE), ("prose", _PROSE)) if stored.get("kind") == "snippet" else \
        (("prose", _PROSE), ("code", _CODE), ("pattern_code", _CODE))
    for fieldname, analyzer in fields:
        text = stored.get(fieldname) or ""
        if not text:
            continue
        terms = frozenset(t for w in words for t in analyze(analyzer, w))
        if not terms:
            continue
        # Every analyzed term is a lower-case substring of the text it came from, so a field
        # without one cannot match; where one is, only the text around it needs analysing. A
        # substring can be part of a longer word ("object" in "objects") that the analyzer
        # does not match, so try a few places, the longest (most telling) term's first.
        lowered = text.lower()
        found = sorted(((len(t), at) for t in terms if (at := lowered.find(t)) >= 0), key=lambda x: (-x[0], x[1]))
        for at in list(dict.fromkeys(at for _, at in found))[:_TRIES]:
            try:
                fragment = highlight.highlight(_window(text, max(0, at - _WINDOW // 6)), terms, analyzer,
                                               _FRAGMENTER, _Formatter(), top=1)
            except Exception:  # a highlighter failure must never cost the user the hit
                log.debug("highlighting %s failed", stored.get("id"), exc_info=True)
                fragment = ""
            if fragment and "<b>" in fragment:
                return " ".join(fragment.split())
    prose = stored.get("prose") or stored.get("code") or stored.get("pattern_code") or ""
    return html.escape(" ".join(prose.split())[:160])


def open_index(kb_dir: Path, index_dir: Path | None = None, *, progress: Progress | None = None
               ) -> tuple[PatternIndex, str | None]:
    """Load the KB and make sure its index is usable: (index, what was done or None)."""
    engine = PatternIndex.open(kb_dir, index_dir)
    return engine, engine.ensure(progress)


__all__ = ["KINDS", "PatternIndex", "SearchHit", "SearchResult", "open_index"]
