"""Where a document is cut before markdown-it parses it: so that a code fence that never closes
ends before the next heading that follows a blank line (one typo does not swallow the rest of a
guide), and so that no part is much longer than CHUNK_LINES (markdown-it's block parser keeps
tables of every line of its input). One pass over the lines."""

from __future__ import annotations

import re

# markdown-it's block parser keeps tables of every line of its input: for a 50 MB guide, over a
# gigabyte. A long text is parsed in chunks of about this many lines, cut at a heading (issue 16).
CHUNK_LINES = 5000
# Raw HTML that markdown-it reads past blank lines until its end marker (CommonMark HTML blocks 1-5):
# never cut inside one.
RAW_HTML = [(re.compile(r"^ {0,3}<(script|pre|style|textarea)(\s|>|$)", re.IGNORECASE),
             re.compile(r"</(script|pre|style|textarea)>", re.IGNORECASE)),
            (re.compile(r"^ {0,3}<!--"), re.compile(r"-->")),
            (re.compile(r"^ {0,3}<\?"), re.compile(r"\?>")),
            (re.compile(r"^ {0,3}<![A-Za-z]"), re.compile(r">")),
            (re.compile(r"^ {0,3}<!\[CDATA\["), re.compile(r"\]\]>"))]
_CUT_HEADING = re.compile(r"^#{1,6}(\s|$)")
# Lines that open or close a fence, inside lists and blockquotes too.
FENCE_LINE = re.compile(r"^[ \t>]*(`{3,}|~{3,})(.*)$")
# A line that starts a heading with words: "# };" in code that a broken fence let out is none.
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}\s+.*[^\W_]")
_ANCHOR_LINE = re.compile(r"^\s*<a\s[^>]*>\s*</a>\s*$", re.IGNORECASE)


def segments(lines: list[str], chunk_lines: int = CHUNK_LINES) -> tuple[list[int], list[int], set[int]]:
    """Where to cut the document so that a fence that never closes ends before the next heading
    that follows a blank line, and so that no part is much longer than `chunk_lines` (at a heading
    after a blank line, outside code and raw HTML, where markdown-it starts afresh anyway); one
    pass over the lines. Returns (cut lines, unclosed fence lines, the cuts made for length)."""
    cuts: list[int] = []
    unclosed: list[int] = []
    i, n = 0, len(lines)
    last_cut = 0
    sized: set[int] = set()
    raw_end: re.Pattern | None = None  # the end marker of the raw HTML block the line is in
    while i < n:
        line = lines[i]
        if raw_end is not None:  # raw HTML to its end marker: a fence in a comment is no fence
            if raw_end.search(line):
                raw_end = None
            i += 1
            continue
        if i - last_cut >= chunk_lines and _CUT_HEADING.match(line) and not lines[i - 1].strip():
            cuts.append(i)
            sized.add(i)
            last_cut = i
        elif line[:4].lstrip()[:1] == "<":
            raw_end = next((end for opener, end in RAW_HTML if opener.match(line)), None)
            if raw_end is not None and raw_end.search(line, line.index("<") + 2):
                raw_end = None  # opened and closed on one line
        match = FENCE_LINE.match(line)
        if not match or (match.group(1)[0] == "`" and "`" in match.group(2)):
            i += 1
            continue
        marker, start = match.group(1), i
        item = _item_column(lines, start, _depth(line))
        i += 1
        closed = False
        while i < n:
            if item and lines[i].strip(" \t>") and _depth(lines[i]) < item:
                break  # the list item ends, and the fence in it with it: the line is read afresh
            inner = FENCE_LINE.match(lines[i])
            # A fence four spaces deeper than the opening one is a line of the code (a Markdown
            # example showing tabs of code), neither its end nor the start of another.
            if inner and _depth(lines[i]) >= _depth(line) + 4:
                inner = None
            if inner and inner.group(1)[0] == marker[0] and len(inner.group(1)) >= len(marker):
                if not inner.group(2).strip():
                    closed = True
                    break
                if inner.group(2).strip().isidentifier():
                    break  # an opening fence inside code: this fence swallowed the next one
            i += 1
        if closed:
            i += 1
            continue
        if i < n and item and lines[i].strip(" \t>") and _depth(lines[i]) < item:
            continue
        unclosed.append(start + 1)
        resume = next((k for k in (_resume_at(lines, j, start) for j in range(start + 1, n)
                                   if _HEADING_LINE.match(lines[j])) if k is not None), None)
        if resume is None:
            break
        cuts.append(resume)
        last_cut = i = resume
    return cuts, unclosed, sized


# A list item's first line: its marker, and the spaces before its content (at most four).
_LIST_ITEM = re.compile(r"^[ \t>]*(?:[-*+]|\d{1,9}[.)])( {1,4}|\t)(?=\S)")
# How far back a fence looks for the list item it stands in.
_ITEM_LOOKBACK = 200


def _item_column(lines: list[str], start: int, depth: int) -> int:
    """The column the content of the list item a fence opening at line `start` stands in starts
    at (0: in none). A line of the fence indented less ends the item and the fence with it, as
    CommonMark reads it: a closing fence typed shallower than its item is no end of the code but
    the start of more."""
    if not depth:
        return 0
    for k in range(start - 1, max(start - _ITEM_LOOKBACK, 0) - 1, -1):
        line = lines[k]
        if not line.strip(" \t>") or _depth(line) >= depth:
            continue  # blank (in a quote too), or the item's content
        marker = _LIST_ITEM.match(line)
        if marker is None:
            return 0
        column = _depth(line) + len(marker.group(0).lstrip(" \t>"))
        return column if column <= depth else 0
    return 0


def _depth(line: str) -> int:
    """The columns of white space before a line's first character other than `>` and white space."""
    prefix = line[:len(line) - len(line.lstrip(" \t>"))].expandtabs(4)
    return len(prefix) - prefix.count(">")


def _resume_at(lines: list[str], heading: int, start: int) -> int | None:
    """Where the text after a broken fence resumes: at a heading after a blank line, or at the
    HTML anchors (`<a id="x"></a>`) that stand just before such a heading."""
    k = heading
    while k - 1 > start and _ANCHOR_LINE.match(lines[k - 1]):
        k -= 1
    return k if not lines[k - 1].strip() else None
