"""MkDocs' indented blocks (Python-Markdown's admonitions, PyMdown's details and tabs), read as the
Markdown they hold before the guide is parsed: an admonition (`!!! tip "Title"`), a collapsible one
(`??? note`, `???+ example "Title"`) and a content tab (`=== "Python 3.10+"`) hold the lines
indented four spaces under them. Read as CommonMark, those lines are an indented code block: the
prose shown as code, and the fenced code in them a text block with its fences in it.

The opening line becomes its title in bold, which labels the code after it as a tab's name does
(an admonition without one is titled by its type, "Warning"; `""` is no title); the body loses
four spaces and stays in the list item it is in. Blocks nest. Every line keeps its number, and
nothing in a code block outside them is touched.
"""

from __future__ import annotations

import re

from patternkb.kb.headings import clean_label

# `!!! note`, `!!! tip "Title"`, `??? example`, `???+ note ""`, `=== "Python"`, `===+ "Tab"`
_OPENER = re.compile(r'^(?:(?:!!!|\?\?\?\+?)[ \t]+([\w-]+)(?:[ \t]+[\w-]+)*(?:[ \t]+("[^"]*"))?'
                     r'|===\+?[ \t]+("[^"]*"))[ \t]*$')
_ANYWHERE = re.compile(r'^[ \t]*(?:!!!|\?\?\?|===\+?[ \t]+")', re.M)
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
BODY_INDENT = 4


def read_indented_blocks(text: str) -> str:
    """`text` with each block's opening line read as its title and its body four spaces less
    indented; `text` itself when it has none. An opener is one at the start of a block of the
    document, of a list item or of another block's body: four spaces deeper it is an indented
    code block's line, and in a fenced code block (at any depth) it is code."""
    if not _ANYWHERE.search(text):
        return text
    out: list[str] = []
    openers: list[int] = []  # the column of each open block's opening line, outermost first
    fence, fence_column, fence_depth = "", 0, 0  # the open code block's fence, its column, how many blocks held it
    item = None  # the column a list item's content starts at, while in one
    for line in text.split("\n"):
        rest = line.lstrip(" \t")
        column = len(line[:len(line) - len(rest)].expandtabs(BODY_INDENT))
        if not rest:  # a blank line (white space in code stays, less the blocks' columns)
            out.append(_unindent(line, BODY_INDENT * len(openers)))
            continue
        while openers and column < openers[-1] + BODY_INDENT:
            openers.pop()
        if fence and len(openers) < fence_depth:
            fence = ""  # its block ended: Python-Markdown ends the code block with it
        shown = column - BODY_INDENT * len(openers)  # the line's column once its blocks are read
        read = _unindent(line, BODY_INDENT * len(openers))
        if fence:
            if rest.startswith(fence) and not rest.strip(fence[0]).strip() and shown - fence_column < 4:
                fence = ""
            out.append(read)
            continue
        opened = _FENCE.match(rest)
        opener = _OPENER.match(rest.rstrip())
        if opened:
            fence, fence_column, fence_depth = opened.group(1), shown, len(openers)
        elif opener and (shown <= 3 or (item is not None and item <= shown <= item + 3)):
            quoted = (opener.group(2) or opener.group(3) or "").strip('"')
            label = clean_label(quoted if quoted or opener.group(2) or opener.group(3) else
                                (opener.group(1) or "").capitalize())
            openers.append(column)
            # A title too long to be a label keeps its words, as a line of text.
            read = " " * shown + (f"**{label}**" if label else quoted) if label or quoted else ""
        listed = _LIST_ITEM.match(rest)
        if listed:
            item = shown + len(listed.group(0).expandtabs(BODY_INDENT))
        elif item is not None and shown < item and not opener:
            item = None
        out.append(read)
    read_text = "\n".join(out)
    return text if read_text == text else read_text


def _unindent(line: str, columns: int) -> str:
    """The line without `columns` columns of its leading white space, the rest byte for byte (a
    tab that reaches past them leaves the spaces it stands for beyond them)."""
    at = width = 0
    while width < columns and at < len(line) and line[at] in " \t":
        step = BODY_INDENT - width % BODY_INDENT if line[at] == "\t" else 1
        if width + step > columns:
            return " " * (width + step - columns) + line[at + 1:]
        width += step
        at += 1
    return line[at:]
