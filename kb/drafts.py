"""What a guide layout (one Markdown file, or an mdBook directory) hands the KB builder."""

from __future__ import annotations

from dataclasses import dataclass, field

from patternkb.kb.markdown import Block, Document, Link


@dataclass
class DraftPart:
    name: str
    blocks: list[Block]
    line_start: int
    item: str = ""  # a rule in a list of several: its item's own Markdown (the list stays its entry's)
    item_text: str = ""  # and its words


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
    kind: str = "pattern"  # or "overview": a section's or chapter's own content
    anchors: list[str] = field(default_factory=list)  # fragments that lead to this entry
    part_of: dict[str, int] = field(default_factory=dict)  # an anchor of a part's heading -> that part's index
    aliases: list[str] = field(default_factory=list)  # other names (a book summary's label)


@dataclass
class DraftChecklistItem:
    markdown: str
    text: str
    group: str
    list: str
    section: "DraftSection"
    file: str
    line: int
    links: list[Link] = field(default_factory=list)


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
    # Every file's parsed document, and what became of each block (by id): "entry", "section",
    # "checklist", "title", or a reason it is deliberately left out ("contents", "navigation", ...).
    documents: dict[str, Document] = field(default_factory=dict)
    placed: dict[int, str] = field(default_factory=dict)
    displays: dict[str, str] = field(default_factory=dict)  # file label -> path as the user named it
    source: str = ""  # the resolved path built from, so building it twice replaces it
    link_root: str = ""  # the folder root-relative links start from (an mdBook's src/)
    # A page of a folder of guides: the folder (its pages' files are named from it), whose other
    # pages its links may lead to (kb/site_links.py).
    site: str | None = None
    one_of_many: bool = False  # a page of a folder of several: its sections are named by the page (entry_ids)
    navigation: dict[str, set[str]] = field(default_factory=dict)  # file -> anchors links use to navigate
