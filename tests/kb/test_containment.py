"""Nothing is read from outside the guide a maintainer named: symlink layouts that lead out of a
book or a folder of guides are warned about and skipped; links that stay inside still work."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from patternkb.app.cli import main
from patternkb.kb.build import build_kb
from patternkb.kb.encoding import resolve_inside
from patternkb.kb.errors import GuideError

SECRET = "OUTSIDE-SECRET-TEXT"
GUIDE = "# G\n\n## S\n\n### {title}\n\n```rust\nfn {fn}() {{}}\n```\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the guides, holding text that must never reach the KB."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text(f"# Secret\n\n## Leak\n\n{SECRET}\n\n```rust\nfn leak() {{}}\n```\n")
    return folder


def everything(kb) -> str:
    """Every text the KB holds, as one string, to look for leaked content."""
    return "\n".join([kb.manifest.model_dump_json()] + [s.model_dump_json() for s in kb.sections]
                     + [e.model_dump_json() for e in kb.entries])


def test_src_symlinked_out_of_the_book_is_refused(mdbook_dir, tmp_path):
    moved = tmp_path / "elsewhere-src"
    shutil.move(mdbook_dir / "src", moved)
    (mdbook_dir / "src").symlink_to(moved, target_is_directory=True)
    with pytest.raises(GuideError) as info:
        build_kb([mdbook_dir])
    assert str(info.value) == (f"{mdbook_dir}/src/SUMMARY.md: leads outside the book (it, or src/, is a symlink); "
                               "nothing read")


def test_summary_symlinked_out_of_the_book_is_refused(mdbook_dir, outside):
    summary = mdbook_dir / "src" / "SUMMARY.md"
    (outside / "SUMMARY.md").write_text(summary.read_text())
    summary.unlink()
    summary.symlink_to(outside / "SUMMARY.md")
    with pytest.raises(GuideError, match="SUMMARY.md: leads outside the book"):
        build_kb([mdbook_dir])


def test_chapter_symlinked_out_of_the_book_is_skipped_with_its_line(mdbook_dir, outside):
    chapter = mdbook_dir / "src" / "patterns" / "newtype.md"
    chapter.unlink()
    chapter.symlink_to(outside / "secret.md")
    kb = build_kb([mdbook_dir])
    assert SECRET not in everything(kb)
    assert "design-patterns/newtype" not in [e.id for e in kb.entries]
    assert f"{mdbook_dir}/src/SUMMARY.md:11: warning: './patterns/newtype.md' leads outside the book (a symlink); " \
           "skipped" in [str(w) for w in kb.manifest.warnings]


def test_a_book_whose_every_chapter_leads_out_has_nothing_to_build(tmp_path, outside):
    book = tmp_path / "book"
    book.mkdir()
    (book / "SUMMARY.md").write_text("# Summary\n\n- [Leak](leak.md)\n")
    (book / "leak.md").symlink_to(outside / "secret.md")
    with pytest.raises(GuideError, match="SUMMARY.md: SUMMARY.md links no chapter file that exists inside the book"):
        build_kb([book])


def test_book_toml_symlinked_out_is_not_read(mdbook_dir, outside):
    (outside / "book.toml").write_text(f'[book]\ntitle = "{SECRET}"\n')
    (mdbook_dir / "book.toml").unlink()
    (mdbook_dir / "book.toml").symlink_to(outside / "book.toml")
    kb = build_kb([mdbook_dir])
    assert kb.manifest.guides[0].title == "tiny-book"
    assert SECRET not in everything(kb)
    assert any(w.file.endswith("tiny-book/book.toml") and "leads outside the book" in w.message
               for w in kb.manifest.warnings)


def test_symlinks_that_stay_inside_the_book_are_read(mdbook_dir):
    # A chapter linked to another file of the book, outside src/ but inside the book's root.
    shared = mdbook_dir / "shared"
    shared.mkdir()
    shutil.move(mdbook_dir / "src" / "patterns" / "newtype.md", shared / "newtype.md")
    (mdbook_dir / "src" / "patterns" / "newtype.md").symlink_to(Path("../../shared/newtype.md"))
    kb = build_kb([mdbook_dir])
    newtype = kb.entry("design-patterns/newtype")
    assert newtype is not None and newtype.source.file == "tiny-book/src/patterns/newtype.md"


def test_a_book_reached_through_a_symlink_is_read(mdbook_dir, tmp_path):
    # The root the maintainer names may itself be a symlink: containment is measured from where it leads.
    link = tmp_path / "book-link"
    link.symlink_to(mdbook_dir, target_is_directory=True)
    assert len(build_kb([link]).patterns) == len(build_kb([mdbook_dir]).patterns) == 4


def test_folder_of_guides_skips_a_file_that_leads_out(tmp_path, outside):
    folder = tmp_path / "guides"
    folder.mkdir()
    (folder / "a.md").write_text(GUIDE.format(title="Alpha", fn="a"))
    (folder / "b.md").symlink_to(outside / "secret.md")
    (folder / "sub").mkdir()
    (folder / "sub" / "c.md").write_text(GUIDE.format(title="Gamma", fn="c"))
    (folder / "c.md").symlink_to(Path("sub/c.md"))  # stays inside: read, once with the file it names
    kb = build_kb([folder])
    assert SECRET not in everything(kb)
    assert [g.file for g in kb.manifest.guides] == ["a.md", "sub/c.md"]
    assert [str(w) for w in kb.manifest.warnings] == [
        f"{folder}/b.md: warning: leads outside the folder (a symlink); skipped"]


def test_folder_whose_only_guide_leads_out(tmp_path, outside):
    folder = tmp_path / "guides"
    folder.mkdir()
    (folder / "b.md").symlink_to(outside / "secret.md")
    with pytest.raises(GuideError) as info:
        build_kb([folder])
    assert str(info.value) == (f"{folder}: no Markdown file to build from "
                               f"({folder}/b.md: leads outside the folder (a symlink))")


def test_the_cli_warns_and_builds_the_rest(capsys, tmp_path, outside):
    folder = tmp_path / "guides"
    folder.mkdir()
    (folder / "a.md").write_text(GUIDE.format(title="Alpha", fn="a"))
    (folder / "b.md").symlink_to(outside / "secret.md")
    status = main(["build", str(folder), "--out", str(tmp_path / "kb")])
    out, err = capsys.readouterr()
    assert status == 0 and "1 patterns" in out
    assert err.splitlines() == [f"{folder}/b.md: warning: leads outside the folder (a symlink); skipped"]
    written = b"".join(p.read_bytes() for p in (tmp_path / "kb").rglob("*") if p.is_file())
    assert SECRET.encode() not in written


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"], ids=["zero-bytes", "whitespace"])
def test_an_empty_chapter_is_a_warning(mdbook_dir, content):
    (mdbook_dir / "src" / "patterns" / "newtype.md").write_bytes(content)
    kb = build_kb([mdbook_dir])
    assert [e.id for e in kb.patterns] == ["idioms/constructors", "idioms/the-default-trait",
                                           "design-patterns/builder"]
    assert f"{mdbook_dir}/src/SUMMARY.md:11: warning: chapter file './patterns/newtype.md' is empty; skipped" \
        in [str(w) for w in kb.manifest.warnings]


def test_an_empty_file_in_a_folder_is_a_warning_and_named_alone_an_error(tmp_path):
    folder = tmp_path / "guides"
    folder.mkdir()
    (folder / "a.md").write_text(GUIDE.format(title="Alpha", fn="a"))
    (folder / "empty.md").write_bytes(b"")
    kb = build_kb([folder])
    assert [str(w) for w in kb.manifest.warnings] == [f"{folder}/empty.md: warning: the guide is empty; skipped"]
    with pytest.raises(GuideError) as info:
        build_kb([folder / "empty.md"])
    assert str(info.value) == f"{folder}/empty.md: the guide is empty"


def test_resolve_inside(tmp_path):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "f.md").write_text("x")
    (root / "in.md").symlink_to(root / "sub" / "f.md")
    (root / "out.md").symlink_to(tmp_path)
    (root / "loop.md").symlink_to(root / "loop.md")
    assert resolve_inside(root / "in.md", root) == (root / "sub" / "f.md").resolve()
    assert resolve_inside(root / "sub" / ".." / "sub" / "f.md", root) == (root / "sub" / "f.md").resolve()
    assert resolve_inside(root / "out.md", root) is None
    assert resolve_inside(root / ".." / "root2" / "f.md", root) is None  # a sibling sharing the prefix
    assert resolve_inside(root / "loop.md", root) is None
    assert os.path.islink(root / "loop.md")
