"""Where the real guides are (../shared/corpora, or PATTERNKB_CORPORA), for the tests that read
them; a guide that is not there skips its test, with the reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPORA = Path(os.environ.get("PATTERNKB_CORPORA", Path(__file__).resolve().parents[1].parent / "shared" / "corpora"))


def corpus(guide: str) -> Path:
    """The guide's path under the corpora folder; skips the calling test when it is absent."""
    path = CORPORA / guide
    if not path.exists():
        pytest.skip(f"the real guide is not here: {path}")
    return path
