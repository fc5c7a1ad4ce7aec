"""The result row (app/delegate.py): its title is elided to the row's width and nothing is
painted outside the row, however long the title."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QListView, QStyleOptionViewItem

from patternkb.app.delegate import SUB_HIT_INDENT, ResultDelegate
from patternkb.app.roles import DISPLAY, Role

LONG_TITLE = "Arc<Mutex<T>> shared across threads " * 12
ROW_WIDTH = 240
CANVAS_WIDTH = 3 * ROW_WIDTH


def hit_row(title: str) -> QStandardItemModel:
    """One row holding what a search hit gives the delegate (the model is its collaborator)."""
    model = QStandardItemModel()
    item = QStandardItem()
    item.setData(title, DISPLAY)
    item.setData("pattern", Role.Kind)
    item.setData("Concurrency › Shared state › " * 6, Role.Path)
    item.setData("Wrap the state in <b>Mutex</b> " * 20, Role.Fragment)
    model.appendRow(item)
    return model


def delegate_on(qtbot, model: QStandardItemModel) -> tuple[ResultDelegate, QStyleOptionViewItem]:
    """The delegate of a list showing `model`, and the style option the list paints with."""
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = ResultDelegate(view)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.font = view.font()
    return delegate, option


def paint_row(qtbot, title: str) -> tuple[QImage, QRect, ResultDelegate]:
    """Paint the row as the list does, at ROW_WIDTH, on a wider white canvas."""
    model = hit_row(title)
    delegate, option = delegate_on(qtbot, model)
    height = delegate.sizeHint(option, model.index(0, 0)).height()
    option.rect = QRect(0, 0, ROW_WIDTH, height)
    image = QImage(CANVAS_WIDTH, height * 3, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    delegate.paint(painter, option, model.index(0, 0))
    painter.end()
    return image, QRect(option.rect), delegate


def painted_outside(image: QImage, row: QRect) -> int:
    white = QColor(Qt.GlobalColor.white).rgb()
    return sum(1 for x in range(image.width()) for y in range(image.height())
               if not row.contains(x, y) and image.pixel(x, y) != white)


def test_a_long_title_never_paints_past_the_row(qtbot):
    image, row, _ = paint_row(qtbot, LONG_TITLE)
    inside = sum(1 for x in range(row.width()) for y in range(row.height())
                 if image.pixel(x, y) != QColor(Qt.GlobalColor.white).rgb())
    assert inside > 0  # the row was painted at all
    assert painted_outside(image, row) == 0


def test_the_title_is_elided_to_the_row(qtbot):
    _, row, delegate = paint_row(qtbot, LONG_TITLE)
    [doc] = delegate._rows.values()  # the row as laid out for painting
    title = doc.toPlainText().split("\n")[0]
    assert title.endswith("…")
    assert LONG_TITLE.startswith(title[:-1])
    assert doc.idealWidth() <= row.width()  # no line of the row is wider than the row


def test_a_short_title_is_shown_whole(qtbot):
    _, _, delegate = paint_row(qtbot, "Newtype")
    [doc] = delegate._rows.values()
    assert doc.toPlainText().split("\n")[0] == "Newtype"


def test_a_sub_hit_row_is_shorter_and_starts_further_in(qtbot):
    model = hit_row("Shared state with Mutex")
    sub = QStandardItem()
    sub.setData("Code: Shared state with Mutex", DISPLAY)
    sub.setData("snippet", Role.Kind)
    sub.setData(1, Role.Depth)
    sub.setData("let <b>m</b> = Mutex::new(0);", Role.Fragment)
    model.appendRow(sub)
    delegate, option = delegate_on(qtbot, model)
    entry_height = delegate.sizeHint(option, model.index(0, 0)).height()
    sub_height = delegate.sizeHint(option, model.index(1, 0)).height()
    assert 0 < sub_height < entry_height

    def leftmost_ink(row: int) -> int:
        option.rect = QRect(0, 0, ROW_WIDTH, delegate.sizeHint(option, model.index(row, 0)).height())
        image = QImage(ROW_WIDTH, option.rect.height(), QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        delegate.paint(painter, option, model.index(row, 0))
        painter.end()
        white = QColor(Qt.GlobalColor.white).rgb()
        return min(x for x in range(image.width()) for y in range(image.height()) if image.pixel(x, y) != white)

    assert leftmost_ink(1) >= leftmost_ink(0) + SUB_HIT_INDENT
