"""Bad input on the command line: one line on stderr, the promised exit status, valid UTF-8 out."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from patternkb.app.cli import main
from patternkb.index.query import KINDS
from patternkb.kb.paths import BUNDLED_KB
from patternkb.kb.store import load_kb

PATTERNKB = Path(sys.executable).parent / "patternkb"
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def run(capsys, *argv):
    capsys.readouterr()
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def one_error_line(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("patternkb: error: ") and "Traceback" not in err


@pytest.fixture(scope="module")
def ix(bundled_index):
    return str(bundled_index.store.root)


# -- search syntax on the command line -------------------------------------------------------

def test_minus_word_searches_without_it_in_guide_order(capsys, ix):
    status, out, _ = run(capsys, "search", "mutex", "--index-dir", ix, "--json", "--limit", "1000")
    # The entries saying mutex: the rows, and the checklist items folded into them.
    with_mutex = {i for h in json.loads(out)["hits"] for i in [h["id"], *(s["id"] for s in h["sub_hits"])]
                  if "#" not in i}
    status, out, err = run(capsys, "search", "-mutex", "--index-dir", ix, "--json", "--limit", "1000")
    result = json.loads(out)
    ids = [h["id"] for h in result["hits"]]
    assert status == 0 and with_mutex and ids
    assert not set(ids) & with_mutex
    assert len(ids) + len(with_mutex) == len(load_kb(BUNDLED_KB).entries)  # every entry, one side or the other
    status, out, _ = run(capsys, "search", "-mutex", "--index-dir", ix, "--json", "--limit", "1000",
                         "--order", "guide")
    assert [h["id"] for h in json.loads(out)["hits"]] == ids  # no words to rank by: guide order


def test_query_words_may_be_several_arguments_anywhere(capsys, ix):
    _, joined, _ = run(capsys, "search", "arc -mutex", "--index-dir", ix, "--json")
    for argv in (["search", "arc", "-mutex", "--index-dir", ix, "--json"],
                 ["search", "--index-dir", ix, "arc", "--json", "-mutex"],
                 ["search", "--json", "--index-dir", ix, "--", "arc", "-mutex"]):
        status, out, _ = run(capsys, *argv)
        assert status == 0 and json.loads(out)["hits"] == json.loads(joined)["hits"]


def test_an_option_value_that_starts_with_a_dash_stays_the_options(capsys, ix):
    with pytest.raises(SystemExit) as info:
        main(["search", "mutex", "--limit", "-3", "--index-dir", ix])
    assert info.value.code == 2 and "--limit is 1 or more" in capsys.readouterr().err


@pytest.mark.parametrize("query, listed", [
    ("kind:bogus", "kind is one of " + ", ".join(KINDS)),
    ("mutex tag:nope", "tag:nope matches nothing; tag is one of "),
    ("lang:cobol", "lang:cobol matches nothing; lang is one of "),
    ('section:"no such section"', 'section:no such section matches nothing; section is one of '),
])
def test_unknown_filter_values_list_what_exists(capsys, ix, query, listed):
    status, out, err = run(capsys, "search", query, "--index-dir", ix)
    assert status == 1 and out == "" and one_error_line(err) and listed in err


def test_known_filter_values_that_find_nothing_together_are_not_errors(capsys, ix):
    status, out, err = run(capsys, "search", "zzqxv kind:snippet", "--index-dir", ix)
    assert status == 0 and out.startswith("no results for 'zzqxv kind:snippet'") and err == ""


def test_messages_cut_long_queries(capsys, ix):
    for query in ("zzqxv " * 6000, "!" * 30_000, "zzqxv\nqqzzv\x1b"):
        status, out, err = run(capsys, "search", query, "--index-dir", ix)
        assert status == 0 and len(out) < 250 and out.count("\n") == 1 and "\x1b" not in out


# -- undecodable bytes -----------------------------------------------------------------------

def test_json_is_valid_utf8_with_an_undecodable_byte(capsys, ix):
    status, out, err = run(capsys, "search", "mutex \udcff", "--index-dir", ix, "--json")
    data = json.loads(out.encode("utf-8"))  # encodes: no lone surrogate left
    assert status == 0 and data["query"] == "mutex \ufffd" and data["hits"]
    assert err == "patternkb: note: 1 undecodable character(s) replaced with U+FFFD in the JSON\n"


def test_a_plain_search_says_an_undecodable_byte_was_ignored(ix):
    env = dict(os.environ, LC_ALL="C")
    done = subprocess.run([PATTERNKB, b"search", b"\xff", b"--index-dir", ix.encode()], env=env,
                          capture_output=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith(b"nothing to search for")
    assert done.stderr == b"patternkb: note: 1 undecodable character(s) in the query ignored\n"


@pytest.mark.parametrize("encoding", ["utf-8:strict", "ascii:strict"])
def test_a_strict_stdout_never_raises(ix, encoding, tmp_path):
    env = dict(os.environ, PYTHONIOENCODING=encoding, LC_ALL="C")
    for argv, is_json in (([b"search", b"mutex \xff", b"--json"], True), ([b"search", b"\xff\xfe"], False),
                          ([b"show", b"x\xff\n"], False), ([b"list", b"--kb", os.fsencode(tmp_path) + b"/k\xff"], False)):
        done = subprocess.run([PATTERNKB, *argv, b"--index-dir", ix.encode()], env=env, capture_output=True, timeout=120)
        assert b"Traceback" not in done.stderr and done.returncode in (0, 1)
        out = done.stdout.decode("utf-8")  # valid UTF-8, whatever the terminal's encoding
        if is_json:
            assert json.loads(out)["hits"]
        if done.returncode:
            assert done.stderr.count(b"\n") == 1


# -- folders that cannot be written ----------------------------------------------------------

def test_schema_out_refuses_a_file_and_a_foreign_folder(capsys, tmp_path):
    afile = tmp_path / "notes.txt"
    afile.write_text("precious")
    status, _, err = run(capsys, "schema", "--out", str(afile))
    assert status == 1 and one_error_line(err) and "is not a folder" in err and afile.read_text() == "precious"
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("precious")
    status, _, err = run(capsys, "schema", "--out", str(folder))
    assert status == 1 and one_error_line(err) and "notes.txt" in err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_schema_out_writes_into_a_new_folder_and_over_its_own_files(capsys, tmp_path):
    out = tmp_path / "new" / "schema"
    assert run(capsys, "schema", "--out", str(out))[0] == 0
    assert run(capsys, "schema", "--out", str(out))[0] == 0  # only its own files there: rewritten
    assert sorted(p.name for p in out.iterdir()) == ["entries.schema.json", "manifest.schema.json",
                                                       "sections.schema.json"]
    assert run(capsys, "schema", "--out", str(out), "--check")[0] == 0


@pytest.mark.parametrize("content", ['{"mine": true}', "not json", "[]", '{"title": "Manifest"}'])
def test_schema_out_refuses_files_with_a_schema_s_name_that_are_not_ours(capsys, tmp_path, content):
    folder = tmp_path / "site"
    folder.mkdir()
    for name in ("entries.schema.json", "manifest.schema.json", "sections.schema.json"):
        (folder / name).write_text(content)
    status, _, err = run(capsys, "schema", "--out", str(folder))
    assert status == 1 and one_error_line(err) and str(folder) in err and "not patternkb's schema" in err
    assert {p.name: p.read_text() for p in folder.iterdir()} == {
        n: content for n in ("entries.schema.json", "manifest.schema.json", "sections.schema.json")}


def test_schema_out_never_writes_through_a_symlink_named_like_its_temporary_file(capsys, tmp_path):
    out = tmp_path / "schema"
    assert run(capsys, "schema", "--out", str(out))[0] == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / ".entries.schema.json.tmp").symlink_to(victim)
    status, _, err = run(capsys, "schema", "--out", str(out))
    assert status == 1 and one_error_line(err) and ".entries.schema.json.tmp" in err
    assert victim.read_text() == "precious" and (out / ".entries.schema.json.tmp").is_symlink()
    (out / ".entries.schema.json.tmp").unlink()
    (out / ".entries.schema.json.abcd1234.tmp").write_text('{"typ')  # a write that was killed
    assert run(capsys, "schema", "--out", str(out))[0] == 0
    assert all(oct(p.stat().st_mode & 0o777) == "0o644" for p in out.glob("*.schema.json"))
    assert run(capsys, "schema", "--out", str(out), "--check")[0] == 0


@pytest.mark.parametrize("where", ["/proc/x", "FILE/child", "/dev/null"])
def test_paths_that_cannot_be_folders_are_one_line(capsys, tmp_path, mdbook_dir, where):
    target = where.replace("FILE", str(tmp_path / "afile"))
    (tmp_path / "afile").write_text("x")
    for argv in (["schema", "--out", target], ["build", str(mdbook_dir), "--out", target],
                 ["index", "--index-dir", target], ["search", "mutex", "--index-dir", target],
                 ["check", "--index-dir", target]):
        status, _, err = run(capsys, *argv)
        assert status == 1 and one_error_line(err), (argv, err)


def test_traceback_flag_shows_an_os_error_whole(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OSError):
        main(["--traceback", "schema", "--out", str(tmp_path / "afile" / "child")])


def test_a_failed_build_prints_only_its_error(capsys, tmp_path, mdbook_dir):
    """The fixture book has a missing chapter: a warning a successful build prints on stderr."""
    status, out, err = run(capsys, "build", str(mdbook_dir), "--out", str(tmp_path / "kb"))
    assert status == 0 and out.startswith("built ") and "warning" in err
    (tmp_path / "afile").write_text("x")
    status, out, err = run(capsys, "build", str(mdbook_dir), "--out", str(tmp_path / "afile"))
    assert status == 1 and one_error_line(err) and "warning" not in err


def test_an_error_naming_a_control_character_stays_one_line(capsys, ix, tmp_path):
    status, _, err = run(capsys, "show", "no\nsuch\rentry\x1b[2J", "--index-dir", ix)
    assert status == 1 and one_error_line(err) and "\x1b" not in err
    status, _, err = run(capsys, "list", "--kb", str(tmp_path / "a\nb\x1b[2J"))
    assert status == 1 and one_error_line(err) and "a\\x0ab\\x1b[2J" in err


def test_a_failed_search_prints_only_its_error_not_what_it_did_first(capsys, tmp_path):
    """The index is built on first use (a note on stderr when the search succeeds)."""
    status, _, err = run(capsys, "search", "kind:bogus", "--index-dir", str(tmp_path / "ix"))
    assert status == 1 and one_error_line(err) and "kind:bogus" in err
    status, _, err = run(capsys, "search", "mutex", "--index-dir", str(tmp_path / "ix2"))
    assert status == 0 and err.startswith("patternkb: index was missing")


@pytest.fixture
def full_disk():
    """A 64 KB tmpfs, filled up (root only)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount = Path(tempfile.mkdtemp(prefix="patternkb-full-"))
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True).returncode:
        mount.rmdir()
        pytest.skip("mount -t tmpfs is not allowed here")
    try:
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:  # full
            pass
        finally:
            os.close(fd)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)
        mount.rmdir()


# Whoosh leaves its table-of-contents file open when writing it fails (no try/finally around the
# write): the file is closed by the collector, with a ResourceWarning the index store cannot stop.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_full_disk_is_one_line_for_every_writer(capsys, full_disk, mdbook_dir, bundled_kb_dir):
    for argv in (["schema", "--out", str(full_disk / "schema")],
                 ["build", str(mdbook_dir), "--out", str(full_disk / "kb")],
                 ["index", "--index-dir", str(full_disk / "ix")],
                 ["index", "--rebuild", "--index-dir", str(full_disk / "ix")],
                 ["search", "mutex", "--index-dir", str(full_disk / "ix")]):
        status, _, err = run(capsys, *argv)
        assert status == 1 and one_error_line(err) and "No space left on device" in err, (argv, err)


# -- an ordinary user on read-only folders ---------------------------------------------------

@pytest.fixture(scope="module")
def read_only(bundled_index, bundled_kb_dir):
    """A world-readable, nobody-writable tree: a KB, an index, a book, an empty folder."""
    if os.geteuid() != 0:
        pytest.skip("switching to an ordinary user needs root")
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is not installed")
    root = Path(tempfile.mkdtemp(prefix="patternkb-ro-"))
    try:
        shutil.copytree(bundled_kb_dir, root / "kb")
        shutil.copytree(bundled_index.store.root, root / "ix")
        shutil.copytree(Path(__file__).parent.parent / "fixtures" / "mdbook", root / "book")
        (root / "empty").mkdir()
        subprocess.run(["chmod", "-R", "a+rX,a-w", str(root)], check=True)
        probe = subprocess.run([*NOBODY, sys.executable, "-c", "import patternkb.app.cli"], capture_output=True,
                               cwd=str(root))
        if probe.returncode:
            pytest.skip(f"the ordinary user cannot run this checkout: {probe.stderr.decode()[-200:]}")
        yield root
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(root)], check=True)
        shutil.rmtree(root)


def _as_nobody(root: Path, *argv: str) -> subprocess.CompletedProcess:
    # Fontconfig's cache is the one thing left writable: where the system's font cache is older
    # than the installed fonts, fontconfig (under Qt) writes a user cache or complains on stderr,
    # which is not patternkb's to answer for. Every folder patternkb is named stays read-only.
    fonts = Path(tempfile.mkdtemp(prefix="patternkb-fontcache-"))
    fonts.chmod(0o777)
    env = dict(os.environ, HOME=str(root), XDG_CACHE_HOME=str(fonts), QT_QPA_PLATFORM="offscreen")
    try:
        return subprocess.run([*NOBODY, str(PATTERNKB), *argv], capture_output=True, text=True, env=env,
                              cwd=str(root), timeout=120)
    finally:
        shutil.rmtree(fonts, ignore_errors=True)


@pytest.mark.parametrize("verb", ["build", "build-index", "schema", "schema-new", "index", "index-rebuild",
                                  "search", "show", "check", "gui"])
def test_an_ordinary_user_on_read_only_folders(read_only, verb):
    r = read_only
    argv = {
        "build": ["build", f"{r}/book", "--out", f"{r}/empty"],
        "build-index": ["build", f"{r}/book", "--out", f"{r}/kb2"],
        "schema": ["schema", "--out", f"{r}/empty"],
        "schema-new": ["schema", "--out", f"{r}/new"],
        "index": ["index", "--kb", f"{r}/kb", "--index-dir", f"{r}/ix-new"],
        "index-rebuild": ["index", "--rebuild", "--kb", f"{r}/kb", "--index-dir", f"{r}/ix"],
        "search": ["search", "mutex", "--kb", f"{r}/kb", "--index-dir", f"{r}/ix-new"],
        "show": ["show", "no/such", "--kb", f"{r}/kb", "--index-dir", f"{r}/ix"],
        "check": ["check", "--kb", f"{r}/kb", "--index-dir", f"{r}/ix-new"],
        "gui": ["gui", "--kb", f"{r}/kb", "--index-dir", f"{r}/ix-new", "--screenshot", f"{r}/shot.png"],
    }[verb]
    done = _as_nobody(r, *argv)
    assert "Traceback" not in done.stderr
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr


def test_an_ordinary_user_reads_a_read_only_kb_and_index(read_only):
    assert _as_nobody(read_only, "list", "--kb", f"{read_only}/kb").returncode == 0
    done = _as_nobody(read_only, "search", "mutex", "--kb", f"{read_only}/kb", "--index-dir", f"{read_only}/ix")
    assert done.returncode == 0 and "mutex" in done.stdout.lower(), done.stderr
