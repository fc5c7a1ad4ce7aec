"""Odd things a maintainer can hand the builder (encodings that are not text encodings, file names
that are not UTF-8, FIFOs, devices, unreadable files): one clear line, or a KB of valid UTF-8."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from patternkb.app.cli import main
from patternkb.kb.build import build_kb
from patternkb.kb.errors import GuideError

GUIDE = "# G\n\n## S\n\n### P\n\n```rust\nfn a() {}\n```\n"
ODD_NAME = os.fsdecode(b"gu\xffide")  # a byte no UTF-8 decoder accepts, as Python carries it


def build(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["build", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("encoding, words", [
    ("nonsense", "unknown encoding 'nonsense' (--encoding)"),
    ("utf-8\x00", "unknown encoding 'utf-8\\x00' (--encoding)"),
    ("rot13", "'rot13' is not a text encoding (--encoding)"),
    ("base64", "'base64' is not a text encoding (--encoding)"),
    ("zlib", "'zlib' is not a text encoding (--encoding)"),
])
def test_encodings_that_cannot_decode_a_guide(capsys, tmp_path, write_guide, encoding, words):
    path = write_guide(GUIDE)
    with pytest.raises(GuideError) as info:
        build_kb([path], encoding=encoding)
    assert str(info.value).startswith(words) and "\n" not in str(info.value)
    status, _, err = build(capsys, str(path), "--out", str(tmp_path / "kb"), "--encoding", encoding)
    assert status == 1 and one_line(err).startswith(f"patternkb: error: {words}")


@pytest.mark.parametrize("encoding", ["punycode", "undefined"])
def test_text_encodings_that_fail_as_a_whole_name_the_file(capsys, tmp_path, write_guide, encoding):
    path = write_guide(GUIDE)
    with pytest.raises(GuideError, match=f"^{path}: cannot be read as {encoding}: "):
        build_kb([path], encoding=encoding)
    status, _, err = build(capsys, str(path), "--out", str(tmp_path / "kb"), "--encoding", encoding)
    assert status == 1 and one_line(err).startswith(f"patternkb: error: {path}: cannot be read as {encoding}: ")


def test_a_wide_encoding_is_text_not_binary(write_guide):
    """UTF-16 puts a NUL byte beside every ASCII character: that is not a binary file."""
    path = write_guide(GUIDE.encode("utf-16"))
    assert [e.title for e in build_kb([path], encoding="utf-16").entries] == ["P"]
    binary = write_guide("# G\n\n\x00\n".encode("utf-16"), name="binary.md")
    with pytest.raises(GuideError, match=r"binary.md:3: binary file \(NUL character\)"):
        build_kb([binary], encoding="utf-16")


def test_a_codec_that_makes_lone_surrogates_is_refused(write_guide):
    path = write_guide(b"# G\n\n## S\n\n### \\ud800\n\n```rust\nfn a() {}\n```\n")
    with pytest.raises(GuideError, match=r"guide.md:5: decodes to a lone surrogate"):
        build_kb([path], encoding="unicode_escape")


def assert_utf8(kb) -> None:
    texts = [kb.manifest.model_dump_json(), *(s.model_dump_json() for s in kb.sections),
             *(e.model_dump_json() for e in kb.entries)]
    for text in texts:
        text.encode("utf-8")  # raises on a lone surrogate


def test_a_file_name_that_is_not_utf8(tmp_path):
    path = tmp_path / f"{ODD_NAME}.md"
    path.write_text(GUIDE)
    kb = build_kb([path])
    assert_utf8(kb)
    assert kb.manifest.guides[0].file == "gu\ufffdide.md"
    assert kb.manifest.guides[0].title == "G"
    assert kb.entries[0].source.file == "gu\ufffdide.md"
    assert kb.manifest.guides[0].id == "g"  # a slug of the title


def test_a_folder_and_a_book_with_names_that_are_not_utf8(tmp_path, mdbook_dir):
    folder = tmp_path / ODD_NAME
    folder.mkdir()
    (folder / f"{ODD_NAME}.md").write_text("# \n\n## S\n\n### P\n\n```rust\nfn a() {}\n```\n\n```rust\nfn b() {}\n")
    book = tmp_path / f"book-{ODD_NAME}"
    shutil.move(mdbook_dir, book)
    kb = build_kb([folder, book])
    assert_utf8(kb)
    assert [g.file for g in kb.manifest.guides] == ["gu\ufffdide.md", "book-gu\ufffdide"]
    assert kb.entries[-1].source.file == "book-gu\ufffdide/src/patterns/newtype.md"
    assert {w.file for w in kb.manifest.warnings} == {  # the fence left open; the missing chapter
        f"{tmp_path}/gu\ufffdide/gu\ufffdide.md", f"{tmp_path}/book-gu\ufffdide/src/SUMMARY.md"}


def test_the_cli_builds_a_guide_whose_name_is_not_utf8(capsys, tmp_path):
    path = tmp_path / f"{ODD_NAME}.md"
    path.write_text(GUIDE)
    status, out, err = build(capsys, str(path), "--out", str(tmp_path / "kb"))
    assert status == 0 and "1 patterns" in out, err
    for written in (tmp_path / "kb").rglob("*.json"):
        written.read_bytes().decode("utf-8")  # strict: every byte written is UTF-8


def test_a_fifo_is_refused_without_waiting_for_a_writer(capsys, tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(GuideError) as info:
        build_kb([fifo])
    assert str(info.value) == f"{fifo}: is a FIFO, not a Markdown file"
    status, _, err = build(capsys, str(fifo), "--out", str(tmp_path / "kb"))
    assert status == 1 and one_line(err) == f"patternkb: error: {fifo}: is a FIFO, not a Markdown file"


def test_dev_null_is_refused(capsys, tmp_path):
    if not Path("/dev/null").is_char_device():
        pytest.skip("/dev/null is not a character device on this machine")
    with pytest.raises(GuideError, match="^/dev/null: is a character device, not a Markdown file$"):
        build_kb([Path("/dev/null")])
    status, _, err = build(capsys, "/dev/null", "--out", str(tmp_path / "kb"))
    assert status == 1 and one_line(err) == "patternkb: error: /dev/null: is a character device, not a Markdown file"


def test_a_directory_without_markdown_names_itself(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("hello")
    with pytest.raises(GuideError, match=f"^{tmp_path / 'docs'}: directory holds no Markdown files"):
        build_kb([tmp_path / "docs"])


def test_a_nul_in_a_path_given_to_the_api(tmp_path):
    with pytest.raises(GuideError, match="the path holds a NUL byte"):
        build_kb([tmp_path / "a\x00b.md"])


UNREADABLE = """
import sys
from patternkb.app.cli import main
sys.exit(main(["build", sys.argv[1], "--out", sys.argv[2]]))
"""


def test_an_unreadable_file_names_itself(capsys):
    """EACCES, as an ordinary user meets it: root reads anything, so as root the build runs as
    nobody (setpriv) in a subprocess."""
    as_root = os.geteuid() == 0
    if as_root and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot meet a permission error")
    folder = Path(tempfile.mkdtemp(prefix="patternkb-eacces-"))
    try:
        folder.chmod(0o755)  # nobody must reach the file, and be refused by the file alone
        path = folder / "locked.md"
        path.write_text(GUIDE)
        path.chmod(0)
        expected = f"patternkb: error: {path}: cannot read: Permission denied"
        if not as_root:
            status, _, err = build(capsys, str(path), "--out", str(folder / "kb"))
            assert status == 1 and one_line(err) == expected
            with pytest.raises(GuideError, match="cannot read: Permission denied"):
                build_kb([path])
            return
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                   sys.executable, "-c", UNREADABLE, str(path), str(folder / "kb")]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                              cwd=Path(__file__).resolve().parents[2])
        if "Operation not permitted" in done.stderr and done.returncode != 1:
            pytest.skip(f"setpriv cannot switch user here: {done.stderr.strip()}")
        assert done.returncode == 1 and one_line(done.stderr) == expected
    finally:
        shutil.rmtree(folder)


def test_a_docs_tree_is_read_with_its_subfolders_and_a_book_in_it_as_one_guide(tmp_path):
    from patternkb.kb.build import build_kb

    docs = tmp_path / "docs"
    page = "# {0}\n\n## Use {0}\n\n```go\n{0}()\n```\n"
    for rel in ("intro.md", "dev/streams/side-outputs.mdx", "dev/tables.qmd", "zz.md"):
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(page.format(Path(rel).stem.replace("-", "")))
    (docs / "book" / "src").mkdir(parents=True)
    (docs / "book" / "src" / "SUMMARY.md").write_text("# Summary\n\n- [Pools](pools.md)\n")
    (docs / "book" / "src" / "pools.md").write_text(page.format("pools"))
    (docs / "book" / "src" / "orphan.md").write_text(page.format("orphan"))  # not in the summary: not a guide
    for ignored in (".git/notes.md", "node_modules/pkg/README.md"):
        (docs / ignored).parent.mkdir(parents=True, exist_ok=True)
        (docs / ignored).write_text(page.format("ignored"))
    kb = build_kb([docs])
    assert [g.title for g in kb.manifest.guides] == ["book", "sideoutputs", "tables", "intro", "zz"]
    assert "orphan" not in {e.title for e in kb.entries} and "ignored" not in {e.title for e in kb.entries}


def test_a_bad_page_of_a_docs_tree_is_skipped_with_a_warning_and_vendored_folders_are_not_read(tmp_path):
    from patternkb.kb.build import build_kb

    docs = tmp_path / "docs"
    for rel in ("a/intro.md", "b/intro.md", "venv/lib/site-packages/pkg/README.md", "vendor/x/README.md"):
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(f"# Intro {rel[0]}\n\n## Use\n\n```go\nf()\n```\n")
    (docs / "a" / "binary.md").write_bytes(b"\x00\x01\x02 not text")
    (docs / "broken-book" / "src").mkdir(parents=True)
    (docs / "broken-book" / "src" / "SUMMARY.md").write_text("# Summary\n\n- [Gone](gone.md)\n")
    kb = build_kb([docs])
    assert [g.file for g in kb.manifest.guides] == ["a/intro.md", "b/intro.md"]  # two pages of one name, told apart
    skipped = [w.file for w in kb.manifest.warnings if w.message.endswith("skipped")]
    assert any(f.endswith("binary.md") for f in skipped) and any("broken-book" in f for f in skipped)


def test_pages_of_a_docs_tree_in_another_markup_are_named_in_a_warning(tmp_path):
    """A Sphinx tree mixes Markdown and reStructuredText pages: the .rst pages are not read, and
    the build says so, naming them, rather than claiming every page arrived."""
    docs = tmp_path / "docs"
    (docs / "guide").mkdir(parents=True)
    (docs / "index.md").write_text("# Docs\n\n## Install\n\nRun it.\n")
    for n in range(7):
        (docs / "guide" / f"page{n}.rst").write_text("Title\n=====\n\nText.\n")
    kb = build_kb([docs])
    [warning] = [w.message for w in kb.manifest.warnings if "reStructuredText" in w.message]
    assert warning.startswith("7 pages in reStructuredText, which patternkb does not read (Markdown only): "
                              "guide/page0.rst, guide/page1.rst, ")
    assert "and 2 more" in warning
    only_rst = tmp_path / "rst"
    only_rst.mkdir()
    (only_rst / "a.rst").write_text("A\n=\n")
    with pytest.raises(GuideError, match="no Markdown file to build from .*a.rst"):
        build_kb([only_rst])


def test_a_folder_s_pages_without_a_title_heading_are_named_by_front_matter_or_file(tmp_path):
    """A linter's rule pages have no `#` heading, only "## Examples" and "## Options" that every
    page shares: each page is its front matter's title, else its file's name, and that name leads
    its entries' paths, so no two pages read as the same "Examples"."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "no-unused-vars.md").write_text("---\ndescription: 'Disallow unused variables.'\n---\n\n"
                                             "## Examples\n\nExtends the base rule.\n\n```ts\nlet a = 1;\n```\n")
    (rules / "semi.md").write_text("Require semicolons.\n\n## Examples\n\nText.\n\n```ts\nlet b = 2;\n```\n\n"
                                   "## Options\n\n### always\n\n```ts\nlet c = 3;\n```\n")
    (rules / "titled.md").write_text("---\ntitle: Prefer const\n---\n\n## Examples\n\n```ts\nconst d = 4;\n```\n")
    kb = build_kb([rules])
    assert sorted(g.title for g in kb.manifest.guides) == ["Prefer const", "no-unused-vars", "semi"]
    paths = {tuple(e.path) for e in kb.entries}
    assert ("no-unused-vars", "Examples") in paths and ("semi", "Examples") in paths
    assert ("Prefer const", "Examples") in paths
    assert not [p for p in paths if p[0] in ("Examples", "Options")]
    # A front matter's description opens the page's words; alone it makes no entry.
    (rules / "no-unused-vars.md").write_text("---\ndescription: 'Disallow unused variables.'\n---\n\n"
                                             "Also types.\n\n## Examples\n\n```ts\nlet a = 1;\n```\n")
    overviews = {e.title: e.text for e in build_kb([rules]).entries if e.kind == "overview"}
    assert overviews["no-unused-vars"].startswith("Disallow unused variables.\n\nAlso types.")
    assert "Prefer const" not in overviews  # its front matter has a title, no words of its own
    # Above a `#` title, the description is the title's overview, as the site shows it under it.
    (rules / "titled.md").write_text("---\ndescription: Require const declarations.\n---\n\n# Prefer const\n\n"
                                     "## Examples\n\n```ts\nconst d = 4;\n```\n")
    overviews = {e.title: e.text for e in build_kb([rules]).entries if e.kind == "overview"}
    assert overviews["Prefer const"] == "Require const declarations."
