"""Result rows and their ranking on a small doc table: a snippet folds into its pattern, a
checklist item into a matching pattern it illustrates; the three tiers (exact, every word, the
rest), scores within a tier, guide order for ties. The postings stand in for the index:
ranking reads only `docs`."""

from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patternkb.index import grouping
from patternkb.index.doctable import NO_PARENT, DocTable
from patternkb.index.ranking import best, in_guide_order

N = NO_PARENT
# docnum:            0          1          2          3            4          5
# A snippet follows its pattern, as documents.py writes them (DocTable.parts_of reads them so).
TABLE = DocTable(kinds=["pattern", "snippet", "pattern", "checklist", "pattern", "checklist"],
                 sections=["s1", "s1", "s2", "s3", "s2", "s3"], orders=[0, 1, 10, 20, 30, 21],
                 section_titles={"s1": "Alpha Beta", "s2": "Gamma", "s3": "Other"},
                 parents=[N, 0, N, N, N, N], illustrated_by={5: [2, 4]})


class _Postings:
    """The term -> documents lists of a tiny index."""

    def __init__(self, terms: dict[tuple[str, str], list[int]]):
        self.terms = terms

    def docs(self, field: str, text: str) -> array:
        return array("i", self.terms.get((field, text), []))


POSTINGS = _Postings({("title_exact", "gamma"): [3], ("title_exact", "alpha beta"): [1],
                      ("section", "s1"): [0, 1], ("section", "s2"): [2, 4], ("defines", "gamma"): [],
                      ("defines", "alpha"): [2]})


def ranked(scored, all_words, words, limit, kind=None):
    return best(TABLE, POSTINGS, scored, grouping.rows(TABLE, scored, frozenset({kind}) if kind else None),
                all_words, words, limit)


def test_a_snippet_folds_into_its_pattern_and_lifts_it():
    found = grouping.rows(TABLE, {1: 8.0, 2: 3.0})
    assert set(found) == {0, 2}  # the pattern stands for its snippet, though it did not match itself
    assert 0 not in found.own and found.sub_hits([0]) == {0: [(1, 8.0)]}
    assert found.score(0) == pytest.approx(8.0 * grouping.INSIDE_WEIGHT) and found.row_of(1) == 0


def test_an_entry_s_score_is_its_best_match_its_own_counting_more():
    assert grouping.rows(TABLE, {0: 4.0, 1: 8.0}).score(0) == pytest.approx(max(4.0, 8.0 * grouping.INSIDE_WEIGHT))
    assert grouping.rows(TABLE, {0: 7.0, 1: 8.0}).score(0) == pytest.approx(7.0)  # its own title beats its code


def test_a_checklist_item_folds_into_the_best_matching_pattern_it_illustrates():
    found = grouping.rows(TABLE, {5: 6.0, 2: 1.0, 4: 2.0})
    assert set(found) == {2, 4} and found.sub_hits([4, 2]) == {4: [(5, 6.0)], 2: []}
    alone = grouping.rows(TABLE, {5: 6.0, 0: 9.0})  # no pattern it illustrates matched
    assert set(alone) == {0, 5} and alone.own[5] == 6.0
    asked = grouping.rows(TABLE, {5: 6.0, 4: 2.0}, frozenset({"checklist"}))  # kind:checklist: items as rows
    assert set(asked) == {5}
    listed = grouping.rows(TABLE, {5: 0.0, 4: 0.0}, fold=False)  # filters alone: a listing of both
    assert set(listed) == {4, 5}


def test_a_kind_of_part_gives_those_parts_as_rows():
    assert set(grouping.rows(TABLE, {1: 8.0, 0: 1.0, 2: 2.0}, frozenset({"snippet"}))) == {1}
    assert set(grouping.rows(TABLE, {1: 8.0, 3: 1.0}, frozenset({"pattern"}))) == {0}
    # Several kinds typed ("-kind:pattern"): a snippet of a pattern left out is a row of its own.
    assert set(grouping.rows(TABLE, {1: 8.0, 0: 1.0, 3: 1.0}, frozenset({"snippet", "checklist"}))) == {1, 3}


def test_rows_within_a_section():
    found = grouping.rows(TABLE, {1: 8.0, 2: 3.0, 4: 1.0}).within("s2")
    assert set(found) == {2, 4} and found.row_of(1) is None


def test_an_item_folded_into_a_pattern_of_another_section_is_a_row_in_its_own():
    found = grouping.rows(TABLE, {5: 6.0, 4: 2.0})  # item 5 (section s3) folds into pattern 4 (s2)
    assert set(found) == {4} and grouping.section_counts(TABLE, found) == {"s2": 1, "s3": 1}
    assert set(found.within("s3")) == {5} and found.within("s3").sub_hits([5]) == {5: []}
    assert set(found.within("s2")) == {4} and found.within("s2").sub_hits([4]) == {4: [(5, 6.0)]}


def test_kind_counts_are_the_rows_each_kind_gives():
    scored = {0: 1.0, 1: 8.0, 2: 2.0, 3: 1.0, 5: 2.0}
    counts = grouping.kind_counts(TABLE, scored)
    assert counts == {kind: len(grouping.rows(TABLE, scored, frozenset({kind}))) for kind in ("pattern", "snippet", "checklist")}
    assert grouping.kind_counts(TABLE, scored, "s1") == {"pattern": 1, "snippet": 1}


def test_exact_tiers_come_first_whatever_their_score():
    scored = {0: 9.0, 2: 1.0, 3: 0.5, 4: 2.0}
    # Own title (the checklist item), then the section titled so (its patterns, by score), then the rest.
    assert ranked(scored, None, ["Gamma"], 5) == [3, 4, 2, 0]


def test_a_section_title_outranks_a_snippet_saying_it():
    scored = {2: 1.0, 1: 9.0, 4: 5.0}
    # "alpha beta": the snippet's own title lifts its pattern (0) by its score only, no tier;
    # pattern 2 defines nothing so named and sits in section s2: by score after it.
    assert ranked(scored, None, ["alpha", "beta"], 3) == [0, 4, 2]


def test_an_identifier_a_document_defines_is_exact():
    assert ranked({0: 9.0, 2: 0.1}, None, ["alpha"], 2) == [2, 0]


def test_rows_holding_every_word_come_before_the_rest():
    scored = {0: 5.0, 2: 1.0, 4: 1.0, 1: 9.0}
    # Within the tier by score; equal scores in guide order (2 before 4). The snippet (1) holds
    # every word: its pattern's row does.
    assert ranked(scored, {2, 4}, ["x", "y"], 4) == [2, 4, 0]
    assert ranked(scored, {1}, ["x", "y"], 4) == [0, 2, 4]
    assert ranked(scored, None, ["x", "y"], 4) == [0, 2, 4]


def test_only_scored_rows_and_at_most_limit():
    # Document 3 is an exact match, but a kind filter took it out of the rows.
    assert ranked({2: 1.0, 4: 2.0, 0: 3.0, 3: 5.0}, None, ["gamma"], 2, kind="pattern") == [4, 2]
    assert ranked({2: 1.0}, None, ["x"], 0) == []


def test_guide_order():
    assert in_guide_order(TABLE, grouping.rows(TABLE, {4: 9.0, 1: 1.0, 3: 5.0}), 3) == [0, 3, 4]


def _kind_counts_one_by_one(table, scored, section=None):
    """What grouping.kind_counts counts, a document at a time."""
    counted, entries = {}, set()
    for docnum in scored:
        parent = table.parents[docnum]
        if parent != N and (section is None or table.sections[docnum] == section):
            counted[table.kinds[docnum]] = counted.get(table.kinds[docnum], 0) + 1
        entry = docnum if parent == N else parent
        if entry not in entries and (section is None or table.sections[entry] == section):
            entries.add(entry)
            counted[table.kinds[entry]] = counted.get(table.kinds[entry], 0) + 1
    return counted


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_kind_counts_are_those_counted_one_by_one(data):
    """On tables shaped as an index writes them: an entry, then its parts."""
    kinds, sections, parents = [], [], []
    for _ in range(data.draw(st.integers(1, 12))):
        entry = len(kinds)
        kinds.append(data.draw(st.sampled_from(["pattern", "checklist", "overview"])))
        sections.append(data.draw(st.sampled_from(["s1", "s2", "s3"])))
        parents.append(N)
        for _ in range(data.draw(st.integers(0, 3))):
            kinds.append(data.draw(st.sampled_from(["snippet", "part"])))
            sections.append(sections[entry])
            parents.append(entry)
    table = DocTable(kinds=kinds, sections=sections, orders=list(range(len(kinds))), section_titles={},
                     parents=parents)
    scored = dict.fromkeys(data.draw(st.lists(st.integers(0, len(kinds) - 1), unique=True)), 1.0)
    for section in (None, "s1", "s2", "nowhere"):
        assert grouping.kind_counts(table, scored, section) == _kind_counts_one_by_one(table, scored, section)


def _first_title(tmp_path, guide_text: str, typed: str) -> str:
    from patternkb.index.library import PatternLibrary
    from patternkb.kb.build import build_kb

    guide = tmp_path / "rules.md"
    guide.write_text(guide_text)
    with PatternLibrary.of(build_kb([guide]), tmp_path / "ix") as library:
        library.ensure()
        return library.search(typed).hits[0].title


@pytest.mark.parametrize("typed", ["no-param-reassign", "no-param-reas", "std::sync::Mutex"])
def test_a_word_of_pieces_finds_first_the_entry_holding_them_all(tmp_path, typed):
    """A common piece ("no", "std") in another entry's title must not outrank the entry that
    holds every piece of the word typed (an eslint rule's name, a path)."""
    text = ("# G\n\n## S\n\n### No shadowing\n\nNo.\n\n```js\nlet a = 1;\n```\n\n### Std first\n\nStd.\n\n"
            "```rust\nuse std::fs;\n```\n\n### Parameters\n\nNever reassign a param (no-param-reassign); "
            "share a std::sync::Mutex instead.\n\n```js\nfunction f(a) { return a; }\n```\n")
    assert _first_title(tmp_path, text, typed) == "Parameters"


def test_a_piece_inside_another_piece_is_still_a_piece_to_hold(tmp_path):
    # "foobar-foo": an entry with only "foo" holds one piece of two, however "foo" sits in "foobar".
    text = ("# G\n\n## S\n\n### Foo first\n\nFoo.\n\n```js\nfoo();\n```\n\n### Both\n\nUse foobar-foo here.\n\n"
            "```js\nbar();\n```\n")
    assert _first_title(tmp_path, text, "foobar-foo ") == "Both"



@pytest.mark.parametrize("typed", ["createServer", "http.createServer", "Socket"])
def test_an_api_reference_entry_comes_first_for_the_name_it_documents(tmp_path, typed):
    """An API reference titles an entry by the call it documents: that entry, not the examples
    using the call most, is what its name asks for (a call, a path, or a label and a class)."""
    uses = "\n".join(["const server = http.createServer(handler);", "server.listen(8000);"] * 6)
    text = ("# API\n\n## Examples\n\n### Serving files\n\nA file server: createServer and a Socket.\n\n"
            f"```js\n{uses}\nconst s = new net.Socket(); s.connect(80); s.end(); s.destroy(); new net.Socket();\n```\n\n"
            "## Reference\n\n### http.createServer([options][, listener])\n\nReturns a new server.\n\n"
            "### Class: net.Socket\n\nA TCP socket.\n")
    expected = "Class: net.Socket" if typed == "Socket" else "http.createServer([options][, listener])"
    assert _first_title(tmp_path, text, typed) == expected


@pytest.mark.parametrize(("typed", "expected"), [("dispatcher request", "Dispatcher.request(options)"),
                                                  ("agent close", "Agent.close([callback])")])
def test_a_class_and_a_method_typed_as_words_find_the_method_s_reference(tmp_path, typed, expected):
    """An API reference titles its entries `Class.method(args)`: "dispatcher request" asks for
    that entry, not for the many examples titled with one of the words."""
    text = ("# API\n\n## Examples\n\n### Sending a request\n\nSend a request through a dispatcher.\n\n"
            "### Proxy request\n\nA request through a proxy.\n\n### Agent options\n\nClose them all.\n\n## Reference\n\n"
            "### Dispatcher.request(options)\n\nPerforms an HTTP request.\n\n### Dispatcher.close()\n\nCloses.\n\n"
            "### Agent.close([callback])\n\nCloses the agent.\n\n### Agent.request(options)\n\nA request.\n")
    assert _first_title(tmp_path, text, typed) == expected
