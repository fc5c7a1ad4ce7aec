"""The `patternkb` command: one error boundary, verbs that call the same functions as the window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from patternkb.app.cli_output import Exit, end_notes, error, one_line, os_error_message, tolerant_streams
from patternkb.index.query import KINDS
from patternkb.kb.errors import KBError


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
    # No default here: finding the user's KB looks in their data folder, which only the verb
    # run may need (and which another user's HOME may not let us look in): see _run.
    p.add_argument("--kb", type=Path, metavar="DIR",
                   help="KB directory (default: yours, once `patternkb build` has made it; else the bundled one)")
    p.add_argument("--index-dir", type=Path, metavar="DIR",
                   help="index directory (default: the user cache, or $PATTERNKB_INDEX_DIR)")


def _build_options(p: argparse.ArgumentParser) -> None:
    from patternkb.kb.paths import user_kb

    p.add_argument("guides", nargs="*", type=Path, metavar="GUIDE_OR_DIR",
                   help="Markdown guides or mdBook directories (default: the bundled guide)")
    p.add_argument("--out", "--kb", dest="out", type=Path, metavar="DIR",
                   help=f"KB directory to write (default: yours, {user_kb()}; with --check and no "
                        "guide, the bundled KB)")
    p.add_argument("--index-dir", type=Path, metavar="DIR", help="also bring this index up to date")
    p.add_argument("--pattern-level", type=_whole_number(1, 6, "a heading level"), metavar="N",
                   help="heading level that makes a pattern (default: detected)")
    p.add_argument("--encoding", help="encoding of the guides (default: UTF-8)")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if the KB is stale")
    p.add_argument("--json", action="store_true",
                   help="print the build's report as JSON: counts, coverage per guide and block kind, links, warnings")


def _list_options(p: argparse.ArgumentParser) -> None:
    _kb_options(p)
    p.add_argument("--json", action="store_true", help="print a JSON array of all entries")


def _show_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="entry id, as `patternkb list` prints it")
    _kb_options(p)
    p.add_argument("--json", action="store_true", help="print the entry as JSON")


def _schema_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, help="directory to write (required to write; --check alone checks "
                   "the bundled schema: `make kb` regenerates it)")
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
    p.add_argument("--kind", choices=KINDS, help="only this kind (a snippet or part: as rows of their own)")
    p.add_argument("--order", choices=["relevance", "guide"], default="relevance")
    p.add_argument("--as-typed", action="store_true",
                   help="search the words as typed, though a word is in no entry and its closest spelling is")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def _gui_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", nargs="?", metavar="QUERY_OR_URL",
                   help="a search, or a URL an editor sends: patternkb://search?q=…, patternkb://entry/ID, "
                        "dash-plugin://keys=…&query=…, dash://…")
    _kb_options(p)
    p.add_argument("--query", help="start with this search")
    p.add_argument("--open", metavar="ID", help="start with this entry open")
    p.add_argument("--new-window", action="store_true",
                   help="open a window of its own, even when one is open already on this KB")
    p.add_argument("--screenshot", type=Path, metavar="FILE.png",
                   help="save a screenshot once results and entry are painted, then exit")
    p.add_argument("--theme", choices=["light", "dark", "system"],
                   help="the colour theme of this window (not remembered; a window already open keeps its own)")


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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="patternkb", description="A desktop knowledge base of programming patterns.")
    parser.add_argument("--traceback", action="store_true", help="show the full traceback on errors")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    for name, (help_text, add_options) in VERBS.items():
        add_options(verbs.add_parser(name, help=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; every error the user can act on is one line on stderr and exit 1 (bad
    input, a folder that cannot be written) or 2 (usage)."""
    tolerant_streams()
    argv = sys.argv[1:] if argv is None else list(argv)
    head = 1 if argv[:1] == ["--traceback"] else 0
    if len(argv) > head and argv[head] not in VERBS and not argv[head].startswith("-"):
        _refuse_misspelt_verb(argv[head:])
        argv.insert(head, "gui")  # `patternkb QUERY_OR_URL`, as editors and desktop files call it
    verb = argv[head] if len(argv) > head and argv[head] in VERBS else None
    parser = build_parser()
    if verb == "search":
        argv = [*argv[:head + 1], *_search_words_last(argv[head + 1:], parser)]
    args = parser.parse_args(argv)  # a usage error: one line, and SystemExit(2)
    status = Exit.PROBLEM
    try:
        status = int(_run(args))
        return status
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
    finally:
        end_notes(show=status == Exit.OK)


def _refuse_misspelt_verb(words: list[str]) -> None:
    """`patternkb serch x` is a verb mistyped, not a query for the window: a usage error (exit 2)
    when the first word is a letter or two away from a verb (but not a verb with more after it,
    as "builder" is). `patternkb gui serch` searches it."""
    import difflib

    close = difflib.get_close_matches(words[0], VERBS, n=1, cutoff=0.75)
    if close and not words[0].lower().startswith(close[0]):  # "builder", "lists": queries
        sys.stderr.write(f"patternkb: error: {one_line(words[0])!r} is not a verb: did you mean `{close[0]}`? "
                         f"(to search for it, `patternkb gui {one_line(words[0])}`)\n")
        raise SystemExit(Exit.USAGE)


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
    if verb == "gui" and not hasattr(args, "query"):  # bare `patternkb`: the window, as `gui` opens it
        args = build_parser().parse_args([*(["--traceback"] if args.traceback else []), "gui"])
    if hasattr(args, "kb") and args.kb is None and verb != "build":  # build's --kb is its --out
        from patternkb.kb.paths import default_kb

        args.kb = default_kb()
    if verb == "gui":
        return _gui(args)
    from patternkb.app import commands

    return commands.run(verb, args)


def _gui(args: argparse.Namespace) -> Exit:
    from patternkb.app.requests import WindowRequest, parse_target

    if args.target and args.query:
        error("give the search as QUERY_OR_URL or as --query, not both")
        return Exit.USAGE
    try:  # a URL an editor sends, or Zeal's "keys:query", in the argument or in --query
        asked = parse_target(args.target or args.query or "")
    except ValueError as exc:
        error(str(exc))
        return Exit.USAGE
    request = WindowRequest(query=asked.query, open_id=args.open or asked.open_id, keys=asked.keys)
    if not args.new_window and args.screenshot is None:
        from patternkb.app.instance import hand_over_or_claim

        if hand_over_or_claim(request, args.kb):  # the window open on this KB runs it
            return Exit.OK
    from patternkb.app.platform_check import window_problem

    problem = window_problem()
    if problem:
        error(problem)
        return Exit.USAGE
    from patternkb.app.gui import run

    return Exit(run(args.kb, args.index_dir, query=request.query or None, open_id=request.open_id,
                    screenshot=args.screenshot, keys=request.keys, theme=args.theme))


if __name__ == "__main__":
    sys.exit(main())
