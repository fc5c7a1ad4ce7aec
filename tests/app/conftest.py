"""Fixtures of the one-window tests (test_instance, test_cli_gui): a runtime directory of the
test's own and a window on the bundled KB, loaded, serving requests from other processes."""

from __future__ import annotations

import shutil
import subprocess
import tempfile

import pytest
from PySide6.QtCore import QSettings, QThreadPool

from patternkb.app.instance import InstanceServer
from patternkb.app.settings import Memory
from patternkb.app.window import MainWindow
from patternkb.kb.paths import BUNDLED_KB

# Per step (connect, send, answer) for the clients these tests start: the window answers from
# this process's event loop, which a busy machine may not run for a while. The command's own
# default (HANDOVER_TIMEOUT_MS) stays; a client that gives up would open a window of its own.
PATIENT_HANDOVER_MS = 30_000
# Run first in a client process: every hand-over in it waits PATIENT_HANDOVER_MS per step.
PATIENT_CLIENT = (f"import patternkb.app.instance; patternkb.app.instance.hand_over.__defaults__ = ({PATIENT_HANDOVER_MS},); "
                  f"patternkb.app.instance.STARTING_WAIT_S = {PATIENT_HANDOVER_MS / 1000}\n")



def run_while_serving(qtbot, argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `argv` in another process while this one's event loop serves the window."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=60_000)
    finally:
        proc.kill()
    out, err = proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

@pytest.fixture
def runtime_dir(monkeypatch):
    """A runtime directory of the test's own (short: a socket path has ~100 bytes at most),
    inherited by the processes it starts."""
    folder = tempfile.mkdtemp(prefix="pkb-")
    monkeypatch.setenv("XDG_RUNTIME_DIR", folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def bundled_library(bundled_index):
    """The library of the bundled KB over the session's index: what the window opens."""
    from patternkb.index.library import PatternLibrary

    library = PatternLibrary.open(BUNDLED_KB, bundled_index.store.root)
    yield library
    library.close()


@pytest.fixture
def kb_window(qtbot, bundled_library, tmp_path):
    """A window on the bundled KB, its index loaded, remembering in a settings file of its own."""
    win = MainWindow(lambda: bundled_library, Memory(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(win)
    win.show()
    win.start_index()
    qtbot.waitUntil(lambda: win.kb is not None, timeout=30_000)
    yield win
    QThreadPool.globalInstance().waitForDone(10_000)


@pytest.fixture
def instance_server(kb_window):
    """`kb_window` taking the requests for the bundled KB."""
    serving = InstanceServer(kb_window.handle_request, kb_window)
    assert serving.listen(BUNDLED_KB)
    yield serving
    serving.close()


@pytest.fixture
def serving_window(kb_window, instance_server):
    """`kb_window`, once it takes the requests for the bundled KB."""
    return kb_window
