"""What a folder tree holds, for tests that check a command changed nothing it should not."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def tree(*roots: Path, describe: Callable[[str], object]) -> dict[str, object]:
    """Every file (`describe(path)`) and folder (None) under `roots`: a folder's own mtime changes
    when something is made in it, which the files themselves show."""
    seen: dict[str, object] = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            for name in dirs:
                seen[os.path.join(folder, name)] = None
            for name in files:
                path = os.path.join(folder, name)
                seen[path] = describe(path)
    return seen
