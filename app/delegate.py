"""Paints one search hit: title, kind badge, breadcrumb, and the fragment with matches marked."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QFont, QFontMetrics, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate, QStyleOptionViewItem

from app.roles import Role

BADGE_COLORS = {"pattern": "#2da44e", "snippet": "#8250df", "checklist": "#bf8700"}
PADDING = 6


class ResultDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        painter.save()
        # Asked of the view, not read from option.state: reading that builds QStyle's 600 Python
        # enum members, 6 ms of the first paint, for one bit the selection model has.
        view = self.parent()
        selected = isinstance(view, QAbstractItemView) and view.selectionModel().isSelected(index)
        palette = option.palette
        if selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = QColor(text_color)
        muted.setAlphaF(0.65)
        rect = option.rect.adjusted(PADDING, PADDING // 2, -PADDING, -PADDING // 2)
        base = QFont(option.font)
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(base.pointSizeF() * 0.85, 7.0))
        line = QFontMetrics(base).height()
        small_line = QFontMetrics(small).height()

        kind = index.data(Role.Kind) or ""
        badge_font = QFont(small)
        badge_font.setBold(True)
        badge_width = QFontMetrics(badge_font).horizontalAdvance(kind) + 10
        badge = QRectF(rect.right() - badge_width, rect.top() + 2, badge_width, small_line)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(BADGE_COLORS.get(kind, "#6e7781")))
        painter.drawRoundedRect(badge, 4, 4)
        painter.setFont(badge_font)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, kind)

        painter.setFont(bold)
        painter.setPen(text_color)
        title_rect = rect.adjusted(0, 0, -badge_width - 6, 0)
        title = QFontMetrics(bold).elidedText(index.data(Qt.ItemDataRole.DisplayRole) or "", Qt.TextElideMode.ElideRight,
                                               title_rect.width())
        painter.drawText(title_rect.adjusted(0, 0, 0, -(rect.height() - line)), Qt.AlignmentFlag.AlignLeft, title)

        painter.setFont(small)
        painter.setPen(muted)
        path = QFontMetrics(small).elidedText(index.data(Role.Path) or "", Qt.TextElideMode.ElideMiddle, rect.width())
        painter.drawText(rect.adjusted(0, line, 0, 0), Qt.AlignmentFlag.AlignLeft, path)

        fragment = index.data(Role.Fragment) or ""
        if fragment:
            doc = QTextDocument()
            doc.setDefaultFont(small)
            doc.setDocumentMargin(0)
            doc.setTextWidth(rect.width())
            color = text_color.name()
            doc.setHtml(f'<div style="color:{color}">{fragment}</div>')
            painter.translate(rect.left(), rect.top() + line + small_line + 2)
            clip = QRectF(0, 0, rect.width(), small_line * 2 + 1)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = clip
            painter.setClipRect(clip)
            doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        base = QFontMetrics(option.font).height()
        small = QFont(option.font)
        small.setPointSizeF(max(option.font.pointSizeF() * 0.85, 7.0))
        small_line = QFontMetrics(small).height()
        return QSize(200, base + small_line * 3 + PADDING + 4)
