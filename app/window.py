"""The main window: wires the search box, filters, results, outline and bookmarks on the left to
the entry pane on the right, and runs the index job that makes them usable."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QMainWindow, QProgressBar, QSplitter, QVBoxLayout, QWidget

from patternkb.app.actions import install_actions
from patternkb.app.bookmarks import BookmarkList
from patternkb.app.browse_tabs import BrowseTabs
from patternkb.app.entry_pane import EntryPane
from patternkb.app.entry_tools import EntryTools
from patternkb.app.first_frame import FirstFrame
from patternkb.app.index_job import index_job, kb_unusable_box
from patternkb.app.jobs import JobRunner
from patternkb.app.look import LookMixin
from patternkb.app.messages import NOTE_MS, Messages
from patternkb.app.navigator import EntryNavigator
from patternkb.app.render import render_welcome
from patternkb.app.requests import WindowRequest
from patternkb.app.results_pane import ResultsPane
from patternkb.app.search import SearchBox, SearchController, SearchOptions
from patternkb.app.settings import Memory
from patternkb.app.tabs import EntryTabs
from patternkb.app.theme import ThemeSetting, apply_palette
from patternkb.kb.errors import StoreError

if TYPE_CHECKING:
    from patternkb.app.history import History
    from patternkb.app.models import OutlineNode
    from patternkb.index.library import PatternLibrary
    from patternkb.index.results import SearchResult
    from patternkb.kb.models import KnowledgeBase

class MainWindow(LookMixin, QMainWindow):
    """The window. It paints first: `open_library` (which imports Whoosh) runs in the index job,
    and the KB (pydantic) loads there too, so `library` and `kb` are None until it reports."""

    def __init__(self, open_library: Callable[[], PatternLibrary], memory: Memory | None = None):
        super().__init__()
        self._open_library = open_library
        self.library: PatternLibrary | None = None
        self.kb: KnowledgeBase | None = None
        self.memory = memory or Memory()
        self.messages = Messages(self)
        self.messages.shown.connect(self._on_messages_shown)
        self.theme = ThemeSetting(self.memory.theme, self)
        self.theme.changed.connect(self._on_theme_changed)
        self._jobs = JobRunner(self)
        self._pending_keys: WindowRequest | None = None  # a search whose keys wait for the KB's guides
        self.index_ready = False
        self.index_problem: str | None = None  # why the last index job failed, until the next
        self.last_result: SearchResult | None = None
        self.auto_preview = True  # show the top hit as results arrive (off when an entry is pinned)
        self._terms: tuple[str, ...] = ()
        self.setWindowTitle("patternkb")
        self.search_controller = SearchController(None, self)
        self.search_controller.results_ready.connect(self._on_search_controller_results_ready)
        self.search_controller.failed.connect(self._on_search_controller_failed)
        self._build_widgets()
        self.tools = EntryTools(self)
        self.bookmark_list = BookmarkList(self.bookmarks_view, self.bookmarks_model, self.memory, self)
        self.bookmark_list.changed.connect(self._on_bookmark_list_changed)
        install_actions(self)
        self.navigator = EntryNavigator(self.back_action, self.forward_action, self.bookmark_action,
                                        self.bookmarks_model, self.memory, self.messages, self)
        self.navigator.opened.connect(self._on_navigator_opened)
        self.navigator.cleared.connect(self._on_navigator_cleared)
        self.navigator.bookmark_toggled.connect(self._on_navigator_bookmark_toggled)
        self.navigator.follow(self.entry_view)
        self.entry_tabs = EntryTabs(self.entry_pane.tab_bar, self.navigator, self._title_of, self.messages, self)
        self.entry_view.tab_requested.connect(self.entry_tabs.open_in_background)
        self.entry_tabs.restore(self.memory.tabs)
        self._restore()
        self._show_overview()
        self.search_box.setFocus()

    # --- construction ---------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.search_box = SearchBox()
        self.search_box.textChanged.connect(self._on_search_box_text_changed)
        self.search_box.returnPressed.connect(self._on_search_box_return_pressed)
        self.search_box.moved.connect(self._on_search_box_moved)
        self.search_box.escaped.connect(self._on_search_box_escaped)

        self.results_pane = ResultsPane()
        self.results_pane.current_hit.connect(self._on_results_pane_current_hit)
        self.results_pane.hit_activated.connect(self._on_results_pane_hit_activated)
        self.results_pane.entry_requested.connect(self._on_entry_view_entry_requested)
        self.results_pane.correction_chosen.connect(self.search_box.setText)
        self.results_pane.as_typed_chosen.connect(self.search_controller.search_as_typed)
        self.results_pane.filter_bar.changed.connect(self._on_filter_bar_changed)
        # Named here as well: the parts a test or the screenshot looks at.
        self.results_model, self.results_view = self.results_pane.model, self.results_pane.view
        self.overview, self.results_stack = self.results_pane.overview, self.results_pane.stack
        self.correction, self.filter_bar = self.results_pane.correction, self.results_pane.filter_bar

        self.tabs = BrowseTabs(self.results_pane, self.memory.bookmarks)
        self.tabs.entry_requested.connect(self._on_entry_view_entry_requested)
        self.outline_model, self.outline_view = self.tabs.outline_model, self.tabs.outline_view
        self.bookmarks_model, self.bookmarks_view = self.tabs.bookmarks_model, self.tabs.bookmarks_view

        self.entry_pane = EntryPane(self.messages)
        self.entry_view, self.entry_header = self.entry_pane.view, self.entry_pane.header
        self.entry_view.entry_requested.connect(self._on_entry_view_entry_requested)
        self.entry_view.source_requested.connect(lambda: self.tools.open_source())

        self.splitter = QSplitter()  # horizontal
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.entry_pane)
        self.splitter.setStretchFactor(0, 1)  # a narrower window narrows both, the entry less
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([400, 880])

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(6, 6, 6, 0)
        outer.addWidget(self.search_box)
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.first_frame = FirstFrame(central, self)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)

    def _restore(self) -> None:
        geometry = self.memory.bytes("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        sizes = self.memory.bytes("window/splitter")
        if sizes is not None:
            self.splitter.restoreState(sizes)
        self.default_font_size = self.entry_view.font().pointSize() if self.entry_view.font().pointSize() > 0 else 11
        self.font_size = self.memory.font_size or self.default_font_size
        self.entry_pane.set_font_size(self.font_size)
        apply_palette(self.theme.theme())

    def when_painted(self, work: Callable[[], None]) -> None:
        """Run `work` once the window's first frame is painted (at once if it is)."""
        self.first_frame.when_painted(work)

    # --- library and index -----------------------------------------------------------------

    def start_index(self, *, rebuild: bool = False) -> None:
        """Open the library, check (or rebuild) the index and load the KB, in the background."""
        library = self.library
        job = index_job((lambda: library) if library is not None else self._open_library, rebuild=rebuild)
        job.signals.reported.connect(self._on_index_job_reported)
        job.signals.progress.connect(self._on_index_job_progress)
        job.signals.finished.connect(self._on_index_job_finished)
        job.signals.failed.connect(self._on_index_job_failed)
        self.rebuild_action.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.messages.info("Checking the search index…")
        self.index_problem = None
        self._jobs.start(job)

    @Slot(object)
    def _on_index_job_reported(self, library: PatternLibrary) -> None:
        self._use_library(library)

    def _use_library(self, library: PatternLibrary, *, again: bool = False) -> None:
        """Search with `library` from now on (`again`: the index was rebuilt, so the results shown
        came from the one it replaced)."""
        if self.search_controller.library is library and not again:
            return
        self.library = library
        self.search_controller.set_library(library, again=again)

    @Slot(int, int)
    def _on_index_job_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.messages.info(f"Building the search index… {done}/{total}")

    @Slot(int, object)
    def _on_index_job_finished(self, _generation: int, answer: tuple[PatternLibrary, str, OutlineNode]) -> None:
        library, done, outline = answer
        self.progress.hide()
        self.rebuild_action.setEnabled(True)
        self.index_ready = True
        self._use_library(library, again=bool(done))  # done: a new generation was built
        if self.kb is None:
            self._set_kb(library.kb, outline)
        if done:
            self.messages.info(done, NOTE_MS)
        elif self.last_result is not None:  # came in while the index was checked: their count again
            self._show_result_count(self.last_result)
        else:
            self.messages.info(f"{len(self.kb.entries)} entries ready", NOTE_MS)

    @Slot(int, object)
    def _on_index_job_failed(self, _generation: int, exc: Exception) -> None:
        message = str(exc) or exc.__class__.__name__
        self.progress.hide()
        self.rebuild_action.setEnabled(True)
        self.index_problem = message
        if isinstance(exc, StoreError) and self.kb is None:
            # Without a KB there is nothing to show: say why, in a dialog, not a traceback.
            kb_unusable_box(message, self).open()
        self.messages.error(f"Search index problem: {message}")

    def _set_kb(self, kb: KnowledgeBase, outline: OutlineNode) -> None:
        self.kb = kb
        self.tabs.set_kb(kb, outline)
        self.entry_tabs.retitle()  # tabs restored from the last run, named by their entries now
        self.filter_bar.fill(self.last_result, kb.sections)
        self.results_pane.refresh_overview(kb, self.theme.theme(), self.memory.recent_entries)
        waiting, self._pending_keys = self._pending_keys, None
        if waiting is not None and self.search_box.text() == waiting.search_text(()):  # not retyped since
            self.search_box.setText(waiting.search_text(self._guide_ids()))
            self.search_controller.run_now()
        if not self.navigator.set_kb(kb):  # no entry waited for the KB
            self._render_current()  # the welcome page

    @Slot()
    def _on_rebuild_action_triggered(self) -> None:
        self.start_index(rebuild=True)

    # --- what is asked at start or by another process ----------------------------------

    def ask(self, request: WindowRequest) -> bool:
        """Run the request's search, then open its entry (False: the KB has no such entry). Keys
        that name guides narrow the search once the KB, and so its guides, are known."""
        if request.query or request.keys:
            self._pending_keys = request if request.keys and self.kb is None else None
            self.search_box.setText(request.search_text(self._guide_ids()))
            self.search_controller.run_now()  # typed by nobody: nothing to wait for
        if request.open_id:
            self.auto_preview = False  # the entry asked for, not the top hit
            return self.open_entry(request.open_id)
        return True

    def handle_request(self, request: WindowRequest) -> None:
        """A request another `patternkb` handed over (app/instance.py): come to the front, then
        do it. (A window manager that prevents focus stealing may only mark the window urgent.)"""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        self.ask(request)

    def _guide_ids(self) -> list[str]:
        return [g.id for g in self.kb.manifest.guides] if self.kb is not None else []

    # --- searching ------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    @Slot(str)
    def _on_search_box_text_changed(self, text: str) -> None:
        self.search_controller.set_text(text)

    @Slot()
    def _on_filter_bar_changed(self) -> None:
        self.search_controller.set_options(SearchOptions(
            kind=self.filter_bar.kind(), section=self.filter_bar.section(),
            order="guide" if self.guide_order_action.isChecked() else "relevance"))

    @Slot()
    def _on_search_box_escaped(self) -> None:
        """Esc: the query is gone (the box cleared itself), and so are the filters."""
        self.filter_bar.reset()
        self.guide_order_action.setChecked(False)
        self._on_filter_bar_changed()

    @Slot(object)
    def _on_search_controller_results_ready(self, result: SearchResult | None) -> None:
        self.last_result = result
        self._terms = result.terms if result is not None else ()
        self.results_pane.show_result(result, self.kb, self.theme.theme(), self.memory.recent_searches,
                                      self.memory.recent_entries)
        if result is None:  # an empty box: the count of a search no longer shown would mislead
            self.messages.info(f"{len(self.kb.entries)} entries" if self.kb is not None else "")
            return
        if result.hits:
            self.tabs.setCurrentIndex(0)
            if self.auto_preview:
                # Paint the list first; the preview of the top hit follows (highlighting a long
                # entry must not delay the results).
                self.when_painted(partial(self.results_pane.select_top, result))
            else:
                self.auto_preview = True
        self._show_result_count(result)

    def _show_result_count(self, result: SearchResult) -> None:
        corrected = f" (showing “{result.corrected}”)" if result.correction_applied else ""
        self.messages.info(f"{result.total} results in {result.elapsed_ms:.0f} ms{corrected}")

    @Slot(str)
    def _on_search_controller_failed(self, message: str) -> None:
        self.messages.error(f"Search failed: {message}")

    def _show_overview(self) -> None:
        self.results_pane.show_overview(self.kb, self.theme.theme(), self.memory.recent_entries)

    @Slot(int)
    def _on_search_box_moved(self, step: int) -> None:
        self.results_pane.move(step)

    @Slot()
    def _on_search_box_return_pressed(self) -> None:
        self.results_pane.activate_current()
        self.memory.remember_search(self.search_box.text())

    # --- opening entries ------------------------------------------------------------------

    @Slot(object)
    def _on_results_pane_current_hit(self, hit) -> None:
        # The top hit's preview, or Up/Down in the results: rendered off the GUI thread.
        self.open_entry(hit.parent or hit.id, hit.anchor or hit.focus or "", background=True, preview=True)

    @Slot(object)
    def _on_results_pane_hit_activated(self, hit) -> None:
        self.open_entry(hit.parent or hit.id, hit.anchor or hit.focus or "")
        self.entry_view.setFocus()

    @Slot(str, str)
    def _on_entry_view_entry_requested(self, entry_id: str, anchor: str) -> None:
        self.open_entry(entry_id, anchor)

    def _title_of(self, entry_id: str) -> str | None:
        entry = self.kb.entry(entry_id) if self.kb is not None else None
        return entry.title if entry is not None else None

    # Which entry is shown is the navigator's (app/navigator.py); these are its names here too.

    def open_entry(self, entry_id: str, anchor: str = "", *, record: bool = True, background: bool = False,
                   preview: bool = False) -> bool:
        return self.navigator.open_entry(entry_id, anchor, record=record, background=background, preview=preview)

    @property
    def current_id(self) -> str | None:
        return self.navigator.current_id

    @property
    def entry_problem(self) -> str | None:
        return self.navigator.entry_problem

    @property
    def history(self) -> History:
        return self.navigator.history

    @Slot(str, str, bool, int)
    def _on_navigator_opened(self, entry_id: str, anchor: str, background: bool, scroll: int) -> None:
        self._render_current(anchor, background=background, scroll=None if scroll < 0 else scroll)
        title = self._title_of(entry_id)
        self.setWindowTitle(f"{title} — patternkb" if title else "patternkb")

    @Slot()
    def _on_navigator_cleared(self) -> None:
        self._render_current()
        self.setWindowTitle("patternkb")

    @Slot()
    def _on_bookmark_list_changed(self) -> None:
        self.navigator.update_actions()
        if self.current_id is not None:
            self._render_again()  # the ★ in the title

    @Slot(str, bool)
    def _on_navigator_bookmark_toggled(self, _entry_id: str, _starred: bool) -> None:
        self._render_again()

    def _render_again(self) -> None:
        """The entry shown, rendered again as it looks now (theme, line numbers, star), where it was."""
        self._render_current(scroll=self.entry_view.verticalScrollBar().value())

    def _render_current(self, anchor: str = "", *, background: bool = False, scroll: int | None = None) -> None:
        """Show the current entry again (or the welcome page before any), as it looks now."""
        if self.kb is None:
            return
        if self.current_id is None:  # nothing opened yet: what the KB holds and how to search it
            self.entry_pane.show_html(render_welcome(self.kb, self.theme.theme()))
            return
        self.entry_pane.show_entry(self.kb.entry(self.current_id), self.kb, self.library if self.index_ready else None,
                                   anchor, terms=self._terms, theme=self.theme.theme(),
                                   line_numbers=self.line_numbers_action.isChecked(),
                                   bookmarked=self.bookmarks_model.contains(self.current_id), background=background,
                                   scroll=scroll)

    @Slot(str, int)
    def _on_messages_shown(self, text: str, timeout_ms: int) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.memory.set_bytes("window/geometry", self.saveGeometry())
        self.memory.set_bytes("window/splitter", self.splitter.saveState())
        self.memory.tabs = self.entry_tabs.to_json()
        self.memory.sync()
        super().closeEvent(event)
