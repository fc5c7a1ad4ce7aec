"""Grouped results over a small guide of our own: a match in a named part or a snippet is a
sub-hit of its pattern, a matching checklist item folds into the pattern it illustrates, an item
no pattern answers stands alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from patternkb.app.render import render_entry
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


def test_a_row_opens_where_it_matched_better_than_by_its_own_fields(library):
    assert library.search("idle timeouts").hits[0].focus == part_anchor("Idle Timeouts")
    # The code matched best, and its named part says what the code is for: the row opens at the part.
    top = library.search("SetIdleTimeout").hits[0]
    assert top.sub_hits[0].kind == "snippet" and top.focus == part_anchor("Idle Timeouts")
    assert library.search("connection pooling").hits[0].focus is None  # its title: its top
    assert library.search("exponential backoff").hits[0].focus is None  # an item it illustrates has no place in it


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


def test_parts_of_one_name_open_each_at_its_own_place(tmp_path):
    guide = tmp_path / "parts.md"
    guide.write_text("# G\n\n## S\n\n### Pattern\n\nIntro.\n\n```rust\nfn a() {}\n```\n\n#### Example\n\nfirst\n\n"
                     "#### Example\n\nquagga only here\n\n#### Пример\n\nзебра\n")
    with PatternLibrary.of(build_kb([guide]), tmp_path / "ix") as library:
        library.ensure()
        sub = library.search("quagga").hits[0].sub_hits[0]
        assert (sub.kind, sub.anchor) == ("part", "part-example-2")
        entry = library.kb.entry(library.search("quagga").hits[0].id)
        page = render_entry(entry, library.kb, related=[], checklist=[]).html
        assert page.index('name="part-example-2"') < page.index("quagga")
        assert page.index('name="part-example"') < page.index("first") < page.index('name="part-example-2"')


def test_a_part_is_searched_by_its_words_and_its_code_and_a_kb_built_before_by_its_markdown(tmp_path):
    from patternkb.index.documents import documents
    from patternkb.kb.models import KnowledgeBase

    guide = tmp_path / "g.md"
    guide.write_text("# G\n\n## S\n\n### P\n\nIntro.\n\n#### Flat\n\n```rust\nenum A {}\n```\n\n#### Why\n\nSome *words*.\n")
    kb = build_kb([guide])
    parts = {d["title"]: (d["prose"], d["code"].strip()) for d in documents(kb) if d["kind"] == "part"}
    # Its words as text; the code between it and the next part as code (found by its identifiers).
    assert parts == {"Flat": ("", "enum A {}"), "Why": ("Some words.", "")}
    # A KB written before parts kept their words: their Markdown is searched, as it was then.
    data = kb.entries[0].model_dump()
    for part in data["parts"]:
        del part["text"]
    old = KnowledgeBase(manifest=kb.manifest, sections=kb.sections, entries=[type(kb.entries[0]).model_validate(data)])
    assert {d["title"]: d["prose"] for d in documents(old) if d["kind"] == "part"}["Why"] == "Some *words*."


def test_a_part_found_by_its_code_shows_its_words_and_leaves_the_code_to_the_snippet(tmp_path):
    guide = tmp_path / "g.md"
    guide.write_text("# G\n\n## S\n\n### P\n\nIntro.\n\n#### Why\n\nSome words first.\n\n```rust\nfn zorblax() {}\n```\n")
    with PatternLibrary.of(build_kb([guide]), tmp_path / "ix") as library:
        library.ensure()
        subs = {s.kind: s.fragment for s in library.search("zorblax").hits[0].sub_hits}
        assert "zorblax" in subs["snippet"] and subs["part"] == "Some words first."
