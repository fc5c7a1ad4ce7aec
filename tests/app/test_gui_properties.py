"""The `gui` verb with generated hostile arguments, each run as its own `patternkb` process (a
window run in this process would break the Qt event loops of later tests): never a traceback, an
exit status of 0, 1 or 2, nothing on stderr but lines that start `patternkb: ` (one, for a
failure), a screenshot for a success, and no file changed outside the folders the example named
for writing (its index folder and its screenshot) nor anywhere in resources/.

Every example passes `--screenshot`, so the window exits by itself once painted and never hands
its request to (or listens for) another window. HOME, XDG_CONFIG_HOME, TMPDIR, XDG_RUNTIME_DIR
and PATTERNKB_INDEX_DIR are the example's own, so nothing touches the real user's settings,
cache or windows.

NUL never appears in an argument (no program can receive one); undecodable bytes do, as the
surrogate escapes `os.fsencode` turns back into them.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from patternkb.app.cli import main
from patternkb.kb.paths import BUNDLED_KB, RESOURCES
from tests.trees import tree

PATTERNKB = [sys.executable, "-c", "import sys; from patternkb.app.cli import main; sys.exit(main())"]
REPO = Path(__file__).resolve().parent.parent.parent
SAFETY_TIMEOUT_S = 120  # a hung window fails the example instead of the whole run; not a speed check
ENTRY = "api-design-patterns/newtype-pattern"
_counter = itertools.count()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """An index of the bundled KB (so most examples open at once), a file, an empty folder."""
    root = tmp_path_factory.mktemp("gui-template")
    assert main(["index", "--kb", str(BUNDLED_KB), "--index-dir", str(root / "ix")]) == 0
    (root / "afile").write_text("precious\n")
    (root / "empty").mkdir()
    return root


# Text as anything may send it: any character but NUL and lone surrogates (which no argv can hold).
ODD_TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40)
WORDS = st.sampled_from([
    "mutex", "arc mutex", "-mutex", "kind:snippet", "kind:bogus", "guide:x", "std::sync", '"a phrase', "*",
    "AND", "ｍｕｔｅｘ", "\u202emutex", "\x1b[2J", "line\nbreak", "tab\there", "\r", "\udcff\udcfe", "caf\udce9",
    "", " ", "-", "--", "-x", "--x", "gui", "search", "newtype",
])
URLS = st.sampled_from([
    "patternkb://search?q=arc%20mutex", "patternkb://search?q=", "patternkb://search", "patternkb://search?x=1",
    f"patternkb://entry/{ENTRY}", "patternkb://entry/no/such-entry", "patternkb://entry/", "patternkb://entry",
    f"patternkb://entry/{ENTRY}?q=1", "patternkb://entry/%ZZ%", "patternkb://entry/%00", "patternkb://",
    "patternkb:", "PATTERNKB://search?q=x", "patternkb://nowhere", "patternkb://search?q=%ff%fe",
    "patternkb://[::1", "patternkb://entry/\udcff", "patternkb://search?q=" + "a" * 5000,
    "dash-plugin://keys=rust&query=arc%20mutex", "dash-plugin://keys=&query=", "dash-plugin://",
    "dash-plugin://keys=api-design-patterns,rust&query=a&b%", "dash-plugin://query=%", "dash-plugin:keys=x",
    "dash://mutex", "dash://rust,python:arc", "dash://", "dash:", "dash://%E2%80%AE",
    "dash-plugin://keys=complete-rust-guide&query=spawn", "complete-rust-guide:spawn", "COMPLETE-RUST-GUIDE,x:",
    "rust:mutex", "rust,python:arc mutex", "kind:snippet", "a,b:", ":x", ",:x", "std::sync::Mutex",
])
HUGE = st.sampled_from(["mutex " * 5000, "x" * 100_000, "-x " * 3000, "\u0301" * 20_000, "kind:snippet " * 2000])
TEXT = st.one_of(WORDS, URLS, ODD_TEXT, HUGE,
                 st.lists(st.one_of(WORDS, ODD_TEXT), min_size=1, max_size=5).map(" ".join))
IDS = st.one_of(st.sampled_from([ENTRY, ENTRY.upper(), ENTRY + "/", "no/such-entry", "api-design-patterns",
                                 "", "-", "x\udcff", "a\nb", "../../etc/passwd", "%2F"]), ODD_TEXT)


def _kb_choices(work: Path) -> list[str]:
    return [str(BUNDLED_KB), str(work / "missing"), str(work / "empty"), str(work / "afile")]


def _index_choices(work: Path) -> list[str]:
    return [str(work / "ix"), str(work / "new-ix"), str(work / "afile"), str(work / "afile" / "child"),
            str(work / "missing" / "deeper" / "ix")]


@st.composite
def command(draw) -> tuple[list[str], str]:
    """(argv with `{name}` for the example's paths, the name of its index folder). The target
    comes first (as editors call `patternkb TARGET`), after `gui`, or after `gui … --`."""
    groups: list[list[str]] = [["--screenshot", "{shot}"]]
    kb_pick = draw(st.one_of(st.none(), st.integers(0, 3)))
    if kb_pick is not None:
        groups.append(["--kb", f"{{kb{kb_pick}}}"])
    index_pick = draw(st.one_of(st.none(), st.integers(0, 4)))
    index_key = "env_ix" if index_pick is None else f"ix{index_pick}"  # by default, $PATTERNKB_INDEX_DIR
    if index_pick is not None:
        groups.append(["--index-dir", f"{{{index_key}}}"])
    if draw(st.booleans()):
        groups.append(["--query", draw(TEXT)])
    if draw(st.booleans()):
        groups.append(["--open", draw(IDS)])
    if draw(st.booleans()):
        groups.append(["--new-window"])
    options = list(itertools.chain.from_iterable(draw(st.permutations(groups))))
    target = draw(st.one_of(st.none(), TEXT))
    if target is None:
        return ["gui", *options], index_key
    form = draw(st.sampled_from(["bare", "gui", "gui --"]))
    if form == "bare":
        return [target, *options], index_key
    if form == "gui":
        return ["gui", target, *options], index_key
    return ["gui", *options, "--", target], index_key


def _hashes(*roots: Path) -> dict[str, object]:
    """Every file's SHA-256 (a symlink's target) and every folder under `roots`."""
    return tree(*roots, describe=lambda path: "link:" + os.readlink(path) if os.path.islink(path)
                else hashlib.sha256(Path(path).read_bytes()).hexdigest())


def _fill(arg: str, names: dict[str, str]) -> str:
    for key, value in names.items():
        if arg == "{" + key + "}":
            return value
    return arg


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(case=command())
def test_the_window_survives_hostile_arguments(template, case):
    argv_template, index_key = case
    work = template.parent / f"gui-run-{next(_counter)}"
    shutil.copytree(template, work)
    runtime = tempfile.mkdtemp(prefix="pkb-")  # short: a socket path holds ~100 bytes at most
    names = {f"kb{i}": p for i, p in enumerate(_kb_choices(work))}
    names |= {f"ix{i}": p for i, p in enumerate(_index_choices(work))}
    names["shot"] = str(work / "shot.png")
    home, tmp, env_index = work / "home", work / "tmp", work / "env-ix"
    names["env_ix"] = str(env_index)
    argv = [_fill(a, names) for a in argv_template]
    home.mkdir()
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATTERNKB_")}
    env |= {"QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": runtime, "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local" / "share"), "TMPDIR": str(tmp),
            "PATTERNKB_INDEX_DIR": str(env_index), "PYTHONPATH": str(REPO)}
    # What the example may write: its index folder (and the folders made on the way to it), its
    # screenshot. Not TMPDIR: a --screenshot window keeps a fresh user's settings in a folder of
    # it and removes it. Not HOME: a screenshot never touches what the user's windows remember.
    # The runtime folder is outside `work` and not watched.
    allowed = [names[index_key], names["shot"]]
    before = _hashes(work, RESOURCES)
    try:
        done = subprocess.run([os.fsencode(a) for a in [*PATTERNKB, *argv]], cwd=work, env=env,
                              capture_output=True, timeout=SAFETY_TIMEOUT_S, check=False)
        after = _hashes(work, RESOURCES)
    except subprocess.TimeoutExpired:
        pytest.fail(f"no exit within {SAFETY_TIMEOUT_S} s: {argv!r}")
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
    try:
        err = done.stderr.decode("utf-8", "replace")
        lines = err.splitlines()
        event(f"exit {done.returncode}: {lines[0].split(':')[1] if lines and done.returncode else ''}")
        shown = f"argv={argv!r}\nstatus={done.returncode}\nstderr={err[-3000:]}"
        assert "Traceback" not in err, shown
        assert "did not finish loading in time" not in err, shown  # every failure is known at once
        assert done.returncode in (0, 1, 2), shown
        assert all(line.startswith("patternkb: ") for line in lines), shown  # not Qt's or logging's noise
        if done.returncode:
            assert len(lines) <= 1, shown
        else:
            assert (work / "shot.png").read_bytes().startswith(b"\x89PNG"), shown
        changed = {p for p in before.keys() | after.keys() if before.get(p, "gone") != after.get(p, "gone")}
        outside = sorted(p for p in changed if not any(p == a or p.startswith(a + os.sep) for a in allowed)
                         # a folder made on the way to a named one (mkdir -p)
                         and not (after.get(p, "gone") is None and any(a.startswith(p + os.sep) for a in allowed)))
        assert not outside, f"{shown}\nchanged outside what it names: {outside}"
    finally:
        shutil.rmtree(work, ignore_errors=True)
