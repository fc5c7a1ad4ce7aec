"""Paints one search result row: an entry (title, kind badge, breadcrumb, the fragment with matches
marked), or a sub-hit inside the entry above it (indented: what it is, its title, its fragment)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QFont, QFontMetrics, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from patternkb.app.roles import DISPLAY, Role

# White text on each meets WCAG AA (4.5:1) in either theme (tests/app/test_theme.py).
BADGE_COLORS = {"pattern": "#1a7f37", "snippet": "#8250df", "checklist": "#9a6700", "overview": "#0a5a9c"}
OTHER_BADGE_COLOR = "#6e7781"
PADDING = 6
SUB_HIT_INDENT = 22  # a sub-hit's row starts this far in from its entry's
LAID_OUT_ROWS = 256  # documents kept for rows painted again (scrolling, selection, hover)


def _css_color(color: QColor) -> str:
    return color.name(QColor.NameFormat.HexArgb)


def _document(html: str, font: QFont, width: float) -> QTextDocument:
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setTextWidth(width)
    doc.setHtml(html)
    return doc


def _draw(painter: QPainter, doc: QTextDocument, left: float, top: float, width: float, height: float) -> None:
    """Draw `doc` with its top left corner at (left, top), cut to width × height."""
    painter.save()
    painter.translate(left, top)
    clip = QRectF(0, 0, width, height)
    painter.setClipRect(clip)
    context = QAbstractTextDocumentLayout.PaintContext()
    context.clip = clip
    doc.documentLayout().draw(painter, context)
    painter.restore()


class _Fonts:
    """A row's fonts and their metrics, made once for the list's font."""

    def __init__(self, base: QFont):
        self.small = QFont(base)
        self.small.setPointSizeF(max(base.pointSizeF() * 0.85, 7.0))
        self.badge = QFont(self.small)
        self.badge.setBold(True)
        bold = QFont(base)
        bold.setBold(True)
        self.bold_metrics, self.small_metrics = QFontMetrics(bold), QFontMetrics(self.small)
        self.badge_metrics = QFontMetrics(self.badge)
        self.line, self.small_line = QFontMetrics(base).height(), self.small_metrics.height()
        # The title's size, in a document whose default font is the small one.
        self.title_size = f"{base.pointSizeF()}pt" if base.pointSizeF() > 0 else f"{base.pixelSize()}px"
        self.row_height = self.line + self.small_line * 3 + PADDING + 4
        self.sub_row_height = self.small_line * 2 + PADDING + 2  # a sub-hit: its title, a line of its text


class ResultDelegate(QStyledItemDelegate):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._fonts: dict[str, _Fonts] = {}
        self._rows: dict[tuple, QTextDocument] = {}  # laid-out row text, by all that shapes it
        self._badges: dict[tuple, QTextDocument] = {}

    def _fonts_for(self, font: QFont) -> _Fonts:
        key = font.key()
        if key not in self._fonts:
            self._fonts[key] = _Fonts(font)
        return self._fonts[key]

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        fonts = self._fonts_for(option.font)
        painter.save()
        if selected:
            painter.fillRect(option.rect, palette.brush(QPalette.ColorRole.Highlight))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)  # the badge's corners, not the row's edges
        sub_hit = bool(index.data(Role.Depth))
        rect = QRectF(option.rect.adjusted(PADDING + (SUB_HIT_INDENT if sub_hit else 0), PADDING // 2,
                                           -PADDING, -PADDING // 2))
        if sub_hit:  # inside the entry above: indented, smaller, no badge or breadcrumb
            text = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
            row = self._sub_row(index.data(DISPLAY) or "", index.data(Role.Fragment) or "", _css_color(text),
                                fonts, rect.width())
            _draw(painter, row, rect.left(), rect.top(), rect.width(), rect.height())
            painter.restore()
            return

        kind = index.data(Role.Kind) or ""
        text_width = fonts.badge_metrics.horizontalAdvance(kind)
        badge = QRectF(rect.right() - text_width - 10, rect.top() + 2, text_width + 10, fonts.small_line)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(BADGE_COLORS.get(kind, OTHER_BADGE_COLOR)))
        painter.drawRoundedRect(badge, 4, 4)
        _draw(painter, self._badge(kind, fonts), badge.left() + 5, badge.top(), text_width + 1, fonts.small_line)

        # The palette's own colours (app/theme.py), whose contrast is checked: no blended shades.
        text = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = text if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        row = self._row(index.data(DISPLAY) or "", index.data(Role.Path) or "", index.data(Role.Fragment) or "",
                        _css_color(text), _css_color(muted), fonts, rect.width(), rect.width() - badge.width() - 6)
        _draw(painter, row, rect.left(), rect.top(), rect.width(), rect.height())
        painter.restore()

    def _badge(self, kind: str, fonts: _Fonts) -> QTextDocument:
        key = (kind, id(fonts))
        if key not in self._badges:
            self._badges[key] = _document(f'<span style="color:#ffffff">{escape(kind)}</span>', fonts.badge, -1)
        return self._badges[key]

    def _row(self, title: str, path: str, fragment: str, text: str, muted: str, fonts: _Fonts,
             width: float, title_width: float) -> QTextDocument:
        """The row's three parts, one under the other: the title in bold, cut to leave room for
        the badge; the breadcrumb, muted and cut in its middle; two lines of the fragment."""
        return self._laid_out((title, path, fragment, text, muted, id(fonts), width, title_width), lambda: (
            f'<div style="color:{text}">'
            f'<div style="font-weight:bold; font-size:{fonts.title_size}; white-space:pre">'
            f'{escape(fonts.bold_metrics.elidedText(title, Qt.TextElideMode.ElideRight, int(title_width)))}</div>'
            f'<div style="color:{muted}; white-space:pre">'
            f'{escape(fonts.small_metrics.elidedText(path, Qt.TextElideMode.ElideMiddle, int(width)))}</div>'
            f'<div style="margin-top:2px">{fragment}</div></div>'), fonts, width)

    def _sub_row(self, title: str, fragment: str, text: str, fonts: _Fonts, width: float) -> QTextDocument:
        """A sub-hit's two lines: what it is and its title, then its text with the matches marked."""
        return self._laid_out(("sub", title, fragment, text, id(fonts), width), lambda: (
            f'<div style="color:{text}"><div style="white-space:pre">'
            f'{escape(fonts.small_metrics.elidedText(title, Qt.TextElideMode.ElideRight, int(width)))}</div>'
            f'<div style="white-space:pre">{fragment}</div></div>'), fonts, width)

    def _laid_out(self, key: tuple, html: Callable[[], str], fonts: _Fonts, width: float) -> QTextDocument:
        """The document for `key`, laid out once and kept for the rows painted again."""
        doc = self._rows.get(key)
        if doc is None:
            if len(self._rows) >= LAID_OUT_ROWS:
                self._rows.clear()
            doc = self._rows[key] = _document(html(), fonts.small, width)
        return doc

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        fonts = self._fonts_for(option.font)
        return QSize(200, fonts.sub_row_height if index.data(Role.Depth) else fonts.row_height)
