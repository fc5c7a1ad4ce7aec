"""Analyzers: English prose with stemming, and code that splits identifiers but keeps them whole."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StemmingAnalyzer, Token, Tokenizer

# An identifier, possibly a path (HashMap::new, sync.Mutex, os.path.join) or a macro (println!).
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:(?:::|\.)[A-Za-z_][A-Za-z0-9_]*)*!?|[0-9]+")
_PATH = re.compile(r"::|\.")
# A run such as Arc<Mutex<T>> or &mut [u8]: kept whole when it holds more than one identifier.
_COMPOUND = re.compile(r"[A-Za-z_][A-Za-z0-9_:<>,&']*[A-Za-z0-9_>]")
_JOINERS = re.compile(r"[<>:,&]")
_PLAIN = re.compile(r"[a-z]+|[0-9]+")  # lower case, no underscore: nothing to split
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def identifier_parts(word: str) -> list[str]:
    """`fetch_with_retry` -> fetch, with, retry; `PooledObject` -> pooled, object; `HTTPServer`
    -> http, server. Lower case; one part when there is nothing to split."""
    parts: list[str] = []
    for piece in word.strip("_!").split("_"):
        parts.extend(p.lower() for p in _CAMEL.findall(piece))
    return parts


class CodeTokenizer(Tokenizer):
    """Yields each identifier whole and, after it, its parts: `HashMap::new` gives
    hashmap::new, hashmap, new; `Arc<Mutex<T>>` gives arc<mutex<t>>, arc, mutex, t.
    Nothing is a stop word: `for`, `dyn`, `impl`, `mut` are all kept."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for text, start, end in _code_tokens(value):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def _code_tokens(value: str) -> Iterator[tuple[str, int, int]]:
    """CodeTokenizer's tokens of `value`, lower-cased, with their spans."""
    compounds = {m.start(): m for m in _COMPOUND.finditer(value) if _JOINERS.search(m.group())}
    for match in _IDENT.finditer(value):
        word = match.group()
        compound = compounds.pop(match.start(), None) if compounds else None
        if compound is None and _PLAIN.fullmatch(word):
            # Most words of code and prose (`let`, `self`, `spawn`): one token, no parts.
            pieces = [(word, match.start(), match.end())]
        else:
            pieces = _pieces(match, compound)
        emitted: set[str] = set()
        for text, start, end in pieces:
            text = text.lower()
            if text and text not in emitted:
                emitted.add(text)
                yield text, start, end
    # A grouped import names each item whole too: `std::sync::{Arc, Mutex}` holds
    # std::sync::arc and std::sync::mutex, as `use std::sync::Mutex` would.
    for group in _IMPORT_GROUP.finditer(value) if "::{" in value else ():
        for item in _GROUP_ITEM.findall(group.group(2)):
            yield f"{group.group(1)}::{item}".lower(), group.start(), group.end()


# `path::{Item, other::Item, Item as Alias}` (Rust's grouped imports): the path and the group.
_IMPORT_GROUP = re.compile(r"([A-Za-z_]\w*(?:::[A-Za-z_]\w*)*)::\{([^{}]*)\}")
_GROUP_ITEM = re.compile(r"(?:^|,)\s*([A-Za-z_]\w*(?:::[A-Za-z_]\w*)*)")


def _pieces(match: re.Match, compound: re.Match | None) -> list[tuple[str, int, int]]:
    """An identifier's tokens with their spans: the compound it heads, itself, its path
    segments, a macro's name, and the parts of each."""
    word = match.group()
    pieces: list[tuple[str, int, int]] = []
    if compound is not None and compound.group() != word:
        pieces.append((compound.group(), compound.start(), compound.end()))
    pieces.append((word, match.start(), match.end()))
    if _PATH.search(word):
        offset = match.start()
        for segment, joiner in zip(_PATH.split(word), [*_PATH.findall(word), ""]):
            pieces.append((segment, offset, offset + len(segment)))
            offset += len(segment) + len(joiner)
    if word.endswith("!"):
        pieces.append((word[:-1], match.start(), match.end() - 1))
    for text, start, end in list(pieces):
        if not _PATH.search(text) and "<" not in text:
            parts = identifier_parts(text)
            if len(parts) > 1:
                pieces.extend((p, start, end) for p in parts)
    return pieces


def code_analyzer():
    return CodeTokenizer()  # it lower-cases as it splits: no filter needed after it


def prose_analyzer():
    return StemmingAnalyzer()


def title_analyzer():
    # Titles are short: no stop words, so "Async/Await" or "vs" still count. The words of
    # English, and each name of a path of names.
    return RegexTokenizer() | NamePieces() | LowercaseFilter() | StemFilter()


class NamePieces(Filter):
    """Each token, then each name of a path of names in it: an API reference's title
    `Dispatcher.request(options)` holds the words "dispatcher" and "request" a reader types for
    it, as "Request" holds "request". A section number (`3.16.4`) gives no numbers."""

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            yield token
            if "." in text:
                for name in dict.fromkeys(text.split(".")):
                    if name and not name.isdigit():
                        token.text = name
                        yield token


def analyze(analyzer, text: str) -> list[str]:
    return [t.text for t in analyzer(text)]


def stemmer(analyzer=None) -> Callable[[str], tuple[str, ...]]:
    """A word's terms by `analyzer` (the prose analyzer by default), each word analysed once: for
    passes over many titles, which repeat their words."""
    analyzer = analyzer or prose_analyzer()
    return functools.lru_cache(maxsize=None)(lambda word: tuple(analyze(analyzer, word)))
