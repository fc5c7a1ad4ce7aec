"""Index life cycle: built where it belongs, rebuilt when stale or corrupt, swapped atomically."""

import signal
import threading

import pytest

from patternkb.index.engine import PatternIndex
from patternkb.index.kbkey import key_of
from patternkb.index.storage import ENV_VAR, IndexBusy, default_index_dir
from patternkb.kb.build import build_kb
from patternkb.kb.paths import BUNDLED_KB
from patternkb.kb.store import load_kb
from tests.index.index_safety_tools import rebuild_killed_at


@pytest.fixture
def kb():
    return load_kb(BUNDLED_KB)


def test_location_is_keyed_by_fingerprint_and_overridable(kb, monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_VAR, raising=False)
    path = default_index_dir(kb.fingerprint)
    assert path.name == kb.fingerprint[:16] and "patternkb" in str(path)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "elsewhere"))
    assert default_index_dir(kb.fingerprint) == tmp_path / "elsewhere"


def test_missing_index_is_built_and_records_the_kb(kb, tmp_path):
    engine = PatternIndex(kb, tmp_path / "ix")
    assert engine.status() == "missing"
    assert "missing" in engine.ensure()
    assert engine.status() == "current" and engine.ensure() is None
    assert engine.meta()["kb_fingerprint"] == key_of(kb)
    engine.close()


def test_stale_index_is_rebuilt(tmp_path, mdbook_dir, bundled_guide):
    root = tmp_path / "ix"
    old = PatternIndex(build_kb([mdbook_dir]), root)
    old.ensure()
    assert old.search("builder").hits
    new = PatternIndex(build_kb([bundled_guide]), root)
    assert new.status() == "stale"
    new.ensure()
    assert new.search("semaphore").hits
    # the old engine sees the new generation on its next query (its searcher is refreshed)
    assert old.status() == "stale"
    old.close()
    new.close()


@pytest.mark.parametrize("damage", ["truncate_segment", "garbage_toc", "garbage_pointer", "delete_generation"])
def test_corrupt_index_is_detected_reported_and_rebuilt(kb, tmp_path, damage):
    root = tmp_path / "ix"
    engine = PatternIndex(kb, root)
    engine.ensure()
    engine.close()
    generation = root / (root / "CURRENT").read_text()
    if damage == "truncate_segment":
        segment = max((p for p in generation.iterdir() if p.name.startswith("MAIN_")), key=lambda p: p.stat().st_size)
        segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])
    elif damage == "garbage_toc":
        toc = next(p for p in generation.iterdir() if p.suffix == ".toc")
        toc.write_bytes(b"\x00garbage" * 10)
    elif damage == "garbage_pointer":
        (root / "CURRENT").write_bytes(b"\xff\xfe garbage")
    else:
        import shutil
        shutil.rmtree(generation)
    fresh = PatternIndex(kb, root)
    assert fresh.status().startswith("corrupt")
    message = fresh.ensure()
    assert message.startswith(f"index at {root} was corrupt") and "\n" not in message
    assert fresh.status() == "current"
    assert fresh.search("mutex").hits
    fresh.close()


def test_kill_9_during_rebuild_leaves_the_old_index_working(kb, tmp_path):
    root = tmp_path / "ix"
    engine = PatternIndex(kb, root)
    engine.ensure()
    before = (root / "CURRENT").read_text()
    proc = rebuild_killed_at(f"""
        from pathlib import Path
        from patternkb.index.engine import PatternIndex
        from patternkb.kb.store import load_kb
        engine = PatternIndex(load_kb(Path({str(BUNDLED_KB)!r})), Path({str(root)!r}))
    """, done=100, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "killing" in proc.stdout
    assert (root / "CURRENT").read_text() == before
    assert engine.status() == "current"
    assert engine.search("mutex").hits
    engine.rebuild()  # the half-built generation is swept away by the next build
    assert len(list(root.glob("gen-*"))) == 1
    engine.close()


def test_second_writer_waits_or_reports(kb, tmp_path):
    root = tmp_path / "ix"
    engine = PatternIndex(kb, root)
    engine.ensure()
    held = threading.Event()
    release = threading.Event()

    def hold():
        with engine.store.writer_lock():
            held.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(30)
    with pytest.raises(IndexBusy, match="another patternkb is rebuilding"):
        with engine.store.writer_lock(wait=0.2):
            pass
    release.set()
    thread.join()
    with engine.store.writer_lock(wait=5):  # free again: a waiting writer gets through
        pass
    assert engine.status() == "current"
    engine.close()


def test_searchers_are_per_thread_reused_and_closed(kb, tmp_path):
    engine = PatternIndex(kb, tmp_path / "ix")
    engine.ensure()
    engine.search("mutex")
    mine = engine._thread_searcher()
    engine.search("arc")
    assert engine._thread_searcher() is mine  # reused
    other = []
    t = threading.Thread(target=lambda: (engine.search("tokio"), other.append(engine._thread_searcher())))
    t.start()
    t.join()
    assert other[0] is not mine and engine.open_searchers() == 2
    engine.rebuild()
    engine.search("mutex")
    assert engine._thread_searcher() is not mine  # refreshed after the new generation went live
    engine.close()
    assert engine.open_searchers() == 0
