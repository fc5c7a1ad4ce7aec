"""The one kind of background job: a QRunnable on the global pool whose signals live on a QObject."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from patternkb.kb.errors import KBError

log = logging.getLogger(__name__)


class JobSignals(QObject):
    """What a job tells the GUI thread. Created on the GUI thread, so every signal emitted from
    the pool thread is queued there: slots never run on the pool thread."""

    progress = Signal(int, int)  # done, total
    reported = Signal(object)  # an intermediate value (the index is searchable before the KB loads)
    finished = Signal(int, object)  # generation, value
    failed = Signal(int, object)  # generation, the exception


class Job(QRunnable):
    """Runs `work(job)` on a pool thread. `work` may call `job.progress(done, total)` and
    `job.report(value)`; it must never touch a widget. `generation` travels with the answer,
    so the receiver can drop an answer that a newer job made stale."""

    def __init__(self, work: Callable[[Job], Any], generation: int = 0, *, name: str = "job"):
        super().__init__()
        self.work, self.generation, self.name = work, generation, name
        self.signals = JobSignals()

    def progress(self, done: int, total: int) -> None:
        self.signals.progress.emit(done, total)

    def report(self, value: Any) -> None:
        self.signals.reported.emit(value)

    def run(self) -> None:
        try:
            value = self.work(self)
        except Exception as exc:  # the receiver tells the user in one line; never a traceback dialog
            if isinstance(exc, (KBError, OSError)):  # bad input or an unusable folder: expected
                log.info("%s failed: %s", self.name, exc)
            else:
                log.exception("%s failed", self.name)
            self.signals.failed.emit(self.generation, exc)
        else:
            self.signals.finished.emit(self.generation, value)


class JobRunner(QObject):
    """Starts jobs on the global pool and holds each one until its answer has been delivered:
    the pool lets go of a job when `run` returns, and a job collected then would take its
    signals object, and the answer queued on it, along."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._running: set[Job] = set()

    def start(self, job: Job) -> Job:
        # Connected after the caller's slots, so the job is let go once they have run.
        job.signals.finished.connect(self._on_job_done)
        job.signals.failed.connect(self._on_job_done)
        self._running.add(job)
        QThreadPool.globalInstance().start(job)
        return job

    def running(self) -> int:
        return len(self._running)

    @Slot(int, object)
    def _on_job_done(self, _generation: int, _value: object) -> None:
        signals = self.sender()
        self._running = {job for job in self._running if job.signals is not signals}
