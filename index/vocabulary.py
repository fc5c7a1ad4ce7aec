"""Words that say nothing about what a pattern is about, so that no related link gives one as its
reason: the keywords of the languages the KB's code is written in (from Pygments' lexers), the
names examples use for anything (foo, bar, good, bad, …), and the words most patterns share."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable

from whoosh.analysis import STOP_WORDS

from patternkb.kb.models import KnowledgeBase

log = logging.getLogger(__name__)

# Names examples give to anything, in any language.
PLACEHOLDERS = frozenset("""
foo bar baz qux quux corge grault garply foobar spam eggs ham beans bacon lorem ipsum blah hoge fuga
hello world good bad better best text example examples sample test tests thing things stuff item
items value values data my your some other new old main
""".split())
# Words headings use for any subject: two titles sharing one are not about the same thing.
TITLE_FILLERS = frozenset("""
pattern patterns practice practices guideline guidelines rule rules tip tips technique techniques
strategy strategies approach approaches advanced basic basics introduction overview note notes
general misc miscellaneous common using use guide chapter section part appendix reference
""".split())
# Words of any sentence: never a topic.
FUNCTION_WORDS = frozenset("""
all any both each few more most other some such only own same than too very can will just should
now also not nor one two three first last many much every never always often how what why when
where which who does did done make makes made get gets got want need needs way ways thing things
""".split())
# A title word in more than this share of the patterns' titles names no topic of its own.
TOPIC_SHARE = 0.1
# Code lexed per language to learn its keywords: enough to meet every keyword, bounded on a large KB.
SAMPLE_CHARS = 200_000
# A word in more than this share of the patterns is shared by too many to relate two of them.
COMMON_SHARE = 0.25


class CodeSample:
    """The first code of each language met, about SAMPLE_CHARS of each: what keywords are learnt
    from. Samples taken in parts (an index's units) and added up in order make the same sample."""

    def __init__(self):
        self.codes: dict[str, list[str]] = {}
        self._sizes: Counter[str] = Counter()

    def add(self, language: str, code: str) -> None:
        language = (language or "").lower()
        if language and self._sizes[language] < SAMPLE_CHARS:
            self.codes.setdefault(language, []).append(code)
            self._sizes[language] += len(code)


def keywords(kb: KnowledgeBase) -> frozenset[str]:
    """The keywords and built-in names (types, functions, `self`) of the languages the KB's code is
    written in, as Pygments' lexers tag them, lower case."""
    sample = CodeSample()
    for entry in kb.entries:
        for block in getattr(entry, "code", ()):
            sample.add(block.language, block.code)
    return keywords_of(sample.codes)


def keywords_of(samples: dict[str, list[str]]) -> frozenset[str]:
    """The keywords and built-in names of each language, lexing its sample of code."""
    from pygments.lexers import get_lexer_by_name
    from pygments.token import Keyword, Name, Operator
    from pygments.util import ClassNotFound

    kinds = (Keyword, Operator.Word, Name.Builtin)  # `fn`, `and`, `self`, `None`, `len`, `str`
    found: set[str] = set()
    for language, codes in samples.items():
        try:
            lexer = get_lexer_by_name(language)
        except ClassNotFound:
            continue
        try:
            found.update(text.strip().lower() for kind, text in lexer.get_tokens("\n".join(codes))
                         if any(kind in k for k in kinds) and text.strip())
        except Exception:  # a lexer failing on odd input costs only its keywords
            log.debug("lexing %s for keywords failed", language, exc_info=True)
    return frozenset(found)


def common(feature_sets: Iterable[set[str]], total: int, share: float = COMMON_SHARE) -> frozenset[str]:
    """The features (symbols, terms, title words) more than `share` of `total` patterns have."""
    counts: Counter[str] = Counter()
    for features in feature_sets:
        counts.update(features)
    limit = max(2, int(total * share))
    return frozenset(f for f, n in counts.items() if n > limit)


def telling(words: Iterable[str], noise: frozenset[str]) -> list[str]:
    """The words that can be a reason: identifiers of three letters or more, none of the noise,
    no placeholder and no word of any English sentence (code comments are in the code)."""
    return [w for w in words if len(w) > 2 and (bare := w.lower().strip("_")) not in noise
            and bare not in PLACEHOLDERS and bare not in FUNCTION_WORDS and bare not in STOP_WORDS]
