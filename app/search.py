"""Search as you type, off the GUI thread: a debounce timer, a QRunnable per query on the global
thread pool, and a generation number so a slow, stale answer is never shown."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from patternkb.app.first_search import GUI_FRAGMENTS, GUI_LIMIT, FirstSearch
from patternkb.index.query import explain_empty
from patternkb.index.results import SearchResult
from patternkb.kb.errors import KBError, StoreError

if TYPE_CHECKING:
    from patternkb.index.engine import PatternIndex

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150


@dataclass(frozen=True)
class SearchOptions:
    kind: str | None = None
    section: str | None = None
    order: str = "relevance"


class _JobSignals(QObject):
    finished = Signal(int, object)  # generation, SearchResult
    failed = Signal(int, str)


class SearchJob(QRunnable):
    """Runs one query on a pool thread, with that thread's own Whoosh searcher (PatternIndex
    keeps one per thread). It never touches a widget: it only emits."""

    def __init__(self, engine: PatternIndex, text: str, options: SearchOptions, generation: int):
        super().__init__()
        self.engine, self.text, self.options, self.generation = engine, text, options, generation
        self.signals = _JobSignals()

    def run(self) -> None:
        try:
            result = self.engine.search(self.text, limit=GUI_LIMIT, kind=self.options.kind,
                                        section=self.options.section, order=self.options.order,
                                        fragments=GUI_FRAGMENTS)
            result = explain_empty(self.engine, result, self.text)
        except Exception as exc:  # reported in the status bar, never a traceback dialog
            log.exception("search %r failed", self.text)
            self.signals.failed.emit(self.generation, str(exc) or exc.__class__.__name__)
        else:
            self.signals.finished.emit(self.generation, result)


class FirstSearchJob(QRunnable):
    """Waits, on a pool thread, for the answer of the search forked at start (None: none)."""

    def __init__(self, first: FirstSearch, generation: int):
        super().__init__()
        self.first, self.generation = first, generation
        self.signals = _JobSignals()

    def run(self) -> None:
        self.signals.finished.emit(self.generation, self.first.result())


class SearchController(QObject):
    started = Signal(int, str)  # generation, text: a search was sent to the pool
    results_ready = Signal(object)  # SearchResult of the newest search
    failed = Signal(str)

    def __init__(self, engine: PatternIndex | None = None, parent: QObject | None = None, *,
                 first_search: FirstSearch | None = None):
        super().__init__(parent)
        self.engine = engine
        self._first = first_search
        self.options = SearchOptions()
        self.generation = 0
        self._text = ""
        self._sent: tuple[str, SearchOptions] | None = None
        self._jobs: dict[int, SearchJob] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        # Pool threads live as long as the application: each keeps its own Whoosh searcher
        # and term cache, which a thread retired after 30 idle seconds would throw away.
        QThreadPool.globalInstance().setExpiryTimeout(-1)

    def set_engine(self, engine: PatternIndex, *, again: bool = False) -> None:
        """Search with `engine` from now on. The text typed so far runs now unless it already has
        its answer; with `again` (the index was rebuilt) it runs in any case."""
        self.engine = engine
        if again:
            self._sent = None
        if self._text.strip() and not self._timer.isActive():
            self._on_timer_timeout()

    def set_text(self, text: str) -> None:
        """Called on every keystroke: restart the timer; unchanged text runs nothing."""
        self._text = text
        self._timer.start()

    def set_options(self, options: SearchOptions) -> None:
        self.options = options
        self.run_now()

    def run_now(self) -> None:
        self._timer.stop()
        self._sent = None
        self._on_timer_timeout()

    @Slot()
    def _on_timer_timeout(self) -> None:
        key = (self._text, self.options)
        first = self._first
        answered_at_start = first is not None and self._text == first.query and self.options == SearchOptions()
        if key == self._sent or (self.engine is None and not answered_at_start):
            return
        self._sent = key
        self.generation += 1
        if not self._text.strip():
            self.results_ready.emit(None)
            return
        if answered_at_start:
            self._first = None
            if first.ready():  # answered already (the window is not shown yet): no thread hop
                self.started.emit(self.generation, self._text)
                self._on_first_search_finished(self.generation, first.result())
                return
            job = FirstSearchJob(first, self.generation)
            job.signals.finished.connect(self._on_first_search_finished)
        else:
            job = SearchJob(self.engine, self._text, self.options, self.generation)
            job.signals.finished.connect(self._on_job_finished)
        job.signals.failed.connect(self._on_job_failed)
        self._jobs[self.generation] = job  # keep the signals object alive until it reports
        self.started.emit(self.generation, self._text)
        QThreadPool.globalInstance().start(job)

    @Slot(int, object)
    def _on_job_finished(self, generation: int, result: SearchResult) -> None:
        self._jobs.pop(generation, None)
        if generation == self.generation:  # an older answer arriving late is dropped
            self.results_ready.emit(result)

    @Slot(int, object)
    def _on_first_search_finished(self, generation: int, result: SearchResult | None) -> None:
        self._jobs.pop(generation, None)
        if generation == self.generation:
            if result is not None:
                self.results_ready.emit(result)
            else:  # no answer from the child: the engine answers once it is there
                self._sent = None
                if self.engine is not None:
                    self.run_now()

    @Slot(int, str)
    def _on_job_failed(self, generation: int, message: str) -> None:
        self._jobs.pop(generation, None)
        if generation == self.generation:
            self.failed.emit(message)


class _IndexSignals(QObject):
    searchable = Signal(object)  # PatternIndex: its index is current, searches can start
    progress = Signal(int, int)
    finished = Signal(object, str)  # PatternIndex, what was done ("" when nothing)
    failed = Signal(str, bool)  # message, whether the KB itself cannot be read


class IndexJob(QRunnable):
    """Opens the search engine, checks (or builds) its index and loads the KB, in the background:
    the window paints first and stays usable meanwhile. A current index is announced before the
    KB loads, so searching starts as early as it can."""

    def __init__(self, open_engine: Callable[[], PatternIndex], *, rebuild: bool = False):
        super().__init__()
        self.open_engine, self.rebuild = open_engine, rebuild
        self.signals = _IndexSignals()

    def run(self) -> None:
        try:
            engine = self.open_engine()
            if self.rebuild:
                count = engine.rebuild(self.signals.progress.emit)
                done = f"index rebuilt: {count} documents"
            elif engine.status() == "current":
                self.signals.searchable.emit(engine)
                done = ""
            else:
                done = engine.ensure(self.signals.progress.emit) or ""
            engine.kb  # noqa: B018 - loads and validates the KB now, off the GUI thread
            # Related links and checklist back-links (10 MB of JSON at 10,000 entries): read
            # here, so the first entry shown does not parse them on the GUI thread.
            engine.links()
        except Exception as exc:
            # Bad input or a folder that cannot be used (read-only, not a folder): the window
            # tells the user, so no traceback.
            if isinstance(exc, (KBError, OSError)):
                log.info("index job: %s", exc)
            else:
                log.exception("index build failed")
            self.signals.failed.emit(str(exc) or exc.__class__.__name__, isinstance(exc, StoreError))
        else:
            self.signals.finished.emit(engine, done)
