"""How the window looks, as MainWindow's methods: the theme (one palette, pages rendered again),
the text size (kept at the reading position; Ctrl+0 the default) and line numbers."""

from __future__ import annotations

from PySide6.QtCore import Slot

from patternkb.app.messages import BRIEF_MS
from patternkb.app.theme import apply_palette


class LookMixin:
    """Mixed into MainWindow (app/window.py), whose `theme`, `memory`, `messages`, `entry_pane`,
    `results_pane`, `kb`, `font_size` and `_render_again` it uses."""

    @Slot()
    def _on_theme_action_triggered(self) -> None:
        self.memory.theme = self.theme.cycle()  # which calls _on_theme_changed
        self.messages.info(f"Theme: {self.theme.choice}", BRIEF_MS)

    @Slot()
    def _on_theme_changed(self) -> None:
        apply_palette(self.theme.theme())
        self._render_again()
        self.results_pane.refresh_overview(self.kb, self.theme.theme(), self.memory.recent_entries)

    def change_font_size(self, step: int) -> None:
        """Larger or smaller text (0: the default size), at the same place in the entry."""
        size = self.default_font_size if step == 0 else self.font_size + step
        self.font_size = min(max(size, 7), 32)
        self.memory.font_size = self.font_size
        self.entry_pane.set_font_size(self.font_size)

    @Slot(bool)
    def _on_line_numbers_action_toggled(self, checked: bool) -> None:
        self.memory.line_numbers = checked
        self._render_again()
