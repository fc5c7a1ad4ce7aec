"""The `gui` verb as editors and desktop files call it: `patternkb QUERY_OR_URL` hands the request
to the window already open on the KB; no display and bad URLs are one line and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.app.conftest import PATIENT_CLIENT, run_while_serving

# The command, its hand-over patient (tests/app/conftest.py: this process serves the window).
PATTERNKB = [sys.executable, "-c", PATIENT_CLIENT + "import sys; from patternkb.app.cli import main; sys.exit(main())"]
ENTRY = "api-design-patterns/newtype-pattern"

pytestmark = pytest.mark.usefixtures("runtime_dir")


def _command(qtbot, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`patternkb ARGS` in another process while this one's event loop serves the window."""
    return run_while_serving(qtbot, [*PATTERNKB, *args], env or dict(os.environ, QT_QPA_PLATFORM="offscreen"))


@pytest.mark.parametrize(("target", "typed"), [
    ("arc mutex", "arc mutex"),
    ("patternkb://search?q=arc%20mutex", "arc mutex"),
    ("dash-plugin://keys=rust&query=arc%20mutex", "arc mutex"),  # "rust" names no guide: dropped
])
def test_a_bare_target_is_handed_to_the_open_window(qtbot, serving_window, target, typed):
    done = _command(qtbot, target)
    assert (done.returncode, done.stderr) == (0, "")
    qtbot.waitUntil(lambda: serving_window.search_box.text() == typed)


def test_gui_query_as_zeal_sends_it_is_handed_over_with_its_guide(qtbot, serving_window):
    guide = serving_window.kb.manifest.guides[0].id
    done = _command(qtbot, "gui", "--query", f"{guide}:spawn")
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: serving_window.search_box.text() == f"guide:{guide} spawn")


def test_an_entry_url_opens_the_entry_in_the_open_window(qtbot, serving_window):
    done = _command(qtbot, f"patternkb://entry/{ENTRY}")
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: serving_window.current_id == ENTRY)


def test_a_malformed_url_is_a_usage_error_of_one_line(qtbot):
    done = _command(qtbot, "patternkb://nowhere")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("patternkb: error: patternkb://nowhere")


def test_no_display_is_one_line_naming_offscreen_and_exit_2(qtbot):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = _command(qtbot, "arc", "--new-window", env=env)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "QT_QPA_PLATFORM=offscreen" in done.stderr


def test_two_commands_started_together_open_one_window(runtime_dir):
    """The second waits for the first's window to listen and hands over: one window, not two."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=runtime_dir)
    starts = [subprocess.Popen([*PATTERNKB, "gui", word], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env) for word in ("arc", "mutex")]
    try:
        # One of them hands over and exits 0; the other is the window and keeps running.
        deadline_s = 120  # a safety net only: each step waits on a real event
        done = None
        for _ in range(deadline_s * 20):
            done = next((p for p in starts if p.poll() is not None), None)
            if done is not None:
                break
            time.sleep(0.05)  # two processes to watch: no single wait() covers both
        assert done is not None, "neither command handed over"
        assert done.returncode == 0, done.communicate()[1]
        window = next(p for p in starts if p is not done)
        assert window.poll() is None, window.communicate()[1]
    finally:
        for p in starts:
            p.kill()
            p.communicate()
