"""Liquid template tags, as GitBook and Jekyll write them on lines of their own, read as the
Markdown they stand for: `{% tab title="Python" %}` labels the code after it, `{% highlight ruby %}`
opens a code block, an exercise's initial code and solution are code blocks, and the other tags
(`{% hint %}`, `{% endtabs %}`, `{% raw %}`) are markup, left out like an HTML comment. Lines inside
a code block are never touched: a template guide's code shows its tags as written."""

from __future__ import annotations

import re

# A line that is one tag: `{% name arguments %}` (or `{%- … -%}`), indented at most three spaces.
_TAG = re.compile(r"^ {0,3}\{%-?\s*(\w+)(.*?)-?%\}\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_TITLE = re.compile(r"""\btitle\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
# An exercise's pieces (GitBook's exercises): each is a code block of its own, under its name.
_EXERCISE_CODE = {"initial": "Initial code", "solution": "Solution", "validation": "Validation", "context": "Context"}


def read_tags(text: str, origin: list[int] | None = None) -> tuple[str, list[int] | None]:
    """`text` with its tag lines read as Markdown, and for each line the line it comes from
    (through `origin`, the lines of a text with includes expanded). Unchanged when it has no tag."""
    if "{%" not in text:
        return text, origin
    lines = text.split("\n")
    out: list[str] = []
    source: list[int] = []
    fence = ""  # the open code block's fence, as written
    made = False  # whether the open code block is one this reading made
    changed = False
    for number, line in enumerate(lines, 1):
        if fence:
            if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                fence, made = "", False
            elif not made or not _TAG.match(line):
                out.append(line)
                source.append(number)
                continue
        else:
            opened = _FENCE.match(line)
            if opened:
                fence = opened.group(1)
        tag = _TAG.match(line) if not fence or made else None
        # An include a book did not expand (a single file has no book to read it from) stays as written.
        if tag is None or (tag.group(1).lower() == "include" and not made):
            out.append(line)
            source.append(number)
            continue
        changed = True
        name, arguments = tag.group(1).lower(), tag.group(2)
        replacement: list[str] = ["```"] if made else []  # a tag ends the code block it made
        fence, made = "", False
        if name == "highlight":
            language = arguments.split()[0] if arguments.split() else ""
            replacement.append(f"```{language}")
            fence, made = "```", True
        elif name in _EXERCISE_CODE:  # a label of its own paragraph, then its code
            replacement += ["", f"**{_EXERCISE_CODE[name]}**", "```"]
            fence, made = "```", True
        elif name == "exercise":
            replacement += ["", "**Exercise**", ""]
        elif _title(arguments):  # `{% tab title="Python" %}`, `{% code title="main.py" %}`
            replacement += ["", f"**{_title(arguments)}**", ""]
        out += replacement or [""]
        source += [number] * len(replacement or [""])
    if made:
        out.append("```")
        source.append(len(lines))
    if not changed:
        return text, origin
    if origin is not None:
        source = [origin[n - 1] for n in source]
    return "\n".join(out), source


def _title(arguments: str) -> str:
    match = _TITLE.search(arguments)
    if not match:
        return ""
    return " ".join((match.group(1) or match.group(2) or match.group(3) or "").replace("*", "").split())
