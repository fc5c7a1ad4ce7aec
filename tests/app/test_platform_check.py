"""The check before the window opens: no display, or Qt's X11 libraries missing, is one line that
says what to install; a machine that can open the window passes."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from patternkb.app.platform_check import GUI_LIBRARIES, XCB_LIBRARIES, loadable, window_problem

ROOT = Path(__file__).resolve().parents[2]


def finder(*missing: str):
    """A loader that finds every library but the ones named."""
    return lambda soname: soname not in missing


def test_no_display_at_all():
    line = window_problem(env={}, find_library=finder(), system="linux")
    assert line == ("no display: DISPLAY and WAYLAND_DISPLAY are unset, so the window has nowhere to open "
                    "(set QT_QPA_PLATFORM=offscreen to run headless)")


def test_x11_asked_for_without_a_display():
    line = window_problem(env={"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"},
                          find_library=finder(), system="linux")
    assert line is not None and line.startswith("no display: DISPLAY is unset")


@pytest.mark.parametrize("env", [
    {"DISPLAY": ":0"},
    {"WAYLAND_DISPLAY": "wayland-0"},
    {"QT_QPA_PLATFORM": "offscreen"},
    {"QT_QPA_PLATFORM": "offscreen:fontengine=freetype"},
    {"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"},
])
def test_nothing_to_say_when_all_is_there(env):
    assert window_problem(env=env, find_library=finder(), system="linux") is None


def test_missing_x11_libraries_name_the_packages():
    line = window_problem(env={"DISPLAY": ":0"}, system="linux",
                          find_library=finder("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"))
    assert line == (
        "the window (X11) needs system libraries that are missing: libxcb-cursor.so.0, libxcb-icccm.so.4, "
        "libxcb-keysyms.so.1; install them with `sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1` "
        "(Debian/Ubuntu) or `sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms` (Fedora) "
        "(set QT_QPA_PLATFORM=offscreen to run headless)")


def test_a_package_is_named_once_for_its_many_libraries():
    line = window_problem(env={"DISPLAY": ":0"}, system="linux",
                          find_library=finder("libxcb.so.1", "libxcb-shm.so.0", "libglib-2.0.so.0",
                                              "libgthread-2.0.so.0"))
    assert "apt-get install libxcb1 libxcb-shm0 libglib2.0-0`" in line
    assert "dnf install libxcb glib2`" in line


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sonames are Linux's")
def test_the_real_loader():
    assert loadable("libc.so.6")
    assert not loadable("libpatternkb-no-such-library.so.0")


def test_x11_libraries_do_not_matter_off_x11():
    missing = finder(*(row[0] for row in XCB_LIBRARIES))
    assert window_problem(env={"WAYLAND_DISPLAY": "w", "XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"},
                          find_library=missing, system="linux") is None
    assert window_problem(env={"QT_QPA_PLATFORM": "offscreen"}, find_library=missing, system="linux") is None
    assert window_problem(env={"DISPLAY": ":0"}, find_library=missing, system="linux") is not None


def test_qt_gui_libraries_matter_everywhere_on_linux():
    line = window_problem(env={"QT_QPA_PLATFORM": "offscreen"}, find_library=finder("libEGL.so.1"), system="linux")
    assert line is not None and "libEGL.so.1" in line and "apt-get install libegl1`" in line


def test_other_systems_bring_their_own():
    assert window_problem(env={}, find_library=finder("libxcb.so.1"), system="darwin") is None
    assert window_problem(env={}, find_library=finder("libxcb.so.1"), system="win32") is None


def test_this_machine_headless_passes():
    """The real loader, on this machine, as the test suite runs: offscreen needs no display."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    assert window_problem(env=env) is None


def test_the_module_run_as_a_program():
    base = {"PATH": os.environ.get("PATH", "")}
    done = subprocess.run([sys.executable, "-m", "patternkb.app.platform_check"], cwd=ROOT, capture_output=True, text=True,
                          env=dict(base, QT_QPA_PLATFORM="offscreen"), timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    done = subprocess.run([sys.executable, "-m", "patternkb.app.platform_check"], cwd=ROOT, capture_output=True, text=True,
                          env=base, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "patternkb: no display: DISPLAY and WAYLAND_DISPLAY are unset, so the window has nowhere to open "
        "(set QT_QPA_PLATFORM=offscreen to run headless)"]


def test_the_check_does_not_load_qt():
    done = subprocess.run([sys.executable, "-c", "import sys, patternkb.app.platform_check as p; p.window_problem(); "
                           "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


# Qt's own, the C/C++ runtime, and compression libraries every Debian and Fedora base system has.
_RUNTIME = re.compile(r"^(libQt6|libc\.|libm\.|libstdc\+\+|libgcc_s|ld-linux|libicu|libz\.|libzstd\.)")


def _needed(library: Path) -> list[str]:
    tool = shutil.which("objdump")
    if tool is None:
        pytest.skip("objdump is not installed: cannot list the libraries Qt links")
    out = subprocess.run([tool, "-p", str(library)], capture_output=True, text=True, check=True).stdout
    return [line.split()[1] for line in out.splitlines() if line.strip().startswith("NEEDED")]


def test_the_table_covers_what_the_installed_qt_links():
    """A PySide6 upgrade that links one more system library fails here until the table names it."""
    spec = importlib.util.find_spec("PySide6")
    assert spec is not None and spec.submodule_search_locations
    qt = Path(list(spec.submodule_search_locations)[0]) / "Qt"
    plugin, qpa = qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6"
    if not plugin.is_file():
        pytest.skip(f"this PySide6 has no X11 plugin at {plugin}")
    gui = [qt / "lib" / name for name in ("libQt6Gui.so.6", "libQt6DBus.so.6", "libQt6Widgets.so.6")]
    needed = {name for lib in [plugin, qpa, *gui] if lib.is_file() for name in _needed(lib)}
    known = {row[0] for row in XCB_LIBRARIES + GUI_LIBRARIES}
    assert sorted(n for n in needed if not _RUNTIME.match(n) and n not in known) == []


def test_a_platform_qt_does_not_have_is_named_with_those_it_has():
    line = window_problem(env={"QT_QPA_PLATFORM": "bogus"}, find_library=finder(), system="linux")
    assert line is not None and line.startswith("QT_QPA_PLATFORM names no platform Qt has here (bogus); it has ")
    assert "offscreen" in line and "xcb" in line
    assert window_problem(env={"QT_QPA_PLATFORM": "bogus;offscreen"}, find_library=finder(), system="linux") is None
