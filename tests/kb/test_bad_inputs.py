"""What maintainers feed the builder by mistake: one clear line, the right exit status."""

import re

import pytest

from patternkb.app.cli import main
from patternkb.kb.build import build_kb
from patternkb.kb.models import ID_PATTERN
from patternkb.kb.store import load_kb


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_missing_file(capsys, tmp_path):
    status, _, err = run(capsys, "build", str(tmp_path / "nope.md"), "--out", str(tmp_path / "kb"))
    assert status == 1
    assert one_error_line(err) == f"patternkb: error: {tmp_path / 'nope.md'}: no such file or directory"


def test_directory_without_markdown(capsys, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("hello")
    status, _, err = run(capsys, "build", str(tmp_path / "docs"), "--out", str(tmp_path / "kb"))
    assert status == 1 and "no Markdown files" in one_error_line(err)


def test_empty_file(capsys, write_guide, tmp_path):
    path = write_guide("  \n\n")
    status, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "kb"))
    assert status == 1 and one_error_line(err).endswith("guide.md: the guide is empty")


def test_binary_file(capsys, write_guide, tmp_path):
    path = write_guide(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), name="image.md")
    status, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "kb"))
    assert status == 1 and "binary file" in one_error_line(err)


def test_non_utf8_is_read_as_windows_1252_with_a_warning_naming_the_line(capsys, write_guide, tmp_path):
    """One chapter saved in Windows-1252 among UTF-8 ones must not stop the book: it is read as
    Windows-1252, and the build says so at its first such byte."""
    path = write_guide("# Guide\n\n## Caf\u00e9s\n\n### R\u00e9sum\u00e9\n\n```rust\nfn a() {}\n```\n".encode("cp1252"))
    status, out, err = run(capsys, "build", str(path), "--out", str(tmp_path / "kb"))
    assert status == 0 and "1 patterns" in out
    assert f"{path}:3: warning: not UTF-8 from here on: such bytes read as cp1252" in err
    assert [e.title for e in load_kb(tmp_path / "kb").entries] == ["R\u00e9sum\u00e9"]
    # UTF-8 with one stray Windows-1252 byte keeps its UTF-8: only that byte is read so.
    mixed = write_guide("# Guide\n\n## Caf\u00e9 \u65e5\u672c\n\n".encode() + b"It\x92s here.\n", name="mixed.md")
    status, _, err = run(capsys, "build", str(mixed), "--out", str(tmp_path / "kb3"))
    assert status == 0 and f"{mixed}:5: warning: not UTF-8" in err
    assert [e.title for e in load_kb(tmp_path / "kb3").entries] == ["Caf\u00e9 \u65e5\u672c"]
    assert load_kb(tmp_path / "kb3").entries[0].text == "It\u2019s here."
    # A byte Windows-1252 does not define either: the error names the line and the way out.
    undefined = write_guide(b"# Guide\n\n## A\n\ntext \x81\x8d here\n", name="undefined.md")
    status, _, err = run(capsys, "build", str(undefined), "--out", str(tmp_path / "kb2"))
    line = one_error_line(err)
    assert status == 1 and f"{undefined}:5:" in line and "not valid UTF-8" in line and "--encoding" in line
    status, out, _ = run(capsys, "build", str(path), "--out", str(tmp_path / "kb"), "--encoding", "cp1252")
    assert status == 0 and "1 patterns" in out
    status, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "kb"), "--encoding", "klingon")
    assert status == 1 and "unknown encoding" in one_error_line(err)


def test_unclosed_fence_warns_and_keeps_going(capsys, write_guide, tmp_path):
    path = write_guide(
        "# G\n\n## One\n\n### First\n\n```rust\nfn a() {}\n\n## Two\n\n### Second\n\n```rust\nfn b() {}\n```\n")
    status, out, err = run(capsys, "build", str(path), "--out", str(tmp_path / "kb"))
    assert status == 0
    assert f"{path}:7: warning: code fence never closes" in err
    assert "2 patterns" in out


def test_duplicate_titles_get_unique_ids_deterministically(write_guide):
    path = write_guide("# G\n\n## S\n\n### Same\n\n```rust\nfn a() {}\n```\n\n### Same\n\n```rust\nfn b() {}\n```\n"
                       "\n### Same\n\n```rust\nfn c() {}\n```\n")
    ids = [e.id for e in build_kb([path]).entries]
    assert ids == ["s/same", "s/same-2", "s/same-3"]
    assert [e.id for e in build_kb([path]).entries] == ids


def test_headings_of_only_emoji_or_punctuation(write_guide):
    path = write_guide("# 🦀\n\n## 🔥🔥\n\n### !!!\n\n```rust\nfn a() {}\n```\n\n### ✅\n\n```rust\nfn b() {}\n```\n")
    kb = build_kb([path])
    assert [(e.id, e.title) for e in kb.entries] == [("untitled/untitled", "!!!"), ("untitled/untitled-2", "✅")]
    assert kb.sections[0].title == "🔥🔥"


def test_ids_never_escape_the_kb_directory(write_guide):
    path = write_guide("# G\n\n## ../../etc\n\n### ../../../passwd\n\n```rust\nfn a() {}\n```\n\n"
                       "### /absolute\\path\n\n```rust\nfn b() {}\n```\n")
    for entry in build_kb([path]).entries:
        assert re.match(ID_PATTERN, entry.id) and ".." not in entry.id and not entry.id.startswith("/")
    assert [e.id for e in build_kb([path]).entries] == ["etc/passwd", "etc/absolute-path"]


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["build", "--pattern-level", "9"])
    assert info.value.code == 2
    assert "heading level" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:  # any other first word is a query for the window
        main(["serch", "mutex"])
    assert info.value.code == 2
    assert "did you mean `search`" in capsys.readouterr().err


def test_traceback_flag_shows_the_rest(tmp_path):
    from patternkb.kb.errors import GuideError

    with pytest.raises(GuideError):
        main(["--traceback", "build", str(tmp_path / "nope.md"), "--out", str(tmp_path / "kb")])


def test_failed_build_keeps_the_previous_kb(capsys, write_guide, tmp_path):
    from patternkb.kb.files import live_dir

    good = write_guide("# G\n\n## S\n\n### P\n\n```rust\nfn a() {}\n```\n")
    assert main(["build", str(good), "--out", str(tmp_path / "kb")]) == 0
    before = (live_dir(tmp_path / "kb") / "entries.jsonl").read_bytes()
    bad = write_guide(b"\xff\xfe\x00binary", name="bad.md")
    assert main(["build", str(good), str(bad), "--out", str(tmp_path / "kb")]) == 1
    assert (live_dir(tmp_path / "kb") / "entries.jsonl").read_bytes() == before


@pytest.mark.slow
def test_a_20_mb_guide_builds(tmp_path, bundled_guide):
    """20 MB of guide (the bundled one, 200 times over): it must build, and the benchmark in
    tests/perf times it; no timing is asserted here."""
    text = bundled_guide.read_text(encoding="utf-8")
    big = tmp_path / "big.md"
    copies = 20_000_000 // len(text.encode()) + 1
    big.write_text(text * copies, encoding="utf-8")
    assert big.stat().st_size >= 20_000_000
    kb = build_kb([big])
    assert kb.manifest.counts.patterns == 37 * copies
    assert len({e.id for e in kb.entries}) == len(kb.entries)


def test_files_that_include_each_other_end_with_a_warning(tmp_path):
    src = tmp_path / "book" / "src"
    src.mkdir(parents=True)
    (src / "SUMMARY.md").write_text("# Summary\n\n- [Ch](ch.md)\n")
    (src / "ch.md").write_text("# Ch\n\n```rust\n{{#include a.rs}}\n```\n")
    # Each file includes the other four times a line: 4^10 expansions without a loop check.
    (src / "a.rs").write_text("{{#include b.rs}}{{#include b.rs}}\n{{#include b.rs}}{{#include b.rs}}\nfn a() {}\n")
    (src / "b.rs").write_text("{{#include a.rs}}{{#include a.rs}}\n{{#include a.rs}}{{#include a.rs}}\nfn b() {}\n")
    kb = build_kb([tmp_path / "book"])
    code = kb.patterns[0].code[0].code if kb.patterns else kb.entries[0].code[0].code
    assert code.count("fn b()") == 4 and "fn a()" in code and "{{#include" not in code
    assert any("already being included" in w.message for w in kb.manifest.warnings)


def test_a_malformed_link_is_a_warning_not_a_crash(write_guide):
    guide = write_guide("# T\n\n## P\n\nSee <a href=\"//[bad\">x</a> and [z](//[q).\n\n```rust\nfn a() {}\n```\n")
    kb = build_kb([guide])
    assert kb.patterns and any("//[" in w.message for w in kb.manifest.warnings)


def test_the_title_of_unclosed_html_headings_is_found_once(tmp_path):
    from patternkb.kb.html import html_title

    assert html_title("<div><h1 class='t'>My <b>Guide</b></h1><h1>Other</h1>") == "My Guide"
    assert html_title("<h1>x" * 20_000) is None  # each <h1 rescanned to the end took 25 s at 40,000


def test_titles_in_other_scripts_get_readable_ids_that_do_not_depend_on_their_neighbours(write_guide):
    chapter = "".join(f"### {title}\n\n```rust\nfn a() {{}}\n```\n\n" for title in ("Функции", "Резюме", "즉시실행"))
    ids = [e.id for e in build_kb([write_guide(f"# G\n\n## Łódź\n\n{chapter}")]).entries]
    assert ids == ["lodz/funktsii", "lodz/rezyume", "lodz/jeugsisilhaeng"]
    # An entry added before them leaves their ids as they were (untitled-N counted them).
    more = build_kb([write_guide(f"# G\n\n## Łódź\n\n### Ошибки\n\n```rust\nfn e() {{}}\n```\n\n{chapter}",
                                 name="more.md")])
    assert [e.id for e in more.entries][1:] == ids


def test_reference_links_without_a_definition_are_named_once_per_file(capsys, write_guide, tmp_path):
    """`[MathJax][mathjax]` with no `[mathjax]: …` in the file is shown as text: the build says
    which labels, once, at the first; code (`a[i][j]`) and defined labels are not named."""
    path = write_guide("# G\n\n## A\n\nSee [MathJax][mathjax], [Other][] and [ok][Def].\n\nCode `a[i][j]`, and "
                       "[MathJax][mathjax] again.\n\n```py\nm[0][1]\n```\n\n[def]: https://example.org\n")
    status, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "kb"))
    assert status == 0
    assert [line for line in err.splitlines() if "warning" in line] == [
        f"{path}:5: warning: 3 reference links with no definition in the file, shown as text (a site's plugin "
        "may resolve them): [mathjax], [Other]"]
