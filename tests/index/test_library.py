"""The library façade as the CLI and the window use it: open cheaply, ensure, search, entry, check."""

import json
import subprocess
import sys

import pytest

from patternkb.index.doctable import FILENAME
from patternkb.index.library import PatternLibrary, SearchOptions
from patternkb.kb.errors import EntryNotFound
from patternkb.kb.paths import BUNDLED_KB


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    lib = PatternLibrary.open(BUNDLED_KB, tmp_path_factory.mktemp("library") / "ix")
    yield lib
    lib.close()


def test_ensure_builds_once_then_says_nothing(tmp_path):
    with PatternLibrary.open(BUNDLED_KB, tmp_path / "ix") as library:
        assert library.status() == "missing"
        assert library.ensure() == f"index was missing; built at {tmp_path / 'ix'}"
        assert library.status() == "current" and library.ensure() is None


def test_check_passes_on_a_folder_with_a_page_of_one_title(tmp_path):
    """A page of a title alone is a guide of one pattern, related to none: `check` failed on a KB
    `build` had just made."""
    from patternkb.kb.build import build_into

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "blog.md").write_text("# Blog\n")
    (docs / "guide.md").write_text("# Guide\n\n## Install\n\nRun pip install foo.\n\n## Use\n\nRun foo.\n")
    build_into([docs], tmp_path / "kb")
    with PatternLibrary.open(tmp_path / "kb", tmp_path / "ix") as library:
        library.ensure()
        assert library.check() == []


def test_search_follows_its_options(library):
    library.ensure()
    plain = library.search("mutex")
    assert len(library.search("error").hits) == 10  # the default limit
    assert plain.hits and len(plain.hits) == min(10, plain.total)
    snippets = library.search("mutex", SearchOptions(kind="snippet", limit=3, fragments=1))
    assert len(snippets.hits) == 3 and {h.kind for h in snippets.hits} == {"snippet"}
    assert "<b>" in snippets.hits[0].fragment and "<b>" not in snippets.hits[1].fragment
    section = plain.hits[0].section
    assert {h.section for h in library.search("mutex", SearchOptions(section=section, limit=50)).hits} == {section}
    guide = library.search("mutex", SearchOptions(order="guide", limit=50)).hits
    orders = [library.kb.entry(h.parent or h.id).order for h in guide]
    assert orders == sorted(orders)


def test_a_search_that_finds_nothing_names_the_filter_values_that_match_nothing(library):
    library.ensure()
    result = library.search("kind:pattern crate:zzqx mutex")
    assert result.hits == [] and len(result.unknown_filters) == 1
    assert result.unknown_filters[0].startswith("crate:zzqx matches nothing")
    assert library.search("mutex").unknown_filters == ()


@pytest.mark.parametrize("query, field", [("tag:zzqx", "tag"), ("lang:zzqx", "lang"), ("crate:zzqx", "crate"),
                                          ("section:zzqx", "section"), ("guide:zzqx", "guide")])
def test_a_mistyped_filter_value_is_answered_without_loading_the_kb(tmp_path, query, field):
    """What the KB has instead comes from the index or the KB's manifest and sections: loading a
    50,000-entry KB to list them took 8 s and 1.1 GB."""
    with PatternLibrary.open(BUNDLED_KB, tmp_path / "ix") as library:
        library.ensure()
        fresh = PatternLibrary.open(BUNDLED_KB, tmp_path / "ix")
        (message,) = fresh.search(query).unknown_filters
        assert message.startswith(f"{field}:zzqx matches nothing; {field} is one of ")
        assert fresh._index._kb is None  # the entries were never read
        listed = message.split(" is one of ", 1)[1]
        assert listed and "zzqx" not in listed
        fresh.close()


def test_entry_brings_its_links_in_one_call(library):
    library.ensure()
    links = library._index.links()
    pattern_id = next(p for p, items in links["checklist"].items() if items)
    view = library.entry(pattern_id)
    assert view.entry.id == pattern_id and view.checklist == links["checklist"][pattern_id]
    assert view.related == links["related"].get(pattern_id, []) and view.illustrated_by == []
    assert all(view.titles[i] == library.kb.entry(i).title for i in view.checklist)
    item = library.entry(view.checklist[0])
    assert item.entry.kind == "checklist" and pattern_id in item.illustrated_by and item.checklist == []
    assert set(item.to_json()) >= {"id", "related", "illustrated_by"} and "checklist" not in item.to_json()


def test_an_unknown_entry_names_close_ids(library):
    some = library.kb.entries[0].id
    with pytest.raises(EntryNotFound, match=f"did you mean {some}") as raised:
        library.find(some[:-1])
    assert str(BUNDLED_KB) in str(raised.value)
    with pytest.raises(EntryNotFound, match="`patternkb list` prints every id"):
        library.entry("zzqx/none")


def test_check_passes_on_a_current_index_and_names_a_missing_one(library, tmp_path):
    library.ensure()
    assert library.check() == []
    with PatternLibrary.open(BUNDLED_KB, tmp_path / "none") as other:
        assert other.check() == [f"index at {tmp_path / 'none'} is missing (run `patternkb index`)"]
        assert other.status() == "missing"  # check builds nothing


def test_opening_and_searching_a_current_index_reads_no_model(library):
    # The window searches before the KB's models (pydantic) load: the library must allow that.
    library.ensure()
    code = f"""
import sys, json
from pathlib import Path
from patternkb.index.library import PatternLibrary
lib = PatternLibrary.open(Path({str(BUNDLED_KB)!r}), Path({str(library.index_dir)!r}))
assert lib.status() == "current"
hits = lib.search("error").hits
print(json.dumps([len(hits), "pydantic" in sys.modules, "patternkb.kb.models" in sys.modules]))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [10, False, False]


def test_opening_a_current_index_reads_neither_the_entries_nor_every_index_byte(library, tmp_path):
    # A search in a fresh process at 50,000 entries spent seconds hashing 400 MB of entries and
    # a gigabyte of index: opening reads the KB's manifest, and the index files' sizes and times.
    library.ensure()
    code = f"""
import builtins, json, hashlib
from pathlib import Path
opened = []  # files read from (opening one to see it is there is no read)
real_open = builtins.open
class Tracked:
    def __init__(self, name, file):
        self.name, self.file = name, file
    def __getattr__(self, attr):
        if attr.startswith("read"):
            opened.append(self.name)
        return getattr(self.file, attr)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.file.close()
    def __iter__(self):
        opened.append(self.name)
        return iter(self.file)
builtins.open = lambda file, *args, **kwargs: Tracked(str(file), real_open(file, *args, **kwargs))
Path.read_bytes = lambda self: (opened.append(str(self)), real_open(self, "rb").read())[1]
Path.read_text = lambda self, encoding=None: (opened.append(str(self)), real_open(self, encoding=encoding).read())[1]
from patternkb.index.library import PatternLibrary
lib = PatternLibrary.open(Path({str(BUNDLED_KB)!r}), Path({str(library.index_dir)!r}))
assert lib.status() == "current" and lib.search("error").hits
print(json.dumps(opened))
"""
    opened = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                       check=True).stdout)
    assert not [f for f in opened if f.endswith("entries.jsonl")], opened
    assert not [f for f in opened if f.endswith("links.jsonl")], opened  # read when an entry is shown


def test_a_file_touched_but_unchanged_is_checksummed_and_passes_and_check_reads_every_byte(tmp_path, monkeypatch):
    from patternkb.index import storage

    with PatternLibrary.open(BUNDLED_KB, tmp_path / "ix") as built:
        built.ensure()
    generation = tmp_path / "ix" / (tmp_path / "ix" / "CURRENT").read_text()
    hashed: list[str] = []
    digests = storage._file_digests
    monkeypatch.setattr(storage, "_file_digests", lambda folder, known=None: hashed.append(folder.name) or
                        digests(folder, known))
    with PatternLibrary.open(BUNDLED_KB, tmp_path / "ix") as fresh:
        assert fresh.status() == "current" and hashed == []  # sizes and times as sealed: no byte read
    doctable = generation / FILENAME
    doctable.write_bytes(doctable.read_bytes())  # same bytes, a new modification time
    with PatternLibrary.open(BUNDLED_KB, tmp_path / "ix") as fresh:
        assert fresh.status() == "current" and hashed == [generation.name]
        assert fresh.check() == [] and hashed == [generation.name] * 2  # check reads every byte


def test_a_damaged_line_of_the_kb_fails_the_index_naming_the_file_and_line(tmp_path):
    """Indexing streams the KB's lines: a line that is not an entry is the error, with the file's
    path and the line, and no generation is left (its checksum fixed, so only the line is wrong)."""
    import hashlib
    import shutil

    from patternkb.kb.errors import StoreError
    from patternkb.kb.files import live_dir

    kb_dir = tmp_path / "kb"
    shutil.copytree(BUNDLED_KB, kb_dir)
    live = live_dir(kb_dir)
    lines = (live / "entries.jsonl").read_bytes().splitlines(keepends=True)
    lines[2] = b'{"id": "x"}\n'
    data = b"".join(lines)
    (live / "entries.jsonl").write_bytes(data)
    manifest = json.loads((live / "manifest.json").read_text())
    manifest["sha256"]["entries"] = hashlib.sha256(data).hexdigest()
    (live / "manifest.json").write_text(json.dumps(manifest))
    with PatternLibrary.open(kb_dir, tmp_path / "ix") as library:
        with pytest.raises(StoreError) as info:
            library.ensure()
    assert str(info.value).startswith(f"{live / 'entries.jsonl'}:3: entry \"x\": field ")
    assert not list((tmp_path / "ix").glob("gen-*"))


def test_a_package_written_with_hyphens_is_found_as_typed(tmp_path):
    """npm and Go keep a package's hyphens; a Rust crate is the same with `_` or `-` (Cargo)."""
    from patternkb.kb.build import build_kb

    guide = tmp_path / "web.md"
    guide.write_text("# Web\n\n## Rendering\n\n### Mounting an app\n\nMount the root once.\n\n"
                     "```javascript\nimport { createRoot } from \"react-dom/client\";\nimport _ from \"lodash-es\";\n"
                     "createRoot(document.body).render(app);\n```\n\n"
                     "### Async runtime\n\nUse a runtime.\n\n```rust\nuse tokio_util::codec::Framed;\n```\n",
                     encoding="utf-8")
    kb = build_kb([guide])
    packages = {p for e in kb.entries for p in e.packages}
    assert {"lodash-es", "tokio_util"} <= packages, packages
    with PatternLibrary.of(kb, tmp_path / "ix") as library:
        library.ensure()
        for typed, title in [("crate:lodash-es", "Mounting an app"), ("lodash-es", "Mounting an app"),
                             ("crate:tokio-util", "Async runtime"), ("crate:tokio_util", "Async runtime")]:
            result = library.search(typed)
            assert [h.title for h in result.hits][:1] == [title], (typed, result.hits, result.unknown_filters)


def test_preload_survives_an_index_it_cannot_warm(tmp_path, monkeypatch):
    """Reading the first search's data ahead is only a head start: an index that cannot be opened
    then is for the first search to report, not a reason to fail loading the KB."""
    from patternkb.index.engine import PatternIndex
    from patternkb.index.storage import IndexCorrupt

    def broken(self):
        raise IndexCorrupt("cannot open the index: damaged", file=tmp_path)

    with PatternLibrary.open(BUNDLED_KB, tmp_path / "ix") as library:
        library.ensure()
        monkeypatch.setattr(PatternIndex, "warm", broken)
        library.preload()
        assert library.kb.entries


def test_a_first_search_on_another_thread_imports_nothing(bundled_index):
    """The window's index job imports the library, checks the index, then goes on to import the
    KB's modules (pydantic) while the first search runs on another thread. A module imported by
    both threads at once can trip Python's import deadlock detection ("partially initialized
    module 'pydantic._internal._validators'", seen in CI twice): the search must import nothing."""
    code = f"""
import sys, threading
from pathlib import Path
from patternkb.index.library import PatternLibrary, SearchOptions
library = PatternLibrary.open(Path({str(BUNDLED_KB)!r}), Path({str(bundled_index.store.root)!r}))
assert library.status() == "current"
before = set(sys.modules)
queries = ["mutex", "arc mut", "mutx thred", '"shared state"', "kind:snippet tokio", "crate:tokio-util", "tag:nope x",
           "-mutex arc", "section:concurrency-async channel", "Arc<Mutex<T>>"]
thread = threading.Thread(target=lambda: [library.search(q, SearchOptions(limit=50, fragments=10)) for q in queries])
thread.start()
thread.join()
print(sorted(set(sys.modules) - before))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
