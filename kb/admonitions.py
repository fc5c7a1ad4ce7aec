"""MkDocs' indented blocks (Python-Markdown's admonitions, PyMdown's details and tabs), read as the
Markdown they hold before the guide is parsed: an admonition (`!!! tip "Title"`), a collapsible one
(`??? note`, `???+ example "Title"`) and a content tab (`=== "Python 3.10+"`) hold the lines
indented four spaces under them. Read as CommonMark, those lines are an indented code block: the
prose shown as code, and the fenced code in them a text block with its fences in it.

The opening line becomes its title in bold, which labels the code after it as a tab's name does
(or an empty line, when it has none); the body loses four spaces. Blocks nest. Every line keeps its
number, and nothing in a code block outside them is touched.
"""

from __future__ import annotations

import re

from patternkb.kb.directives import FENCE, clean_label, closes_fence

# `!!! note`, `!!! tip "Title"`, `??? example`, `???+ note ""`, `=== "Python"`, `===+ "Tab"`
_OPENER = re.compile(r'^( *)(?:(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*(?:[ \t]+"([^"]*)")?'
                     r'|===\+?[ \t]+"([^"]*)")[ \t]*$')
_ANYWHERE = re.compile(r'^ *(?:!!!|\?\?\?|===\+?[ \t]+")', re.M)
BODY_INDENT = 4


def read_indented_blocks(text: str) -> str:
    """`text` with each block's opening line read as its title and its body unindented; `text`
    itself when it has none."""
    if not _ANYWHERE.search(text):
        return text
    lines = text.split("\n")
    out: list[str] = []
    bodies: list[int] = []  # for each open block, the indent of its body (in columns)
    fence, fence_depth = "", 0  # the open code block's fence, and how many blocks held it
    for line in lines:
        if line.strip():
            while bodies and _indent(line) < bodies[-1]:
                bodies.pop()
            if fence and len(bodies) < fence_depth:
                fence = ""  # its block ended: Python-Markdown ends the code block with it
        text_line = _unindent(line, bodies[-1] if bodies else 0)
        if fence:
            fence = "" if closes_fence(text_line, fence) else fence
            out.append(text_line)
            continue
        opened = FENCE.match(text_line)
        opener = _OPENER.match(text_line) if not opened else None
        if opened:
            fence, fence_depth = opened.group(1), len(bodies)
        elif opener:
            title = clean_label(opener.group(2) or opener.group(3) or "")
            bodies.append((bodies[-1] if bodies else 0) + len(opener.group(1)) + BODY_INDENT)
            text_line = f"**{title}**" if title else ""
        out.append(text_line)
    read = "\n".join(out)
    return text if read == text else read


def _indent(line: str) -> int:
    """The columns of a line's leading white space (a tab is four)."""
    return len(line.expandtabs(BODY_INDENT)) - len(line.expandtabs(BODY_INDENT).lstrip(" "))


def _unindent(line: str, columns: int) -> str:
    """The line without `columns` of leading white space (or without all of it, if it has less)."""
    if not columns:
        return line
    expanded = line.expandtabs(BODY_INDENT) if line[:1] == "\t" or "\t" in line[:columns] else line
    return expanded[min(columns, _indent(expanded)):]
