"""`patternkb index`, `search`, `check` and `show --json` with an index, as a user runs them."""

import hashlib
import json
import re
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
    assert status == 0 and out.startswith("indexed 263 documents (104 entries) in ")
    assert out.rstrip().endswith(index_dir)
    status, out, _ = run(capsys, "index", "--index-dir", index_dir)
    assert status == 0 and out.startswith("index is current")


def test_search_prints_ranked_hits(capsys, index_dir):
    status, out, err = run(capsys, "search", "mutx thred", "--index-dir", index_dir, "--limit", "3")
    assert status == 0
    assert "index was missing" in err  # built on first use, said on stderr
    lines = out.splitlines()
    assert lines[0] == "showing results for 'mutex thread' (--as-typed searches 'mutx thred')"
    # The library's own answer, in its order: each row a numbered title line, its id, its
    # fragment, then two lines for each sub-hit.
    with PatternLibrary.open(BUNDLED_KB, Path(index_dir)) as library:
        hits = library.search("mutx thred", SearchOptions(limit=3)).hits
    assert len(hits) == 3 and hits[0].title == "Thread Safety Patterns" and hits[0].sub_hits
    expected = []
    for n, h in enumerate(hits, 1):
        expected += [f"{n:>2}. {h.title}  [{h.kind}]  {h.breadcrumb}", f"    {h.id}", None]
        for sub in h.sub_hits:
            where = f"{h.id}#{sub.anchor}" if sub.anchor else sub.id
            expected += [f"      · {sub.label}: {sub.title}  ({where})", None]
    shown = lines[1:-1]
    assert len(shown) == len(expected)
    assert [line for line, want in zip(shown, expected) if want is not None] == [w for w in expected if w]
    assert lines[-1].startswith("3 of ")


def test_a_word_no_entry_holds_is_searched_corrected_and_as_typed_on_request(capsys, index_dir):
    status, out, _ = run(capsys, "search", "mutx thread", "--index-dir", index_dir, "--json")
    data = json.loads(out)
    assert status == 0 and data["corrected"] == "mutex thread" and data["correction_applied"]
    status, out, _ = run(capsys, "search", "mutx thread", "--as-typed", "--index-dir", index_dir, "--json")
    data = json.loads(out)
    assert status == 0 and data["corrected"] == "mutex thread" and not data["correction_applied"]
    assert data["query"] == "mutx thread" and data["hits"]
    status, out, _ = run(capsys, "search", "mutx thread", "--as-typed", "--index-dir", index_dir)
    assert out.splitlines()[0] == "did you mean: mutex thread"


def test_search_json_shape(capsys, index_dir):
    status, out, _ = run(capsys, "search", "rate limiting", "--index-dir", index_dir, "--json", "--kind", "snippet")
    data = json.loads(out)
    assert status == 0 and set(data) == {"query", "corrected", "correction_applied", "total", "all_kinds", "all_sections", "facets",
                                         "hits"}
    hit = data["hits"][0]
    shape = {"id", "kind", "title", "path", "breadcrumb", "section", "score", "fragment", "parent", "anchor",
             "focus", "sub_hits"}
    assert set(hit) == shape
    assert hit["kind"] == "snippet" and hit["parent"] == "concurrency-async/async-await-patterns"
    assert hit["path"][:2] == ["Concurrency & Async", "Async/Await Patterns"]
    assert hit["breadcrumb"] == " › ".join(hit["path"]) and hit["sub_hits"] == []
    status, out, _ = run(capsys, "search", "rate limiting", "--index-dir", index_dir, "--json")
    row = json.loads(out)["hits"][0]  # without the kind: the pattern, its snippets inside
    assert set(row) == shape and row["kind"] == "pattern" and row["parent"] is None
    assert row["path"] == ["Concurrency & Async", "Async/Await Patterns"]
    assert row["sub_hits"] and set(row["sub_hits"][0]) == {"id", "title", "anchor", "kind", "fragment"}
    assert "<b>" in row["sub_hits"][0]["fragment"]


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
    assert status == 0 and len(ids) == json.loads(out)["total"] == len(set(ids)) and orders == sorted(orders)
    _, out, _ = run(capsys, "search", "error", "--json", "--limit", "50", "--index-dir", index_dir)
    relevance = [h["id"] for h in json.loads(out)["hits"]]
    assert relevance != ids and set(relevance) == set(ids)  # every row, in another order
    _, out, _ = run(capsys, "search", "error", "--order", "guide", "--json", "--limit", "5", "--index-dir", index_dir)
    assert [h["id"] for h in json.loads(out)["hits"]] == ids[:5]  # the first 5 in guide order, not the best 5


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
    assert status == 0 and out.startswith("ok: 104 entries")
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
    entries = [json.loads(line) for line in (live / "entries.jsonl").read_text().splitlines()]
    entries[0]["links"].append("nowhere/at-all")
    data = "".join(json.dumps(e) + "\n" for e in entries).encode()
    (live / "entries.jsonl").write_bytes(data)
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


def test_index_after_one_guide_changed_writes_only_that_guide_again(capsys, tmp_path, mdbook_dir, monkeypatch):
    from patternkb.index import units

    monkeypatch.setattr(units, "OWN_UNIT_ENTRIES", 1)  # each guide its units, as a large one has (small share)
    guide = tmp_path / "service.md"
    guide.write_text((Path(__file__).parents[1] / "fixtures" / "grouping" / "service-guide.md").read_text())
    kb, ix = tmp_path / "kb", tmp_path / "ix"
    assert main(["build", str(mdbook_dir), str(guide), "--out", str(kb)]) == 0
    assert main(["index", "--kb", str(kb), "--index-dir", str(ix)]) == 0
    capsys.readouterr()
    guide.write_text(guide.read_text().replace("Close connections that sat idle", "Close connections left idle"))
    assert main(["build", str(mdbook_dir), str(guide), "--out", str(kb)]) == 0
    capsys.readouterr()
    assert main(["index", "--kb", str(kb), "--index-dir", str(ix)]) == 0
    out = capsys.readouterr().out
    total, again = (int(n) for n in re.findall(r"indexed (\d+) documents .*?, (\d+) of them written again", out)[0])
    assert 0 < again < total
    with PatternLibrary.open(kb, ix) as library:
        assert library.status() == "current" and library.search("left idle").hits
