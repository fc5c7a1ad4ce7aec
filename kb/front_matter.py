"""A page's YAML front matter (`---` … `---` at its top): where it ends, and where one whose
closing `---` is missing would end. Read line by line, before markdown-it parses the page."""

from __future__ import annotations

import re

_MAX_FRONT_MATTER = 200
_YAML_LINE = re.compile(r"^(\s*$|\s*#|[\w\"'-][^:]*:|\s+\S|-\s)")


def front_matter_end(lines: list[str]) -> int:
    """The number of lines of a YAML front matter block (`---` ... `---`) at the top, else 0."""
    if not lines or lines[0].strip() != "---":
        return 0
    for n in range(1, min(len(lines), _MAX_FRONT_MATTER)):
        if lines[n].strip() in ("---", "..."):
            return n + 1 if all(_YAML_LINE.match(line) for line in lines[1:n]) else 0
    return 0


def open_front_matter_end(lines: list[str]) -> int:
    """The lines of a front matter whose closing `---` is missing (`---`, then `key: value` lines
    to a blank line or a heading): else its keys became the page's first words, without a word said."""
    if len(lines) < 2 or lines[0].strip() != "---" or not _YAML_KEY.match(lines[1]):
        return 0
    for n in range(1, min(len(lines), _MAX_FRONT_MATTER)):
        if not lines[n].strip() or _HEADING_LINE.match(lines[n]):  # a heading is the page's, not a comment
            return n if all(_YAML_LINE.match(line) for line in lines[1:n]) else 0
    return 0


_HEADING_LINE = re.compile(r"^#{1,6}\s")
_YAML_KEY = re.compile(r"^[a-z_][\w-]*:(\s|$)")  # "Note: …" after a rule is prose
