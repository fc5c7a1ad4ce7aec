"""The postings scorer against Whoosh's own BM25F: the same score for every document, to 1e-9, on
random single- and multi-term queries over the bundled index."""

import random

import pytest
from whoosh.query import Or, Term

from patternkb.index.postings import summed
from patternkb.index.scoring import BOOSTS

# Every field a search clause scores (BOOSTS), scorable or not.
FIELDS = sorted(BOOSTS)
SEED = 15


@pytest.fixture(scope="module")
def searcher(bundled_index):
    return bundled_index._thread_searcher()


def _lexicon(reader, field):
    return [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon(field)]


def _sample(reader, rnd, count):
    """`count` random (field, term) pairs from the index's own lexicons."""
    lexicons = {f: _lexicon(reader, f) for f in FIELDS}
    fields = [f for f in FIELDS if lexicons[f]]
    return [(field, rnd.choice(lexicons[field])) for field in (rnd.choice(fields) for _ in range(count))]


def _whoosh(searcher, query) -> dict[int, float]:
    # limit=None: every match scored, no block-quality shortcuts.
    return {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}


def _assert_same(ours: dict[int, float], theirs: dict[int, float], what):
    assert ours.keys() == theirs.keys(), what
    worst = max((abs(ours[d] - theirs[d]) for d in ours), default=0.0)
    assert worst <= 1e-9, (what, worst)


def test_every_field_is_sampled(searcher):
    # Otherwise a field the search scores could drift from Whoosh unseen.
    reader = searcher.searcher.reader()
    assert {f for f, _ in _sample(reader, random.Random(SEED), 400)} == {f for f in FIELDS if _lexicon(reader, f)}
    assert searcher.searcher.reader().doc_count_all() > 100


def test_single_terms_score_as_whoosh_scores_them(searcher):
    reader, postings = searcher.searcher.reader(), searcher.postings
    for field, term in _sample(reader, random.Random(SEED), 300):
        ours = dict(zip(*postings.scores(field, term)))
        _assert_same(ours, _whoosh(searcher.searcher, Term(field, term)), (field, term))


def test_several_terms_sum_as_whoosh_sums_them(searcher):
    reader, postings = searcher.searcher.reader(), searcher.postings
    rnd = random.Random(SEED + 1)
    for _ in range(100):
        terms = _sample(reader, rnd, rnd.randint(2, 5))
        ours = summed([dict(zip(*postings.scores(f, t))) for f, t in terms])
        _assert_same(ours, _whoosh(searcher.searcher, Or([Term(f, t) for f, t in terms])), terms)


def test_a_term_the_index_lacks_scores_nothing(searcher):
    assert list(searcher.postings.docs("prose", "zzzznotaword")) == []
    assert list(searcher.postings.docs("no_such_field", "x")) == []


def test_the_fast_paths_into_whoosh_are_taken(tmp_path):
    """postings.py reads Whoosh's private internals and falls back, silently and slowly, to its
    public calls when a Whoosh release renames them: this fails instead."""
    from whoosh.fields import TEXT, Schema
    from whoosh.index import create_in
    from whoosh.util.numeric import byte_to_length

    from patternkb.index.postings import _blocks, _length_column

    ix = create_in(str(tmp_path), Schema(body=TEXT))
    with ix.writer() as writer:
        for n in range(300):  # more than one postings block (128 a block)
            writer.add_document(body=" ".join(["common"] + ["word"] * (n % 17) + [f"w{n}"]))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        first_block = next(_blocks(reader.postings("body", "common")))[0]
        assert len(list(first_block)) > 1  # a block at a time, not one posting per call
        leaf = next(iter(reader.leaf_readers()))[0]
        expected = [reader.doc_field_length(d, "body") for d in range(reader.doc_count_all())]
        column = _length_column(leaf, "body")  # one read of the column, not None
        assert column is not None and [byte_to_length(int(b)) for b in column] == expected
    ix.close()


def test_the_term_cache_lets_go_of_terms_no_document_has():
    from patternkb.index.postings import TermCache

    cache = TermCache(max_postings=100)
    for n in range(1000):  # a long session's misspellings and partial words: nothing found
        cache.get(("s", "prose", f"zz{n}"), lambda: ((), ()), lambda v: len(v[0]))
    assert len(cache._items) <= 100


def test_the_term_cache_lets_go_of_values_of_another_kind_than_the_one_being_added():
    """Scored postings and term expansions share the cache: making room for one must count
    what it lets go of as that value counts (an expansion is no pair of arrays)."""
    from patternkb.index.postings import TermCache

    cache = TermCache(max_postings=10)
    cache.get(("p", "title", "mu", 64), lambda: (), len)  # an expansion that found nothing
    cache.get(("p", "title", "mut", 64), lambda: ("mutex", "mutable"), len)
    for n in range(20):
        value = (list(range(3)), [1.0] * 3)
        assert cache.get(("s", "prose", f"w{n}"), lambda: value, lambda v: len(v[0])) is value
    assert cache._held <= 10 and len(cache._items) <= 10
