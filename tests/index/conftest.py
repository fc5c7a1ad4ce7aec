"""A real index of the bundled KB in a temporary directory, shared by the index tests."""

import pytest

from index.engine import PatternIndex
from kb.paths import BUNDLED_KB
from kb.store import load_kb


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory):
    engine = PatternIndex(load_kb(BUNDLED_KB), tmp_path_factory.mktemp("index") / "ix")
    engine.ensure()
    yield engine
    engine.close()
