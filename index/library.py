"""The library: one KB and its search index behind one Qt-free object, for the CLI and the window.

    library = PatternLibrary.open(kb_dir, index_dir)   # cheap: reads no file yet
    line = library.ensure(progress)                     # check; rebuild if missing/stale/corrupt
    result = library.search("mutex poison", SearchOptions(kind="pattern", limit=20))
    view = library.entry(result.hits[0].id)             # entry + related links + checklist
    library.close()                                     # closes every thread's searcher

Thread-safety: `search`, `entry`, `status` and `kb` may be called from any thread at once
(each thread gets its own Whoosh searcher, reopened when a new generation goes live);
`ensure` and `rebuild` take the index's writer lock, so two processes never build at once.
Errors are `patternkb.kb.errors.KBError`s with one-line messages: `StoreError` (the KB
cannot be read), `IndexError_`/`IndexBusy`/`IndexCorrupt` (patternkb.index.storage),
`EntryNotFound`; an `OSError` means a folder that cannot be used.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from patternkb.index.engine import PatternIndex
from patternkb.index.query import excerpt, unknown_filters
from patternkb.index.results import SearchResult
from patternkb.index.storage import IndexError_
from patternkb.kb.errors import EntryNotFound

if TYPE_CHECKING:
    from patternkb.kb.models import KnowledgeBase

Progress = Callable[[int, int], None]  # (documents indexed so far, documents in all)
ORDERS = ("relevance", "guide")


@dataclass(frozen=True)
class SearchOptions:
    """How to search: keep only one `kind` (an entry's: "pattern", "overview", "checklist"; or a
    part's, "snippet" or "part", listed as rows of their own) or one `section` id (None: all),
    rank by "relevance" or in "guide" order, return at most `limit` result rows, of which the
    first `fragments` (with their sub-hits) get fragments with the matched words marked (the
    others, the start of their text: marking is the slowest part of a hit). A query with a word
    no entry holds is searched with its closest spelling (PatternIndex.search says when), unless
    `correct` is False."""

    kind: str | None = None
    section: str | None = None
    order: str = "relevance"
    limit: int = 10
    fragments: int = 10
    correct: bool = True  # False: the words as typed, even when they find nothing


@dataclass(frozen=True)
class EntryView:
    """An entry (a `Pattern` or a `ChecklistItem`) with what the index links it to.

    `related`: dicts {id, title, reason, score}, best first. `checklist`: for a pattern, the ids
    of the checklist items it illustrates; `illustrated_by`: for a checklist item, the ids of the
    patterns that illustrate it (the other list is empty). `titles` maps every id named in these
    lists to its title."""

    entry: object
    related: list[dict] = field(default_factory=list)
    checklist: list[str] = field(default_factory=list)
    illustrated_by: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        """The entry as `patternkb show --json` prints it."""
        data = self.entry.model_dump(mode="json")
        data["related"] = self.related
        if self.entry.kind != "checklist":
            data["checklist"] = self.checklist
        else:
            data["illustrated_by"] = self.illustrated_by
        return data


class PatternLibrary:
    """One KB (a folder written by `patternkb build`) and its Whoosh index.

    `open` reads nothing: the KB's models load (and validate, about 0.2 s with pydantic) only
    when something needs them — `kb`, `entry`, `check`, or a rebuild — because searching a
    current index needs only the index. The index lives in `index_dir`, or else in the user's
    cache folder under the KB's fingerprint."""

    def __init__(self, kb_dir: Path | None = None, index_dir: Path | None = None, *,
                 kb: KnowledgeBase | None = None, mapped_terms: bool = True):
        self.kb_dir = Path(kb_dir) if kb_dir is not None else None
        self._index = PatternIndex(kb, index_dir, kb_dir=self.kb_dir, mapped_terms=mapped_terms)

    @classmethod
    def open(cls, kb_dir: Path, index_dir: Path | None = None, *, mapped_terms: bool = True) -> PatternLibrary:
        """The library of the KB in `kb_dir`. Cheap: fingerprints the KB's files, reads no model.
        `mapped_terms=False` for a process that searches once (index/mapped.py says why)."""
        return cls(kb_dir, index_dir, mapped_terms=mapped_terms)

    @classmethod
    def of(cls, kb: KnowledgeBase, index_dir: Path | None = None) -> PatternLibrary:
        """The library of a KB already in memory (built, or loaded by the caller)."""
        return cls(None, index_dir, kb=kb)

    # --- the KB ---------------------------------------------------------------------------

    @property
    def kb(self) -> KnowledgeBase:
        """The KB's models, loaded on first use (thread-safe). Raises StoreError."""
        return self._index.kb

    @property
    def index_dir(self) -> Path:
        """Where the index lives (the folder holding CURRENT and the generations)."""
        return self._index.store.root

    # --- the index's lifecycle ------------------------------------------------------------

    def status(self) -> str:
        """'current', 'missing', 'stale' or 'corrupt: <why>'. Never raises; checks the live
        generation once per process (its files' sizes and times; those that changed, checksummed)."""
        return self._index.status()

    def ensure(self, progress: Progress | None = None, *, apart: bool = False) -> str | None:
        """Make the index searchable: check it, and rebuild it when it is missing, stale or
        corrupt. Returns the line saying what was done ("index was missing; built at …"), or
        None when the index was current already. `apart`: as for `rebuild`."""
        return self._index.ensure(progress, apart=apart)

    def rebuild(self, progress: Progress | None = None, *, full: bool = True, apart: bool = False) -> int:
        """Build a new generation from the KB and make it live atomically, whatever the state.
        Returns the number of documents indexed (entries plus snippets). Unless `full`, only the
        guides that changed since the live generation are indexed again (what `ensure` does
        with a stale index); `last_written` then says how many documents that was. `apart`:
        in a process of its own when the KB is a folder (a window's builds: its threads then
        never wait for the build's; index/build_process.py)."""
        return self._index.rebuild(progress, full=full, apart=apart)

    @property
    def last_written(self) -> int:
        """Documents the last `ensure` or `rebuild` of this library indexed (not linked)."""
        return self._index.last_written

    def close(self) -> None:
        """Close every thread's searcher. The library may be used again afterwards."""
        self._index.close()

    def __enter__(self) -> PatternLibrary:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- reading --------------------------------------------------------------------------

    def search(self, query: str, options: SearchOptions | None = None) -> SearchResult:
        """Ranked hits for what a user typed (the search box's syntax: words, "phrases",
        -excluded words, field:value filters). Never raises on any query string; raises
        IndexError_ when there is no index (call `ensure` first). A search that finds nothing
        says in `unknown_filters` which filter values of the query match nothing."""
        options = options or SearchOptions()
        result = self._index.search(query, limit=options.limit, kind=options.kind, section=options.section,
                                    order=options.order, fragments=options.fragments, correct=options.correct)
        if result.hits:
            return result
        return replace(result, unknown_filters=tuple(unknown_filters(self._index, query)))

    def find(self, entry_id: str):
        """The entry with this id, from the KB alone (no index needed). Raises EntryNotFound,
        naming up to five ids that contain the one asked for."""
        entry = self.kb.entry(entry_id)
        if entry is None:
            close = [e.id for e in self.kb.entries if entry_id.lower() in e.id][:5]
            hint = f"; did you mean {', '.join(close)}?" if close else "; `patternkb list` prints every id"
            where = self.kb_dir if self.kb_dir is not None else "this KB"
            raise EntryNotFound(f"no entry {excerpt(entry_id)!r} in {where}{hint}")
        return entry

    def entry(self, entry_id: str) -> EntryView:
        """The entry with its related links and its checklist items (or, for a checklist item,
        the patterns illustrating it), in one call. Raises EntryNotFound as `find` does, and
        IndexError_ when there is no index (call `ensure` first)."""
        entry = self.find(entry_id)
        related = self._index.related(entry.id)
        if entry.kind != "checklist":
            checklist, illustrated_by = self._index.checklist_for(entry.id), []
        else:
            checklist, illustrated_by = [], self._index.illustrated_by(entry.id)
        titles = {}
        for other in [link["id"] for link in related] + checklist + illustrated_by:
            found = self.kb.entry(other)
            titles[other] = found.title if found is not None else other
        return EntryView(entry, related, checklist, illustrated_by, titles)

    def check(self) -> list[str]:
        """What `patternkb check` reports, one line each: links to missing entries in the KB,
        and an index that is not current, dangles, or miscounts. Raises StoreError when the KB
        itself cannot be read."""
        from patternkb.index.documents import documents

        kb = self.kb
        ids = {e.id for e in kb.entries}
        problems = [f"{e.source.file}:{e.source.line_start}: {e.id} links to missing entry {target}"
                    for e in kb.entries for target in getattr(e, "links", []) if target not in ids]
        state = self._index.status(full=True)  # every byte checksummed: bit rot too
        if state != "current":
            return [*problems, f"index at {self.index_dir} is {state} (run `patternkb index`)"]
        meta, related = self._index.meta(), self._index.links().get("related", {})
        problems += [f"index: related link {source} -> {link['id']} dangles"
                     for source, links in related.items() for link in links
                     if link["id"] not in ids or source not in ids]
        if meta.get("documents") != sum(1 for _ in documents(kb)):
            problems.append("index: document count differs from the KB")
        # Every pattern is related to another of its guide at least (its neighbours): one alone in
        # its guide (a page of one title, built as a guide of its own) has none to be related to.
        per_guide = Counter(p.guide for p in kb.patterns)
        alone = [p.id for p in kb.patterns if not related.get(p.id) and per_guide[p.guide] > 1]
        if alone:
            problems.append(f"index: {len(alone)} patterns have no related pattern: {', '.join(alone[:3])}")
        return problems

    def preload(self) -> None:
        """Load the KB and the live generation's links now (10 MB of JSON at 10,000 entries), and
        what the first search reads, so that the first `entry` and search do not: for a background
        thread to call after `ensure`."""
        self.kb  # noqa: B018 - loads and validates
        self._index.links()
        try:
            self._index.warm()
        except IndexError_:  # only a head start: the first search says what is wrong
            pass

    def open_searchers(self) -> int:
        """How many threads hold a searcher (for tests: it must not grow with each search)."""
        return self._index.open_searchers()
