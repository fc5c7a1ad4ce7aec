"""The KB store never replaces what patternkb did not write, collects only its own leftovers,
turns every OSError into one line, and refuses a KB whose files disagree with each other."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from patternkb.app.cli import main
from patternkb.kb import files, publish, store
from patternkb.kb.build import build_kb
from patternkb.kb.errors import ForeignFolder, StoreError
from patternkb.kb.files import live_dir
from tests.kb.kb_store_procs import _leftovers, guide_text, old_files


@pytest.fixture
def small_kbs(tmp_path):
    """Three small KBs of three generated guides, and the guides."""
    guides = []
    for seed in (1, 2, 3):
        guides.append(tmp_path / f"guide-{seed}.md")
        guides[-1].write_text(guide_text(seed), encoding="utf-8")
    return [build_kb([g]) for g in guides], guides


def _tree(path: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(path)): (p.read_bytes() if p.is_file() else None) for p in sorted(path.rglob("*"))}


# --- folders that are not ours ----------------------------------------------------------


def test_build_refuses_a_folder_holding_other_files(tmp_path, small_kbs, capsys):
    _, guides = small_kbs
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "notes.txt").write_text("precious\n")
    assert main(["build", str(guides[0]), "--out", str(folder)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(folder) in err and "did not write" in err
    assert _tree(folder) == {"notes.txt": b"precious\n"}


def test_build_refuses_an_existing_file(tmp_path, small_kbs, capsys):
    _, guides = small_kbs
    target = tmp_path / "kb.json"
    target.write_text("mine\n")
    assert main(["build", str(guides[0]), "--out", str(target)]) == 1
    assert str(target) in capsys.readouterr().err
    assert target.read_text() == "mine\n" and sorted(os.listdir(tmp_path)) == sorted(
        ["kb.json", "guide-1.md", "guide-2.md", "guide-3.md"])


@pytest.mark.parametrize("where", ["empty", "new/and/nested"])
def test_build_into_an_empty_or_new_folder(tmp_path, small_kbs, where):
    kbs, guides = small_kbs
    out = tmp_path / where
    out.mkdir(parents=True) if where == "empty" else None
    assert main(["build", str(guides[0]), "--out", str(out)]) == 0
    assert store.load_kb(out).entries == kbs[0].entries
    assert sorted(os.listdir(out)) == [".patternkb-kb", "CURRENT", live_dir(out).name]


def test_symlinks(tmp_path, small_kbs):
    kbs, _ = small_kbs
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "a.txt").write_text("a")
    (tmp_path / "to-foreign").symlink_to(foreign)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    for link in ("to-foreign", "dangling"):
        with pytest.raises(ForeignFolder, match="is a symlink to"):
            store.write_kb(kbs[0], tmp_path / link)
    assert _tree(foreign) == {"a.txt": b"a"} and not (tmp_path / "nowhere").exists()
    ours = tmp_path / "ours"
    store.write_kb(kbs[0], ours)
    (tmp_path / "to-ours").symlink_to(ours)
    store.write_kb(kbs[1], tmp_path / "to-ours")  # a symlink to a KB of ours is followed
    assert (tmp_path / "to-ours").is_symlink() and store.load_kb(ours).entries == kbs[1].entries


def test_flat_kb_of_earlier_versions_is_refused_then_migrated(tmp_path, small_kbs):
    kbs, _ = small_kbs
    flat = tmp_path / "flat"
    flat.mkdir()
    for name, data in old_files(kbs[0]).items():
        (flat / name).write_bytes(data)
    with pytest.raises(StoreError, match=r"written by an earlier patternkb \(entries.json\): rebuild"):
        store.load_kb(flat)
    store.write_kb(kbs[1], flat)
    assert store.load_kb(flat).entries == kbs[1].entries
    assert not any((flat / n).exists() for n in files.FLAT_FILES)  # the flat files went once CURRENT was live
    cluttered = tmp_path / "cluttered"  # a flat KB with something else beside it is not ours
    cluttered.mkdir()
    for name, data in old_files(kbs[0]).items():
        (cluttered / name).write_bytes(data)
    (cluttered / "notes.txt").write_text("x")
    before = _tree(cluttered)
    with pytest.raises(ForeignFolder):
        store.write_kb(kbs[1], cluttered)
    assert _tree(cluttered) == before


def _write_schema_1_flat_kb(folder: Path, kb) -> None:
    """A KB as the first versions wrote it: the three files in the folder, schema version 1,
    no checksums in the manifest."""
    folder.mkdir(parents=True)
    for name, data in old_files(kb, schema_version=1).items():
        if name == files.MANIFEST:
            manifest = json.loads(data)
            manifest.pop("sha256", None)
            data = json.dumps(manifest).encode()
        (folder / name).write_bytes(data)


def test_a_flat_kb_of_schema_version_1_is_migrated(tmp_path, small_kbs):
    kbs, guides = small_kbs
    flat = tmp_path / "flat"
    _write_schema_1_flat_kb(flat, kbs[0])
    assert main(["build", str(guides[1]), "--out", str(flat)]) == 0
    assert store.load_kb(flat).entries == kbs[1].entries
    assert not any((flat / n).exists() for n in files.FLAT_FILES)


@pytest.mark.parametrize("content", ["user", "manifest_of_another_tool", "entries_not_a_list"])
def test_three_files_with_a_kb_s_names_are_not_a_kb_of_ours(tmp_path, small_kbs, capsys, content):
    kbs, guides = small_kbs
    web = tmp_path / "web"
    web.mkdir()
    for name in files.FLAT_FILES:
        (web / name).write_text('{"mine":true}\n')
    if content != "user":
        for name, data in old_files(kbs[0]).items():
            (web / name).write_bytes(data)
        if content == "manifest_of_another_tool":
            (web / files.MANIFEST).write_text('{"schema_version": 1, "name": "site"}')
        else:
            (web / files.OLD_ENTRIES).write_text('{"entries": []}')
    before = _tree(web)
    assert main(["build", str(guides[0]), "--out", str(web)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(web) in err and "did not write" in err
    assert _tree(web) == before


@pytest.mark.parametrize("content", ["partial", "user"])
def test_a_folder_named_like_an_old_swap_is_left_unless_it_holds_a_kb_of_ours(tmp_path, small_kbs, content):
    kbs, guides = small_kbs
    swap = tmp_path / ".kbx.old-abcdefgh"
    swap.mkdir()
    if content == "partial":  # a KB's name, not a KB's files
        (swap / files.OLD_ENTRIES).write_text("{}\n")
    else:
        for name in files.FLAT_FILES:
            (swap / name).write_text('{"mine":true}\n')
    before = _tree(swap)
    assert main(["build", str(guides[0]), "--out", str(tmp_path / "kbx")]) == 0
    assert _tree(swap) == before


# --- leftovers and generations ----------------------------------------------------------


def test_the_next_writer_collects_only_its_own_leftovers(tmp_path, small_kbs):
    kbs, _ = small_kbs
    out = tmp_path / "kb"
    store.write_kb(kbs[0], out)
    killed = out / ".staging-abcd1234"  # a build killed while staging: it carries the marker
    killed.mkdir()
    (killed / publish.STAGING_MARKER).touch()
    (killed / files.ENTRIES).write_bytes(b"[" * 1000)
    (out / ".staging-empty123").mkdir()  # killed right after mkdtemp
    (out / ".patternkb-tmp-0a1b2c3d4e5f").write_text("kb-")  # killed before the pointer's replace
    (out / "kb-0123456789abcdef").mkdir()  # a generation renamed in, never made live
    lookalike = out / ".staging-notours"  # our name, not our marker: left alone
    lookalike.mkdir()
    (lookalike / "data").write_text("x")
    (out / "notes.txt").write_text("someone's")  # a name we never use: left alone
    old_swap = tmp_path / ".kb.new-abcd_123"  # what earlier versions left beside the KB
    _write_schema_1_flat_kb(old_swap, kbs[0])
    other = tmp_path / ".kb.old-zzzzzzzz"
    other.mkdir()
    (other / "photo.jpg").write_text("x")
    store.write_kb(kbs[1], out)
    assert sorted(os.listdir(out)) == sorted([
        ".patternkb-kb", "CURRENT", ".staging-notours", "notes.txt",
        files.generation_name(store.fingerprint(kbs[1])), files.generation_name(store.fingerprint(kbs[0]))])
    assert not old_swap.exists() and (other / "photo.jpg").exists()


def test_the_previous_generation_is_kept_older_ones_collected(tmp_path, small_kbs):
    kbs, _ = small_kbs
    out = tmp_path / "kb"
    names = [store.write_kb(kb, out).name for kb in kbs]
    assert (out / "CURRENT").read_text() == f"{names[2]}\n"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith("kb-")) == sorted(names[1:])


def test_a_damaged_generation_is_repaired_by_the_same_build(tmp_path, small_kbs):
    kbs, _ = small_kbs
    out = tmp_path / "kb"
    first = store.write_kb(kbs[0], out)
    (first / files.ENTRIES).write_text("[]\n")
    with pytest.raises(StoreError):
        store.load_kb(out)
    assert store.write_kb(kbs[0], out) == first
    assert store.load_kb(out).entries == kbs[0].entries and _leftovers(out) == []


def test_a_reader_whose_generation_is_collected_reads_the_new_one(tmp_path, small_kbs, monkeypatch):
    """The reader resolves CURRENT, then two publishes collect that generation before it reads."""
    kbs, _ = small_kbs
    out = tmp_path / "kb"
    store.write_kb(kbs[0], out)
    real_live_dir = files.live_dir
    calls = []

    def live_dir_then_publish(directory):
        found = real_live_dir(directory)
        if not calls:
            calls.append(found)
            store.write_kb(kbs[1], out)
            store.write_kb(kbs[2], out)
            assert not found.exists()
        return found

    monkeypatch.setattr(files, "live_dir", live_dir_then_publish)
    assert store.load_kb(out).entries == kbs[2].entries


def test_a_pointer_cannot_lead_outside_the_kb(tmp_path, small_kbs):
    kbs, _ = small_kbs
    out = tmp_path / "kb"
    store.write_kb(kbs[0], out)
    (out / "CURRENT").write_text("../../etc\n")
    with pytest.raises(StoreError, match="CURRENT does not name a KB generation"):
        files.read_files(out)


# --- OSError -> one line ----------------------------------------------------------------


def test_a_write_error_is_one_line_and_leaves_the_old_kb(tmp_path, small_kbs, monkeypatch):
    kbs, _ = small_kbs
    out = tmp_path / "kb"
    store.write_kb(kbs[0], out)
    real_write = publish.os.write

    def full(fd, data):
        if len(data) > 1000:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(publish.os, "write", full)
    with pytest.raises(StoreError) as info:
        store.write_kb(kbs[1], out)
    assert "No space left on device" in str(info.value) and str(out) in str(info.value)
    assert "\n" not in str(info.value)
    monkeypatch.undo()
    assert store.load_kb(out).entries == kbs[0].entries and _leftovers(out) == []


def test_out_under_proc_is_one_line(small_kbs):
    kbs, _ = small_kbs
    with pytest.raises(StoreError, match="/proc/x.*cannot write the KB"):
        store.write_kb(kbs[0], Path("/proc/x"))


def test_a_tmpfs_that_fills_up(tmp_path, small_kbs, bundled_guide):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    kbs, _ = small_kbs
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mnt)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        out = mnt / "kb"
        store.write_kb(kbs[0], out)
        used = shutil.disk_usage(mnt).used
        with pytest.raises(StoreError, match="No space left on device"):
            store.write_kb(build_kb([bundled_guide]), out)  # about 350 KB: it cannot fit
        assert store.load_kb(out).entries == kbs[0].entries and _leftovers(out) == []
        assert shutil.disk_usage(mnt).used <= used  # the partial generation was removed
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_a_read_only_kb_for_an_ordinary_user(small_kbs, request):
    """As nobody: the KB reads, a build says "Permission denied" in one line, nothing changes."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run as an unprivileged user")
    kbs, guides = small_kbs
    # pytest's own temporary folders are private to root: nobody could not even look in
    shared = Path(tempfile.mkdtemp(prefix="patternkb-ro-"))
    shared.chmod(0o755)
    request.addfinalizer(lambda: shutil.rmtree(shared))
    out = shared / "kb"
    store.write_kb(kbs[0], out)
    guide = shared / guides[1].name
    shutil.copy(guides[1], guide)
    guide.chmod(0o644)
    before = _tree(out)
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c"]
    read = subprocess.run([*as_nobody, f"from patternkb.kb.store import load_kb; print(len(load_kb({str(out)!r}).entries))"],
                          capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert read.returncode == 0 and read.stdout.strip() == str(len(kbs[0].entries)), read.stderr
    build = subprocess.run([*as_nobody, "from patternkb.app.cli import main; import sys; sys.exit(main(sys.argv[1:]))",
                            "build", str(guide), "--out", str(out)],
                           capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert build.returncode == 1 and "Permission denied" in build.stderr and str(out) in build.stderr
    assert len(build.stderr.strip().splitlines()) == 1 and "Traceback" not in build.stderr
    assert _tree(out) == before


# --- semantic damage --------------------------------------------------------------------


def _rewrite(out: Path, name: str, change, *, fix_checksum: bool = True) -> None:
    """Change one file of the live generation; with `fix_checksum`, record its new sha256 in
    the manifest too, so that only the check under test can see the damage."""
    live = live_dir(out)
    if name == files.ENTRIES:  # one entry per line: changed as the list of them
        data = change([json.loads(line) for line in (live / name).read_text().splitlines()])
        raw = "".join(json.dumps(entry) + "\n" for entry in data).encode()
    else:
        data = change(json.loads((live / name).read_text()))
        raw = json.dumps(data, indent=1).encode()
    (live / name).write_bytes(raw)
    if fix_checksum and name != "manifest.json":
        manifest = json.loads((live / "manifest.json").read_text())
        manifest["sha256"][name.split(".")[0]] = hashlib.sha256(raw).hexdigest()
        (live / "manifest.json").write_text(json.dumps(manifest))


def _first_pattern(entries: list) -> dict:
    return next(e for e in entries if e["kind"] == "pattern" and e["code"])


def _set(entry: dict, key: str, value) -> None:
    entry[key] = value


def _drop_code(entries: list) -> list:
    pattern = next(e for e in entries if e["kind"] == "pattern" and len(e["code"]) == 1)
    pattern["code"], pattern["snippets"] = [], []
    return entries


DAMAGE = {
    "no entries": ("entries.jsonl", lambda e: [], "entries.jsonl: manifest says 37 patterns, the file holds 0"),
    "no sections": ("sections.json", lambda s: [], "sections.json: manifest says 16 sections, the file holds 0"),
    "a link to a missing id": ("entries.jsonl", lambda e: _set(_first_pattern(e), "links", ["no/such-entry"]) or e,
                               "links to missing entry no/such-entry"),
    "a bad section id": ("entries.jsonl", lambda e: _set(e[0], "section", "no-such-section") or e,
                         "section no-such-section is not in sections.json"),
    "an unknown guide": ("sections.json", lambda s: _set(s[0], "guide", "other-guide") or s,
                         "guide other-guide is not in manifest.json"),
    "a duplicate id": ("entries.jsonl", lambda e: _set(e[1], "id", e[0]["id"]) or e, "duplicate ids: "),
    "a code block fewer": ("entries.jsonl", _drop_code, "entries.jsonl: manifest says 36 code blocks, the file holds 35"),
}


@pytest.mark.parametrize("case", DAMAGE)
def test_a_semantically_damaged_kb_is_refused(tmp_path, built_kb, case):
    name, change, message = DAMAGE[case]
    out = tmp_path / "kb"
    store.write_kb(built_kb, out)
    _rewrite(out, name, change)
    with pytest.raises(StoreError) as info:
        store.load_kb(out)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_changed_file_fails_its_checksum(tmp_path, built_kb):
    out = tmp_path / "kb"
    store.write_kb(built_kb, out)
    _rewrite(out, "entries.jsonl", lambda e: _set(e[0], "title", e[0]["title"] + " (edited)") or e,
             fix_checksum=False)
    with pytest.raises(StoreError, match=r"entries.jsonl: sha256 differs from the one manifest.json records"):
        store.load_kb(out)


def test_a_manifest_without_checksums_is_refused(tmp_path, built_kb):
    out = tmp_path / "kb"
    store.write_kb(built_kb, out)
    _rewrite(out, "manifest.json", lambda m: {k: v for k, v in m.items() if k != "sha256"})
    with pytest.raises(StoreError, match="manifest.json: records no checksums"):
        store.load_kb(out)
