"""Building a generation of the index from a KB: its segments (segments.py: written in worker
processes, or linked from the previous generation where a unit's lines did not change), each
unit's facts (units.py), and from those the doc table and the related links between patterns and
checklist items (links.jsonl)."""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.query import Or, Term

from patternkb.index import segments, spelling, vocabulary
from patternkb.index.analysis import analyze, prose_analyzer, stemmer
from patternkb.index.doctable import NO_PARENT, DocTable
from patternkb.index.documents import ORDER_STRIDE
from patternkb.index.mapped import open_index
from patternkb.index.postings import Postings, summed
from patternkb.index.query import PLAIN_WORDS
from patternkb.index.related import Relations, finish, relate
from patternkb.index.scoring import word_scores
from patternkb.index.storage import LINKS, GenerationHold, IndexCorrupt, IndexStore
from patternkb.index.units import (
    UNIT_FORMAT, ItemFacts, KBSource, PatternFacts, facts_name, keywords, make_facts, read_facts, write_facts,
)
from patternkb.kb.collector import collector_paused

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


def build_generation(fingerprint: str, source: KBSource, store: IndexStore, progress: Progress | None = None,
                     previous: GenerationHold | None = None, procs: int | None = None) -> tuple[int, str, int]:
    """Index the KB of `source` (whose key the generation records) into a new generation of
    `store` and publish it (call with the writer lock held). With `previous` (a verified
    generation held), the units whose lines it indexed already are linked from it, neither
    parsed nor written again (units.py). Returns (documents indexed, the generation's name,
    documents written)."""
    path = store.new_generation()
    try:
        # The doc table, facts and links of 50,000 entries: the collector's passes over them took
        # a third of a re-index (kb/collector.py).
        with collector_paused():
            count, written, meta, known = _write_generation(source, path, progress, previous,
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
    if previous is None or previous.meta.get("unit_format") != UNIT_FORMAT:
        return {}
    try:
        toc = TOC.read(FileStorage(str(previous.path)), segments.INDEX_NAME)
    except Exception:  # Whoosh raises many kinds on a damaged index: then build everything
        log.debug("cannot read the previous generation's segments", exc_info=True)
        return {}
    by_id = {segment.segment_id(): segment for segment in toc.segments}
    return {unit["key"]: (unit, by_id[unit["segment"]]) for unit in previous.meta.get("units", [])
            if unit.get("segment") in by_id}


def _write_generation(source: KBSource, path: Path, progress: Progress | None,
                      previous: GenerationHold | None, procs: int) -> tuple[int, int, dict, dict[str, str]]:
    before = _previous_units(previous)
    records: list[dict] = []

    def work():
        """Each unit in turn: linked when the previous generation has it, else parsed and made
        into documents (one unit in memory at a time) for a worker to write."""
        for number, unit in enumerate(source.units()):
            record = dict(key=unit.key, guide=unit.guide, first=unit.first, entries=unit.count,
                          facts=facts_name(unit.key))
            records.append(record)
            old = before.get(unit.key)
            if old is not None:
                record["docs"] = old[0]["docs"]
                yield number, segments.Reused(old[1], [*old[0]["files"], record["facts"]]), unit.count
                continue
            entries = source.entries(unit)
            docs = source.documents(unit, entries)
            write_facts(path, unit.key, make_facts(entries, docs))
            record["docs"] = len(docs)
            yield number, docs, unit.count

    def meanwhile():
        """What needs the units' facts only, made while workers write the last units: the doc
        table, the code's keywords and the patterns' relations before the index is asked."""
        table, ids, patterns, items, samples = _gather(path, records)
        docnums = {doc_id: n for n, doc_id in enumerate(ids)}
        stems = stemmer(_PROSE)
        return table, ids, items, docnums, relate(patterns, keywords(samples), stems), _naming(patterns, docnums, stems)

    total = sum(count for _, count in source.guide_entries)
    written, linked, to_write, made = segments.write_segments(path, work(), previous.path if previous else None,
                                                              procs, progress, total, meanwhile)
    table, ids, items, docnums, relations, named_by = made
    ix = open_index(path)
    with ix.searcher() as searcher:
        if searcher.reader().doc_count_all() != len(ids):
            raise IndexCorrupt(f"the segments hold {searcher.reader().doc_count_all()} documents, "
                               f"the KB {len(ids)}", file=path)
        spelling.write_words(searcher.reader(), path)
        related, checklist, illustrates = _related(relations, named_by, items, searcher, table, docnums)
        # Grouping folds a matching checklist item into a matching pattern it illustrates.
        table.illustrated_by = {docnums[item]: [docnums[p] for p in found if p in docnums]
                                for item, found in illustrates.items() if item in docnums}
        table.write(path)
    ix.close()
    links = dict(related=related, checklist=checklist, illustrates=illustrates)
    # A line per entry and kind of link: read line by line, never one long parse (a window
    # reading 25 MB of JSON at once could not paint meanwhile).
    with open(path / LINKS, "w", encoding="utf-8") as fh:
        for kind, by_id in sorted(links.items()):
            for entry_id, value in sorted(by_id.items()):
                fh.write(json.dumps([kind, entry_id, value], separators=(",", ":"), ensure_ascii=False) + "\n")
    for record, segment in zip(records, written):
        record.update(segment=segment.segment_id(), files=segments.segment_files(path, segment))
        del record["first"]  # where a unit stands is this generation's, not the unit's
    known = {name: previous.meta["files"][name] for name in linked
             if previous is not None and name in previous.meta.get("files", {})}
    meta = dict(unit_format=UNIT_FORMAT, units=records, written=to_write)
    return len(ids), to_write, meta, known


def _gather(path: Path, records: list[dict]):
    """The doc table, document ids, pattern and item facts, and code samples of every unit, from
    their facts files, in KB order (positions made absolute)."""
    kinds, sections, orders, parents, ids, history = [], [], [], [], [], []
    titles: dict[str, str] = {}
    patterns: list[PatternFacts] = []
    items: list[ItemFacts] = []
    samples: list[dict] = []
    for record in records:
        try:
            facts = read_facts(path, record["facts"])
            base, order_base = len(ids), record["first"] * ORDER_STRIDE
            for doc_id, kind, section, order, parent in facts["docs"]:
                ids.append(doc_id)
                kinds.append(kind)
                sections.append(section)
                orders.append(order + order_base)
                parents.append(parent + base if parent >= 0 else NO_PARENT)
            titles.update(facts["section_titles"])
            history += [base + position for position in facts["history"]]
            patterns += [PatternFacts(**dict(p, order=p["order"] + record["first"])) for p in facts["patterns"]]
            items += [ItemFacts(**i) for i in facts["items"]]
            samples.append(facts["samples"])
        except (OSError, ValueError, TypeError, KeyError) as exc:  # a facts file damaged in its rows
            raise IndexCorrupt(f"cannot read {record['facts']}: {exc}", file=path) from None
    table = DocTable(kinds=kinds, sections=sections, orders=orders, section_titles=titles, parents=parents,
                     history=history)
    return table, ids, patterns, items, samples


def _naming(patterns: list[PatternFacts], docnums: dict[str, int],
            stems: Callable[[str], tuple[str, ...]]) -> dict[str, list[tuple[int, frozenset[str]]]]:
    """The words naming each pattern: its title's but the fillers ("Pattern", "Best Practices"),
    filed under the rarest of them, so that a checklist item is checked against few patterns."""
    fillers = vocabulary.TITLE_FILLERS | vocabulary.FUNCTION_WORDS | PLAIN_WORDS
    title_stems = {docnums[p.id]: frozenset(stem for w in p.title.split() if w.lower() not in fillers
                                            for stem in stems(w)) for p in patterns if p.id in docnums}
    stem_counts = Counter(stem for named in title_stems.values() for stem in named)
    named_by: dict[str, list[tuple[int, frozenset[str]]]] = defaultdict(list)
    for d, named in title_stems.items():
        if named:
            named_by[min(named, key=lambda stem: (stem_counts[stem], stem))].append((d, named))
    return named_by


def _related(relations: Relations, named_by: dict[str, list[tuple[int, frozenset[str]]]], items: list[ItemFacts],
             searcher, table: DocTable, docnums: dict[str, int]):
    """The related links (related.finish), asking the index for the patterns like each
    pattern's code and prose, and for those each checklist item illustrates."""
    patterns, noise = relations.patterns, relations.noise
    ids = {n: i for i, n in docnums.items()}
    many = len(patterns) > MLT_MAX_PATTERNS
    # A pattern's code is indexed in its snippets' documents (the "code" field): its key terms
    # are theirs, and code like it is found among all snippets, then counted for their patterns.
    snippets_of: dict[int, list[int]] = defaultdict(list)
    for docnum, kind in enumerate(table.kinds):
        if kind == "snippet":
            snippets_of[table.parents[docnum]].append(docnum)
    common = max(2, int(len(patterns) * vocabulary.COMMON_SHARE))
    postings = Postings(searcher)
    key_terms: dict[int, list[tuple[str, float]]] = {}

    def code_key_terms(docnum: int) -> list[tuple[str, float]]:
        if docnum not in key_terms:
            mine = snippets_of.get(docnum, [])
            key_terms[docnum] = searcher.key_terms(mine, "code", numterms=40) if mine else []
        return key_terms[docnum]

    def code_terms(docnum: int) -> set[str]:
        return {t for t, _ in code_key_terms(docnum)}

    def patterns_with(term: str) -> int:
        return len({table.parents[d] for d in postings.docs("code", term)})

    def telling_terms(terms: set[str]) -> set[str]:
        # Identifiers few patterns' code has: what most of the code says relates nothing.
        return {t for t in vocabulary.telling(terms, noise) if t.isidentifier() and patterns_with(t) <= common}

    def like(docnum: int, fieldname: str, kind: str, terms: list[tuple[str, float]]) -> dict[int, float]:
        """The patterns whose documents of `kind` are most like the weighted `terms` in
        `fieldname`, best 8, scored relative to the best (Whoosh's more_like_this, with the
        pattern's key terms gathered from all its documents of that kind)."""
        if not terms:
            return {}
        query = Or([Term(fieldname, t, boost=weight) for t, weight in terms])
        found: dict[int, float] = {}
        for hit in searcher.search(query, limit=40, filter=Term("kind", kind)):
            owner = table.entry_of(hit.docnum)
            if owner != docnum and table.kinds[owner] == "pattern":
                found[owner] = max(found.get(owner, 0.0), hit.score)
        best = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
        top = best[0][1] if best else 1.0
        return {d: score / top if top else 0.0 for d, score in best}

    def similar(pid: str) -> list[tuple[str, float, list[str]]]:
        docnum = docnums.get(pid)
        if docnum is None or many:
            return []
        mine = telling_terms(code_terms(docnum))
        out: dict[str, float] = {}
        # numterms well above the default 5: on a small corpus 5 terms find little.
        prose = searcher.key_terms([docnum], "prose", numterms=40)
        for found in (like(docnum, "code", "snippet", code_key_terms(docnum)),
                      like(docnum, "prose", "pattern", prose)):
            for other, score in found.items():
                out[ids[other]] = max(out.get(ids[other], 0.0), score)
        similar_to = []
        for other, score in sorted(out.items()):
            shared = sorted(mine & code_terms(docnums[other]), key=lambda t: (len(t) < 4, t))
            similar_to.append((other, score, [t for t in shared if len(t) > 2][:3]))
        return similar_to

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

    return finish(relations, items, similar, patterns_for_text)


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
