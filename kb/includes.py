"""Includes expanded, reading only files inside the book or folder named: mdBook's `{{#include}}`,
`{{#rustdoc_include}}` and `{{#playground}}`, GitBook's `{% include "…" %}`, and MkDocs' (PyMdown's
`--8<-- "file"` on a line of its own, markdown-include's `{!file!}`, FastAPI's `{* file *}`, a
code block of the file). A MkDocs path is tried from the page's folder, then from each folder
above it up to the root (PyMdown's paths start at the project's)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from patternkb.kb.encoding import read_regular_file, resolve_inside
from patternkb.kb.errors import GuideError

_DIRECTIVE = re.compile(r"\{\{\s*#(include|rustdoc_include|playground)\s+([^}\s]+)[^}]*\}\}"
                        # GitBook's (Nunjucks) include of a file, relative to the chapter
                        r"|\{%-?\s*include\s+[\"']([^\"']+)[\"'][^%]*%\}")
# MkDocs' includes, each on a line of its own (in prose or a code block): PyMdown's snippets,
# markdown-include's and FastAPI's (a code block of the file, with options after its name).
_MKDOCS = re.compile(r"^([ \t]*)(?:--8<--[ \t]+[\"']([^\"'\n]+)[\"']|\{!>?[ \t]*([^!\s]+)[ \t]*!\}"
                     r"|\{\*[ \t]*([^\s*]+)(?:[ \t][^*\n]*)?\*\})[ \t]*$")
# `{{#title …}}` sets the rendered page's title: nothing to show in an entry (its line stays).
_TITLE = re.compile(r"^[ \t]*\{\{\s*#title\s[^}\n]*\}\}[ \t]*$", re.M)
_ANCHOR_START = re.compile(r"ANCHOR:\s*([\w-]+)")
_ANCHOR_END = re.compile(r"ANCHOR_END:\s*([\w-]+)")
_MAX_DEPTH = 10
# What one chapter may include in all: a book whose files include each other many times over
# (each line four times, ten deep) must not make a build run for hours.
MAX_INCLUDED = 5_000_000


@dataclass
class _Expansion:
    """What one page's expansion shares down its includes."""

    root: Path
    warn: Callable[[int, str], None]
    folder_page: bool  # a page of a folder: MkDocs' includes too, and one not read stays as written
    where: str  # what `root` is called in warnings
    budget: list[int]


def includes_in(text: str) -> list[tuple[int, str, str]]:
    """(line, directive as written, the file it names) of each include directive in `text`, of a
    book's or MkDocs' kind, in order: what a file named on its own leaves unexpanded."""
    found = [(m.start(), m.group().strip(), m.group(2) or m.group(3)) for m in _DIRECTIVE.finditer(text)]
    found += [(m.start(), m.group().strip(), m.group(2) or m.group(3) or m.group(4)) for m in _MKDOCS_LINES.finditer(text)]
    found.sort()
    out, line, counted = [], 1, 0
    for start, written, named in found:
        line += text.count("\n", counted, start)
        counted = start
        out.append((line, written, named))
    return out


_MKDOCS_LINES = re.compile(_MKDOCS.pattern, re.M)


def expand_with_lines(text: str, chapter: Path, root: Path, warn, *, folder_page: bool = False
                      ) -> tuple[str, list[int] | None]:
    """`text` (of the file `chapter`) with its include directives replaced by what they name, and
    for each of its lines the line of `chapter` it comes from (None when nothing was expanded):
    what is included is reported at its directive's line. A path that leaves `root`, a file that
    cannot be read, a file that includes itself, or more than MAX_INCLUDED characters included
    into one chapter is a warning: `warn(line, message)`. A book's directive whose file is not read
    is dropped; a folder page's (`folder_page`, which also reads MkDocs' includes) stays as
    written: a page may show the syntax in its prose, and its words must not go."""
    if "{{" not in text and "{%" not in text and not (folder_page and ("--8<--" in text or "{!" in text
                                                                          or "{*" in text)):
        return text, None
    expansion = _Expansion(root, warn, folder_page, "the folder named" if folder_page else "the book",
                           [MAX_INCLUDED])
    return _expand(text, chapter, expansion, 0, frozenset())


def _expand(text: str, chapter: Path, expansion: _Expansion, depth: int, chain: frozenset[Path]
            ) -> tuple[str, list[int]]:
    chain = chain | {resolve_inside(chapter, expansion.root) or chapter}  # the files being expanded
    text = _TITLE.sub("", text)
    out: list[str] = []
    origin: list[int] = []
    for number, line in enumerate(text.split("\n"), 1):
        mkdocs = _MKDOCS.match(line) if expansion.folder_page else None
        if mkdocs:
            found = _mkdocs_include(mkdocs, chapter, expansion, number, depth, chain)
            expanded = line if found is None else found
        else:
            expanded = _DIRECTIVE.sub(lambda m: _book_include(m, chapter, expansion, number, depth, chain), line)
        out.append(expanded)
        origin += [number] * (expanded.count("\n") + 1)
    return "\n".join(out), origin


def _book_include(match: re.Match, chapter: Path, expansion: _Expansion, line: int, depth: int,
                  chain: frozenset[Path]) -> str:
    """What an mdBook or GitBook directive stands for: the file (or its lines or anchor)."""
    name, _, selector = match.group(2).partition(":") if match.group(2) else (match.group(3), "", "")
    inside = resolve_inside(chapter.parent / name, expansion.root)
    if inside is None:
        expansion.warn(line, f"{match.group(0)} leads outside {expansion.where}; not included")
        body = None
    else:
        body = _read(match.group(0), name, selector, inside, expansion, line, depth, chain, anchors=True)
    if body is None:
        return match.group(0) if expansion.folder_page else ""
    return body


def _mkdocs_include(match: re.Match, chapter: Path, expansion: _Expansion, line: int, depth: int,
                    chain: frozenset[Path]) -> str | None:
    """What a MkDocs include line stands for, indented as its line is (in a list item, an
    admonition); None when its file is not read."""
    indent, snippet = match.group(1), match.group(2)
    name, _, selector = snippet.partition(":") if snippet else (match.group(3) or match.group(4), "", "")
    inside = _mkdocs_file(name, chapter, expansion.root)
    if inside is None:
        expansion.warn(line, f"{match.group(0).strip()} names no file inside {expansion.where}; not included")
        return None
    body = _read(match.group(0).strip(), name, selector, inside, expansion, line, depth, chain, anchors=False)
    if body is None:
        return None
    if match.group(4):  # FastAPI's `{* file *}` stands for a code block of the file
        fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`{3,}", body))])
        body = f"{fence}{_language_of(name)}\n{body}\n{fence}"
    return "\n".join(indent + part if part else part for part in body.split("\n"))


def _read(directive: str, name: str, selector: str, inside: Path, expansion: _Expansion, line: int, depth: int,
          chain: frozenset[Path], anchors: bool) -> str | None:
    """The text of the included file `inside` (its lines `selector` names), its own includes
    expanded; None, with a warning, when it is not read."""
    warn = expansion.warn
    if inside in chain:
        warn(line, f"{directive}: {name!r} is already being included (files that include each other); not included")
        return None
    if expansion.budget[0] <= 0:
        return None  # said once, when the budget ran out
    try:
        if _size(inside) > expansion.budget[0]:  # refused before it is read
            raise GuideError(f"larger than the {MAX_INCLUDED:,} characters a page may include")
        raw = read_regular_file(inside)
        if b"\0" in raw:
            raise GuideError("a binary file")
        content = raw.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    except (GuideError, UnicodeDecodeError) as exc:
        warn(line, f"{directive}: cannot read {name!r} ({getattr(exc, 'message', None) or exc}); not included")
        return None
    lines = content.split("\n")
    if content.endswith("\n"):
        lines = lines[:-1]
    if selector:
        lines = _select(lines, selector)
        if lines is None:
            warn(line, f"{directive}: no such lines or anchor in {name!r}; not included")
            return None
    if anchors:  # mdBook's ANCHOR: and ANCHOR_END: lines mark parts of a file, and are not shown
        lines = [text for text in lines if not _ANCHOR_START.search(text) and not _ANCHOR_END.search(text)]
    body = "\n".join(lines)
    if depth < _MAX_DEPTH:
        body = _expand(body, inside, expansion, depth + 1, chain)[0]
    expansion.budget[0] -= len(body)
    if expansion.budget[0] < 0:
        warn(line, f"{directive}: more than {MAX_INCLUDED:,} characters included into one chapter; "
                   "the rest is left out")
        return None
    return body


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it says what is wrong


def _mkdocs_file(name: str, chapter: Path, root: Path) -> Path | None:
    """The file a MkDocs include names, from the page's folder or a folder above it inside `root`."""
    folder, top = chapter.parent, resolve_inside(root, root)
    while True:
        inside = resolve_inside(folder / name, root)
        try:
            if inside is not None and inside.is_file():
                return inside
        except (OSError, ValueError):  # a name too long for the file system
            return None
        if resolve_inside(folder, root) in (None, top):
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
