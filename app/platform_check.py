"""Whether this machine can open the window, asked before Qt is loaded: a display to draw on, and
the system libraries Qt's X11 (xcb) platform plugin links. Qt itself aborts (exit 134) on either."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping

# Every library outside Qt that PySide6's Qt/plugins/platforms/libqxcb.so and Qt/lib/libQt6XcbQpa.so.6
# link (their DT_NEEDED entries, PySide6 6.11), with the packages that ship it. Debian names were
# checked with dpkg -S and apt-cache show on Debian 12; Fedora's are its xcb-util-* split. The
# C and C++ runtimes are left out: Python itself needs them. tests/app/test_platform_check.py
# fails when an installed PySide6 links a library missing here.
XCB_LIBRARIES: tuple[tuple[str, str, str], ...] = (
    # soname, Debian/Ubuntu package, Fedora package
    ("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    ("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    ("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    ("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    ("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    ("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    ("libxcb.so.1", "libxcb1", "libxcb"),
    ("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    ("libxcb-render.so.0", "libxcb-render0", "libxcb"),
    ("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    ("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    ("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    ("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
    ("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    ("libX11.so.6", "libx11-6", "libX11"),
    ("libGL.so.1", "libgl1", "libglvnd-glx"),
    ("libglib-2.0.so.0", "libglib2.0-0", "glib2"),
    ("libgthread-2.0.so.0", "libglib2.0-0", "glib2"),
)

# What Qt GUI and Qt D-Bus link besides the above, needed on every platform (offscreen too).
GUI_LIBRARIES: tuple[tuple[str, str, str], ...] = (
    ("libEGL.so.1", "libegl1", "libglvnd-egl"),
    ("libfontconfig.so.1", "libfontconfig1", "fontconfig"),
    ("libfreetype.so.6", "libfreetype6", "freetype"),
    ("libdbus-1.so.3", "libdbus-1-3", "dbus-libs"),
)

HEADLESS = "set QT_QPA_PLATFORM=offscreen to run headless"


def loadable(soname: str) -> bool:
    """Whether the dynamic loader finds the library, as Qt's would (LD_LIBRARY_PATH, ld.so.cache).
    Loading it is cheap and harmless: the window would load it a moment later."""
    import ctypes  # here: only the check on Linux pays for it

    try:
        ctypes.CDLL(soname, mode=os.RTLD_LAZY | os.RTLD_LOCAL)
    except OSError:
        return False
    return True


def _platforms(env: Mapping[str, str]) -> list[str]:
    """The platform plugins Qt would try, in order (QT_QPA_PLATFORM may list several, with options)."""
    asked = [name.split(":", 1)[0].strip() for name in env.get("QT_QPA_PLATFORM", "").split(";")]
    asked = [name for name in asked if name]
    if asked:
        return asked
    # Unset: Qt picks Wayland in a Wayland session that has a compositor, X11 otherwise.
    if env.get("WAYLAND_DISPLAY") and (env.get("XDG_SESSION_TYPE") == "wayland" or not env.get("DISPLAY")):
        return ["wayland", "xcb"]
    return ["xcb"]


def installed_platforms() -> set[str] | None:
    """The platform plugins the installed PySide6 ships ("xcb", "offscreen", ...), or None when
    Qt may find others (QT_PLUGIN_PATH, QT_QPA_PLATFORM_PLUGIN_PATH) or PySide6 is not found."""
    import importlib.util  # here: only the check on Linux pays for it

    if os.environ.get("QT_PLUGIN_PATH") or os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
        return None
    spec = importlib.util.find_spec("PySide6")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = os.path.join(spec.submodule_search_locations[0], "Qt", "plugins", "platforms")
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    return {name[4:].split(".", 1)[0] for name in names if name.startswith("libq")}


def _missing(table: tuple[tuple[str, str, str], ...], find_library: Callable[[str], bool]) -> list[tuple[str, str, str]]:
    return [row for row in table if not find_library(row[0])]


def _install_line(missing: list[tuple[str, str, str]], what: str) -> str:
    debian = " ".join(dict.fromkeys(row[1] for row in missing))
    fedora = " ".join(dict.fromkeys(row[2] for row in missing))
    return (f"{what} needs system libraries that are missing: {', '.join(row[0] for row in missing)}; "
            f"install them with `sudo apt-get install {debian}` (Debian/Ubuntu) "
            f"or `sudo dnf install {fedora}` (Fedora)")


def window_problem(env: Mapping[str, str] | None = None, find_library: Callable[[str], bool] | None = None,
                   system: str | None = None) -> str | None:
    """None when the window can open here; otherwise one line saying what is wrong and what to do.

    `env`, `find_library` (soname -> found?) and `system` (sys.platform) default to this machine's.
    """
    env = os.environ if env is None else env
    find_library = loadable if find_library is None else find_library
    system = sys.platform if system is None else system
    if not system.startswith("linux"):
        return None  # macOS and Windows bring their own platform plugin and libraries
    missing = _missing(GUI_LIBRARIES, find_library)
    if missing:
        return _install_line(missing, "Qt")
    known = installed_platforms()
    unknown = [p for p in _platforms(env) if known is not None and p not in known]
    if unknown and len(unknown) == len(_platforms(env)):  # Qt would abort: it tries each in turn
        return (f"QT_QPA_PLATFORM names no platform Qt has here ({', '.join(unknown)}); "
                f"it has {', '.join(sorted(known or ()))}")
    wanted = [] if env.get("QT_QPA_PLATFORM", "").strip() else ["DISPLAY", "WAYLAND_DISPLAY"]
    for platform in _platforms(env):
        if platform.startswith("wayland"):
            wanted.append("WAYLAND_DISPLAY")
            if env.get("WAYLAND_DISPLAY"):
                return None
        elif platform == "xcb":
            wanted.append("DISPLAY")
            if env.get("DISPLAY"):
                missing = _missing(XCB_LIBRARIES, find_library)
                return f"{_install_line(missing, 'the window (X11)')} ({HEADLESS})" if missing else None
        else:
            return None  # offscreen, minimal, vnc, eglfs...: nothing more to find out cheaply
    wanted = list(dict.fromkeys(wanted))
    unset = f"{' and '.join(wanted)} {'is' if len(wanted) == 1 else 'are'} unset"
    return f"no display: {unset}, so the window has nowhere to open ({HEADLESS})"


def main() -> int:
    problem = window_problem()
    if problem is None:
        return 0
    print(f"patternkb: {problem}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
