"""Markdown to a flat list of top-level blocks (headings, prose, lists, code) with line numbers,
from markdown-it-py's token stream."""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

# CommonMark with tables; raw HTML is kept as text and never interpreted downstream.
_md = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass
class Fence:
    language: str
    code: str
    line_start: int  # 1-based line of the opening fence
    line_end: int  # 1-based line of the closing fence (or the last line when it never closes)
    closed: bool


@dataclass
class ListItem:
    line: int
    markdown: str  # the item's inline Markdown
    text: str  # plain text


@dataclass
class Block:
    kind: str  # heading, paragraph, list, fence, other
    line_start: int
    line_end: int
    markdown: str  # the source lines of the block
    level: int = 0  # heading level
    inline: str = ""  # inline Markdown of a heading or paragraph
    text: str = ""  # plain text of the whole block
    fences: list[Fence] = field(default_factory=list)
    items: list[ListItem] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def plain_text(inline: Token | None) -> str:
    if inline is None or not inline.children:
        return inline.content if inline is not None else ""
    parts: list[str] = []
    for child in inline.children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def _fence(token: Token, lines: list[str]) -> Fence:
    start, end = token.map  # type: ignore[misc]
    last = lines[end - 1].strip() if end - 1 < len(lines) else ""
    closed = end - start >= 2 and last.startswith(token.markup) and set(last) <= set(token.markup[0])
    # An opening fence with an info string inside the code means this fence was never closed
    # and swallowed the next one's opening line (CommonMark cannot close on "```rust").
    if closed and any(line.startswith(token.markup) and line[len(token.markup):].strip().isidentifier()
                      for line in token.content.split("\n")):
        closed = False
    language = token.info.strip().split()[0].lower() if token.info.strip() else ""
    return Fence(language=language, code=token.content, line_start=start + 1, line_end=end, closed=closed)


def parse_blocks(text: str, line_offset: int = 0) -> list[Block]:
    """Split a Markdown document into its top-level blocks, in order (lines numbered from
    line_offset + 1)."""
    lines = text.split("\n")
    tokens = _md.parse(text)
    blocks: list[Block] = []
    current: Block | None = None
    depth = 0
    item_depth = 0
    text_parts: list[str] = []
    for token in tokens:
        if token.map is not None:
            token.map = [token.map[0] + line_offset, token.map[1] + line_offset]
        for child in token.children or []:
            if child.map is not None:
                child.map = [child.map[0] + line_offset, child.map[1] + line_offset]
    lines = [""] * line_offset + lines
    for i, token in enumerate(tokens):
        if depth == 0 and token.map is not None and token.nesting >= 0:
            start, end = token.map
            kind = {
                "heading_open": "heading",
                "paragraph_open": "paragraph",
                "bullet_list_open": "list",
                "ordered_list_open": "list",
                "fence": "fence",
                "code_block": "fence",
            }.get(token.type, "other")
            current = Block(kind=kind, line_start=start + 1, line_end=max(end, start + 1),
                            markdown="\n".join(lines[start:end]))
            if kind == "heading":
                current.level = int(token.tag[1])
            blocks.append(current)
            text_parts = []
        if current is None:
            continue
        if token.type in ("fence", "code_block"):
            current.fences.append(_fence(token, lines) if token.type == "fence" else Fence(
                language="", code=token.content, line_start=token.map[0] + 1,
                line_end=token.map[1], closed=True))
        elif token.type == "list_item_open":
            item_depth += 1
        elif token.type == "list_item_close":
            item_depth -= 1
        elif token.type == "inline":
            plain = plain_text(token)
            text_parts.append(plain)
            if current.kind in ("heading", "paragraph") and not current.inline:
                current.inline = token.content
            if current.kind == "list" and item_depth == 1 and tokens[i - 1].type == "paragraph_open" \
                    and tokens[i - 2].type == "list_item_open":
                current.items.append(ListItem(line=token.map[0] + 1 if token.map else current.line_start,
                                              markdown=token.content, text=plain))
            for child in token.children or []:
                if child.type == "link_open":
                    href = child.attrGet("href")
                    if isinstance(href, str):
                        current.links.append(href)
        depth += token.nesting
        if depth == 0:
            current.text = " ".join(p for p in text_parts if p)
    return blocks
