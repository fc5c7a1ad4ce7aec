"""Ids stay with their entry as a guide grows: a page added never takes an id another entry had."""

from __future__ import annotations

from pathlib import Path

from patternkb.kb.build import build_kb


def _ids(paths: list[Path], level: int | None = None) -> dict[tuple[str, str], str]:
    """Each entry's id by (its file, its title)."""
    return {(e.source.file, e.title): e.id for e in build_kb(paths, pattern_level=level).entries}


def test_a_page_added_to_a_folder_takes_no_id_of_another_page(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "b-python.md").write_text("# Setup\n\n## Install\n\nUse pip.\n")
    (docs / "c-node.md").write_text("# Setup\n\n## Install\n\nUse npm.\n")
    before = _ids([docs])
    (docs / "a-rust.md").write_text("# Setup\n\n## Install\n\nUse cargo.\n")
    after = _ids([docs])
    assert len(set(after.values())) == 3
    assert {key: after[key] for key in before} == before
    assert after[("a-rust.md", "Install")] == "a-rust/setup/install"


def test_entries_of_one_title_in_a_book_are_told_apart_by_their_pages(tmp_path):
    book = tmp_path / "book"
    (book / "src").mkdir(parents=True)
    code = "\n\n```rust\nfn main() {}\n```\n"
    chapters = {"features.md": f"# Features\n\n## Build scripts\n\nA feature's build script.{code}",
                "scripts.md": f"# Build Scripts\n\n## Build dependencies\n\nWhat build.rs needs.{code}",
                "deps.md": f"# Dependencies\n\n## Build dependencies\n\nThe table.{code}"}
    for name, text in chapters.items():
        (book / "src" / name).write_text(text)

    def summary(names):
        lines = "".join(f"  - [{chapters[n].splitlines()[0][2:]}]({n})\n" for n in names)
        (book / "src" / "SUMMARY.md").write_text(f"# Summary\n\n- [Reference](features.md)\n{lines}")

    summary(["scripts.md", "deps.md"])
    before = _ids([book], level=2)  # each chapter's sub-headings are its entries
    # Both "Build dependencies" are named by their page; neither keeps a bare id to hand on.
    assert before[("book/src/scripts.md", "Build dependencies")].endswith("/build-scripts/build-dependencies")
    assert before[("book/src/deps.md", "Build dependencies")].endswith("/dependencies/build-dependencies")
    (book / "src" / "more.md").write_text(f"# More\n\n## Build dependencies\n\nAnother.{code}")
    chapters["more.md"] = (book / "src" / "more.md").read_text()
    summary(["more.md", "scripts.md", "deps.md"])
    after = _ids([book], level=2)
    assert {key: after[key] for key in before} == before


def test_one_heading_twice_in_one_place_is_numbered_in_reading_order(write_guide):
    kb = build_kb([write_guide("# Guide\n\n## Usage\n\n### Example\n\nOne.\n\n### Example\n\nTwo.\n")])
    assert [e.id for e in kb.entries if e.title == "Example"] == ["usage/example", "usage/example-2"]
