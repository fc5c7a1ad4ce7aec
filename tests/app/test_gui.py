"""Starting the window (app/gui.py): the application object, a KB that is not there, and the
theme given on the command line reaching every part of the screenshot."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QColor, QImage

from patternkb.app.gui import application, open_window
from patternkb.app.render import DARK, LIGHT
from patternkb.kb.paths import BUNDLED_KB

PATTERNKB = [sys.executable, "-c", "import sys; from patternkb.app.cli import main; sys.exit(main())"]
SAFETY_TIMEOUT_S = 240  # a hang fails the test instead of holding up the suite; not a timing check


def test_the_application_is_named_and_paints_with_a_style_that_honours_palettes(qapp):
    qapp.setStyle("Windows")  # a style that ignores much of a palette (the native ones do too)
    app = application()
    assert app is qapp
    assert (app.applicationName(), app.organizationName()) == ("patternkb", "patternkb")
    assert app.style().name().lower() == "fusion"


def test_a_kb_folder_that_is_not_there_opens_no_window_and_says_why(tmp_path, capsys):
    assert open_window(tmp_path / "missing", None, dialogs=False) is None
    err = capsys.readouterr().err
    assert err.startswith("patternkb: error: ") and err.count("\n") == 1


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_gui_theme_paints_the_whole_window_in_that_theme(tmp_path, bundled_index, theme):
    shot = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([*PATTERNKB, "gui", "--theme", theme.name, "--query", "mutex", "--screenshot", str(shot),
                           "--kb", str(BUNDLED_KB), "--index-dir", str(bundled_index.store.root)],
                          capture_output=True, text=True, env=env, timeout=SAFETY_TIMEOUT_S)
    assert done.returncode == 0, done.stderr
    image = QImage(str(shot))
    # The status bar (window colour), and the middle of the search box (page colour), at 1280×800.
    samples = {"status bar": (image.width() // 2, image.height() - 4), "search box": (image.width() // 2, 64)}
    wanted = {"status bar": theme.window, "search box": theme.background}
    seen = {part: image.pixelColor(*xy).name() for part, xy in samples.items()}
    close = {part: _near(seen[part], wanted[part]) for part in samples}
    assert all(close.values()), (seen, wanted)


def _near(a: str, b: str) -> bool:
    ca, cb = QColor(a), QColor(b)
    return max(abs(ca.red() - cb.red()), abs(ca.green() - cb.green()), abs(ca.blue() - cb.blue())) <= 8
