"""Tag choice: cue words weighted by where they occur, a threshold, at most four tags, a fallback."""

from patternkb.kb.tags import FALLBACK, MAX_TAGS, THRESHOLD, VOCABULARY, choose_tags


def _tags(title="", section="", symbols=(), crates=(), prose=""):
    return choose_tags(title=title, section=section, symbols=list(symbols), crates=list(crates), prose=prose)


def _cues(tag: str, n: int) -> list[str]:
    """n different whole cue words of `tag` (a trailing * stands for any ending)."""
    return [c.rstrip("*") for c in VOCABULARY[tag]][:n]


def test_one_cue_in_the_title_is_enough_one_in_the_prose_is_not():
    tag = "serialization"
    cue = _cues(tag, 1)[0]
    assert _tags(title=cue) == [tag]
    assert _tags(section=cue) == [tag]
    assert _tags(prose=cue) == [FALLBACK]
    assert _tags(symbols=[cue]) == [FALLBACK]


def test_prose_symbols_and_crates_add_up_by_distinct_cue():
    tag = "database"
    a, b, c = _cues(tag, 3)
    assert THRESHOLD == 3
    assert _tags(prose=f"{a} {b}") == [FALLBACK]
    assert _tags(prose=f"{a} {a} {a} {a}") == [FALLBACK]  # one cue counts once, however often
    assert _tags(prose=a, symbols=[b], crates=[c]) == [tag]


def test_a_cue_counts_at_its_best_place_only():
    tag = "testing"
    cue = _cues(tag, 1)[0]
    # 3 in the title; the same cue in the prose adds nothing: a second tag's single title cue ties.
    assert _tags(title=f"{cue} serde", prose=cue) == sorted([tag, "serialization"])


def test_a_starred_cue_matches_any_ending_a_plain_one_only_itself():
    assert _tags(title="Threading") == ["concurrency"]  # thread*
    assert _tags(title="Arcs") == [FALLBACK]  # arc, not arc*
    assert _tags(title="subthread") == [FALLBACK]  # a cue starts a word


def test_at_most_four_tags_the_strongest_then_by_name():
    title = " ".join(_cues(t, 1)[0] for t in ("serialization", "database", "unsafe", "testing", "memory"))
    strong = "serde json yaml"  # serialization: 3 cues in the title scores 9
    tags = _tags(title=f"{title} {strong}")
    assert len(tags) == MAX_TAGS == 4 and tags == sorted(tags)
    assert "serialization" in tags and tags == sorted(["serialization", "database", "memory", "testing"])


def test_tags_are_never_empty_and_always_from_the_vocabulary():
    assert _tags() == [FALLBACK]
    assert set(_tags(title="async await tokio mutex")) <= set(VOCABULARY)
