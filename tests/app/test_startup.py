"""Starting the window (app/gui.py): it paints first, and the KB and the engine load in the
background; a query given at start is answered once the engine is open."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import QEvent, QObject, QSettings, QThreadPool
from PySide6.QtWidgets import QMessageBox

from patternkb.app.gui import open_window
from patternkb.app.requests import WindowRequest
from patternkb.app.settings import Memory
from patternkb.kb.files import live_dir
from patternkb.kb.paths import BUNDLED_KB

HEAVY = ("pydantic", "whoosh", "patternkb.index.engine", "patternkb.kb.models", "markdown_it", "pygments")


@pytest.fixture
def memory(tmp_path):
    return Memory(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def index_dir(bundled_index):
    return bundled_index.store.root


@pytest.fixture(autouse=True)
def _pool_drained():
    yield
    QThreadPool.globalInstance().waitForDone(30_000)


def test_the_window_module_imports_neither_the_models_nor_whoosh():
    # What the window needs before its first paint: Qt and our own light modules. The rest
    # loads in the background, and a regression here costs every start a few tenths of a second.
    code = "import sys, json, patternkb.app.cli, patternkb.app.gui; print(json.dumps([m for m in %r if m in sys.modules]))" % (HEAVY,)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), check=True).stdout
    assert json.loads(out) == []


def test_a_query_given_at_start_is_answered_once_the_engine_is_open(qtbot, memory, index_dir):
    window = open_window(BUNDLED_KB, index_dir, memory, library_first=True)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.search_controller.results_ready, timeout=60_000) as answered:
        window.ask(WindowRequest(query="mutex"))  # before the engine is open: waits for it
        window.show()
    assert answered.args[0].query == "mutex" and answered.args[0].hits
    qtbot.waitUntil(lambda: window.index_ready and window.entry_view.page is not None, timeout=30_000)
    shown = answered.args[0]
    assert window.results_model.rowCount() == len(shown.hits) + sum(len(h.sub_hits) for h in shown.hits)
    assert window.statusBar().currentMessage().startswith(f"{answered.args[0].total} results in")
    window.library.close()


def test_without_an_index_the_window_builds_it_then_answers(qtbot, memory, tmp_path):
    window = open_window(BUNDLED_KB, tmp_path / "fresh-index", memory, library_first=True)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.search_controller.results_ready, timeout=120_000) as answered:
        window.ask(WindowRequest(query="mutex"))
    assert answered.args[0].hits
    qtbot.waitUntil(lambda: window.index_ready, timeout=30_000)
    window.library.close()


class _Paints(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_background_work_waits_for_the_first_frame(qtbot, memory, index_dir, monkeypatch):
    monkeypatch.setattr("patternkb.app.first_frame.FIRST_FRAME_WAIT_MS", 600_000)  # no fallback on a slow machine
    window = open_window(BUNDLED_KB, index_dir, memory)
    qtbot.addWidget(window)
    paints = _Paints()
    window.centralWidget().installEventFilter(paints)
    seen_at_start = []
    window.when_painted(lambda: seen_at_start.append(paints.count))
    window.show()
    qtbot.waitUntil(lambda: bool(seen_at_start), timeout=10_000)
    assert seen_at_start[0] >= 1  # the index job (Whoosh's imports) would have held that paint up
    after = []
    window.when_painted(lambda: after.append(True))  # later requests run at once
    qtbot.waitUntil(lambda: bool(after), timeout=10_000)
    qtbot.waitUntil(lambda: window.index_ready, timeout=30_000)
    window.library.close()


def test_a_window_never_shown_still_loads(qtbot, memory, index_dir):
    window = open_window(BUNDLED_KB, index_dir, memory)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.index_ready and window.kb is not None, timeout=30_000)
    assert not window.isVisible()
    window.library.close()


def test_an_entry_asked_for_before_the_kb_loads_opens_when_it_has(qtbot, memory, index_dir):
    window = open_window(BUNDLED_KB, index_dir, memory)
    qtbot.addWidget(window)
    assert window.kb is None
    assert window.open_entry("api-design-patterns/newtype-pattern")
    qtbot.waitUntil(lambda: window.current_id == "api-design-patterns/newtype-pattern", timeout=30_000)
    assert "Newtype" in window.entry_view.toPlainText()
    qtbot.waitUntil(lambda: window.index_ready, timeout=30_000)
    window.library.close()


def test_a_kb_that_does_not_validate_is_reported_in_a_dialog(qtbot, memory, tmp_path):
    broken = tmp_path / "kb"
    shutil.copytree(BUNDLED_KB, broken)
    (live_dir(broken) / "entries.jsonl").write_text('{"id": "x"}\n', encoding="utf-8")
    window = open_window(broken, tmp_path / "ix", memory)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None, timeout=30_000)
    box = window.findChild(QMessageBox)
    assert "cannot be opened" in box.text() and "entries.jsonl" in box.text()
    assert window.kb is None
    box.close()
