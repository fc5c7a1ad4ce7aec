"""A code fence's info string (what follows its backticks: `rust,ignore`, `{.python}`, `js
title="app.js"`) read for the language and label of its code; and a fence typed four spaces in,
which CommonMark reads as indented code holding the backticks."""

from __future__ import annotations

import re

from patternkb.kb.headings import MAX_LABEL

_INFO_LABEL = re.compile(r"""\s\[([^\]]+)\]|\btitle\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def info_language(info: str) -> str:
    """The language a fence's info string names: its first word, without what mdBook and rustdoc
    add after a comma (`rust,ignore`, `rust,no_run`) or Pandoc's braces and dot (`{.python}`);
    a chunk of Quarto or R Markdown names it in braces (`{r setup, include=FALSE}`), MyST after
    its code directive (`{code-block} python`)."""
    braced = re.match(r"^\{([^}]*)\}\s*(.*)$", info.strip())
    inner, rest = braced.groups() if braced else (info, "")
    if braced and _first_word(inner) in CODE_DIRECTIVES:
        inner = rest  # `{code-block} python`: the language after the directive (read once, not again)
    return _first_word(inner.strip().strip("{}"))


def _first_word(text: str) -> str:
    """The first word that is not an attribute (`linenums="1 2"`, `hl_lines=3`) nor an id (`#x`)."""
    words = [w for w in _INFO_WORD.findall(text) if "=" not in w and not w.startswith("#")]
    return words[0].lstrip(".").lower() if words else ""


# A word of an info string: an attribute with its value, quoted (spaces and all; a quote left
# open takes the rest of the line) or not, or a word.
_INFO_WORD = re.compile(r"""[^\s,=]+=(?:"[^"]*"?|'[^']*'?|[^\s,]*)|[^\s,]+""")


# MyST's directives whose content is code, in the language named after them.
CODE_DIRECTIVES = frozenset({"code-block", "code", "sourcecode", "code-cell"})


def info_label(info: str) -> str:
    """What a fence's info string calls its code, after the language: VitePress's `sh [npm]`,
    Docusaurus's and others' `js title="wdio.conf.js"`; "" when it says nothing."""
    match = _INFO_LABEL.search(info)
    label = next((g for g in match.groups() if g), "") if match else ""
    return label.strip() if len(label.strip()) <= MAX_LABEL else ""


def fence_inside(code: str) -> tuple[str, str] | None:
    """(info string, code) of an indented code block that is one fenced block whole (its first
    line opens a fence, its last closes it, none between does): an author's fence indented four
    spaces under a list the item had ended, shown with its backticks as text."""
    lines = code.rstrip("\n").split("\n")
    opening = _OPENING.match(lines[0]) if len(lines) >= 2 else None
    if opening is None or lines[-1].strip() != opening.group(1) or \
            any(line.strip().startswith(opening.group(1)[:3]) for line in lines[1:-1]):
        return None
    return opening.group(2).strip(), "".join(line + "\n" for line in lines[1:-1])


_OPENING = re.compile(r"^(`{3,}|~{3,})([^`]*)$")
