"""Raw HTML in a guide turned into Markdown or plain text, never rendered: anchors give their ids,
comments go, tables become Markdown tables (or one labelled part per cell that holds code)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from patternkb.kb.headings import MAX_LABEL

# Element names HTML defines; `<T>` or `<Mutex<T>>` in prose is text, not a tag.
KNOWN_TAGS = frozenset("""
a abbr b big blockquote br caption center cite code col colgroup dd del details dfn div dl dt em
figcaption figure font h1 h2 h3 h4 h5 h6 hr i img input ins kbd label li mark nav nobr ol p picture
pre q s samp section small source span strike strong sub summary sup table tbody td tfoot th thead
tr tt u ul var video wbr
""".split())
_BLOCK_TAGS = frozenset("p div details summary h1 h2 h3 h4 h5 h6 ul ol dl dt dd blockquote pre section "
                        "figure figcaption center nav hr".split())
_TAG = re.compile(r"<!--.*?(?:-->|$)|</?([A-Za-z][A-Za-z0-9-]*)\b[^>]*>", re.S)
_H1_OPEN = re.compile(r"<h1\b[^>]*>", re.IGNORECASE)
_H1_CLOSE = re.compile(r"</h1\s*>", re.IGNORECASE)
_ATTR_ID = re.compile(r"""\b(?:id|name)\s*=\s*["']?([^"'\s>]+)""", re.I)
_ATTR_HREF = re.compile(r"""\bhref\s*=\s*["']?([^"'\s>]+)""", re.I)
# A component's tag (kb/html.py is_component): a name, then a quoted or braced attribute value, or
# `/>`; found without backtracking, so a tag of many attributes reads in linear time.
_COMPONENT_NAME = re.compile(r"<[A-Za-z][\w.-]*(?:\s|/?>)")
_COMPONENT_VALUE = re.compile(r"""\s[\w:.-]+\s*=\s*["'{]""")
_COMPONENT_END = re.compile(r"</[A-Z][\w.]*\s*>")
_COMPONENT_END_NAME = re.compile(r"</([A-Z][\w.]+)\s*>")
_BARE_START = re.compile(r"<([A-Z][\w.]+)\s*>")  # a name longer than a type parameter's
# What a component says it is, for the code it wraps (`<TabItem value="npm" label="npm">`): its
# label, else its value.
COMPONENT_LABELS = ("label", "value")
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")
_EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`", "tt": "`", "kbd": "`",
             "del": "~~", "s": "~~", "strike": "~~"}


def _is_known(tag: str) -> bool:
    match = _TAG.match(tag)
    return bool(match) and (match.group(1) is None or match.group(1).lower() in KNOWN_TAGS)


def is_component(tag: str, closed: frozenset[str] = frozenset()) -> bool:
    """Whether a tag HTML does not define is a component of MDX or Vue (`<TabItem value="npm">`,
    `<Badge text="beta" />`, `</TabItem>`): it has a quoted or braced attribute, closes itself, is
    a capitalised end tag, or a bare start tag whose end tag the text has (`closed`, the names of
    component_ends: `<Badge>beta</Badge>`). `<T>`, `<Mutex<T>>` or `<T = u32>` in prose is none."""
    tag = tag.strip()
    if _COMPONENT_END.fullmatch(tag):
        return True
    bare = _BARE_START.fullmatch(tag)
    if bare and bare.group(1) in closed:
        return True
    if not tag.endswith(">") or not _COMPONENT_NAME.match(tag):
        return False
    return tag.endswith("/>") or _COMPONENT_VALUE.search(tag) is not None


def component_ends(text: str) -> frozenset[str]:
    """The names of the components whose end tags `text` has (`</Badge>`)."""
    return frozenset(m.group(1) for m in _COMPONENT_END_NAME.finditer(text)) if "</" in text else frozenset()


def anchors(fragment: str) -> list[str]:
    """Ids that HTML anchors in `fragment` give (`<a id="x">`, `<a name="x">`, `<h2 id="x">`)."""
    return [m.group(1) for tag in _TAG.finditer(fragment) if tag.group(1) and tag.group(1).lower() in KNOWN_TAGS
            for m in [_ATTR_ID.search(tag.group(0))] if m]


def hrefs(fragment: str) -> list[str]:
    return [m.group(1) for tag in _TAG.finditer(fragment) if (tag.group(1) or "").lower() == "a"
            for m in [_ATTR_HREF.search(tag.group(0))] if m]


def html_title(fragment: str) -> str | None:
    """The text of the first `<h1>` in an HTML fragment, tags and entities removed. Only the first
    `<h1` is looked at, and its end searched once: a fragment of unclosed `<h1>`s stays linear."""
    start = _H1_OPEN.search(fragment)
    if not start:
        return None
    end = _H1_CLOSE.search(fragment, start.end())
    if not end:
        return None
    text = Converter().feed(fragment[start.end():end.start()]).text
    return text or None


def inline_text(fragment: str, closed: frozenset[str] = frozenset()) -> str:
    """Plain text of an inline HTML token: nothing for a known tag (a space for `<br>`) or a
    component's (`closed`: see is_component), the token itself for anything else (`<T>` in prose)."""
    if not _is_known(fragment):
        return "" if is_component(fragment, closed) else fragment
    match = _TAG.match(fragment)
    return " " if match and (match.group(1) or "").lower() == "br" else ""


def _replace_tags(text: str, in_table: bool) -> str:
    closed = component_ends(text)

    def one(match: re.Match) -> str:
        name = (match.group(1) or "").lower()
        whole = match.group(0)
        if whole.startswith("<!--"):
            return ""
        if name not in KNOWN_TAGS:
            return "" if is_component(whole, closed) else whole
        if name == "br":
            return " " if in_table else "\\\n"
        if name in _EMPHASIS:
            return _EMPHASIS[name]
        return ""
    return _TAG.sub(one, text)


def clean_markdown(markdown: str) -> str:
    """Markdown with its inline HTML turned into Markdown: code spans and fences untouched."""
    out: list[str] = []
    in_fence: str | None = None
    for line in markdown.split("\n"):
        fence = _FENCE.match(line)
        if in_fence:
            out.append(line)
            if fence and fence.group(1)[0] == in_fence[0] and len(fence.group(1)) >= len(in_fence):
                in_fence = None
            continue
        if fence:
            in_fence = fence.group(1)
            out.append(line)
            continue
        pieces, last = [], 0
        for span in _CODE_SPAN.finditer(line):
            pieces.append(_replace_tags(line[last:span.start()], line.lstrip().startswith("|")))
            pieces.append(span.group(0))
            last = span.end()
        pieces.append(_replace_tags(line[last:], line.lstrip().startswith("|")))
        cleaned = "".join(pieces)
        if cleaned.strip() or not line.strip():
            out.append(cleaned.rstrip() if cleaned.strip() else "")
    return "\n".join(out).strip("\n")


@dataclass
class Converted:
    markdown: str
    text: str
    anchors: list[str] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)


@dataclass
class _Table:
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    cell: list[str] | None = None  # text of the open cell
    column: int = -1
    header_row: bool = False
    split: bool = False  # a cell spans blocks (it holds code): one labelled part per cell
    # What an earlier cell of the open row leads with ("**Bad**: Log the error and return it"), as
    # (label, the words after it): the code in a later cell of that row is that.
    row_lead: tuple[str, str] | None = None


class Converter(HTMLParser):
    """Fed a document's HTML blocks in order; a table may span several blocks (its cells hold
    fenced code), so the state carries from one block to the next."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._out: list[str] = []
        self._text: list[str] = []
        self._anchors: list[str] = []
        self._hrefs: list[str] = []
        self._tables: list[_Table] = []
        self._link: list[str | None] = []
        self._components: set[str] = set()  # the MDX or Vue components met so far, whose end tags go too
        self._closed: frozenset[str] = frozenset()  # the components whose end tags the text fed has

    def end_tables(self) -> None:
        """Forget tables left open: an unclosed `<table>` must not swallow what follows a heading."""
        self._tables.clear()

    def in_cell(self) -> bool:
        """Whether what is read now sits in a table cell that spans blocks."""
        return bool(self._tables) and self._tables[-1].cell is not None

    def cell_label(self) -> str:
        """The column header of the table cell a fence sits in, when it sits in one."""
        table = self._tables[-1] if self._tables else None
        if table is None or table.cell is None:
            return ""
        if 0 <= table.column < len(table.headers):
            return table.headers[table.column]
        return f"Column {table.column + 1}"

    def code_label(self) -> tuple[str, str]:
        """What the code in the open cell is, as (label, caption): what an earlier cell of its row
        leads with in bold ("Bad", "Log the error and return it"), else its column's header."""
        table = self._tables[-1] if self._tables else None
        if table is not None and table.cell is not None and table.row_lead is not None:
            return table.row_lead
        return self.cell_label(), ""

    def lead_row(self, label: str, rest: str) -> None:
        """Note that the open cell leads with bold `label` followed by `rest` (read as Markdown)."""
        if self.in_cell() and self._tables[-1].row_lead is None:
            self._tables[-1].row_lead = (label, rest)

    def feed(self, data: str) -> Converted:  # type: ignore[override]
        self._out, self._text, self._anchors, self._hrefs = [], [], [], []
        self._closed = component_ends(data)
        super().feed(data)
        table = self._tables[-1] if self._tables else None
        if table is not None and table.cell is not None:
            # The block ends inside a cell: the Markdown that follows (code) is that cell's part.
            table.split = True
            label = self.cell_label()
            own = " ".join(" ".join(table.cell).split())
            self._out.append(f"\n\n**{label}**\n\n" + (own + "\n\n" if own else ""))
            self._text.append(f" {label} {own} ")
            table.cell = []
        markdown = re.sub(r"\n{3,}", "\n\n", "".join(self._out)).strip()
        markdown = "\n".join(line.rstrip() for line in markdown.split("\n"))
        text = " ".join("".join(self._text).split())
        return Converted(markdown=markdown, text=text, anchors=self._anchors, hrefs=self._hrefs)

    def _emit(self, markdown: str, text: str | None = None) -> None:
        table = self._tables[-1] if self._tables else None
        if table is not None and table.cell is not None:
            table.cell.append(text if text is not None else markdown)
            return
        if table is not None and not markdown.strip():
            return  # the whitespace between a table's cells
        self._out.append(markdown)
        self._text.append(text if text is not None else markdown)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in KNOWN_TAGS:
            written = self.get_starttag_text() or ""
            if not is_component(written, self._closed):
                self._emit(written)  # `<T>` in prose
                return
            self._components.add(tag)
            values = dict(attrs)
            label = next((values[key] for key in COMPONENT_LABELS if values.get(key)), "")
            if label and len(label) <= MAX_LABEL:  # a tab's name labels the code in it
                self._emit(f"\n\n**{label}**\n\n", f" {label} ")
            return
        values = dict(attrs)
        ident = values.get("id") or (values.get("name") if tag == "a" else None)
        if ident:
            self._anchors.append(ident)
        if tag == "table":
            self._tables.append(_Table())
        elif tag in ("tr",) and self._tables:
            self._tables[-1].column = -1
            self._tables[-1].header_row = False
            self._tables[-1].row_lead = None
        elif tag in ("td", "th") and self._tables:
            table = self._tables[-1]
            table.column += 1
            table.cell = []
            table.header_row = tag == "th"
        elif tag == "a":
            href = values.get("href")
            self._link.append(href)
            if href:
                self._hrefs.append(href)
                self._emit("[", "")
        elif tag == "br":
            self._emit("\\\n", " ")
        elif tag == "li":
            self._emit("\n- ", " ")
        elif tag in _EMPHASIS:
            self._emit(_EMPHASIS[tag], "")
        elif tag == "summary":
            self._emit("\n\n**", " ")
        elif tag in _BLOCK_TAGS:
            self._emit("\n\n", " ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "a":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._components:
            return
        if tag not in KNOWN_TAGS:
            self._emit(f"</{tag}>")
        elif tag in ("td", "th") and self._tables and self._tables[-1].cell is not None:
            table = self._tables[-1]
            cell = " ".join("".join(table.cell).split())
            table.cell = None
            if table.header_row:
                table.headers.append(cell)
            elif table.split:
                if cell:
                    self._out.append(f"\n\n{cell}\n\n")
                    self._text.append(f" {cell} ")
            else:
                if not table.rows or table.column == 0:
                    table.rows.append([])
                table.rows[-1].append(cell.replace("|", "\\|"))
        elif tag == "table" and self._tables:
            table = self._tables.pop()
            if not table.split and (table.rows or table.headers):
                self._emit(_markdown_table(table), " ".join([*table.headers, *(c for r in table.rows for c in r)]))
        elif tag == "a" and self._link:
            href = self._link.pop()
            if href:
                self._emit(f"]({href})", "")
        elif tag in _EMPHASIS:
            self._emit(_EMPHASIS[tag], "")
        elif tag == "summary":
            self._emit("**\n\n", " ")
        elif tag in _BLOCK_TAGS:
            self._emit("\n\n", " ")

    def handle_data(self, data: str) -> None:
        self._emit(data)

    def handle_comment(self, data: str) -> None:
        pass  # comments are the author's notes to themselves


def _markdown_table(table: _Table) -> str:
    width = max([len(table.headers), *(len(r) for r in table.rows)])
    headers = table.headers or (table.rows.pop(0) if table.rows else [])
    headers = headers + [""] * (width - len(headers))
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in table.rows]
    return "\n\n" + "\n".join(lines) + "\n\n"
