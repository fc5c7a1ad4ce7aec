"""Building stays linear in the guide's size for the shapes that were quadratic (issue 16): fences
that never close, many patterns of one title, many headings, a line of brackets. Times are compared with each other in
one process, never with a clock limit: four times the input must take under eight times as long
(linear: four; quadratic: sixteen), in CPU time, the best of interleaved runs, so that a busy
machine slows both sizes alike and cannot fail the test."""

import time

import pytest

from patternkb.kb.build import build_kb

SIZE = 1500


def _unclosed(n: int) -> str:
    return "# G\n\n" + "".join(f"## Part {i}\n\nText {i}.\n\n```rust\nfn f{i}() {{}}\n\n" for i in range(n))


def _same_titles(n: int) -> str:
    # Checklist items are the cheapest entries, so claiming their ids is most of the work.
    return "# G\n\n## Only\n\n" + "".join("### Same\n\n```rust\nfn x() {}\n```\n\n" for _ in range(n)) + \
        "## Checklist\n\n" + "".join("- Same item\n" for _ in range(4 * n))


def _many_headings(n: int) -> str:
    return "# G\n\n" + "".join(f"## S{i}\n\nAbout {i}.\n\n### P{i}\n\nx\n\n```rust\nfn a() {{}}\n```\n\n"
                               f"#### Part\n\ny\n\n" for i in range(n))


def _brackets(n: int) -> str:
    # One paragraph of `[` and no `]`: a regex that scanned to the end from every `[` was quadratic.
    return "# G\n\n## S\n\n### P\n\n" + "[" * (20 * n) + "\n\n```rust\nfn x() {}\n```\n"


def _rule_of_brackets(n: int) -> str:
    # A numbered rule as a list item whose words are `[` with no `]`: its name is cleaned of links.
    return "# G\n\n## S\n\n- [1.1](#r) " + "[" * (20 * n) + "\n\n```rust\nfn x() {}\n```\n"


def _open_components(n: int) -> str:
    # Lines that start a component's tag and never close it, each read as far as a tag may span.
    return "# G\n\n## S\n\n### P\n\n" + "<Tab value={x\n" * (5 * n) + "\n```rust\nfn x() {}\n```\n"


def _backticks(n: int) -> str:
    # A wiki link and a run of backticks on one line: finding code spans by regex was cubic.
    return "# G\n\n## S\n\n### P\n\nSee [[Other]] [x][a.b] " + "`" * n + "\n\n```rust\nfn x() {}\n```\n"


def _spans_and_links(n: int) -> str:
    # Code spans and wiki links taking turns on one line: each link looked through every span.
    return "# G\n\n## S\n\n### P\n\n" + "`a` [[b]] " * (5 * n) + "\n\n```rust\nfn x() {}\n```\n"


def _best_times(small, large, rounds: int = 3) -> tuple[float, float]:
    """The best of a few runs of each, interleaved, so that a burst of load on a shared machine
    slows both sizes alike rather than one."""
    best = [float("inf"), float("inf")]
    for _ in range(rounds):
        for n, path in enumerate((small, large)):
            start = time.process_time()
            build_kb([path])
            best[n] = min(best[n], time.process_time() - start)
    return best[0], best[1]


@pytest.mark.parametrize("make", [_unclosed, _same_titles, _many_headings, _brackets, _rule_of_brackets,
                                  _open_components, _backticks, _spans_and_links])
def test_four_times_the_guide_takes_less_than_eight_times_as_long(tmp_path, make):
    small, large = tmp_path / "small.md", tmp_path / "large.md"
    small.write_text(make(SIZE // 2))
    large.write_text(make(2 * SIZE))
    build_kb([small])  # lexers and regexes warmed up once
    small_time, large_time = _best_times(small, large)
    ratio = large_time / small_time
    assert ratio < 8.0, f"{make.__name__}: four times the guide multiplied the build time by {ratio:.2f}"


def test_a_folder_of_many_pages_costs_about_what_one_guide_of_their_patterns_does(tmp_path):
    # Each page of a folder is a guide; a full pass of the cyclic collector after each one walked
    # every object of every library loaded (26 ms a page: 3,000 pages took 77 s of 81). Measured:
    # 2.7 times one guide's time now, 25 times with a full pass per page.
    from patternkb.kb.build import build_into

    pages = tmp_path / "pages"
    pages.mkdir()
    bodies = []
    for i in range(200):
        body = f"## Part {i}\n\nText about part {i} and [the next](page-{i + 1}.md).\n\n```rust\nfn f{i}() {{}}\n```\n"
        (pages / f"page-{i}.md").write_text(f"# Page {i}\n\n{body}")
        bodies.append(body)
    (tmp_path / "one.md").write_text("# One\n\n" + "\n".join(bodies))
    best = [float("inf"), float("inf")]
    for round_ in range(3):
        for n, path in enumerate((pages, tmp_path / "one.md")):
            start = time.process_time()
            build_into([path], tmp_path / f"kb-{n}-{round_}")
            best[n] = min(best[n], time.process_time() - start)
    assert best[0] < 8 * best[1], best
