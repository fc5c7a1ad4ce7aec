"""The search syntax as typed: -word, filters, fields that are not filters, long and odd input."""

from patternkb.index.query import KINDS, MAX_QUERY_CHARS, excerpt, filter_text, filter_values, parse, unknown_value_message


def test_exclusions_alone_mean_every_entry_but_those():
    parsed = parse("-mutex -arc")
    assert parsed.excluded == ["mutex", "arc"]
    assert parsed.filters == {"kind": list(KINDS)} and not parsed.empty


def test_an_exclusion_with_words_or_filters_narrows_them():
    assert parse("arc -mutex").filters == {}
    assert parse("-mutex kind:snippet").filters == {"kind": ["snippet"]}


def test_a_negated_kind_is_the_other_kinds():
    assert parse("-kind:snippet").filters == {"kind": ["pattern", "checklist"]}
    assert parse("-crate:tokio arc").excluded == ["tokio"]


def test_filters_and_fields_that_are_not_filters():
    parsed = parse('kind:Pattern section:"error handling" lang:rust std::sync bogus:x')
    assert parsed.filters == {"kind": ["Pattern"], "section": ["error handling"], "language": ["rust"]}
    assert parsed.words == ["std::sync", "bogus:x"]  # not filters we know: searched as text


def test_long_odd_input_parses_to_a_bounded_query():
    parsed = parse("\x00\x1b[2J\udcff " + "word " * 10_000)
    assert parsed.words and len(" ".join(parsed.words)) <= MAX_QUERY_CHARS
    assert not any("\udcff" in w or "\x1b" in w for w in parsed.words)


def test_excerpt_cuts_long_queries_to_one_line():
    assert excerpt("a" * 27_000) == "a" * 79 + "…"
    assert excerpt("two\nlines\x00here") == "two lines here"
    assert excerpt("short") == "short"


def test_filter_text_round_trips_through_parse():
    for fieldname, value in [("kind", "snippet"), ("section", "error handling"), ("crates", "tokio")]:
        assert parse(filter_text(fieldname, value)).filters == {fieldname: [value]}
    assert filter_text("tags", 'say "x"') is None


def test_unknown_value_message_lists_what_exists(built_kb):
    values = filter_values(built_kb)
    assert values["kind"] == list(KINDS) and "rust" in values["language"]
    assert len(values["section"]) == len(built_kb.sections) and values["guide"]
    message = unknown_value_message("kind", "bogus", values["kind"])
    assert message == "kind:bogus matches nothing; kind is one of pattern, snippet, checklist"
    many = unknown_value_message("symbols", "x" * 200, values["symbols"])
    assert f"({len(values['symbols'])} in all)" in many and len(many) < 400 and "\n" not in many
