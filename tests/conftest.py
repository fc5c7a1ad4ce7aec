"""Shared fixtures: the bundled guide and KB, built for real, and a headless Qt platform."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Set before anything imports Qt: the suite runs where no screen exists.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

from patternkb.kb.build import build_kb  # noqa: E402
from patternkb.kb.encoding import read_guide_text  # noqa: E402
from patternkb.kb.paths import BUNDLED_GUIDE, BUNDLED_KB  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def bundled_guide() -> Path:
    return BUNDLED_GUIDE


@pytest.fixture(scope="session")
def repaired_guide_text() -> str:
    return read_guide_text(BUNDLED_GUIDE).text


@pytest.fixture(scope="session")
def built_kb():
    """The bundled guide parsed now, by the real parser (not read from resources/kb)."""
    return build_kb([BUNDLED_GUIDE])


@pytest.fixture(scope="session")
def bundled_kb_dir() -> Path:
    return BUNDLED_KB


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory):
    """A real index of the bundled KB in a temporary directory, shared across the session."""
    from patternkb.index.engine import PatternIndex
    from patternkb.kb.store import load_kb

    engine = PatternIndex(load_kb(BUNDLED_KB), tmp_path_factory.mktemp("index") / "ix")
    engine.ensure()
    yield engine
    engine.close()


@pytest.fixture
def mdbook_dir(tmp_path: Path) -> Path:
    target = tmp_path / "tiny-book"
    shutil.copytree(FIXTURES / "mdbook", target)
    return target


@pytest.fixture
def write_guide(tmp_path: Path):
    """Write a Markdown guide (text or bytes) to a temporary file and return its path."""

    def write(content: str | bytes, name: str = "guide.md") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write
