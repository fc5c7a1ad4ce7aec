"""`gui --screenshot`, as scripts call it: it exits by itself, 0 with a PNG or 1 with one line
saying why, and leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from patternkb.kb.paths import BUNDLED_KB

PATTERNKB = [sys.executable, "-c", "import sys; from patternkb.app.cli import main; sys.exit(main())"]
SAFETY_TIMEOUT_S = 240  # a hang fails the test instead of holding up the suite; not a timing check


@pytest.fixture
def run(tmp_path, bundled_index):
    """`patternkb ARGS` with its own TMPDIR, over the bundled KB and its (current) index."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(temporary))
        return subprocess.run([*PATTERNKB, *args, "--kb", str(BUNDLED_KB), "--index-dir",
                               str(bundled_index.store.root)], capture_output=True, text=True, env=env,
                              timeout=SAFETY_TIMEOUT_S)

    run.temporary = temporary
    return run


@pytest.mark.parametrize("query", [[], ["--query", "mutex"]])
def test_an_entry_the_kb_lacks_fails_the_screenshot_in_one_line(run, tmp_path, query):
    done = run("gui", "--open", "no/such-entry", *query, "--screenshot", str(tmp_path / "shot.png"))
    assert done.returncode == 1
    assert done.stderr == "patternkb: error: no entry 'no/such-entry' in this KB\n"
    assert not (tmp_path / "shot.png").exists()


def test_a_screenshot_leaves_nothing_in_the_temporary_folder(run, tmp_path):
    done = run("gui", "--open", "api-design-patterns/newtype-pattern", "--screenshot", str(tmp_path / "shot.png"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "shot.png").read_bytes().startswith(b"\x89PNG")
    assert list(run.temporary.iterdir()) == []


def test_a_target_and_a_query_together_are_a_usage_error(run, tmp_path):
    done = run("gui", "arc", "--query", "mutex", "--screenshot", str(tmp_path / "shot.png"))
    assert done.returncode == 2
    assert done.stderr == "patternkb: error: give the search as QUERY_OR_URL or as --query, not both\n"
