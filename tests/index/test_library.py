"""The library façade as the CLI and the window use it: open cheaply, ensure, search, entry, check."""

import json
import subprocess
import sys

import pytest

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
