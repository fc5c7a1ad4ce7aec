"""The doc table beside the index: written, read back, and refused when it does not fit the index."""

import json

import pytest

from patternkb.index.doctable import FILENAME, NO_PARENT, DocTable


def _table() -> DocTable:
    return DocTable(kinds=["pattern", "snippet", "checklist"], sections=["a", "a", "b"], orders=[0, 1, 10],
                    section_titles={"a": "Alpha", "b": "Beta"}, parents=[NO_PARENT, 0, NO_PARENT],
                    illustrated_by={2: [0]})


def test_written_then_read_back(tmp_path):
    _table().write(tmp_path)
    assert DocTable.read(tmp_path, 3) == _table()


@pytest.mark.parametrize("count", [2, 4, 0])
def test_a_table_for_another_document_count_is_refused(tmp_path, count):
    _table().write(tmp_path)
    with pytest.raises(ValueError, match=f"describes 3 documents, the index has {count}"):
        DocTable.read(tmp_path, count)


@pytest.mark.parametrize("cut", [1, 4, 12])
def test_columns_shorter_than_the_count_are_refused(tmp_path, cut):
    _table().write(tmp_path)
    data = (tmp_path / FILENAME).read_bytes()
    (tmp_path / FILENAME).write_bytes(data[:-cut])
    with pytest.raises(ValueError, match="describes"):
        DocTable.read(tmp_path, 3)


def test_a_file_that_is_no_table_is_refused(tmp_path):
    (tmp_path / FILENAME).write_text(json.dumps({"kinds": []}))
    with pytest.raises(ValueError, match="not a doc table"):
        DocTable.read(tmp_path, 0)


def test_a_parent_the_index_lacks_is_refused(tmp_path):
    table = _table()
    table.parents[1] = 3
    table.write(tmp_path)
    with pytest.raises(ValueError, match="parent"):
        DocTable.read(tmp_path, 3)


def test_a_snippet_belongs_to_its_pattern():
    assert [_table().entry_of(d) for d in range(3)] == [0, 0, 2]


def test_a_missing_table_is_an_error(tmp_path):
    with pytest.raises(OSError):
        DocTable.read(tmp_path, 3)


def test_the_bundled_index_table_matches_its_stored_fields(bundled_index):
    searcher = bundled_index._thread_searcher()
    reader = searcher.searcher.reader()
    fresh = DocTable.from_reader(reader)
    fresh.illustrated_by = searcher.table.illustrated_by  # from the related links, not the stored fields
    assert searcher.table == fresh
    assert len(searcher.table.kinds) == reader.doc_count_all()
    kb = bundled_index.kb
    ids = [reader.stored_fields(d)["id"] for d in range(reader.doc_count_all())]
    illustrated = {ids[item]: sorted(ids[p] for p in patterns) for item, patterns in searcher.table.illustrated_by.items()}
    assert illustrated and all(kb.entry(item).kind == "checklist" for item in illustrated)
    assert all(kb.entry(p).kind == "pattern" for patterns in illustrated.values() for p in patterns)


@pytest.mark.parametrize("guide", ["bundled", "uber-go-guide/style.md", "uber-go-guide/src", "rust-api-guidelines",
                                   "google-pyguide/pyguide.md"])
def test_an_entry_s_parts_follow_it(bundled_index, guide, tmp_path):
    """DocTable.parts_of reads an entry's parts as the documents right after it: every document
    with a parent sits after it with only its siblings between them."""
    from patternkb.index.library import PatternLibrary
    from patternkb.kb.build import build_kb
    from tests.shared_corpora import corpus

    if guide == "bundled":
        table = bundled_index._thread_searcher().table
    else:
        library = PatternLibrary.of(build_kb([corpus(guide)]), tmp_path / "ix")
        library.ensure()
        table = library._index._thread_searcher().table
    everywhere: dict[int, list[int]] = {}
    for docnum, parent in enumerate(table.parents):
        if parent != NO_PARENT:
            everywhere.setdefault(parent, []).append(docnum)
    assert everywhere  # snippets and named parts were indexed
    assert {e: table.parts_of(e) for e in everywhere} == everywhere
    assert all(table.parts_of(d) == [] for d in range(len(table.parents)) if d not in everywhere)
    if guide != "bundled":
        library.close()


def test_the_columns_read_are_those_made_from_the_lists(tmp_path):
    _table().write(tmp_path)
    read, made = DocTable.read(tmp_path, 3).columns, _table().columns
    assert read.kind_names == made.kind_names and read.section_code == made.section_code
    assert read.kinds.tolist() == made.kinds.tolist() and read.sections.tolist() == made.sections.tolist()
    assert read.parents.tolist() == made.parents.tolist() == [NO_PARENT, 0, NO_PARENT]
    assert read.orders.tolist() == made.orders.tolist() == _table().orders
