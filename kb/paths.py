"""Where the bundled guide, KB and schema live in a checkout."""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
BUNDLED_GUIDE = RESOURCES / "guides" / "complete-rust-guide.md"
BUNDLED_KB = RESOURCES / "kb"
SCHEMA_DIR = RESOURCES / "schema"
