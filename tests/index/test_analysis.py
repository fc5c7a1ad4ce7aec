"""The code-aware analyzer: identifiers split into parts and kept whole, no keyword dropped."""

import pytest

from patternkb.index.analysis import analyze, code_analyzer, identifier_parts


@pytest.mark.parametrize(("text", "expected"), [
    ("Arc<Mutex<T>>", ["arc<mutex<t>>", "arc", "mutex", "t"]),
    ("HashMap::new", ["hashmap::new", "hashmap", "new", "hash", "map"]),
    ("fetch_with_retry", ["fetch_with_retry", "fetch", "with", "retry"]),
    ("PooledObject", ["pooledobject", "pooled", "object"]),
    ("for while dyn impl mut async", ["for", "while", "dyn", "impl", "mut", "async"]),
    ("println!", ["println!", "println"]),
])
def test_code_tokens(text, expected):
    assert analyze(code_analyzer(), text) == expected


def test_character_offsets_point_at_the_text():
    text = "let m = Arc::new(Mutex::new(0));"
    for token in code_analyzer()(text, chars=True, positions=True):
        assert token.text.split("::")[-1] in text[token.startchar:token.endchar].lower() or \
            text[token.startchar:token.endchar].lower() in token.text


def test_identifier_parts():
    assert identifier_parts("HTTPServer") == ["http", "server"]
    assert identifier_parts("snake_case_name") == ["snake", "case", "name"]
