"""A build in a process of its own (the window's): the same index as one built here, progress
passed on, only the changed guide's documents written, the child's errors raised here with their
kind, file and line, and a child that dies said so, with nothing published. In each test of the
child, a build in this process fails: what passes is the child's work."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from patternkb.index import build_process, builder
from patternkb.index.engine import PatternIndex
from patternkb.index.storage import IndexError_
from patternkb.kb.errors import StoreError
from patternkb.kb.paths import BUNDLED_KB
from tests.index.test_incremental import _same_index
from tests.perf.scale import write_kb_dir

# Two guides of 200 entries: each has index units of its own (units.OWN_UNIT_ENTRIES).
ENTRIES, GUIDES = 400, 2


@pytest.fixture
def not_here(monkeypatch):
    """A build in this process fails (undo with monkeypatch.undo())."""
    def built_here(*args, **kwargs):
        raise AssertionError("built in the test's process, not in a child")

    monkeypatch.setattr(builder, "build_generation", built_here)
    return monkeypatch


def test_apart_builds_the_index_a_build_here_does(tmp_path, not_here):
    kb = tmp_path / "kb"
    write_kb_dir(ENTRIES, GUIDES, kb)
    apart = PatternIndex(root=tmp_path / "apart", kb_dir=kb)
    seen: list[tuple[int, int]] = []
    assert "missing" in apart.ensure(lambda done, total: seen.append((done, total)), apart=True)
    assert apart.status() == "current"
    assert len(seen) > 1 and seen[-1] == (ENTRIES, ENTRIES)  # along the way, to the end
    assert apart.last_written == apart.meta()["documents"]
    # One guide changed: the child indexes its documents only.
    write_kb_dir(ENTRIES, GUIDES, kb, changed=True)
    again = PatternIndex(root=tmp_path / "apart", kb_dir=kb)
    assert "stale" in again.ensure(apart=True)
    assert 0 < again.last_written < again.meta()["documents"]
    assert again.last_generation == again.store.current_name() != apart.last_generation
    not_here.undo()
    here = PatternIndex(root=tmp_path / "here", kb_dir=kb)
    here.rebuild()
    _same_index(again, here)
    for engine in (apart, again, here):
        engine.close()


def test_the_childs_error_is_raised_here_with_its_kind_file_and_line(tmp_path, not_here):
    folder = tmp_path / "kb"
    shutil.copytree(BUNDLED_KB, folder)
    entries = folder / (folder / "CURRENT").read_text().strip() / "entries.jsonl"
    lines = entries.read_bytes().splitlines(keepends=True)
    entries.write_bytes(b"".join(lines[:3] + [b"{not json\n"] + lines[4:]))
    engine = PatternIndex(root=tmp_path / "ix", kb_dir=folder)
    with pytest.raises(StoreError) as raised:
        engine.rebuild(apart=True)
    assert (Path(raised.value.file).name, raised.value.line) == ("entries.jsonl", 4)
    assert "json" in raised.value.message.lower()
    assert engine.store.current_name() is None  # nothing published


def test_a_kb_gone_before_the_child_opens_it_is_a_store_error(tmp_path, not_here):
    folder = tmp_path / "kb"
    write_kb_dir(ENTRIES, GUIDES, folder)
    engine = PatternIndex(root=tmp_path / "ix", kb_dir=folder)
    shutil.rmtree(folder)  # the window opened it; then it went
    with pytest.raises(StoreError):
        engine.rebuild(apart=True)


def test_a_child_that_dies_is_an_index_error_and_nothing_is_published(tmp_path, monkeypatch):
    folder = tmp_path / "kb"
    write_kb_dir(ENTRIES, GUIDES, folder)
    # The child's interpreter is asked for a module that is not there: it ends with a traceback.
    monkeypatch.setattr(build_process, "__name__", "patternkb.index.no_such_module")
    engine = PatternIndex(root=tmp_path / "ix", kb_dir=folder)
    with pytest.raises(IndexError_, match="ended with status 1"):
        engine.rebuild(apart=True)
    assert engine.store.current_name() is None


def test_a_progress_callback_that_raises_stops_the_child(tmp_path):
    folder = tmp_path / "kb"
    write_kb_dir(ENTRIES, GUIDES, folder)
    engine = PatternIndex(root=tmp_path / "ix", kb_dir=folder)

    def cancelled(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        engine.rebuild(cancelled, apart=True)
    assert engine.store.current_name() is None  # killed before it published


def test_without_a_process_to_be_had_it_is_built_here(tmp_path, monkeypatch):
    folder = tmp_path / "kb"
    write_kb_dir(ENTRIES, GUIDES, folder)

    def no_process(*args, **kwargs):
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(build_process.subprocess, "Popen", no_process)
    engine = PatternIndex(root=tmp_path / "ix", kb_dir=folder)
    assert engine.rebuild(apart=True) == engine.meta()["documents"] > 0
    assert engine.status() == "current"
    engine.close()
