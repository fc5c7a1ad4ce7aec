"""A quoted phrase is checked in the stored text: the code analyzer's shortcut (read around the
places the phrase can start) agrees with analysing the whole text."""

from hypothesis import given, settings
from hypothesis import strategies as st

from patternkb.index.analysis import analyze
from patternkb.index.scoring import CODE, _in_order, code_holds

# Code-like text: identifiers in every case style, paths, generics, macros, punctuation alone
# between words, and every kind of whitespace.
PIECES = st.sampled_from(["connection", "pool", "Connection", "ConnectionPool", "connection_pool", "HTTPServer",
                          "Arc<Mutex<T>>", "HashMap::new", "sync.Mutex", "println!", "=>", "{", "}", "(", ")",
                          ",", ";", "pool2", "new", "_private", "x", "42", "é", "Pool::get()", "err", "Error"])
SPACES = st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", "", "\u2003"])
TEXTS = st.lists(st.tuples(PIECES, SPACES), max_size=25).map(lambda parts: "".join(p + s for p, s in parts))


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.data())
def test_the_code_shortcut_agrees_with_the_whole_analysis(text, data):
    tokens = analyze(CODE, text)
    if tokens and data.draw(st.booleans()):
        start = data.draw(st.integers(0, len(tokens) - 1))
        phrase = tokens[start:start + data.draw(st.integers(1, 3))]  # one the text holds
    else:
        phrase = analyze(CODE, data.draw(st.sampled_from(["connection pool", "pool new", "mutex t", "hash map"])))
    assert code_holds(text, phrase) == _in_order(tokens, phrase)


def test_a_phrase_across_punctuation_and_lines_is_found():
    assert code_holds("let c = connection\n  => pool", ["connection", "pool"])
    assert not code_holds("let c = connection\n  => pool.get()", ["connection", "pool"])  # pool.get comes first
    assert code_holds("ConnectionPool::new()", ["connection", "pool"])
    assert not code_holds("connection(); other(); pool()", ["connection", "pool"])
