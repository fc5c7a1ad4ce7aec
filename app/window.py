"""The main window: search box, results and outline on the left, the entry on the right."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from functools import cache, partial
from typing import TYPE_CHECKING

from PySide6 import QtCore  # QtCore.Qt, looked up only after the first frame: see app/roles.py
from PySide6.QtCore import QModelIndex, QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QListView, QMainWindow, QProgressBar, QSplitter, QStackedWidget,
    QTabWidget, QTextBrowser, QToolBar, QTreeView, QVBoxLayout, QWidget,
)

from patternkb.app.delegate import ResultDelegate
from patternkb.app.entry_view import EntryView
from patternkb.app.first_search import FirstSearch
from patternkb.app.models import BookmarksModel, OutlineModel, ResultsModel
from patternkb.app.render import DARK, LIGHT, THEMES, EntryPage, render_entry, render_overview, render_welcome
from patternkb.app.requests import WindowRequest
from patternkb.app.roles import Role
from patternkb.app.search import IndexJob, SearchController, SearchOptions
from patternkb.app.settings import Memory
from patternkb.index.query import excerpt
from patternkb.index.results import SearchResult
from patternkb.kb.slugs import snippet_anchor

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QMessageBox

    from patternkb.index.engine import PatternIndex
    from patternkb.kb.models import KnowledgeBase

log = logging.getLogger(__name__)

FIRST_FRAME_WAIT_MS = 250  # background work waits this long at most for the first paint


class History:
    """Back and forward over (entry id, anchor) places."""

    def __init__(self):
        self.back: list[tuple[str, str]] = []
        self.forward: list[tuple[str, str]] = []
        self.current: tuple[str, str] | None = None

    def visit(self, place: tuple[str, str]) -> None:
        if self.current is not None and place != self.current:
            self.back.append(self.current)
            self.forward.clear()
        self.current = place

    def go_back(self) -> tuple[str, str] | None:
        if not self.back:
            return None
        if self.current is not None:
            self.forward.append(self.current)
        self.current = self.back.pop()
        return self.current

    def go_forward(self) -> tuple[str, str] | None:
        if not self.forward:
            return None
        if self.current is not None:
            self.back.append(self.current)
        self.current = self.forward.pop()
        return self.current


class SearchBox(QLineEdit):
    """The search box: Up, Down, Page Up and Page Down move through the results without leaving
    it, Esc clears it. An override, not an event filter: only key presses come through Python."""

    moved = Signal(int)  # rows to move the selection by

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        step = _selection_steps().get(event.key())
        if step:
            self.moved.emit(step)
        elif event.key() == QtCore.Qt.Key.Key_Escape:
            self.clear()
        else:
            super().keyPressEvent(event)


@cache
def _selection_steps() -> dict[int, int]:
    # Built on the first key press, not at import: see app/roles.py on the `Qt` namespace.
    key = QtCore.Qt.Key
    return {key.Key_Down: 1, key.Key_Up: -1, key.Key_PageDown: 8, key.Key_PageUp: -8}


class _RenderSignals(QObject):
    finished = Signal(int, object)  # generation, (EntryPage or None, entry, anchor)


class _RenderJob(QRunnable):
    """Makes an entry's HTML on a pool thread; it never touches a widget."""

    def __init__(self, generation: int, render: Callable[[], EntryPage], entry, anchor: str):
        super().__init__()
        self.generation, self.render, self.entry, self.anchor = generation, render, entry, anchor
        self.signals = _RenderSignals()

    def run(self) -> None:
        try:
            page = self.render()
        except Exception:  # reported in the status bar, never a traceback dialog
            log.exception("rendering %s failed", self.entry.id)
            page = None
        self.signals.finished.emit(self.generation, (page, self.entry, self.anchor))


class _Central(QWidget):
    """The window's central widget, which reports its first paint. An override, not an event
    filter: a filter gets each event as a QEvent, and PySide6 builds the Python types of all 50
    of QEvent's subclasses (several ms of the first frame) to find the one it is."""

    def __init__(self, on_first_paint: Callable[[], None]):
        super().__init__()
        self._on_first_paint: Callable[[], None] | None = on_first_paint

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if self._on_first_paint is not None:
            report, self._on_first_paint = self._on_first_paint, None
            report()


def kb_unusable_box(message: str, parent: QWidget | None = None) -> QMessageBox:
    from PySide6.QtWidgets import QMessageBox  # rarely needed: not at start

    return QMessageBox(QMessageBox.Icon.Critical, "patternkb", f"The knowledge base cannot be opened.\n\n{message}"
                       "\n\nRun `patternkb build` to rebuild it.", parent=parent)


class MainWindow(QMainWindow):
    """The window. It paints with Qt alone: `open_engine` (which imports Whoosh) runs in the
    background index job, and the KB (pydantic) loads there too, so `engine` and `kb` are None
    until the job reports them."""

    def __init__(self, open_engine: Callable[[], PatternIndex], memory: Memory | None = None, *,
                 first_search: FirstSearch | None = None):
        super().__init__()
        self._open_engine = open_engine
        self.engine: PatternIndex | None = None
        self.kb: KnowledgeBase | None = None
        self._pending: tuple[str, str] | None = None  # an entry asked for before the KB loaded
        self._pending_keys: WindowRequest | None = None  # a search whose keys wait for the KB's guides
        self._render_generation = 0  # the newest entry asked for: older renderings are dropped
        self.memory = memory or Memory()
        self.history = History()
        self.index_ready = False
        self.index_problem: str | None = None  # why the last index job failed, until the next
        self.last_result: SearchResult | None = None
        self.current_id: str | None = None
        self.entry_problem: str | None = None  # why the last entry asked for could not be opened
        self.auto_preview = True  # show the top hit as results arrive (off when an entry is pinned)
        self._terms: tuple[str, ...] = ()
        self._overview_text = ("", "")  # the overview's heading and hint, shown again on a theme change
        self._after_first_frame: list[Callable[[], None]] | None = []  # None once painted
        self.setWindowTitle("patternkb")
        self._build_widgets()
        self._build_actions()
        self._restore()
        self.search_controller = SearchController(None, self, first_search=first_search)
        self.search_controller.results_ready.connect(self._on_search_results_ready)
        self.search_controller.failed.connect(self._on_search_failed)
        self._show_overview()
        self.search_box.setFocus()

    # --- construction ---------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.search_box = SearchBox()
        self.search_box.setPlaceholderText("Search patterns, code, identifiers…   (Ctrl+K)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._on_search_box_text_changed)
        self.search_box.returnPressed.connect(self._on_search_box_return_pressed)
        self.search_box.moved.connect(self._on_search_box_moved)

        self.kind_filter = QComboBox()
        self.kind_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.section_filter = QComboBox()
        self.section_filter.setMinimumContentsLength(14)
        self.section_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind_filter.activated.connect(self._on_filter_activated)
        self.section_filter.activated.connect(self._on_filter_activated)
        self._fill_filters(None)

        self.correction = QLabel()  # rich text: see _finish_widgets()
        self.correction.linkActivated.connect(self._on_correction_link_activated)
        self.correction.hide()

        self.results_model = ResultsModel(self)
        self.results_view = QListView()
        self.results_view.setModel(self.results_model)
        self.results_view.setItemDelegate(ResultDelegate(self.results_view))
        self.results_view.setUniformItemSizes(True)
        self.results_view.selectionModel().currentChanged.connect(self._on_results_current_changed)
        self.results_view.activated.connect(self._on_results_activated)

        self.overview = QTextBrowser()
        self.overview.setOpenLinks(False)
        self.overview.anchorClicked.connect(self._on_overview_anchor_clicked)
        self.results_stack = QStackedWidget()
        self.results_stack.addWidget(self.results_view)
        self.results_stack.addWidget(self.overview)

        results_page = QWidget()
        layout = QVBoxLayout(results_page)
        layout.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.section_filter, 1)
        layout.addLayout(filters)
        layout.addWidget(self.correction)
        layout.addWidget(self.results_stack, 1)

        self.outline_model = OutlineModel(None, self)
        self.outline_view = QTreeView()
        self.outline_view.setHeaderHidden(True)
        self.outline_view.setModel(self.outline_model)
        self.outline_view.activated.connect(self._on_outline_activated)
        self.outline_view.clicked.connect(self._on_outline_activated)

        self.bookmarks_model = BookmarksModel(None, self.memory.bookmarks, self)
        self.bookmarks_view = QListView()
        self.bookmarks_view.setModel(self.bookmarks_model)
        self.bookmarks_view.activated.connect(self._on_bookmarks_activated)
        self.bookmarks_view.clicked.connect(self._on_bookmarks_activated)

        self.tabs = QTabWidget()
        self.tabs.addTab(results_page, "Results")
        self.tabs.addTab(self.outline_view, "Browse")
        self.tabs.addTab(self.bookmarks_view, "Bookmarks")

        self.entry_view = EntryView()
        self.entry_view.entry_requested.connect(self._on_entry_view_entry_requested)
        self.entry_view.message.connect(self._on_message)
        self.entry_view.history_requested.connect(self._on_entry_view_history_requested)

        # Where the view is, always visible, even when it opened scrolled to a snippet.
        self.entry_header = QLabel()  # plain text: see _finish_widgets()
        self.entry_header.setContentsMargins(4, 2, 4, 2)
        entry_pane = QWidget()
        entry_layout = QVBoxLayout(entry_pane)
        entry_layout.setContentsMargins(0, 0, 0, 0)
        entry_layout.setSpacing(2)
        entry_layout.addWidget(self.entry_header)
        entry_layout.addWidget(self.entry_view, 1)

        self.splitter = QSplitter()  # horizontal
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(entry_pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 880])

        central = _Central(self._on_central_painted)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(6, 6, 6, 0)
        outer.addWidget(self.search_box)
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        # A window never painted (not shown, or minimized) runs that work all the same, later.
        QTimer.singleShot(FIRST_FRAME_WAIT_MS, self._on_first_frame_painted)
        self.when_painted(self._finish_widgets)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)

    def _finish_widgets(self) -> None:
        """What the first frame does without: each of these settings takes a member of the `Qt`
        namespace, and PySide6 builds all 1,100 of them (15 ms) on first use (app/roles.py)."""
        self.correction.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.entry_header.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        # The first frame has none to show unless the list is narrower than a row's size hint
        # (200 px): rows are elided to the list's width, never scrolled sideways.
        self.results_view.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):  # Qt 6.5+
            hints.colorSchemeChanged.connect(self._on_style_hints_color_scheme_changed)
            if self.theme_choice not in THEMES and self._system_is_dark() != self._palette_is_dark():
                self._apply_theme()  # the palette alone said otherwise at start

    def _action(self, text: str, *keys: str, checkable: bool = False) -> QAction:
        action = QAction(text, self, checkable=checkable)
        # setShortcuts, not setShortcut or shortcut=: PySide6 resolves those overloads with the
        # `Qt` namespace's key enums, which the first frame does without (app/roles.py).
        action.setShortcuts([QKeySequence(k) for k in keys])
        return action

    def _build_actions(self) -> None:
        toolbar = QToolBar("Navigation")
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        self.back_action = self._action("◀ Back", "Alt+Left")
        self.back_action.triggered.connect(self._on_back_action_triggered)
        self.forward_action = self._action("Forward ▶", "Alt+Right")
        self.forward_action.triggered.connect(self._on_forward_action_triggered)
        self.back_action.setEnabled(False)  # no history yet
        self.forward_action.setEnabled(False)
        self.bookmark_action = self._action("☆ Bookmark", "Ctrl+D", checkable=True)
        self.bookmark_action.triggered.connect(self._on_bookmark_action_triggered)
        self.theme_action = self._action("◐ Theme", "Ctrl+Shift+T")
        self.theme_action.triggered.connect(self._on_theme_action_triggered)
        self.guide_order_action = QAction("Guide order", self, checkable=True)
        self.guide_order_action.setToolTip("Order results as in the guide instead of by relevance")
        self.guide_order_action.toggled.connect(self._on_filter_activated)
        for action in (self.back_action, self.forward_action, self.bookmark_action, self.theme_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.guide_order_action)

        file_menu = self.menuBar().addMenu("&File")
        self.rebuild_action = file_menu.addAction("Rebuild index")
        self.rebuild_action.triggered.connect(self._on_rebuild_action_triggered)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("Quit")
        quit_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        view_menu = self.menuBar().addMenu("&View")
        self.line_numbers_action = view_menu.addAction("Line numbers")
        self.line_numbers_action.setCheckable(True)
        self.line_numbers_action.setChecked(self.memory.line_numbers)
        self.line_numbers_action.toggled.connect(self._on_line_numbers_action_toggled)
        bigger = view_menu.addAction("Larger text")
        bigger.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        bigger.triggered.connect(lambda: self.change_font_size(+1))
        smaller = view_menu.addAction("Smaller text")
        smaller.setShortcuts([QKeySequence("Ctrl+-")])
        smaller.triggered.connect(lambda: self.change_font_size(-1))
        view_menu.addAction(self.theme_action)
        go_menu = self.menuBar().addMenu("&Go")
        go_menu.addAction(self.back_action)
        go_menu.addAction(self.forward_action)
        go_menu.addAction(self.bookmark_action)

        for keys in ("Ctrl+K", "Ctrl+L", "/"):
            QShortcut(QKeySequence(keys), self, activated=self.focus_search)

    def _restore(self) -> None:
        geometry = self.memory.bytes("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        sizes = self.memory.bytes("window/splitter")
        if sizes is not None:
            self.splitter.restoreState(sizes)
        self.font_size = self.memory.font_size or self.entry_view.font().pointSize() or 11
        self._apply_font_size()
        self.theme_choice = self.memory.theme
        self._apply_theme()

    # --- engine and index -----------------------------------------------------------------

    def start_index(self, *, rebuild: bool = False) -> None:
        """Open the engine, check (or rebuild) the index and load the KB, in the background."""
        engine = self.engine
        job = IndexJob((lambda: engine) if engine is not None else self._open_engine, rebuild=rebuild)
        job.signals.searchable.connect(self._on_index_searchable)
        job.signals.progress.connect(self._on_index_progress)
        job.signals.finished.connect(self._on_index_finished)
        job.signals.failed.connect(self._on_index_failed)
        self._index_job = job
        self.rebuild_action.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.statusBar().showMessage("Checking the search index…")
        self.index_problem = None
        QThreadPool.globalInstance().start(job)

    @Slot(object)
    def _on_index_searchable(self, engine: PatternIndex) -> None:
        self._use_engine(engine)

    def _use_engine(self, engine: PatternIndex, *, again: bool = False) -> None:
        """Search with `engine` from now on (`again`: the index was rebuilt, so the results shown
        came from the one it replaced)."""
        if self.search_controller.engine is engine and not again:
            return
        self.engine = engine
        self.search_controller.set_engine(engine, again=again)

    @Slot(int, int)
    def _on_index_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.statusBar().showMessage(f"Building the search index… {done}/{total}")

    @Slot(object, str)
    def _on_index_finished(self, engine: PatternIndex, done: str) -> None:
        self.progress.hide()
        self.rebuild_action.setEnabled(True)
        self.index_ready = True
        self._use_engine(engine, again=bool(done))  # done: a new generation was built
        if self.kb is None:
            self._set_kb(engine.kb)
        if done:
            self.statusBar().showMessage(done, 5000)
        elif self.last_result is not None:  # came in while the index was checked: their count again
            self._show_result_count(self.last_result)
        else:
            self.statusBar().showMessage(f"{len(self.kb.entries)} entries ready", 5000)

    def _set_kb(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.outline_model.set_kb(kb)
        self.bookmarks_model.set_kb(kb)
        self._fill_filters(self.last_result)
        if self.results_stack.currentWidget() is self.overview:
            self._show_overview(*self._overview_text)
        waiting, self._pending_keys = self._pending_keys, None
        if waiting is not None and self.search_box.text() == waiting.search_text(()):  # not retyped since
            self.search_box.setText(waiting.search_text(self._guide_ids()))
            self.search_controller.run_now()
        if self._pending is not None:
            entry_id, anchor = self._pending
            self._pending = None
            self.open_entry(entry_id, anchor)
        else:
            self._render_current()  # the welcome page

    @Slot(str, bool)
    def _on_index_failed(self, message: str, kb_unreadable: bool) -> None:
        self.progress.hide()
        self.rebuild_action.setEnabled(True)
        self.index_problem = message
        if kb_unreadable and self.kb is None:
            # Without a KB there is nothing to show: say why, in a dialog, not a traceback.
            kb_unusable_box(message, self).open()
        self.statusBar().showMessage(f"Search index problem: {message}")

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

    def _options(self) -> SearchOptions:
        return SearchOptions(kind=self.kind_filter.currentData(), section=self.section_filter.currentData(),
                             order="guide" if self.guide_order_action.isChecked() else "relevance")

    @Slot()
    def _on_filter_activated(self, *_args) -> None:
        self.search_controller.set_options(self._options())

    @Slot(object)
    def _on_search_results_ready(self, result: SearchResult | None) -> None:
        self.last_result = result
        self.results_model.set_result(result)
        self._fill_filters(result)
        if result is None:
            self.correction.hide()
            self._terms = ()
            self._show_overview()
            return
        self._terms = result.terms
        if result.corrected:
            self.correction.setText(f'Did you mean <a href="#">{html.escape(result.corrected)}</a>?')
            self.correction.show()
        else:
            self.correction.hide()
        if not result.hits:
            hint = " ".join(f"{line}." for line in result.unknown_filters) or \
                "Try fewer words, another spelling, or browse the guide."
            recent = ", ".join(excerpt(text, 40) for text in self.memory.recent_searches[:5])
            if recent:
                hint += f" Recent searches: {recent}."
            self._show_overview(heading=f"No results for “{excerpt(result.query)}”", hint=hint)
        else:
            self.results_stack.setCurrentWidget(self.results_view)
            self.tabs.setCurrentIndex(0)
            if self.auto_preview:
                # Paint the list first; the preview of the top hit follows (highlighting a long
                # entry must not delay the results).
                self.when_painted(lambda r=result: self._preview_top(r))
            else:
                self.auto_preview = True
        self._show_result_count(result)

    def _show_result_count(self, result: SearchResult) -> None:
        corrected = f" (showing “{result.corrected}”)" if result.corrected else ""
        self.statusBar().showMessage(f"{result.total} results in {result.elapsed_ms:.0f} ms{corrected}")

    def _preview_top(self, result: SearchResult) -> None:
        if self.last_result is result and self.results_model.rowCount():
            self.results_view.setCurrentIndex(self.results_model.index(0, 0))

    @Slot(str)
    def _on_search_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"Search failed: {message}")

    @Slot(str)
    def _on_correction_link_activated(self, _link: str) -> None:
        if self.last_result and self.last_result.corrected:
            self.search_box.setText(self.last_result.corrected)

    def _fill_filters(self, result: SearchResult | None) -> None:
        facets = result.facets if result else {"section": {}, "kind": {}}
        kind, section = self.kind_filter.currentData(), self.section_filter.currentData()
        self.kind_filter.clear()
        self.kind_filter.addItem(f"All kinds ({sum(facets['kind'].values())})" if result else "All kinds", None)
        for name in ("pattern", "snippet", "checklist"):
            self.kind_filter.addItem(f"{name.title()}s ({facets['kind'].get(name, 0)})" if result else f"{name.title()}s",
                                     name)
        self.section_filter.clear()
        self.section_filter.addItem(f"All sections ({sum(facets['section'].values())})" if result else "All sections",
                                    None)
        for s in self.kb.sections if self.kb is not None else ():  # none until the KB loads
            count = facets["section"].get(s.id, 0)
            if result is None or count or s.id == section:
                self.section_filter.addItem(f"{s.title} ({count})" if result else s.title, s.id)
        self.kind_filter.setCurrentIndex(max(self.kind_filter.findData(kind), 0))
        self.section_filter.setCurrentIndex(max(self.section_filter.findData(section), 0))

    def _show_overview(self, heading: str = "", hint: str = "") -> None:
        self._overview_text = (heading, hint)
        theme = self._theme()
        self.overview.setHtml(render_overview(self.kb, theme, recent=self.memory.recent_entries,
                                              heading=heading or "Type to search", hint=hint or
                                              "Words, an identifier (Arc&lt;Mutex&lt;T&gt;&gt;, fetch_with_retry), "
                                              "\"a phrase\", -word, or filters such as kind:snippet, crate:tokio."))
        self.results_stack.setCurrentWidget(self.overview)

    def when_painted(self, work: Callable[[], None]) -> None:
        """Run `work` once the window's first frame is painted (at once if it is). Background
        jobs started earlier would take turns on the interpreter with that paint and delay it."""
        if self._after_first_frame is None:
            QTimer.singleShot(0, self, work)  # with the window as context: dropped if it is gone
        else:
            self._after_first_frame.append(work)

    def _on_first_frame_painted(self) -> None:
        if self._after_first_frame is None:
            return
        waiting, self._after_first_frame = self._after_first_frame, None
        for work in waiting:
            work()

    def _on_central_painted(self) -> None:
        # The central widget is painted first, its children after it in the same pass: a timer
        # set now fires once the pass is done, and one set by that timer after any timer a
        # child set during the pass (the startup benchmark's, for one).
        QTimer.singleShot(0, self, lambda: QTimer.singleShot(0, self, self._on_first_frame_painted))

    @Slot(int)
    def _on_search_box_moved(self, step: int) -> None:
        rows = self.results_model.rowCount()
        if not rows:
            return
        row = self.results_view.currentIndex().row()
        row = min(max(row + step, 0), rows - 1) if row >= 0 else 0
        self.results_view.setCurrentIndex(self.results_model.index(row, 0))

    @Slot()
    def _on_search_box_return_pressed(self) -> None:
        index = self.results_view.currentIndex()
        if index.isValid():
            self._on_results_activated(index)
        self.memory.remember_search(self.search_box.text())

    # --- opening entries ------------------------------------------------------------------

    @Slot(QModelIndex, QModelIndex)
    def _on_results_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = self.results_model.hit(current.row())
        if hit is not None:  # the top hit's preview, or Up/Down in the results: never a stall
            self.open_entry(hit.parent or hit.id, hit.anchor or "", record=True, background=True)

    @Slot(QModelIndex)
    def _on_results_activated(self, index: QModelIndex) -> None:
        hit = self.results_model.hit(index.row())
        if hit is not None:
            self.open_entry(hit.parent or hit.id, hit.anchor or "")
            self.entry_view.setFocus()

    @Slot(QModelIndex)
    def _on_outline_activated(self, index: QModelIndex) -> None:
        entry_id = index.data(Role.Id)
        if entry_id:
            self.open_entry(entry_id, index.data(Role.Anchor) or "")

    @Slot(QModelIndex)
    def _on_bookmarks_activated(self, index: QModelIndex) -> None:
        entry_id = index.data(Role.Id)
        if entry_id:
            self.open_entry(entry_id)

    @Slot("QUrl")  # by name: the type is built when a link is first clicked, not at start
    def _on_overview_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == "entry" and url.path():
            self.open_entry(url.path(), url.fragment())

    @Slot(str, str)
    def _on_entry_view_entry_requested(self, entry_id: str, anchor: str) -> None:
        self.open_entry(entry_id, anchor)

    def open_entry(self, entry_id: str, anchor: str = "", *, record: bool = True, background: bool = False) -> bool:
        """Show an entry; False (and a status bar message) when the KB has no such entry. Asked
        before the KB has loaded, the entry opens when it has."""
        if self.kb is None:
            self._pending = (entry_id, anchor)
            return True
        entry = self.kb.entry(entry_id)
        if entry is None:
            self.entry_problem = f"no entry {excerpt(entry_id)!r} in this KB"
            self.statusBar().showMessage(self.entry_problem[0].upper() + self.entry_problem[1:])
            return False
        self.entry_problem = None
        if record:
            self.history.visit((entry_id, anchor))
        self.current_id = entry_id
        self._render_current(anchor, background=background)
        self.memory.remember_entry(entry_id)
        self.bookmark_action.setChecked(self.bookmarks_model.contains(entry_id))
        self.back_action.setEnabled(bool(self.history.back))
        self.forward_action.setEnabled(bool(self.history.forward))
        return True

    def _render_current(self, anchor: str = "", *, background: bool = False) -> None:
        """Show the current entry. With `background`, the HTML (Markdown and Pygments: 20 ms and
        more for a long pattern) is made on a pool thread, so browsing results with the keys or
        the preview of the top hit while typing never holds up the event loop."""
        if self.kb is None:
            return
        if self.current_id is None:  # nothing opened yet: what the KB holds and how to search it
            self.entry_view.setHtml(render_welcome(self.kb, self._theme()))
            return
        entry = self.kb.entry(self.current_id)
        try:
            related = self.engine.related(entry.id) if self.index_ready else []
            checklist = (self.engine.checklist_for(entry.id) if entry.kind == "pattern"
                         else self.engine.illustrated_by(entry.id)) if self.index_ready else []
        except Exception as exc:  # an index problem must not stop the entry from showing
            self.statusBar().showMessage(f"Related links unavailable: {exc}")
            related, checklist = [], []
        self._render_generation += 1
        render = partial(render_entry, entry, self.kb, related=related, checklist=checklist, terms=self._terms,
                         theme=self._theme(), line_numbers=self.line_numbers_action.isChecked(),
                         bookmarked=self.bookmarks_model.contains(entry.id))
        if not background:
            self._show_page(self._render_generation, render(), entry, anchor)
            return
        job = _RenderJob(self._render_generation, render, entry, anchor)
        job.signals.finished.connect(self._on_render_job_finished)
        self._render_job = job  # keep its signals object alive until it reports
        QThreadPool.globalInstance().start(job)

    @Slot(int, object)
    def _on_render_job_finished(self, generation: int, done: tuple) -> None:
        self._show_page(generation, *done)

    def _show_page(self, generation: int, page: EntryPage | None, entry, anchor: str) -> None:
        if generation != self._render_generation:
            return  # another entry was asked for meanwhile
        if page is None:
            self.statusBar().showMessage(f"Cannot show {entry.id}")
            return
        self.entry_view.show_page(page, anchor or None)
        where = list(entry.path)
        if anchor and entry.kind == "pattern":
            snippet = next((sn.title for n, sn in enumerate(entry.snippets)
                            if snippet_anchor(entry.id, n, sn.title).endswith("#" + anchor)), None)
            if snippet:
                where.append(snippet)
        self.entry_header.setText(" › ".join(where))

    @Slot()
    def _on_back_action_triggered(self) -> None:
        place = self.history.go_back()
        if place:
            self.open_entry(*place, record=False)

    @Slot()
    def _on_forward_action_triggered(self) -> None:
        place = self.history.go_forward()
        if place:
            self.open_entry(*place, record=False)

    @Slot(int)
    def _on_entry_view_history_requested(self, step: int) -> None:
        (self.back_action if step < 0 else self.forward_action).trigger()

    @Slot()
    def _on_bookmark_action_triggered(self) -> None:
        if self.current_id is None:
            self.bookmark_action.setChecked(False)
            return
        starred = self.bookmarks_model.toggle(self.current_id)
        self.bookmark_action.setChecked(starred)
        # This one change, merged into what is saved: other windows may have changed the rest.
        if starred:
            self.memory.add_bookmark(self.current_id)
        else:
            self.memory.remove_bookmark(self.current_id)
        self.statusBar().showMessage("Bookmarked" if starred else "Bookmark removed", 3000)
        self._render_current()

    # --- look -----------------------------------------------------------------------------

    @staticmethod
    def _palette_is_dark() -> bool:
        return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128

    def _system_is_dark(self) -> bool:
        """The system's colour scheme (Qt 6.5+) or, failing that, its palette. Before the first
        frame, the palette alone: the scheme is a `Qt` enum member (see _finish_widgets). Where
        the two disagree (Windows in dark mode with PySide6 6.6's light windowsvista style), the
        first frame is light and the entry pane turns dark just after it."""
        if self._after_first_frame is None:
            scheme = getattr(QGuiApplication.styleHints(), "colorScheme", None)
            if scheme is not None and scheme() == QtCore.Qt.ColorScheme.Dark:
                return True
        return self._palette_is_dark()

    def _theme(self):
        if self.theme_choice in THEMES:
            return THEMES[self.theme_choice]
        return DARK if self._system_is_dark() else LIGHT

    def _apply_theme(self) -> None:
        theme = self._theme()
        self.entry_view.setStyleSheet(f"QTextBrowser {{ background-color: {theme.background}; color: {theme.text}; }}")
        self._render_current()
        if self.results_stack.currentWidget() is self.overview:
            self._show_overview(*self._overview_text)

    @Slot()
    def _on_style_hints_color_scheme_changed(self) -> None:
        if self.theme_choice not in THEMES:  # following the system
            self._apply_theme()

    @Slot()
    def _on_theme_action_triggered(self) -> None:
        order = ["system", "light", "dark"]
        self.theme_choice = order[(order.index(self.theme_choice) + 1) % 3] if self.theme_choice in order else "light"
        self.memory.theme = self.theme_choice
        self._apply_theme()
        self.statusBar().showMessage(f"Theme: {self.theme_choice}", 3000)

    def change_font_size(self, step: int) -> None:
        self.font_size = min(max(self.font_size + step, 7), 32)
        self.memory.font_size = self.font_size
        self._apply_font_size()

    def _apply_font_size(self) -> None:
        font = self.entry_view.font()
        font.setPointSize(self.font_size)
        self.entry_view.setFont(font)
        self.entry_view.document().setDefaultFont(font)
        self._render_current()

    @Slot(bool)
    def _on_line_numbers_action_toggled(self, checked: bool) -> None:
        self.memory.line_numbers = checked
        self._render_current()

    @Slot(str)
    def _on_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 5000)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.memory.set_bytes("window/geometry", self.saveGeometry())
        self.memory.set_bytes("window/splitter", self.splitter.saveState())
        self.memory.sync()
        super().closeEvent(event)
