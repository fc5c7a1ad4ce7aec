"""One window per user and KB: a second `patternkb` hands its request to the running window over
a local socket (a real QLocalServer in this process, real clients in other processes)."""

from __future__ import annotations

import configparser
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from patternkb.app import instance
from patternkb.app.instance import InstanceServer, server_name
from patternkb.app.requests import PROTOCOL_VERSION, WindowRequest
from patternkb.kb.paths import BUNDLED_KB
from tests.app.conftest import PATIENT_CLIENT, PATIENT_HANDOVER_MS, run_while_serving

ENTRY = "api-design-patterns/newtype-pattern"

# A second process, as an editor starts it: hands its request over and says whether it was taken.
CLIENT = f"""
import sys
from pathlib import Path
from patternkb.app.instance import hand_over
from patternkb.app.requests import WindowRequest
print(hand_over(WindowRequest.from_json(sys.argv[2]), Path(sys.argv[1]), timeout_ms={PATIENT_HANDOVER_MS}))
"""

# The whole command, as an editor runs it: it must hand over and exit 0 without opening a window
# (the offscreen platform would open one, and it would never exit).
RUN = PATIENT_CLIENT + """
import sys
from patternkb.app.cli import main
sys.exit(main(["gui", f"dash-plugin://keys=rust,{sys.argv[3]}&query=" + sys.argv[2], "--kb", sys.argv[1]]))
"""

pytestmark = pytest.mark.usefixtures("runtime_dir")


@pytest.fixture
def window(kb_window):  # tests/app/conftest.py
    return kb_window


@pytest.fixture
def server(instance_server):
    return instance_server


def _env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen")


def _in_other_process(qtbot, code: str, *args: str) -> subprocess.CompletedProcess:
    """Run `code` in another process while this one's event loop serves the window."""
    return run_while_serving(qtbot, [sys.executable, "-c", code, *args], _env())


def _raw_client(data: bytes) -> socket.socket:
    """A client that sends `data` as is (connecting needs no event loop: the kernel queues it)."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(server_name(BUNDLED_KB))
        client.sendall(data)
    except OSError:
        client.close()
        raise
    return client


def test_a_query_handed_over_runs_in_the_running_window(qtbot, window, server):
    proc = _in_other_process(qtbot, CLIENT, str(BUNDLED_KB), WindowRequest(query="arc mutex").to_json())
    assert (proc.returncode, proc.stdout.strip()) == (0, "True"), proc.stderr
    qtbot.waitUntil(lambda: window.last_result is not None and window.last_result.query == "arc mutex")
    assert window.search_box.text() == "arc mutex"


def test_an_entry_handed_over_opens_in_the_running_window(qtbot, window, server):
    proc = _in_other_process(qtbot, CLIENT, str(BUNDLED_KB), WindowRequest(open_id=ENTRY).to_json())
    assert proc.stdout.strip() == "True", proc.stderr
    qtbot.waitUntil(lambda: window.current_id == ENTRY)


def test_the_command_hands_over_and_exits_with_keys_naming_a_guide_as_a_filter(qtbot, window, server):
    guide = window.kb.manifest.guides[0].id  # "rust" names no guide: dropped
    proc = _in_other_process(qtbot, RUN, str(BUNDLED_KB), "spawn", guide)
    assert proc.returncode == 0, proc.stderr
    qtbot.waitUntil(lambda: window.search_box.text() == f"guide:{guide} spawn")


def test_no_window_no_hand_over(qtbot):
    assert not instance.hand_over(WindowRequest(query="x"), BUNDLED_KB)


@pytest.mark.parametrize(("data", "says"), [
    (b"not json\n", "not JSON"),
    (b'{"version": %d, "query": "x"}\n' % (PROTOCOL_VERSION + 1), "protocol version"),
    (b"x" * (70 * 1024), "longer than"),
])
def test_invalid_data_is_logged_and_ignored(qtbot, caplog, window, server, data, says):
    before = window.search_box.text()
    with caplog.at_level(logging.WARNING, logger="patternkb.app.instance"), _raw_client(data) as client:
        qtbot.waitUntil(lambda: any(says in r.getMessage() for r in caplog.records))
        client.settimeout(10)
        assert client.recv(16) == b""  # no "ok": the client knows it was not taken
    assert window.search_box.text() == before
    test_a_query_handed_over_runs_in_the_running_window(qtbot, window, server)  # still serving


def test_a_client_that_never_finishes_its_line_is_dropped(qtbot, caplog, monkeypatch, window, server):
    monkeypatch.setattr(instance, "READ_TIMEOUT_MS", 100)
    with caplog.at_level(logging.WARNING, logger="patternkb.app.instance"), _raw_client(b'{"version": 1, "query": "x"') as client:
        qtbot.waitUntil(lambda: any("no complete line" in r.getMessage() for r in caplog.records))
        client.settimeout(10)
        assert client.recv(16) == b""


def test_a_socket_left_by_a_crashed_window_is_taken_over(qtbot, window):
    left = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    left.bind(server_name(BUNDLED_KB))  # the socket file stays after the process has gone
    left.close()
    assert not instance.hand_over(WindowRequest(query="x"), BUNDLED_KB)  # nothing answers on it
    serving = InstanceServer(window.handle_request, window)
    try:
        assert serving.listen(BUNDLED_KB)
        test_an_entry_handed_over_opens_in_the_running_window(qtbot, window, serving)
    finally:
        serving.close()


def test_a_live_window_is_not_taken_over(qtbot, window, server):
    # --new-window: a second window of the same KB runs without a socket of its own.
    second = InstanceServer(window.handle_request, window)
    assert not second.listen(BUNDLED_KB)
    test_an_entry_handed_over_opens_in_the_running_window(qtbot, window, server)


def test_two_kbs_are_two_windows(tmp_path):
    assert server_name(BUNDLED_KB) != server_name(tmp_path)
    assert server_name(BUNDLED_KB) == server_name(BUNDLED_KB / ".." / BUNDLED_KB.name)


def test_a_screenshot_with_an_index_that_cannot_be_made_fails_at_once_saying_why(tmp_path):
    # It used to wait for its 60 s timeout and say only that the window did not finish loading.
    shot = tmp_path / "x.png"
    proc = subprocess.run([sys.executable, "-m", "patternkb.app.cli", "gui", "--screenshot", str(shot), "--index-dir",
                           "/dev/null", "--query", "x"], capture_output=True, text=True, timeout=120, env=_env())
    assert proc.returncode == 1
    assert len(proc.stderr.splitlines()) == 1 and "/dev/null" in proc.stderr, proc.stderr
    assert proc.stderr.startswith("patternkb: error: the search index cannot be used")
    assert not shot.exists()


def test_the_desktop_entry_declares_the_url_schemes_it_hands_over():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(Path(__file__).parents[2] / "resources" / "desktop" / "patternkb.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"] == "patternkb %u" and desktop["Type"] == "Application"
    assert {f"x-scheme-handler/{s}" for s in ("patternkb", "dash", "dash-plugin")} <= set(desktop["MimeType"].split(";"))
