"""Term postings read straight from a Whoosh segment, scored once and cached per searcher.

Whoosh answers a query through a tree of matcher objects: one Python call per posting per node.
A word becomes about a dozen term clauses (title, symbols, prose, code, ...), so a two-word query
over 50,000 documents walked the tree for over a second. Here each term's postings are read a
block at a time, scored once with Whoosh's own BM25F formula (same idf, same field-length
bytes) and kept; a query is then a sum over a few cached score lists.

Everything here reads the index Whoosh wrote; nothing writes it.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterator

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length

# Whoosh's BM25F defaults, as the searchers use them.
B = 0.75
K1 = 1.2
_LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]

ScoreList = tuple[array, array]  # (docnums, scores), docnums ascending


class Postings:
    """One per searcher (so one per thread). `scores(field, term)` gives every document holding
    the term and its BM25F score in that field; `expand(field, prefix)` and `fuzzy(...)` give
    the terms a partial or misspelt word stands for. All results are cached, least recently
    used first out, up to `max_postings` postings (12 bytes each)."""

    def __init__(self, searcher, max_postings: int = 2_000_000):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = self.reader.schema
        self.doc_count = self.reader.doc_count_all()
        self._leaves = list(self.reader.leaf_readers())
        self._lengths: dict[str, list[list[int] | None]] = {}
        self._cache: OrderedDict[tuple, object] = OrderedDict()
        self._held = 0
        self.max_postings = max_postings

    # --- caching --------------------------------------------------------------------------

    def _cached(self, key: tuple, make, size):
        value = self._cache.get(key)
        if value is not None:
            self._cache.move_to_end(key)
            return value
        value = make()
        self._cache[key] = value
        self._held += size(value)
        while self._held > self.max_postings and len(self._cache) > 1:
            _, old = self._cache.popitem(last=False)
            self._held -= size(old)
        return value

    # --- postings -------------------------------------------------------------------------

    def scores(self, field: str, text: str) -> ScoreList:
        return self._cached(("s", field, text), lambda: self._read(field, text), lambda v: len(v[0]))

    def docs(self, field: str, text: str) -> array:
        return self.scores(field, text)[0]

    def _read(self, field: str, text: str) -> ScoreList:
        docnums, scores = array("i"), array("d")
        if field not in self.schema or (field, text) not in self.reader:
            return docnums, scores
        scorable = self.schema[field].scorable
        if scorable:
            idf = math.log(self.doc_count / (self.reader.doc_frequency(field, text) + 1)) + 1
            avg = (self.reader.field_length(field) / (self.doc_count or 1)) or 1.0
            lengths = self._field_lengths(field)
        for n, (leaf, base) in enumerate(self._leaves):
            if (field, text) not in leaf:
                continue
            matcher = leaf.postings(field, text)
            leaf_lengths = lengths[n] if scorable else None
            for ids, weights in _blocks(matcher):
                for docnum, weight in zip(ids, weights):
                    if scorable:
                        length = leaf_lengths[docnum] if leaf_lengths is not None \
                            else leaf.doc_field_length(docnum, field, 1) or 1
                        score = idf * (weight * (K1 + 1)) / (weight + K1 * ((1 - B) + B * length / avg))
                    else:
                        score = weight  # Whoosh scores an unscorable field by the term's weight
                    docnums.append(docnum + base)
                    scores.append(score)
        return docnums, scores

    def _field_lengths(self, field: str) -> list[list[int] | None]:
        """Each leaf's per-document length of `field`, as Whoosh quantises it (None: read per
        document instead, when the segment's layout is not the one this reads)."""
        if field not in self._lengths:
            self._lengths[field] = [_length_column(leaf, field) for leaf, _ in self._leaves]
        return self._lengths[field]

    # --- term expansion -------------------------------------------------------------------

    def expand(self, field: str, prefix: str, limit: int = 64) -> tuple[str, ...]:
        """The terms of `field` starting with `prefix`: the `limit` held by most documents, so
        a one-letter prefix on a large index stays bounded."""
        def make():
            if field not in self.schema:
                return ()
            # Segment by segment: the whole index's iter_prefix asks every segment about every
            # term it finds (1,356 terms of 50 segments: 0.8 s).
            frequency: Counter[bytes] = Counter()
            for leaf, _ in self._leaves:
                for term, info in leaf.iter_prefix(field, prefix):
                    frequency[term] += info.doc_frequency()
            found = sorted(((n, term) for term, n in frequency.items()), key=lambda item: item[1])  # lexical
            if len(found) > limit:
                found = sorted(found, key=lambda item: (-item[0], item[1]))[:limit]
            return tuple(_text(term) for _, term in found)

        return self._cached(("p", field, prefix, limit), make, len)

    def fuzzy(self, field: str, text: str, maxdist: int, prefix: int = 1, limit: int = 32) -> tuple[str, ...]:
        """Terms of `field` within `maxdist` edits of `text` sharing its first `prefix` letters."""
        def make():
            if field not in self.schema:
                return ()
            found = sorted(self.reader.terms_within(field, text, maxdist, prefix=prefix))
            if len(found) > limit:
                found = sorted(found, key=lambda t: (-self.reader.doc_frequency(field, t), t))[:limit]
            return tuple(found)

        return self._cached(("f", field, text, maxdist, prefix, limit), make, len)

    def union(self, field: str, terms: tuple[str, ...]) -> set[int]:
        """Documents holding any of `terms` in `field`."""
        out: set[int] = set()
        for term in terms:
            out.update(self.docs(field, term))
        return out

    def best(self, field: str, terms: tuple[str, ...]) -> tuple[list[int], list[float]]:
        """Documents holding any of `terms` in `field`, each scored by its best term."""
        if len(terms) == 1:
            return self.scores(field, terms[0])
        out: dict[int, float] = {}
        get = out.get
        for term in terms:
            for docnum, score in zip(*self.scores(field, term)):
                if score > get(docnum, 0.0):
                    out[docnum] = score
        return list(out), list(out.values())


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _blocks(matcher) -> Iterator[tuple]:
    """(docnums, weights) a block at a time from Whoosh 3 leaf postings; one posting at a time
    from any other matcher."""
    if all(hasattr(matcher, name) for name in ("_read_ids", "_read_weights", "_next_block", "_ids")):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            yield matcher._ids, matcher._weights
            matcher._next_block()
        return
    while matcher.is_active():
        yield (matcher.id(),), (matcher.weight(),)
        matcher.next()


def _length_column(leaf, field: str) -> list[int] | None:
    """All of a segment's length bytes for `field` in one read (Whoosh would unpack them one
    document at a time), mapped through Whoosh's byte-to-length table."""
    perdoc = getattr(leaf, "_perdoc", None)
    try:
        reader = perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        if reader is None:
            return [1] * leaf.doc_count_all()
        raw = reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen)
    except AttributeError:
        return None
    if reader._fixedlen != 1:
        return None
    lengths = [_LENGTH_OF_BYTE[b] or 1 for b in raw]
    lengths.extend([1] * (leaf.doc_count_all() - len(lengths)))
    return lengths


def summed(maps: list[dict[int, float]]) -> dict[int, float]:
    """Each document's scores added up over several {docnum: score} maps."""
    out = dict(maps[0])
    get = out.get
    for other in maps[1:]:
        for docnum, score in other.items():
            out[docnum] = get(docnum, 0.0) + score
    return out
