"""The KB directory: byte-identical rebuilds, atomic swaps, staleness and schema checks."""

import json
import os

import pytest

from patternkb.app.cli import main
from patternkb.kb import store
from patternkb.kb.build import build_kb
from patternkb.kb.errors import StoreError
from patternkb.kb.files import live_dir
from patternkb.kb.schema import schema_files
from patternkb.kb.paths import SCHEMA_DIR


def test_two_builds_give_identical_bytes(tmp_path, bundled_guide):
    a = store.write_kb(build_kb([bundled_guide]), tmp_path / "a")
    b = store.write_kb(build_kb([bundled_guide]), tmp_path / "b")
    assert a.name == b.name  # the generation is named by its content
    for name in store.FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes()
    assert sorted(os.listdir(a)) == sorted(store.FILES)
    assert (tmp_path / "a" / "CURRENT").read_bytes() == (tmp_path / "b" / "CURRENT").read_bytes()
    assert json.loads((a / "manifest.json").read_text())["counts"]["patterns"] == 37


def test_written_kb_reads_back_the_same(tmp_path, built_kb):
    store.write_kb(built_kb, tmp_path / "kb")
    loaded = store.load_kb(tmp_path / "kb")
    assert loaded.entries == built_kb.entries and loaded.sections == built_kb.sections
    assert len(loaded.fingerprint) == 64


def test_failed_build_leaves_the_old_kb(tmp_path, built_kb, monkeypatch, mdbook_dir):
    out = tmp_path / "store" / "kb"
    store.write_kb(built_kb, out)
    before = {n: (live_dir(out) / n).read_bytes() for n in store.FILES}
    real_dumps = store._dumps
    calls = []

    def failing_dumps(data):
        calls.append(1)
        if len(calls) == 2:  # the manifest is written, the next file fails midway
            raise OSError("disk full")
        return real_dumps(data)

    monkeypatch.setattr(store, "_dumps", failing_dumps)
    with pytest.raises(OSError):
        store.write_kb(build_kb([mdbook_dir]), out)
    assert {n: (live_dir(out) / n).read_bytes() for n in store.FILES} == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["kb"]
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]


def test_failed_swap_leaves_the_old_kb(tmp_path, built_kb, monkeypatch, mdbook_dir):
    from patternkb.kb import publish

    out = tmp_path / "kb"
    store.write_kb(built_kb, out)
    before = (live_dir(out) / "entries.jsonl").read_bytes()
    real_replace = publish.os.replace

    def replace(src, dst):
        if str(dst).endswith("CURRENT"):
            raise OSError(28, "No space left on device", str(src))
        return real_replace(src, dst)

    monkeypatch.setattr(publish.os, "replace", replace)
    with pytest.raises(StoreError, match="No space left on device"):
        store.write_kb(build_kb([mdbook_dir]), out)
    assert (live_dir(out) / "entries.jsonl").read_bytes() == before
    assert store.load_kb(out).entries == built_kb.entries


def test_invalid_kb_reports_entry_and_field(tmp_path, built_kb):
    out = tmp_path / "kb"
    store.write_kb(built_kb, out)
    entries = [json.loads(line) for line in (live_dir(out) / "entries.jsonl").read_text().splitlines()]
    entries[3]["tags"] = []
    (live_dir(out) / "entries.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries))
    with pytest.raises(StoreError) as info:
        store.load_kb(out)
    message = str(info.value)
    assert "entries.jsonl:4:" in message and entries[3]["id"] in message and "field tags" in message


def test_missing_and_corrupt_kb(tmp_path):
    with pytest.raises(StoreError, match="no KB here"):
        store.load_kb(tmp_path / "nothing")
    (tmp_path / "bad").mkdir()
    for name in store.FILES:
        (tmp_path / "bad" / name).write_text("{not json")
    with pytest.raises(StoreError, match="not valid JSON"):
        store.load_kb(tmp_path / "bad")


def test_bundled_kb_is_current(capsys):
    """`patternkb build --check` against the committed resources/kb/."""
    assert main(["build", "--check"]) == 0, capsys.readouterr().err


def test_build_check_detects_a_stale_kb(tmp_path, bundled_guide, capsys):
    out = tmp_path / "kb"
    assert main(["build", str(bundled_guide), "--out", str(out)]) == 0
    assert main(["build", str(bundled_guide), "--out", str(out), "--check"]) == 0
    manifest = live_dir(out) / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"patterns": 37', '"patterns": 36'))
    assert main(["build", str(bundled_guide), "--out", str(out), "--check"]) == 1
    assert "stale" in capsys.readouterr().err


def test_exported_schema_is_current():
    for name, data in schema_files().items():
        assert (SCHEMA_DIR / name).read_bytes() == data, f"{name} is stale: run `patternkb schema`"
