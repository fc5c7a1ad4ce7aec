"""The right-hand pane: where the entry sits in the guide, over the entry itself, which is
rendered on a pool thread when asked to (Markdown and Pygments take 20 ms and more)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QTabBar, QVBoxLayout, QWidget

from patternkb.app.entry_view import EntryView
from patternkb.app.find_bar import FindBar
from patternkb.app.jobs import Job, JobRunner
from patternkb.app.messages import NOTE_MS, Messages
from patternkb.app.render import render_entry
from patternkb.kb.slugs import snippet_anchor

if TYPE_CHECKING:
    from patternkb.app.render import EntryPage, Theme
    from patternkb.index.library import PatternLibrary
    from patternkb.kb.models import ChecklistItem, KnowledgeBase, Pattern


def where(entry: Pattern | ChecklistItem, anchor: str) -> str:
    """The entry's place in the guide, and the snippet the anchor names, if it names one."""
    parts = list(entry.path)
    if anchor and entry.kind != "checklist":
        snippet = next((sn.title for n, sn in enumerate(entry.snippets)
                        if snippet_anchor(entry.id, n, sn.title).endswith("#" + anchor)), None)
        if snippet:
            parts.append(snippet)
    return " › ".join(parts)


class EntryPane(QWidget):
    """Shows one entry at a time. Each request gets a generation number, so a slow rendering of
    an entry the user has already left is never shown over the newer one."""

    def __init__(self, messages: Messages, parent: QWidget | None = None):
        super().__init__(parent)
        self.messages = messages
        self.view = EntryView()
        self.view.message.connect(self._on_view_message)
        # Where the view is, always visible, even when it opened scrolled to a snippet.
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)  # a narrow window wraps the breadcrumb, never cuts it
        self.header.setContentsMargins(4, 2, 4, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.find_bar = FindBar(self.view)
        self.tab_bar = QTabBar()  # app/tabs.py gives it its tabs
        layout.addWidget(self.tab_bar)
        layout.addWidget(self.header)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.view, 1)
        self.generation = 0
        self._asked = ""  # the entry of the newest request
        self.shown_entry: Pattern | ChecklistItem | None = None
        self._jobs = JobRunner(self)

    def show_entry(self, entry: Pattern | ChecklistItem, kb: KnowledgeBase, library: PatternLibrary | None,
                   anchor: str = "", *, terms: tuple[str, ...], theme: Theme, line_numbers: bool, bookmarked: bool,
                   background: bool = False, scroll: int | None = None) -> None:
        """Show `entry`, with its related links from `library` (none without one), scrolled to
        `scroll` or else to `anchor`; with `background`, rendered on a pool thread so that browsing results with
        the keys never holds up the event loop."""
        related: list[dict] = []
        checklist: list[str] = []
        if library is not None:
            try:
                linked = library.entry(entry.id)
                related = linked.related
                checklist = linked.checklist if entry.kind != "checklist" else linked.illustrated_by
            except Exception as exc:  # an index problem must not stop the entry from showing
                self.messages.warning(f"Related links unavailable: {exc}")
        render = partial(render_entry, entry, kb, related=related, checklist=checklist, terms=terms, theme=theme,
                         line_numbers=line_numbers, bookmarked=bookmarked)
        self.show_page(entry, render, anchor, background=background, scroll=scroll)

    def show_page(self, entry: Pattern | ChecklistItem, render: Callable[[], EntryPage], anchor: str = "", *,
                  background: bool = False, scroll: int | None = None) -> None:
        """Show `render()`'s page for `entry` (on a pool thread with `background`)."""
        self.generation += 1
        self._asked = entry.id
        if not background:
            try:
                page = render()
            except Exception as exc:  # told in the status bar, as a background failure is
                self._on_job_failed(self.generation, exc)
                return
            self._show(page, entry, anchor, scroll)
            return
        job = Job(lambda _job: (render(), entry, anchor, scroll), self.generation, name=f"rendering {entry.id}")
        job.signals.finished.connect(self._on_job_finished)
        job.signals.failed.connect(self._on_job_failed)
        self._jobs.start(job)

    def show_html(self, html: str) -> None:
        """A page that is no entry (the welcome page); any rendering under way is dropped."""
        self.generation += 1
        self.view.page = None
        self.shown_entry = None
        self.view.setHtml(html)
        self.header.clear()


    def set_font_size(self, size: int) -> None:
        """Text of `size` points, with the line at the top of the view still at the top."""
        reading = self.view.reading_position()
        font = self.view.font()
        font.setPointSize(size)
        self.view.setFont(font)
        self.view.document().setDefaultFont(font)
        self.view.scroll_to_position(reading)

    @Slot(int, object)
    def _on_job_finished(self, generation: int, done: tuple) -> None:
        if generation == self.generation:  # otherwise another entry was asked for meanwhile
            self._show(*done)

    @Slot(int, object)
    def _on_job_failed(self, generation: int, exc: Exception) -> None:
        if generation == self.generation:
            self.messages.error(f"Cannot show {self._asked}: {exc}")

    def _show(self, page: EntryPage, entry: Pattern | ChecklistItem, anchor: str, scroll: int | None = None) -> None:
        self.view.show_page(page, anchor or None, scroll)
        self.shown_entry = entry
        if self.find_bar.isVisible():  # the matches of the page shown now
            self.find_bar.refresh()
        self.header.setText(where(entry, anchor))

    @Slot(str)
    def _on_view_message(self, text: str) -> None:
        self.messages.info(text, NOTE_MS)
