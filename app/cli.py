"""The `patternkb` command: one error boundary, verbs that call the same functions as the window."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from enum import IntEnum
from pathlib import Path

from app.cli_output import error, one_line, os_error_message, print_json, tolerant_streams
from kb.errors import EntryNotFound, KBError


class BadQuery(KBError):
    """A search filter that names nothing the KB has."""


class Exit(IntEnum):
    OK = 0
    PROBLEM = 1  # bad input, a stale KB or index, an entry that is not there
    USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line and exit 2, like every other usage error
        self.exit(Exit.USAGE, f"patternkb: error: {one_line(message)} (see `patternkb {self._verb()}--help`)\n")

    def _verb(self) -> str:
        parts = self.prog.split()
        return (" ".join(parts[1:]) + " ") if len(parts) > 1 else ""


def _whole_number(low: int, high: int | None = None, what: str = "a number"):
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if number < low or (high is not None and number > high):
            raise argparse.ArgumentTypeError(f"{what} is {low} to {high}" if high else f"{what} is {low} or more")
        return number

    return parse


def _kb_options(p: argparse.ArgumentParser) -> None:
    from kb.paths import BUNDLED_KB

    p.add_argument("--kb", type=Path, default=BUNDLED_KB, metavar="DIR", help="KB directory")
    p.add_argument("--index-dir", type=Path, metavar="DIR",
                   help="index directory (default: the user cache, or $PATTERNKB_INDEX_DIR)")


def _build_options(p: argparse.ArgumentParser) -> None:
    from kb.paths import BUNDLED_KB

    p.add_argument("guides", nargs="*", type=Path, metavar="GUIDE_OR_DIR",
                   help="Markdown guides or mdBook directories (default: the bundled guide)")
    p.add_argument("--out", "--kb", dest="out", type=Path, metavar="DIR",
                   help=f"KB directory to write (default: {BUNDLED_KB})")
    p.add_argument("--index-dir", type=Path, metavar="DIR", help="also bring this index up to date")
    p.add_argument("--pattern-level", type=_whole_number(1, 6, "a heading level"), metavar="N",
                   help="heading level that makes a pattern (default: detected)")
    p.add_argument("--encoding", help="encoding of the guides (default: UTF-8)")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if the KB is stale")


def _list_options(p: argparse.ArgumentParser) -> None:
    _kb_options(p)
    p.add_argument("--json", action="store_true", help="print a JSON array of all entries")


def _show_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="entry id, as `patternkb list` prints it")
    _kb_options(p)
    p.add_argument("--json", action="store_true", help="print the entry as JSON")


def _schema_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, help="directory to write (default: resources/schema)")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if the export is stale")


def _index_options(p: argparse.ArgumentParser) -> None:
    _kb_options(p)
    p.add_argument("--rebuild", action="store_true", help="rebuild even when the index is current")


def _search_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", help='words, "phrases", -word, section: kind: lang: crate: symbol: tag: guide: '
                   "(the words may be several arguments; -word excludes a word, and a query of "
                   "exclusions alone lists every entry but those, in guide order)")
    _kb_options(p)
    p.add_argument("--limit", type=_whole_number(1, None, "--limit"), default=10, metavar="N",
                   help="hits to print (default 10)")
    p.add_argument("--kind", choices=["pattern", "snippet", "checklist"], help="only this kind")
    p.add_argument("--order", choices=["relevance", "guide"], default="relevance")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def _gui_options(p: argparse.ArgumentParser) -> None:
    _kb_options(p)
    p.add_argument("--query", help="start with this search")
    p.add_argument("--open", metavar="ID", help="start with this entry open")
    p.add_argument("--screenshot", type=Path, metavar="FILE.png",
                   help="save a screenshot once results and entry are painted, then exit")


VERBS = {  # name: (help, options), in the order `patternkb --help` lists them
    "build": ("parse guides into a KB directory", _build_options),
    "list": ("list the entries of a KB", _list_options),
    "show": ("show one entry", _show_options),
    "schema": ("export the JSON schema of the KB files", _schema_options),
    "index": ("build the search index", _index_options),
    "search": ("search the KB", _search_options),
    "check": ("validate the KB and the index", _kb_options),
    "gui": ("open the window", _gui_options),
}


def build_parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `verb`, only that verb's (a parser with all eight
    takes a few ms more to build, out of the 0.16 s the window takes to start)."""
    parser = _Parser(prog="patternkb", description="A desktop knowledge base of programming patterns.")
    parser.add_argument("--traceback", action="store_true", help="show the full traceback on errors")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    for name, (help_text, add_options) in VERBS.items():
        if verb in (None, name):
            add_options(verbs.add_parser(name, help=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; every error the user can act on is one line on stderr and exit 1 (bad
    input, a folder that cannot be written) or 2 (usage)."""
    tolerant_streams()
    argv = sys.argv[1:] if argv is None else list(argv)
    # Only the parser of the verb given (bare `patternkb` opens the window); any other first
    # word gets them all, for --help and for the error that lists them.
    head = 1 if argv[:1] == ["--traceback"] else 0
    verb = argv[head] if len(argv) > head and argv[head] in VERBS else None
    parser = build_parser(verb if argv else "gui")
    if verb == "search":
        argv = [*argv[:head + 1], *_search_words_last(argv[head + 1:], parser)]
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else Exit.USAGE
    try:
        return int(_run(args))
    except KBError as exc:
        if args.traceback:
            raise
        error(str(exc))
        return Exit.PROBLEM
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return Exit.OK
    except OSError as exc:  # a read-only folder, a full disk, a file where a folder must be
        if args.traceback:
            raise
        error(os_error_message(exc))
        return Exit.PROBLEM


def _search_words_last(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """`search`'s arguments with every word of the query joined into one, after `--`: argparse
    would take `-mutex` for an option, and `search arc mutex` for two queries."""
    search = parser._subparsers._group_actions[0].choices["search"]  # noqa: SLF001 (argparse has no public way)
    takes_value = [o for a in search._actions if a.nargs != 0 for o in a.option_strings]  # noqa: SLF001
    options: list[str] = []
    words: list[str] = []
    rest = iter(argv)
    for arg in rest:
        if arg == "--":
            words.extend(rest)
        elif not arg.startswith("--"):
            words.append(arg)  # a word, "-word" or "-"
        else:
            options.append(arg)
            # An option that takes a value (or a prefix argparse expands to one) keeps the next
            # argument, even one that starts with "-".
            if "=" not in arg and any(o.startswith(arg) for o in takes_value):
                options.extend([value for value in [next(rest, None)] if value is not None])
    if "-h" in words:  # the one short option
        words.remove("-h")
        options.append("-h")
    return options + (["--", " ".join(words)] if words else [])


def _run(args: argparse.Namespace) -> Exit:
    verb = args.verb or "gui"
    if verb == "gui" and not hasattr(args, "query"):
        args = build_parser("gui").parse_args(["gui"])
    handlers = {"build": _build, "list": _list, "show": _show, "schema": _schema, "index": _index,
                "search": _search, "check": _check, "gui": _gui}
    return handlers[verb](args)


def _build(args: argparse.Namespace) -> Exit:
    from kb.build import build_kb
    from kb.paths import BUNDLED_GUIDE, BUNDLED_KB
    from kb.store import stale_files, write_kb

    guides = args.guides or [BUNDLED_GUIDE]
    out: Path = args.out or BUNDLED_KB
    started = time.perf_counter()
    kb = build_kb(guides, pattern_level=args.pattern_level, encoding=args.encoding)
    elapsed = time.perf_counter() - started
    c = kb.manifest.counts
    summary = (f"{c.sections} sections, {c.patterns} patterns, {c.code_blocks} code blocks, "
               f"{c.snippets} snippets, {c.checklist_items} checklist items, "
               f"{c.repaired_runs} mojibake runs repaired, {len(kb.manifest.warnings)} warnings")
    if args.check:
        stale = stale_files(kb, out)
        if stale:
            error(f"{out} is stale ({', '.join(stale)} differ); run `patternkb build`")
            return Exit.PROBLEM
        print(f"{out} is up to date: {summary}")
        _print_warnings(kb.manifest.warnings)
        return Exit.OK
    write_kb(kb, out)
    print(f"built {out} from {len(kb.manifest.guides)} guide(s) in {elapsed:.2f} s: {summary}")
    if args.index_dir is not None:
        from index.engine import PatternIndex

        engine = PatternIndex.open(out, args.index_dir)
        try:
            print(engine.ensure() or f"index at {args.index_dir} is current")
        finally:
            engine.close()
    _print_warnings(kb.manifest.warnings)
    return Exit.OK


def _print_warnings(warnings: list) -> None:
    # Only once the command has succeeded: a failed command's stderr is its one error line (the
    # KB's manifest keeps the warnings either way).
    for warning in warnings:
        print(one_line(str(warning)), file=sys.stderr)


def _schema(args: argparse.Namespace) -> Exit:
    from kb.paths import SCHEMA_DIR
    from kb.schema import schema_files

    out: Path = args.out or SCHEMA_DIR
    files = schema_files()
    if args.check:
        stale = [n for n, data in files.items() if not (out / n).is_file() or (out / n).read_bytes() != data]
        if stale:
            error(f"schema in {out} is stale ({', '.join(stale)}); run `patternkb schema`")
            return Exit.PROBLEM
        print(f"{out} is up to date")
        return Exit.OK
    _refuse_foreign_schema_folder(out, set(files))
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        # Each file whole or not at all: a full disk must not leave a truncated schema.
        staged = out / f".{name}.tmp"
        try:
            staged.write_bytes(data)
            os.replace(staged, out / name)
        finally:
            staged.unlink(missing_ok=True)
    print(f"wrote {len(files)} schema files to {out}")
    return Exit.OK


def _refuse_foreign_schema_folder(out: Path, names: set[str]) -> None:
    """Write only into a new or empty folder, or one that holds nothing but the schema files."""
    if not (out.exists() or out.is_symlink()):
        return
    if not out.is_dir():
        raise KBError("is not a folder; refusing to write the schema files over it "
                      "(choose an empty or new folder)", file=out)
    ours = names | {f".{n}.tmp" for n in names}
    foreign = sorted(p.name for p in out.iterdir() if p.name not in ours)
    if foreign:
        raise KBError(f"holds files that are not patternkb's schema ({', '.join(foreign[:3])}"
                      f"{', …' if len(foreign) > 3 else ''}); refusing to write into it "
                      "(choose an empty or new folder)", file=out)


def _entry_json(entry) -> dict:
    return entry.model_dump(mode="json")


def _list(args: argparse.Namespace) -> Exit:
    from kb.store import load_kb

    kb = load_kb(args.kb)
    if args.json:
        print_json([_entry_json(e) for e in kb.entries])
        return Exit.OK
    width = max((len(e.id) for e in kb.entries), default=0)
    for entry in kb.entries:
        print(f"{entry.id:<{width}}  {entry.kind:<9}  {entry.title}")
    return Exit.OK


def _open_index(args: argparse.Namespace, *, quiet: bool = False, kb=None):
    from index.engine import PatternIndex

    # Without a KB in hand, the KB loads (and validates) only if the index must be rebuilt:
    # searching a current index needs only the index.
    engine = PatternIndex(kb, args.index_dir) if kb is not None else PatternIndex(kb_dir=args.kb, root=args.index_dir)
    done = engine.ensure(_progress_bar() if sys.stderr.isatty() and not quiet else None)
    if done:
        print(f"patternkb: {done}", file=sys.stderr)
    return engine


def _progress_bar():
    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\rindexing [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _show(args: argparse.Namespace) -> Exit:
    from kb.store import load_kb

    from index.query import excerpt

    kb = load_kb(args.kb)
    entry = kb.entry(args.id)
    if entry is None:
        close = [e.id for e in kb.entries if args.id.lower() in e.id][:5]
        hint = f"; did you mean {', '.join(close)}?" if close else "; `patternkb list` prints every id"
        raise EntryNotFound(f"no entry {excerpt(args.id)!r} in {args.kb}{hint}")
    engine = _open_index(args, kb=kb)
    try:
        related = engine.related(entry.id)
        checklist = engine.checklist_for(entry.id) if entry.kind == "pattern" else engine.illustrated_by(entry.id)
    finally:
        engine.close()
    if args.json:
        data = _entry_json(entry)
        data["related"] = related
        data["checklist" if entry.kind == "pattern" else "illustrated_by"] = checklist
        print_json(data)
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
    titles = {e.id: e.title for e in kb.entries}
    if related:
        print("\nrelated:")
        for link in related:
            print(f"  {link['title']}  ({link['reason']})  {link['id']}")
    if checklist:
        print("\nchecklist:" if entry.kind == "pattern" else "\nillustrated by:")
        for item in checklist:
            print(f"  {titles.get(item, item)}  {item}")
    return Exit.OK


def _index(args: argparse.Namespace) -> Exit:
    from index.engine import PatternIndex

    engine = PatternIndex.open(args.kb, args.index_dir)
    started = time.perf_counter()
    progress = _progress_bar() if sys.stdout.isatty() else None
    try:
        state = engine.status()
        if state == "current" and not args.rebuild:
            print(f"index is current at {engine.store.root}")
            return Exit.OK
        count = engine.rebuild(progress)
    finally:
        engine.close()
    if state.startswith("corrupt"):  # said once rebuilt: a failed rebuild's stderr is its error
        print(f"patternkb: index at {engine.store.root} was {state}; rebuilt it", file=sys.stderr)
    print(f"indexed {count} documents ({len(engine.kb.entries)} entries) in "
          f"{time.perf_counter() - started:.2f} s at {engine.store.root}")
    return Exit.OK


_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _terminal_fragment(fragment: str, color: bool) -> str:
    import html as html_module

    marked = fragment.replace("<b>", _BOLD if color else "[").replace("</b>", _RESET if color else "]")
    return html_module.unescape(marked)


def _search(args: argparse.Namespace) -> Exit:
    from index.query import excerpt, parse

    engine = _open_index(args, quiet=args.json)
    try:
        result = engine.search(args.query, limit=args.limit, kind=args.kind, order=args.order,
                               fragments=args.limit)
        unknown = [] if result.hits else _unknown_filter_values(engine, args.query)
    finally:
        engine.close()
    if unknown:
        raise BadQuery("; ".join(unknown))
    if args.json:
        print_json(result.to_json())
        return Exit.OK
    color = sys.stdout.isatty()
    if result.corrected:
        print(f"did you mean: {result.corrected}")
    if not result.hits:
        if parse(args.query).empty:
            print(f"nothing to search for in {excerpt(args.query)!r}: type words, an identifier, "
                  "\"a phrase\" or a filter such as kind:snippet")
        else:
            print(f"no results for {excerpt(args.query)!r}" + ("" if result.corrected else
                  "; try fewer words, or `patternkb list` to browse"))
        return Exit.OK
    for n, hit in enumerate(result.hits, 1):
        title = f"{_BOLD}{hit.title}{_RESET}" if color else hit.title
        print(f"{n:>2}. {title}  [{hit.kind}]  {hit.path}")
        print(f"    {hit.id}")
        print(f"    {_terminal_fragment(hit.fragment, color)}")
    shown = len(result.hits)
    print(f"{shown} of {result.total} hits in {result.elapsed_ms:.1f} ms")
    return Exit.OK


def _unknown_filter_values(engine, query: str) -> list[str]:
    """For a search that found nothing: each filter value that alone matches nothing, with what
    the KB has instead (the engine decides what matches, so this agrees with the search)."""
    from index.query import filter_text, filter_values, parse, unknown_value_message

    messages, known = [], None
    for fieldname, values in parse(query).filters.items():
        for value in dict.fromkeys(values):
            alone = filter_text(fieldname, value)
            if alone is None or engine.search(alone, limit=1, fragments=0).total:
                continue
            known = known or filter_values(engine.kb)
            messages.append(unknown_value_message(fieldname, value, known[fieldname]))
    return messages


def _check(args: argparse.Namespace) -> Exit:
    """Validate the KB (schema, ids, links) and the index (present, current, intact)."""
    from index.engine import PatternIndex
    from kb.store import load_kb

    problems: list[str] = []
    kb = load_kb(args.kb)  # schema and duplicate ids: raises with file and entry
    ids = {e.id for e in kb.entries}
    for entry in kb.entries:
        for target in getattr(entry, "links", []):
            if target not in ids:
                problems.append(f"{entry.source.file}:{entry.source.line_start}: {entry.id} links to "
                                f"missing entry {target}")
    engine = PatternIndex(kb, args.index_dir)
    try:
        problems += _index_problems(engine, kb, ids)
    finally:
        engine.close()
    if problems:
        # The report on stdout, one problem a line; stderr gets the one error line.
        for problem in problems:
            print(one_line(problem))
        more = f" (and {len(problems) - 1} more, listed above)" if len(problems) > 1 else ""
        error(f"check found {len(problems)} problem(s): {problems[0]}{more}")
        return Exit.PROBLEM
    print(f"ok: {len(kb.entries)} entries, {len(kb.sections)} sections, index current at {engine.store.root}")
    return Exit.OK


def _index_problems(engine, kb, ids: set[str]) -> list[str]:
    from index.documents import documents

    state = engine.status()
    if state != "current":
        return [f"index at {engine.store.root} is {state} (run `patternkb index`)"]
    problems = []
    meta, related = engine.meta(), engine.links().get("related", {})
    for source, links in related.items():
        for link in links:
            if link["id"] not in ids or source not in ids:
                problems.append(f"index: related link {source} -> {link['id']} dangles")
    if meta.get("documents") != sum(1 for _ in documents(kb)):
        problems.append("index: document count differs from the KB")
    thin = [p.id for p in kb.patterns if len(related.get(p.id, [])) < 3]
    if thin:
        problems.append(f"index: {len(thin)} patterns have fewer than 3 related patterns: {', '.join(thin[:3])}")
    return problems


def _gui(args: argparse.Namespace) -> Exit:
    # Starting makes some 40,000 objects the collector tracks (Qt's types, our modules) that live
    # as long as the window: the cyclic collector would walk them again and again before the first
    # frame, for nothing. The window freezes them and turns it back on once it is painted.
    gc.disable()
    try:
        return _start_gui(args)
    finally:
        gc.enable()


def _start_gui(args: argparse.Namespace) -> Exit:
    from app import first_search

    # Forked here, before Qt is imported: see app/first_search.py.
    first = first_search.start(args.kb, args.index_dir, args.query) if args.query and not args.open else None
    from app.gui import run

    return Exit(run(args.kb, args.index_dir, query=args.query, open_id=args.open, screenshot=args.screenshot,
                    first_search=first))


if __name__ == "__main__":
    sys.exit(main())
