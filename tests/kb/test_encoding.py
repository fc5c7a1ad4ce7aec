"""Mojibake repair: lossless, run by run, and text that is already right is left alone."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patternkb.kb.encoding import repair_mojibake


def mojibake(text: str) -> str:
    return text.encode("utf-8").decode("mac_roman")


@pytest.mark.parametrize("original", ["🔄 Ownership", "✅ Use `&str`", "🏗️ API Design", "🦀", "⚠️ Unsafe"])
def test_repairs_utf8_read_as_mac_roman(original):
    repaired, runs = repair_mojibake(mojibake(original))
    assert repaired == original
    assert runs >= 1


def test_the_guides_own_markers():
    assert repair_mojibake("\uf8ffü¶Ä The Complete Rust Guide") == ("🦀 The Complete Rust Guide", 1)
    assert repair_mojibake("‚úÖ done") == ("✅ done", 1)


@pytest.mark.parametrize("correct", ["café", "naïve résumé", "Ångström", "50 µs", "“quoted”", "🔄 already fine", "a → b"])
def test_correct_text_is_left_alone(correct):
    assert repair_mojibake(correct) == (correct, 0)


def test_mixed_line_repairs_only_the_broken_run():
    line = "café " + mojibake("🔒") + " secure"
    assert repair_mojibake(line) == ("café 🔒 secure", 1)


@given(st.text())
def test_repair_of_mojibake_gives_the_original_back(text):
    # Everything UTF-8 can encode survives the round trip through Mac Roman mojibake.
    assert repair_mojibake(mojibake(text))[0] == text


@given(st.text())
def test_repair_never_changes_line_structure(text):
    assert repair_mojibake(text)[0].count("\n") == text.count("\n")


def test_ftfy_is_not_enough(repaired_guide_text, bundled_guide):
    """Why we repair ourselves: ftfy leaves runs broken in this guide (checked, not assumed)."""
    ftfy = pytest.importorskip("ftfy")
    raw = bundled_guide.read_text(encoding="utf-8")
    assert "\uf8ff" in ftfy.fix_text(raw)
    assert "\uf8ff" not in repaired_guide_text


def test_a_guide_written_right_keeps_its_deliberate_mojibake():
    """A guide that shows decoding gone wrong on purpose (and holds text no Mac Roman reading
    gives, such as an arrow) is left as written: its code blocks stay verbatim."""
    text = "Read `a → b` as UTF-8.\n\n```js\n// Prints: t" + mojibake("é") + "st\n```\n"
    assert repair_mojibake(text) == (text, 0)
