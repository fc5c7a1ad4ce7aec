"""`patternkb list` and `show` over the bundled KB, as a maintainer reads them."""

import json

from patternkb.app.cli import main
from patternkb.kb.paths import BUNDLED_KB
from patternkb.kb.store import load_kb


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_list_prints_every_entry(capsys):
    status, out, _ = run(capsys, "list")
    lines = out.splitlines()
    assert status == 0 and len(lines) == len(load_kb(BUNDLED_KB).entries) >= 37 + 65
    assert [line.split()[0] for line in lines] == [e.id for e in load_kb(BUNDLED_KB).entries]  # in guide order
    assert ["concurrency-async/thread-safety-patterns", "pattern", "Thread", "Safety", "Patterns"] in [
        line.split() for line in lines]


def test_list_json_is_an_array_of_all_entries(capsys):
    status, out, _ = run(capsys, "list", "--json")
    entries = json.loads(out)
    assert status == 0 and len(entries) == len(load_kb(BUNDLED_KB).entries)
    required = {"id", "kind", "title", "section", "path", "tags", "source"}
    with_body = {"code", "snippets", "symbols", "packages"}  # patterns' and overviews'
    assert all(required <= set(e) for e in entries)
    assert all(with_body <= set(e) for e in entries if e["kind"] != "checklist")
    assert {e["kind"] for e in entries} >= {"pattern", "checklist"}


def test_show_json_has_the_documented_shape(capsys):
    status, out, _ = run(capsys, "show", "concurrency-async/async-await-patterns", "--json")
    entry = json.loads(out)
    assert status == 0
    assert entry["kind"] == "pattern" and entry["title"] == "Async/Await Patterns"
    assert entry["path"] == ["Concurrency & Async", "Async/Await Patterns"]
    assert set(entry["code"][0]) >= {"language", "code"} and entry["code"][0]["language"] == "rust"
    assert set(entry["snippets"][0]) >= {"title", "language", "code"}
    assert entry["source"] == {"file": "complete-rust-guide.md", "line_start": 532, "line_end": 613}
    assert "tokio" in entry["packages"]


def test_show_text_is_readable(capsys):
    status, out, _ = run(capsys, "show", "concurrency-async/async-await-patterns")
    assert status == 0
    assert out.startswith("Async/Await Patterns\nConcurrency & Async › Async/Await Patterns\n")
    assert "  ── Rate limiting with semaphore (rust, line 561)" in out.split("\nsnippets:\n")[1]


def test_show_text_prints_the_whole_body_in_order(capsys, tmp_path):
    guide = tmp_path / "g.md"
    guide.write_text("# G\n\n## Topic\n\nFirst paragraph.\n\nSecond paragraph with the advice.\n\n"
                     "```python\nx = 1\n```\n\n> **Note:** this note matters.\n\n* a list item\n", encoding="utf-8")
    assert run(capsys, "build", str(guide), "--out", str(tmp_path / "kb"))[0] == 0
    status, out, _ = run(capsys, "show", "g/topic", "--kb", str(tmp_path / "kb"), "--index-dir", str(tmp_path / "ix"))
    assert status == 0
    body = out.split("\nsnippets:\n")[0]
    order = [body.index(s) for s in ("First paragraph.", "Second paragraph with the advice.", "x = 1",
                                     "this note matters", "a list item")]
    assert order == sorted(order)


def test_show_unknown_id_suggests(capsys):
    status, _, err = run(capsys, "show", "async")
    assert status == 1
    assert err.startswith("patternkb: error: no entry 'async'")
    assert "concurrency-async/async-await-patterns" in err and err.count("\n") == 1


def test_show_and_list_from_a_missing_kb(capsys, tmp_path):
    status, _, err = run(capsys, "list", "--kb", str(tmp_path / "none"))
    assert status == 1 and "no KB here" in err and "Traceback" not in err


def test_build_prints_each_guide_s_coverage_and_json_gives_it_per_block_kind(capsys, tmp_path, mdbook_dir):
    status, out, _ = run(capsys, "build", str(mdbook_dir), "--out", str(tmp_path / "kb"))
    kb = load_kb(tmp_path / "kb")
    guide = kb.manifest.guides[0]
    assert status == 0 and f"  {guide.id}: 100.0% of " in out and "links between entries resolved" in out
    status, out, _ = run(capsys, "build", str(mdbook_dir), "--out", str(tmp_path / "kb2"), "--json")
    report = json.loads(out)
    assert status == 0 and report["written"] and report["kb"] == str(tmp_path / "kb2")
    assert report["counts"] == kb.manifest.counts.model_dump(mode="json")
    coverage = report["guides"][0]["coverage"]
    assert coverage and all(set(c) == {"total", "in_entries", "left_out", "lost"} for c in coverage.values())
    assert sum(c["lost"] for c in coverage.values()) == 0 and report["guides"][0]["covered"] == 1.0
    status, out, _ = run(capsys, "build", str(mdbook_dir), "--out", str(tmp_path / "kb2"), "--json", "--check")
    assert status == 0 and json.loads(out)["up_to_date"]
