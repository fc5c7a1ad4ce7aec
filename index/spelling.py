"""Spelling correction: which typed words the index does not know, and the closest word it does.

The dictionary is every word of the index's "spell" field, written once per generation, sorted
(WORDS_FILE): reading it takes milliseconds where merging the term lists of 50 segments took
most of a second, and a word two edits off is found in it, among the words of its first letter,
without walking a term list.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Sequence
from pathlib import Path

from whoosh.support.levenshtein import damerau_levenshtein

from patternkb.index.analysis import analyze
from patternkb.index.query import PLAIN_WORDS
from patternkb.index.scoring import ANALYZER_OF, MAX_FUZZY, PREFIX_FIELDS, PROSE


def known(reader, word: str, *, prefix: bool, sorted_words: Sequence[str] | None = None) -> bool:
    """Whether some field of the index holds `word` (or, for a word being typed, a term it starts).
    With `sorted_words` (the spelling words), a word being typed is known when one of them starts
    with it as typed: its stem starts more ("compresion" stems to "compres", which "compress"
    starts, and was never corrected)."""
    if len(word) <= 2 or not analyze(PROSE, word) or word.lower() in PLAIN_WORDS:
        return True  # short words and the words of a question are never "corrected"
    if prefix and sorted_words is not None and starts_some(sorted_words, word.lower()):
        return True
    for fieldname, analyzer in ANALYZER_OF.items():
        for token in analyze(analyzer, word)[:1]:
            if reader.doc_frequency(fieldname, token):
                return True
            # A word being typed starts a term as typed, not as stemmed ("compres", the stem of
            # "compresion", starts "compress"): a title's piece ("middlew" of GZipMiddleware) too.
            if prefix and fieldname in PREFIX_FIELDS and (sorted_words is None or token == word.lower()):
                for _ in reader.expand_prefix(fieldname, token):
                    return True
    return reader.doc_frequency("crates", word.lower()) > 0


def starts_some(sorted_words: Sequence[str], start: str) -> bool:
    """Whether a word of the sorted dictionary starts with `start` (by bisection)."""
    at = bisect.bisect_left(sorted_words, start)
    return at < len(sorted_words) and sorted_words[at].startswith(start)


WORDS_FILE = "spelling.bin"
_MAGIC = b"patternkb spelling 1\n"


def write_words(reader, directory: Path) -> None:
    """The spelling dictionary of a generation: the "spell" field's words, sorted, as one block of
    UTF-8 and the offset of each word in it."""
    words = sorted(t.decode("utf-8", "replace") if isinstance(t, bytes) else t for t in reader.lexicon("spell"))
    blob = "".join(words).encode("utf-8")
    offsets, at = array("I", [0]), 0
    for word in words:
        at += len(word.encode("utf-8"))
        offsets.append(at)
    with open(Path(directory) / WORDS_FILE, "wb") as fh:
        fh.write(_MAGIC + len(words).to_bytes(8, "little") + offsets.tobytes() + blob)


class SpellingWords(Sequence):
    """A generation's spelling words, sorted, each decoded when it is looked at: bisection needs a
    few dozen of 400,000 (as Python strings they took 40 MB of a search process at 50,000 entries)."""

    def __init__(self, data: bytes):
        if not data.startswith(_MAGIC):
            raise ValueError(f"{WORDS_FILE} is not a spelling dictionary")
        count = int.from_bytes(data[len(_MAGIC):len(_MAGIC) + 8], "little")
        start = len(_MAGIC) + 8
        self._offsets = array("I")
        self._offsets.frombytes(data[start:start + 4 * (count + 1)])
        self._blob = data[start + 4 * (count + 1):]
        if len(self._offsets) != count + 1 or self._offsets[-1] != len(self._blob):
            raise ValueError(f"{WORDS_FILE} is cut short")

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        return self._blob[self._offsets[index]:self._offsets[index + 1]].decode("utf-8")


def read_words(directory: Path) -> SpellingWords:
    """The generation's spelling words. Raises OSError when the file is missing, ValueError when
    it is not one."""
    return SpellingWords((Path(directory) / WORDS_FILE).read_bytes())


def within_two(word: str, sorted_words: Sequence[str]) -> list[tuple[int, str]]:
    """(distance, word) for the dictionary's words of the same first letter within two edits."""
    if not word:
        return []
    start = bisect.bisect_left(sorted_words, word[0])
    end = bisect.bisect_left(sorted_words, chr(ord(word[0]) + 1))
    found = []
    for other in sorted_words[start:end]:
        if abs(len(other) - len(word)) <= 2 and (distance := damerau_levenshtein(word, other, 3)) <= 2:
            found.append((distance, other))
    return found


def has(sorted_words: Sequence[str], word: str) -> bool:
    """Whether the sorted dictionary holds `word` (a lookup by bisection: no set of its words,
    which took 40 MB at 50,000 entries)."""
    at = bisect.bisect_left(sorted_words, word)
    return at < len(sorted_words) and sorted_words[at] == word


def correct(searcher, words: list[str], *, last_is_prefix: bool, sorted_words: Sequence[str]) -> tuple[list[str], bool]:
    """(the words with each unknown one replaced by the index's closest, whether each word replaced
    is one edit off: a likely typo ("mutx"), where two edits may be another word ("flask")).
    A word one edit off a word of `sorted_words` (the index's spelling words, sorted) is that
    word, the most used if several are; else the closest within two edits, the most used of the
    closest."""
    reader = searcher.reader()
    last = len(words) - 1
    corrected = list(words)
    close = True

    def closest(word: str) -> str | None:
        nonlocal close
        if len(word) > MAX_FUZZY:
            return None
        word = word.lower()
        near = sorted(w for w in edits1(word) if has(sorted_words, w))
        if near:
            return max(near, key=lambda w: reader.doc_frequency("spell", w))
        two = within_two(word, sorted_words)
        if not two:
            return None
        distance, found = min(two, key=lambda found: (found[0], -reader.doc_frequency("spell", found[1]), found[1]))
        close = close and distance <= 1
        return found

    for i, word in enumerate(words):
        prefix = last_is_prefix and i == last
        whole = None if known(reader, word, prefix=prefix, sorted_words=sorted_words) else closest(word)
        if whole:
            corrected[i] = whole
        elif _JOINED.search(word):
            # A name of several words (`no-unused-vras`, `std::sync::Mutx`), known by its first or
            # with no correction whole: each word of it the index holds nowhere is corrected where
            # it stands.
            parts = _JOINED.split(word)
            for n in range(0, len(parts), 2):
                if not known(reader, parts[n], prefix=prefix and n == len(parts) - 1, sorted_words=sorted_words):
                    parts[n] = closest(parts[n]) or parts[n]
            corrected[i] = "".join(parts) if "".join(parts).lower() != word.lower() else word
    return corrected, close


# What joins the words of a name: `no-unused-vars`, `std::sync`, `os.path` (a separator is kept).
_JOINED = re.compile(r"([-.:/]+)")


_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"


def edits1(word: str) -> set[str]:
    """Every string one edit from `word`: a letter deleted, two swapped, one replaced or inserted."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
            | {a + c + b for a, b in splits for c in _LETTERS})
