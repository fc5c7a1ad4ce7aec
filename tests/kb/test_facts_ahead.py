"""A large guide's code facts are computed in worker processes, in order, and give the same KB
as computed in the build's own process. Workers are forked only from a process of one thread, so
the checks with workers run in a child process of their own (this one may hold Qt's threads)."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from patternkb.kb import facts_ahead
from patternkb.kb.build import build_kb

ROOT = Path(__file__).resolve().parents[2]

IN_ORDER = """
import multiprocessing, os, sys
from patternkb.kb import facts_ahead
from patternkb.kb.code import block_facts, split_snippets
from patternkb.kb.markdown import Fence
fences = [Fence(language=lang, code=(f"// Unit {n}\\nstruct S{n};\\n\\n// More\\nfn f{n}() {{}}\\n" if lang == "rust"
                                     else f"[dependencies]\\nc{n} = \\"1\\"\\n"), line_start=1, line_end=5, closed=True)
          for n in range(60) for lang in ("rust", "toml")]
facts_ahead.PARALLEL_FROM = 1
real = facts_ahead._facts


def traced(job):  # a forked worker runs this too: it says which process computed each block
    with open(sys.argv[1], "a") as log:
        log.write(f"{os.getpid()}\\n")
    return real(job)


facts_ahead._facts = traced
facts = facts_ahead.facts_in_order(fences)
first = next(facts)
workers = len(multiprocessing.active_children())  # computing the rest
got = [first, *facts]
same = got == [block_facts(f.code, f.language, split_snippets(f.code, f.language)) for f in fences]
print(workers, same, len(multiprocessing.active_children()), os.getpid())
"""

BUILD = """
import json, sys
from pathlib import Path
from patternkb.kb import facts_ahead
from patternkb.kb.build import build_kb
facts_ahead.PARALLEL_FROM = 1
assert facts_ahead._workers(1) > 0
kb = build_kb([Path(sys.argv[1])])
print(json.dumps([e.model_dump(mode="json") for e in kb.entries]))
"""


def _child(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, check=True)
    return done.stdout


def _need_two_cores() -> None:
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the facts are computed in the build's process")


def _guide(patterns: int) -> str:
    parts = ["# Guide\n\n## Section\n\n"]
    for n in range(patterns):
        languages = ["rust", "toml", "python"] if n % 3 else ["rust"]
        parts.append(f"### Pattern {n}\n\nText {n}.\n\n")
        for language in languages:
            body = {"rust": f"// Define it\nstruct Item{n} {{ v: Vec<u8> }}\n\n"
                            f"// Use it\nfn use_{n}() {{ tokio::spawn(); }}\n",
                    "toml": f"[dependencies]\ncrate_{n} = \"1\"\n",
                    "python": f"# Helper\ndef helper_{n}():\n    import lib_{n}\n"}[language]
            parts.append(f"```{language}\n{body}```\n\n")
    return "".join(parts)


def test_facts_from_workers_come_in_order_and_equal_the_facts_computed_here(tmp_path):
    _need_two_cores()
    log = tmp_path / "pids"
    workers, same, left, parent = _child(IN_ORDER, str(log)).split()
    computed_in = set(log.read_text().split())
    assert int(workers) >= 2 and parent not in computed_in and computed_in
    assert same == "True"
    assert left == "0"  # the workers are gone once the guide is done


def test_a_guide_built_with_workers_is_the_guide_built_without(tmp_path):
    _need_two_cores()
    guide = tmp_path / "guide.md"
    guide.write_text(_guide(90))
    alone = build_kb([guide])
    shared = json.loads(_child(BUILD, str(guide)))
    assert shared == [e.model_dump(mode="json") for e in alone.entries]
    assert {"tokio", "crate_5"} <= {p for e in alone.patterns for p in e.packages}


def test_small_guides_and_processes_with_other_threads_use_no_worker():
    assert facts_ahead._workers(facts_ahead.PARALLEL_FROM - 1) == 0
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert facts_ahead._workers(10 * facts_ahead.PARALLEL_FROM) == 0
    finally:
        stop.set()
        other.join()
