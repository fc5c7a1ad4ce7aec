"""Scale figures for issue 16, each step its own process (so peak RSS is that step's): a generated
KB of N entries written to disk, `patternkb index --rebuild`, a re-index after one guide changed,
and `patternkb search` in a fresh process. Prints JSON lines; asserts nothing about time.

    python -m tests.perf.scale 10000 [--guides 10] [--dir /tmp/scale] [--steps kb,index,search,incremental]
"""

from __future__ import annotations

import argparse
import os
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

PATTERNKB = Path(sys.executable).with_name("patternkb")


def run(argv: list[str]) -> dict:
    """Wall time and peak RSS (MB) of one child process (run alone: ru_maxrss is the largest child's)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, _, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    out, err = proc.stdout.read(), proc.stderr.read()
    return dict(seconds=round(elapsed, 2), peak_mb=round(usage.ru_maxrss / 1024), stdout=out[-300:], stderr=err[-300:])


def write_kb_dir(entries: int, guides: int, directory: Path, changed: bool = False) -> None:
    """The generated KB written entry by entry (a 50,000-entry KB in memory would take 2 GB)."""
    from patternkb.kb.store import KBWriter
    from tests.perf.synthetic import synthetic_parts

    manifest, sections, entries_made = synthetic_parts(entries, guides=guides, changed_guide=0 if changed else None)
    with KBWriter(directory) as writer:
        for entry in entries_made:
            writer.add(entry)
        writer.publish(manifest, sections)


def main(args: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("entries", type=int)
    parser.add_argument("--guides", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/patternkb-scale"))
    parser.add_argument("--steps", default="kb,index,search")
    parser.add_argument("--query", default="mutex poison")
    opts = parser.parse_args(args)
    base = opts.dir / f"{opts.entries}-{opts.guides}"
    kb_dir, index_dir = base / "kb", base / "ix"
    steps = opts.steps.split(",")
    figures: dict = dict(entries=opts.entries, guides=opts.guides)
    if "kb" in steps or not kb_dir.exists():
        started = time.perf_counter()
        run_kb = subprocess.run([sys.executable, "-c", f"from tests.perf.scale import write_kb_dir; from pathlib import Path; "
                                 f"write_kb_dir({opts.entries}, {opts.guides}, Path({str(kb_dir)!r}))"], check=True)
        figures["kb_written_s"] = round(time.perf_counter() - started, 1)
    if "index" in steps:
        figures["index_rebuild"] = run([str(PATTERNKB), "index", "--rebuild", "--kb", str(kb_dir), "--index-dir", str(index_dir)])
    if "search" in steps:
        figures["search_process"] = [run([str(PATTERNKB), "search", opts.query, "--kb", str(kb_dir), "--index-dir", str(index_dir)])
                                     for _ in range(3)]
    if "incremental" in steps:
        # In step with the KB as generated first (an index made before may be of the changed one).
        subprocess.run([sys.executable, "-c", f"from tests.perf.scale import write_kb_dir; from pathlib import Path; "
                        f"write_kb_dir({opts.entries}, {opts.guides}, Path({str(kb_dir)!r}))"], check=True)
        figures["index_in_step"] = run([str(PATTERNKB), "index", "--kb", str(kb_dir), "--index-dir", str(index_dir)])
        subprocess.run([sys.executable, "-c", f"from tests.perf.scale import write_kb_dir; from pathlib import Path; "
                        f"write_kb_dir({opts.entries}, {opts.guides}, Path({str(kb_dir)!r}), changed=True)"], check=True)
        figures["index_after_one_guide_changed"] = run([str(PATTERNKB), "index", "--kb", str(kb_dir),
                                                        "--index-dir", str(index_dir)])
        figures["search_after"] = run([str(PATTERNKB), "search", opts.query, "--kb", str(kb_dir), "--index-dir", str(index_dir)])
    for value in figures.values():
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, dict) and not one.get("stderr"):
                one.pop("stderr", None)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
