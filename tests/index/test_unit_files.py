"""The files a build passes between its steps: a unit's facts (JSON lines) and a worker's job (the
unit's documents, pickled one by one). Damaged or cut short, they are refused with the file's
name, never read as less than was written."""

from __future__ import annotations

import pytest

from patternkb.index.segments import read_job, write_job
from patternkb.index.units import UNIT_FORMAT, read_facts, write_facts

FACTS = dict(format=UNIT_FORMAT, docs=[["a", "pattern", "s", 0, -1], ["a#1", "snippet", "s", 1, 0]],
             section_titles={"s": "Section"}, patterns=[{"id": "a"}], items=[], history=[], samples={"rust": ["fn a() {}"]})


def test_facts_read_back_as_written(tmp_path):
    name = write_facts(tmp_path, "k", FACTS)
    assert read_facts(tmp_path, name) == FACTS


@pytest.mark.parametrize("damage", ["drop a row", "drop a value", "drop the end", "cut mid-line", "a stray line",
                                    "not a pair"])
def test_damaged_facts_are_refused(tmp_path, damage):
    name = write_facts(tmp_path, "k", FACTS)
    path = tmp_path / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if damage == "drop a row":
        lines = [line for line in lines if not line.startswith('["docs","a#1"') and '"a#1"' not in line]
    elif damage == "drop a value":
        lines = [line for line in lines if not line.startswith('["section_titles"')]
    elif damage == "drop the end":
        lines = lines[:-1]
    elif damage == "cut mid-line":
        lines[-1] = lines[-1][:5]
    elif damage == "a stray line":
        lines.append('["docs",["b","pattern","s",2,-1]]\n')
    else:
        lines.insert(0, "5\n")
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ValueError, match=name):
        read_facts(tmp_path, name)


def test_a_job_reads_back_and_a_cut_one_is_refused(tmp_path):
    docs = [{"id": str(n), "prose": "x" * n} for n in range(50)]
    write_job(tmp_path / "job", docs)
    assert read_job(tmp_path / "job") == docs
    data = (tmp_path / "job").read_bytes()
    (tmp_path / "job").write_bytes(data[: len(data) // 2])
    with pytest.raises(OSError, match="cut short"):
        read_job(tmp_path / "job")


def test_a_line_whose_key_is_no_name_is_refused(tmp_path):
    name = write_facts(tmp_path, "k", FACTS)
    path = tmp_path / name
    path.write_text('[["docs"],1]\n' + path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ValueError, match="a line's key is"):
        read_facts(tmp_path, name)


def test_long_lists_are_written_over_several_lines_and_read_back(tmp_path):
    from patternkb.index.units import CHUNK

    many = dict(FACTS, docs=[[str(n), "pattern", "s", n, -1] for n in range(2 * CHUNK + 3)])
    name = write_facts(tmp_path, "k", many)
    lines = (tmp_path / name).read_text(encoding="utf-8").splitlines()
    assert sum(line.startswith('["docs"') for line in lines) == 3
    assert read_facts(tmp_path, name) == many
    (tmp_path / name).write_text("\n".join(line for line in lines if not line.startswith('["docs"')) + "\n",
                                 encoding="utf-8")
    with pytest.raises(ValueError, match="cut short or damaged"):
        read_facts(tmp_path, name)
