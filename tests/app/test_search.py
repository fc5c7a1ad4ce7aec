"""Search as you type (app/search.py): the debounce timer, driven here rather than raced, and
stale answers dropped."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QThreadPool

from patternkb.app.search import SearchController, SearchOptions


class _GatedLibrary:
    """Stands in for the library behind the controller: "slow" waits until released."""

    def __init__(self, real):
        self.real, self.gate = real, threading.Event()

    def search(self, text, options):
        if text == "slow":
            self.gate.wait(10)
        return self.real.search(text, options)


def test_text_runs_only_when_the_timer_fires_and_only_once(qtbot, bundled_library):
    controller = SearchController(bundled_library, debounce_ms=60_000)  # never fires by itself here
    with qtbot.assertNotEmitted(controller.started):
        for text in ("m", "mu", "mutex"):
            controller.set_text(text)
    assert controller.timer.isActive() and controller.timer.interval() == 60_000
    with qtbot.waitSignal(controller.results_ready, timeout=10_000) as answered:
        controller.flush()  # what the timer's timeout does
    assert answered.args[0].query == "mutex" and not controller.timer.isActive()
    controller.set_text("mutex")  # typed and erased back to the same text
    with qtbot.assertNotEmitted(controller.started):
        controller.flush()
    with qtbot.waitSignal(controller.results_ready, timeout=10_000):
        controller.set_options(SearchOptions(kind="snippet"))  # new options: runs at once
    assert {hit.kind for hit in controller_result(qtbot, controller)} <= {"snippet"}


def controller_result(qtbot, controller):
    with qtbot.waitSignal(controller.results_ready, timeout=10_000) as answered:
        controller.run_now()
    return answered.args[0].hits


def test_without_a_library_nothing_runs_until_it_comes_then_the_text_does(qtbot, bundled_library):
    controller = SearchController(None, debounce_ms=60_000)
    controller.set_text("mutex")
    with qtbot.assertNotEmitted(controller.started):
        controller.flush()
    with qtbot.waitSignal(controller.results_ready, timeout=10_000) as answered:
        controller.set_library(bundled_library)
    assert answered.args[0].query == "mutex"


def test_an_empty_box_answers_none_at_once(qtbot, bundled_library):
    controller = SearchController(bundled_library)
    controller.set_text("   ")
    with qtbot.waitSignal(controller.results_ready, timeout=1000) as answered, \
            qtbot.assertNotEmitted(controller.started):
        controller.flush()
    assert answered.args == [None]


def test_stale_results_are_never_shown(qtbot, bundled_library):
    library = _GatedLibrary(bundled_library)
    controller = SearchController(library)
    shown = []
    controller.results_ready.connect(lambda result: shown.append(result.query))
    controller.set_text("slow")
    controller.run_now()
    with qtbot.waitSignal(controller.results_ready, timeout=10_000):
        controller.set_text("mutex")
        controller.run_now()
    with qtbot.assertNotEmitted(controller.results_ready):
        library.gate.set()
        QThreadPool.globalInstance().waitForDone(10_000)
        QCoreApplication.processEvents()  # delivers the late answer the pool thread queued
    assert shown == ["mutex"]


def test_a_failed_search_is_reported_with_its_message(qtbot):
    class Broken:
        def search(self, text, options):
            raise RuntimeError("index went away")

    controller = SearchController(Broken())
    controller.set_text("mutex")
    with qtbot.waitSignal(controller.failed, timeout=10_000) as failed:
        controller.flush()
    assert failed.args == ["index went away"]
