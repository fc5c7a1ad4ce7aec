"""Spelling correction: which typed words the index does not know, and the closest word it does.

The dictionary is every word of the index's "spell" field, written once per generation as a sorted
file (WORDS_FILE): reading it takes milliseconds where merging the term lists of 50 segments took
most of a second, and a word two edits off is found in it, among the words of its first letter,
without walking a term list.
"""

from __future__ import annotations

import bisect
from pathlib import Path

from whoosh.support.levenshtein import damerau_levenshtein

from patternkb.index.analysis import analyze
from patternkb.index.query import PLAIN_WORDS
from patternkb.index.scoring import ANALYZER_OF, MAX_FUZZY, PREFIX_FIELDS, PROSE


def known(reader, word: str, *, prefix: bool) -> bool:
    """Whether some field of the index holds `word` (or, for a word being typed, a term it starts)."""
    if len(word) <= 2 or not analyze(PROSE, word) or word.lower() in PLAIN_WORDS:
        return True  # short words and the words of a question are never "corrected"
    for fieldname, analyzer in ANALYZER_OF.items():
        for token in analyze(analyzer, word)[:1]:
            if reader.doc_frequency(fieldname, token):
                return True
            if prefix and fieldname in PREFIX_FIELDS:
                for _ in reader.expand_prefix(fieldname, token):
                    return True
    return reader.doc_frequency("crates", word.lower()) > 0


WORDS_FILE = "spelling.txt"


def write_words(reader, directory: Path) -> None:
    """The spelling dictionary of a generation: the "spell" field's words, sorted, one per line."""
    words = sorted(t.decode("utf-8", "replace") if isinstance(t, bytes) else t for t in reader.lexicon("spell"))
    (Path(directory) / WORDS_FILE).write_text("\n".join(words), encoding="utf-8")


def read_words(directory: Path) -> list[str]:
    """The generation's spelling words, sorted. Raises OSError when the file is missing."""
    text = (Path(directory) / WORDS_FILE).read_text(encoding="utf-8")
    return text.split("\n") if text else []


def within_two(word: str, sorted_words: list[str]) -> list[tuple[int, str]]:
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


def correct(searcher, words: list[str], *, last_is_prefix: bool,
            dictionary: frozenset[str] = frozenset(), sorted_words: list[str] | None = None) -> tuple[list[str], bool]:
    """(the words with each unknown one replaced by the index's closest, whether any was unknown).
    A word one edit off a word of `dictionary` (the index's spelling words) is that word, the most
    used if several are; else the closest within two edits of `sorted_words` (the same words,
    sorted), the most used of the closest."""
    reader = searcher.reader()
    last = len(words) - 1
    unknown = [i for i, w in enumerate(words) if not known(reader, w, prefix=last_is_prefix and i == last)]
    corrected = list(words)
    for i in unknown:
        if len(words[i]) > MAX_FUZZY:
            continue
        word = words[i].lower()
        near = sorted(edits1(word) & dictionary)
        if near:
            corrected[i] = max(near, key=lambda w: reader.doc_frequency("spell", w))
            continue
        two = within_two(word, sorted_words if sorted_words is not None else sorted(dictionary))
        if two:
            corrected[i] = min(two, key=lambda found: (found[0], -reader.doc_frequency("spell", found[1]),
                                                       found[1]))[1]
    return corrected, bool(unknown)


_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"


def edits1(word: str) -> set[str]:
    """Every string one edit from `word`: a letter deleted, two swapped, one replaced or inserted."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
            | {a + c + b for a, b in splits for c in _LETTERS})
