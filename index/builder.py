"""Building a generation of the index from a KB: its segments (segments.py: written in worker
processes, or linked from the previous generation where a guide did not change), the doc table,
and the related links between patterns and checklist items (links.json)."""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.query import Term

from patternkb.index import segments, vocabulary
from patternkb.index.analysis import analyze, prose_analyzer
from patternkb.index.doctable import DocTable
from patternkb.index.mapped import open_index
from patternkb.index.documents import snippet_anchor
from patternkb.index.postings import Postings, summed
from patternkb.index.query import PLAIN_WORDS
from patternkb.index.related import compute_related
from patternkb.index.scoring import word_scores
from patternkb.index.storage import LINKS, GenerationHold, IndexCorrupt, IndexStore
from patternkb.kb.models import KnowledgeBase, Pattern

if TYPE_CHECKING:
    from patternkb.index.library import Progress

log = logging.getLogger(__name__)

_PROSE = prose_analyzer()
# Linking a checklist item to patterns: what the code uses counts more than title words, and
# the code itself (full of incidental words) not at all.
LINK_BOOSTS = {"title": 2.0, "title_code": 2.0, "symbols": 4.0, "crates": 5.0, "section_title": 1.0,
               "prose": 2.0, "tags": 1.0}
# more_like_this costs about 0.1 s a pattern on a 10,000-entry index: above this many patterns,
# related links come from explicit links, mentions, symbols and crates only.
MLT_MAX_PATTERNS = 1500


def build_generation(fingerprint: str, kb: KnowledgeBase, store: IndexStore, progress: Progress | None = None,
                     previous: GenerationHold | None = None, procs: int | None = None) -> tuple[int, str, int]:
    """Index `kb` (whose fingerprint the generation records) into a new generation of `store`
    and publish it (call with the writer lock held). With `previous` (a verified generation
    held), the units whose documents it holds already are linked from it, not written again
    (segments.py). Returns (documents indexed, the generation's name, documents written)."""
    path = store.new_generation()
    try:
        count, written, meta, known = _write_generation(kb, path, progress, previous,
                                                        segments.workers() if procs is None else procs)
        store.publish(path, dict(meta, kb_fingerprint=fingerprint, documents=count), known=known)
    except BaseException as exc:
        # A failed build must not keep the space it took: on a full disk, the next try needs it.
        store.discard(path)
        if isinstance(exc, OSError):
            raise store.write_error(exc) from None
        raise
    return count, path.name, written


def _previous_units(previous: GenerationHold | None) -> dict[str, tuple[dict, object]]:
    """The units of a previous generation by key: (their record in its meta, their segment)."""
    if previous is None or previous.meta.get("unit_format") != segments.UNIT_FORMAT:
        return {}
    try:
        toc = TOC.read(FileStorage(str(previous.path)), segments.INDEX_NAME)
    except Exception:  # Whoosh raises many kinds on a damaged index: then build everything
        log.debug("cannot read the previous generation's segments", exc_info=True)
        return {}
    by_id = {segment.segment_id(): segment for segment in toc.segments}
    return {unit["key"]: (unit, by_id[unit["segment"]]) for unit in previous.meta.get("units", [])
            if unit.get("segment") in by_id}


def _write_generation(kb: KnowledgeBase, path: Path, progress: Progress | None,
                      previous: GenerationHold | None, procs: int) -> tuple[int, int, dict, dict[str, str]]:
    units: list[segments.Unit] = []

    def every_document():
        for unit, docs in segments.cut(kb):
            units.append(unit)
            yield from docs

    table, ids = DocTable.from_documents(every_document())
    before = _previous_units(previous)
    reused = {n: segments.Reused(before[u.key][1], before[u.key][0]["files"])
              for n, u in enumerate(units) if u.key in before}
    to_write = sum(u.docs for n, u in enumerate(units) if n not in reused)
    jobs = ((n, segments.unit_documents(kb, u)) for n, u in enumerate(units) if n not in reused)
    # A worker costs a start (an interpreter, Whoosh's imports): one unit is written here.
    procs = min(procs, len(units) - len(reused))
    written, linked = segments.write_segments(path, jobs, to_write, reused, previous.path if previous else None,
                                              procs, progress)
    docnums = {doc_id: n for n, doc_id in enumerate(ids)}
    ix = open_index(path)
    with ix.searcher() as searcher:
        if searcher.reader().doc_count_all() != len(ids):
            raise IndexCorrupt(f"the segments hold {searcher.reader().doc_count_all()} documents, "
                               f"the KB {len(ids)}", file=path)
        related, checklist, illustrates = _related(kb, searcher, table, docnums)
        # Grouping folds a matching checklist item into a matching pattern it illustrates.
        table.illustrated_by = {docnums[item]: [docnums[p] for p in patterns if p in docnums]
                                for item, patterns in illustrates.items() if item in docnums}
        table.write(path)
    ix.close()
    links = dict(related=related, checklist=checklist, illustrates=illustrates)
    (path / LINKS).write_text(json.dumps(links, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    records = [dict(key=u.key, guide=u.guide, docs=u.docs, segment=segment.segment_id(),
                    files=segments.segment_files(path, segment)) for u, segment in zip(units, written)]
    known = {name: previous.meta["files"][name] for name in linked
             if previous is not None and name in previous.meta.get("files", {})}
    meta = dict(unit_format=segments.UNIT_FORMAT, units=records, written=to_write)
    return len(ids), to_write, meta, known


def _related(kb: KnowledgeBase, searcher, table: DocTable, docnums: dict[str, int]):
    noise = vocabulary.keywords(kb)
    pattern_filter = Term("kind", "pattern")
    ids = {n: i for i, n in docnums.items()}

    key_terms: dict[int, set[str]] = {}

    def code_terms(docnum: int) -> set[str]:
        if docnum not in key_terms:
            key_terms[docnum] = {t for t, _ in searcher.key_terms([docnum], "pattern_code", numterms=40)}
        return key_terms[docnum]

    many = sum(1 for e in kb.entries if e.kind == "pattern") > MLT_MAX_PATTERNS

    reader = searcher.reader()
    common = max(2, int(sum(1 for k in table.kinds if k == "pattern") * vocabulary.COMMON_SHARE))

    def telling_terms(terms: set[str]) -> set[str]:
        # Identifiers few patterns' code has: what most of the code says relates nothing.
        return {t for t in vocabulary.telling(terms, noise)
                if t.isidentifier() and reader.doc_frequency("pattern_code", t) <= common}

    def similar(pid: str) -> list[tuple[str, float, list[str]]]:
        docnum = docnums.get(pid)
        if docnum is None or many:
            return []
        mine = telling_terms(code_terms(docnum))
        out: dict[str, float] = {}
        for fieldname in ("pattern_code", "prose"):
            # numterms well above the default 5: on a small corpus 5 terms find little.
            results = searcher.more_like(docnum, fieldname, top=8, numterms=40, filter=pattern_filter)
            top = results[0].score if len(results) else 1.0
            for hit in results:
                other = ids[hit.docnum]
                out[other] = max(out.get(other, 0.0), hit.score / top if top else 0.0)
        similar_to = []
        for other, score in sorted(out.items()):
            shared = sorted(mine & code_terms(docnums[other]), key=lambda t: (len(t) < 4, t))
            similar_to.append((other, score, [t for t in shared if len(t) > 2][:3]))
        return similar_to

    postings = Postings(searcher)
    # The words naming each pattern: its title's but the fillers ("Pattern", "Best Practices"),
    # filed under the rarest of them, so that an item is checked against few patterns.
    fillers = vocabulary.TITLE_FILLERS | vocabulary.FUNCTION_WORDS | PLAIN_WORDS
    title_stems = {docnums[p.id]: frozenset(stem for w in p.title.split() if w.lower() not in fillers
                                            for stem in analyze(_PROSE, w)) for p in kb.patterns if p.id in docnums}
    stem_counts = Counter(stem for stems in title_stems.values() for stem in stems)
    named_by: dict[str, list[tuple[int, frozenset[str]]]] = defaultdict(list)
    for d, stems in title_stems.items():
        if stems:
            named_by[min(stems, key=lambda stem: (stem_counts[stem], stem))].append((d, stems))

    def patterns_for_text(text: str, symbols: list[str]) -> list[tuple[str, float]]:
        # The item's content words (stemmed, no stop words, no advice verbs) and its code.
        words = [w for w in text.split() if w.lower() not in PLAIN_WORDS
                 and (stem := analyze(_PROSE, w)) and stem[0] not in _ADVICE_WORDS]
        words += [s for s in symbols if s not in words]
        words = list(dict.fromkeys(w.strip("`.,()") for w in words if len(w.strip("`.,()")) > 2))
        if not words:
            return []
        # A word counts for a pattern when the pattern or one of its snippets (their titles and
        # the identifiers they use) holds it.
        per_word = [_by_pattern(table, word_scores(postings, w, prefix=False, fuzzy=False, boosts=LINK_BOOSTS))
                    for w in words]
        # Two words must match when there are three or more: one shared word is chance, unless
        # the item names the pattern: every word of its title ("Use newtypes …", Newtype Pattern).
        needed = 2 if len(words) >= 3 else 1
        matched = Counter(d for scores in per_word for d in scores)
        said = {stem for w in text.split() for stem in analyze(_PROSE, w)}
        named = {d for stem in said for d, title in named_by.get(stem, ()) if title <= said}
        scored = summed(per_word)
        best = sorted((d for d, n in matched.items() if n >= needed or d in named),
                      key=lambda d: (-scored[d], d))[:5]
        return [(ids[d], scored[d]) for d in best]

    return compute_related(kb, similar, patterns_for_text, noise)


# A word in one of a pattern's snippets says less of the pattern than a word of the pattern's own.
SNIPPET_LINK_WEIGHT = 0.5


def _by_pattern(table: DocTable, scores: dict[int, float]) -> dict[int, float]:
    """Scores by pattern: its own, or a snippet's (weighed SNIPPET_LINK_WEIGHT), the best counting."""
    out: dict[int, float] = {}
    for docnum, score in scores.items():
        entry = table.entry_of(docnum)
        if entry != docnum:
            score *= SNIPPET_LINK_WEIGHT
        if table.kinds[entry] == "pattern" and score > out.get(entry, 0.0):
            out[entry] = score
    return out


# Words every checklist item uses to give advice: they say nothing about which pattern it means.
_ADVICE_WORDS = frozenset(analyze(_PROSE, """use using implement proper properly provide prefer avoid make
all when need needed not just follow keep consider handle set add run write design support
appropriate possible sensible""") + ["design"])

def defines_by_doc(kb: KnowledgeBase) -> dict[str, str]:
    """Identifiers an exact query pins to a document: items a pattern or snippet defines."""
    out: dict[str, str] = {}
    for entry in kb.entries:
        if isinstance(entry, Pattern):
            out[entry.id] = " ".join(entry.defines)
            defined = set(entry.defines)
            for n, snippet in enumerate(entry.snippets):
                out[snippet_anchor(entry.id, n, snippet.title)] = " ".join(s for s in snippet.symbols if s in defined)
    return out
