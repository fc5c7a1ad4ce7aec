"""A build in a process of its own (the window's): the same index as one built here, progress
passed on, the child's errors raised here with their kind and words, and a child that dies
said so, with nothing published."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from patternkb.index import build_process
from patternkb.index.engine import PatternIndex
from patternkb.index.storage import IndexError_
from patternkb.kb.build import build_kb
from patternkb.kb.errors import StoreError
from patternkb.kb.paths import BUNDLED_KB
from patternkb.kb.store import write_kb
from tests.index.test_incremental import _add_pattern, _guides, _same_index


def _kb_folder(tmp_path: Path) -> tuple[Path, Path]:
    handbook, book = _guides(tmp_path)
    folder = tmp_path / "kb"
    write_kb(build_kb([handbook, book]), folder)
    return folder, handbook


def test_apart_builds_the_index_a_build_here_does(tmp_path):
    folder, handbook = _kb_folder(tmp_path)
    apart = PatternIndex(root=tmp_path / "apart", kb_dir=folder)
    seen: list[tuple[int, int]] = []
    assert "missing" in apart.ensure(lambda done, total: seen.append((done, total)), apart=True)
    assert apart.status() == "current"
    assert seen and seen[-1][0] == seen[-1][1] > 0  # to the end
    here = PatternIndex(root=tmp_path / "here", kb_dir=folder)
    here.ensure()
    _same_index(apart, here)
    # A guide changed: the child builds on the live generation, as a build here would.
    _add_pattern(handbook)
    write_kb(build_kb([handbook, tmp_path / "book"]), folder)
    again = PatternIndex(root=tmp_path / "apart", kb_dir=folder)
    assert "stale" in again.ensure(apart=True)
    assert again.search("idempotency tokens").hits[0].title == "Added Later"
    full = PatternIndex(root=tmp_path / "full", kb_dir=folder)
    full.rebuild()
    _same_index(again, full)
    for engine in (apart, here, again, full):
        engine.close()


def test_the_childs_error_is_raised_here_with_its_file_and_line(tmp_path):
    folder = tmp_path / "kb"
    shutil.copytree(BUNDLED_KB, folder)
    live = folder / (folder / "CURRENT").read_text().strip()
    entries = live / "entries.jsonl"
    lines = entries.read_bytes().splitlines(keepends=True)
    entries.write_bytes(b"".join(lines[:3] + [b"{not json\n"] + lines[4:]))
    engine = PatternIndex(root=tmp_path / "ix", kb_dir=folder)
    with pytest.raises(StoreError) as raised:
        engine.rebuild(apart=True)
    assert raised.value.file and "entries.jsonl" in raised.value.file
    assert engine.store.current_name() is None  # nothing published


def test_a_child_that_dies_is_an_index_error_and_nothing_is_published(tmp_path, monkeypatch):
    folder, _ = _kb_folder(tmp_path)
    # The child's interpreter is asked for a module that is not there: it ends with a traceback.
    monkeypatch.setattr(build_process, "__name__", "patternkb.index.no_such_module")
    engine = PatternIndex(root=tmp_path / "ix", kb_dir=folder)
    with pytest.raises(IndexError_, match="ended with status 1: .*No module named"):
        engine.rebuild(apart=True)
    assert engine.store.current_name() is None


def test_without_a_process_to_be_had_it_is_built_here(tmp_path, monkeypatch):
    folder, _ = _kb_folder(tmp_path)

    def no_process(*args, **kwargs):
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(build_process.subprocess, "Popen", no_process)
    engine = PatternIndex(root=tmp_path / "ix", kb_dir=folder)
    assert engine.rebuild(apart=True) == engine.meta()["documents"] > 0
    assert engine.status() == "current"
    engine.close()
