"""The build at scale (issue 16): generated Markdown guides of the issue's sizes and hostile shapes,
each built by `patternkb build` in a child process of its own, with its wall time and peak RSS
(ru_maxrss from os.wait4). Prints JSON lines; asserts nothing about time.

    python -m tests.perf.guide_scale big                    # the 50 MB guide (20 blocks of 19,500 units)
    python -m tests.perf.guide_scale big-even               # 48 MB, 20 snippets in each of 23,000 blocks
    python -m tests.perf.guide_scale small 5000 10000       # KBs of small patterns, 1,000 per guide
    python -m tests.perf.guide_scale unclosed               # a quadratic shape, n and 2n (also duplicates,
                                                            # headings, brackets)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

PATTERNKB = Path(sys.executable).with_name("patternkb")
WORDS = ("cache queue stream token buffer socket parser shard ledger cursor worker session codec "
         "frame index lease quota metric probe signal batch window journal vault relay beacon").split()
PER_GUIDE = 1000  # small patterns per generated guide
PER_SECTION = 50


def _word(n: int) -> str:
    return WORDS[n % len(WORDS)]


def _small_pattern(n: int, section: int) -> str:
    name = f"{_word(n).title()}{_word(n // 7).title()}{n}"
    last = n % PER_SECTION == PER_SECTION - 1
    other = f"#area-{section}" if last else f"#{_word(n + 1)}-{_word((n + 1) // 7)}-{n + 1}"
    return (f"### {_word(n).title()} {_word(n // 7)} {n}\n\n"
            f"Keep one `{name}` per {_word(n + 3)}: a {_word(n + 5)} shared across threads needs `Arc<Mutex<_>>`; "
            f"see [the next one]({other}).\n\n"
            f"```rust\n// Define the {_word(n)}\nstruct {name} {{ items: Vec<u64> }}\n\n"
            f"// Use it\nfn use_{n}(x: &{name}) -> usize {{ x.items.len() }}\n```\n\n")


def small_guide(first: int, count: int, title: str) -> str:
    """`count` small patterns (numbered from `first`) in sections of PER_SECTION, with links between them."""
    out = [f"# {title}\n\nGenerated patterns {first} to {first + count - 1}.\n\n"]
    for n in range(first, first + count):
        if (n - first) % PER_SECTION == 0:
            section = n // PER_SECTION
            out.append(f"## Area {section}\n\nPatterns about {_word(section)}s.\n\n")
        out.append(_small_pattern(n, n // PER_SECTION))
    out.append("## Checklist\n\n")
    out.extend(f"- [ ] Check the {_word(n)} {n}\n" for n in range(first, first + count, 10))
    return "".join(out)


def write_small(folder: Path, patterns: int) -> Path:
    """A folder of guides of PER_GUIDE small patterns each."""
    folder.mkdir(parents=True, exist_ok=True)
    for g in range(0, patterns, PER_GUIDE):
        (folder / f"guide-{g // PER_GUIDE:03d}.md").write_text(
            small_guide(g, min(PER_GUIDE, patterns - g), f"Generated guide {g // PER_GUIDE}"), encoding="utf-8")
    return folder


def _block(n: int, snippets: int, body_lines: int) -> str:
    """A Rust block of `snippets` units, each a comment after a blank line and `body_lines` lines."""
    units = []
    for k in range(snippets):
        body = "".join(f"    let {_word(k + j)}_{j} = {_word(n + j)}::step({k}, {j});\n" for j in range(body_lines))
        units.append(f"// Step {k} of the {_word(n)}\nfn step_{n}_{k}() {{\n{body}}}\n")
    return "```rust\n" + "\n".join(units) + "```\n\n"


def big_guide(patterns: int = 2000, blocks: int = 23_000, huge: int = 20, huge_snippets: int = 19_500,
              units: int = 3, body_lines: int = 10, prose: int = 1) -> str:
    """The issue's 50 MB guide: `blocks` code blocks over `patterns` patterns; most of `units`
    snippets, `huge` of them of `huge_snippets` tiny units each (460,000 snippets before limits).
    `big_guide(huge=0, units=20, body_lines=1, prose=60)` is about as large, with 20 snippets in every
    block and `prose` sentences before each pattern's code."""
    per_pattern = blocks // patterns
    out = ["# The big guide\n\nGenerated.\n\n"]
    block = 0
    huge_every = max(1, blocks // max(huge, 1))
    for p in range(patterns):
        if p % 40 == 0:
            out.append(f"## Chapter {p // 40}\n\nAbout {_word(p)}s.\n\n")
        out.append(f"### {_word(p).title()} pattern {p}\n\n" + " ".join(
            f"How to keep a {_word(p + k)} and a {_word(p + 2 * k)} apart when the {_word(k)} is shared."
            for k in range(1, prose + 1)) + "\n\n")
        count = per_pattern + (1 if p < blocks - per_pattern * patterns else 0)
        for _ in range(count):
            if huge and block % huge_every == huge_every // 2:
                out.append(_block(block, huge_snippets, 0))
            else:
                out.append(_block(block, units, body_lines))
            block += 1
    return "".join(out)


def unclosed(n: int) -> str:
    return "# G\n\n" + "".join(f"## Part {i}\n\nText {i}.\n\n```rust\nfn f{i}() {{}}\n\n" for i in range(n))


def duplicates(n: int) -> str:
    return "# G\n\n## Only\n\n" + "".join("### Same\n\n```rust\nfn x() {}\n```\n\n" for _ in range(n))


def headings(n: int) -> str:
    """`n` sections of a pattern with a part each (the block list was copied for every heading)."""
    return "# G\n\n" + "".join(f"## S{i}\n\nAbout {i}.\n\n### P{i}\n\nx\n\n```rust\nfn a() {{}}\n```\n\n"
                               f"#### Part\n\ny\n\n" for i in range(n))


def brackets(n: int) -> str:
    """A guide with one line of `n` opening brackets (the issue's 1 MB line of `[`)."""
    return "# G\n\n## S\n\n### P\n\n" + "[" * n + "\n\n```rust\nfn x() {}\n```\n"


def _tree_pss(pid: int) -> int:
    """Proportional set size (kB) of a process and its descendants (workers share the build's
    pages: their RSS counts them again, their PSS does not)."""
    total, todo = 0, [pid]
    while todo:
        one = todo.pop()
        try:
            for line in Path(f"/proc/{one}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{one}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def _sample_tree(pid: int, peak: list[int], done: threading.Event) -> None:
    while not done.wait(0.05):
        peak[0] = max(peak[0], _tree_pss(pid))


def run_build(guides: list[Path], out: Path) -> dict:
    """`patternkb build` in a child process: its wall time, peak RSS (MB) and summary line. Its
    output goes to files, so that os.wait4 reaps it (thousands of warnings would fill a pipe)."""
    shutil.rmtree(out, ignore_errors=True)
    logs = out.with_name(out.name + ".log")
    started = time.perf_counter()
    with open(logs, "w+") as stdout, open(logs.with_suffix(".err"), "w+") as stderr:
        proc = subprocess.Popen([str(PATTERNKB), "build", *map(str, guides), "--out", str(out)],
                                stdout=stdout, stderr=stderr, text=True)
        peak, done = [0], threading.Event()
        sampler = threading.Thread(target=_sample_tree, args=(proc.pid, peak, done), daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        sampler.join()
        elapsed = time.perf_counter() - started
        stdout.seek(0)
        stderr.seek(0)
        first, errors = stdout.readline().strip(), stderr.read()
    # peak_mb: the largest RSS of the build or one of its workers (os.wait4); tree_pss_mb: the
    # largest sum over the build and its workers, sampled every 50 ms.
    # cpu_s: user and system time of the build and its workers (a loaded machine stretches the wall time).
    return dict(seconds=round(elapsed, 2), cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
                peak_mb=round(usage.ru_maxrss / 1024), tree_pss_mb=round(peak[0] / 1024),
                status=os.waitstatus_to_exitcode(status),
                summary=first[-220:], warnings=errors.count("\n"), stderr=errors[-300:] if status else "")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("shape", choices=["big", "big-even", "small", "unclosed", "duplicates", "headings", "brackets"])
    parser.add_argument("sizes", nargs="*", type=int)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/patternkb-guides"))
    opts = parser.parse_args(argv)
    opts.dir.mkdir(parents=True, exist_ok=True)
    if opts.shape.startswith("big"):
        guide = opts.dir / f"{opts.shape}.md"
        if not guide.exists():
            shape = dict(huge=0, units=20, body_lines=1, prose=60) if opts.shape == "big-even" else {}
            guide.write_text(big_guide(**shape), encoding="utf-8")
        print(json.dumps(dict(shape=opts.shape, bytes=guide.stat().st_size,
                              **run_build([guide], opts.dir / f"{opts.shape}-kb"))), flush=True)
        return
    if opts.shape == "small":
        for n in opts.sizes or [5000, 10000, 20000, 50000]:
            folder = opts.dir / f"small-{n}"
            if not folder.exists():
                write_small(folder, n)
            print(json.dumps(dict(shape="small", patterns=n, guides=len(list(folder.glob("*.md"))),
                                  **run_build([folder], opts.dir / f"small-{n}-kb"))), flush=True)
        return
    make = {"unclosed": unclosed, "duplicates": duplicates, "headings": headings, "brackets": brackets}[opts.shape]
    default = {"unclosed": [2000, 4000], "duplicates": [10_000, 20_000], "headings": [10_000, 20_000],
               "brackets": [500_000, 1_000_000]}
    for n in opts.sizes or default[opts.shape]:
        guide = opts.dir / f"{opts.shape}-{n}.md"
        guide.write_text(make(n), encoding="utf-8")
        print(json.dumps(dict(shape=opts.shape, n=n, bytes=guide.stat().st_size,
                              **run_build([guide], opts.dir / f"{opts.shape}-{n}-kb"))), flush=True)


if __name__ == "__main__":
    main()
