"""Benchmark for issue 16: full index, re-index after one guide changed, and a CLI search as a
whole process, at growing sizes, each step its own process (tests/perf/scale.py). Prints JSON
and the scaling exponent of the full index; asserts nothing about time.

    pytest tests/perf/test_index_scale_perf.py -s -o addopts=""
    PATTERNKB_SCALE=5000,10000,20000,50000 pytest ...   (the sizes of the README's table)
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys


def _figures(entries: int, directory) -> dict:
    out = subprocess.run([sys.executable, "-m", "tests.perf.scale", str(entries), "--guides", "50", "--dir",
                          str(directory), "--steps", "kb,index,search,incremental"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_index_scaling(tmp_path):
    sizes = [int(n) for n in os.environ.get("PATTERNKB_SCALE", "2000,4000").split(",")]
    rows = []
    for entries in sizes:
        figures = _figures(entries, tmp_path)
        changed = figures["index_after_one_guide_changed"]["stdout"].strip()  # what `patternkb index` said
        rows.append(dict(entries=entries, index_s=figures["index_rebuild"]["seconds"],
                         index_peak_mb=figures["index_rebuild"]["peak_mb"],
                         search_process_s=min(r["seconds"] for r in figures["search_process"]),
                         search_peak_mb=max(r["peak_mb"] for r in figures["search_process"]),
                         one_guide_changed_s=figures["index_after_one_guide_changed"]["seconds"],
                         one_guide_changed=changed))
    first, last = rows[0], rows[-1]
    exponent = math.log(last["index_s"] / first["index_s"]) / math.log(last["entries"] / first["entries"])
    print(json.dumps(dict(benchmark="index at scale (issue 16)", rows=rows,
                          full_index_exponent=round(exponent, 2)), indent=1))
