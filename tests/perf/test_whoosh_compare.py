"""Benchmark: Whoosh-Reloaded against whoosh3 side by side in one run, interleaved: index build
and warm search p50/p99 per query type, on the bundled KB and on 10,000 generated entries.
Prints a table and JSON; asserts only that each side ran the Whoosh it names.

    make perf        (or: pytest tests/perf/test_whoosh_compare.py -s -o addopts="")

By default each Whoosh is pip-installed (no dependencies) into its own folder put first on
PYTHONPATH of this interpreter, so both sides run this checkout. To compare other interpreters
instead (say two venvs over a frozen snapshot), set
WHOOSH_COMPARE_PYTHONS="Whoosh-Reloaded=/path/bin/python;whoosh3=/path/bin/python".
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The distribution each side must have imported, and what pip installs for it.
SIDES = {"Whoosh-Reloaded": "Whoosh-Reloaded==2.7.5", "whoosh3": "whoosh3==3.54.0"}
# What a side needs beside it that this environment need not have (installed with it, no deps).
NEEDS = {"Whoosh-Reloaded": ["cached-property"], "whoosh3": []}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@pytest.fixture(scope="module")
def sides(tmp_path_factory) -> dict[str, dict]:
    """Per side: the interpreter and the environment that make it import that Whoosh."""
    given = os.environ.get("WHOOSH_COMPARE_PYTHONS")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if given:
        pairs = dict(item.split("=", 1) for item in given.split(";") if item)
        assert set(pairs) == set(SIDES), f"WHOOSH_COMPARE_PYTHONS must name {sorted(SIDES)}"
        return {label: {"python": python, "env": env} for label, python in pairs.items()}
    out = {}
    for label, requirement in SIDES.items():
        target = tmp_path_factory.mktemp(label)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                        requirement, *NEEDS[label]], check=True)
        out[label] = {"python": sys.executable, "env": {**env, "PYTHONPATH": str(target)}}
    return out


def _child(side: dict, *args: str) -> dict:
    done = subprocess.run([side["python"], "-m", "tests.perf.whoosh_child", *args], cwd=ROOT, env=side["env"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _check_side(label: str, report: dict) -> None:
    # Both distributions install `whoosh`: a side that imported the other one compares nothing.
    expected = {"name": label, "version": SIDES[label].split("==")[1]}
    assert report["whoosh"]["distribution"] == expected, f"{label} side imported {report['whoosh']}"


def _compare(sides: dict, kb: str, tmp_path: Path, builds: int, searches: int, rounds: int) -> dict:
    """`builds` full builds and `searches` search processes per side, alternating which side goes
    first (ABBA...) so that load from the rest of the machine falls on both alike."""
    labels = list(sides)
    build_s: dict[str, list[float]] = {label: [] for label in labels}
    latencies: dict[str, dict[str, list[float]]] = {label: {} for label in labels}
    run_p50: dict[str, dict[str, list[float]]] = {label: {} for label in labels}
    hits: dict[str, dict] = {}
    reports: dict[str, dict] = {}
    for n in range(max(builds, searches)):
        order = labels if n % 2 == 0 else labels[::-1]
        for label in order:
            directory = str(tmp_path / label.lower())
            if n < builds:
                report = _child(sides[label], "build", kb, directory)
                _check_side(label, report)
                reports[label] = report
                build_s[label].append(report["build_s"])
            if n < searches:
                result = _child(sides[label], "search", kb, directory, str(rounds))
                _check_side(label, result)
                hits[label] = result["hits"]
                for kind, times in result["latencies_ms"].items():
                    latencies[label].setdefault(kind, []).extend(times)
                    run_p50[label].setdefault(kind, []).append(statistics.median(times))
    assert len({reports[label]["documents"] for label in labels}) == 1, reports
    summary: dict = {"kb": kb, "entries": reports[labels[0]]["entries"],
                     "documents": reports[labels[0]]["documents"], "sides": {}}
    for label in labels:
        summary["sides"][label] = {
            "whoosh": reports[label]["whoosh"]["version"],
            "fast_path": reports[label]["fast_path"],
            "build_s": {"median": round(statistics.median(build_s[label]), 2),
                        "all": [round(t, 2) for t in build_s[label]]},
            "search_ms": {kind: {"p50": round(statistics.median(times), 3),
                                 "p99": round(_percentile(times, 0.99), 3),
                                 "p50_per_process": [round(t, 3) for t in run_p50[label][kind]],
                                 "n": len(times)}
                          for kind, times in latencies[label].items()},
        }
    a, b = (hits[label] for label in labels)
    summary["queries_with_different_hits"] = sorted(
        q for q in a if [h[0] for h in a[q]] != [h[0] for h in b[q]]
        or any(abs(x[1] - y[1]) > 1e-9 for x, y in zip(a[q], b[q])))
    return summary


def _table(summary: dict) -> str:
    labels = list(summary["sides"])
    sides = summary["sides"]
    lines = [f"{summary['kb']} KB: {summary['entries']} entries, {summary['documents']} documents",
             f"{'':18}" + "".join(f"{label:>26}" for label in labels) + f"{'ratio p50':>11}"]
    builds = [sides[label]["build_s"]["median"] for label in labels]
    lines.append(f"{'build s (median)':18}" + "".join(f"{t:>26.2f}" for t in builds)
                 + f"{builds[1] / builds[0]:>11.2f}")
    for kind in sides[labels[0]]["search_ms"]:
        cells = [sides[label]["search_ms"][kind] for label in labels]
        lines.append(f"{kind + ' ms':18}" + "".join(f"{c['p50']:>14.2f} / {c['p99']:>9.2f}" for c in cells)
                     + f"{cells[1]['p50'] / cells[0]['p50']:>11.2f}")
    lines.append("(search cells: p50 / p99; ratio = " + f"{labels[1]} / {labels[0]})")
    return "\n".join(lines)


def _print(summary: dict) -> None:
    print("\n" + _table(summary))
    print(json.dumps({"benchmark": "whoosh compare", **summary}, indent=1))


def test_bundled_kb(sides, tmp_path):
    _print(_compare(sides, "bundled", tmp_path, builds=5, searches=4, rounds=10))


@pytest.mark.slow
def test_10000_entries(sides, tmp_path):
    # One build per side: a 10,000-entry build takes minutes on a small machine.
    _print(_compare(sides, "10000", tmp_path, builds=1, searches=2, rounds=5))
