"""Incremental and parallel indexing: after one guide changed, only its documents are indexed
again (the others' segments are linked from the live generation), and the index answers exactly
as a full rebuild's does; a rebuild in worker processes answers as one written in-process."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

from patternkb.index import segments
from patternkb.index import units as index_units
from patternkb.index.doctable import FILENAME
from patternkb.index.documents import documents
from patternkb.index.engine import PatternIndex
from patternkb.index.units import KBSource
from patternkb.kb.build import build_kb
from tests.index.index_safety_tools import leftovers, rebuild_killed_at

FIXTURES = Path(__file__).parents[1] / "fixtures"
QUERIES = ["connection pool", "retry backoff", "builder", "newtype", "default constructor", "idle timeout",
           "kind:checklist retry", "pool siz", "idempotency tokens", "conection"]


def _guides(tmp_path: Path) -> tuple[Path, Path]:
    handbook = tmp_path / "handbook.md"
    shutil.copy(FIXTURES / "grouping" / "service-guide.md", handbook)
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "mdbook", book)
    return handbook, book


def _add_pattern(guide: Path) -> None:
    """A pattern added before the guide's last section, at the level of its first pattern: the
    guide gains documents, and every entry after it (the other guide's) moves in KB order."""
    lines = guide.read_text(encoding="utf-8").splitlines()
    level = next(line.split(" ")[0] for line in lines if line.startswith("###"))
    last_section = max(n for n, line in enumerate(lines) if line.startswith("## "))
    added = [f"{level} Added Later", "", "A pattern added after the first build: idempotency tokens.", "",
             "```python", "def added_later():", "    return None", "```", ""]
    guide.write_text("\n".join(lines[:last_section] + added + lines[last_section:]) + "\n", encoding="utf-8")


def _answers(engine: PatternIndex) -> list:
    out = []
    for query in QUERIES:
        result = engine.search(query, limit=50)
        out.append((query, result.total, [(h.id, round(h.score, 9), [(s.id, round(s.score, 9)) for s in h.sub_hits])
                                          for h in result.hits]))
    return out


def _generation(root: Path) -> Path:
    return root / (root / "CURRENT").read_text().strip()


def _table_fits_index(engine: PatternIndex) -> None:
    """The doc table (made from the documents) describes the documents the segments hold."""
    ts = engine._thread_searcher()
    stored = list(ts.searcher.reader().iter_docs())
    docnums = {fields["id"]: n for n, fields in stored}
    assert [n for n, _ in stored] == list(range(len(ts.table.kinds)))
    for n, fields in stored:
        assert (fields["kind"], fields["section"]) == (ts.table.kinds[n], ts.table.sections[n])
        assert docnums.get(fields.get("parent") or "", -1) == ts.table.parents[n]


def _same_index(one: PatternIndex, other: PatternIndex) -> None:
    _table_fits_index(one)
    assert _answers(one) == _answers(other)
    assert one.links() == other.links()
    first, second = _generation(one.store.root), _generation(other.store.root)
    assert (first / FILENAME).read_bytes() == (second / FILENAME).read_bytes()
    assert [u["key"] for u in one.meta()["units"]] == [u["key"] for u in other.meta()["units"]]


@pytest.mark.parametrize("overlap", [False, True], ids=["here", "worker-beside"])
def test_one_guide_changed_reindexes_only_its_documents(tmp_path, monkeypatch, overlap):
    """`worker-beside`: the changed unit is written by a worker while this process makes the doc
    table and the relations from the units' facts, as at 50,000 entries (segments.OVERLAP_FROM)."""
    monkeypatch.setattr(index_units, "OWN_UNIT_ENTRIES", 1)  # each guide its own units, as a large one has
    started: list[int] = []
    if overlap:
        monkeypatch.setattr(segments, "OVERLAP_FROM", 0)
        start = segments._start
        monkeypatch.setattr(segments, "_start", lambda *a: started.append(a[1]) or start(*a))
    handbook, book = _guides(tmp_path)
    root = tmp_path / "ix"
    before = PatternIndex(build_kb([handbook, book]), root)
    before.ensure()
    assert before.last_written == before.meta()["documents"]  # the first build writes everything
    _add_pattern(handbook)
    kb = build_kb([handbook, book])
    changed = kb.entries[0].guide
    of_changed = sum(1 for doc in documents(kb) if doc["guide"] == changed)
    after = PatternIndex(kb, root)
    assert after.status() == "stale"
    started.clear()
    assert "stale" in after.ensure()
    assert after.last_written == of_changed < after.meta()["documents"]
    assert len(started) == (1 if overlap else 0)
    assert after.search("idempotency tokens").hits[0].title == "Added Later"
    full = PatternIndex(kb, tmp_path / "full")
    full.rebuild()
    _same_index(after, full)
    # The unchanged guide's segment is the same files as before: linked, not copied.
    old_units, new_units = before.meta()["units"], after.meta()["units"]
    kept = [u for u in new_units if u["guide"] != changed]
    assert kept and all(u in old_units for u in kept)
    gen = _generation(root)
    assert all(os.stat(gen / name).st_nlink >= 1 for u in kept for name in u["files"])
    for engine in (before, after, full):
        engine.close()


def test_a_full_rebuild_writes_every_document(tmp_path):
    handbook, book = _guides(tmp_path)
    engine = PatternIndex(build_kb([handbook, book]), tmp_path / "ix")
    engine.ensure()
    engine.rebuild()  # full: nothing reused, even though nothing changed
    assert engine.last_written == engine.meta()["documents"]
    engine.rebuild(full=False)
    assert engine.last_written == 0
    engine.close()


def test_units_split_a_large_guide_and_workers_write_the_same_index(tmp_path, monkeypatch):
    handbook, book = _guides(tmp_path)
    kb = build_kb([handbook, book])
    monkeypatch.setattr(index_units, "UNIT_BYTES", 4000)  # many units: written by two worker processes
    units = list(KBSource.of(kb).units())
    assert len(units) > 4 and {u.guide for u in units} == {e.guide for e in kb.entries}
    assert sum(u.count for u in units) == len(kb.entries)
    parallel = PatternIndex(kb, tmp_path / "parallel")
    seen = []
    from patternkb.index.builder import build_generation

    with parallel.store.writer_lock():
        count, _, written = build_generation(parallel.fingerprint, KBSource.of(kb), parallel.store,
                                             lambda done, total: seen.append((done, total)), procs=2)
    assert count == written == sum(1 for _ in documents(kb))
    entries = len(kb.entries)  # progress throughout, in entries, ending at the total
    assert seen and seen[-1] == (entries, entries) and len(seen) > 2
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(parallel.meta()["units"]) == len(units)
    alone = PatternIndex(kb, tmp_path / "alone")
    with alone.store.writer_lock():
        build_generation(alone.fingerprint, KBSource.of(kb), alone.store, procs=1)
    _same_index(parallel, alone)
    parallel.close()
    alone.close()


def test_killed_parallel_rebuild_leaves_the_index_working_and_is_swept(tmp_path):
    handbook, book = _guides(tmp_path)
    kb_dir = tmp_path / "kb"
    from patternkb.kb.store import write_kb

    write_kb(build_kb([handbook, book]), kb_dir)
    root = tmp_path / "ix"
    engine = PatternIndex(kb_dir=kb_dir, root=root)
    engine.ensure()
    before = (root / "CURRENT").read_text()
    proc = rebuild_killed_at(f"""
        from pathlib import Path
        from patternkb.index import segments, units
        from patternkb.index.engine import PatternIndex
        units.UNIT_BYTES = 4000
        segments.workers = lambda: 2
        engine = PatternIndex(kb_dir=Path({str(kb_dir)!r}), root=Path({str(root)!r}))
    """, done=4)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "killing" in proc.stdout
    assert (root / "CURRENT").read_text() == before
    assert engine.status() == "current" and engine.search("builder").hits
    engine.rebuild()  # the writer lock is free (the workers died with their parent) and the partial generation goes
    assert leftovers(root) == [] and len(list(root.glob("gen-*"))) == 1
    engine.close()


@pytest.mark.parametrize("damage", ["truncate", "rewrite_same_size"])
def test_a_damaged_live_generation_is_not_built_on(tmp_path, damage):
    handbook, book = _guides(tmp_path)
    root = tmp_path / "ix"
    engine = PatternIndex(build_kb([handbook, book]), root)
    engine.ensure()
    engine.close()
    target = max((p for p in _generation(root).iterdir() if p.name.startswith("MAIN_")), key=lambda p: p.stat().st_size)
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 2] if damage == "truncate" else bytes(len(data)))
    _add_pattern(handbook)
    after = PatternIndex(build_kb([handbook, book]), root)
    assert after.status().startswith("corrupt")
    after.ensure()
    assert after.last_written == after.meta()["documents"]  # nothing linked from the damaged one
    assert after.status() == "current" and after.search("builder").hits
    after.close()


def test_without_worker_processes_the_units_are_written_here(tmp_path, monkeypatch):
    import errno
    import subprocess

    def no_process(*args, **kwargs):  # a sandbox, a full process table
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    handbook, book = _guides(tmp_path)
    kb = build_kb([handbook, book])
    monkeypatch.setattr(index_units, "UNIT_BYTES", 4000)
    monkeypatch.setattr(subprocess, "Popen", no_process)
    engine = PatternIndex(kb, tmp_path / "ix")
    from patternkb.index.builder import build_generation

    with engine.store.writer_lock():
        count, _, written = build_generation(engine.fingerprint, KBSource.of(kb), engine.store, procs=2)
    assert count == written == sum(1 for _ in documents(kb)) and engine.search("builder").hits
    engine.close()


def test_a_failing_worker_fails_the_build_in_one_line_and_leaves_nothing(tmp_path, monkeypatch):
    handbook, book = _guides(tmp_path)
    kb = build_kb([handbook, book])
    monkeypatch.setattr(index_units, "UNIT_BYTES", 4000)
    # Documents with a field the schema lacks: the worker fails as one with a bug would.
    made = KBSource.documents
    monkeypatch.setattr(KBSource, "documents", lambda self, unit, entries: [dict(d, unknown="x")
                                                                          for d in made(self, unit, entries)])
    engine = PatternIndex(kb, tmp_path / "ix")
    with pytest.raises(RuntimeError, match=r"the index worker for unit \d+ failed \(status 1\): .*Error"):
        from patternkb.index.builder import build_generation

        with engine.store.writer_lock():
            build_generation(engine.fingerprint, KBSource.of(kb), engine.store, procs=2)
    assert engine.status() == "missing" and list((tmp_path / "ix").glob("gen-*")) == []


def test_without_hard_links_unchanged_units_are_copied(tmp_path, monkeypatch):
    import errno

    monkeypatch.setattr(index_units, "OWN_UNIT_ENTRIES", 1)
    handbook, book = _guides(tmp_path)
    root = tmp_path / "ix"
    PatternIndex(build_kb([handbook, book]), root).ensure()

    def no_links(source, target):  # a file system that has none (some network or FUSE ones)
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    _add_pattern(handbook)
    kb = build_kb([handbook, book])
    after = PatternIndex(kb, root)
    after.ensure()
    assert after.last_written < after.meta()["documents"] and after.status(full=True) == "current"
    full = PatternIndex(kb, tmp_path / "full")
    full.rebuild()
    _same_index(after, full)
    after.close()
    full.close()


def _pages(folder: Path, changed: int | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    for n in range(40):
        extra = "\n\nA sentence added later about idempotency tokens." if n == changed else ""
        (folder / f"page-{n:02d}.md").write_text(
            f"# Page {n}\n\n## Pooling {n}\n\nKeep a connection pool per service {n}.{extra}\n\n"
            f"```python\npool_{n} = Pool(size={n})\n```\n\n## Retries {n}\n\nRetry with backoff.\n\n"
            f"```python\nretry_{n}()\n```\n", encoding="utf-8")
    return folder


def test_small_guides_share_units_and_a_changed_one_rewrites_only_its_own(tmp_path, monkeypatch):
    # A docs tree's pages: one segment each made a search ask thousands of segments for every term.
    monkeypatch.setattr(index_units, "UNIT_MIN_BYTES", 3000)
    kb = build_kb([_pages(tmp_path / "pages")])
    units = list(KBSource.of(kb).units())
    assert 3 < len(units) < 20 and sum(u.count for u in units) == len(kb.entries)
    root = tmp_path / "ix"
    PatternIndex(kb, root).ensure()
    changed_kb = build_kb([_pages(tmp_path / "pages", changed=20)])
    changed_units = list(KBSource.of(changed_kb).units())
    # Where units end depends on the pages there: all but the changed page's unit are the same.
    assert len({u.key for u in changed_units} - {u.key for u in units}) == 1
    after = PatternIndex(changed_kb, root)
    after.ensure()
    holding = next(u for u in changed_units if u.key not in {v.key for v in units})
    docs = sum(1 for d in documents(changed_kb) if d["order"] // index_units.ORDER_STRIDE in
               range(holding.first, holding.first + holding.count))
    assert after.last_written == docs < after.meta()["documents"]
    assert after.search("idempotency tokens").hits[0].title == "Pooling 20"
    full = PatternIndex(changed_kb, tmp_path / "full")
    full.rebuild()
    _same_index(after, full)
    after.close()
    full.close()


def test_a_worker_runs_below_the_window_s_priority():
    """Workers on every core kept a window indexing 10,000 entries waiting for a core."""
    import subprocess
    import sys

    # Twice, as in a worker of a build process that lowered its own priority: not lowered again.
    code = ("import os; from patternkb.index.unit_writer import yield_to_the_window as y; b = os.nice(0); y(); "
            "once = os.nice(0); y(); print(once - b, os.nice(0) - once)")
    once, twice = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert (int(once), int(twice)) == (max(0, 10 - os.nice(0)), 0)


def test_an_index_of_another_unit_format_is_stale_and_rebuilt(tmp_path, monkeypatch):
    """Documents made another way (a new tokenizer, new fields) are not the index this code
    would make: the index is stale, however current its KB is."""
    from patternkb.index import engine as engine_module

    handbook, book = _guides(tmp_path)
    kb = build_kb([handbook, book])
    engine = PatternIndex(kb, tmp_path / "ix")
    engine.ensure()
    assert engine.status() == "current"
    monkeypatch.setattr(engine_module, "UNIT_FORMAT", engine_module.UNIT_FORMAT + 1)
    assert engine.status() == "stale"
    engine.close()
