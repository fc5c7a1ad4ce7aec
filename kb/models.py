"""The entries of a knowledge base: Pydantic models that every stage after parsing relies on."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

SCHEMA_VERSION = 4

_SHA256 = r"^[0-9a-f]{64}$"

# Ids are slugs joined by "/", so an id can never name a path outside the KB directory.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where an entry stands in its guide: a file relative to the guide's root, 1-based lines."""

    file: str
    line_start: int = Field(ge=1)
    line_end: int = Field(ge=1)


class CodeBlock(_Strict):
    """One fenced code block, its code exactly as in the guide."""

    language: str
    code: str
    line_start: int = Field(ge=1, description="line of the opening fence")


class Snippet(_Strict):
    """A named unit of a code block; a block's snippets joined in order give the block back."""

    title: str = Field(min_length=1)
    language: str
    code: str
    block: int = Field(ge=0, description="index of the code block it comes from")
    line_start: int = Field(ge=1, description="line in the guide of its first line of code")
    symbols: list[str]


class Part(_Strict):
    """A named part of a pattern, such as Motivation or See also (from its sub-headings)."""

    name: str
    markdown: str
    line_start: int = Field(ge=1)
    text: str = ""  # its words as plain text (searched, and shown in a sub-hit's fragment)


class _EntryBase(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    guide: str
    title: str = Field(min_length=1)
    section: str = Field(description="id of the section the entry is in")
    path: list[str] = Field(description="heading titles from the section down to the entry")
    order: int = Field(ge=0, description="position in the KB (not stored: the line of entries.jsonl)")
    symbols: list[str]
    packages: list[str] = Field(description="packages the code imports: crates, Go modules, npm, PyPI, ...")
    tags: list[str] = Field(min_length=1)
    link_targets: dict[str, str] = Field(
        default_factory=dict, description="where each link of its Markdown that leads to an entry goes: "
        "href as written -> entry id, with '#' and the anchor of a part when it leads to one")
    source: Source

    @property
    def crates(self) -> list[str]:
        """The packages, by the name they had when only Rust guides were read."""
        return self.packages


class Pattern(_EntryBase):
    """A pattern: one heading at the guide's pattern level with its prose and code."""

    kind: Literal["pattern"] = "pattern"
    icon: str
    summary: str
    markdown: str = Field(description="the body as Markdown, code fences included")
    prose: str = Field(description="the body as Markdown without code fences")
    text: str = Field(description="the prose as plain text")
    code: list[CodeBlock]
    snippets: list[Snippet]
    parts: list[Part]
    defines: list[str] = Field(description="items (functions, types, classes, methods) the code defines")
    links: list[str] = Field(description="ids of entries the pattern links to explicitly")
    aliases: list[str] = Field(default_factory=list, description="other names, e.g. a book summary's label")

    @field_validator("snippets")
    @classmethod
    def _snippets_are_lossless(cls, snippets: list[Snippet], info) -> list[Snippet]:
        code = info.data.get("code")
        if code is None:
            return snippets
        for index, block in enumerate(code):
            joined = "".join(s.code for s in snippets if s.block == index)
            if joined != block.code:
                raise ValueError(f"snippets of code block {index} do not join back to the block")
        return snippets


class ChecklistItem(_EntryBase):
    """One item of a checklist: `text` keeps its inline Markdown, `title` is plain."""

    kind: Literal["checklist"] = "checklist"
    text: str
    group: str
    list: str
    code: list[CodeBlock] = Field(default_factory=list, max_length=0)
    snippets: list[Snippet] = Field(default_factory=list, max_length=0)
    links: list[str] = Field(default_factory=list, description="ids of entries the item links to")


class Overview(Pattern):
    """What a section or chapter says of its own, before its first pattern (or a prefix chapter,
    a category page): the same fields as a pattern."""

    kind: Literal["overview"] = "overview"  # type: ignore[assignment]


Entry = Annotated[Union[Pattern, Overview, ChecklistItem], Field(discriminator="kind")]
EntryList = TypeAdapter(list[Entry])


class Section(_Strict):
    """A section of a guide (its `##` level in the bundled guide)."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    guide: str
    title: str = Field(min_length=1)
    icon: str
    order: int = Field(ge=0)
    summary: str
    role: Literal["content", "checklist"]
    source: Source


SectionList = TypeAdapter(list[Section])


class BlockCoverage(_Strict):
    """What became of one kind of block: in an entry, deliberately left out, or lost."""

    total: int = Field(ge=0)
    in_entries: int = Field(ge=0)
    left_out: int = Field(ge=0, description="tables of contents, navigation, anchors, comments")
    lost: int = Field(ge=0, description="each one is also a warning naming its line")


class LinkCounts(_Strict):
    """The guide's links to its own headings and chapters."""

    internal: int = Field(ge=0)
    resolved: int = Field(ge=0)
    navigation: int = Field(ge=0, description="to a table of contents or the top of a page")
    unresolved: int = Field(ge=0, description="each one is also a warning naming its line")


class GuideInfo(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", description="a slug of the title")]
    title: str
    file: str = Field(description="the guide's file or directory name")
    layout: Literal["single-file", "mdbook"]
    sha256: str = Field(pattern=_SHA256)
    pattern_level: int = Field(ge=1, le=6)
    repaired_runs: int = Field(ge=0)
    coverage: dict[str, BlockCoverage] = Field(default_factory=dict, description="per block kind")
    links: LinkCounts = Field(default_factory=lambda: LinkCounts(internal=0, resolved=0, navigation=0,
                                                                 unresolved=0))
    entries: int = Field(default=0, ge=0, description="its entries, consecutive in entries.jsonl in the "
                         "order of the guides (the KB's writer counts them)")

    @property
    def covered(self) -> float:
        """The share of blocks that are in an entry or deliberately left out (1.0 when none)."""
        total = sum(c.total for c in self.coverage.values())
        return 1.0 if not total else 1 - sum(c.lost for c in self.coverage.values()) / total


class Counts(_Strict):
    sections: int
    patterns: int
    overviews: int = 0
    code_blocks: int
    snippets: int
    checklist_items: int
    repaired_runs: int


class BuildWarning(_Strict):
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: warning: {self.message}"


class Checksums(_Strict):
    """sha256 of the other two files as written: a reader knows they belong to this manifest."""

    sections: str = Field(pattern=_SHA256, description="sha256 of sections.json")
    entries: str = Field(pattern=_SHA256, description="sha256 of entries.jsonl")


class Manifest(_Strict):
    schema_version: int
    builder_version: str
    guides: list[GuideInfo]
    counts: Counts
    warnings: list[BuildWarning]
    sha256: Checksums | None = Field(
        default=None, description="set when the KB is written (a KB read without it is refused)")


@dataclass
class KnowledgeBase:
    manifest: Manifest
    sections: list[Section]
    entries: list[Pattern | Overview | ChecklistItem]
    fingerprint: str = ""  # sha256 of the stored files; empty until written or loaded

    # Looked up by the window on every entry it opens and every page it renders: computed once
    # (a KB is not changed once built or loaded), not by a pass over 50,000 entries each time.
    @cached_property
    def by_id(self) -> dict[str, Pattern | Overview | ChecklistItem]:
        return {e.id: e for e in self.entries}

    @cached_property
    def titles(self) -> dict[str, str]:
        """Entry id -> title."""
        return {e.id: e.title for e in self.entries}

    @cached_property
    def section_sizes(self) -> dict[str, tuple[int, str]]:
        """Section id -> (its entries, the id of its first one), for the sections that have any."""
        sizes: dict[str, tuple[int, str]] = {}
        for e in self.entries:
            count, first = sizes.get(e.section, (0, e.id))
            sizes[e.section] = (count + 1, first)
        return sizes

    def entry(self, entry_id: str) -> Pattern | Overview | ChecklistItem | None:
        return self.by_id.get(entry_id)

    @property
    def patterns(self) -> list[Pattern]:
        return [e for e in self.entries if e.kind == "pattern"]

    @property
    def overviews(self) -> list[Overview]:
        return [e for e in self.entries if isinstance(e, Overview)]


