"""The Results tab: filters, a spelling suggestion, and the hits of the last search, or an
overview of the KB (recent entries, sections) while there are none."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QUrl, Signal, Slot
from PySide6.QtWidgets import QLabel, QListView, QStackedWidget, QTextBrowser, QVBoxLayout, QWidget

from patternkb.app.delegate import ResultDelegate
from patternkb.app.filter_bar import FilterBar
from patternkb.app.models import ResultsModel
from patternkb.app.render import render_overview
from patternkb.index.query import excerpt

if TYPE_CHECKING:
    from patternkb.app.render import Theme
    from patternkb.index.results import SearchHit, SearchResult
    from patternkb.kb.models import KnowledgeBase

TYPE_TO_SEARCH = "Type to search"
SEARCH_HINT = ("Words, an identifier (Arc&lt;Mutex&lt;T&gt;&gt;, fetch_with_retry), \"a phrase\", -word, "
               "or filters such as kind:snippet, crate:tokio.")
NO_RESULTS_HINT = "Try fewer words, another spelling, or browse the guide."


class ResultsPane(QWidget):
    """Shows a search result; says which hit the user moved to (`current_hit`), opened
    (`hit_activated`), or which entry an overview link names (`entry_requested`)."""

    current_hit = Signal(object)  # SearchHit: Up/Down or the top hit's preview
    hit_activated = Signal(object)  # SearchHit: Enter or a double click
    entry_requested = Signal(str, str)  # entry id, anchor
    correction_chosen = Signal(str)  # the suggested spelling, to search instead
    as_typed_chosen = Signal()  # a corrected search shown: the words as typed, to search instead

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.filter_bar = FilterBar()
        self.correction = QLabel()
        self.correction.setTextFormat(Qt.TextFormat.RichText)
        self.correction.linkActivated.connect(self._on_correction_link_activated)
        self.correction.hide()
        self.model = ResultsModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(ResultDelegate(self.view))
        # Rows differ: an entry takes four lines, a sub-hit inside it two.
        self.view.setUniformItemSizes(False)
        # Rows are elided to the list's width, never scrolled sideways.
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.selectionModel().currentChanged.connect(self._on_view_current_changed)
        self.view.activated.connect(self._on_view_activated)
        self.overview = QTextBrowser()
        self.overview.setOpenLinks(False)
        self.overview.anchorClicked.connect(self._on_overview_anchor_clicked)
        self.setFocusProxy(self.view)  # the Results tab, picked from the keyboard: its list
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.overview)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.correction)
        layout.addWidget(self.stack, 1)
        self.result: SearchResult | None = None
        self._overview_text = ("", "")  # heading and hint, shown again when the KB or theme changes

    def show_result(self, result: SearchResult | None, kb: KnowledgeBase | None, theme: Theme,
                    recent_searches: list[str], recent_entries: list[str]) -> None:
        """The hits of `result`, or the overview when it has none (None: the box is empty)."""
        self.result = result
        self.model.set_result(result)
        self.filter_bar.fill(result, kb.sections if kb is not None else ())
        if result is not None and result.correction_applied:
            self.correction.setText(f"Showing results for <b>{html.escape(result.corrected)}</b>. Search instead "
                                    f'for <a href="#as-typed">{html.escape(result.query)}</a>')
            self.correction.show()
        elif result is not None and result.corrected:
            self.correction.setText(f'Did you mean <a href="#">{html.escape(result.corrected)}</a>?')
            self.correction.show()
        else:
            self.correction.hide()
        if result is None:
            self.show_overview(kb, theme, recent_entries)
        elif not result.hits:
            hint = " ".join(f"{line}." for line in result.unknown_filters) or NO_RESULTS_HINT
            recent = ", ".join(excerpt(text, 40) for text in recent_searches[:5])
            if recent:
                hint += f" Recent searches: {recent}."
            self.show_overview(kb, theme, recent_entries, heading=f"No results for “{excerpt(result.query)}”",
                               hint=hint)
        else:
            self.stack.setCurrentWidget(self.view)

    def show_overview(self, kb: KnowledgeBase | None, theme: Theme, recent_entries: list[str], *,
                      heading: str = "", hint: str = "") -> None:
        self._overview_text = (heading, hint)
        self.overview.setHtml(render_overview(kb, theme, recent=recent_entries, heading=heading or TYPE_TO_SEARCH,
                                              hint=hint or SEARCH_HINT))
        self.stack.setCurrentWidget(self.overview)

    def refresh_overview(self, kb: KnowledgeBase | None, theme: Theme, recent_entries: list[str]) -> None:
        """The overview again (the KB loaded, the theme changed), if it is what is shown."""
        if self.stack.currentWidget() is self.overview:
            heading, hint = self._overview_text
            self.show_overview(kb, theme, recent_entries, heading=heading, hint=hint)

    def select_top(self, result: SearchResult) -> None:
        """Select the first hit, if `result` is still the one shown."""
        if self.result is result and self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, 0))

    def move(self, step: int) -> None:
        """Move the selection `step` rows, staying on the list."""
        rows = self.model.rowCount()
        if not rows:
            return
        row = self.view.currentIndex().row()
        row = min(max(row + step, 0), rows - 1) if row >= 0 else 0
        self.view.setCurrentIndex(self.model.index(row, 0))

    def activate_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self._on_view_activated(index)

    def _hit(self, index: QModelIndex) -> SearchHit | None:
        return self.model.hit(index.row())

    @Slot(QModelIndex, QModelIndex)
    def _on_view_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = self._hit(current)
        if hit is not None:
            self.current_hit.emit(hit)

    @Slot(QModelIndex)
    def _on_view_activated(self, index: QModelIndex) -> None:
        hit = self._hit(index)
        if hit is not None:
            self.hit_activated.emit(hit)

    @Slot(QUrl)
    def _on_overview_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == "entry" and url.path():
            self.entry_requested.emit(url.path(), url.fragment())

    @Slot(str)
    def _on_correction_link_activated(self, _link: str) -> None:
        if self.result is None or not self.result.corrected:
            return
        if self.result.correction_applied:
            self.as_typed_chosen.emit()
        else:
            self.correction_chosen.emit(self.result.corrected)
