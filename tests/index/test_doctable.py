"""The doc table beside the index: written, read back, and refused when it does not fit the index."""

import json

import pytest

from patternkb.index.doctable import FILENAME, DocTable


def _table() -> DocTable:
    return DocTable(kinds=["pattern", "snippet", "checklist"], sections=["a", "a", "b"], orders=[0, 1, 10],
                    section_titles={"a": "Alpha", "b": "Beta"})


def test_written_then_read_back(tmp_path):
    _table().write(tmp_path)
    assert DocTable.read(tmp_path, 3) == _table()


@pytest.mark.parametrize("count", [2, 4, 0])
def test_a_table_for_another_document_count_is_refused(tmp_path, count):
    _table().write(tmp_path)
    with pytest.raises(ValueError, match=f"describes 3 documents, the index has {count}"):
        DocTable.read(tmp_path, count)


def test_columns_of_different_lengths_are_refused(tmp_path):
    _table().write(tmp_path)
    data = json.loads((tmp_path / FILENAME).read_text())
    data["orders"] = data["orders"][:2]
    (tmp_path / FILENAME).write_text(json.dumps(data))
    with pytest.raises(ValueError, match="describes"):
        DocTable.read(tmp_path, 3)


def test_a_missing_table_is_an_error(tmp_path):
    with pytest.raises(OSError):
        DocTable.read(tmp_path, 3)


def test_the_bundled_index_table_matches_its_stored_fields(bundled_index):
    searcher = bundled_index._thread_searcher()
    reader = searcher.searcher.reader()
    assert searcher.table == DocTable.from_reader(reader)
    assert len(searcher.table.kinds) == reader.doc_count_all()
