"""The search syntax as typed: -word, filters, fields that are not filters, long and odd input."""

from patternkb.index.query import KINDS, MAX_QUERY_CHARS, excerpt, filter_text, filter_values, parse, unknown_value_message


def test_exclusions_alone_mean_every_entry_but_those():
    parsed = parse("-mutex -arc")
    assert parsed.excluded == ["mutex", "arc"]
    assert parsed.filters == {"kind": list(KINDS)} and not parsed.empty


def test_an_exclusion_with_words_or_filters_narrows_them():
    assert parse("arc -mutex").filters == {}
    assert parse("-mutex kind:snippet").filters == {"kind": ["snippet"]}


def test_an_option_as_a_command_line_writes_it_is_a_word_not_an_exclusion():
    """`--no-color` excluded "-no-color" and found every entry but the one about it."""
    assert (parse("negatable --no-color").words, parse("negatable --no-color").excluded) == (
        ["negatable", "--no-color"], [])
    assert (parse("port -p").words, parse("port -p").excluded) == (["port", "-p"], [])
    assert parse("rm -rf").words == ["rm", "-rf"] and parse("comments -TODO").excluded == ["TODO"]
    assert parse("port -pqr").excluded == ["pqr"] and parse("-p x").words == ["-p", "x"]


def test_a_negated_kind_is_the_other_kinds():
    assert parse("-kind:snippet").filters == {"kind": ["pattern", "overview", "part", "checklist"]}
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
    assert message == "kind:bogus matches nothing; kind is one of pattern, overview, snippet, part, checklist"
    many = unknown_value_message("symbols", "x" * 200, values["symbols"])
    assert f"({len(values['symbols'])} in all)" in many and len(many) < 400 and "\n" not in many


def test_words_phrases_and_the_word_being_typed():
    parsed = parse('arc "shared state" mute')
    assert parsed.words == ["arc", "mute"] and parsed.phrases == ["shared state"]
    assert parsed.last_is_prefix and parsed.text() == 'arc mute "shared state"'
    assert not parse("arc mute ").last_is_prefix  # a space ends the word
    assert not parse('arc "shared state"').last_is_prefix and not parse("arc kind:pattern").last_is_prefix


def test_a_one_word_quote_is_a_word_and_an_open_quote_runs_to_the_end():
    assert parse('"arc"').words == ["arc"] and parse('"arc"').phrases == []
    assert parse('x "shared state').phrases == ["shared state"]


def test_boolean_operators_and_punctuation_are_not_words():
    parsed = parse("arc AND mutex OR && || NOT rc -- ***")
    assert parsed.words == ["arc", "mutex", "rc"] and parsed.excluded == []


def test_filter_names_are_case_blind_and_aliases_share_a_field():
    parsed = parse("KIND:snippet Lang:rust language:toml sym:Arc symbol:Rc crate:tokio crates:serde tag:x")
    assert parsed.filters == {"kind": ["snippet"], "language": ["rust", "toml"], "symbols": ["Arc", "Rc"],
                              "crates": ["tokio", "serde"], "tags": ["x"]}
    assert parsed.words == [] and not parsed.empty


def test_a_filter_without_a_value_is_dropped():
    assert parse("kind: arc").filters == {} and parse("kind: arc").words == ["arc"]
    assert parse("section:").empty and parse('kind:""').empty


def test_only_the_first_words_are_kept():
    parsed = parse(" ".join(f"w{n}" for n in range(100)))
    assert parsed.words == [f"w{n}" for n in range(24)]


def test_empty_and_blank_queries():
    for text in ["", "   ", "\t\n", "-", '""', "AND OR"]:
        assert parse(text).empty, text
