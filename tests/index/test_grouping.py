"""Grouped results over a small guide of our own: a match in a named part or a snippet is a
sub-hit of its pattern, a matching checklist item folds into the pattern it illustrates, an item
no pattern answers stands alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from patternkb.index.documents import documents
from patternkb.index.library import PatternLibrary, SearchOptions
from patternkb.kb.build import build_kb
from patternkb.kb.slugs import part_anchor

GUIDE = Path(__file__).parents[1] / "fixtures" / "grouping" / "service-guide.md"
POOLING = "connections/connection-pooling"
RETRIES = "connections/retries-with-backoff"


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    with PatternLibrary.of(build_kb([GUIDE]), tmp_path_factory.mktemp("grouping") / "ix") as library:
        library.ensure()
        yield library


def test_every_named_part_is_a_document_of_its_entry():
    kb = build_kb([GUIDE])
    parts = [d for d in documents(kb) if d["kind"] == "part"]
    assert [(d["parent"], d["title"]) for d in parts] == [
        (POOLING, "Pool Sizing"), (POOLING, "Idle Timeouts"), (RETRIES, "Giving Up")]
    assert all(d["anchor"] == part_anchor(d["title"]) and d["id"].startswith(d["parent"] + "#") for d in parts)


def test_a_match_in_a_named_part_is_a_sub_hit_of_its_pattern(library):
    result = library.search("idle timeouts")
    top = result.hits[0]
    assert (top.id, top.kind) == (POOLING, "pattern")
    assert top.sub_hits[0].kind == "part" and top.sub_hits[0].title == "Idle Timeouts"
    assert top.sub_hits[0].anchor == part_anchor("Idle Timeouts")
    assert [h.id for h in result.hits].count(POOLING) == 1 and not any("#" in h.id for h in result.hits)


def test_a_checklist_item_and_the_pattern_it_illustrates_make_one_row(library):
    top = library.search("exponential backoff").hits[0]
    assert top.id == RETRIES
    assert any(sub.kind == "checklist" and "backoff" in sub.title for sub in top.sub_hits)
    items = library.search("exponential backoff", SearchOptions(kind="checklist")).hits
    assert [h.kind for h in items] == ["checklist"]  # asked for by its kind, the item is a row


def test_an_item_no_pattern_answers_stands_as_its_own_row(library):
    hits = library.search("request id").hits
    assert hits[0].kind == "checklist" and "request id" in hits[0].title


def test_a_snippet_match_ranks_its_pattern_and_shows_the_snippet(library):
    top = library.search("SetIdleTimeout").hits[0]
    assert top.id == POOLING and top.sub_hits[0].kind == "snippet" and "<b>" in top.sub_hits[0].fragment


def test_a_sub_hit_says_what_it_is():
    from patternkb.index.results import SubHit

    labels = {kind: SubHit(id="x", kind=kind, title="t", anchor=None, fragment="", score=0.0).label
              for kind in ("snippet", "part", "checklist")}
    assert labels == {"snippet": "Code", "part": "Part", "checklist": "Checklist"}
