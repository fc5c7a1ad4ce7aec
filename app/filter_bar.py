"""The filters above the results: kind and section, each value with its count in the last search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSizePolicy, QWidget

if TYPE_CHECKING:
    from patternkb.index.results import SearchResult
    from patternkb.kb.models import Section

KINDS = ("pattern", "overview", "snippet", "checklist")


class FilterBar(QWidget):
    """Two combo boxes. `changed` fires when the user picks a value; filling them after a search
    offers the values it found, and keeps what was picked (a kind or section the search no longer
    finds stays, with a count of 0)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind_box = QComboBox()
        self.kind_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # Never narrower than its longest label: a narrow window shortens the section box instead.
        self.kind_box.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.section_box = QComboBox()
        self.section_box.setMinimumContentsLength(10)
        self.section_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind_box.activated.connect(self._on_box_activated)
        self.section_box.activated.connect(self._on_box_activated)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind_box)
        layout.addWidget(self.section_box, 1)
        self.fill(None, ())

    def reset(self) -> None:
        """All kinds, all sections (Esc)."""
        self.kind_box.setCurrentIndex(0)
        self.section_box.setCurrentIndex(0)

    def kind(self) -> str | None:
        return self.kind_box.currentData()

    def section(self) -> str | None:
        return self.section_box.currentData()

    def fill(self, result: SearchResult | None, sections: tuple[Section, ...] | list[Section]) -> None:
        """The values, with the counts of `result` (none without one); `sections` is empty until
        the KB has loaded."""
        facets = result.facets if result else {"section": {}, "kind": {}}
        kind, section = self.kind(), self.section()
        counted = result is not None
        self.kind_box.clear()
        self.kind_box.addItem(f"All kinds ({result.all_kinds})" if counted else "All kinds", None)
        for name in KINDS:  # as sections: a kind the search did not find is not offered, unless picked
            label, count = f"{name.title()}s", facets["kind"].get(name, 0)
            if not counted or count or name == kind:
                self.kind_box.addItem(f"{label} ({count})" if counted else label, name)
        self.section_box.clear()
        self.section_box.addItem(f"All sections ({result.all_sections})" if counted else "All sections",
                                 None)
        for s in sections:
            count = facets["section"].get(s.id, 0)
            if not counted or count or s.id == section:
                self.section_box.addItem(f"{s.title} ({count})" if counted else s.title, s.id)
        self.kind_box.setCurrentIndex(max(self.kind_box.findData(kind), 0))
        self.section_box.setCurrentIndex(max(self.section_box.findData(section), 0))

    @Slot(int)
    def _on_box_activated(self, _index: int) -> None:
        self.changed.emit()
