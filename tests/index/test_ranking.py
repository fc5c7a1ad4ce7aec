"""The three ranking tiers (exact, every word, the rest), scores within a tier and guide order for
ties, on a small doc table. The postings stand in for the index: ranking reads only `docs`."""

from array import array

from patternkb.index.doctable import DocTable
from patternkb.index.ranking import best, in_guide_order

# docnum:            0          1          2          3            4
TABLE = DocTable(kinds=["pattern", "pattern", "snippet", "checklist", "pattern"],
                 sections=["s1", "s2", "s1", "s3", "s2"], orders=[0, 10, 1, 20, 30],
                 section_titles={"s1": "Alpha Beta", "s2": "Gamma", "s3": "Other"})


class _Postings:
    """The term -> documents lists of a tiny index."""

    def __init__(self, terms: dict[tuple[str, str], list[int]]):
        self.terms = terms

    def docs(self, field: str, text: str) -> array:
        return array("i", self.terms.get((field, text), []))


POSTINGS = _Postings({("title_exact", "gamma"): [3], ("title_exact", "alpha beta"): [2],
                      ("section", "s1"): [0, 2], ("section", "s2"): [1, 4], ("defines", "gamma"): [],
                      ("defines", "alpha"): [1]})


def test_exact_tiers_come_first_whatever_their_score():
    scored = {0: 9.0, 1: 1.0, 2: 8.0, 3: 0.5, 4: 2.0}
    # Own title (the checklist item), then the section titled so (its patterns, by score), then the rest.
    assert best(TABLE, POSTINGS, scored, None, ["Gamma"], 5) == [3, 4, 1, 0, 2]


def test_a_section_title_outranks_a_snippet_saying_it():
    scored = {0: 1.0, 2: 9.0, 4: 5.0}
    # "alpha beta": the snippet's own title, and the title of section s1 (pattern 0): the pattern first.
    assert best(TABLE, POSTINGS, scored, None, ["alpha", "beta"], 3) == [0, 2, 4]


def test_an_identifier_a_document_defines_is_exact():
    assert best(TABLE, POSTINGS, {0: 9.0, 1: 0.1}, None, ["alpha"], 2) == [1, 0]


def test_documents_matching_every_word_come_before_the_rest():
    scored = {0: 5.0, 1: 1.0, 4: 1.0, 2: 9.0}
    # Within the tier by score; equal scores in guide order (1 before 4).
    assert best(TABLE, POSTINGS, scored, {1, 4}, ["x", "y"], 4) == [1, 4, 2, 0]
    assert best(TABLE, POSTINGS, scored, None, ["x", "y"], 4) == [2, 0, 1, 4]


def test_only_scored_documents_and_at_most_limit():
    # Document 3 is an exact match, but a kind filter took it out of `scored`.
    assert best(TABLE, POSTINGS, {1: 1.0, 4: 2.0, 0: 3.0}, None, ["gamma"], 2) == [4, 1]
    assert best(TABLE, POSTINGS, {1: 1.0}, None, ["x"], 0) == []


def test_guide_order():
    assert in_guide_order(TABLE, {4: 9.0, 2: 1.0, 3: 5.0, 0: 0.0}, 3) == [0, 2, 3]
