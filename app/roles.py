"""Item-data roles, declared once for every model (Zeal's itemdatarole.h)."""

from enum import IntEnum

from PySide6.QtCore import Qt

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOL_TIP = Qt.ItemDataRole.ToolTipRole


class Role(IntEnum):
    Id = Qt.ItemDataRole.UserRole + 1
    Kind = Qt.ItemDataRole.UserRole + 2
    Path = Qt.ItemDataRole.UserRole + 3
    Fragment = Qt.ItemDataRole.UserRole + 4
    Section = Qt.ItemDataRole.UserRole + 5
    Parent = Qt.ItemDataRole.UserRole + 6
    Anchor = Qt.ItemDataRole.UserRole + 7
    Score = Qt.ItemDataRole.UserRole + 8
    Depth = Qt.ItemDataRole.UserRole + 9  # 0: a result's entry; 1: a sub-hit inside it
