"""The `patternkb` command: one error boundary, verbs that call the same functions as the window."""

from __future__ import annotations

import argparse
import json
import sys
import time
from enum import IntEnum
from pathlib import Path

from kb.errors import EntryNotFound, KBError


class Exit(IntEnum):
    OK = 0
    PROBLEM = 1  # bad input, a stale KB or index, an entry that is not there
    USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line and exit 2, like every other usage error
        self.exit(Exit.USAGE, f"patternkb: error: {message} (see `patternkb {self._verb()}--help`)\n")

    def _verb(self) -> str:
        parts = self.prog.split()
        return (" ".join(parts[1:]) + " ") if len(parts) > 1 else ""


def _positive_level(value: str) -> int:
    try:
        level = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 1 <= level <= 6:
        raise argparse.ArgumentTypeError("a heading level is 1 to 6")
    return level


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def build_parser() -> argparse.ArgumentParser:
    from kb.paths import BUNDLED_KB

    parser = _Parser(prog="patternkb", description="A desktop knowledge base of programming patterns.")
    parser.add_argument("--traceback", action="store_true", help="show the full traceback on errors")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)

    build = verbs.add_parser("build", help="parse guides into a KB directory")
    build.add_argument("guides", nargs="*", type=Path, metavar="GUIDE_OR_DIR",
                       help="Markdown guides or mdBook directories (default: the bundled guide)")
    build.add_argument("--out", type=Path, help=f"KB directory to write (default: {BUNDLED_KB})")
    build.add_argument("--pattern-level", type=_positive_level, metavar="N",
                       help="heading level that makes a pattern (default: detected)")
    build.add_argument("--encoding", help="encoding of the guides (default: UTF-8)")
    build.add_argument("--check", action="store_true", help="write nothing; exit 1 if the KB is stale")

    def kb_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--kb", type=Path, default=BUNDLED_KB, metavar="DIR", help="KB directory")

    listing = verbs.add_parser("list", help="list the entries of a KB")
    kb_option(listing)
    listing.add_argument("--json", action="store_true", help="print a JSON array of all entries")

    show = verbs.add_parser("show", help="show one entry")
    show.add_argument("id", help="entry id, as `patternkb list` prints it")
    kb_option(show)
    show.add_argument("--json", action="store_true", help="print the entry as JSON")

    schema = verbs.add_parser("schema", help="export the JSON schema of the KB files")
    schema.add_argument("--out", type=Path, help="directory to write (default: resources/schema)")
    schema.add_argument("--check", action="store_true", help="write nothing; exit 1 if the export is stale")

    gui = verbs.add_parser("gui", help="open the window")
    kb_option(gui)
    gui.add_argument("--query", help="start with this search")
    gui.add_argument("--open", metavar="ID", help="start with this entry open")
    gui.add_argument("--screenshot", type=Path, metavar="FILE.png",
                     help="save a screenshot once results and entry are painted, then exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(_run(args))
    except KBError as exc:
        if args.traceback:
            raise
        print(f"patternkb: error: {exc}", file=sys.stderr)
        return Exit.PROBLEM
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return Exit.OK


def _run(args: argparse.Namespace) -> Exit:
    verb = args.verb or "gui"
    if verb == "gui" and not hasattr(args, "query"):
        args = build_parser().parse_args(["gui"])
    return {"build": _build, "list": _list, "show": _show, "schema": _schema, "gui": _gui}[verb](args)


def _build(args: argparse.Namespace) -> Exit:
    from kb.build import build_kb
    from kb.paths import BUNDLED_GUIDE, BUNDLED_KB
    from kb.store import stale_files, write_kb

    guides = args.guides or [BUNDLED_GUIDE]
    out: Path = args.out or BUNDLED_KB
    started = time.perf_counter()
    kb = build_kb(guides, pattern_level=args.pattern_level, encoding=args.encoding)
    elapsed = time.perf_counter() - started
    for warning in kb.manifest.warnings:
        print(warning, file=sys.stderr)
    c = kb.manifest.counts
    summary = (f"{c.sections} sections, {c.patterns} patterns, {c.code_blocks} code blocks, "
               f"{c.snippets} snippets, {c.checklist_items} checklist items, "
               f"{c.repaired_runs} mojibake runs repaired, {len(kb.manifest.warnings)} warnings")
    if args.check:
        stale = stale_files(kb, out)
        if stale:
            print(f"patternkb: {out} is stale ({', '.join(stale)} differ); run `patternkb build`", file=sys.stderr)
            return Exit.PROBLEM
        print(f"{out} is up to date: {summary}")
        return Exit.OK
    write_kb(kb, out)
    print(f"built {out} from {len(kb.manifest.guides)} guide(s) in {elapsed:.2f} s: {summary}")
    return Exit.OK


def _schema(args: argparse.Namespace) -> Exit:
    from kb.paths import SCHEMA_DIR
    from kb.schema import schema_files

    out: Path = args.out or SCHEMA_DIR
    files = schema_files()
    if args.check:
        stale = [n for n, data in files.items() if not (out / n).is_file() or (out / n).read_bytes() != data]
        if stale:
            print(f"patternkb: schema in {out} is stale ({', '.join(stale)}); run `patternkb schema`",
                  file=sys.stderr)
            return Exit.PROBLEM
        print(f"{out} is up to date")
        return Exit.OK
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    print(f"wrote {len(files)} schema files to {out}")
    return Exit.OK


def _entry_json(entry) -> dict:
    return entry.model_dump(mode="json")


def _list(args: argparse.Namespace) -> Exit:
    from kb.store import load_kb

    kb = load_kb(args.kb)
    if args.json:
        print(json.dumps([_entry_json(e) for e in kb.entries], indent=2, ensure_ascii=False))
        return Exit.OK
    width = max((len(e.id) for e in kb.entries), default=0)
    for entry in kb.entries:
        print(f"{entry.id:<{width}}  {entry.kind:<9}  {entry.title}")
    return Exit.OK


def _show(args: argparse.Namespace) -> Exit:
    from kb.store import load_kb

    kb = load_kb(args.kb)
    entry = kb.entry(args.id)
    if entry is None:
        close = [e.id for e in kb.entries if args.id.lower() in e.id][:5]
        hint = f"; did you mean {', '.join(close)}?" if close else "; `patternkb list` prints every id"
        raise EntryNotFound(f"no entry {args.id!r} in {args.kb}{hint}")
    if args.json:
        print(json.dumps(_entry_json(entry), indent=2, ensure_ascii=False))
        return Exit.OK
    print(f"{entry.title}\n{' › '.join(entry.path)}")
    print(f"{entry.kind} · {entry.id} · {entry.source.file}:{entry.source.line_start}-{entry.source.line_end}")
    print(f"tags: {', '.join(entry.tags)}")
    if entry.symbols:
        print(f"symbols: {', '.join(entry.symbols)}")
    if entry.crates:
        print(f"crates: {', '.join(entry.crates)}")
    if entry.kind == "pattern":
        if entry.summary:
            print(f"\n{entry.summary}")
        for snippet in entry.snippets:
            print(f"\n── {snippet.title} ({snippet.language}, line {snippet.line_start})")
            print(snippet.code.rstrip("\n"))
    else:
        print(f"\n{entry.list} › {entry.group}: {entry.text}")
    return Exit.OK


def _gui(args: argparse.Namespace) -> Exit:
    print("patternkb: the window is not built yet; it would open with "
          f"query={args.query!r} entry={args.open!r} kb={args.kb}")
    return Exit.OK


if __name__ == "__main__":
    sys.exit(main())
