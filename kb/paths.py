"""Where the bundled guide, KB and schema are (package data, read through importlib.resources)
and where a user's own KB goes (platformdirs' user data folder, never inside the package)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import platformdirs

# A package installed from a wheel is unpacked, and an editable install maps the checkout's
# resources/ folder: either way the bundled files are real files with a path.
RESOURCES = Path(str(files("patternkb.resources")))
BUNDLED_GUIDE = RESOURCES / "guides" / "complete-rust-guide.md"
BUNDLED_KB = RESOURCES / "kb"
SCHEMA_DIR = RESOURCES / "schema"


def user_kb() -> Path:
    """The KB `patternkb build` writes when no --out is given: the user's, outside the package."""
    return Path(platformdirs.user_data_dir("patternkb", appauthor=False)) / "kb"


def default_kb() -> Path:
    """The KB the window and the reading verbs open without --kb: the user's once they have
    built one, the bundled one until then."""
    mine = user_kb()
    return mine if (mine / "CURRENT").is_file() or (mine / "manifest.json").is_file() else BUNDLED_KB
