"""Search as you type: the search box, and a controller that debounces the text and runs each
query as a background job, dropping an answer that a newer query made stale."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QLineEdit

from patternkb.app.jobs import Job, JobRunner

if TYPE_CHECKING:
    from patternkb.index.library import PatternLibrary
    from patternkb.index.results import SearchResult

DEBOUNCE_MS = 150
# What the window asks of every search: enough hits to scroll, fragments for the first screens.
GUI_LIMIT = 50
GUI_FRAGMENTS = 10  # rows (and their sub-hits) beyond the first screen or two show their text's start, unmarked


@dataclass(frozen=True)
class SearchOptions:
    kind: str | None = None
    section: str | None = None
    order: str = "relevance"
    correct: bool = True  # False: the words as typed, though they find nothing ("search instead for")


class SearchBox(QLineEdit):
    """Up, Down, Page Up and Page Down move through the results without leaving the box; Esc
    clears it (and says so: the filters go too)."""

    moved = Signal(int)  # rows to move the selection by
    escaped = Signal()  # Esc: the box cleared itself; the window clears the filters too

    STEPS = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 8, Qt.Key.Key_PageUp: -8}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setPlaceholderText("Search patterns, code, identifiers…   (Ctrl+K)")
        self.setClearButtonEnabled(True)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        step = self.STEPS.get(Qt.Key(event.key()), 0)
        if step:
            self.moved.emit(step)
        elif event.key() == Qt.Key.Key_Escape:
            self.clear()
            self.escaped.emit()
        else:
            super().keyPressEvent(event)


def run_search(library: PatternLibrary, text: str, options: SearchOptions) -> SearchResult:
    """One query as the window asks it, on a pool thread (the library keeps a Whoosh searcher
    per thread); an empty result says which filter value matched nothing."""
    from patternkb.index import library as index_library  # loaded by the index job already

    return library.search(text, index_library.SearchOptions(kind=options.kind, section=options.section,
                                                            order=options.order, limit=GUI_LIMIT,
                                                            fragments=GUI_FRAGMENTS, correct=options.correct))


class SearchController(QObject):
    """Keystrokes in, results out. `set_text` restarts a single-shot timer (qutebrowser's
    Completer); when it fires, text not already answered runs as a job. Each job carries a
    generation number, and only the newest one's answer is emitted."""

    started = Signal(int, str)  # generation, text: a search was sent to the pool
    results_ready = Signal(object)  # SearchResult of the newest search; None for an empty box
    failed = Signal(str)

    def __init__(self, library: PatternLibrary | None = None, parent: QObject | None = None, *,
                 debounce_ms: int = DEBOUNCE_MS):
        super().__init__(parent)
        self.library = library
        self.options = SearchOptions()
        self.generation = 0
        self._text = ""
        self._sent: tuple[str, SearchOptions] | None = None
        self._jobs = JobRunner(self)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(debounce_ms)
        self.timer.timeout.connect(self._on_timer_timeout)
        # Pool threads live as long as the application: each keeps its own Whoosh searcher
        # and term cache, which a thread retired after 30 idle seconds would throw away.
        QThreadPool.globalInstance().setExpiryTimeout(-1)

    def set_library(self, library: PatternLibrary, *, again: bool = False) -> None:
        """Search with `library` from now on. The text typed so far runs now unless it already has
        its answer; with `again` (the index was rebuilt) it runs in any case."""
        self.library = library
        if again:
            self._sent = None
        if self._text.strip() and not self.timer.isActive():
            self._on_timer_timeout()

    def set_text(self, text: str) -> None:
        """Called on every keystroke: restart the timer; unchanged text runs nothing. New text is
        searched with its spelling corrected again."""
        if text != self._text and not self.options.correct:
            self.options = replace(self.options, correct=True)
        self._text = text
        self.timer.start()

    def search_as_typed(self) -> None:
        """Search the text as typed, though a corrected spelling found something and it does not."""
        self.options = replace(self.options, correct=False)
        self.run_now()

    def set_options(self, options: SearchOptions) -> None:
        self.options = options
        self.run_now()

    def run_now(self) -> None:
        """Run the text now, even if it was answered (typed by nobody, or options changed)."""
        self._sent = None
        self.flush()

    def flush(self) -> None:
        """What the timer does when it fires, now: run the text unless it has its answer."""
        self.timer.stop()
        self._on_timer_timeout()

    @Slot()
    def _on_timer_timeout(self) -> None:
        key = (self._text, self.options)
        if key == self._sent or self.library is None:
            return
        self._sent = key
        self.generation += 1
        if not self._text.strip():
            self.results_ready.emit(None)
            return
        library, text, options = self.library, self._text, self.options
        job = Job(lambda _job: run_search(library, text, options), self.generation, name=f"search {text!r}")
        job.signals.finished.connect(self._on_job_finished)
        job.signals.failed.connect(self._on_job_failed)
        self.started.emit(self.generation, text)
        self._jobs.start(job)

    @Slot(int, object)
    def _on_job_finished(self, generation: int, result: SearchResult) -> None:
        if generation == self.generation:  # an older answer arriving late is dropped
            self.results_ready.emit(result)

    @Slot(int, object)
    def _on_job_failed(self, generation: int, exc: Exception) -> None:
        if generation == self.generation:
            self.failed.emit(str(exc) or exc.__class__.__name__)
