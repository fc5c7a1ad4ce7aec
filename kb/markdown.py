"""Markdown to a flat list of top-level blocks (headings, prose, lists, code, tables, HTML) with line
numbers, from markdown-it-py's token stream, parsed once per document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.rules_core import block as _block_rule
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token

from patternkb.kb import html
from patternkb.kb.cuts import CHUNK_LINES, FENCE_LINE, segments
from patternkb.kb.headings import MAX_LABEL, github_anchor
from patternkb.kb.front_matter import front_matter_end, open_front_matter_end
from patternkb.kb.info_string import fence_inside, info_label, info_language
from patternkb.kb.link_syntax import code_spans, in_code
from patternkb.kb.rules import first_sentence, rule_number_and_name

# CommonMark with tables. Raw HTML is recognised so that it can be turned into Markdown or text
# (kb/html.py); it is never rendered.
_md = MarkdownIt("commonmark", {"html": True}).enable("table")
_KINDS = {
    "heading_open": "heading", "paragraph_open": "paragraph", "bullet_list_open": "list",
    "ordered_list_open": "list", "fence": "fence", "code_block": "fence", "table_open": "table",
    "html_block": "html", "blockquote_open": "quote", "hr": "rule",
}
# Front matter: `key: value` lines, list items and indented continuations, at most this long.
_ALERT = re.compile(r"\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.IGNORECASE)
# The bold words that lead a list item: "[1.1](#x) **Constants**: use const".
_BOLD_LEAD = re.compile(r"^(?:\[[^\]]*\]\([^)]*\)\s*)?\*\*(?=\S)(.+?)(?<=\S)\*\*")  # may hold `*` in code
# A paragraph that leads with a short bold label and says more after it: "**Bad**: Log the error".
_CELL_LEAD = re.compile(rf"^\*\*([^*\n]{{1,{MAX_LABEL}}}?):?\*\*:?[ \t]*([^\n]*)")
# A paragraph that is a bold label and nothing else: "**Python 3.9 and above**".
_LABEL_ALONE = re.compile(rf"^\*\*([^*\n]{{1,{MAX_LABEL}}}?):?\*\*:?\s*$")


@dataclass
class Fence:
    language: str
    code: str
    line_start: int  # 1-based line of the opening fence
    line_end: int  # 1-based line of the closing fence (or the last line when it never closes)
    closed: bool
    label: str = ""  # the column header of the HTML table cell the fence sits in ("Bad", "Good")
    caption: str = ""  # the bold lead of the list item the fence sits in ("**Constants**: ..."), or its rule's name


@dataclass
class Link:
    href: str
    line: int
    words: str = ""  # what a Markdown link shows, when it shows words (not a picture)


@dataclass
class ListItem:
    line: int
    markdown: str  # the item's inline Markdown
    text: str  # plain text
    depth: int = 1  # 1 for the list's own items, 2 for items nested in them, ...
    links: list[Link] = field(default_factory=list)


@dataclass
class Block:
    kind: str  # heading, paragraph, list, fence, table, html, quote, rule, other
    line_start: int
    line_end: int
    markdown: str  # the block as Markdown: its source lines, with HTML turned into Markdown
    level: int = 0  # heading level
    inline: str = ""  # inline Markdown of a heading or paragraph
    text: str = ""  # plain text of the whole block
    fences: list[Fence] = field(default_factory=list)
    items: list[ListItem] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # ids of HTML anchors in the block
    has_html: bool = False


@dataclass
class Document:
    """One file's blocks, its link definitions and the fences that never close."""

    blocks: list[Block]
    references: dict[str, str]  # normalised label -> the definition's source line
    unclosed: list[int]  # 1-based lines of fences that never close
    # (1-based line, label) of each `[words][label]` or `[words][]` no definition gives: text
    undefined: list[tuple[int, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the text's lines, as the blocks' line numbers count them
    open_front_matter: bool = False  # a front matter with no closing `---`, read to its first blank line or heading


def plain_text(inline: Token | None, *, badges: bool = True) -> str:
    """The words of inline Markdown. Without `badges` (a heading's title), a picture before or
    after the words says nothing (`### memoize ![advanced](tag.svg)`, a README's
    `[![Awesome](badge.svg)](url)`), as GitHub reads a heading for its anchor; one between words
    is a word, and a heading of nothing but pictures is their words. A picture of a symbol
    (`## ![✔] 1.1 Rule`) stays: it is the heading's icon (headings.split_icon)."""
    if inline is None or not inline.children:
        return inline.content if inline is not None else ""
    parts: list[tuple[str, bool]] = []  # (words, whether a picture's)
    closed = html.component_ends("".join(c.content for c in inline.children if c.type == "html_inline"))
    for child in inline.children:
        if child.type in ("text", "code_inline"):
            parts.append((child.content, False))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append((" ", False))
        elif child.type == "image":
            symbol = not any(ch.isalnum() for ch in child.content)
            parts.append((child.content, not (badges or symbol)))
        elif child.type == "html_inline":
            parts.append((html.inline_text(child.content, closed), False))
    worded = [n for n, (text, picture) in enumerate(parts) if not picture and any(ch.isalnum() for ch in text)]
    if not worded:  # nothing but pictures (and marks): their words
        return "".join(text for text, _ in parts)

    def apart(n: int) -> bool:
        """Whether the picture at `n`, before or after the words, stands apart from them: one
        written against them (`![Go](go.svg): install`) is a word of theirs."""
        after = next((text for text, picture in parts[n + 1:] if not picture), "")
        before = next((text for text, picture in reversed(parts[:n]) if not picture), "")
        return (after[:1].isspace() or not after) if n < worded[0] else (before[-1:].isspace() or not before)

    return "".join(text for n, (text, picture) in enumerate(parts)
                   if not picture or worded[0] < n < worded[-1] or not apart(n))


def lead_caption(item_markdown: str, lead: re.Match) -> str:
    """What an item's bold lead says of the code in the item: the bold words when they are a label
    ("**Constants**: ...", "**Example**"), else the sentence they start ("**Always use** `===`
    instead of `==`.")."""
    label = plain_text_of(lead.group(1)).rstrip(".")
    after = item_markdown[lead.end():].lstrip(" ")
    if lead.group(1).rstrip()[-1:] in (":", ".", "!", "?") or not after or after[0] in ":\n-–—(":
        return label
    return first_sentence(item_markdown[lead.start(1) - 2:]) or label


def plain_text_of(inline_markdown: str) -> str:
    return inline_markdown.replace("`", "").strip().rstrip(":").strip()


def parse_document(text: str, chunk_lines: int | None = None) -> Document:
    """Blocks of a whole document; each part between cuts (see kb/cuts.py) is block-parsed on
    its own, and the inline parse runs over all parts with one set of link definitions, so a
    link may use a definition from anywhere in the file."""
    lines = text.split("\n")
    blocks: list[Block] = []
    first = front_matter_end(lines)
    open_front_matter = not first and bool(first := open_front_matter_end(lines))
    if first:
        blocks.append(Block(kind="front-matter", line_start=1, line_end=first,
                            markdown="\n".join(lines[:first]), text=""))
        blocks += _described(lines[:first])
    cuts, unclosed, sized = segments(lines, chunk_lines or CHUNK_LINES)
    cuts = [c for c in cuts if c > first]
    references: dict[str, str] = {}
    bounds = [first, *cuts, len(lines)]
    env: dict = {}
    rules = _md.core.ruler.getRules("")
    split = rules.index(_block_rule) + 1
    parts: list[tuple[int, list[Token]]] = []
    seen = 0
    for start, end in zip(bounds, bounds[1:]):
        # A part cut for length ends with the blank line before its cut, as in the whole text:
        # markdown-it counts the blank lines a list or quote ends with into its lines.
        state = StateCore("\n".join(lines[start:end]) + ("\n" if end in sized else ""), _md, env)
        for rule in rules[:split]:  # normalize, block
            rule(state)
        defined = list(env.get("references", {}).items())
        for label, ref in defined[seen:]:  # this part's own: markdown-it keeps a label's first definition
            span = ref.get("map")
            if span:
                references[label] = "\n".join(lines[start + span[0]:start + span[1]])
        seen = len(defined)
        parts.append((start, state.tokens))
    converter = html.Converter()
    undefined: list[tuple[int, str]] = []
    for n, (start, tokens) in enumerate(parts):
        state = StateCore("", _md, env, tokens)
        for rule in rules[split:]:  # inline, text_join
            rule(state)
        undefined += _undefined_references(tokens, start, env.get("references", {}))
        blocks.extend(_blocks(tokens, lines, start, converter))
        parts[n] = (start, [])  # its tokens are blocks now
    return Document(blocks=blocks, references=references, unclosed=unclosed, lines=lines, undefined=undefined,
                    open_front_matter=open_front_matter)


# `[words][label]` or `[words][]`: a full or collapsed reference link; not an index after a name
# (`matrix[i][j]`) nor escaped.
_FULL_REFERENCE = re.compile(r"(?<![\w\\\]])\[([^\[\]\n]+)\]\[([^\[\]\n]*)\]")


def _undefined_references(tokens: list[Token], offset: int, defined: dict) -> list[tuple[int, str]]:
    """(line, label) of each full or collapsed reference link whose label the file does not
    define (markdown-it leaves it as text), code spans aside."""
    found = []
    for token in tokens:
        if token.type == "inline" and token.map and "][" in token.content:
            content = token.content
            spans = code_spans(content)
            line, counted = token.map[0] + offset + 1, 0
            for m in _FULL_REFERENCE.finditer(content):
                label = m.group(2) or m.group(1)
                if in_code(spans, m.start()) or normalizeReference(label) in defined:
                    continue
                line += content.count("\n", counted, m.start())
                counted = m.start()
                found.append((line, label))
    return found


def remap_lines(document: Document, origin: list[int]) -> None:
    """Give every line number of `document` as `origin` maps it (expanded line -> line of the file)."""
    def at(line: int) -> int:
        return origin[min(max(line, 1), len(origin)) - 1]

    for block in document.blocks:
        block.line_start, block.line_end = at(block.line_start), at(block.line_end)
        for fence in block.fences:
            fence.line_start, fence.line_end = at(fence.line_start), at(fence.line_end)
        for item in block.items:
            item.line = at(item.line)
        for link in block.links:
            link.line = at(link.line)
    document.unclosed = [at(line) for line in document.unclosed]
    document.undefined = [(at(line), label) for line, label in document.undefined]


def _described(front_matter: list[str]) -> list[Block]:
    """A front matter's one-line `description:` as the paragraph that opens the page: a docs
    site shows it under the page's title (a linter's rule: "Disallow unused variables.")."""
    for n, line in enumerate(front_matter, 1):
        key, colon, value = line.partition(":")
        if key != "description" or not colon:
            continue
        words = value.strip()
        if len(words) > 1 and words[0] in "\"'" and words[-1] == words[0]:
            words = words[1:-1].strip()
        if words and words[0] not in ">|\"'":  # a block scalar's lines are not read
            return [Block(kind="paragraph", line_start=n, line_end=n, markdown=words, inline=words, text=words)]
    return []


def front_matter_title(block: Block) -> str | None:
    match = re.search(r"^title:\s*[\"']?(.+?)[\"']?\s*$", block.markdown, re.MULTILINE)
    return match.group(1) if match else None


def parse_blocks(text: str) -> list[Block]:
    return parse_document(text).blocks


def rendered_href(href: str) -> str:
    """The href markdown-it gives a link's token (percent-encoded), as a reader of an entry's
    Markdown sees it: a link written in HTML is read raw, and becomes Markdown in the entry."""
    return _md.normalizeLink(href)


def _links(inline: Token, line: int) -> list[Link]:
    links = []
    words: list[str] | None = None  # of the link open, None when a picture is in it
    for child in inline.children or []:
        if child.type == "link_open":
            href = child.attrGet("href")
            if isinstance(href, str):
                links.append(Link(href, line))
                words = []
        elif child.type == "link_close" and links:
            links[-1].words = "".join(words or [])
            words = None
        elif child.type in ("text", "code_inline") and words is not None:
            words.append(f"`{child.content}`" if child.type == "code_inline" else child.content)
        elif child.type == "image":
            words = None
        elif child.type == "html_inline":
            links.extend(Link(href, line) for href in html.hrefs(child.content))
    return links


def _blocks(tokens: list[Token], lines: list[str], offset: int, converter: html.Converter) -> list[Block]:
    blocks: list[Block] = []
    current: Block | None = None
    depth = 0
    item_depth = 0
    text_parts: list[str] = []
    captions: list[str] = []  # per open list item, its bold lead
    item_labels: list[str] = []  # per open list item, the label of the code its next fence holds
    for i, token in enumerate(tokens):
        if depth == 0 and token.map is not None and token.nesting >= 0:
            start, end = token.map[0] + offset, token.map[1] + offset
            kind = _KINDS.get(token.type, "other")
            current = Block(kind=kind, line_start=start + 1, line_end=max(end, start + 1),
                            markdown="\n".join(lines[start:end]))
            if kind == "heading":
                current.level = int(token.tag[1])
                converter.end_tables()
            blocks.append(current)
            text_parts = []
        if current is None:
            continue
        line = (token.map[0] + offset + 1) if token.map else current.line_start
        if token.type in ("fence", "code_block"):
            label, row_caption = converter.code_label()
            fence = _fence(token, lines, offset, label)
            fence.caption = next((c for c in reversed(captions) if c), "") or row_caption
            if item_labels and item_labels[-1]:
                fence.label, item_labels[-1] = fence.label or item_labels[-1], ""
            current.fences.append(fence)
        elif token.type == "html_block":
            current.has_html = True
            converted = converter.feed(token.content)
            current.anchors += converted.anchors
            current.links += [Link(href, line) for href in converted.hrefs]
            if current.kind == "html":
                current.markdown, current.text = converted.markdown, converted.text
            else:
                text_parts.append(converted.text)
        elif token.type == "list_item_open":
            item_depth += 1
            captions.append("")
            item_labels.append("")
        elif token.type == "list_item_close":
            item_depth -= 1
            captions.pop()
            item_labels.pop()
        elif token.type == "inline":
            plain = plain_text(token, badges=current.kind != "heading")
            text_parts.append(plain)
            if current.kind != "heading" and tokens[i - 1].type == "heading_open":
                # A heading in a quote or a list item: mdBook and GitHub give it an anchor too.
                current.anchors.append(github_anchor(plain))
            links = _links(token, line)
            if any(c.type == "html_inline" for c in token.children or []):
                current.has_html = True
                current.anchors += [a for c in token.children or [] if c.type == "html_inline"
                                    for a in html.anchors(c.content)]
            if current.kind in ("heading", "paragraph") and not current.inline:
                current.inline = token.content
                lead = _CELL_LEAD.match(token.content) if current.kind == "paragraph" else None
                if lead and converter.in_cell():  # "**Bad**: Log the error" in a table cell labels its row's code
                    converter.lead_row(plain_text_of(lead.group(1)), plain_text_of(lead.group(2)))
            if current.kind == "list" and tokens[i - 1].type == "paragraph_open" \
                    and tokens[i - 2].type == "list_item_open":
                current.items.append(ListItem(line=line, markdown=token.content, text=plain, depth=item_depth,
                                              links=links))
                lead = _BOLD_LEAD.search(token.content)
                rule = rule_number_and_name(token.content)
                if captions and (lead or rule):  # the item's bold lead, or the rule it states
                    captions[-1] = lead_caption(token.content, lead) if lead else rule[1]
            elif current.kind == "list" and item_labels and tokens[i - 1].type == "paragraph_open":
                # "**Python 3.9+**" alone above a tab's code in a list item labels that code.
                label = _LABEL_ALONE.match(token.content)
                item_labels[-1] = plain_text_of(label.group(1)) if label else ""
            current.links += links
        depth += token.nesting
        if depth == 0:
            if current.kind != "html":
                current.text = " ".join(p for p in text_parts if p)
            if current.kind == "quote":
                # GitHub's alerts ("> [!NOTE]") read as words.
                current.text = _ALERT.sub(lambda m: m.group(1).capitalize() + ": ", current.text)
            if current.has_html and current.kind not in ("html", "fence"):
                current.markdown = html.clean_markdown(current.markdown)
                current.inline = html.clean_markdown(current.inline)
    return blocks


def _fence(token: Token, lines: list[str], offset: int, label: str) -> Fence:
    start, end = token.map[0] + offset, token.map[1] + offset  # type: ignore[index]
    if token.type == "code_block":
        fenced = fence_inside(token.content)
        if fenced is not None:  # a fence typed four spaces in, outside a list: its code, in its language
            return Fence(language=info_language(fenced[0]), code=fenced[1], line_start=start + 1, line_end=end,
                         closed=True, label=label or info_label(fenced[0]))
        return Fence(language="", code=token.content, line_start=start + 1, line_end=end, closed=True, label=label)
    last = FENCE_LINE.match(lines[end - 1]) if end - 1 < len(lines) else None
    closed = end - start >= 2 and last is not None and last.group(1)[0] == token.markup[0] \
        and not last.group(2).strip()
    return Fence(language=info_language(token.info), code=token.content, line_start=start + 1, line_end=end,
                 closed=closed, label=label or info_label(token.info))
