"""Processes for the KB store's crash and race tests: generated guides, a writer that publishes
KBs in a loop, a driver that kills a writer with SIGKILL before each of its file-system calls in
turn, and `patternkb build` telling when it writes. Run as `python -m tests.kb.kb_store_procs
MODE ...` from the checkout."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sys
from pathlib import Path


def guide_text(seed: int, sections: int = 1, patterns: int = 2) -> str:
    """A guide in the bundled guide's shape; `seed` makes every id and text its own."""
    out = [f"# Guide {seed}\n"]
    for s in range(sections):
        out.append(f"\n## Section {seed} {s}\n\nAbout section {s}.\n")
        for p in range(patterns):
            out.append(
                f"\n### Pattern {s} {p} v{seed}\n\nUse a `Mutex` to guard value {p}; "
                f"see [the one before](#pattern-{s}-{max(p - 1, 0)}-v{seed}).\n\n"
                f"```rust\nuse std::sync::Mutex;\nfn f{p}() -> u32 {{\n    let m = Mutex::new({p});\n"
                f"    *m.lock().unwrap()\n}}\n```\n")
    return "".join(out)


# The calls through which a KB write changes the file system (tempfile, shutil and pathlib
# reach the same functions of the os module).
HOOKED = ("open", "write", "fsync", "replace", "rename", "unlink", "rmdir", "mkdir", "chmod")


def _hook(kill_at: int, trace: int) -> None:
    """Count the calls, telling each to the `trace` pipe first; SIGKILL before call `kill_at`."""
    real_write, calls = os.write, [0]
    for name in HOOKED:
        real = getattr(os, name)

        def hooked(*args, _real=real, _name=name, **kwargs):
            calls[0] += 1
            target = Path(str(args[0])).name if args and not isinstance(args[0], int) else "(fd)"
            real_write(trace, f"{_name} {target}\n".encode())
            if calls[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return _real(*args, **kwargs)

        setattr(os, name, hooked)


def _state(out: Path, fingerprints: dict[str, str]) -> str:
    from patternkb.kb.errors import StoreError
    from patternkb.kb.store import load_kb

    if not (out / "CURRENT").exists() and not (out / "manifest.json").exists():
        return "none"  # no KB was ever published here
    try:
        fingerprint = load_kb(out).fingerprint
    except StoreError as exc:
        return "earlier" if "written by an earlier patternkb" in str(exc) else f"failed: {exc}"
    return fingerprints.get(fingerprint, "unknown KB")


def _leftovers(out: Path) -> list[str]:
    """What a killed writer may leave, once the next writer ran: its temporary names, a staging
    marker inside a generation, more than the two generations kept, the flat files migrated."""
    names = [p.name for p in out.iterdir()]
    left = [n for n in names if n.startswith((".staging-", ".patternkb-tmp-")) or n.endswith(".json")]
    generations = [n for n in names if n.startswith("kb-")]
    left += [f"{g}/{m.name}" for g in generations for m in (out / g).iterdir() if m.name.startswith(".")]
    return sorted(left) + ([f"{len(generations)} generations"] if len(generations) > 2 else [])


def old_files(kb, schema_version: int = 3) -> dict[str, bytes]:
    """A KB's three files as patternkb wrote them up to schema version 3: every entry in one
    JSON array, entries.json."""
    from patternkb.kb import files

    entries = json.dumps([e.model_dump(mode="json") for e in kb.entries], indent=2).encode()
    sections = json.dumps([s.model_dump(mode="json") for s in kb.sections], indent=2).encode()
    manifest = kb.manifest.model_dump(mode="json")
    manifest.update(schema_version=schema_version, sha256=dict(sections=hashlib.sha256(sections).hexdigest(),
                                                               entries=hashlib.sha256(entries).hexdigest()))
    return {files.MANIFEST: json.dumps(manifest).encode(), files.SECTIONS: sections, files.OLD_ENTRIES: entries}


def kills(scenario: str, work: Path, guide_old: Path, guide_new: Path) -> None:
    """Before each file-system call of a write of the new KB over the old one, in turn: fork a
    writer, SIGKILL it there, read the KB, then run the next writer. One JSON line per kill."""
    from patternkb.kb.build import build_kb
    from patternkb.kb.store import fingerprint, write_kb

    old, new = build_kb([guide_old]), build_kb([guide_new])
    fingerprints = {fingerprint(old): "old", fingerprint(new): "new"}
    pristine = work / "pristine"
    if scenario == "flat":  # the layout of earlier versions: the three files alone
        pristine.mkdir()
        for name, data in old_files(old).items():
            (pristine / name).write_bytes(data)
    elif scenario == "ours":
        write_kb(old, pristine)
    elif scenario == "empty":
        pristine.mkdir()
    out = work / "kb"
    n = 0
    while True:
        n += 1
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(pristine, out, symlinks=True)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            real_write, code = os.write, 0
            _hook(n, write)
            try:
                write_kb(new, out)
            except BaseException as exc:  # reported, not raised: the driver goes on
                real_write(write, f"failed: {exc}\n".encode())
                code = 1
            os._exit(code)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            trace = pipe.read().decode().strip()
        _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        if not killed and os.waitstatus_to_exitcode(status) != 0:
            print(json.dumps({"n": n, "writer failed": trace.split("\n")[-1]}), flush=True)
            return
        after_kill = _state(out, fingerprints)
        write_kb(old, out)  # the next writer
        print(json.dumps({"n": n, "killed": killed, "before": trace.split("\n")[-1] if killed else "",
                          "after_kill": after_kill, "after_next_build": _state(out, fingerprints),
                          "leftovers": _leftovers(out)}), flush=True)
        if not killed:
            return


def writer(out: Path, builds: int, guides: list[Path], paced: bool) -> None:
    """Publish the guides' KBs in turn, `builds` times; first print their fingerprints. Paced:
    one build per byte read from stdin, so builds spread over a reader's whole run."""
    from patternkb.kb.build import build_kb
    from patternkb.kb.store import fingerprint, write_kb

    kbs = [build_kb([g]) for g in guides]
    write_kb(kbs[0], out)
    print(json.dumps([fingerprint(kb) for kb in kbs]), flush=True)
    for i in range(builds):
        if paced and not sys.stdin.buffer.read(1):
            break
        write_kb(kbs[(i + 1) % len(kbs)], out)
    print("done", flush=True)


WRITING, WRITTEN = "writing", "written"


def traced_build(argv: list[str]) -> int:
    """`patternkb build ARGV` through the command's own code, printing WRITING when it starts to
    write the KB (its writer takes the folder) and WRITTEN when the publish returned: the window
    a kill has to land in."""
    from patternkb.app.cli import main
    from patternkb.kb.store import KBWriter

    start, publish = KBWriter.__init__, KBWriter.publish

    def traced_start(self, *args, **kwargs):
        print(WRITING, flush=True)
        start(self, *args, **kwargs)

    def traced_publish(self, *args, **kwargs):
        generation = publish(self, *args, **kwargs)
        print(WRITTEN, flush=True)
        return generation

    KBWriter.__init__, KBWriter.publish = traced_start, traced_publish
    return main(["build", *argv])


if __name__ == "__main__":
    mode, *rest = sys.argv[1:]
    if mode == "kills":
        kills(rest[0], Path(rest[1]), Path(rest[2]), Path(rest[3]))
    elif mode == "build":
        sys.exit(traced_build(rest))
    elif mode == "writer":
        writer(Path(rest[0]), int(rest[1]), [Path(p) for p in rest[3:]], rest[2] == "paced")
    else:
        sys.exit(f"unknown mode {mode}")
