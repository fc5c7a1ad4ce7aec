"""The command line's verbs but `gui`: each calls the functions the window calls, and prints."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from patternkb.app.cli_output import Exit, error, note, note_undecodable, one_line, print_json, valid_text
from patternkb.kb.errors import KBError


class BadQuery(KBError):
    """A search filter that names nothing the KB has."""


def _build(args: argparse.Namespace) -> Exit:
    from patternkb.kb.build import build_into, stale_files_of
    from patternkb.kb.coverage import build_report
    from patternkb.kb.paths import BUNDLED_GUIDE, BUNDLED_KB, user_kb

    guides = args.guides or [BUNDLED_GUIDE]
    # The maintainer's check (`build --check`) is of the bundled KB; a build is the user's own KB,
    # never the installed package's (`make kb` regenerates the bundled one in a checkout).
    out: Path = args.out or (BUNDLED_KB if args.check and not args.guides else user_kb())
    started = time.perf_counter()
    # Both stream: a guide's entries are written as they are made, never the whole KB in memory.
    if args.check:
        manifest, stale = stale_files_of(guides, out, pattern_level=args.pattern_level, encoding=args.encoding)
    else:
        manifest = build_into(guides, out, pattern_level=args.pattern_level, encoding=args.encoding)
    elapsed = time.perf_counter() - started
    c = manifest.counts
    summary = (f"{c.sections} sections, {c.patterns} patterns, {c.overviews} overviews, {c.code_blocks} code blocks, "
               f"{c.snippets} snippets, {c.checklist_items} checklist items, "
               f"{c.repaired_runs} mojibake runs repaired, {len(manifest.warnings)} warnings")
    report = build_report(manifest) | {"kb": str(out)}
    if args.check:
        if stale:
            error(f"{out} is stale ({', '.join(stale)} differ); run `patternkb build`")
            return Exit.PROBLEM
        if args.json:
            print_json(report | {"up_to_date": True})
            return Exit.OK
        print(f"{out} is up to date: {summary}")
        _coverage(manifest)
        _warnings(manifest.warnings)
        return Exit.OK
    if args.json:
        print_json(report | {"written": True})
    else:
        print(f"built {out} from {len(manifest.guides)} guide(s) in {elapsed:.2f} s: {summary}")
        _coverage(manifest)
    if args.index_dir is not None:
        with _library(out, args.index_dir) as library:
            line = library.ensure() or f"index at {args.index_dir} is current"
        if not args.json:
            print(line)
    if not args.json:
        _warnings(manifest.warnings)
    return Exit.OK


def _coverage(manifest) -> None:
    """One line per guide: how much of it the KB accounts for, and its links resolved."""
    from patternkb.kb.coverage import coverage_line

    for guide in manifest.guides:
        print(f"  {coverage_line(guide)}")


def _warnings(warnings: list) -> None:
    # Shown only if the command succeeds (see note); the KB's manifest keeps them either way.
    for warning in warnings:
        note(str(warning))


def _schema(args: argparse.Namespace) -> Exit:
    from patternkb.kb.paths import SCHEMA_DIR
    from patternkb.kb.schema import schema_files

    if args.out is None and not args.check:
        error("name the folder to write: `patternkb schema --out DIR` (`make kb` regenerates the bundled schema)")
        return Exit.USAGE
    out: Path = args.out or SCHEMA_DIR
    files = schema_files()
    if args.check:
        stale = [n for n, data in files.items() if not (out / n).is_file() or (out / n).read_bytes() != data]
        if stale:
            error(f"schema in {out} is stale ({', '.join(stale)}); run `patternkb schema`")
            return Exit.PROBLEM
        print(f"{out} is up to date")
        return Exit.OK
    _refuse_foreign_schema_folder(out, files)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        # Each file whole or not at all: a full disk must not leave a truncated schema. The
        # temporary file is new (O_EXCL): a symlink planted in the folder is never written through.
        fd, staged = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out)
        try:
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), 0o644)  # mkstemp's 0600 would make the schema private
                fh.write(data)
            os.replace(staged, out / name)
        finally:
            Path(staged).unlink(missing_ok=True)
    print(f"wrote {len(files)} schema files to {out}")
    return Exit.OK


_SCHEMA_TMP = re.compile(r"\.(?P<name>.+\.schema\.json)\.(?:[A-Za-z0-9_]{8}\.)?tmp")


def _is_our_schema(path: Path, data: bytes) -> bool:
    """Whether `path` is a schema file patternkb wrote (of this version or an earlier one): a
    JSON object with the title, type and top-level parts of the one it would write now."""
    if path.is_symlink() or not path.is_file():
        return False
    try:
        existing = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    ours = json.loads(data)
    parts = ("$schema", "$defs", "items", "properties")
    return (isinstance(existing, dict) and existing.get("title") == ours.get("title")
            and existing.get("type") == ours.get("type")
            and {k for k in parts if k in existing} == {k for k in parts if k in ours})


def _refuse_foreign_schema_folder(out: Path, files: dict[str, bytes]) -> None:
    """Write only into a new or empty folder, or one that holds nothing but schema files
    patternkb wrote (and the temporary files of a write that was killed)."""
    if not (out.exists() or out.is_symlink()):
        return
    if not out.is_dir():
        raise KBError("is not a folder; refusing to write the schema files over it "
                      "(choose an empty or new folder)", file=out)
    foreign = []
    for path in sorted(out.iterdir()):
        temp = _SCHEMA_TMP.fullmatch(path.name)
        if path.name in files:
            if not _is_our_schema(path, files[path.name]):
                foreign.append(path.name)
        elif not (temp and temp["name"] in files and path.is_file() and not path.is_symlink()):
            foreign.append(path.name)
    if foreign:
        raise KBError(f"holds files that are not patternkb's schema ({', '.join(foreign[:3])}"
                      f"{', …' if len(foreign) > 3 else ''}); refusing to write into it "
                      "(choose an empty or new folder)", file=out)


def _entry_json(entry) -> dict:
    return entry.model_dump(mode="json")


def _list(args: argparse.Namespace) -> Exit:
    from patternkb.kb.store import load_kb

    kb = load_kb(args.kb)
    if args.json:
        print_json([_entry_json(e) for e in kb.entries])
        return Exit.OK
    width = max((len(e.id) for e in kb.entries), default=0)
    for entry in kb.entries:
        print(f"{entry.id:<{width}}  {entry.kind:<9}  {entry.title}")
    return Exit.OK


def _library(kb_dir: Path, index_dir: Path | None):
    from patternkb.index.library import PatternLibrary

    return PatternLibrary.open(kb_dir, index_dir, mapped_terms=False)  # a command searches once


def _ensure(library, *, quiet: bool = False) -> None:
    """Make the index searchable, with a progress bar on a terminal; say what was done."""
    done = library.ensure(_progress_bar() if sys.stderr.isatty() and not quiet else None)
    if done:
        note(f"patternkb: {done}")


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
    from patternkb.app.render import NOT_ILLUSTRATED
    with _library(args.kb, args.index_dir) as library:
        library.find(args.id)  # an unknown id fails before any index is built
        _ensure(library)
        view = library.entry(args.id)
    entry, related = view.entry, view.related
    checklist = view.checklist if entry.kind != "checklist" else view.illustrated_by
    if args.json:
        print_json(view.to_json())
        return Exit.OK
    print(f"{entry.title}\n{' › '.join(entry.path)}")
    print(f"{entry.kind} · {entry.id} · {entry.source.file}:{entry.source.line_start}-{entry.source.line_end}")
    print(f"tags: {', '.join(entry.tags)}")
    if entry.symbols:
        print(f"symbols: {', '.join(entry.symbols)}")
    if entry.packages:
        print(f"packages: {', '.join(entry.packages)}")
    if entry.kind != "checklist":  # a pattern or an overview
        # The whole body as the guide wrote it, code in place: a summary and the snippets alone
        # lost every paragraph, list and note after the first.
        if entry.markdown.strip():
            print(f"\n{entry.markdown.strip()}")
        if entry.snippets:
            print("\nsnippets:")
            for snippet in entry.snippets:
                print(f"  ── {snippet.title} ({snippet.language}, line {snippet.line_start})")
    else:
        print(f"\n{entry.list} › {entry.group}: {entry.text}")
    if related:
        print("\nrelated:")
        for link in related:
            print(f"  {link['title']}  ({link['reason']})  {link['id']}")
    if checklist:
        print("\nchecklist:" if entry.kind != "checklist" else "\nillustrated by:")
        for item in checklist:
            print(f"  {view.titles.get(item, item)}  {item}")
    elif entry.kind == "checklist":
        print(f"\nillustrated by: none ({NOT_ILLUSTRATED})")
    return Exit.OK


def _index(args: argparse.Namespace) -> Exit:
    started = time.perf_counter()
    progress = _progress_bar() if sys.stdout.isatty() else None
    from patternkb.kb.store import KBReader, verify_kb

    with _library(args.kb, args.index_dir) as library:
        with KBReader(library.kb_dir) as reader:  # its manifest and sections: a damaged one fails here
            manifest = reader.manifest
        state = library.status()
        if state == "current" and not args.rebuild:
            verify_kb(library.kb_dir)  # damaged entries fail even when the index is current (indexing checks them)
            print(f"index is current at {library.index_dir}")
            return Exit.OK
        # A stale index is brought up to date guide by guide (the guides that did not change are
        # kept); --rebuild, or a corrupt index, indexes everything again.
        full = args.rebuild or state != "stale"
        count = library.rebuild(progress, full=full)
        written = count if full else library.last_written
    if state.startswith("corrupt"):  # said once rebuilt: a failed rebuild's stderr is its error
        note(f"patternkb: index at {library.index_dir} was {state}; rebuilt it")
    again = "" if full or written == count else f", {written} of them written again (the other guides' kept)"
    print(f"indexed {count} documents ({sum(g.entries for g in manifest.guides)} entries{again}) in "
          f"{time.perf_counter() - started:.2f} s at {library.index_dir}")
    return Exit.OK


_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _terminal_fragment(fragment: str, color: bool) -> str:
    import html as html_module

    marked = fragment.replace("<b>", _BOLD if color else "[").replace("</b>", _RESET if color else "]")
    return html_module.unescape(marked)


def _search(args: argparse.Namespace) -> Exit:
    from patternkb.index.library import SearchOptions
    from patternkb.index.query import excerpt, parse

    with _library(args.kb, args.index_dir) as library:
        _ensure(library, quiet=args.json)
        result = library.search(args.query, SearchOptions(kind=args.kind, order=args.order, limit=args.limit,
                                                          fragments=args.limit, correct=not args.as_typed))
    if result.unknown_filters:
        raise BadQuery("; ".join(result.unknown_filters))
    if args.json:
        print_json(result.to_json())
        return Exit.OK
    # The search reads words only: a byte that is not UTF-8 (a surrogate escape) is left out.
    note_undecodable(valid_text(args.query)[1], "in the query ignored")
    color = sys.stdout.isatty()
    if result.correction_applied:
        print(f"showing results for {result.corrected!r} (--as-typed searches {excerpt(args.query)!r})")
    elif result.corrected:
        print(f"did you mean: {result.corrected}")
    if not result.hits:
        if parse(args.query).empty:
            print(f"nothing to search for in {excerpt(args.query)!r}: type words, an identifier, "
                  "\"a phrase\" or a filter such as kind:snippet")
        else:
            searched = result.corrected if result.correction_applied else args.query
            print(f"no results for {excerpt(searched)!r}" + ("" if result.corrected else
                  "; try fewer words, or `patternkb list` to browse"))
        return Exit.OK
    for n, hit in enumerate(result.hits, 1):
        title = f"{_BOLD}{hit.title}{_RESET}" if color else hit.title
        print(f"{n:>2}. {title}  [{hit.kind}]  {hit.breadcrumb}")
        print(f"    {hit.id}")
        print(f"    {_terminal_fragment(hit.fragment, color)}")
        for sub in hit.sub_hits:  # where inside the entry it matched
            print(f"      · {sub.label}: {sub.title}  ({hit.id}#{sub.anchor})" if sub.anchor else
                  f"      · {sub.label}: {sub.title}  ({sub.id})")
            if sub.fragment:  # a part of code alone has no words to show
                print(f"        {_terminal_fragment(sub.fragment, color)}")
    shown = len(result.hits)
    print(f"{shown} of {result.total} results in {result.elapsed_ms:.1f} ms")
    return Exit.OK


def _check(args: argparse.Namespace) -> Exit:
    """Validate the KB (schema, ids, links) and the index (present, current, intact)."""
    with _library(args.kb, args.index_dir) as library:
        problems = library.check()  # a KB that cannot be read raises, with file and entry
    if problems:
        # The report on stdout, one problem a line; stderr gets the one error line.
        for problem in problems:
            print(one_line(problem))
        more = f" (and {len(problems) - 1} more, listed above)" if len(problems) > 1 else ""
        error(f"check found {len(problems)} problem(s): {problems[0]}{more}")
        return Exit.PROBLEM
    kb = library.kb
    print(f"ok: {len(kb.entries)} entries, {kb.manifest.counts.sections} sections, index current at {library.index_dir}")
    return Exit.OK


def run(verb: str, args: argparse.Namespace) -> Exit:
    """Run one of the verbs but `gui`; errors propagate to the command line's one boundary."""
    handlers = {"build": _build, "list": _list, "show": _show, "schema": _schema, "index": _index,
                "search": _search, "check": _check}
    return handlers[verb](args)
