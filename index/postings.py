"""Term postings read straight from a Whoosh segment, scored once and cached per generation.

Whoosh answers a query through a tree of matcher objects: one Python call per posting per node.
A word becomes about a dozen term clauses (title, symbols, prose, code, ...), so a two-word query
over 50,000 documents walked the tree for over a second. Here each term's postings are read a
block at a time and scored with NumPy, by Whoosh's own BM25F formula (same idf, same
field-length bytes), and kept; a query is then a sum over a few cached score arrays.

Everything here reads the index Whoosh wrote; nothing writes it.
"""

from __future__ import annotations

import encodings.latin_1  # noqa: F401 - unpickling a Whoosh block imports it on first use (see searchers.py)
import math
import threading
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterator
from itertools import accumulate, repeat

import numpy as np

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

# Whoosh's BM25F defaults, as the searchers use them.
B = 0.75
K1 = 1.2
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)

ScoreList = tuple[np.ndarray, np.ndarray]  # (docnums, scores), docnums ascending
def _read_only(values: np.ndarray) -> np.ndarray:
    """Cached arrays are handed to every search: none may change them."""
    values.setflags(write=False)
    return values


_NONE: ScoreList = (_read_only(np.zeros(0, dtype=np.int32)), _read_only(np.zeros(0)))


class TermCache:
    """What the searchers of one generation have read and worked out, shared by their threads
    (a search may run on any thread of the window's pool): scored postings and term expansions,
    least recently used first out past `max_postings` postings (12 bytes each), and each field's
    length bytes and norms. Nothing in it changes once made."""

    def __init__(self, max_postings: int = 2_000_000):
        self.max_postings = max_postings
        self.lengths: dict[str, list[np.ndarray | None]] = {}
        self.norms: dict[str, np.ndarray] = {}
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    def get(self, key: tuple, make, size):
        """The value of `key`, made by `make()` (outside the lock) when missing; `size(value)`
        is what it counts for, kept with it: the cache holds values of several kinds."""
        with self._lock:
            held = self._items.get(key)
            if held is not None:
                self._items.move_to_end(key)
                return held[0]
        value = make()
        with self._lock:
            if key not in self._items:
                counted = max(size(value), 1)  # a term no document has counts too, or never goes
                self._items[key] = (value, counted)
                self._held += counted
            while self._held > self.max_postings and len(self._items) > 1:
                _, (_, counted) = self._items.popitem(last=False)
                self._held -= counted
        return value


class Postings:
    """One per searcher (so one per thread). `scores(field, term)` gives every document holding
    the term and its BM25F score in that field; `expand(field, prefix)` and `fuzzy(...)` give
    the terms a partial or misspelt word stands for. Results go to `cache`, which the searchers
    of one generation share."""

    def __init__(self, searcher, cache: TermCache | None = None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = self.reader.schema
        self.doc_count = self.reader.doc_count_all()
        self._leaves = list(self.reader.leaf_readers())
        self.cache = cache or TermCache()

    # --- postings -------------------------------------------------------------------------

    def scores(self, field: str, text: str) -> ScoreList:
        return self.cache.get(("s", field, text), lambda: self._read(field, text), lambda v: len(v[0]))

    def docs(self, field: str, text: str) -> list[int]:
        return self.scores(field, text)[0].tolist()

    def _read(self, field: str, text: str) -> ScoreList:
        if field not in self.schema:
            return _NONE
        found, frequency = [], 0  # (leaf number, its first docnum, the term's postings there)
        for n, (leaf, base) in enumerate(self._leaves):
            try:  # a segment without the term is asked once: term_info raises
                frequency += leaf.term_info(field, text).doc_frequency()
                found.append((n, base, leaf.postings(field, text)))
            except TermNotFound:
                continue
        if not found:
            return _NONE
        scorable = self.schema[field].scorable
        if scorable:
            # BM25F: idf * w * (K1 + 1) / (w + K1 * (1 - B + B * length / avg)). Whoosh stores a
            # document's length in a byte, so the right-hand part is looked up by that byte.
            lift = (math.log(self.doc_count / (frequency + 1)) + 1) * (K1 + 1)
            norm = self._norms(field)
            lengths = self._field_lengths(field)
        docnums, scores = [], []
        for n, base, matcher in found:
            ids, weights = _postings_of(matcher)
            if scorable:  # (unscorable: Whoosh scores a field by the term's weight)
                length_bytes = lengths[n] if lengths[n] is not None else _length_bytes_of(self._leaves[n][0], field)
                weights = lift * weights / (weights + norm[length_bytes[ids]])
            docnums.append(ids + base)
            scores.append(weights)
        return _read_only(np.concatenate(docnums)), _read_only(np.concatenate(scores))

    def warm(self) -> None:
        """Read what every search needs first (each scored field's length bytes), so that the
        first search need not: for a background thread to call once the index is open."""
        for field in self.schema.scorable_names():
            self._field_lengths(field)
            self._norms(field)

    def _norms(self, field: str) -> np.ndarray:
        """K1 * (1 - B + B * length / average length) for each byte a length is stored as."""
        norms = self.cache.norms
        if field not in norms:
            avg = (self.reader.field_length(field) / (self.doc_count or 1)) or 1.0
            norms[field] = K1 * ((1 - B) + B * np.maximum(_LENGTH_OF_BYTE, 1) / avg)
        return norms[field]

    def _field_lengths(self, field: str) -> list[np.ndarray | None]:
        """Each leaf's per-document length bytes of `field` (None: read per document instead,
        when the segment's layout is not the one this reads)."""
        lengths = self.cache.lengths
        if field not in lengths:
            lengths[field] = [_length_column(leaf, field) for leaf, _ in self._leaves]
        return lengths[field]

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

        return self.cache.get(("p", field, prefix, limit), make, len)

    def fuzzy(self, field: str, text: str, maxdist: int, prefix: int = 1, limit: int = 32) -> tuple[str, ...]:
        """Terms of `field` within `maxdist` edits of `text` sharing its first `prefix` letters."""
        def make():
            if field not in self.schema:
                return ()
            found = sorted(self.reader.terms_within(field, text, maxdist, prefix=prefix))
            if len(found) > limit:
                found = sorted(found, key=lambda t: (-self.reader.doc_frequency(field, t), t))[:limit]
            return tuple(found)

        return self.cache.get(("f", field, text, maxdist, prefix, limit), make, len)

    def best(self, field: str, terms: tuple[str, ...]) -> ScoreList:
        """Documents holding any of `terms` in `field`, each scored by its best term."""
        if len(terms) == 1:
            return self.scores(field, terms[0])
        out = np.zeros(self.doc_count)
        for term in terms:
            docnums, scores = self.scores(field, term)
            out[docnums] = np.maximum(out[docnums], scores)  # a term's documents are distinct
        docnums = np.flatnonzero(out)
        return _read_only(docnums), _read_only(out[docnums])


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _postings_of(matcher) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, weights) of all a segment's postings of a term. From Whoosh 3 leaf postings a
    block is read as Whoosh stores it (a tuple of docnum deltas and weights) and decoded with C
    loops: Whoosh's own decoding adds a Python call per posting. Any other matcher is walked
    one posting at a time."""
    ids, weights = array("i"), array("f")
    for block_ids, block_weights in _blocks(matcher):
        ids.extend(block_ids)
        weights.extend(block_weights)
    return np.frombuffer(ids, dtype=np.int32), np.frombuffer(weights, dtype=np.float32).astype(np.float64)


def _blocks(matcher) -> Iterator[tuple]:
    """(docnums, weights) a block at a time from Whoosh 3 leaf postings; one posting at a time
    from any other matcher."""
    if all(hasattr(matcher, name) for name in ("_read_data", "_data", "_byteids", "_blocklength", "_next_block")):
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            ids, weights = matcher._data[0], matcher._data[1]
            if not matcher._byteids:
                ids = accumulate(ids)
            if weights is None or isinstance(weights, float):
                weights = repeat(1.0 if weights is None else weights, matcher._blocklength)
            yield ids, weights
            matcher._next_block()
        return
    while matcher.is_active():
        yield (matcher.id(),), (matcher.weight(),)
        matcher.next()


def _length_bytes_of(leaf, field: str) -> np.ndarray:
    """A segment's per-document field length bytes, asked of Whoosh one document at a time."""
    return np.array([length_to_byte(leaf.doc_field_length(docnum, field, 0)) for docnum in range(leaf.doc_count_all())],
                    dtype=np.uint8)


def _length_column(leaf, field: str) -> np.ndarray | None:
    """All of a segment's length bytes for `field` in one read (Whoosh would unpack them one
    document at a time); Whoosh's byte_to_length gives the lengths they stand for."""
    perdoc = getattr(leaf, "_perdoc", None)
    try:
        reader = perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        if reader is None:
            return np.zeros(leaf.doc_count_all(), dtype=np.uint8)
        raw = reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen)
    except AttributeError:
        return None
    if reader._fixedlen != 1:
        return None
    column = np.zeros(leaf.doc_count_all(), dtype=np.uint8)
    column[:len(raw)] = np.frombuffer(raw, dtype=np.uint8)
    return column


def summed(maps: list[dict[int, float]]) -> dict[int, float]:
    """Each document's scores added up over several {docnum: score} maps."""
    out = dict(maps[0])
    get = out.get
    for other in maps[1:]:
        for docnum, score in other.items():
            out[docnum] = get(docnum, 0.0) + score
    return out
