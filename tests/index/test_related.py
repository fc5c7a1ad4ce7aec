"""Related patterns and checklist links, read from the built index."""

import re

import pytest

from patternkb.index import related, vocabulary
from patternkb.index.library import PatternLibrary
from patternkb.kb.build import build_kb
from tests.shared_corpora import corpus

FILLED = "(nothing closer found)"


def test_every_pattern_has_related_with_reasons(bundled_index):
    for pattern in bundled_index.kb.patterns:
        related = bundled_index.related(pattern.id)
        assert related, pattern.id
        for link in related:
            assert link["reason"] and link["id"] != pattern.id
            assert bundled_index.kb.entry(link["id"]).title == link["title"]
        scores = [link["score"] for link in related]
        assert scores == sorted(scores, reverse=True)
        # The guide's neighbourhood fills in only where nothing real relates, and says so.
        filled = [link for link in related if FILLED in link["reason"]]
        assert not filled or len(filled) == len(related) or all(l["score"] <= 0.1 for l in filled)


@pytest.mark.parametrize(("a", "b"), [
    ("concurrency-async/thread-safety-patterns", "ownership-borrowing-mastery/smart-pointers"),
    ("error-handling/error-design-patterns", "error-handling/error-handling-best-practices"),
    ("unsafe-rust/safe-abstractions-over-unsafe-code", "unsafe-rust/unsafe-guidelines"),
])
def test_pairs_an_expert_draws_are_in_each_other_s_first_five(bundled_index, a, b):
    assert b in [link["id"] for link in bundled_index.related(a)[:5]]
    assert a in [link["id"] for link in bundled_index.related(b)[:5]]


def test_related_is_shown_both_ways_up_to_a_readable_number(bundled_index):
    hubs = 0
    for pattern in bundled_index.kb.patterns:
        assert len(bundled_index.related(pattern.id)) <= related.MAX_SHOWN
        for link in bundled_index.related(pattern.id):
            back = bundled_index.related(link["id"])
            if FILLED not in link["reason"] and pattern.id not in {b["id"] for b in back}:
                # Not listed back only by a pattern that many list, which shows the strongest.
                assert len(back) == related.MAX_SHOWN and back[-1]["score"] >= link["score"]
                hubs += 1
    assert hubs  # the bundled guide has such patterns: the limit is checked


def test_reasons_read_like_a_person_wrote_them(bundled_index):
    reasons = [link["reason"] for p in bundled_index.kb.patterns for link in bundled_index.related(p.id)]
    for kind in ("also uses ", "same package: ", "both about ", "same checklist item: ", "similar code"):
        assert any(kind in r for r in reasons), kind
    actor = {link["id"]: link["reason"] for link in bundled_index.related("concurrency-async/actor-model-pattern")}
    assert any("tokio" in reason for reason in actor.values())


def _reason_words(reason: str) -> tuple[list[str], list[str]]:
    """(words a reason draws from the code, words it draws from the titles)."""
    code, titles = [], []
    for clause in reason.split("; "):
        for start, found in (("also uses ", code), ("similar code: ", code), ("both about ", titles)):
            if clause.startswith(start):
                found += [w.strip() for w in clause.removeprefix(start).split(",")]
    return code, titles


@pytest.mark.parametrize("guide", ["bundled", "uber-go-guide/style.md", "rust-api-guidelines", "google-pyguide/pyguide.md"])
def test_no_keyword_or_placeholder_is_ever_a_reason(bundled_index, guide, tmp_path):
    if guide == "bundled":
        kb, links = bundled_index.kb, bundled_index.links()["related"]
    else:
        with PatternLibrary.of(build_kb([corpus(guide)]), tmp_path / "ix") as library:
            library.ensure()
            kb, links = library.kb, library._index.links()["related"]
    # A keyword of the code is no reason (a title's topic may be named like one: "Unsafe").
    code = [w for related in links.values() for link in related for w in _reason_words(link["reason"])[0]]
    titles = [w for related in links.values() for link in related for w in _reason_words(link["reason"])[1]]
    assert code and not [w for w in code if w.lower() in vocabulary.keywords(kb) | vocabulary.PLACEHOLDERS]
    assert not [w for w in titles if w.lower() in vocabulary.PLACEHOLDERS | vocabulary.FUNCTION_WORDS
                | vocabulary.TITLE_FILLERS]
    assert all(re.fullmatch(r"[^;]+(; [^;]+)?", link["reason"]) for related in links.values() for link in related)


def test_related_is_deterministic(bundled_index, tmp_path):
    from patternkb.index.engine import PatternIndex

    again = PatternIndex(bundled_index.kb, tmp_path / "again")
    again.ensure()
    assert again.links()["related"] == bundled_index.links()["related"]
    again.close()


def test_checklist_items_link_to_patterns_and_back(bundled_index):
    item = "best-practices-checklist/development-checklist/use-custom-error-types-with-thiserror-for-domain-errors"
    assert bundled_index.illustrated_by(item)[0] == "error-handling/error-design-patterns"
    assert item in bundled_index.checklist_for("error-handling/error-design-patterns")


def test_see_also_links_in_an_mdbook(mdbook_dir, tmp_path):
    from patternkb.index.engine import PatternIndex
    from patternkb.kb.build import build_kb

    engine = PatternIndex(build_kb([mdbook_dir]), tmp_path / "ix")
    engine.ensure()
    ctor = {link["id"]: link["reason"] for link in engine.related("idioms/constructors")}
    assert ctor["idioms/the-default-trait"].startswith("see also")
    assert "see also" in {link["id"]: link["reason"] for link in engine.related("design-patterns/builder")}[
        "idioms/constructors"]
    engine.close()


def test_an_item_naming_a_pattern_by_its_title_words_links_to_it(bundled_index):
    item = "best-practices-checklist/development-checklist/use-newtypes-for-domain-specific-values"
    assert bundled_index.illustrated_by(item) == ["api-design-patterns/newtype-pattern"]
    # A word of a title alone ("code", "key") names nothing.
    fmt = "best-practices-checklist/development-checklist/format-code-with-rustfmt"
    assert "unsafe-rust/safe-abstractions-over-unsafe-code" not in bundled_index.illustrated_by(fmt)
