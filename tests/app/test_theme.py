"""The theme (app/theme.py): the choice, the palette, and every colour pair's contrast."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from patternkb.app.delegate import BADGE_COLORS, OTHER_BADGE_COLOR
from patternkb.app.render import DARK, LIGHT, render_overview
from patternkb.app.theme import CHOICES, ThemeSetting, apply_palette, next_choice, palette, system_is_dark


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


# --- contrast: WCAG 2 AA, 4.5:1 for normal text, computed from the theme's own colours --------

AA = 4.5


def _luminance(colour: str) -> float:
    rgb = QColor(colour)
    channels = [c / 255 for c in (rgb.red(), rgb.green(), rgb.blue())]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _pygments_colours(style_name: str) -> dict[str, str]:
    from pygments.styles import get_style_by_name
    from pygments.token import Error, Whitespace

    style = get_style_by_name(style_name)
    # Whitespace is never seen; a token with a background of its own is drawn on that one.
    return {str(token): "#" + spec["color"] for token, spec in style
            if spec["color"] and not spec["bgcolor"] and token not in Whitespace and token not in Error}


def _pairs(theme):
    """Every (what, text colour, background) the window draws with `theme`."""
    t = theme
    pairs = [(f"{name} on {ground}", getattr(t, name), getattr(t, ground))
             for name in ("text", "muted") for ground in ("background", "window", "code_background", "badge")]
    pairs += [("text on mark", t.text, t.mark), ("link on background", t.link, t.background),
              ("Copy link on badge", t.link, t.badge), ("link on window", t.link, t.window),
              ("selected row", t.highlighted_text, t.highlight)]
    pairs += [(f"code {token}", colour, t.code_background) for token, colour in _pygments_colours(t.pygments_style).items()]
    pairs += [(f"marked code {token}", colour, t.mark) for token, colour in _pygments_colours(t.pygments_style).items()]
    pairs += [(f"{kind} badge", "#ffffff", colour) for kind, colour in {**BADGE_COLORS, "other": OTHER_BADGE_COLOR}.items()]
    roles, groups = QPalette.ColorRole, QPalette.ColorGroup
    made = palette(theme)
    for group in (groups.Active, groups.Disabled):
        for text, ground in [(roles.WindowText, roles.Window), (roles.Text, roles.Base), (roles.ButtonText, roles.Button),
                             (roles.HighlightedText, roles.Highlight), (roles.PlaceholderText, roles.Base),
                             (roles.Link, roles.Base), (roles.ToolTipText, roles.ToolTipBase),
                             (roles.Text, roles.AlternateBase)]:
            pairs.append((f"palette {group.name} {text.name} on {ground.name}", made.color(group, text).name(),
                          made.color(group, ground).name()))
    return pairs


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_every_text_and_link_colour_meets_wcag_aa_on_its_background(qapp, theme):
    pairs = _pairs(theme)
    assert len(pairs) > 40  # the code's tokens are among them
    failing = [f"{what}: {fg} on {bg} = {contrast(fg, bg):.2f}" for what, fg, bg in pairs if contrast(fg, bg) < AA]
    assert failing == []


def test_the_contrast_formula_gives_wcag_s_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # WCAG's classic just-fails grey


def test_the_palette_is_the_whole_window_s(qapp):
    apply_palette(DARK)
    try:
        used = QGuiApplication.palette()
        assert used.color(QPalette.ColorRole.Base).name() == DARK.background
        assert used.color(QPalette.ColorRole.Window).name() == DARK.window
        assert used.color(QPalette.ColorRole.Link).name() == DARK.link
    finally:
        apply_palette(LIGHT)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_pages_set_their_links_and_headings_colours_from_the_theme(qapp, theme, built_kb):
    from PySide6.QtWidgets import QTextBrowser

    view = QTextBrowser()
    view.setHtml(render_overview(built_kb, theme, recent=[built_kb.entries[0].id], heading="Type to search"))
    colours: dict[str, set[str]] = {"link": set(), "heading": set()}
    block = view.document().begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fmt = fragments.fragment().charFormat()
            if fmt.isAnchor() and fmt.anchorHref():
                colours["link"].add(fmt.foreground().color().name())
            elif block.blockFormat().headingLevel():
                colours["heading"].add(fmt.foreground().color().name())
            fragments += 1
        block = block.next()
    assert colours == {"link": {theme.link}, "heading": {theme.text}}
