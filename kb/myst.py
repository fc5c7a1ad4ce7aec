"""MyST's directives (Sphinx, Jupyter Book): which are prose, which code, which a page does not
show as code; their options; a glossary's lines (kb/directives.py reads them)."""

from __future__ import annotations

import re

MYST = re.compile(r"^ {0,3}(`{3,}|~{3,})\{([\w-]+)\}\s*(.*?)\s*$")
OPTION = re.compile(r"^\s*:[\w-]+:")  # `:class: tip`, a MyST directive's option
OPTION_VALUE = re.compile(r"^\s*:([\w-]+):\s*(.*?)\s*$")
MAX_OPTIONS = 20
# MyST's directives whose content is Markdown, not code.
CONTENT_DIRECTIVES = frozenset(
    "note warning tip important hint caution danger error attention seealso admonition topic sidebar margin "
    "dropdown tab-set tab-item card grid grid-item grid-item-card div epigraph pull-quote versionadded "
    "versionchanged deprecated versionremoved aside figure glossary".split())
PATH_ARGUMENT = frozenset({"figure"})  # its argument is a file, not a title
# What Sphinx writes before a version directive's argument.
VERSION_DIRECTIVES = {"versionadded": "Added in version", "versionchanged": "Changed in version",
                      "deprecated": "Deprecated since version", "versionremoved": "Removed in version"}
# MyST's directives a page does not show as code: navigation and hidden test set-up (left out),
# pictures (their caption is prose: CONTENT_DIRECTIVES), files read in (named, when not read).
HIDDEN_DIRECTIVES = frozenset(
    "toctree contents tableofcontents testsetup testcleanup doctest-skip image index highlight raw only "
    "currentmodule autosummary".split())
FILE_DIRECTIVES = frozenset({"include", "literalinclude"})


def prose_directive(line: str) -> re.Match | None:
    """The opening fence of a MyST directive whose content is Markdown, or None."""
    directive = MYST.match(line)
    return directive if directive is not None and directive.group(2).lower() in CONTENT_DIRECTIVES else None


def glossary_line(line: str) -> list[str] | None:
    """A line of a MyST glossary (a term at the margin, its definition indented below it) as
    Markdown: the term in bold, the definition a paragraph (indented, it was code)."""
    if not line.strip():
        return None
    if line[:1] in (" ", "\t"):
        return [line.expandtabs(4)[4:] if line.expandtabs(4).startswith("    ") else line.lstrip()]
    return ["", f"**{line.strip()}**", ""]
