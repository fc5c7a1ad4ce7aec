"""Scoring: what a typed word matches field by field (clauses, BOOSTS), and each document's score
for a parsed query, summed from the cached BM25F postings."""

from __future__ import annotations

import functools
from collections.abc import Callable

from dataclasses import dataclass

import numpy as np

from patternkb.index.analysis import analyze, code_analyzer, prose_analyzer, title_analyzer
from patternkb.index.postings import Postings
from patternkb.index.query import ParsedQuery
from patternkb.kb.slugs import slugify

TITLE = title_analyzer()
CODE = code_analyzer()
PROSE = prose_analyzer()

# How much a match in each field counts: titles and symbols outrank prose.
BOOSTS = {"title": 8.0, "title_code": 5.0, "symbols": 5.0, "crates": 4.0, "section_title": 1.5,
          "path": 1.0, "tags": 1.5, "prose": 1.5, "code": 1.0}
ANALYZER_OF = {"title": TITLE, "title_code": CODE, "symbols": CODE, "section_title": TITLE,
               "path": TITLE, "prose": PROSE, "code": CODE}
PREFIX_FIELDS = ("title", "title_code", "symbols")
JOINED_FIELDS = ("title_code", "symbols", "code")  # where two words typed apart are looked up as one identifier
MAX_JOINED = 10  # pairs of words looked up so: a pasted paragraph is no identifier
PHRASE_FIELDS = ("title", "prose", "code")  # where a "quoted phrase" is looked for
CODE_FIELDS = frozenset(name for name, analyzer in ANALYZER_OF.items() if analyzer is CODE)
WHOLE_WORD_FIELDS = ("crates", "tags")  # looked up by the whole word typed, never by its pieces
FUZZY_FIELDS = ("title", "symbols", "prose", "code")
MAX_WORD = 64  # longer "words" are pasted noise: cut them so fuzzy matching stays bounded
MAX_FUZZY = 24
MIN_PREFIX = 3
PIECES_WITHOUT_WHOLE = 0.1


@dataclass(frozen=True)
class Clause:
    """One field a typed word is looked up in, and how much a match there counts."""

    mode: str  # "term", "prefix" (the word is being typed) or "fuzzy" (it may be misspelt)
    field: str
    text: str
    boost: float
    maxdist: int = 1  # edits allowed, for "fuzzy"
    piece: bool = False  # a piece of the word typed (`manifest` of CARGO_MANIFEST_DIR), not all of it


def word_clauses(word: str, *, prefix: bool, fuzzy: bool, boosts: dict[str, float] = BOOSTS) -> list[Clause]:
    """What one typed word matches, field by field, and how much each match counts."""
    clauses: list[Clause] = []
    for fieldname, analyzer in ANALYZER_OF.items():
        boost = boosts.get(fieldname, 0.0)
        if not boost:
            continue
        tokens = list(dict.fromkeys(analyze(analyzer, word)))
        for i, token in enumerate(tokens):
            weight = boost * (1.0 if i == 0 else 0.5)
            # The code analyzer gives the identifier whole, then its pieces; another, its words.
            piece = i > 0 or (analyzer is not CODE and len(tokens) > 1)
            clauses.append(Clause("term", fieldname, token, weight, piece=piece))
            if fuzzy and fieldname in FUZZY_FIELDS and 4 <= len(token) <= MAX_FUZZY:
                clauses.append(Clause("fuzzy", fieldname, token, weight * 0.6, 1 if len(token) <= 6 else 2, piece))
        # A word being typed is a prefix once it has three letters: "id" is a word, not "idle".
        if prefix and fieldname in PREFIX_FIELDS and tokens and len(tokens[0]) >= MIN_PREFIX:
            code = analyze(CODE, word)
            clauses.append(Clause("prefix", fieldname, code[0] if code else tokens[0], boost * 0.4))
    for name in package_names(word):
        clauses.append(Clause("term", "crates", name, boosts.get("crates", 1.0)))
    clauses.append(Clause("term", "tags", word.lower(), boosts.get("tags", 1.0)))
    return clauses


def package_names(word: str) -> tuple[str, ...]:
    """The package names a typed word can be: as typed, and a Rust crate's with `_` for `-`
    (Cargo treats them alike; an npm or Go package keeps its hyphens)."""
    name = word.lower()
    return tuple(dict.fromkeys((name, name.replace("-", "_"))))


def word_vector(postings: Postings, word: str, *, prefix: bool, fuzzy: bool,
                boosts: dict[str, float] = BOOSTS) -> np.ndarray:
    """Every document's score for `word`, by document number (0: no match): BM25F per term,
    summed over the fields. A prefix or a misspelling counts as the best of the terms it
    expands to."""
    whole, pieces = np.zeros(postings.doc_count), np.zeros(postings.doc_count)
    for clause in word_clauses(word, prefix=prefix, fuzzy=fuzzy, boosts=boosts):
        if clause.mode == "term":
            docnums, scores = postings.scores(clause.field, clause.text)
        elif clause.mode == "prefix":
            docnums, scores = postings.best(clause.field, postings.expand(clause.field, clause.text))
        else:
            docnums, scores = postings.best(clause.field, postings.fuzzy(clause.field, clause.text, clause.maxdist))
        (pieces if clause.piece else whole)[docnums] += clause.boost * scores  # a term's documents are distinct
    # An identifier typed whole (CARGO_MANIFEST_DIR, HashMap::new) that the KB holds is what is
    # wanted: where it is not, its pieces in a title ("out-dir", "Manifest") count only a little.
    if whole.any():
        return np.where(whole > 0, whole + pieces, PIECES_WITHOUT_WHOLE * pieces)
    return pieces


def word_scores(postings: Postings, word: str, *, prefix: bool, fuzzy: bool,
                boosts: dict[str, float] = BOOSTS) -> dict[int, float]:
    """Every document matching `word`, with its score (word_vector's matches)."""
    return as_dict(word_vector(postings, word, prefix=prefix, fuzzy=fuzzy, boosts=boosts))


def as_dict(vector: np.ndarray) -> dict[int, float]:
    """{document number: score} of the documents scored above 0 (every match: BM25F is positive)."""
    docnums = np.flatnonzero(vector)
    return dict(zip(docnums.tolist(), vector[docnums].tolist()))


def phrase_scores(searcher, postings: Postings, phrase: str) -> dict[int, float]:
    """Documents holding `phrase`'s words side by side in their title, prose or code, scored by
    the words' BM25F there. The index keeps no word positions (reading them made every read of
    a common word's postings several times slower): the documents holding every word of the
    phrase in a field are read again, once each, to see whether the words stand in order."""
    fields = {}  # field -> (its tokens of the phrase, the documents holding them all, their postings)
    for fieldname in PHRASE_FIELDS:
        tokens = analyze(ANALYZER_OF[fieldname], phrase)
        if tokens:
            lists = [postings.scores(fieldname, token) for token in dict.fromkeys(tokens)]
            # Each list is sorted and holds a document once (assume_unique: no np.unique, which
            # imports numpy.ma on a search thread; searchers.py says why).
            holding_all = functools.reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), (d for d, _ in lists))
            fields[fieldname] = (tokens, holding_all, lists)
    holding: dict[str, set[int]] = {f: set(docs.tolist()) for f, (tokens, docs, _) in fields.items() if len(tokens) > 1}
    for docnum in sorted(set().union(*holding.values())):
        stored = searcher.stored_fields(docnum)
        for fieldname, docs in holding.items():
            tokens = fields[fieldname][0]
            if docnum in docs and not holds_phrase(fieldname, stored.get(fieldname) or "", tokens):
                docs.discard(docnum)
    found: dict[int, float] = {}
    for fieldname, (tokens, docnums, lists) in fields.items():
        if fieldname in holding:
            docnums = np.array(sorted(holding[fieldname]), dtype=np.int64)
        if not len(docnums):
            continue
        score = sum(scores[np.searchsorted(docs, docnums)] for docs, scores in lists) * BOOSTS[fieldname]
        for docnum, value in zip(docnums.tolist(), score.tolist()):
            found[docnum] = found.get(docnum, 0.0) + value
    return found


def holds_phrase(fieldname: str, text: str, phrase: list[str]) -> bool:
    """Whether analysing `text` as `fieldname` gives the tokens `phrase` one after another."""
    if fieldname in CODE_FIELDS:
        return code_holds(text, phrase)
    return _in_order(analyze(ANALYZER_OF[fieldname], text), phrase)


def code_holds(text: str, phrase: list[str]) -> bool:
    """holds_phrase for the code analyzer, reading only around the places the phrase can start.
    A code token never spans whitespace and is a lower-cased piece of the text (CodeTokenizer),
    so the text is analysed a whitespace-separated chunk at a time: from each chunk holding the
    first token's letters, that chunk's tokens and as many more as the phrase has after its
    first. Analysing a long snippet whole made a quoted phrase take 0.7 s at 50,000 entries."""
    first, chunks = phrase[0], text.split()
    for i, chunk in enumerate(chunks):
        if first not in chunk.lower():
            continue
        tokens = analyze(CODE, chunk)
        wanted, j = len(tokens) + len(phrase) - 1, i + 1
        while len(tokens) < wanted and j < len(chunks):
            tokens += analyze(CODE, chunks[j])
            j += 1
        if _in_order(tokens, phrase):
            return True
    return False


def _in_order(tokens: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(tokens[i:i + n] == phrase for i, token in enumerate(tokens) if token == phrase[0])


def filter_mask(postings: Postings, parsed: ParsedQuery) -> np.ndarray | None:
    """Which documents every field filter of the query admits, by document number (None: no
    filter). A mask, not a set: `kind:snippet` admits hundreds of thousands at 50,000 entries."""
    allowed: np.ndarray | None = None
    for fieldname, values in parsed.filters.items():
        options = np.zeros(postings.doc_count, dtype=bool)
        for value in values:
            v = value.lower()
            if fieldname == "section":
                for term in postings.expand("section", slugify(value) or v, limit=10_000):
                    _admit(options, postings, "section", term)
                tokens = analyze(TITLE, value)
                if tokens:  # every word of the value must be in the section's title
                    options |= functools.reduce(np.logical_and, (_admit(np.zeros_like(options), postings,
                                                                        "section_title", t) for t in tokens))
            elif fieldname == "symbols":
                for token in analyze(CODE, value)[:1]:
                    _admit(options, postings, "symbols", token)
            elif fieldname == "crates":
                for name in package_names(v):
                    _admit(options, postings, "crates", name)
            elif fieldname == "guide":  # exactly: guide:style is not style-2
                _admit(options, postings, "guide", slugify(value) or v)
            else:
                _admit(options, postings, fieldname, v)
        allowed = options if allowed is None else allowed & options
    return allowed


def _admit(mask: np.ndarray, postings: Postings, fieldname: str, term: str) -> np.ndarray:
    """`mask` with the documents holding `term` in `fieldname` set."""
    mask[postings.scores(fieldname, term)[0]] = True
    return mask


# English words that ask rather than say what is wanted, none of them a keyword of a common
# programming language ("if", "for", "in", "is", "with", "not" are, and stay required).
QUESTION_WORDS = frozenset(
    "a an the how what which why who whom i me my we our you your should would could can "
    "does did doing be about its there".split())
# Words that ask in a sentence ("where should I call log.Fatal", "how to handle errors") but
# are keywords or names in a few words: "do while", Kotlin's "when" and "it", Rust's and SQL's
# "where", JavaScript's "for of", Bash's "done", Kotlin's "to".
SENTENCE_QUESTION_WORDS = frozenset({"do", "when", "where", "of", "done", "it", "to"})
SENTENCE = 4  # words, at least, in a query read as a sentence
QUESTION_WEIGHT = 0.2


def joined_vector(postings: Postings, words: list[str]) -> np.ndarray | float:
    """Every document's score for two words typed side by side that make one identifier it has
    (`client only` -> ClientOnly, `read line` -> read_line): the identifier's own score, beside
    the two words' own. 0 when no two words make one."""
    acc: np.ndarray | float = 0.0
    for first, second in list(zip(words, words[1:]))[:MAX_JOINED]:
        a, b = first.lower(), second.lower()
        if not (a.isalnum() and b.isalnum()):
            continue
        for fieldname in JOINED_FIELDS:
            for term in (a + b, f"{a}_{b}"):
                docnums, scores = postings.scores(fieldname, term)
                if len(docnums):
                    if isinstance(acc, float):
                        acc = np.zeros(postings.doc_count)
                    acc[docnums] += BOOSTS[fieldname] * scores
    return acc


def asked_words(words: list[str]) -> list[str]:
    """The words that say what is wanted: all but the question words, unless that is all of them."""
    asking = QUESTION_WORDS | SENTENCE_QUESTION_WORDS if len(words) >= SENTENCE else QUESTION_WORDS
    return [w for w in words if w.lower() not in asking] or list(words)


def score_query(searcher, postings: Postings, parsed: ParsedQuery, words: list[str], *, fuzzy: bool,
                entry_of: Callable[[int], int] = lambda docnum: docnum) -> tuple[dict[int, float], set[int] | None]:
    """(score of every matching document, the documents matching every word — None when
    that is all of them). Phrases are required, filters and exclusions cut; an excluded word
    cuts the whole entry (`entry_of` a document) it is in: "-tokio" leaves out a pattern whose
    code uses it."""
    last = len(words) - 1
    per_word = [word_vector(postings, w, prefix=parsed.last_is_prefix and i == last, fuzzy=fuzzy)
                for i, w in enumerate(words)]
    # The words of a question ("how do I import modules") say little of what is wanted: beside
    # other words they count QUESTION_WEIGHT as much, and a document need not say them to hold
    # every word (the entry about imports need not say "how"). Alone, they are the query.
    wanted = set(asked_words(words))
    asked = {i for i, w in enumerate(words) if w in wanted}
    allowed = filter_mask(postings, parsed)
    if per_word:
        weighted = [v if i in asked else v * QUESTION_WEIGHT for i, v in enumerate(per_word)]
        vector = sum(weighted[1:], weighted[0]) + joined_vector(postings, [words[i] for i in sorted(asked)])
        scored = as_dict(vector if allowed is None else vector * allowed)
    elif not parsed.phrases:  # filters alone: all they admit
        scored = dict.fromkeys(np.flatnonzero(allowed).tolist() if allowed is not None else (), 0.0)
    else:
        scored = None
    for phrase in parsed.phrases:  # every phrase is required
        found = phrase_scores(searcher, postings, phrase)
        if allowed is not None:
            found = {d: s for d, s in found.items() if allowed[d]}
        scored = found if scored is None else {d: s + found[d] for d, s in scored.items() if d in found}
    scored = scored or {}
    if parsed.excluded:
        masked: set[int] = set()
        for word in parsed.excluded:
            masked.update(word_scores(postings, word, prefix=False, fuzzy=False))
        masked = {entry_of(d) for d in masked}
        scored = {d: s for d, s in scored.items() if entry_of(d) not in masked}
    # A word of several pieces ("no-param-reassign", "std::sync::Mutex") is held by a document
    # that has all its pieces: one that only says "no" matches it, but less than every word.
    pieced = [i for i, w in enumerate(words) if len(pieces(w)) > 1]
    all_words = None
    if len(asked) < len(per_word) or len(per_word) > 1 or pieced:
        every = np.logical_and.reduce([
            word_holders(postings, words[i], prefix=parsed.last_is_prefix and i == last, fuzzy=fuzzy)
            if i in pieced else per_word[i] > 0 for i in sorted(asked)])
        all_words = {d for d in np.flatnonzero(every).tolist() if d in scored}
    return scored, all_words


def pieces(word: str) -> list[str]:
    """The pieces a typed word is looked up by, as the title analyzer splits it (one for a plain
    word or an identifier the analyzer keeps whole)."""
    return [t for t in analyze(TITLE, word) if len(t) > 1]


def word_holders(postings: Postings, word: str, *, prefix: bool, fuzzy: bool) -> np.ndarray:
    """Which documents hold every piece of `word` in one of its fields, by document number; the
    last piece of a word being typed (`prefix`), when no document has it whole, as a term it
    starts. In a code field the whole identifier ("arc<mutex<t>>") is its pieces' alternative,
    as the code analyzer indexes both; one-letter pieces are left out, as analyzers drop them."""
    found: dict[str, dict[str, np.ndarray]] = {}  # field -> token -> the documents holding it
    for clause in word_clauses(word, prefix=False, fuzzy=fuzzy):
        if clause.mode == "term":
            docnums = postings.scores(clause.field, clause.text)[0]
        else:
            docnums = postings.best(clause.field, postings.fuzzy(clause.field, clause.text, clause.maxdist))[0]
        tokens = found.setdefault(clause.field, {})
        if clause.text not in tokens:
            tokens[clause.text] = np.zeros(postings.doc_count, dtype=bool)
        tokens[clause.text][docnums] = True
    holders = np.zeros(postings.doc_count, dtype=bool)
    for field, tokens in found.items():
        names = list(tokens)
        if field in WHOLE_WORD_FIELDS:  # spellings of the whole word ("serde-json", "serde_json")
            holders |= np.logical_or.reduce([tokens[t] for t in names])
            continue
        last = names[-1]
        if prefix and len(last) >= MIN_PREFIX and not tokens[last].any():
            tokens[last][postings.best(field, postings.expand(field, last))[0]] = True  # still being typed
        # The code analyzer's first token is the identifier as typed, indexed with its pieces.
        pieces_of = names[1:] if len(names) > 1 and names[0] == word.lower() else names
        wanted = [t for t in pieces_of if len(t) > 1] or names
        holders |= np.logical_and.reduce([tokens[t] for t in wanted])
    return holders
