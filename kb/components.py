"""MDX and Vue components written as block tags (`<TabItem value="npm">`, `<Tabs values={[...]}>`
over several lines, `</Tabs>`), for kb/directives.py: markup, and a tab's label or value labels the
code in it. `<T>` in prose and HTML written in capitals are no components."""

from __future__ import annotations

import re

from patternkb.kb.headings import clean_label, first_group
from patternkb.kb.html import COMPONENT_LABELS, KNOWN_TAGS, is_component

# A component's tag at the start of a line: capitalised, as MDX and Vue write components.
_COMPONENT = re.compile(r"^ {0,3}</?[A-Z][\w.]*(?=[\s/>]|$)")
# A tab's name, as an attribute: its label, else its value.
_LABELS = [re.compile(rf"""\b{key}\s*=\s*(?:"([^"]*)"|'([^']*)')""") for key in COMPONENT_LABELS]
_MAX_TAG_LINES = 50  # the most lines one component's opening tag may span


def opens_component(line: str) -> bool:
    """Whether a component's tag may start on `line` (read_component says whether it does)."""
    return _COMPONENT.match(line) is not None


def read_component(lines: list[str], start: int) -> tuple[list[str] | None, int]:
    """(what an MDX or Vue component's tag opening on line `start` reads as, the index of the
    line it ends on); (None, start) when it is no component's tag."""
    end = _tag_end(lines, start)
    whole = "\n".join(lines[start:end + 1]) if end is not None else ""
    close = _close_of(whole)
    if end is None or close is None or not _is_component(whole[:close + 1], whole[close + 1:]):
        return None, start
    label = clean_label(next((first_group(m) for m in (r.search(whole[:close + 1]) for r in _LABELS) if m), ""))
    replacement = ["", f"**{label}**", ""] if label else [""]
    if whole[close + 1:].strip():  # `<TabItem value="a">text` on one line: the text stays
        replacement.append(whole[close + 1:].strip())
    return replacement, end


def _tag_end(lines: list[str], start: int) -> int | None:
    """The line where the tag opening on `lines[start]` ends (its `>` outside quotes and braces),
    or None when it does not end within _MAX_TAG_LINES lines (then it is no tag). Each line is
    read once."""
    state = (0, "")
    for end in range(start, min(start + _MAX_TAG_LINES, len(lines))):
        at, state = _scan(lines[end] + "\n", state)
        if at is not None:
            return end
    return None


def _is_component(tag: str, after: str) -> bool:
    """Whether `tag` (followed on its line by `after`) is a component's, not `<T>` in prose: it has
    attributes, closes itself or is an end tag (kb/html.py), or stands alone on its line under a
    name longer than a type parameter's (`<Tabs>`, `<ClientOnly>`)."""
    name = re.match(r"</?([\w.]+)", tag.strip())
    if name is None or name.group(1).lower() in KNOWN_TAGS:  # `<TABLE>`, `<A HREF=…>`: HTML, written in capitals
        return False
    if is_component(tag):
        return True
    return not after.strip() and len(name.group(1)) > 1 and re.fullmatch(r"</?[\w.]+\s*>", tag.strip()) is not None


def _close_of(text: str) -> int | None:
    """Where the first tag of `text` closes: its `>` outside quotes and `{…}`, or None."""
    return _scan(text, (0, ""))[0]


def _scan(text: str, state: tuple[int, str]) -> tuple[int | None, tuple[int, str]]:
    """(where in `text` a tag's `>` is, outside quotes and braces, or None; the braces' depth and
    the open quote after `text`), from `state` (the depth and open quote at its start)."""
    depth, quote = state
    for at, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == ">" and depth == 0:
            return at, (depth, quote)
    return None, (depth, quote)
