"""Shared by the index safety tests and benchmark: a KB of our own on disk, the CLI as a
subprocess, a search loop run in other processes, and an unprivileged user."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

PATTERNKB = Path(sys.executable).with_name("patternkb")
# uid 65534 (nobody) with one capability: reading and traversing any folder. The interpreter
# lives under /root (mode 0700), which nobody could not reach; the capability gives no write
# access, so a root-owned folder stays read-only for this user.
UNPRIVILEGED = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]


def write_own_kb(directory: Path) -> Path:
    """The bundled guide built now and written with kb.store (resources/kb may be mid-change)."""
    from kb.build import build_kb
    from kb.paths import BUNDLED_GUIDE
    from kb.store import write_kb

    write_kb(build_kb([BUNDLED_GUIDE]), directory)
    return directory


def rebuild_command(kb_dir: Path, index_dir: Path) -> list[str]:
    return [str(PATTERNKB), "index", "--rebuild", "--kb", str(kb_dir), "--index-dir", str(index_dir)]


def cli(*args: str, prefix: list[str] | None = None, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*(prefix or []), str(PATTERNKB), *args], capture_output=True, text=True,
                          timeout=timeout, **kwargs)


def leftovers(index_dir: Path) -> list[str]:
    """What a writer leaves when it is done: anything but the live generation and our files."""
    live = (index_dir / "CURRENT").read_text().strip()
    ours = {"CURRENT", ".lock", ".patternkb-index", live}
    return sorted(p.name for p in index_dir.iterdir() if p.name not in ours)


# Searches until `stop` exists (and at least `minimum` of them), each by a fresh engine, as a
# starting CLI does; prints one line per failure and the counts last. `use_cli` goes through
# app.cli.main (the `search` verb's own code), else through the engine as _open_index does.
SEARCH_LOOP = textwrap.dedent("""
    import io, sys, contextlib, traceback
    from pathlib import Path
    kb_dir, root, stop, minimum, use_cli = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "cli"
    from index.engine import PatternIndex
    from app.cli import main
    queries = ["mutex", "arc mutex", "builder pattern", "tokio", "kind:pattern error", "semaphore"]
    done = failed = 0
    while done < minimum or not stop.exists():
        query = queries[done % len(queries)]
        try:
            if use_cli:
                out, err = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    status = main(["search", query, "--kb", str(kb_dir), "--index-dir", str(root), "--json"])
                if status != 0 or '"hits"' not in out.getvalue():
                    raise RuntimeError(f"exit {status}: {err.getvalue().strip()}")
            else:
                engine = PatternIndex(kb_dir=kb_dir, root=root)
                try:
                    rebuilt = engine.ensure()
                    if rebuilt:
                        raise RuntimeError(f"a reader had to rebuild: {rebuilt}")
                    if not engine.search(query).hits:
                        raise RuntimeError("no hits")
                    engine.related(engine.search("mutex").hits[0].id)
                finally:
                    engine.close()
        except Exception as exc:
            failed += 1
            print("FAILED", query, type(exc).__name__, str(exc).replace(chr(10), " "), flush=True)
        done += 1
    print("COUNTS", done, failed, flush=True)
""")


def start_search_loops(n: int, kb_dir: Path, index_dir: Path, stop: Path, minimum: int, *, use_cli: bool = False
                       ) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", SEARCH_LOOP, str(kb_dir), str(index_dir), str(stop),
                              str(minimum), "cli" if use_cli else "engine"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(n)]


def finish_search_loops(loops: list[subprocess.Popen], timeout: float = 600) -> tuple[int, int, list[str]]:
    """(searches, failed, failure lines) over every loop."""
    searches = failed = 0
    lines: list[str] = []
    for proc in loops:
        out, err = proc.communicate(timeout=timeout)
        assert proc.returncode == 0, err
        for line in out.splitlines():
            if line.startswith("COUNTS"):
                _, done, bad = line.split()
                searches, failed = searches + int(done), failed + int(bad)
            elif line.startswith("FAILED"):
                lines.append(line)
    return searches, failed, lines


def unprivileged_prefix() -> list[str] | str:
    """The command prefix that runs as uid 65534, or why this machine cannot."""
    if os.geteuid() != 0:
        return "needs root to switch to an unprivileged user"
    if shutil.which("setpriv") is None:
        return "setpriv is not installed"
    probe = subprocess.run([*UNPRIVILEGED, sys.executable, "-c", "import os, index.engine; print(os.geteuid())"],
                           capture_output=True, text=True)
    if probe.returncode != 0 or probe.stdout.strip() != "65534":
        return f"cannot run Python as uid 65534 here: {probe.stderr.strip()[:200]}"
    return UNPRIVILEGED
