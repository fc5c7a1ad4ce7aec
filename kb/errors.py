"""Errors a maintainer can act on: each names the file and, where there is one, the line."""

from __future__ import annotations

from pathlib import Path


class KBError(Exception):
    """Base of every error the knowledge base raises on purpose."""

    def __init__(self, message: str, *, file: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return f"{where}{self.message}"


class GuideError(KBError):
    """A guide that cannot be read or parsed."""


class StoreError(KBError):
    """A KB directory that is missing, unreadable or invalid."""


class ForeignFolder(StoreError):
    """A folder to write in holds files patternkb did not write: it is refused and left as it is."""


class EntryNotFound(KBError):
    """No entry has the id asked for."""
