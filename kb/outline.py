"""One document's blocks cut into sections, overviews, patterns and checklist items, in one pass;
every block is placed in an entry or deliberately left out, and the guide records which."""

from __future__ import annotations

import bisect
import re

from patternkb.kb.drafts import DraftChecklistItem, DraftGuide, DraftPart, DraftPattern, DraftSection
from patternkb.kb.headings import bold_label, split_icon
from patternkb.kb.markdown import Block, Document, ListItem
from patternkb.kb.rules import readable, rule_names
from patternkb.kb.toc import fragment, heading_anchors, is_anchor_only, is_contents, is_navigation, links_out_of

CHECKLIST = re.compile(r"check\s*-?\s*list", re.IGNORECASE)
_CHECK_MARK = re.compile(r"^(\[[ xX]\]\s*|[\u2705\u2714\u2611\u2610\u274c]\ufe0f?\s*)")
_GROUP = re.compile(r"^\s*(?:\*\*(.+?)\*\*|__(.+?)__)")
# The most a label of a table of contents says ("Table of Contents").
_MAX_LABEL = 40
# A line of an MDX page that imports a component or module (`import Tabs from '@theme/Tabs';`).
_ESM = re.compile(r"""^\s*import\s+(?:[\w*{}\s,]+\s+from\s+)?["'][^"']+["'];?\s*$""")
# How far above a table of contents its headings are looked for (a list under each of a dozen).
_MAX_CONTENTS_HEADINGS = 30
# Where a link back to the top of a page points, by HTML's own rule.
_TOP = "top"


def _imports_only(markdown: str) -> bool:
    """Whether a paragraph is an MDX page's imports alone, each on one line or over several
    (`import {\n  Tabs,\n} from '@theme/Tabs';`)."""
    statements = [s for s in _STATEMENT.split(" ".join(markdown.split())) if s.strip()]
    return bool(statements) and all(_ESM.match(statement) for statement in statements)


_STATEMENT = re.compile(r"(?=\bimport\s)")


def list_rules(block: Block) -> list[tuple[str, ListItem, str]]:
    """(name, item, its Markdown) of each item of a list that states a rule (kb/rules.py); [] for
    any other block. An item is read as the entry's page shows it (`readable`), as app/render.py
    reads it to anchor the rule."""
    items = [item for item in block.items if item.depth == 1] if block.kind == "list" else []
    if not items:
        return []
    # Whether each item holds code: a fence between its first line and the next item's.
    ends = [item.line for item in items[1:]] + [block.line_end + 1]
    starts = sorted(fence.line_start for fence in block.fences)
    code = [bisect.bisect_left(starts, item.line) < bisect.bisect_left(starts, end) for item, end in zip(items, ends)]
    names = rule_names([(item.markdown, has) for item, has in zip(items, code)])
    return [(name, item, readable(item.markdown)) for name, item in zip(names, items) if name is not None]


def meaningful(blocks: list[Block]) -> bool:
    """Whether blocks say anything (a rule or an empty HTML comment does not)."""
    return any(b.text.strip() or b.fences or b.kind == "table" for b in blocks)


class Outline:
    """A document's layout: which blocks are left out (contents, navigation, anchors, comments),
    and each heading's anchors. The cutting itself is `cut_file` / `cut_chapter`."""

    def __init__(self, guide: DraftGuide, document: Document, file: str):
        self.guide, self.file = guide, file
        self.blocks = document.blocks
        self.anchors = heading_anchors(self.blocks)
        self.by_block = {id(self.blocks[i]): anchors for i, anchors in self.anchors.items()}
        known = {a.lower() for anchors in self.anchors.values() for a in anchors}
        known |= {a.lower() for b in self.blocks for a in b.anchors}
        self.navigation_targets = {_TOP, ""}
        for index, block in enumerate(self.blocks):
            if is_contents(block, known):
                guide.placed[id(block)] = "contents"
                display = guide.displays.get(file, file)
                guide.warnings.extend(
                    (display, link.line, f"table of contents links {link.href!r}, which is no heading")
                    for link in block.links if link.href.startswith("#") and fragment(link.href) not in known)
                # The HTML that wraps it (`<details><summary>Contents</summary>` ... `</details>`).
                for near in self.blocks[max(index - 1, 0):index] + self.blocks[index + 1:index + 2]:
                    if near.kind == "html" and len(near.text) <= _MAX_LABEL and not near.fences:
                        guide.placed[id(near)] = "contents"
                for heading in self._headings_over(index):
                    self.navigation_targets |= {a.lower() for a in self.anchors[heading]}
        first = next((i for i, b in enumerate(self.blocks) if b.kind == "heading"), None)
        if first is not None and self.blocks[first].level == 1:
            self.navigation_targets |= {a.lower() for a in self.anchors[first]}
        for block in self.blocks:
            if id(block) in guide.placed:
                continue
            if block.kind == "front-matter":
                guide.placed[id(block)] = "front matter"
            elif is_anchor_only(block):
                guide.placed[id(block)] = "anchor"
            elif block.kind == "html" and not block.text.strip() and not block.markdown.strip():
                guide.placed[id(block)] = "markup"
            elif block.kind == "paragraph" and _imports_only(block.markdown):
                guide.placed[id(block)] = "markup"  # MDX's imports of the components a page uses
            elif is_navigation(block, self.navigation_targets):
                guide.placed[id(block)] = "navigation"
        self.pending: list[str] = []  # anchors of a heading that made no entry, for the next one

    def _headings_over(self, index: int) -> list[int]:
        """The headings a table of contents stands under: the nearest, and those above it with
        nothing between but headings and contents ("## Contents", "### Array", a list, "###
        Function", a list), which a "back to the contents" link may name."""
        found: list[int] = []
        for j in range(index - 1, max(index - _MAX_CONTENTS_HEADINGS, -1), -1):
            block = self.blocks[j]
            if block.kind == "heading":
                found.append(j)
                if block.level <= 1:
                    break
            elif self.guide.placed.get(id(block)) != "contents" and meaningful([block]) and not is_anchor_only(block):
                break
        return found

    def is_navigation_link(self, href: str) -> bool:
        frag = fragment(href)
        return frag is not None and frag in self.navigation_targets

    def live(self, blocks: list[Block]) -> list[Block]:
        """The blocks not already left out."""
        return [b for b in blocks if id(b) not in self.guide.placed]

    def units(self, start: int, level: int) -> list[tuple[int, int]]:
        """(heading index, end index) of each heading at `level` or above from `start` on; each
        unit ends where the next begins, so the units partition the blocks (linear)."""
        heads = [i for i in range(start, len(self.blocks))
                 if self.blocks[i].kind == "heading" and self.blocks[i].level <= level]
        return list(zip(heads, [*heads[1:], len(self.blocks)]))

    def entry(self, title_text: str, section: DraftSection, path: list[str], *, kind: str,
              heading: Block | None, body: list[Block], part_name=None, end: int | None = None) -> DraftPattern:
        """An entry of `heading` and `body`; left-out blocks are dropped, sub-headings make parts.
        `end` (a block index) says the entry's lines run up to that block."""
        anchors = [*self.pending, *(self.by_block.get(id(heading), []) if heading is not None else [])]
        self.pending = []
        kept: list[Block] = []
        parts: list[DraftPart] = []
        part_of: dict[str, int] = {}
        for b in body:
            if id(b) in self.guide.placed or b is heading:
                continue
            self.guide.placed[id(b)] = "entry"
            kept.append(b)
            if b.kind == "heading":
                name = part_name(b.text) if part_name else split_icon(b.text)[1]
                parts.append(DraftPart(name=name, blocks=[], line_start=b.line_start))
                anchors += self.by_block.get(id(b), [])
                part_of.update((anchor, len(parts) - 1) for anchor in self.by_block.get(id(b), []))
            elif rules := list_rules(b):  # numbered rules written as list items
                # A list of one rule is its part; in a list of several each rule's part is its
                # own item. app/render.py anchors each where it starts.
                if len(rules) == 1:
                    parts.append(DraftPart(name=rules[0][0], blocks=[b], line_start=b.line_start))
                else:
                    parts += [DraftPart(name=name, blocks=[], line_start=item.line, item=markdown, item_text=item.text)
                              for name, item, markdown in rules]
            elif parts:
                parts[-1].blocks.append(b)
            anchors += b.anchors
        if heading is not None:
            self.guide.placed[id(heading)] = "entry"
            if (links := links_out_of(heading)) is not None:
                kept.insert(0, links)
        first = heading or (kept[0] if kept else None)
        line_start = min([first.line_start, *(b.line_start for b in kept[:1])]) if first else 1
        line_end = max([b.line_end for b in kept] + [line_start])
        if end is not None:
            line_end = max(line_end, self.blocks[end].line_start - 1 if end < len(self.blocks)
                           else self.blocks[-1].line_end)
        draft = DraftPattern(heading=title_text, section=section, path=path, file=self.file,
                             line_start=line_start, line_end=line_end, blocks=kept, parts=parts, kind=kind,
                             anchors=list(dict.fromkeys(anchors)), part_of=part_of)
        self.guide.patterns.append(draft)
        return draft

    def checklist(self, title: str, body: list[Block], section: DraftSection) -> list[Block]:
        """Checklist items from `body`'s lists; returns the blocks that are not part of it."""
        list_title = group = title
        rest: list[Block] = []
        for b in self.live(body):
            if b.kind == "heading":
                list_title = group = split_icon(b.text)[1]
            elif b.kind == "paragraph" and bold_label(b.inline):
                group = split_icon(bold_label(b.inline) or "")[1]
            elif b.kind == "list" and b.items:
                self._items(b, list_title, group, section)
            else:
                rest.append(b)
                continue
            self.guide.placed[id(b)] = "checklist"
        return rest

    def _items(self, block: Block, list_title: str, group: str, section: DraftSection) -> None:
        checked = any(_CHECK_MARK.match(item.markdown) for item in block.items)
        for item in block.items:
            label = _GROUP.match(item.markdown)
            if checked and item.depth == 1 and label and not _CHECK_MARK.match(item.markdown):
                group = split_icon(label.group(1) or label.group(2))[1]
                continue
            if (checked and not _CHECK_MARK.match(item.markdown)) or (not checked and item.depth > 1):
                continue  # a detail of the item above
            markdown = _CHECK_MARK.sub("", item.markdown).strip()
            text = _CHECK_MARK.sub("", item.text).strip()
            if text:
                self.guide.checklist.append(DraftChecklistItem(
                    markdown=markdown, text=text, group=group, list=list_title, section=section, file=self.file,
                    line=item.line, links=[link for link in item.links if not self.is_navigation_link(link.href)]))
