"""The filter bar (app/filter_bar.py): values with counts, the user's pick kept."""

from types import SimpleNamespace

from patternkb.app.filter_bar import FilterBar


def _result(kinds, sections, all_kinds, all_sections=None):
    """A search's counts: each kind's rows, each section's, and the rows of all kinds and of all
    sections (a snippet folds into its pattern's row: not the sums)."""
    return SimpleNamespace(facets={"kind": kinds, "section": sections}, all_kinds=all_kinds,
                           all_sections=sum(sections.values()) if all_sections is None else all_sections)


SECTIONS = [SimpleNamespace(id="s1", title="First"), SimpleNamespace(id="s2", title="Second")]


def _labels(box):
    return [box.itemText(i) for i in range(box.count())]


def test_without_a_search_the_values_have_no_counts(qtbot):
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.fill(None, SECTIONS)
    assert _labels(bar.kind_box) == ["All kinds", "Patterns", "Overviews", "Snippets", "Checklists"]
    assert _labels(bar.section_box) == ["All sections", "First", "Second"]
    assert bar.kind() is None and bar.section() is None


def test_counts_follow_the_search_and_a_picked_section_stays_when_it_finds_nothing(qtbot):
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.fill(_result({"pattern": 3, "snippet": 2}, {"s1": 3}, 3), SECTIONS)
    assert _labels(bar.kind_box) == ["All kinds (3)", "Patterns (3)", "Snippets (2)"]  # none found: not offered
    assert _labels(bar.section_box) == ["All sections (3)", "First (3)"]  # none found in Second: not offered
    with qtbot.waitSignal(bar.changed, timeout=1000):
        bar.section_box.setCurrentIndex(1)
        bar.section_box.activated.emit(1)  # as a user's pick
    bar.kind_box.setCurrentIndex(2)
    bar.fill(_result({"pattern": 1}, {"s2": 1}, 1), SECTIONS)
    assert (bar.kind(), bar.section()) == ("snippet", "s1")
    assert _labels(bar.kind_box) == ["All kinds (1)", "Patterns (1)", "Snippets (0)"]  # picked: stays
    assert _labels(bar.section_box) == ["All sections (1)", "First (0)", "Second (1)"]


def test_reset_picks_all_kinds_and_all_sections(qtbot):
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.fill(_result({"pattern": 3, "snippet": 2}, {"s1": 3}, 3), SECTIONS)
    bar.kind_box.setCurrentIndex(1)
    bar.section_box.setCurrentIndex(1)
    bar.reset()
    assert (bar.kind(), bar.section()) == (None, None)
