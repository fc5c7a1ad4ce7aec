"""The one background job type (app/jobs.py): answers on the GUI thread, held until delivered."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QThread, QThreadPool

from patternkb.app.jobs import Job, JobRunner
from patternkb.kb.errors import StoreError


def test_a_job_answers_on_the_gui_thread_with_its_generation(qtbot, qapp):
    runner = JobRunner()
    seen = {}

    def work(job):
        seen["worker"] = QThread.currentThread()
        job.progress(1, 2)
        job.report("searchable")
        return 42

    job = Job(work, 7)
    heard = []
    job.signals.progress.connect(lambda *args: heard.append(("progress", args, QThread.currentThread())))
    job.signals.reported.connect(lambda *args: heard.append(("reported", args, QThread.currentThread())))
    job.signals.finished.connect(lambda *args: heard.append(("finished", args, QThread.currentThread())))
    with qtbot.waitSignal(job.signals.finished, timeout=10_000):
        runner.start(job)
    assert seen["worker"] is not qapp.thread()  # the work ran on a pool thread ...
    gui = qapp.thread()  # ... and its signals arrived, in order, on the GUI thread
    assert heard == [("progress", (1, 2), gui), ("reported", ("searchable",), gui), ("finished", (7, 42), gui)]


def test_a_failure_is_an_answer_with_the_exception(qtbot):
    runner = JobRunner()
    job = Job(lambda _job: (_ for _ in ()).throw(StoreError("entries.json: broken")), 3)
    with qtbot.assertNotEmitted(job.signals.finished), qtbot.waitSignal(job.signals.failed, timeout=10_000) as failed:
        runner.start(job)
    generation, exc = failed.args
    assert generation == 3 and isinstance(exc, StoreError) and str(exc) == "entries.json: broken"


def test_the_runner_holds_a_job_until_its_answer_is_delivered(qtbot):
    # Without the runner's reference, the job (and its signals object, and the answer queued on
    # it) could be collected once the pool let go of it: the answer would never arrive.
    runner = JobRunner()
    gate = threading.Event()
    answers = []
    job = Job(lambda _job: gate.wait(10) and "done")
    job.signals.finished.connect(lambda _generation, value: answers.append(value))
    runner.start(job)
    del job
    gc.collect()
    assert runner.running() == 1
    gate.set()
    QThreadPool.globalInstance().waitForDone(10_000)
    gc.collect()  # the pool has let go: only the runner holds the job now
    qtbot.waitUntil(lambda: answers == ["done"], timeout=10_000)
    assert runner.running() == 0
