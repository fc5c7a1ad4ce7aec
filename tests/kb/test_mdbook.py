"""A guide in mdBook layout, from the fixture in tests/fixtures/mdbook."""

import pytest

from patternkb.kb.build import build_kb
from patternkb.kb.errors import GuideError


@pytest.fixture
def book(mdbook_dir):
    return build_kb([mdbook_dir])


def test_summary_gives_order_and_categories(book):
    # the prefix chapter sits in the book's own section; category pages are overviews
    assert [s.title for s in book.sections] == ["Tiny Patterns", "Idioms", "Design Patterns"]
    assert book.sections[1].summary == "Idioms are small, commonly used styles of writing Rust."
    assert [(e.id, e.kind, e.path) for e in book.entries] == [
        ("tiny-patterns/introduction", "overview", ["Tiny Patterns", "Introduction"]),
        ("idioms/overview", "overview", ["Idioms"]),
        ("idioms/constructors", "pattern", ["Idioms", "Constructors"]),
        ("idioms/the-default-trait", "pattern", ["Idioms", "The Default Trait"]),
        ("design-patterns/overview", "overview", ["Design Patterns"]),
        ("design-patterns/builder", "pattern", ["Design Patterns", "Builder"]),
        ("design-patterns/newtype", "pattern", ["Design Patterns", "Newtype"]),
    ]
    assert book.manifest.guides[0].title == "Tiny Patterns"  # from book.toml
    assert book.manifest.guides[0].layout == "mdbook"


def test_part_names_are_normalised(book):
    default = book.entry("idioms/the-default-trait")
    assert [p.name for p in default.parts] == ["Description", "Example", "See also"]  # "Code Example", "See Also"
    builder = book.entry("design-patterns/builder")
    assert [p.name for p in builder.parts] == ["Description", "Example", "Advantages", "Disadvantages", "See also"]
    assert builder.parts[2].markdown == "Separates methods for building from other methods."
    assert builder.summary == "Construct an object with calls to a builder helper."


def test_relative_links_become_links_between_entries(book):
    assert book.entry("idioms/constructors").links == ["idioms/the-default-trait", "design-patterns/builder"]
    assert book.entry("design-patterns/builder").links == ["idioms/constructors"]
    assert book.entry("design-patterns/newtype").links == ["design-patterns/builder"]  # with a #fragment


def test_code_and_sources(book):
    builder = book.entry("design-patterns/builder")
    assert {"Foo", "FooBuilder"} <= set(builder.defines)
    assert builder.source.file == "tiny-book/src/patterns/builder.md"
    assert builder.code[0].line_start == 9


def test_missing_chapter_is_a_warning_with_its_line(book):
    assert [str(w).split("tiny-book/", 1)[1] for w in book.manifest.warnings] == [
        "src/SUMMARY.md:12: warning: chapter file './patterns/missing.md' not found"]


def test_chapter_outside_the_book_is_refused(mdbook_dir):
    summary = mdbook_dir / "src" / "SUMMARY.md"
    summary.write_text(summary.read_text() + "  - [Secrets](../../../../etc/passwd)\n")
    warnings = [w.message for w in build_kb([mdbook_dir]).manifest.warnings]
    assert "'../../../../etc/passwd' is outside the book; skipped" in warnings


def test_book_with_no_chapters(tmp_path):
    (tmp_path / "SUMMARY.md").write_text("# Summary\n\n- [Nothing](nothing.md)\n")
    with pytest.raises(GuideError, match="links no chapter file"):
        build_kb([tmp_path])


def test_several_guides_make_one_kb_with_unique_ids(mdbook_dir, bundled_guide, write_guide):
    other = write_guide("# Other\n\n## Idioms\n\n### Constructors\n\n```rust\nfn new() {}\n```\n\n"
                        "## More\n\n### Builders\n\n```rust\nfn b() {}\n```\n", name="other.md")
    kb = build_kb([bundled_guide, mdbook_dir, other])
    ids = [e.id for e in kb.entries]
    assert len(ids) == len(set(ids))
    # guide ids are slugs of the guides' titles (the H1, book.toml's title)
    assert [g.id for g in kb.manifest.guides] == ["the-complete-rust-guide-your-rust-bible", "tiny-patterns", "other"]
    assert kb.entry("idioms/constructors").guide == "tiny-patterns"
    # A section another guide has already is the later guide's, by name: never idioms-2, which
    # a guide added between them would take
    assert kb.entry("other/idioms/constructors").guide == "other"
    assert {e.guide for e in kb.entries} == {"the-complete-rust-guide-your-rust-bible", "tiny-patterns", "other"}
    assert [e.order for e in kb.entries] == list(range(len(kb.entries)))


def test_a_page_the_summary_does_not_list_is_named_not_dropped_silently(mdbook_dir):
    src = mdbook_dir / "src"
    (src / "drafts").mkdir()
    (src / "drafts" / "unlisted.md").write_text("# Unlisted\n\nWritten, never linked.\n")
    (src / "fragment.md").write_text("A paragraph other chapters include.\n")
    chapter = next(p for p in sorted(src.rglob("*.md")) if p.name != "SUMMARY.md" and p.name != "fragment.md"
                   and "drafts" not in p.parts)
    chapter.write_text(chapter.read_text() + "\n{{#include fragment.md}}\n")
    warnings = [w.message for w in build_kb([mdbook_dir]).manifest.warnings]
    assert [m for m in warnings if "not in src/SUMMARY.md" in m] == [
        "1 page of the book not in src/SUMMARY.md, so not read (mdBook does not build them either): drafts/unlisted.md"]


def test_installed_and_built_folders_of_a_book_are_not_its_unlisted_pages(tmp_path):
    """A GitBook keeps SUMMARY.md at its root and installs its plugins in node_modules: their
    READMEs are no pages of the book, and a page a chapter includes is read where it is."""
    (tmp_path / "SUMMARY.md").write_text("# Summary\n\n- [One](one.md)\n")
    (tmp_path / "one.md").write_text("# One\n\nText.\n\n{{#include parts/part.md:intro}}\n\nMentions README.md.\n")
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "part.md").write_text("Included.\n")
    (tmp_path / "README.md").write_text("# Readme\n\nNot listed.\n")
    for folder in ("node_modules/plugin", "_book"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "README.md").write_text("# Plugin\n")
    warnings = [w.message for w in build_kb([tmp_path]).manifest.warnings if "not in SUMMARY.md" in w.message]
    assert warnings == ["1 page of the book not in SUMMARY.md, so not read (mdBook does not build them either): "
                        "README.md"]
