"""Shared by the index safety tests and benchmark: a KB of our own on disk, the CLI as a
subprocess, a search loop run in other processes, and an unprivileged user."""

from __future__ import annotations

import os
import select
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
    from patternkb.kb.build import build_kb
    from patternkb.kb.paths import BUNDLED_GUIDE
    from patternkb.kb.store import write_kb

    write_kb(build_kb([BUNDLED_GUIDE]), directory)
    return directory


def rebuild_command(kb_dir: Path, index_dir: Path) -> list[str]:
    return [str(PATTERNKB), "index", "--rebuild", "--kb", str(kb_dir), "--index-dir", str(index_dir)]


WRITING, WRITTEN = "writing", "written"

# `patternkb index --rebuild ARGS` through the command's own code (app.cli.main), printing WRITING
# when it makes its new generation and WRITTEN once that is published: the window a kill of the
# rebuild has to land in.
TRACED_REBUILD = textwrap.dedent("""
    import sys
    from patternkb.app.cli import main
    from patternkb.index.storage import IndexStore
    new_generation, publish = IndexStore.new_generation, IndexStore.publish
    def traced_new_generation(self):
        print("%s", flush=True)
        return new_generation(self)
    def traced_publish(self, *args, **kwargs):
        publish(self, *args, **kwargs)
        print("%s", flush=True)
    IndexStore.new_generation, IndexStore.publish = traced_new_generation, traced_publish
    sys.exit(main(["index", "--rebuild", *sys.argv[1:]]))
""" % (WRITING, WRITTEN))


def traced_rebuild(kb_dir: Path, index_dir: Path) -> subprocess.Popen:
    """The rebuild of `rebuild_command` telling stdout when it writes (TRACED_REBUILD)."""
    return subprocess.Popen([sys.executable, "-c", TRACED_REBUILD, "--kb", str(kb_dir), "--index-dir", str(index_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def cli(*args: str, prefix: list[str] | None = None, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*(prefix or []), str(PATTERNKB), *args], capture_output=True, text=True,
                          timeout=timeout, **kwargs)


def leftovers(index_dir: Path) -> list[str]:
    """What a writer leaves when it is done: anything but the live generation and our files."""
    live = (index_dir / "CURRENT").read_text().strip()
    ours = {"CURRENT", ".lock", ".patternkb-index", live}
    return sorted(p.name for p in index_dir.iterdir() if p.name not in ours)


# Searches until `stop` exists (and at least `minimum` of them), each by a fresh engine, as a
# starting CLI does; prints one line per failure and the counts last: searches, failed, and
# those that ran while rebuilds did (begun once `rebuilding` existed, ended before `stop` did).
# Sends SEARCHED on the `marks` pipe after its first search and OVERLAPPED after the first of
# those that ran while rebuilds did. `use_cli` goes through app.cli.main (the `search` verb's
# own code), else through the engine (ensure, then search), as the library does.
SEARCHED, OVERLAPPED = b"S", b"O"
SEARCH_LOOP = textwrap.dedent("""
    import io, os, sys, contextlib, traceback
    from pathlib import Path
    kb_dir, root, stop, minimum, use_cli = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "cli"
    rebuilding = None if sys.argv[6] == "-" else Path(sys.argv[6])
    marks = None if sys.argv[7] == "-" else int(sys.argv[7])
    from patternkb.index.engine import PatternIndex
    from patternkb.app.cli import main
    queries = ["mutex", "arc mutex", "builder pattern", "tokio", "kind:pattern error", "semaphore"]
    done = failed = overlapped = 0
    while done < minimum or not stop.exists():
        query = queries[done % len(queries)]
        during = rebuilding is not None and rebuilding.exists()
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
        if during and not stop.exists():
            overlapped += 1
            if overlapped == 1 and marks is not None:
                os.write(marks, b"O")  # OVERLAPPED
        if done == 1 and marks is not None:
            os.write(marks, b"S")  # SEARCHED
    print("COUNTS", done, failed, overlapped, flush=True)
""")


def start_search_loops(n: int, kb_dir: Path, index_dir: Path, stop: Path, minimum: int, *, use_cli: bool = False,
                       rebuilding: Path | None = None) -> list[subprocess.Popen]:
    """`n` search loops (SEARCH_LOOP); `loop_marks` tells what each has sent on its pipe."""
    loops = []
    for _ in range(n):
        read, write = os.pipe()
        try:
            proc = subprocess.Popen([sys.executable, "-c", SEARCH_LOOP, str(kb_dir), str(index_dir), str(stop),
                                     str(minimum), "cli" if use_cli else "engine", str(rebuilding or "-"), str(write)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, pass_fds=[write])
        except BaseException:
            os.close(read)
            raise
        finally:
            os.close(write)  # the loop's copy is the only writer left: its end is the pipe's end
        proc.marks_fd, proc.marks = read, set()
        loops.append(proc)
    return loops


def loop_marks(loop: subprocess.Popen, *, wait_for: bytes | None = None) -> set[bytes]:
    """The marks `loop` has sent so far; with `wait_for`, first waits until that one came or the
    loop ended."""
    while wait_for not in loop.marks:
        if wait_for is None and not select.select([loop.marks_fd], [], [], 0)[0]:
            break
        data = os.read(loop.marks_fd, 16)
        if not data:  # the loop ended
            break
        loop.marks.update(data[i:i + 1] for i in range(len(data)))
    return loop.marks


def finish_search_loop_counts(loops: list[subprocess.Popen], timeout: float = 600
                              ) -> list[tuple[int, int, int, list[str]]]:
    """(searches, failed, searches that ran while rebuilds did, failure lines) of each loop."""
    counts = []
    for proc in loops:
        out, err = proc.communicate(timeout=timeout)
        os.close(proc.marks_fd)
        assert proc.returncode == 0, err
        lines = [line for line in out.splitlines() if line.startswith("FAILED")]
        totals = [line.split()[1:] for line in out.splitlines() if line.startswith("COUNTS")]
        assert len(totals) == 1, out[-500:]
        done, bad, overlapped = map(int, totals[0])
        counts.append((done, bad, overlapped, lines))
    return counts


def finish_search_loops(loops: list[subprocess.Popen], timeout: float = 600) -> tuple[int, int, list[str]]:
    """(searches, failed, failure lines) over every loop."""
    counts = finish_search_loop_counts(loops, timeout)
    return (sum(c[0] for c in counts), sum(c[1] for c in counts), [line for c in counts for line in c[3]])


def unprivileged_prefix() -> list[str] | str:
    """The command prefix that runs as uid 65534, or why this machine cannot."""
    if os.geteuid() != 0:
        return "needs root to switch to an unprivileged user"
    if shutil.which("setpriv") is None:
        return "setpriv is not installed"
    probe = subprocess.run([*UNPRIVILEGED, sys.executable, "-c", "import os, patternkb.index.engine; print(os.geteuid())"],
                           capture_output=True, text=True)
    if probe.returncode != 0 or probe.stdout.strip() != "65534":
        return f"cannot run Python as uid 65534 here: {probe.stderr.strip()[:200]}"
    return UNPRIVILEGED


def rebuild_killed_at(setup: str, done: int, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `setup` (Python that makes `engine`, a PatternIndex) and then `engine.rebuild` in a child
    process that SIGKILLs itself once progress reaches `done`, printing "killing" first."""
    script = textwrap.dedent(setup) + textwrap.dedent(f"""
        import os, signal
        def progress(done, total):
            if done >= {done}:
                print("killing", flush=True)
                os.kill(os.getpid(), signal.SIGKILL)
        engine.rebuild(progress)
    """)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout)
