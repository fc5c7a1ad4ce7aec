"""What the window remembers between runs, in QSettings, merged safely across processes."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: QLockFile instead
    fcntl = None  # type: ignore[assignment]

from PySide6.QtCore import QByteArray, QLockFile, QSettings

log = logging.getLogger(__name__)

MAX_RECENT = 20
# A change holds the lock for milliseconds, but a window busy saving many of them in a row can
# keep a waiter out for seconds on a loaded machine (it polls; the holder may take it back at
# once). Half a minute is far beyond that: only a hung process holds the lock so long.
LOCK_TIMEOUT_MS = 30_000


class Memory:
    """Settings that any number of windows (and `--new-window` ones) share. Every change is a
    merge: under a lock file beside the settings, read what is saved now, change that, save.
    Nothing is ever written from a copy kept in memory, so one process never overwrites what
    another saved meanwhile (a bookmark list written on close did exactly that)."""

    def __init__(self, settings: QSettings | None = None):
        self.qsettings = settings if settings is not None else QSettings("patternkb", "patternkb")
        self._lock_path = _lock_path(self.qsettings)

    # --- the merge ------------------------------------------------------------------------

    @contextmanager
    def _merging(self) -> Iterator[None]:
        """Hold the lock with the latest saved settings read in; what changes inside is saved
        before the lock is released."""
        with _locked(self._lock_path):
            self.qsettings.sync()  # reads what other processes saved
            yield
            before = _mtime_ns(self.qsettings.fileName())
            self.qsettings.sync()
            _advance_mtime(self.qsettings.fileName(), before)

    def _change(self, key: str, change: Callable[[list[str]], list[str]]) -> None:
        with self._merging():
            self.qsettings.setValue(key, change(self._list(key)))

    def _set(self, key: str, value) -> None:
        with self._merging():
            self.qsettings.setValue(key, value)

    def _fresh(self, key: str) -> list[str]:
        self.qsettings.sync()
        return self._list(key)

    def _list(self, key: str) -> list[str]:
        value = self.qsettings.value(key, [])
        if isinstance(value, str):
            return [value] if value else []
        return [str(v) for v in value or []]

    def _remember(self, key: str, item: str) -> None:
        self._change(key, lambda items: ([item] + [i for i in items if i != item])[:MAX_RECENT])

    # --- lists ----------------------------------------------------------------------------

    @property
    def bookmarks(self) -> list[str]:
        """The bookmarks saved now, whichever process saved them."""
        return self._fresh("bookmarks")

    def add_bookmark(self, entry_id: str) -> None:
        self._change("bookmarks", lambda ids: ids if entry_id in ids else ids + [entry_id])

    def remove_bookmark(self, entry_id: str) -> None:
        self._change("bookmarks", lambda ids: [i for i in ids if i != entry_id])

    def set_bookmarks(self, order: list[str]) -> None:
        """Put the bookmarks in `order`; any that another window added meanwhile stay, at the end."""
        self._change("bookmarks", lambda ids: [i for i in order if i in ids] + [i for i in ids if i not in order])

    @property
    def recent_entries(self) -> list[str]:
        return self._fresh("recent/entries")

    def remember_entry(self, entry_id: str) -> None:
        self._remember("recent/entries", entry_id)

    @property
    def recent_searches(self) -> list[str]:
        return self._fresh("recent/searches")

    def remember_search(self, text: str) -> None:
        if text.strip():
            self._remember("recent/searches", text.strip())

    # --- single values (merged too: a write outside the lock could undo a merge) ---------

    def bytes(self, key: str) -> QByteArray | None:
        value = self.qsettings.value(key)
        return value if isinstance(value, QByteArray) else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self._set(key, value)

    @property
    def theme(self) -> str:
        return str(self.qsettings.value("view/theme", "system"))

    @theme.setter
    def theme(self, value: str) -> None:
        self._set("view/theme", value)

    @property
    def font_size(self) -> int:
        try:
            return int(self.qsettings.value("view/font_size", 0))
        except (TypeError, ValueError):
            return 0

    @font_size.setter
    def font_size(self, value: int) -> None:
        self._set("view/font_size", int(value))

    @property
    def line_numbers(self) -> bool:
        return str(self.qsettings.value("view/line_numbers", "false")).lower() == "true"

    @line_numbers.setter
    def line_numbers(self, value: bool) -> None:
        self._set("view/line_numbers", "true" if value else "false")

    @property
    def editor(self) -> str:
        """The editor command, with {file} and {line} ("": $VISUAL/$EDITOR, else the system's)."""
        return str(self.qsettings.value("tools/editor", ""))

    @editor.setter
    def editor(self, value: str) -> None:
        self._set("tools/editor", value)

    @property
    def guide_folders(self) -> list[str]:
        """Folders where the guides' files are looked for, to open them at an entry's lines."""
        return self._list("tools/guide_folders")

    def add_guide_folder(self, folder: str) -> None:
        self._change("tools/guide_folders", lambda folders: folders if folder in folders else folders + [folder])

    @property
    def tabs(self) -> str:
        """The entry tabs open at the last close (app/tabs.py's JSON)."""
        return str(self.qsettings.value("window/tabs", ""))

    @tabs.setter
    def tabs(self, value: str) -> None:
        self._set("window/tabs", value)

    def sync(self) -> None:
        self.qsettings.sync()


def _lock_path(settings: QSettings) -> str:
    """Beside the settings file; for settings kept elsewhere (the Windows registry), in the
    temporary folder under a name made from where they are. Not Qt's own `<file>.lock`, which
    `sync()` takes itself while we hold ours."""
    name = settings.fileName()
    if os.name != "nt" or settings.format() != QSettings.Format.NativeFormat:  # a file
        return name + ".merge-lock"
    return str(Path(tempfile.gettempdir()) / f"patternkb-settings-{hashlib.sha256(name.encode()).hexdigest()[:16]}.lock")


@contextmanager
def _locked(path: str) -> Iterator[None]:
    """Hold the lock file at `path`, waiting LOCK_TIMEOUT_MS at most. Past that, the holder is
    hung (a stopped or deadlocked window): the change is saved without the lock, with a warning.
    That save may lose a change the hung process makes if it ever wakes, but waiting longer would
    freeze this window with it, and giving up would lose this change for certain. An flock where
    there is one: the kernel drops it with a process that dies, and taking it writes nothing
    (QLockFile syncs its file to disk, a few ms each)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        lock = QLockFile(path)
        held = lock.tryLock(LOCK_TIMEOUT_MS)
        if not held:
            log.warning("settings: %s is held by another process for over %g s: saving without it", path,
                        LOCK_TIMEOUT_MS / 1000)
        try:
            yield
        finally:
            if held:
                lock.unlock()
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        log.warning("settings: cannot lock %s (%s); saving without the lock", path, exc)
        yield
        return
    try:
        if not _flock(fd):
            log.warning("settings: %s is held by another process for over %g s: saving without it", path,
                        LOCK_TIMEOUT_MS / 1000)
        yield
    finally:
        os.close(fd)  # releases the lock


def _flock(fd: int) -> bool:
    deadline = time.monotonic() + LOCK_TIMEOUT_MS / 1000
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(pause)  # the holder needs a few ms: no wake-up from the kernel to wait on
            pause = min(pause * 2, 0.02)


def _mtime_ns(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _advance_mtime(path: str, before: int | None) -> None:
    """QSettings re-reads its file only when the size or the modification time (in whole
    milliseconds) changed since it last read it: two saves of the same size within a
    millisecond would look unchanged, and the next merge would start from the older one. Each
    save under the lock therefore leaves a time at least a millisecond after the one before."""
    if before is None:
        return
    now = _mtime_ns(path)
    floor = (before // 1_000_000 + 1) * 1_000_000
    if now is not None and now < floor:
        try:
            os.utime(path, ns=(floor, floor))
        except OSError:
            log.debug("settings: cannot set the time of %s", path, exc_info=True)
