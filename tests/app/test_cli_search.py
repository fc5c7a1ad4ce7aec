"""`patternkb index`, `search`, `check` and `show --json` with an index, as a user runs them."""

import hashlib
import json
from pathlib import Path

import pytest

from patternkb.app.cli import main
from patternkb.index.library import PatternLibrary, SearchOptions
from patternkb.kb.paths import BUNDLED_KB
from patternkb.kb.store import load_kb


@pytest.fixture
def index_dir(tmp_path):
    return str(tmp_path / "ix")


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_index_then_current(capsys, index_dir):
    status, out, _ = run(capsys, "index", "--index-dir", index_dir)
    assert status == 0 and out.startswith("indexed 261 documents (102 entries) in ")
    assert out.rstrip().endswith(index_dir)
    status, out, _ = run(capsys, "index", "--index-dir", index_dir)
    assert status == 0 and out.startswith("index is current")


def test_search_prints_ranked_hits(capsys, index_dir):
    status, out, err = run(capsys, "search", "mutx thred", "--index-dir", index_dir, "--limit", "3")
    assert status == 0
    assert "index was missing" in err  # built on first use, said on stderr
    lines = out.splitlines()
    assert lines[0] == "did you mean: mutex thread"
    # The library's own answer, in its order: each hit a numbered title line, its id, its fragment.
    with PatternLibrary.open(BUNDLED_KB, Path(index_dir)) as library:
        hits = library.search("mutx thred", SearchOptions(limit=3)).hits
    assert len(hits) == 3 and all(w in (hits[0].title + hits[0].fragment).lower() for w in ("mutex", "thread"))
    assert lines[1:-1:3] == [f"{n:>2}. {h.title}  [{h.kind}]  {h.path}" for n, h in enumerate(hits, 1)]
    assert lines[2:-1:3] == [f"    {h.id}" for h in hits]
    assert lines[-1].startswith("3 of ")


def test_search_json_shape(capsys, index_dir):
    status, out, _ = run(capsys, "search", "rate limiting", "--index-dir", index_dir, "--json", "--kind", "snippet")
    data = json.loads(out)
    assert status == 0 and set(data) == {"query", "corrected", "total", "facets", "hits"}
    hit = data["hits"][0]
    assert set(hit) == {"id", "kind", "title", "path", "section", "score", "fragment", "parent"}
    assert hit["kind"] == "snippet" and hit["parent"] == "concurrency-async/async-await-patterns"


def test_search_hostile_input_from_the_command_line(capsys, index_dir):
    for query in ['"', "AND", "*", "section:", "\x1b[2J", "a" * 10_000]:
        status, out, err = run(capsys, "search", query, "--index-dir", index_dir)
        assert status == 0 and "Traceback" not in err
    assert "nothing to search for" in out or "no results" in out


def test_search_order_guide(capsys, index_dir):
    status, out, _ = run(capsys, "search", "error", "--order", "guide", "--json", "--limit", "50",
                         "--index-dir", index_dir)
    ids = [h["id"] for h in json.loads(out)["hits"]]
    kb = load_kb(BUNDLED_KB)
    orders = [kb.entry(i.split("#", 1)[0]).order for i in ids]  # a snippet sits with its pattern
    assert status == 0 and len(ids) == 50 and orders == sorted(orders)
    _, out, _ = run(capsys, "search", "error", "--json", "--limit", "50", "--index-dir", index_dir)
    relevance = [h["id"] for h in json.loads(out)["hits"]]
    assert relevance != ids and set(relevance) != set(ids)  # not the best 50, re-sorted: the first 50


def test_show_json_includes_related_and_checklist(capsys, index_dir):
    status, out, _ = run(capsys, "show", "error-handling/error-design-patterns", "--json", "--index-dir", index_dir)
    entry = json.loads(out)
    assert status == 0
    assert len(entry["related"]) >= 3
    assert set(entry["related"][0]) == {"id", "title", "reason", "score"}
    assert any("thiserror" in item for item in entry["checklist"])


def test_check_passes_then_finds_a_stale_index(capsys, index_dir, tmp_path, mdbook_dir):
    assert run(capsys, "index", "--index-dir", index_dir)[0] == 0
    status, out, _ = run(capsys, "check", "--index-dir", index_dir)
    assert status == 0 and out.startswith("ok: 102 entries")
    other_kb = tmp_path / "kb"
    assert main(["build", str(mdbook_dir), "--out", str(other_kb)]) == 0
    capsys.readouterr()
    status, out, err = run(capsys, "check", "--kb", str(other_kb), "--index-dir", index_dir)
    assert status == 1 and "is stale" in out  # the report
    assert err.startswith("patternkb: error: check found 1 problem(s): index at ") and err.count("\n") == 1


def test_check_reports_dangling_links(capsys, index_dir, tmp_path, mdbook_dir):
    kb_dir = tmp_path / "kb"
    assert main(["build", str(mdbook_dir), "--out", str(kb_dir)]) == 0
    # Edit the live generation as a hand would, checksum included, so only the link is wrong.
    live = kb_dir / (kb_dir / "CURRENT").read_text().strip()
    entries = json.loads((live / "entries.json").read_text())
    entries[0]["links"].append("nowhere/at-all")
    data = (json.dumps(entries, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
    (live / "entries.json").write_bytes(data)
    manifest = json.loads((live / "manifest.json").read_text())
    manifest["sha256"]["entries"] = hashlib.sha256(data).hexdigest()
    (live / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    status, _, err = run(capsys, "check", "--kb", str(kb_dir), "--index-dir", index_dir)
    assert status == 1 and "links to missing entry nowhere/at-all" in err and err.count("\n") == 1


def test_check_on_a_broken_kb(capsys, tmp_path, index_dir):
    (tmp_path / "kb").mkdir()
    status, _, err = run(capsys, "check", "--kb", str(tmp_path / "kb"), "--index-dir", index_dir)
    assert status == 1 and "manifest.json is missing" in err
