"""What the window remembers between runs, in QSettings."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 20


class Memory:
    def __init__(self, settings: QSettings | None = None):
        self.qsettings = settings if settings is not None else QSettings("patternkb", "patternkb")

    def _list(self, key: str) -> list[str]:
        value = self.qsettings.value(key, [])
        if isinstance(value, str):
            return [value] if value else []
        return [str(v) for v in value or []]

    def _remember(self, key: str, item: str) -> None:
        items = [i for i in self._list(key) if i != item]
        self.qsettings.setValue(key, ([item] + items)[:MAX_RECENT])

    @property
    def bookmarks(self) -> list[str]:
        return self._list("bookmarks")

    @bookmarks.setter
    def bookmarks(self, ids: list[str]) -> None:
        self.qsettings.setValue("bookmarks", list(ids))

    @property
    def recent_entries(self) -> list[str]:
        return self._list("recent/entries")

    def remember_entry(self, entry_id: str) -> None:
        self._remember("recent/entries", entry_id)

    @property
    def recent_searches(self) -> list[str]:
        return self._list("recent/searches")

    def remember_search(self, text: str) -> None:
        if text.strip():
            self._remember("recent/searches", text.strip())

    def bytes(self, key: str) -> QByteArray | None:
        value = self.qsettings.value(key)
        return value if isinstance(value, QByteArray) else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self.qsettings.setValue(key, value)

    @property
    def theme(self) -> str:
        return str(self.qsettings.value("view/theme", "system"))

    @theme.setter
    def theme(self, value: str) -> None:
        self.qsettings.setValue("view/theme", value)

    @property
    def font_size(self) -> int:
        try:
            return int(self.qsettings.value("view/font_size", 0))
        except (TypeError, ValueError):
            return 0

    @font_size.setter
    def font_size(self, value: int) -> None:
        self.qsettings.setValue("view/font_size", int(value))

    @property
    def line_numbers(self) -> bool:
        return str(self.qsettings.value("view/line_numbers", "false")).lower() == "true"

    @line_numbers.setter
    def line_numbers(self, value: bool) -> None:
        self.qsettings.setValue("view/line_numbers", "true" if value else "false")

    def sync(self) -> None:
        self.qsettings.sync()
