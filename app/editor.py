"""Open at source: the guide file an entry comes from, in the user's editor at the entry's line
(a command with {file} and {line}; else $VISUAL or $EDITOR; else the system's default application)."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QProcess, QUrl
from PySide6.QtGui import QDesktopServices

from patternkb.kb.paths import BUNDLED_GUIDE

# Most editors take `+LINE FILE` (vi, vim, nvim, emacs, nano, micro, kak, helix's hx): $EDITOR's way.
ENV_TEMPLATE = "{editor} +{line} {file}"


def source_path(guide_file: str, layout: str, source_file: str, folders: Sequence[Path]) -> Path | None:
    """The file an entry's lines are in: for a single-file guide the guide itself, for an mdBook
    its chapter file (`source_file` is relative to the book's root). Looked for in `folders`,
    then beside the bundled guide; None when it is in none of them."""
    relative = Path(guide_file) / source_file if layout == "mdbook" else Path(source_file)
    for folder in [*folders, BUNDLED_GUIDE.parent]:
        candidate = Path(folder).expanduser() / relative
        if candidate.is_file():
            return candidate.resolve()
    return None


def editor_command(template: str, file: Path, line: int, env: Mapping[str, str] | None = None) -> list[str] | None:
    """The command to run: `template` (or, when it is blank, $VISUAL/$EDITOR with +LINE) split as
    a shell would, each word's {file} and {line} filled in. None: no editor is configured."""
    env = os.environ if env is None else env
    if not template.strip():
        editor = env.get("VISUAL", "").strip() or env.get("EDITOR", "").strip()
        if not editor:
            return None
        # $EDITOR may carry options of its own ("code -w"): its words stay words.
        return [*shlex.split(editor), f"+{line}", str(file)]
    words = shlex.split(template)
    if not any("{file}" in w for w in words):
        words.append("{file}")  # a bare program name: give it the file at least
    return [w.replace("{file}", str(file)).replace("{line}", str(line)) for w in words]


def open_at_source(file: Path, line: int, template: str, env: Mapping[str, str] | None = None) -> str:
    """Open `file` at `line`; returns what happened, for the status bar."""
    try:
        command = editor_command(template, file, line, env)
    except ValueError as exc:  # shlex: an unbalanced quote in the command or in $EDITOR
        return f"the editor command cannot be read ({exc}): fix it under File › Editor command…"
    if command is None:
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(file))):
            return f"opened {file.name} with the system's default application (set an editor for the line)"
        return f"could not open {file}: no editor set and no default application answered"
    started = QProcess.startDetached(command[0], command[1:])
    ok = started[0] if isinstance(started, tuple) else bool(started)
    if not ok:
        return f"could not start the editor {command[0]!r}"
    return f"opened {file.name}:{line} in {Path(command[0]).name}"
