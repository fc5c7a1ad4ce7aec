"""One Markdown file as a guide: sections and patterns from its heading levels."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from patternkb.kb.drafts import DraftChecklistItem, DraftGuide, DraftPart, DraftPattern, DraftSection
from patternkb.kb.encoding import printable, read_guide_text
from patternkb.kb.errors import GuideError
from patternkb.kb.headings import bold_label, github_anchor, split_icon
from patternkb.kb.markdown import Block, parse_blocks

_CHECKLIST = re.compile(r"check\s*-?\s*list", re.IGNORECASE)
_CONTENTS = re.compile(r"^(table of )?contents$|^toc$", re.IGNORECASE)
_HEADING_LINE = re.compile(r"^#{1,6}\s")
_CHECK_MARK = re.compile(r"^(\[[ xX]\]\s*|[\u2705\u2714\u2611\u2610\u274c]\ufe0f?\s*)")


def parse_document(text: str, file: str) -> tuple[list[Block], list[tuple[str, int | None, str]]]:
    """Blocks of a document; a fence that never closes is warned about and ends before the next
    heading that follows a blank line, so one typo does not swallow the rest of a guide."""
    warnings: list[tuple[str, int | None, str]] = []
    lines = text.split("\n")
    blocks: list[Block] = []
    offset = 0
    while True:
        chunk = parse_blocks("\n".join(lines[offset:]), line_offset=offset)
        unclosed = next((f for b in chunk for f in b.fences if not f.closed), None)
        if unclosed is None:
            blocks.extend(chunk)
            return blocks, warnings
        warnings.append((file, unclosed.line_start, "code fence never closes"))
        resume = next((i for i in range(unclosed.line_start, len(lines))
                       if _HEADING_LINE.match(lines[i]) and not lines[i - 1].strip()), None)
        if resume is None:
            blocks.extend(chunk)
            return blocks, warnings
        blocks.extend(parse_blocks("\n".join(lines[offset:resume]), line_offset=offset))
        offset = resume


def detect_pattern_level(blocks: list[Block]) -> int:
    """The heading level whose sections carry the code.

    For each level, count the headings whose subtree holds a code block. Levels whose headings
    are mere containers (nothing of their own before their first sub-heading) and a lone top
    heading (the title) cannot be the pattern level. Of the rest, take the shallowest level with
    at least 60% of the best count, so "#### Example" under each pattern does not win.
    """
    counts: dict[int, int] = {}
    with_own: dict[int, int] = {}
    headings_at: dict[int, int] = {}
    open_headings: dict[int, list[bool]] = {}  # level -> [has code, has own content]
    last_level: int | None = None

    def close(level: int) -> None:
        has_code, has_own = open_headings.pop(level)
        counts[level] = counts.get(level, 0) + has_code
        with_own[level] = with_own.get(level, 0) + (has_code and has_own)

    for block in blocks:
        if block.kind == "heading":
            for level in [lv for lv in open_headings if lv >= block.level]:
                close(level)
            open_headings[block.level] = [False, False]
            headings_at[block.level] = headings_at.get(block.level, 0) + 1
            last_level = block.level
            continue
        if last_level in open_headings and block.kind != "other":
            open_headings[last_level][1] = True
        if block.fences:
            for state in open_headings.values():
                state[0] = True
    for level in list(open_headings):
        close(level)
    if not headings_at:
        return 1
    top = min(headings_at)
    candidates = {lv: c for lv, c in counts.items() if c and with_own[lv] * 2 >= c}
    if headings_at[top] == 1 and any(c for lv, c in candidates.items() if lv != top):
        candidates.pop(top, None)  # a lone top heading is the document's title
    if not candidates:
        candidates = {lv: c for lv, c in counts.items() if c}
    if not candidates:
        # No code anywhere: the level below the title, or the only level there is.
        levels = sorted(lv for lv, n in headings_at.items() if n > 1) or sorted(headings_at)
        return levels[0]
    best = max(candidates.values())
    return min(lv for lv, c in candidates.items() if c >= 0.6 * best)


def load_single_file(path: Path, *, pattern_level: int | None, encoding: str | None,
                     display: str) -> DraftGuide:
    guide_text = read_guide_text(path, encoding)
    file = printable(path.name)
    blocks, warnings = parse_document(guide_text.text, display)
    level = pattern_level or detect_pattern_level(blocks)
    if not any(b.kind == "heading" for b in blocks) and not any(b.fences for b in blocks):
        raise GuideError("no headings and no code: nothing to make entries from", file=display)
    guide = DraftGuide(title=printable(path.stem), file=file, layout="single-file", pattern_level=level,
                       sections=[], patterns=[], checklist=[], texts={file: guide_text.text.split("\n")},
                       repaired_runs=guide_text.repaired_runs,
                       sha256=hashlib.sha256(guide_text.raw).hexdigest(), warnings=warnings)
    _Outline(guide, blocks, level, file, display).walk()
    return guide


class _Outline:
    """Walks the blocks once, cutting them into sections, patterns and checklist items."""

    def __init__(self, guide: DraftGuide, blocks: list[Block], level: int, file: str, display: str):
        self.guide, self.blocks, self.level, self.file, self.display = guide, blocks, level, file, display
        headings = [b for b in blocks if b.kind == "heading"]
        # Sections are the deepest level above the pattern level that the guide uses.
        above = sorted({b.level for b in headings if b.level < level})
        self.section_level = above[-1] if above else None
        self.last_line = blocks[-1].line_end if blocks else 1
        self.anchors: dict[str, str] = {}
        self.tocs: list[tuple[Block, list[Block]]] = []

    def _end_of(self, index: int, level: int) -> int:
        for block in self.blocks[index + 1:]:
            if block.kind == "heading" and block.level <= level:
                return block.line_start - 1
        return self.last_line

    def _body(self, index: int, level: int) -> list[Block]:
        body = []
        for block in self.blocks[index + 1:]:
            if block.kind == "heading" and block.level <= level:
                break
            body.append(block)
        return body

    def walk(self) -> None:
        title_block = next((b for b in self.blocks if b.kind == "heading"
                            and (self.section_level is None or b.level < self.section_level)), None)
        if title_block is not None:
            self.guide.title = split_icon(title_block.text)[1]
        section: DraftSection | None = None
        if self.section_level is None:
            section = self._implicit_section()
        for index, block in enumerate(self.blocks):
            if block.kind != "heading":
                continue
            if block.level == self.section_level:
                body = self._body(index, block.level)
                section = self._section(index, block, body)
            elif block.level == self.level and section is not None and section.role == "content":
                self._pattern(index, block, section)
            elif block.level == self.level and section is None:
                section = self._implicit_section()
                self._pattern(index, block, section)
        self._check_tocs()

    def _implicit_section(self) -> DraftSection:
        section = DraftSection(heading=self.guide.title, role="content", file=self.file,
                               line_start=1, line_end=self.last_line)
        self.guide.sections.append(section)
        return section

    def _section(self, index: int, block: Block, body: list[Block]) -> DraftSection | None:
        icon, title = split_icon(block.text)
        first_sub = next((i for i, b in enumerate(body) if b.kind == "heading"), len(body))
        own = body[:first_sub]
        if _CONTENTS.match(title) or (own and all(b.kind == "list" for b in own if b.kind != "other")
                                      and any(b.kind == "list" for b in own)
                                      and all(link.startswith("#") for b in own for link in b.links)
                                      and any(b.links for b in own) and first_sub == len(body)):
            self.tocs.append((block, own))
            return None
        role = "checklist" if _CHECKLIST.search(title) else "content"
        section = DraftSection(heading=block.text, role=role, file=self.file, line_start=block.line_start,
                               line_end=self._end_of(index, block.level),
                               summary=next((b.text for b in own if b.kind == "paragraph"), ""))
        self.guide.sections.append(section)
        self.anchors[github_anchor(block.text)] = ""
        if role == "checklist":
            self._checklist(block, body, section)
        elif not any(b.kind == "heading" and b.level <= self.level for b in body) and any(b.fences for b in own):
            # Code straight under a section with no pattern headings: the section is the pattern.
            self._add_pattern(block, section, own, [split_icon(block.text)[1]], self._end_of(index, block.level))
        return section

    def _pattern(self, index: int, block: Block, section: DraftSection) -> None:
        body = self._body(index, block.level)
        path = [split_icon(section.heading)[1], split_icon(block.text)[1]]
        if self.section_level is None:
            path = path[1:]
        self._add_pattern(block, section, body, path, self._end_of(index, block.level))

    def _add_pattern(self, block: Block, section: DraftSection, body: list[Block], path: list[str],
                     line_end: int) -> None:
        parts: list[DraftPart] = []
        for b in body:
            if b.kind == "heading":
                parts.append(DraftPart(name=split_icon(b.text)[1], blocks=[], line_start=b.line_start))
            elif parts:
                parts[-1].blocks.append(b)
        anchor = github_anchor(block.text)
        self.guide.patterns.append(DraftPattern(
            heading=block.text, section=section, path=path, file=self.file, line_start=block.line_start,
            line_end=line_end, blocks=body, parts=parts, key="#" + anchor))

    def _checklist(self, heading: Block, body: list[Block], section: DraftSection) -> None:
        list_title = split_icon(heading.text)[1]
        group = list_title
        for b in body:
            if b.kind == "heading":
                list_title = group = split_icon(b.text)[1]
            elif b.kind == "paragraph" and bold_label(b.inline):
                group = split_icon(bold_label(b.inline) or "")[1]
            elif b.kind == "list":
                for item in b.items:
                    markdown = _CHECK_MARK.sub("", item.markdown).strip()
                    text = _CHECK_MARK.sub("", item.text).strip()
                    if text:
                        self.guide.checklist.append(DraftChecklistItem(
                            markdown=markdown, text=text, group=group, list=list_title,
                            section=section, file=self.file, line=item.line))

    def _check_tocs(self) -> None:
        """A table of contents is not an entry; warn where it and the sections disagree."""
        titles = [split_icon(s.heading)[1] for s in self.guide.sections if s.heading != self.guide.title]
        for heading, body in self.tocs:
            listed: list[tuple[int, str]] = [(item.line, split_icon(item.text)[1])
                                             for b in body if b.kind == "list" for item in b.items]
            for line, title in listed:
                if title not in titles:
                    self.guide.warnings.append((self.display, line, f"table of contents lists {title!r}, "
                                                                    "which is not a section"))
            listed_titles = {t for _, t in listed}
            for section in self.guide.sections:
                t = split_icon(section.heading)[1]
                if t not in listed_titles and section.heading != self.guide.title:
                    self.guide.warnings.append((self.display, section.line_start,
                                                f"section {t!r} is missing from the table of contents"))
