"""What a guide layout (one Markdown file, or an mdBook directory) hands the KB builder."""

from __future__ import annotations

from dataclasses import dataclass, field

from patternkb.kb.markdown import Block


@dataclass
class DraftPart:
    name: str
    blocks: list[Block]
    line_start: int


@dataclass
class DraftPattern:
    heading: str  # raw heading text, icon included
    section: "DraftSection"
    path: list[str]  # heading titles from the section down, this one's included
    file: str  # source file relative to the guide's root
    line_start: int
    line_end: int
    blocks: list[Block]  # the body, heading excluded
    parts: list[DraftPart] = field(default_factory=list)
    key: str = ""  # how the layout's links name this pattern (an anchor or a file)


@dataclass
class DraftChecklistItem:
    markdown: str
    text: str
    group: str
    list: str
    section: "DraftSection"
    file: str
    line: int


@dataclass
class DraftSection:
    heading: str
    role: str  # content or checklist
    file: str
    line_start: int
    line_end: int
    summary: str = ""


@dataclass
class DraftGuide:
    title: str
    file: str  # the guide's file or directory name
    layout: str
    pattern_level: int
    sections: list[DraftSection]
    patterns: list[DraftPattern]
    checklist: list[DraftChecklistItem]
    # The full text of each source file (repaired), for slicing exact Markdown by line.
    texts: dict[str, list[str]]
    repaired_runs: int
    sha256: str
    warnings: list[tuple[str, int | None, str]] = field(default_factory=list)
