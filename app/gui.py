"""Starting the window: `patternkb` / `patternkb gui [--query Q] [--open ID] [--screenshot F.png]`,
or handing the request to the window already open (app/instance.py)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import logging
import os

from PySide6.QtCore import QSettings, QThreadPool, QtMsgType, QTimer, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from patternkb.app.delegate import ResultDelegate
from patternkb.app.instance import InstanceServer
from patternkb.app.requests import WindowRequest
from patternkb.app.settings import Memory
from patternkb.app.index_job import kb_unusable_box
from patternkb.app.window import MainWindow
from patternkb.kb.errors import KBError
from patternkb.kb.files import check_present

log = logging.getLogger(__name__)

SCREENSHOT_TIMEOUT_S = 60.0
SHUTDOWN_WAIT_MS = 5000
WINDOW_SIZE = (1280, 800)


_QUIET = ("propagateSizeHints", "support raise()")  # the offscreen platform's notes, not problems


def _on_qt_message(mode: QtMsgType, context, message: str) -> None:
    if any(q in message for q in _QUIET):
        return
    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING}.get(mode, logging.ERROR)
    log.log(level, "Qt: %s", message)


def application() -> QApplication:
    qInstallMessageHandler(_on_qt_message)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("patternkb")
    app.setOrganizationName("patternkb")
    app.setStyle("Fusion")  # a style that paints with the theme's palette everywhere (app/theme.py)
    return app  # type: ignore[return-value]


def library_opener(kb_dir: Path, index_dir: Path | None):
    """What the window's index job calls to open the library (Whoosh is imported there, off
    the GUI thread; the KB loads later still)."""
    def open_library():
        from patternkb.index.library import PatternLibrary

        return PatternLibrary.open(kb_dir, index_dir)

    return open_library


def open_window(kb_dir: Path, index_dir: Path | None, memory: Memory | None = None, *,
                library_first: bool = False, dialogs: bool = True) -> MainWindow | None:
    """The window over a KB, with its index checked in the background; None after telling the
    user (in a dialog, not a traceback; on stderr without `dialogs`) why the KB cannot be
    opened. A KB that is there but does not validate is reported by the window, once its
    background job finds out."""
    try:
        check_present(kb_dir)
    except KBError as exc:
        if dialogs:
            kb_unusable_box(str(exc)).exec()
        else:
            print(f"patternkb: error: {exc}", file=sys.stderr)
        return None
    window = MainWindow(library_opener(kb_dir, index_dir), memory)
    if library_first:  # a query waits for the library: its imports run while the window paints
        window.start_index()
    else:  # nothing waits for them: the first frame comes first
        window.when_painted(window.start_index)
    return window


def run(kb_dir: Path, index_dir: Path | None, *, query: str | None = None, open_id: str | None = None,
        screenshot: Path | None = None, keys: list[str] | tuple[str, ...] = (), theme: str | None = None) -> int:
    """Open the window. Whether a window already open should take the request instead is the
    command line's to decide, before Qt is imported (app/cli.py, app/instance.py)."""
    request = WindowRequest(query=query or "", open_id=open_id, keys=list(keys))
    if screenshot is None:
        return _run_window(kb_dir, index_dir, query, open_id, None, request, theme=theme)
    with tempfile.TemporaryDirectory(prefix="patternkb-shot-") as settings_dir:
        # A fresh user's window, whatever this machine remembers; nothing of it stays behind.
        memory = Memory(QSettings(str(Path(settings_dir) / "settings.ini"), QSettings.Format.IniFormat))
        code = _run_window(kb_dir, index_dir, query, open_id, screenshot, request, memory, theme=theme)
        memory.qsettings.sync()  # written before the folder goes, not by a destructor after it
        return code


def _run_window(kb_dir: Path, index_dir: Path | None, query: str | None, open_id: str | None,
                screenshot: Path | None, request: WindowRequest, memory: Memory | None = None, *,
                theme: str | None = None) -> int:
    app = application()
    window = open_window(kb_dir, index_dir, memory, library_first=bool(query),
                         dialogs=screenshot is None)  # a screenshot is taken by a script: no one to click OK
    if window is None:
        return 1
    if theme is not None:  # this window's, for a script: not remembered
        window.theme.choose(theme)
    if screenshot is not None:
        window.resize(*WINDOW_SIZE)
    launched = os.environ.get("PATTERNKB_PROBE_STARTUP")
    if launched:  # benchmark hook: seconds from launch to the first painted results, then exit
        _probe_startup(app, window, float(launched))
    # The search before show(): an answer already there is in the first frame, not the second.
    window.ask(WindowRequest(query=request.query, keys=request.keys))
    window.show()
    if open_id:  # an id the KB lacks shows in the status bar (and fails a screenshot) once it loads
        window.ask(WindowRequest(open_id=open_id))
    status = {"code": 0}
    server = None
    if screenshot is not None:
        _schedule_screenshot(app, window, screenshot, status, wants_results=bool(query), wants_entry=bool(open_id))
    else:  # after the first frame: listening imports QtNetwork
        server = InstanceServer(window.handle_request, window)
        window.when_painted(lambda: server.listen(kb_dir))
    code = app.exec()
    if server is not None:
        server.close()
    # Jobs still running (a search, the KB loading) report to objects about to be deleted:
    # let them finish first. A rebuild that takes longer is abandoned; its unpublished
    # generation is never read.
    QThreadPool.globalInstance().clear()
    QThreadPool.globalInstance().waitForDone(SHUTDOWN_WAIT_MS)
    if window.library is not None:
        window.library.close()
    return status["code"] or code


def _rss_mib() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next(int(line.split()[1]) / 1024 for line in fh if line.startswith("VmRSS:"))
    except (OSError, StopIteration, ValueError):
        return float("nan")


class _FirstResultsProbe(ResultDelegate):
    """Benchmark hook, as the results' delegate: prints the seconds from `launched` to the end
    of the first paint of a hit (and the RSS then), and quits."""

    def __init__(self, app: QApplication, window: MainWindow, launched: float):
        super().__init__(window.results_view)
        self.app, self.launched = app, launched
        self.painted = False

    def paint(self, painter, option, index) -> None:
        super().paint(painter, option, index)
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, self._report)  # runs once this paint of the list has finished

    def _report(self) -> None:
        print(f"startup_to_results_s={time.time() - self.launched:.4f} rss_mib={_rss_mib():.1f} "
              f"cpu_s={time.process_time():.4f}", flush=True)
        self.app.quit()


def _probe_startup(app: QApplication, window: MainWindow, launched: float) -> None:
    window._startup_probe = probe = _FirstResultsProbe(app, window, launched)
    window.results_view.setItemDelegate(probe)


def _dialog_shown(window: MainWindow) -> str:
    """The text of a message box the window shows (the KB did not validate), or ""."""
    from PySide6.QtWidgets import QMessageBox

    box = window.findChild(QMessageBox)
    if box is None or not box.isVisible():
        return ""
    return " ".join(part if part.endswith(".") else part + "." for part in box.text().split("\n\n"))


def _schedule_screenshot(app: QApplication, window: MainWindow, path: Path, status: dict, *,
                         wants_results: bool, wants_entry: bool) -> None:
    started = time.monotonic()
    timer = QTimer(window)

    def ready() -> bool:
        if not window.index_ready:
            return False
        if wants_entry:  # the entry asked for is painted (a missing one is a problem, below)
            return window.entry_view.page is not None
        if wants_results:
            result = window.last_result
            if result is None:
                return False
            if result.hits and window.entry_view.page is None:
                return False
        return True

    def poll() -> None:
        problem = _dialog_shown(window)
        if not problem and window.index_problem and not window.index_ready:  # nothing more will come
            problem = f"the search index cannot be used: {window.index_problem}"
        if not problem and wants_entry and window.entry_problem:
            problem = window.entry_problem
        if problem:  # a script is waiting, not a user: say it and stop
            timer.stop()
            print(f"patternkb: error: {problem}", file=sys.stderr)
            status["code"] = 1
            app.quit()
        elif ready():
            timer.stop()
            app.processEvents()
            window.repaint()
            image = window.grab()
            if not image.save(str(path), "PNG"):
                print(f"patternkb: cannot write {path}", file=sys.stderr)
                status["code"] = 1
            else:
                print(f"saved {path} ({image.width()}×{image.height()})")
            window.close()
            app.quit()
        elif time.monotonic() - started > SCREENSHOT_TIMEOUT_S:
            timer.stop()
            print("patternkb: the window did not finish loading in time; no screenshot", file=sys.stderr)
            status["code"] = 1
            app.quit()

    timer.timeout.connect(poll)
    timer.start(50)
