"""The window's colour theme: the user's choice (system, light, dark) and what the system is."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QPalette

from patternkb.app.render import DARK, LIGHT, THEMES, Theme

CHOICES = ("system", "light", "dark")  # the order the theme action cycles through


def next_choice(choice: str) -> str:
    """The choice after `choice`; an unknown one (an old settings file) goes to light."""
    if choice not in CHOICES:
        return "light"
    return CHOICES[(CHOICES.index(choice) + 1) % len(CHOICES)]


def system_is_dark() -> bool:
    """The system's colour scheme (Qt 6.5+) or, where it has none, its palette's lightness."""
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else Qt.ColorScheme.Unknown
    if scheme != Qt.ColorScheme.Unknown:
        return scheme == Qt.ColorScheme.Dark
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


class ThemeSetting(QObject):
    """The theme in use: `changed` fires when the user picks another one, or when the system's
    scheme changes while the choice is to follow it."""

    changed = Signal()

    def __init__(self, choice: str, parent: QObject | None = None):
        super().__init__(parent)
        self.choice = choice if choice in CHOICES else "system"
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):  # Qt 6.5+
            hints.colorSchemeChanged.connect(self._on_style_hints_color_scheme_changed)

    def theme(self) -> Theme:
        if self.choice in THEMES:
            return THEMES[self.choice]
        return DARK if system_is_dark() else LIGHT

    def cycle(self) -> str:
        self.choice = next_choice(self.choice)
        self.changed.emit()
        return self.choice

    @Slot()
    def _on_style_hints_color_scheme_changed(self) -> None:
        if self.choice == "system":
            self.changed.emit()
