"""Every verb but `gui` with generated hostile arguments, in-process: never a traceback, an exit
status of 0, 1 or 2, one line on stderr for a failure, valid UTF-8 out, and no file changed
outside the folders the command line named for writing (and the folders made on the way to them).

What a successful command may print on stderr, besides nothing: a guide's warning (`…: warning:
…`, one per line, from `build`) and notes that start `patternkb: ` (the index was built on first
use, undecodable characters were replaced in the JSON).

NUL never appears in an argument: no program can receive one from a shell or an editor.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patternkb.app.cli import main
from patternkb.kb.paths import RESOURCES
from tests.trees import tree

FIXTURES = Path(__file__).parent.parent / "fixtures"
_counter = itertools.count()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A small KB with its index, a book, a file, a folder that is someone else's, an empty one."""
    root = tmp_path_factory.mktemp("cli-template")
    shutil.copytree(FIXTURES / "mdbook", root / "book")
    assert main(["build", str(root / "book"), "--out", str(root / "kb"), "--index-dir", str(root / "ix")]) == 0
    (root / "afile").write_text("precious\n")
    (root / "theirs").mkdir()
    (root / "theirs" / "notes.txt").write_text("precious\n")
    (root / "empty").mkdir()
    (root / "guide\udcff.md").write_bytes(b"# G\n\n## S\n\n### P\n\n```rust\nfn a() {}\n```\n")
    return root


# Paths relative to a fresh copy of the template (the command runs in it), or absolute. Nothing
# outside the copy is named for writing that could be created or replaced: "device" stands for
# /dev/null (a regression run as root would have replaced the machine's own), and nothing can be
# made in /proc.
PATHS = st.sampled_from([
    "kb", "ix", "book", "afile", "afile/child", "theirs", "empty", "new", "missing/deeper/x", "guide\udcff.md",
    "new\udcff", "-", "-x", "--x", "x" * 300, "/".join(["d"] * 60), "device", "/proc/x", "",
    " spaced name", "new\nline",
])
ODD_TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=()), max_size=40)
WORDS = st.sampled_from(["mutex", "arc", "-mutex", "-arc", "kind:snippet", "kind:bogus", "-kind:pattern",
                         "tag:nope", "lang:rust", "section:", "guide:x", "crate:tokio", "sym:Arc", '"a phrase',
                         "AND", "*", "std::sync", "\udcff", "\x1b[2J", "\u202e", "ｍｕｔｅｘ", "-"])
QUERY = st.one_of(
    st.lists(st.one_of(WORDS, ODD_TEXT), min_size=1, max_size=6).map(" ".join),
    st.just("mutex " * 500), st.just("-x " * 1000), st.just("kind:snippet lang:rust"),
)
NUMBERS = st.sampled_from(["0", "1", "3", "-1", "7", "x", "1e3", "99999999999999999999999", "", "\udcff"])
ENCODINGS = st.sampled_from(["utf-8", "latin-1", "cp1252", "utf-16", "punycode", "undefined", "rot13", "base64",
                             "bogus", "utf\udcff", "idna", "mbcs", ""])


def _option(name: str, values) -> st.SearchStrategy[list[str]]:
    return st.one_of(st.just([]), values.map(lambda v: [name, v]))


def _flag(name: str) -> st.SearchStrategy[list[str]]:
    return st.sampled_from([[], [name]])


@st.composite
def command(draw) -> tuple[list[str], list[str]]:
    """(argv, the paths it names for writing). Every writer is given its folder: nothing here
    may write resources/ or the user's cache."""
    verb = draw(st.sampled_from(["build", "list", "show", "schema", "index", "search", "check"]))
    kb = draw(_option("--kb", PATHS))
    index_dir = ["--index-dir", draw(PATHS)]
    if verb == "build":
        out = draw(PATHS)
        guides = draw(st.lists(PATHS, max_size=2))
        also_index = draw(st.sampled_from([[], index_dir]))
        extra = (draw(_option("--pattern-level", NUMBERS)) + draw(_option("--encoding", ENCODINGS))
                 + draw(_flag("--check")) + also_index)
        return ["build", *guides, "--out", out, *extra], [out, *also_index[1:]]
    if verb == "schema":
        out = draw(PATHS)
        return ["schema", "--out", out, *draw(_flag("--check"))], [out]
    if verb == "list":
        return ["list", *kb, *draw(_flag("--json"))], []
    if verb == "show":
        entry = draw(st.one_of(st.sampled_from(["patterns/builder", "intro/x", "x\udcff", "no\nsuch"]), ODD_TEXT))
        argv = ["show", *kb, *index_dir, *draw(_flag("--json")), "--", entry]
        return argv, [index_dir[1]]
    if verb == "index":
        return ["index", *kb, *index_dir, *draw(_flag("--rebuild"))], [index_dir[1]]
    if verb == "check":
        return ["check", *kb, *index_dir], [index_dir[1]]
    options = (kb + index_dir + draw(_option("--limit", NUMBERS)) + draw(_option("--order", ODD_TEXT))
               + draw(_option("--kind", st.sampled_from(["pattern", "snippet", "checklist", "bogus", "\udcff"])))
               + draw(_flag("--json")))
    query = draw(QUERY)
    argv = ["search", query, *options] if draw(st.booleans()) else ["search", *options, query]
    return argv, [index_dir[1]]


def _make_device(path: Path) -> tuple[int, int]:
    """A special file at `path`, as /dev/null is one: a character device like it where this
    process may make one (as root), else a FIFO. Returns (mode, device) to check it is still there."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:  # not root (or no CAP_MKNOD)
        os.mkfifo(path, 0o666)
    info = os.lstat(path)
    return info.st_mode, info.st_rdev


def _snapshot(*roots: Path) -> dict[str, object]:
    """Every file's (size, mtime) and every folder under `roots`."""
    return tree(*roots, describe=lambda path: ((st := os.lstat(path)).st_size, st.st_mtime_ns))


def _run(argv: list[str]) -> tuple[int, bytes, bytes]:
    """main(argv) with a strict UTF-8 stdout and stderr, as a terminal would have."""
    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", errors="strict", write_through=True)
    stderr = io.TextIOWrapper(err, encoding="utf-8", errors="strict", write_through=True)
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse: --help or a usage error
            status = exc.code
    return status, out.getvalue(), err.getvalue()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=command())
def test_every_verb_survives_hostile_arguments(template, case):
    argv, writable = case
    work = template.parent / f"run-{next(_counter)}"
    shutil.copytree(template, work, symlinks=True)
    device = _make_device(work / "device")
    here = os.getcwd()
    os.chdir(work)
    try:
        allowed = [os.path.abspath(p) for p in writable if p]
        before = _snapshot(work, RESOURCES)
        status, out, err = _run(argv)
        after = _snapshot(work, RESOURCES)
    finally:
        os.chdir(here)
    try:
        text_err = err.decode("utf-8")
        text_out = out.decode("utf-8")
        assert status in (0, 1, 2), status
        assert "Traceback" not in text_err
        lines = text_err.splitlines()
        if status:
            assert len(lines) == 1 and lines[0].startswith("patternkb: "), lines
        else:
            assert all(": warning: " in line or line.startswith("patternkb: ") for line in lines), lines
            if "--json" in argv and argv[0] in ("list", "show", "search"):
                json.loads(text_out)
        changed = {p for p in before.keys() | after.keys() if before.get(p, "gone") != after.get(p, "gone")}
        outside = sorted(p for p in changed if not any(p == a or p.startswith(a + os.sep) for a in allowed)
                         # a folder made on the way to a named one (mkdir -p)
                         and not (after.get(p, "gone") is None and any(a.startswith(p + os.sep) for a in allowed)))
        assert not outside, outside
        info = os.lstat(work / "device")  # named for writing or not: never replaced
        assert (info.st_mode, info.st_rdev) == device
    finally:
        shutil.rmtree(work, ignore_errors=True)
