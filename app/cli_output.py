"""How the command line ends: its exit statuses, one line for every error, and output that
never fails to encode."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import sys
from enum import IntEnum

# Lone surrogates are what os.fsdecode and sys.argv make of bytes that are not UTF-8
# (surrogateescape): no UTF-8 encoder accepts them.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Control characters would break the one line (newline, carriage return) or drive the terminal.
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F] if c != 0x09}
_WRITE_ERRORS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG}


class Exit(IntEnum):
    OK = 0
    PROBLEM = 1  # bad input, a stale KB or index, an entry that is not there, a folder not writable
    USAGE = 2


def tolerant_streams() -> None:
    """Make printing never raise: what the terminal's encoding cannot show (a file name that is
    not UTF-8, a query with an odd byte, an ASCII locale) is printed as a backslash escape."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            reconfigure(errors="backslashreplace")
        except (ValueError, io.UnsupportedOperation):  # a closed or detached stream
            pass


def one_line(text: str) -> str:
    """`text` with the characters that would end a line or drive a terminal shown as escapes."""
    return text.translate(_CONTROLS)


def error(message: str) -> None:
    print(f"patternkb: error: {one_line(message)}", file=sys.stderr)


# What a command says on stderr besides its result (a guide's warnings, an index built on first
# use), held until it ends: a command that fails prints its one error line and nothing else.
_notes: list[str] = []


def note(line: str) -> None:
    _notes.append(one_line(line))


def end_notes(*, show: bool) -> None:
    lines = _notes[:]
    _notes.clear()
    for line in lines if show else ():
        print(line, file=sys.stderr)


def os_error_message(exc: OSError) -> str:
    """`path: reason` for an OSError, as the rest of the project words its errors; a full disk or
    a read-only file system says it could not write."""
    names = [os.fsdecode(n) if isinstance(n, bytes) else str(n) for n in (exc.filename, exc.filename2)
             if n is not None]
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno in _WRITE_ERRORS:
        reason = f"cannot write: {reason}"
    return f"{' -> '.join(names)}: {reason}" if names else reason


def valid_text(text: str) -> tuple[str, int]:
    """`text` with every lone surrogate replaced by U+FFFD, and how many were replaced."""
    return _SURROGATE.subn("\ufffd", text)


def print_json(data) -> None:
    """Print `data` as JSON that is valid UTF-8 (and ASCII where stdout is not UTF-8). Undecodable
    characters become U+FFFD, and one line on stderr says how many."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    text, replaced = valid_text(json.dumps(data, indent=2, ensure_ascii=False))
    if encoding != "utf8":  # JSON's own escapes, since the terminal's would not be JSON
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=True)
    print(text)
    note_undecodable(replaced, "replaced with U+FFFD in the JSON")


def note_undecodable(count: int, what: str) -> None:
    """Say on stderr (when the command succeeds) that `count` undecodable characters were `what`."""
    if count:
        note(f"patternkb: note: {count} undecodable character(s) {what}")
