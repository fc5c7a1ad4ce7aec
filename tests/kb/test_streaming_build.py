"""`patternkb build` streams (issue 16): a guide's entries are written as they are made, so the
build's memory is that of its largest guide, not of the KB; and the KB it writes is the one
`build_kb` + `write_kb` write."""

import tracemalloc
from pathlib import Path

import pytest

from patternkb.kb.build import build_into, build_kb, stale_files_of
from patternkb.kb.errors import GuideError
from patternkb.kb.files import live_dir
from patternkb.kb.store import load_kb, write_kb
from tests.perf.guide_scale import small_guide
from tests.trees import tree

PER_GUIDE = 120


def _folder(root: Path, guides: int) -> Path:
    root.mkdir()
    for g in range(guides):
        (root / f"guide-{g:02d}.md").write_text(small_guide(g * PER_GUIDE, PER_GUIDE, f"Guide {g}"))
    return root


def _bytes(path: str) -> bytes:
    return Path(path).read_bytes()


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_eight_guides_take_about_the_memory_of_two(tmp_path):
    two, eight = _folder(tmp_path / "two", 2), _folder(tmp_path / "eight", 8)
    build_into([two], tmp_path / "warm")  # imports, lexers and regexes made once, outside the count
    small = _peak(lambda: build_into([two], tmp_path / "kb2"))
    large = _peak(lambda: build_into([eight], tmp_path / "kb8"))
    assert load_kb(tmp_path / "kb8").manifest.counts.patterns == 8 * PER_GUIDE
    # Holding the KB would take about four times as much; a guide at a time, little more.
    assert large < 1.6 * small, f"8 guides peaked at {large / small:.2f} times the memory of 2"


def test_the_streamed_kb_is_the_kb_built_in_memory(tmp_path):
    folder = _folder(tmp_path / "guides", 3)
    streamed = build_into([folder], tmp_path / "streamed")
    write_kb(build_kb([folder]), tmp_path / "whole")
    a, b = live_dir(tmp_path / "streamed"), live_dir(tmp_path / "whole")
    assert a.name == b.name and sorted(p.name for p in a.iterdir()) == sorted(p.name for p in b.iterdir())
    assert all((a / p.name).read_bytes() == (b / p.name).read_bytes() for p in a.iterdir())
    loaded = load_kb(tmp_path / "streamed").manifest
    assert streamed.counts == loaded.counts and [g.id for g in streamed.guides] == [g.id for g in loaded.guides]


def test_a_guide_that_fails_midway_leaves_the_kb_as_it_was(tmp_path):
    folder = _folder(tmp_path / "guides", 2)
    out = tmp_path / "kb"
    build_into([folder], out)
    before = tree(out, describe=_bytes)
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"# Bad\n\n\x00 binary\n")
    with pytest.raises(GuideError, match="binary file"):
        build_into([folder, bad], out)  # two guides' entries written before the third fails
    assert tree(out, describe=_bytes) == before


def test_check_names_the_files_that_differ_and_writes_nothing(tmp_path):
    folder = _folder(tmp_path / "guides", 2)
    out = tmp_path / "kb"
    build_into([folder], out)
    before = tree(out, describe=_bytes)
    assert stale_files_of([folder], out)[1] == []
    (folder / "guide-01.md").write_text(small_guide(0, PER_GUIDE + 1, "Guide 1"))
    manifest, stale = stale_files_of([folder], out)
    assert manifest.counts.patterns == 2 * PER_GUIDE + 1
    assert stale and all(name in {p.name for p in live_dir(out).iterdir()} for name in stale)
    assert any(name.startswith("entries") for name in stale)
    every = sorted(p.name for p in live_dir(out).iterdir())
    assert stale_files_of([folder], tmp_path / "none")[1] == every  # no KB there: every file is stale
    assert tree(out, describe=_bytes) == before
