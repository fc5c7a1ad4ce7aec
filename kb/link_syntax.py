"""Links written in a documentation tool's syntax, read as CommonMark links or text before the
guide is parsed (for kb/directives.py):

- wiki links (Obsidian, Foam, GitHub's wikis): `[[Page]]`, `[[Page#Heading]]`, `[[Page|shown]]`
  and GitHub's `[[shown|Page]]` become links to `wiki:Page|shown#Heading`, which kb/links.py
  resolves to the page a name names (trying both sides of the `|`); an embed (`![[picture.png]]`)
  and an index into something (`df[[0]]`) stay as they are;
- cross-references to an API's items (mkdocstrings' autorefs, rustdoc's intra-doc links):
  `[`create_model()`][pydantic.create_model]`, `[Vec][std::vec::Vec]`, whose label names an item
  of code that no link definition of the guide defines, are their text: a reader saw
  "[`create_model()`][pydantic.create_model]" where the site shows `create_model()`;
- MyST's (Sphinx's) roles: `{doc}`the server <../usage/server>`` is a link to that page,
  `{ref}`Installing <install>`` its words, `{py:func}`~pkg.run`` code (`run`): a reader saw
  "{doc}the server <../usage/server>" set as code.

Text in a code span stays as it is.
"""

from __future__ import annotations

import bisect
import re

_WIKI_LINK = re.compile(r"(?<![\w\])!])\[\[([^\[\]|#\n]*)(?:#([^\[\]|\n]*))?(?:\|([^\[\]\n]*))?\]\]")
_TICKS = re.compile(r"`+")
# `[text][a.b.c]` or `[text][a::b]`, and `[a.b.c][]`: a label that is a dotted (or `::`) path; not
# an index into something (`rows[0][self.key]`, `matrix[i][np.newaxis]`).
_ITEM_REFERENCE = re.compile(r"(?<![\w\])])\[((?:[^\[\]`]|`[^`]*`)+)\]\[((?:[A-Za-z_][\w]*)(?:(?:\.|::)[\w]+)+\(?\)?)?\]")
_FILE_SUFFIXES = frozenset("md markdown html htm txt png jpg jpeg gif svg pdf".split())
# {role}`content`: a role's name (`doc`, `ref`, `py:func`) and the code span it applies to.
_ROLE = re.compile(r"(?<![\w`{])\{([a-z][\w+.-]*(?::[\w+.-]+)*)\}`([^`\n]+)`")
_URL_UNSAFE = re.compile(r"[\s()<>]")  # written %XX in a link's destination
_MARKDOWN_MARKS = re.compile(r"([\\`*_\[\]<>#|~])")


def _escaped(text: str) -> str:
    """Text shown as written, none of it read as Markdown (`*args` is no emphasis)."""
    return _MARKDOWN_MARKS.sub(r"\\\1", text)


# Roles whose content is a reader's words (a cross-reference's title, an abbreviation, a key);
# any other role (`py:func`, `code`, `file`, `envvar`) marks code.
_WORD_ROLES = frozenset("""ref numref term any eq cite abbr sub sup math guilabel menuselection kbd
download keyword token""".split())
# Roles naming a numbered document, shown and linked as Sphinx does: {pep}`508` is "PEP 508".
_NUMBERED_ROLES = {"pep": ("PEP", "https://peps.python.org/pep-{:04d}/"),
                   "rfc": ("RFC", "https://datatracker.ietf.org/doc/html/rfc{:d}.html")}
_DEFINITION = re.compile(r"^ {0,3}\[([^\[\]\n]{1,999})\]:", re.M)  # CommonMark: a label of 999 at most


def code_spans(line: str) -> list[tuple[int, int]]:
    """Where the line's code spans are, (start, end) in order, as CommonMark finds them: a run of
    backticks up to the next run of the same length (a run with none is text). Linear: a line
    of a thousand backticks took a regex minutes."""
    runs = [(tick.start(), tick.end()) for tick in _TICKS.finditer(line)]
    closing: dict[int, int] = {}  # a run's index -> the index of the next run of its length
    nearest: dict[int, int] = {}  # a length -> the index of the nearest run of it to the right
    for i in range(len(runs) - 1, -1, -1):
        length = runs[i][1] - runs[i][0]
        if length in nearest:
            closing[i] = nearest[length]
        nearest[length] = i
    spans, i = [], 0
    while i < len(runs):
        j = closing.get(i)
        if j is None:
            i += 1
            continue
        spans.append((runs[i][0], runs[j][1]))
        i = j + 1
    return spans


def in_code(spans: list[tuple[int, int]], position: int) -> bool:
    k = bisect.bisect_right(spans, (position, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= position < spans[k][1]


def defined_labels(text: str) -> frozenset[str]:
    """The labels a text's link definitions define (`[label]: url`), as CommonMark matches them."""
    return frozenset(" ".join(label.lower().split()) for label in _DEFINITION.findall(text))


def item_references(line: str, defined: frozenset[str]) -> str:
    """The line with its references to an API's items that nothing defines written as their text,
    but in code spans."""
    spans = code_spans(line)

    def text(found: re.Match) -> str:
        label = found.group(2) or found.group(1).strip("`")
        # A collapsed reference's label is its text as written, code marks and all (`[`x`][]`).
        as_written = found.group(2) or found.group(1)
        if in_code(spans, found.start()) or {" ".join(n.lower().split()) for n in (label, as_written)} & defined:
            return found.group(0)
        if label.rsplit(".", 1)[-1].lower() in _FILE_SUFFIXES:
            return found.group(0)  # `[a page][guide.md]`: a file, not an item of code
        if found.group(2) is None and not re.fullmatch(r"[A-Za-z_]\w*(?:(?:\.|::)\w+)+(?:\(\))?", label):
            return found.group(0)  # `[some words][]`: a reference of the guide's own
        return found.group(1)

    return _ITEM_REFERENCE.sub(text, line)


# A footnote (GitHub, PyMdown, Pandoc): its reference `[^1]` and its definition `[^1]: text`,
# which CommonMark would read as a link definition (the note's words lost) and a link to it.
_FOOTNOTE_DEFINITION = re.compile(r"^( {0,3})\[\^([^\]\s]+)\]:[ \t]?")
_FOOTNOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def footnotes(line: str) -> str:
    """The line with its footnotes written as text, as a page without them shows them: `[1]` where
    it is referred to, `[1]: the note` where it is defined; but in code spans."""
    line = _FOOTNOTE_DEFINITION.sub(lambda m: f"{m.group(1)}\\[{m.group(2)}\\]: ", line)
    spans = code_spans(line)
    return _FOOTNOTE_REFERENCE.sub(lambda m: m.group(0) if in_code(spans, m.start()) else f"\\[{m.group(1)}\\]",
                                   line)


def roles(line: str) -> str:
    """The line with its MyST roles written as CommonMark: `{doc}` a link to the page it names,
    a role of words its title (or its text), any other its title as code; but in code spans."""
    spans = code_spans(line)

    def plain(found: re.Match) -> str:
        if in_code(spans, found.start()):
            return found.group(0)
        name, content = found.group(1), found.group(2).strip()
        title, target = "", content
        if content.endswith(">") and "<" in content:  # "the title <target>"
            at = content.rfind("<")
            title, target = content[:at].strip(), content[at + 1:-1].strip()
        if name == "doc":
            # Sphinx shows the page's title; its file's name in words is the nearest known here.
            shown = title or " ".join(target.rsplit("/", 1)[-1].replace("_", " ").replace("-", " ").split())
            return f"[{_escaped(shown)}]({_URL_UNSAFE.sub(lambda c: f'%{ord(c.group()):02X}', target)}.md)"
        numbered = _NUMBERED_ROLES.get(name.split(":")[-1])
        if numbered is not None:
            number, _, _ = target.partition("#")
            shown = _escaped(title or f"{numbered[0]} {number}")
            return f"[{shown}]({numbered[1].format(int(number))})" if number.isascii() and number.isdigit() else shown
        if name.split(":")[-1] in _WORD_ROLES or name in _WORD_ROLES:
            return _escaped(title or target)
        # `~pkg.mod.run` shows `run`, `!name` is not linked: the name as Sphinx shows it.
        shown = title or (target[1:].rsplit(".", 1)[-1] if target.startswith("~") else target.lstrip("!"))
        return f"`{shown}`" if "`" not in shown else shown

    return _ROLE.sub(plain, line)


def wiki_links(line: str, *, page_last: bool = False) -> str:
    """The line with its wiki links written as Markdown links, but in code spans. `page_last`: as
    GitHub's wikis write them, `[[shown|Page]]` (else as Obsidian does, `[[Page|shown]]`)."""
    spans = code_spans(line)

    def link(found: re.Match) -> str:
        if in_code(spans, found.start()):
            return found.group(0)
        page, heading, shown = (part.strip() if part else "" for part in found.groups())
        if page_last and shown:
            page, shown = shown, page
        if not page and not heading:
            return found.group(0)
        # Obsidian writes [[Page|shown]], GitHub's wikis [[shown|Page]]: the link names both, and
        # kb/links.py takes the one that names a page.
        alternative = f"|{shown.replace('#', '%23')}" if shown and page else ""  # [[#Heading|shown]]: this page
        target = page + alternative + (f"#{heading}" if heading else "")
        words = shown or (f"{page} › {heading}" if page and heading else page or heading)
        return f"[{words}](<wiki:{target.replace('<', '%3C').replace('>', '%3E')}>)"

    return _WIKI_LINK.sub(link, line)
