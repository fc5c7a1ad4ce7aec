"""The theme choice (app/theme.py)."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from patternkb.app.render import DARK, LIGHT
from patternkb.app.theme import CHOICES, ThemeSetting, next_choice, system_is_dark


def test_the_choices_cycle_and_an_unknown_one_goes_to_light():
    assert [next_choice(c) for c in CHOICES] == ["light", "dark", "system"]
    assert next_choice("solarized") == "light"


def test_a_fixed_choice_is_its_theme_and_system_follows_the_system(qtbot):
    setting = ThemeSetting("dark")
    assert setting.theme() is DARK
    with qtbot.waitSignal(setting.changed, timeout=1000):
        assert setting.cycle() == "system"
    assert setting.theme() is (DARK if system_is_dark() else LIGHT)
    assert ThemeSetting("solarized").choice == "system"  # an old settings file


def test_the_system_scheme_decides_when_it_is_known(qapp):
    hints = QGuiApplication.styleHints()
    if not hasattr(hints, "setColorScheme"):  # Qt < 6.8 cannot set it
        return
    try:
        hints.setColorScheme(Qt.ColorScheme.Dark)
        if hints.colorScheme() == Qt.ColorScheme.Dark:  # platforms that honour the request
            assert system_is_dark()
    finally:
        hints.unsetColorScheme()
