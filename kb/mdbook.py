"""An mdBook (or GitBook) directory as a guide: SUMMARY.md gives order and categories; each chapter
is one pattern, or, when it holds several rules with code, an overview and one pattern per rule."""

from __future__ import annotations

import hashlib
import os
import posixpath
import tomllib
from pathlib import Path

from patternkb.kb.drafts import DraftGuide, DraftSection
from patternkb.kb.encoding import (EmptyGuide, counted, printable, read_guide_text, read_regular_file, resolve_inside,
                                some_of)
from patternkb.kb.errors import GuideError
from patternkb.kb.headings import split_icon
from patternkb.kb.includes import expand_with_lines, includes_in
from patternkb.kb.links import NOT_GUIDES, PAGE_SUFFIXES
from patternkb.kb.markdown import Block
from patternkb.kb.outline import CHECKLIST, Outline, meaningful
from patternkb.kb.single_file import detect_pattern_level, read_document
from patternkb.kb.summary import Chapter, chapter_path, read_summary

# Part names as the pattern books write them, normalised to one spelling.
PART_NAMES = {
    "description": "Description", "summary": "Description", "overview": "Description",
    "motivation": "Motivation", "why": "Motivation", "problem": "Motivation",
    "example": "Example", "examples": "Example", "code example": "Example", "code examples": "Example",
    "code": "Example", "usage": "Example",
    "advantages": "Advantages", "pros": "Advantages", "benefits": "Advantages",
    "disadvantages": "Disadvantages", "cons": "Disadvantages", "drawbacks": "Disadvantages",
    "discussion": "Discussion", "notes": "Discussion",
    "see also": "See also", "related": "See also", "references": "See also", "further reading": "See also",
}


def part_name(heading: str) -> str:
    return PART_NAMES.get(_name(heading), split_icon(heading)[1])


def find_summary(root: Path) -> Path | None:
    for candidate in (root / "SUMMARY.md", root / "src" / "SUMMARY.md"):
        if candidate.is_file():
            return candidate
    return None


def _book_toml_title(root: Path, display: str, warnings: list[tuple[str, int | None, str]]) -> str | None:
    path = root / "book.toml"
    if not path.is_file():
        return None
    if resolve_inside(path, root) is None:
        warnings.append((f"{display}/book.toml", None, "leads outside the book (a symlink); not read"))
        return None
    try:
        book = tomllib.loads(read_regular_file(path).decode("utf-8"))
    except (GuideError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # the title is a nicety: SUMMARY.md or the folder's name stands in
    title = book.get("book", {}).get("title")
    return title if isinstance(title, str) and title.strip() else None


def load_mdbook(root: Path, *, encoding: str | None, display: str, pattern_level: int | None = None) -> DraftGuide:
    summary_path = find_summary(root)
    if summary_path is None:
        raise GuideError("no SUMMARY.md: not an mdBook directory", file=display)
    rel_summary = summary_path.relative_to(root).as_posix()
    summary_where = f"{display}/{rel_summary}"
    if resolve_inside(summary_path, root) is None:
        # Without its SUMMARY.md the book has no chapter to read: one clear error.
        raise GuideError("leads outside the book (it, or src/, is a symlink); nothing read", file=summary_where)
    src = summary_path.parent
    src_label = src.relative_to(root).as_posix()
    summary = read_guide_text(summary_path, encoding)
    summary_title, chapters = read_summary(summary.text)
    guessed = summary.warning()
    digest = hashlib.sha256()
    digest.update(summary.raw)
    name = printable(root.name or root.resolve().name)
    warnings: list[tuple[str, int | None, str]] = [(summary_where, *guessed)] if guessed else []
    title = _book_toml_title(root, display, warnings) or summary_title or name
    guide = DraftGuide(title=title, file=name, layout="mdbook", pattern_level=pattern_level or 1,
                       sections=[], patterns=[], checklist=[], texts={}, repaired_runs=summary.repaired_runs,
                       sha256="", warnings=warnings, source=str(root.resolve()),
                       link_root=posixpath.normpath(f"{name}/{src_label}"))
    book = _Book(guide, title_given=title != name and title != summary_title)
    loaded: set[str] = set()
    levels: list[int] = []
    for chapter in chapters:
        if chapter.file is None:
            continue
        rel = chapter_path(chapter.file)
        if rel is None:
            guide.warnings.append((summary_where, chapter.line, f"{chapter.file!r} is outside the book; skipped"))
            continue
        if rel in loaded:
            continue  # the same page again (a GitBook link with a fragment): one entry
        path = src / rel
        if resolve_inside(path, root) is None:
            guide.warnings.append((summary_where, chapter.line,
                                   f"{chapter.file!r} leads outside the book (a symlink); skipped"))
            continue
        if not path.is_file():
            problem = "is not a regular file" if path.exists() else "not found"
            guide.warnings.append((summary_where, chapter.line, f"chapter file {chapter.file!r} {problem}"))
            continue
        loaded.add(rel)
        in_book = posixpath.normpath(f"{src_label}/{rel}")
        file_label = printable(f"{name}/{in_book}")
        shown = printable(f"{display}/{in_book}")
        try:
            text = read_guide_text(path, encoding)
        except EmptyGuide:
            guide.warnings.append((summary_where, chapter.line, f"chapter file {chapter.file!r} is empty; skipped"))
            continue
        digest.update(rel.encode() + b"\0" + text.raw)
        guide.repaired_runs += text.repaired_runs
        guessed = text.warning()
        if guessed:
            guide.warnings.append((shown, *guessed))
        expanded, origin = expand_with_lines(text.text, path, root,
                                             lambda line, message: guide.warnings.append((shown, line, message)))
        guide.texts[file_label] = text.text.split("\n")
        document = read_document(expanded, shown, guide.warnings, origin)
        guide.documents[file_label] = document
        guide.displays[file_label] = shown
        level = pattern_level or chapter_level(document.blocks)
        levels.append(level)
        outline = Outline(guide, document, file_label)
        guide.navigation[file_label] = outline.navigation_targets
        book.cut_chapter(outline, chapter, level)
    unlisted = _not_in_summary(src, loaded, guide.texts.values())
    if unlisted:
        guide.warnings.append((summary_where, None, f"{counted(unlisted, 'page')} of the book not in {rel_summary}, "
                                                    f"so not read (mdBook does not build them either): "
                                                    f"{some_of(unlisted)}"))
    if not guide.patterns and not guide.checklist:
        reasons = "; ".join(f"{file}:{line}: {message}" for file, line, message in guide.warnings[:3])
        raise GuideError("SUMMARY.md links no chapter file that exists inside the book"
                         + (f" ({reasons})" if reasons else ""), file=summary_where)
    guide.pattern_level = max(set(levels), key=levels.count) if levels else 1
    guide.sha256 = digest.hexdigest()
    return guide


def _not_in_summary(src: Path, listed: set[str], chapters) -> list[str]:
    """The Markdown pages under `src` that the summary does not list (`listed`: their paths in
    src) and no chapter includes (read where it is included), hidden folders, installed and
    built ones (NOT_GUIDES) and the summary itself aside."""
    included = {posixpath.basename(named.split(":", 1)[0])
                for lines in chapters for _, _, named in includes_in("\n".join(lines)) if named}
    found = []
    for root, folders, files in os.walk(src):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f not in NOT_GUIDES)
        for name in sorted(files):
            path = Path(root) / name
            rel = path.relative_to(src).as_posix()
            if (path.suffix.lower() in PAGE_SUFFIXES and rel not in listed and name.upper() != "SUMMARY.MD"
                    and name not in included):
                found.append(printable(rel))
    return found


def chapter_level(blocks: list[Block]) -> int:
    """The heading level a chapter's patterns are at: 1 (the chapter is one pattern) unless a
    deeper level holds several headings that are not the parts a pattern is written in
    (Description, Example, ...): then each of those is a rule of its own. A chapter written
    in those parts with its code deeper, under its example part (Description; Code Example over
    "### Flat Enums", "### Structured Enums"; Advantages), is one pattern too."""
    level = detect_pattern_level(blocks)
    if level == 1:
        return 1
    names = [_name(b.text) for b in blocks if b.kind == "heading" and b.level == level]
    parts = sum(1 for n in names if n in PART_NAMES)
    if len(names) < 2 or parts * 2 >= len(names) or _examples_of_one_pattern(blocks, level):
        return 1
    return level


def _examples_of_one_pattern(blocks: list[Block], level: int) -> bool:
    """Whether the headings just below the chapter's title are mostly (and at least two) a
    pattern's parts, and every heading at `level` sits under its example part."""
    below_title = min((b.level for b in blocks if b.kind == "heading" and b.level > 1), default=level)
    if below_title >= level:
        return False
    names = [_name(b.text) for b in blocks if b.kind == "heading" and b.level == below_title]
    parts = sum(1 for n in names if n in PART_NAMES)
    if parts < 2 or parts * 2 < len(names):
        return False
    parent = ""
    for block in blocks:
        if block.kind != "heading":
            continue
        if block.level == below_title:
            parent = PART_NAMES.get(_name(block.text), "")
        elif block.level == level and parent != "Example":
            return False
    return True


def _name(heading: str) -> str:
    return " ".join(split_icon(heading)[1].lower().rstrip(":").split())


def _same_words(heading: str, label: str) -> bool:
    return _name(heading) == _name(label)


def is_part_name(heading: str) -> bool:
    """Whether a heading names one of the parts a pattern is written in (Advantages, See also)."""
    return _name(heading) in PART_NAMES


class _Book:
    """Chapters into sections and entries: a chapter with sub-chapters or several rules is a
    section; prefix and suffix chapters and category pages are overviews."""

    def __init__(self, guide: DraftGuide, *, title_given: bool):
        self.guide = guide
        self.sections: dict[str, DraftSection] = {}
        self.by_label: dict[str, DraftSection] = {}  # a category page's section, by its summary label
        self.title_given = title_given  # book.toml named the book

    def section(self, title: str, file: str, role: str = "content", line: int = 1, summary: str = "") -> DraftSection:
        key = f"{role}:{title}"
        if key not in self.sections:
            self.sections[key] = DraftSection(heading=title, role=role, file=file, line_start=line,
                                              line_end=max(len(self.guide.texts.get(file, [])), line),
                                              summary=summary)
            self.guide.sections.append(self.sections[key])
        return self.sections[key]

    def cut_chapter(self, outline: Outline, chapter: Chapter, level: int) -> None:
        guide, blocks = self.guide, outline.blocks
        first = next((i for i, b in enumerate(blocks) if b.kind == "heading"), None)
        title_at = first or 0
        h1 = blocks[first] if first is not None else None
        # The chapter's title heading: its H1, or (as GitBook books write it) a deeper first
        # heading that says what the summary calls the chapter ("### Classes"), also below a note.
        if h1 is not None and h1.level != 1 and not _same_words(h1.text, chapter.title):
            h1 = None
        title = split_icon(h1.text)[1] if h1 is not None else chapter.title
        heading = h1.text if h1 is not None else chapter.title
        summary = next((b.text for b in outline.live(blocks) if b.kind == "paragraph" and b.text.strip()), "")
        if CHECKLIST.search(title) or CHECKLIST.search(chapter.title):
            section = self.section(title, outline.file, "checklist", h1.line_start if h1 else 1, summary)
            if h1 is not None:
                guide.placed[id(h1)] = "section"
            rest = outline.checklist(title, [b for b in blocks if b is not h1], section)
            if meaningful(rest):
                outline.entry(title, section, [title], kind="overview", heading=None, body=rest)
            return
        category_page = chapter.has_children and not chapter.trail
        # The book's own front page (README.md or index.md at the root, as GitBook writes it) is
        # its introduction, and its H1 names the book unless book.toml did.
        front = posixpath.basename(outline.file).lower() in ("readme.md", "index.md") \
            and posixpath.dirname(outline.file) == guide.link_root and not chapter.trail
        if front and h1 is not None and not self.title_given and not guide.patterns:
            guide.title = title
        if front:
            section = self.section(guide.title, outline.file)
        elif category_page or (level > 1 and not chapter.trail):
            # A category page, or a top-level chapter of several rules: a section of its own.
            section = self.section(title, outline.file, line=h1.line_start if h1 else 1, summary=summary)
            self.by_label.setdefault(chapter.title, section)
        elif chapter.place != "numbered":
            section = self.section(guide.title, outline.file)
        else:
            label = chapter.trail[0] if chapter.trail else (chapter.category or guide.title)
            section = self.by_label.get(label) or self.section(label, outline.file)
        trail = [section.heading, *chapter.trail[1:]] if section.heading != title else [title]
        if level == 1:
            # A page over sub-chapters that shows no code introduces them (the category pages
            # of a nested book); it is no pattern.
            introduces = chapter.has_children and not any(b.fences for b in blocks)
            kind = "overview" if category_page or front or introduces or chapter.place != "numbered" else "pattern"
            path = trail if trail[-1] == title else [*trail, title]
            draft = outline.entry(heading, section, path, kind=kind, heading=h1, body=blocks, part_name=part_name)
            draft.aliases = [chapter.title]
            return
        units = outline.units(0, level)
        first = units[0][0] if units else len(blocks)
        intro = [b for b in blocks[:first] if b is not h1]
        rules = [(i, end) for i, end in units if blocks[i] is not h1]
        if h1 is not None and units and blocks[units[0][0]] is h1:
            intro += blocks[units[0][0] + 1:units[1][0] if len(units) > 1 else len(blocks)]
        # The title restated by the heading right below it ("# ANSI Terminal", then an included
        # file's "## ANSI Terminal") is the title: what it says is the chapter's overview.
        if h1 is not None and rules and _same_words(blocks[rules[0][0]].text, title) \
                and not meaningful(outline.live(blocks[title_at + 1:rules[0][0]])):
            i, end = rules.pop(0)
            guide.placed[id(blocks[i])] = "title"
            outline.pending += outline.anchors.get(i, [])
            intro += blocks[i + 1:end]
        # A heading among the rules that names a part (See also, Advantages) speaks for the
        # chapter: a part of its overview, not an entry of its own.
        intro += [b for i, end in rules if is_part_name(blocks[i].text) for b in blocks[i:end]]
        rules = [(i, end) for i, end in rules if not is_part_name(blocks[i].text)]
        base = trail if trail[-1] == title else [*trail, title]  # the chapter's own path
        draft = outline.entry(heading, section, base, kind="overview", heading=h1, body=intro, part_name=part_name)
        draft.aliases = [chapter.title]
        for i, end in rules:
            block = blocks[i]
            kind = "pattern" if block.level == level else "overview"
            outline.entry(block.text, section, [*base, split_icon(block.text)[1]], kind=kind, heading=block,
                          body=blocks[i + 1:end], part_name=part_name, end=end)


