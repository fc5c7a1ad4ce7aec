"""Settings survive any number of processes: every change is merged into what is saved now,
under a lock, so no window overwrites what another saved meanwhile."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings, QThreadPool

from patternkb.app import settings
from patternkb.app.settings import MAX_RECENT, Memory
from patternkb.app.window import MainWindow

ADDS = 50  # per process: enough for the two to interleave many times (a save takes ~15 ms)

# Each process says it is ready, waits for the go (so both run at the same time), then adds
# its own bookmarks and recent entries one at a time, as a window would. It waits for the lock
# as long as it takes (a window gives up after LOCK_TIMEOUT_MS, so that a hung one cannot freeze
# it; how long the other's run takes on a loaded machine is not what this test is about), and
# a save without the lock would end it with an error.
WRITER = """
import logging, sys
from PySide6.QtCore import QSettings
from patternkb.app import settings
from patternkb.app.settings import Memory

class Unlocked(logging.Handler):
    def emit(self, record):
        sys.exit(f"saved without the lock: {record.getMessage()}")

settings.LOCK_TIMEOUT_MS = 24 * 3600 * 1000
logging.getLogger("patternkb.app.settings").addHandler(Unlocked(logging.WARNING))
path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
memory = Memory(QSettings(path, QSettings.Format.IniFormat))
print("ready", flush=True)
sys.stdin.readline()
for n in range(count):
    memory.add_bookmark(f"{name}-{n}")
    memory.remember_entry(f"{name}-{n}")
print("done", flush=True)
"""


def _memory(path) -> Memory:
    return Memory(QSettings(str(path), QSettings.Format.IniFormat))


def test_two_processes_adding_bookmarks_at_once_lose_none(tmp_path):
    path = tmp_path / "settings.ini"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(ADDS)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for name in ("left", "right")]
    try:
        assert [p.stdout.readline().strip() for p in procs] == ["ready", "ready"]
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        outcomes = [p.communicate(timeout=120) for p in procs]
    finally:
        for p in procs:
            p.kill()
    assert [(p.returncode, out.strip()) for p, (out, _err) in zip(procs, outcomes)] == [(0, "done"), (0, "done")], \
        outcomes
    memory = _memory(path)
    bookmarks = memory.bookmarks
    for name in ("left", "right"):
        mine = [b for b in bookmarks if b.startswith(name + "-")]
        assert mine == [f"{name}-{n}" for n in range(ADDS)]  # all of them, in the order added
    assert len(bookmarks) == 2 * ADDS
    # The recent lists keep the newest first, each once, whoever remembered them.
    recent = memory.recent_entries
    assert len(set(recent)) == len(recent) == MAX_RECENT
    for name in ("left", "right"):
        numbers = [int(r.split("-")[1]) for r in recent if r.startswith(name + "-")]
        assert numbers == sorted(numbers, reverse=True)


def test_a_change_reads_what_another_process_saved_since(tmp_path):
    path = tmp_path / "settings.ini"
    here = _memory(path)
    here.add_bookmark("mine")
    subprocess.run([sys.executable, "-c", WRITER, str(path), "theirs", "1"], input="go\n", text=True,
                   capture_output=True, check=True, timeout=120, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert here.bookmarks == ["mine", "theirs-0"]  # read fresh, not from this process's copy
    here.remove_bookmark("mine")
    assert _memory(path).bookmarks == ["theirs-0"]


def test_a_change_waits_for_the_lock_then_is_saved_without_it_saying_so(tmp_path, monkeypatch, caplog):
    # Past LOCK_TIMEOUT_MS the holder is taken for hung: the change is kept, not dropped.
    fcntl = pytest.importorskip("fcntl")
    path = tmp_path / "settings.ini"
    memory = _memory(path)
    memory.add_bookmark("before")
    monkeypatch.setattr(settings, "LOCK_TIMEOUT_MS", 50)
    held = os.open(path.with_name(path.name + ".merge-lock"), os.O_RDWR)  # a hung window's lock
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with caplog.at_level(logging.WARNING, logger="patternkb.app.settings"):
            memory.add_bookmark("while held")
    finally:
        os.close(held)
    assert _memory(path).bookmarks == ["before", "while held"]
    assert [r.getMessage() for r in caplog.records if "saving without it" in r.getMessage()], caplog.text


def test_each_save_leaves_a_later_modification_time(tmp_path):
    # QSettings re-reads its file only when its size or its time (in milliseconds) changed:
    # a save of the same size in the same millisecond as the last one would go unseen.
    path = tmp_path / "settings.ini"
    memory = _memory(path)
    memory.add_bookmark("a")
    later = os.stat(path).st_mtime_ns + 5_000_000_000  # as if the last save were in the future
    os.utime(path, ns=(later, later))
    memory.remove_bookmark("a")
    assert os.stat(path).st_mtime_ns // 1_000_000 > later // 1_000_000


def test_bookmarks_made_in_two_windows_survive_both_closing(qtbot, bundled_library, tmp_path):
    # Each window used to write its own list over the saved one when it closed.
    path = tmp_path / "settings.ini"
    windows = [MainWindow(lambda: bundled_library, _memory(path)) for _ in range(2)]
    ids = [e.id for e in bundled_library.kb.entries[:2]]
    for window, entry_id in zip(windows, ids):
        qtbot.addWidget(window)
        window.start_index()
        qtbot.waitUntil(lambda w=window: w.kb is not None, timeout=30_000)
        window.open_entry(entry_id)
        window.bookmark_action.trigger()
    windows[0].close()
    windows[1].close()
    assert sorted(_memory(path).bookmarks) == sorted(ids)
    windows[1].bookmark_action.trigger()  # unstarred in the second: the first's stays
    assert _memory(path).bookmarks == [ids[0]]
    QThreadPool.globalInstance().waitForDone(10_000)
