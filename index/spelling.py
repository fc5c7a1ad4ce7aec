"""Spelling correction: which typed words the index does not know, and the closest word it does."""

from __future__ import annotations

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


def correct(searcher, words: list[str], *, last_is_prefix: bool,
            dictionary: frozenset[str] = frozenset()) -> tuple[list[str], bool]:
    """(the words with each unknown one replaced by the index's closest, whether any was unknown).
    A word one edit off a word of `dictionary` (the index's spelling words) is that word, the most
    used if several are; else Whoosh's suggestion within two edits."""
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
        suggestions = searcher.suggest("spell", word, limit=1, maxdist=2, prefix=1)
        if suggestions:
            corrected[i] = suggestions[0]
    return corrected, bool(unknown)


_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"


def edits1(word: str) -> set[str]:
    """Every string one edit from `word`: a letter deleted, two swapped, one replaced or inserted."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
            | {a + c + b for a, b in splits for c in _LETTERS})
