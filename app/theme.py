"""The window's colour theme: the user's choice (system, light, dark), what the system is, and the
one palette that paints the whole window in the theme's colours."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from patternkb.app.render import DARK, LIGHT, THEMES, Theme

CHOICES = ("system", "light", "dark")  # the order the theme action cycles through


def next_choice(choice: str) -> str:
    """The choice after `choice`; an unknown one (an old settings file) goes to light."""
    if choice not in CHOICES:
        return "light"
    return CHOICES[(CHOICES.index(choice) + 1) % len(CHOICES)]


_SYSTEM_PALETTE_DARK: list[bool] = []  # the system's palette, seen before ours replaced it


def system_is_dark() -> bool:
    """The system's colour scheme (Qt 6.5+) or, where it has none, its palette's lightness (the
    palette the system gave, not the one `apply_palette` set since)."""
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else Qt.ColorScheme.Unknown
    if scheme != Qt.ColorScheme.Unknown:
        return scheme == Qt.ColorScheme.Dark
    if not _SYSTEM_PALETTE_DARK:
        _SYSTEM_PALETTE_DARK.append(QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128)
    return _SYSTEM_PALETTE_DARK[0]


def palette(theme: Theme) -> QPalette:
    """The palette of `theme`: lists, the search box, toolbar, tabs, menus and both browsers."""
    roles = QPalette.ColorRole
    colours = {
        roles.Window: theme.window, roles.WindowText: theme.text, roles.Base: theme.background,
        roles.AlternateBase: theme.code_background, roles.Text: theme.text, roles.Button: theme.window,
        roles.ButtonText: theme.text, roles.BrightText: theme.text, roles.Highlight: theme.highlight,
        roles.HighlightedText: theme.highlighted_text, roles.Link: theme.link, roles.LinkVisited: theme.link,
        roles.ToolTipBase: theme.badge, roles.ToolTipText: theme.text, roles.PlaceholderText: theme.muted,
        roles.Light: theme.badge, roles.Midlight: theme.badge, roles.Mid: theme.code_border,
        roles.Dark: theme.code_border, roles.Shadow: theme.code_border,
    }
    made = QPalette()
    for role, colour in colours.items():
        made.setColor(role, QColor(colour))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):  # disabled: muted, still readable
        made.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.muted))
    return made


def apply_palette(theme: Theme) -> None:
    """Paint the whole application in `theme` (its style must honour palettes: Fusion does)."""
    system_is_dark()  # seen before it is replaced
    QApplication.setPalette(palette(theme))  # QApplication's: it reaches every widget


class ThemeSetting(QObject):
    """The theme in use: `changed` fires when the user picks another one, or when the system's
    scheme changes while the choice is to follow it."""

    changed = Signal()

    def __init__(self, choice: str, parent: QObject | None = None):
        super().__init__(parent)
        system_is_dark()  # the system's palette, before the window's replaces it
        self.choice = choice if choice in CHOICES else "system"
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):  # Qt 6.5+
            hints.colorSchemeChanged.connect(self._on_style_hints_color_scheme_changed)

    def theme(self) -> Theme:
        if self.choice in THEMES:
            return THEMES[self.choice]
        return DARK if system_is_dark() else LIGHT

    def choose(self, choice: str) -> None:
        """Use `choice` (one of CHOICES) from now on."""
        self.choice = choice if choice in CHOICES else "system"
        self.changed.emit()

    def cycle(self) -> str:
        self.choice = next_choice(self.choice)
        self.changed.emit()
        return self.choice

    @Slot()
    def _on_style_hints_color_scheme_changed(self) -> None:
        if self.choice == "system":
            self.changed.emit()
