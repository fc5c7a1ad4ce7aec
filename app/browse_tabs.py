"""The left-hand tabs: the results, the guide's outline (Browse) and the bookmarks; says which
entry the user picked in the outline or the bookmarks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Signal, Slot
from PySide6.QtWidgets import QListView, QTabWidget, QTreeView, QWidget

from patternkb.app.models import BookmarksModel, OutlineModel, OutlineNode
from patternkb.app.roles import Role

if TYPE_CHECKING:
    from patternkb.kb.models import KnowledgeBase


class BrowseTabs(QTabWidget):
    """`results` in the first tab; the outline and the bookmarks of the KB in the others, empty
    until `set_kb`."""

    entry_requested = Signal(str, str)  # entry id, anchor

    def __init__(self, results: QWidget, bookmarks: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.outline_model = OutlineModel(None, self)
        self.outline_view = QTreeView()
        self.outline_view.setHeaderHidden(True)
        self.outline_view.setModel(self.outline_model)
        self.outline_view.activated.connect(self._on_outline_view_activated)
        self.outline_view.clicked.connect(self._on_outline_view_activated)

        self.bookmarks_model = BookmarksModel(None, bookmarks, self)
        self.bookmarks_view = QListView()
        self.bookmarks_view.setModel(self.bookmarks_model)
        self.bookmarks_view.activated.connect(self._on_bookmarks_view_activated)
        self.bookmarks_view.clicked.connect(self._on_bookmarks_view_activated)

        self.addTab(results, "Results")
        self.addTab(self.outline_view, "Browse")
        self.addTab(self.bookmarks_view, "Bookmarks")

    def show_page(self, index: int) -> None:
        """The Results, Browse or Bookmarks tab, with the keyboard in its list."""
        self.setCurrentIndex(index)
        page = self.currentWidget()
        (page.focusProxy() or page).setFocus()

    def set_kb(self, kb: KnowledgeBase, outline: OutlineNode) -> None:
        """The KB, and its outline built already (models.build_outline, off this thread)."""
        self.outline_model.set_outline(outline)
        self.bookmarks_model.set_kb(kb)

    @Slot(QModelIndex)
    def _on_outline_view_activated(self, index: QModelIndex) -> None:
        entry_id = index.data(Role.Id)
        if entry_id:
            self.entry_requested.emit(entry_id, index.data(Role.Anchor) or "")

    @Slot(QModelIndex)
    def _on_bookmarks_view_activated(self, index: QModelIndex) -> None:
        entry_id = index.data(Role.Id)
        if entry_id:
            self.entry_requested.emit(entry_id, "")
