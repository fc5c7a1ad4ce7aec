"""The index store writes only where it may, fails in one line, and keeps no partial
generation: foreign folders, non-folders, full disks, size limits, read-only folders."""

from __future__ import annotations

import fcntl
import json
import os
import resource
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from patternkb.index.engine import PatternIndex
from patternkb.index.storage import MARKER, READER_LOCK, IndexError_
from tests.index.index_safety_tools import cli, leftovers, unprivileged_prefix, write_own_kb


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory):
    return write_own_kb(tmp_path_factory.mktemp("safety") / "kb")


@pytest.fixture(scope="module")
def kb(kb_dir):
    from patternkb.kb.store import load_kb

    return load_kb(kb_dir)


def _one_line_error(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    return proc.stderr.strip()


def test_foreign_folder_is_refused_and_left_alone(kb, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "notes.txt").write_text("precious")
    with pytest.raises(IndexError_, match="not a patternkb index folder.*notes.txt") as raised:
        PatternIndex(kb, folder).ensure()
    assert str(folder) in str(raised.value) and "\n" not in str(raised.value)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert (folder / "notes.txt").read_text() == "precious"


def test_foreign_folder_is_refused_by_the_cli(kb_dir, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "notes.txt").write_text("precious")
    line = _one_line_error(cli("index", "--rebuild", "--kb", str(kb_dir), "--index-dir", str(folder)))
    assert str(folder) in line and "not a patternkb index folder" in line
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("where", ["/dev/null", "file", "under_a_file"])
def test_a_path_that_cannot_be_a_folder_is_one_line(kb_dir, tmp_path, where):
    target = {"/dev/null": "/dev/null", "file": str(tmp_path / "file"), "under_a_file": str(tmp_path / "file" / "ix")}[where]
    (tmp_path / "file").write_text("mine")
    line = _one_line_error(cli("search", "mutex", "--kb", str(kb_dir), "--index-dir", target))
    assert target in line
    assert (tmp_path / "file").read_text() == "mine"
    assert os.path.exists("/dev/null") and not os.path.isdir("/dev/null")


def test_missing_parents_are_created_and_the_folder_is_marked(kb, tmp_path):
    root = tmp_path / "a" / "b" / "ix"
    engine = PatternIndex(kb, root)
    engine.ensure()
    assert (root / MARKER).is_file() and engine.search("mutex").hits
    engine.close()


@pytest.mark.parametrize("layout", ["empty", "legacy"])
def test_an_empty_folder_or_an_index_from_before_the_marker_is_ours(kb, tmp_path, layout):
    root = tmp_path / "ix"
    if layout == "legacy":
        engine = PatternIndex(kb, root)
        engine.ensure()
        engine.close()
        (root / MARKER).unlink()
        (root / (root / "CURRENT").read_text() / READER_LOCK).unlink()  # as older versions wrote it
    else:
        root.mkdir()
    engine = PatternIndex(kb, root)
    assert engine.search("mutex").hits if layout == "legacy" else engine.status() == "missing"
    engine.rebuild()
    assert (root / MARKER).is_file() and leftovers(root) == [] and engine.search("mutex").hits
    engine.close()


def _lookalike(root, layout):
    """Folders without our marker that only look like an index from before the marker."""
    if layout == "photo_in_gen":  # no CURRENT at all
        (root / "gen-1").mkdir(parents=True)
        (root / "gen-1" / "photo.txt").write_text("precious")
    elif layout == "notes_and_current":
        (root / "gen-2024").mkdir(parents=True)
        (root / "gen-2024" / "notes.txt").write_text("precious")
        (root / "CURRENT").write_text("precious")
    elif layout == "current_names_a_folder_of_notes":
        (root / "gen-1").mkdir(parents=True)
        (root / "gen-1" / "notes.txt").write_text("precious")
        (root / "CURRENT").write_text("gen-1")
    elif layout == "meta_of_someone_else":
        (root / "gen-1").mkdir(parents=True)
        (root / "gen-1" / "meta.json").write_text('{"mine": true}')
        (root / "CURRENT").write_text("gen-1")


def _files(root):
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("layout", ["photo_in_gen", "notes_and_current", "current_names_a_folder_of_notes",
                                    "meta_of_someone_else"])
def test_a_folder_that_only_looks_like_an_old_index_is_refused_and_left_alone(kb_dir, tmp_path, layout):
    root = tmp_path / "lx"
    _lookalike(root, layout)
    before = _files(root)
    line = _one_line_error(cli("search", "mutex", "--kb", str(kb_dir), "--index-dir", str(root)))
    assert str(root) in line and "not a patternkb index folder" in line
    assert _files(root) == before


def _old_index(kb, root: Path) -> Path:
    """An index as the release before the marker wrote it: generations, no marker file."""
    engine = PatternIndex(kb, root)
    engine.ensure()
    engine.close()
    (root / MARKER).unlink()
    return root


def test_an_old_index_with_a_foreign_file_in_a_generation_is_refused(kb, tmp_path):
    root = _old_index(kb, tmp_path / "ix")
    live = (root / "CURRENT").read_text()
    (root / live / "photo.txt").write_text("precious")
    with pytest.raises(IndexError_, match="not a patternkb index folder.*photo.txt"):
        PatternIndex(kb, root).rebuild()
    assert (root / live / "photo.txt").read_text() == "precious"
    (root / live / "photo.txt").unlink()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "photo.txt").write_text("precious")
    (root / "gen-7").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(IndexError_, match="not a patternkb index folder.*gen-7"):
        PatternIndex(kb, root).rebuild()
    assert (tmp_path / "elsewhere" / "photo.txt").read_text() == "precious"
    assert (root / "CURRENT").read_text() == live and (root / "gen-7").is_symlink()


def test_an_old_index_with_the_generation_of_a_killed_build_is_ours(kb, tmp_path):
    root = _old_index(kb, tmp_path / "ix")
    partial = root / "gen-9"  # what a build killed while Whoosh wrote leaves
    (partial / "MAIN.tmp").mkdir(parents=True)
    (partial / "MAIN.tmp" / ("a" * 28 + ".run")).write_bytes(b"postings")
    (partial / "MAIN_WRITELOCK").touch()
    (partial / READER_LOCK).touch()
    engine = PatternIndex(kb, root)
    engine.rebuild()
    assert (root / MARKER).is_file() and leftovers(root) == [] and engine.search("mutex").hits
    engine.close()


def test_a_held_generation_outlives_a_publish_and_goes_with_the_next_writer(kb, tmp_path):
    root = tmp_path / "ix"
    writer, reader = PatternIndex(kb, root), PatternIndex(kb, root)
    writer.ensure()
    reader.search("mutex")
    held = reader._thread_searcher().generation
    writer.rebuild()
    assert (root / held).is_dir()  # a reader still has it open: the collector skipped it
    assert reader.search("mutex").hits  # and the reader moves to the new one, letting go
    now = reader._thread_searcher().generation
    assert now != held
    writer.rebuild()
    assert not (root / held).exists() and leftovers(root) == [now]  # the one it holds now stays
    reader.close()
    writer.rebuild()
    assert leftovers(root) == []
    writer.close()


# --- full disk, file size limit -----------------------------------------------------------------

@pytest.fixture
def small_tmpfs(tmp_path):
    mountpoint = tmp_path / "fs"
    mountpoint.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mountpoint)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip() or proc.returncode}")
    yield mountpoint
    subprocess.run(["umount", "-l", str(mountpoint)], check=True)


def test_full_disk_is_one_line_keeps_the_old_index_and_no_partial_generation(kb_dir, small_tmpfs):
    root = small_tmpfs / "ix"
    assert cli("index", "--kb", str(kb_dir), "--index-dir", str(root)).returncode == 0
    live = (root / "CURRENT").read_text()
    used = os.statvfs(small_tmpfs)
    used_kb = (used.f_blocks - used.f_bfree) * used.f_frsize // 1024
    # Room for less than a second generation: the rebuild fills the disk part way through.
    subprocess.run(["mount", "-o", f"remount,size={used_kb + 600}k", str(small_tmpfs)], check=True)
    for _ in range(2):  # the second try would fail differently if the first had kept its space
        line = _one_line_error(cli("index", "--rebuild", "--kb", str(kb_dir), "--index-dir", str(root)))
        assert str(root) in line and "No space left on device" in line
        assert (root / "CURRENT").read_text() == live and leftovers(root) == []
    found = cli("search", "mutex", "--kb", str(kb_dir), "--index-dir", str(root))
    assert found.returncode == 0 and "Mutex" in found.stdout, found.stderr


def _file_size_limit(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then writes fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_file_size_limit_is_one_line_and_leaves_nothing(kb_dir, tmp_path):
    root = tmp_path / "ix"
    assert cli("index", "--kb", str(kb_dir), "--index-dir", str(root)).returncode == 0
    live = (root / "CURRENT").read_text()
    proc = cli("index", "--rebuild", "--kb", str(kb_dir), "--index-dir", str(root),
               preexec_fn=_file_size_limit(256 * 1024))
    line = _one_line_error(proc)
    assert str(root) in line and "File too large" in line
    assert (root / "CURRENT").read_text() == live and leftovers(root) == []
    engine = PatternIndex(kb_dir=kb_dir, root=root)
    assert engine.status() == "current" and engine.search("mutex").hits
    engine.close()


# --- read-only, as an unprivileged user ---------------------------------------------------------

@pytest.fixture(scope="module")
def as_nobody():
    prefix = unprivileged_prefix()
    if isinstance(prefix, str):
        pytest.skip(prefix)
    return prefix


def _read_only_index(kb_dir, tmp_path):
    root = tmp_path / "ix"
    assert cli("index", "--kb", str(kb_dir), "--index-dir", str(root)).returncode == 0
    for path in [tmp_path, *tmp_path.rglob("*")]:  # readable by all, writable by root alone
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


def test_a_current_index_in_a_read_only_folder_is_searchable(kb_dir, tmp_path, as_nobody):
    root = _read_only_index(kb_dir, tmp_path)
    before = sorted(str(p) for p in root.rglob("*"))
    proc = cli("search", "mutex", "--kb", str(kb_dir), "--index-dir", str(root), prefix=as_nobody)
    assert proc.returncode == 0 and "Mutex" in proc.stdout, proc.stderr
    shown = cli("show", "concurrency-async/thread-safety-patterns", "--kb", str(kb_dir), "--index-dir", str(root),
                prefix=as_nobody)
    assert "Traceback" not in shown.stderr
    assert sorted(str(p) for p in root.rglob("*")) == before


@pytest.mark.parametrize("state", ["stale", "missing"])
def test_an_index_that_needs_writing_in_a_read_only_folder_fails_at_once(kb_dir, tmp_path, as_nobody, state):
    root = _read_only_index(kb_dir, tmp_path)
    if state == "stale":
        meta = root / (root / "CURRENT").read_text() / "meta.json"
        meta.write_text(json.dumps(dict(json.loads(meta.read_text()), kb_fingerprint="another KB")))
    else:
        root = tmp_path / "empty"
        root.mkdir(mode=0o755)
    proc = cli("search", "mutex", "--kb", str(kb_dir), "--index-dir", str(root), prefix=as_nobody, timeout=30)
    line = _one_line_error(proc)
    assert line.endswith(f"{root}: cannot write the index: Permission denied"), line


def _blocked_lock_waiters() -> int:
    with open("/proc/locks") as fh:
        return sum("->" in line for line in fh)


def test_a_reader_that_locked_a_generation_being_collected_moves_to_the_new_one(kb, tmp_path):
    """The collector's instant, made long: it holds a generation exclusively, publishes, renames
    it away; the reader that was waiting for it reads CURRENT again instead of failing."""
    if not os.path.exists("/proc/locks"):
        pytest.skip("no /proc/locks to see the reader wait")
    root = tmp_path / "ix"
    writer, reader = PatternIndex(kb, root), PatternIndex(kb, root)
    writer.ensure()
    old = (root / "CURRENT").read_text()
    collector = os.open(root / old / READER_LOCK, os.O_RDONLY)
    fcntl.flock(collector, fcntl.LOCK_EX)
    waiting_before = _blocked_lock_waiters()
    found = []
    thread = threading.Thread(target=lambda: found.append(reader.search("mutex")))
    thread.start()
    for _ in range(2000):  # bounded: until the reader waits on the lock
        if _blocked_lock_waiters() > waiting_before or not thread.is_alive():
            break
        thread.join(0.005)
    assert thread.is_alive(), "the reader did not wait for the generation's lock"
    writer.rebuild()  # publishes; the collector skips the generation we hold
    os.rename(root / old, root / ".trash-by-test")
    os.close(collector)
    thread.join(30)
    assert found and found[0].hits
    assert reader._thread_searcher().generation == (root / "CURRENT").read_text() != old
    reader.close()
    writer.close()
