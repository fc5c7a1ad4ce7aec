"""Starting the window: it paints with Qt alone, the KB and the engine load in the background,
and a query given at start is answered by a search forked before Qt was imported."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import QEvent, QObject, QSettings, QThreadPool
from PySide6.QtWidgets import QMessageBox

from patternkb.app import first_search
from patternkb.app.first_search import GUI_FRAGMENTS, GUI_LIMIT
from patternkb.app.gui import open_window
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


# Started with a query whose answer is in, as `patternkb gui --query` usually is; the startup
# benchmark's hook prints which of PySide6's lazily built Python types exist at the first paint
# of a hit. The loop waits for the forked child, before Qt is imported: no event loop to wait in.
# The fallback for a window never painted is switched off: on a slow machine it would run the
# work that waits for the first frame before that frame.
FIRST_FRAME = """
import sys, time
from pathlib import Path
from patternkb.app import first_search
from patternkb.kb.paths import BUNDLED_KB
first = first_search.start(BUNDLED_KB, Path(sys.argv[1]), "mutex")
while not first.ready():
    time.sleep(0.01)
import patternkb.app.window
patternkb.app.window.FIRST_FRAME_WAIT_MS = 600_000
from patternkb.app.gui import run
sys.exit(run(BUNDLED_KB, Path(sys.argv[1]), query="mutex", first_search=first))
"""


def test_the_first_frame_needs_neither_the_qt_namespace_nor_type_discovery(index_dir):
    # Each of these costs the first frame time for nothing it shows: `Qt` (1,100 enum members,
    # 15 ms), QStyle (600), and the Python types of every QEvent or QWidget subclass, which
    # PySide6 builds to find the type of an event given to a filter, or of a widget it has no
    # Python object for (a list's viewport()).
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PATTERNKB_PROBE_STARTUP="0")
    env.pop(first_search.ENV_OFF, None)
    out = subprocess.run([sys.executable, "-c", FIRST_FRAME, str(index_dir)], capture_output=True, text=True,
                         timeout=120, env=env, check=True).stdout
    built = set(out.split("qt_types=")[1].split()[0].split(","))
    assert {"QListView", "QStyledItemDelegate", "QPainter"} <= built  # the probe saw the list paint
    assert not built & {"Qt", "QStyle", "QGraphicsSceneEvent", "QWizard"}


def test_the_forked_search_answers_as_the_engine_does(bundled_index, index_dir):
    started = first_search.start(BUNDLED_KB, index_dir, "arc mutex")
    assert started is not None
    result = started.result()
    expected = bundled_index.search("arc mutex", limit=GUI_LIMIT, fragments=GUI_FRAGMENTS)
    assert result is not None
    assert [(h.id, h.fragment) for h in result.hits] == [(h.id, h.fragment) for h in expected.hits]
    assert (result.total, result.facets, result.terms) == (expected.total, expected.facets, expected.terms)
    assert started.result() is None  # read once


def test_the_forked_search_gives_nothing_for_an_index_it_cannot_trust(tmp_path, bundled_index, index_dir):
    stale_kb = tmp_path / "kb"
    shutil.copytree(BUNDLED_KB, stale_kb)
    with open(live_dir(stale_kb) / "entries.json", "a", encoding="utf-8") as fh:
        fh.write("\n")  # another KB now: its index must be rebuilt before anyone searches it
    assert first_search.start(stale_kb, index_dir, "mutex").result() is None
    assert first_search.start(BUNDLED_KB, tmp_path / "no-index", "mutex").result() is None


def test_the_forked_search_can_be_switched_off(monkeypatch, index_dir):
    monkeypatch.setenv(first_search.ENV_OFF, "1")
    assert first_search.start(BUNDLED_KB, index_dir, "mutex") is None


def _start_with_query(qtbot, memory, index_dir, query: str):
    """As `patternkb gui --query` starts: fork the first search, then open the window."""
    started = first_search.start(BUNDLED_KB, index_dir, query)
    window = open_window(BUNDLED_KB, index_dir, memory, first_search=started)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.search_controller.results_ready, timeout=120_000) as answered:
        window.search_box.setText(query)
        window.search_controller.run_now()
    return window, answered.args[0]


def test_first_results_come_from_the_forked_search_then_the_engine_takes_over(qtbot, memory, index_dir, monkeypatch):
    monkeypatch.setattr("patternkb.app.window.FIRST_FRAME_WAIT_MS", 600_000)  # the engine opens after a paint, not a timer
    started = first_search.start(BUNDLED_KB, index_dir, "mutex")
    window = open_window(BUNDLED_KB, index_dir, memory, first_search=started)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.search_controller.results_ready, timeout=120_000) as answered:
        window.search_box.setText("mutex")
        window.search_controller.run_now()
    first = answered.args[0]
    # Answered without the engine, which opens once the window is painted.
    assert first.hits and window.engine is None
    window.show()
    qtbot.waitUntil(lambda: window.index_ready and window.kb is not None, timeout=30_000)
    assert window.results_model.rowCount() == len(first.hits)
    qtbot.waitUntil(lambda: window.entry_view.page is not None, timeout=10_000)  # the top hit, shown once the KB is in
    assert window.statusBar().currentMessage().startswith(f"{first.total} results in")  # not "entries ready"
    with qtbot.waitSignal(window.search_controller.results_ready, timeout=10_000) as second:
        window.search_box.setText("mutex guard")
    assert second.args[0].query == "mutex guard" and second.args[0].hits
    window.engine.close()


def test_an_answer_already_in_when_the_window_opens_is_in_its_first_frame(qtbot, memory, index_dir):
    started = first_search.start(BUNDLED_KB, index_dir, "mutex")
    qtbot.waitUntil(started.ready, timeout=60_000)
    window = open_window(BUNDLED_KB, index_dir, memory, first_search=started)
    qtbot.addWidget(window)
    window.search_box.setText("mutex")
    window.search_controller.run_now()
    # Taken on the spot, with no thread in between: the list has it before the window shows.
    assert window.results_model.rowCount() > 0 and window.last_result.query == "mutex"
    window.show()
    qtbot.waitUntil(lambda: window.index_ready, timeout=30_000)
    window.engine.close()


class _Paints(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_background_work_waits_for_the_first_frame(qtbot, memory, index_dir, monkeypatch):
    monkeypatch.setattr("patternkb.app.window.FIRST_FRAME_WAIT_MS", 600_000)  # no fallback on a slow machine
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
    window.engine.close()


def test_a_window_never_shown_still_loads(qtbot, memory, index_dir):
    window = open_window(BUNDLED_KB, index_dir, memory)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.index_ready and window.kb is not None, timeout=30_000)
    assert not window.isVisible()
    window.engine.close()


def test_without_an_answer_from_the_fork_the_engine_answers(qtbot, memory, tmp_path):
    # Nothing built yet: the child finds no index, the window builds it and then searches.
    window, answered = _start_with_query(qtbot, memory, tmp_path / "fresh-index", "mutex")
    assert answered.hits and window.index_ready
    window.engine.close()


def test_an_entry_asked_for_before_the_kb_loads_opens_when_it_has(qtbot, memory, index_dir):
    window = open_window(BUNDLED_KB, index_dir, memory)
    qtbot.addWidget(window)
    assert window.kb is None
    assert window.open_entry("api-design-patterns/newtype-pattern")
    qtbot.waitUntil(lambda: window.current_id == "api-design-patterns/newtype-pattern", timeout=30_000)
    assert "Newtype" in window.entry_view.toPlainText()
    qtbot.waitUntil(lambda: window.index_ready, timeout=30_000)
    window.engine.close()


def test_a_kb_that_does_not_validate_is_reported_in_a_dialog(qtbot, memory, tmp_path):
    broken = tmp_path / "kb"
    shutil.copytree(BUNDLED_KB, broken)
    (live_dir(broken) / "entries.json").write_text('[{"id": "x"}]', encoding="utf-8")
    window = open_window(broken, tmp_path / "ix", memory)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None, timeout=30_000)
    box = window.findChild(QMessageBox)
    assert "cannot be opened" in box.text() and "entries.json" in box.text()
    assert window.kb is None
    box.close()


COLLECTOR = """
import gc, json, sys
import patternkb.app.cli, patternkb.app.gui
painted = []
class Probe(patternkb.app.gui.MainWindow):
    def _on_first_frame_painted(self):
        painted.append([gc.isenabled(), gc.get_freeze_count()])  # before the window's own work
        super()._on_first_frame_painted()
patternkb.app.gui.MainWindow = Probe
code = patternkb.app.cli.main(["gui", "--query", "mutex", "--index-dir", sys.argv[1], "--screenshot", sys.argv[2]])
print(json.dumps([code, painted, gc.isenabled(), gc.get_freeze_count()]))
"""


def test_the_collector_is_off_while_starting_and_on_once_painted(index_dir, tmp_path):
    # `patternkb gui`, run to its end by the screenshot, which waits for the first frame, the
    # index and the entry. (Qt is imported before the command runs here: no forked search.) In
    # a subprocess: run() ends with the application quitting, and in the test process every
    # event loop after that would return at once (qtbot.wait(1500) took 0 s).
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{first_search.ENV_OFF: "1"})
    out = subprocess.run([sys.executable, "-c", COLLECTOR, str(index_dir), str(tmp_path / "shot.png")],
                         capture_output=True, text=True, timeout=120, check=True, env=env).stdout
    code, painted, enabled, frozen = json.loads(out.splitlines()[-1])
    assert code == 0 and painted[0] == [False, 0]  # (called again by the fallback timer, which finds it done)
    assert enabled and frozen > 10_000  # the start's objects, left alone from now on
