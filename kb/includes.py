"""Includes expanded, reading only files inside the book or folder named: mdBook's `{{#include}}`,
`{{#rustdoc_include}}` and `{{#playground}}`, GitBook's `{% include "…" %}`, and MkDocs' (PyMdown's
`--8<-- "file"` on a line of its own, markdown-include's `{!file!}`, FastAPI's `{* file *}`, a
code block of the file). A MkDocs path is tried from the page's folder, then from each folder
above it up to the root (PyMdown's paths start at the project's)."""

from __future__ import annotations

import re
from pathlib import Path

from patternkb.kb.encoding import read_regular_file, resolve_inside
from patternkb.kb.errors import GuideError

_DIRECTIVE = re.compile(r"\{\{\s*#(include|rustdoc_include|playground)\s+([^}\s]+)[^}]*\}\}"
                        # GitBook's (Nunjucks) include of a file, relative to the chapter
                        r"|\{%-?\s*include\s+[\"']([^\"']+)[\"'][^%]*%\}"
                        # MkDocs: PyMdown's snippets (a line of its own), markdown-include, FastAPI's
                        r"|^(\s*)--8<--\s+[\"']([^\"']+)[\"']\s*$|\{!>?\s*([^!\s]+)\s*!\}|\{\*\s*(\S+)[^*]*\*\}")
# `{{#title …}}` sets the rendered page's title: nothing to show in an entry.
_TITLE = re.compile(r"^\s*\{\{\s*#title\s[^}]*\}\}\s*$", re.M)
_ANCHOR_START = re.compile(r"ANCHOR:\s*([\w-]+)")
_ANCHOR_END = re.compile(r"ANCHOR_END:\s*([\w-]+)")
_MAX_DEPTH = 10
# What one chapter may include in all: a book whose files include each other many times over
# (each line four times, ten deep) must not make a build run for hours.
MAX_INCLUDED = 5_000_000


def expand_with_lines(text: str, chapter: Path, root: Path, warn, depth: int = 0,
                      budget: list[int] | None = None, chain: frozenset[Path] = frozenset(),
                      where: str = "the book", keep_unread: bool = False) -> tuple[str, list[int] | None]:
    """`text` (of the file `chapter`) with its include directives replaced by what they name, and
    for each of its lines the line of `chapter` it comes from (None when nothing was expanded):
    what is included is reported at its directive's line. A path that leaves `root`, a file that
    cannot be read, a file that includes itself, or more than MAX_INCLUDED characters included
    into one chapter is a warning: `warn(line, message)`. `where` is what `root` is called in it;
    with `keep_unread`, a directive whose file is not read stays as written (a page may show the
    syntax in its prose: its words must not go)."""
    if "{{" not in text and "{%" not in text and "--8<--" not in text and "{!" not in text and "{*" not in text:
        return text, None
    budget = [MAX_INCLUDED] if budget is None else budget
    chain = chain | {resolve_inside(chapter, root) or chapter}  # the files being expanded, this one's includers
    text = _TITLE.sub("", text)
    out: list[str] = []
    origin: list[int] = []
    def replaced(match: re.Match) -> str:
        found = _included(match, chapter, root, warn, number, depth, budget, chain, where, keep_unread)
        return found if found is not None else match.group(0) if keep_unread else ""

    for number, line in enumerate(text.split("\n"), 1):
        expanded = _DIRECTIVE.sub(replaced, line)
        out.append(expanded)
        origin += [number] * (expanded.count("\n") + 1)
    return "\n".join(out), origin


def _included(match: re.Match, chapter: Path, root: Path, warn, line: int, depth: int, budget: list[int],
              chain: frozenset[Path], where: str, keep_unread: bool) -> str | None:
    """What the directive `match` stands for, or None (with a warning) when its file is not read."""
    mkdocs = match.group(5) or match.group(6) or match.group(7)
    spec = match.group(2) or match.group(3) or mkdocs
    name, _, selector = spec.partition(":") if match.group(2) or match.group(5) else (spec, "", "")
    inside = _mkdocs_file(name, chapter, root) if mkdocs else resolve_inside(chapter.parent / name, root)
    if inside is None:
        warn(line, f"{match.group(0).strip()} {'names no file inside' if mkdocs else 'leads outside'} {where}; "
                   "not included")
        return None
    if inside in chain:
        warn(line, f"{match.group(0)}: {name!r} is already being included (files that include each other); "
                   "not included")
        return None
    if budget[0] <= 0:
        return None  # said once, when the budget ran out
    try:
        content = read_regular_file(inside).decode("utf-8")
    except (GuideError, UnicodeDecodeError) as exc:
        warn(line, f"{match.group(0)}: cannot read {name!r} ({getattr(exc, 'message', None) or exc}); not included")
        return None
    lines = content.split("\n")
    if content.endswith("\n"):
        lines = lines[:-1]
    if selector:
        lines = _select(lines, selector)
        if lines is None:
            warn(line, f"{match.group(0)}: no such lines or anchor in {name!r}; not included")
            return None
    body = "\n".join(line for line in lines if not _ANCHOR_START.search(line) and not _ANCHOR_END.search(line))
    if depth < _MAX_DEPTH:
        body = expand_with_lines(body, inside, root, warn, depth + 1, budget, chain, where, keep_unread)[0]
    budget[0] -= len(body)
    if budget[0] < 0:
        warn(line, f"{match.group(0)}: more than {MAX_INCLUDED:,} characters included into one chapter; "
                   "the rest is left out")
        return None
    if match.group(7):  # FastAPI's `{* file *}` stands for a code block of the file
        fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`{3,}", body))])
        return f"{fence}{_language_of(name)}\n{body}\n{fence}"
    if match.group(5):  # a snippet indented as its line is (in a list item, an admonition)
        return "\n".join(match.group(4) + part for part in body.split("\n"))
    return body


def _mkdocs_file(name: str, chapter: Path, root: Path) -> Path | None:
    """The file a MkDocs include names, from the page's folder or a folder above it inside `root`."""
    folder = chapter.parent
    while True:
        inside = resolve_inside(folder / name, root)
        if inside is not None and inside.is_file():
            return inside
        if resolve_inside(folder, root) in (None, resolve_inside(root, root)):
            return None
        folder = folder.parent


def _language_of(name: str) -> str:
    from pygments.lexers import get_lexer_for_filename
    from pygments.util import ClassNotFound

    try:
        return get_lexer_for_filename(name).aliases[0]
    except (ClassNotFound, IndexError):
        return ""


def _select(lines: list[str], selector: str) -> list[str] | None:
    """Lines `a:b` (1-based, either end open), a single line `a`, or between ANCHOR markers."""
    first, _, last = selector.partition(":")
    if (first.isdigit() or not first) and (last.isdigit() or not last) and (first or last):
        start = int(first) - 1 if first else 0
        end = int(last) if last else len(lines)
        if not _ and first:  # `path:5` is line 5 alone
            end = start + 1
        chosen = lines[max(start, 0):end]
        return chosen or None
    inside = False
    chosen: list[str] = []
    found = False
    for line in lines:
        start_mark = _ANCHOR_START.search(line)
        end_mark = _ANCHOR_END.search(line)
        if start_mark and start_mark.group(1) == selector:
            inside = found = True
            continue
        if end_mark and end_mark.group(1) == selector:
            inside = False
            continue
        if inside:
            chosen.append(line)
    return chosen if found else None
