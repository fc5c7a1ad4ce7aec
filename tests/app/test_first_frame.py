"""Work held back until the first frame (app/first_frame.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from patternkb.app.first_frame import FirstFrame

NEVER_MS = 3_600_000  # the fallback timer, pushed out of every test's way


def test_work_waits_for_the_first_paint_then_runs_once_in_order(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    frame = FirstFrame(window, window, wait_ms=NEVER_MS)
    ran: list[str] = []
    frame.when_painted(lambda: ran.append("first"))
    frame.when_painted(lambda: ran.append("second"))
    assert ran == [] and not frame.done
    window.show()
    qtbot.waitUntil(lambda: frame.done)
    assert ran == ["first", "second"]
    frame.painted()  # a second call (the fallback timer, say) runs nothing again
    assert ran == ["first", "second"]


def test_work_asked_for_after_the_paint_runs_from_the_event_loop(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    frame = FirstFrame(window, window, wait_ms=NEVER_MS)
    frame.painted()
    ran: list[str] = []
    frame.when_painted(lambda: ran.append("late"))
    assert ran == []  # not inside the caller
    qtbot.waitUntil(lambda: ran == ["late"])


def test_a_window_never_painted_runs_its_work_all_the_same(qtbot):
    window = QWidget()  # never shown: no paint event ever comes
    qtbot.addWidget(window)
    frame = FirstFrame(window, window, wait_ms=0)
    ran: list[str] = []
    frame.when_painted(lambda: ran.append("work"))
    qtbot.waitUntil(lambda: ran == ["work"])
