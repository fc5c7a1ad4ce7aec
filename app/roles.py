"""Item-data roles, declared once for every model (Zeal's itemdatarole.h).

Qt's own roles are written as numbers: the first use of PySide6's `Qt` namespace builds its
1,100 Python enum members (15 ms), and the window paints its first frame without it.
`tests/app/test_window.py` checks the numbers against Qt's."""

from enum import IntEnum

DISPLAY = 0  # Qt.ItemDataRole.DisplayRole
TOOL_TIP = 3  # Qt.ItemDataRole.ToolTipRole
_USER = 0x0100  # Qt.ItemDataRole.UserRole


class Role(IntEnum):
    Id = _USER + 1
    Kind = _USER + 2
    Path = _USER + 3
    Fragment = _USER + 4
    Section = _USER + 5
    Parent = _USER + 6
    Anchor = _USER + 7
    Score = _USER + 8
