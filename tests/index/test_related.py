"""Related patterns and checklist links, read from the built index."""


def test_every_pattern_has_three_related_with_reasons(bundled_index):
    for pattern in bundled_index.kb.patterns:
        related = bundled_index.related(pattern.id)
        assert len(related) >= 3, pattern.id
        for link in related:
            assert link["reason"] and link["id"] != pattern.id
            assert bundled_index.kb.entry(link["id"]).title == link["title"]
        scores = [link["score"] for link in related]
        assert scores == sorted(scores, reverse=True)


def test_related_is_shown_both_ways(bundled_index):
    for pattern in bundled_index.kb.patterns:
        for link in bundled_index.related(pattern.id):
            assert pattern.id in {back["id"] for back in bundled_index.related(link["id"])}


def test_reasons_read_like_a_person_wrote_them(bundled_index):
    reasons = [link["reason"] for p in bundled_index.kb.patterns for link in bundled_index.related(p.id)]
    assert any(r.startswith("also uses ") for r in reasons)
    assert any("same crate: " in r or "same crates: " in r for r in reasons)
    assert any("similar: " in r for r in reasons)
    actor = {link["id"]: link["reason"] for link in bundled_index.related("concurrency-async/actor-model-pattern")}
    assert any("tokio" in reason for reason in actor.values())


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
