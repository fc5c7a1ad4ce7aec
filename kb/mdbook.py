"""An mdBook directory as a guide: SUMMARY.md gives order and categories, one pattern per file."""

from __future__ import annotations

import hashlib
import posixpath
import tomllib
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from patternkb.kb.drafts import DraftGuide, DraftPart, DraftPattern, DraftSection
from patternkb.kb.encoding import EmptyGuide, printable, read_guide_text, read_regular_file, resolve_inside
from patternkb.kb.errors import GuideError
from patternkb.kb.headings import split_icon
from patternkb.kb.markdown import plain_text
from patternkb.kb.single_file import parse_document

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
    title = split_icon(heading)[1]
    return PART_NAMES.get(" ".join(title.lower().rstrip(":").split()), title)


@dataclass
class _Chapter:
    title: str
    file: str | None  # relative to the book's src directory
    category: str | None
    trail: list[str]  # titles of the enclosing chapters, outermost first
    has_children: bool
    line: int


def find_summary(root: Path) -> Path | None:
    for candidate in (root / "SUMMARY.md", root / "src" / "SUMMARY.md"):
        if candidate.is_file():
            return candidate
    return None


def _chapters(summary_text: str) -> tuple[str | None, list[_Chapter]]:
    tokens = MarkdownIt("commonmark").parse(summary_text)
    chapters: list[_Chapter] = []
    trail: list[str] = []
    category: str | None = None
    book_title: str | None = None
    list_depth = 0
    pending_heading = False
    stack_lengths: list[int] = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            pending_heading = True
        elif token.type == "inline" and pending_heading:
            pending_heading = False
            text = plain_text(token).strip()
            if book_title is None and token.map and not chapters and text.lower() != "summary":
                book_title = text
            elif text.lower() != "summary":
                category = split_icon(text)[1]
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
            stack_lengths.append(len(chapters))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            stack_lengths.pop()
            trail = trail[:max(list_depth - 1, 0)] if list_depth else []
        elif token.type == "list_item_open":
            nested = any(t.type in ("bullet_list_open", "ordered_list_open") and t.level > token.level
                         for t in _until_close(tokens, i))
            inline = next((t for t in tokens[i + 1:i + 4] if t.type == "inline"), None)
            if inline is None:
                continue
            href = None
            for child in inline.children or []:
                if child.type == "link_open":
                    href = child.attrGet("href")
                    break
            title = split_icon(plain_text(inline))[1]
            del trail[list_depth - 1:]
            chapters.append(_Chapter(title=title, file=str(href) if href else None, category=category,
                                     trail=list(trail), has_children=nested,
                                     line=(token.map[0] + 1) if token.map else 1))
            trail.append(title)
    return book_title, chapters


def _until_close(tokens, i):
    level = tokens[i].level
    for token in tokens[i + 1:]:
        if token.type == "list_item_close" and token.level == level:
            return
        yield token


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


def _chapter_path(href: str) -> str | None:
    """A SUMMARY.md link as a path under src/, or None when its words alone leave the book."""
    rel = posixpath.normpath(href)
    if posixpath.isabs(rel) or rel == ".." or rel.startswith("../"):
        return None
    return rel


def load_mdbook(root: Path, *, encoding: str | None, display: str) -> DraftGuide:
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
    book_title, chapters = _chapters(summary.text)
    digest = hashlib.sha256()
    digest.update(summary.raw)
    name = printable(root.name or root.resolve().name)
    warnings: list[tuple[str, int | None, str]] = []
    title = book_title or _book_toml_title(root, display, warnings) or name
    guide = DraftGuide(title=title, file=name, layout="mdbook", pattern_level=1,
                       sections=[], patterns=[], checklist=[], texts={}, repaired_runs=summary.repaired_runs,
                       sha256="", warnings=warnings)
    sections: dict[str, DraftSection] = {}
    for chapter in chapters:
        if chapter.file is None:
            continue
        rel = _chapter_path(chapter.file)
        if rel is None:
            guide.warnings.append((summary_where, chapter.line, f"{chapter.file!r} is outside the book; skipped"))
            continue
        path = src / rel
        if resolve_inside(path, root) is None:
            guide.warnings.append((summary_where, chapter.line,
                                   f"{chapter.file!r} leads outside the book (a symlink); skipped"))
            continue
        if not path.is_file():
            problem = "is not a regular file" if path.exists() else "not found"
            guide.warnings.append((summary_where, chapter.line, f"chapter file {chapter.file!r} {problem}"))
            continue
        in_book = posixpath.normpath(f"{src_label}/{rel}")
        file_label = printable(f"{name}/{in_book}")
        try:
            text = read_guide_text(path, encoding)
        except EmptyGuide:
            guide.warnings.append((summary_where, chapter.line, f"chapter file {chapter.file!r} is empty; skipped"))
            continue
        digest.update(rel.encode() + b"\0" + text.raw)
        guide.repaired_runs += text.repaired_runs
        guide.texts[file_label] = text.text.split("\n")
        blocks, chapter_warnings = parse_document(text.text, printable(f"{display}/{in_book}"))
        guide.warnings.extend(chapter_warnings)
        category = chapter.trail[0] if chapter.trail else (chapter.category or guide.title)
        if chapter.has_children and not chapter.trail:
            # A chapter with sub-chapters is a category; its own page introduces it.
            section = sections.get(chapter.title)
            if section is None:
                first_para = next((b.text for b in blocks if b.kind == "paragraph"), "")
                section = sections[chapter.title] = DraftSection(
                    heading=chapter.title, role="content", file=file_label, line_start=1,
                    line_end=max(len(guide.texts[file_label]), 1), summary=first_para)
                guide.sections.append(section)
            continue
        section = sections.get(category)
        if section is None:
            section = sections[category] = DraftSection(heading=category, role="content", file=file_label,
                                                        line_start=1, line_end=1)
            guide.sections.append(section)
        title_block = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
        body = [b for b in blocks if b is not title_block]
        parts: list[DraftPart] = []
        for block in body:
            if block.kind == "heading" and block.level == 2:
                parts.append(DraftPart(name=part_name(block.text), blocks=[], line_start=block.line_start))
            elif parts:
                parts[-1].blocks.append(block)
        guide.patterns.append(DraftPattern(
            heading=chapter.title, section=section, path=[section.heading, *chapter.trail[1:], chapter.title],
            file=file_label, line_start=title_block.line_start if title_block else 1,
            line_end=max(len(guide.texts[file_label]) - 1, 1), blocks=body, parts=parts, key=file_label))
    if not guide.patterns:
        raise GuideError("SUMMARY.md links no chapter file that exists inside the book", file=summary_where)
    guide.sha256 = digest.hexdigest()
    return guide
