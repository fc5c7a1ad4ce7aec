"""One Markdown file as a guide: sections and patterns from its heading levels."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from itertools import takewhile
from pathlib import Path

from patternkb.kb.admonitions import read_indented_blocks
from patternkb.kb.directives import read_directives
from patternkb.kb.drafts import DraftGuide, DraftSection
from patternkb.kb.encoding import EmptyGuide, counted, printable, read_guide_text, some_of
from patternkb.kb.headings import split_icon
from patternkb.kb.html import html_title
from patternkb.kb.includes import expand_with_lines, includes_in
from patternkb.kb.links import page_name
from patternkb.kb.markdown import Block, Document, front_matter_title, parse_document, remap_lines
from patternkb.kb.outline import CHECKLIST, Outline, meaningful


def read_document(text: str, display: str, warnings: list[tuple[str, int | None, str]],
                  origin: list[int] | None = None, *, wiki_page_last: bool = False) -> Document:
    """A document's blocks; a fence that never closes is warned about and ends before the next
    heading that follows a blank line, so one typo does not swallow the rest of a guide. `origin`
    maps the lines of a text with includes expanded back to the file's."""
    read, origin = read_directives(read_indented_blocks(text), origin, wiki_page_last=wiki_page_last)
    document = parse_document(read)
    if read is not text:
        document.lines = text.split("\n")  # the lines the blocks' numbers count, as the file has them
    if origin is not None:
        remap_lines(document, origin)
    warnings.extend((display, line, "code fence never closes") for line in document.unclosed)
    if document.open_front_matter:
        warnings.append((display, 1, "front matter never closes (no '---' after it): read to its first blank line or heading"))
    if document.undefined:
        labels = [f"[{label}]" for label in dict.fromkeys(label for _, label in document.undefined)]
        warnings.append((display, document.undefined[0][0],
                         f"{counted(document.undefined, 'reference link')} with no definition in the file, shown as "
                         f"text (a site's plugin may resolve them): {some_of(labels)}"))
    return document


_WORD = re.compile(r"[^\W_]")


def detect_pattern_level(blocks: list[Block]) -> int:
    """The heading level whose sections carry the code.

    For each level, count the headings whose subtree holds a code block. Levels whose headings
    are mere containers (nothing of their own before their first sub-heading) and a lone top
    heading (the title) cannot be the pattern level. Of the rest, take the shallowest level with
    at least 60% of the best count, so "#### Example" under each pattern does not win. A guide
    without code is read the same way with content in place of code: a list of links written as
    a few top headings over many categories has the categories as its entries.
    """
    if not any(block.fences for block in blocks):
        return _shallowest_carrying(blocks, lambda block: block.kind not in ("heading", "other"))
    return _shallowest_carrying(blocks, lambda block: bool(block.fences))


def _shallowest_carrying(blocks: list[Block], carries: Callable[[Block], bool]) -> int:
    """The heading level `detect_pattern_level` picks, counting the headings whose subtree holds a
    block that `carries`."""
    counts: dict[int, int] = {}
    with_own: dict[int, int] = {}
    headings_at: dict[int, int] = {}
    open_headings: dict[int, list[bool]] = {}  # level -> [carries, has own content]
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
        if carries(block):
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
        # Nothing anywhere: the level below the title, or the only level there is.
        levels = sorted(lv for lv, n in headings_at.items() if n > 1) or sorted(headings_at)
        return levels[0]
    best = max(candidates.values())
    return min(lv for lv, c in candidates.items() if c >= 0.6 * best)


# Pictures, linked or not, and the HTML and line breaks around them.
_TARGET = r"(?:\([^)]*\)|\[[^\]]*\])"  # `(url)` or a reference `[label]`
_PICTURE = re.compile(rf"\[\s*!\[[^\]]*\]{_TARGET}\s*\]{_TARGET}|!\[[^\]]*\]{_TARGET}|<[^>]*>|\\$", re.MULTILINE)
# A picture alone that says something (a diagram: "How a request flows") is no decoration.
_TELLING_ALT = re.compile(rf"(?<!\[)!\[(\S+\s+){{2,}}\S+\]{_TARGET}")


def _pictures_only(block: Block) -> bool:
    """Whether a block shows pictures and nothing else (a logo, a row of badges)."""
    if block.kind not in ("paragraph", "html") or block.fences:
        return False
    if "![" not in block.markdown and "<img" not in block.markdown.lower():
        return False
    return not _PICTURE.sub("", block.markdown).strip() and not _TELLING_ALT.search(block.markdown)


def load_single_file(path: Path, *, pattern_level: int | None, encoding: str | None,
                     display: str, file: str | None = None, root: Path | None = None,
                     wiki_page_last: bool = False, one_of_many: bool = False, title: str | None = None) -> DraftGuide:
    """The guide in one Markdown file; `file` is what the KB calls it (its name by default). A
    page of a folder (`root`, the folder named) has its includes expanded from inside it; one of
    many pages leads its entries' paths with its title (cut_file). `title` is what the page is
    called when it names itself nowhere (a site's menu's title), else its file's name."""
    guide_text = read_guide_text(path, encoding)
    sha256 = hashlib.sha256(guide_text.raw).hexdigest()
    text, repaired_runs, guessed = guide_text.text, guide_text.repaired_runs, guide_text.warning()
    del guide_text  # the file's bytes: a second copy of a large guide, not needed from here on
    file = file or printable(path.name)
    warnings: list[tuple[str, int | None, str]] = [(display, *guessed)] if guessed else []
    expanded, origin = expand_with_lines(text, path, root, lambda line, message: warnings.append(
        (display, line, message)), folder_page=True) if root is not None else (text, None)
    unexpanded = includes_in(text) if root is None and ("{" in text or "--8<--" in text) else []
    if unexpanded:
        # A file named on its own reads no other file: a guide from elsewhere must not pull in
        # what lies beside it. Its folder, named, is read with its includes.
        shown = [written for _, written, _ in unexpanded]
        warnings.append((display, unexpanded[0][0], f"{counted(shown, 'include directive')} "
                                                    f"left as written: a file named on its own reads no other "
                                                    f"file (name its folder to expand them): {some_of(shown)}"))
    document = read_document(expanded, display, warnings, origin, wiki_page_last=wiki_page_last)
    if origin is not None:
        document.lines = text.split("\n")  # the lines the blocks' numbers count, as the file has them
    del text, expanded
    blocks = document.blocks
    level = pattern_level or detect_pattern_level(blocks)
    if not any(b.kind == "heading" or b.fences for b in blocks) and \
            not meaningful([b for b in blocks if b.kind != "front-matter"]):
        # A page of prose alone is one entry (under its front matter's title, or its file's name).
        raise EmptyGuide("no headings, no code and no text: nothing to make entries from", file=display)
    # Called, when it says nothing itself, by the menu's title, else as its address names it.
    name = title or page_name(path.resolve().as_posix())
    guide = DraftGuide(title=printable(name), file=file, layout="single-file", pattern_level=level,
                       sections=[], patterns=[], checklist=[], texts={file: document.lines},
                       repaired_runs=repaired_runs, sha256=sha256, warnings=warnings,
                       documents={file: document}, displays={file: display}, one_of_many=one_of_many)
    outline = Outline(guide, document, file)
    guide.navigation[file] = outline.navigation_targets
    guide.source = str(path.resolve())
    cut_file(guide, outline, level, page=one_of_many)
    return guide


def cut_file(guide: DraftGuide, outline: Outline, level: int, *, page: bool = False) -> None:
    """Sections at the deepest level above the pattern level, patterns at it; what a title, a
    section or a heading between them says before the next of those is an overview entry. A
    `page` of a folder leads its entries' paths with its title: its sections ("Rule details",
    "Options") are those of many pages."""
    blocks, placed = outline.blocks, guide.placed
    above = sorted({b.level for b in blocks if b.kind == "heading" and b.level < level})
    section_level = above[-1] if above else None
    # On a page of a folder only a `#` heading is a title: below it ("## Examples" on each of a
    # linter's rule pages) the site titles the page by its front matter or file name
    # (no-unused-vars.md), and the heading is one of its sections.
    titles = 1 if page else 6
    title_index = next((i for i, b in enumerate(blocks) if b.kind == "heading" and section_level is not None
                        and b.level < section_level and b.level <= titles), None)
    # A heading without words ("# };" closing a title "Style Guide() {") competes with no title.
    headings = [b for b in blocks if b.kind == "heading" and _WORD.search(b.text)]
    least = min((h.level for h in headings), default=0)
    top = [b for b in headings if b.level == least]
    # A README may centre its title in HTML (`<h1 align="center">Title</h1>`) before any heading.
    first_html = next((b for b in blocks if b.text.strip()), None)
    lines = guide.texts.get(outline.file, [])
    html_h1 = html_title("\n".join(lines[first_html.line_start - 1:first_html.line_end])) \
        if first_html is not None and first_html.kind == "html" else None
    if title_index is not None:
        guide.title = split_icon(blocks[title_index].text)[1]
    elif html_h1:
        guide.title = html_h1
    elif len(top) == 1 and top[0] is headings[0] and least <= titles \
            and not any(b.fences for b in takewhile(lambda b: b is not top[0], blocks)):
        # A lone top heading, even when it makes the section; but not one after code ("## Further
        # Reading" below a whole guide written as one commented code block).
        guide.title = split_icon(top[0].text)[1]
    elif blocks and blocks[0].kind == "front-matter":
        guide.title = front_matter_title(blocks[0]) or guide.title
    units = outline.units(0, level)
    # Per section heading: whether a heading below it (down to the pattern level) follows before
    # the next section, and where the section ends; one pass from the end.
    has_children: dict[int, bool] = {}
    section_end: dict[int, int] = {}
    child, end_of = False, len(blocks)
    for i, _ in reversed(units):
        lv = blocks[i].level
        if section_level is None or lv > section_level:
            child = True
        else:
            if lv == section_level:
                has_children[i], section_end[i] = child, end_of
            child, end_of = False, i
    implicit: list[DraftSection] = []

    def implicit_section() -> DraftSection:
        if not implicit:
            implicit.append(DraftSection(heading=guide.title, role="content", file=outline.file, line_start=1,
                                         line_end=blocks[-1].line_end if blocks else 1))
            guide.sections.append(implicit[0])
        return implicit[0]

    first = units[0][0] if units else len(blocks)
    before = outline.live(blocks[:first])
    if before and all(_pictures_only(b) for b in before if b.kind != "front-matter"):
        # A README's logo and badges above its first heading: an entry of nothing but "Logo".
        for b in before:
            placed.setdefault(id(b), "decoration")
        before = []
    # A short opening (words, no code) above a title opens the title's overview: an overview of
    # its own was a second one of the same title. A title is a heading above the sections, or the
    # one section there is (`# Title` over `## Use it`); above the first of several sections the
    # words say what the page is about, and a language tour in one code block is no opening.
    sections = sum(1 for i, _ in units if blocks[i].level == section_level)
    opens_above = bool(units) and section_level is not None and not any(b.fences for b in before) \
        and (blocks[first].level < section_level
             or (blocks[first].level == section_level and sections == 1 and has_children.get(first, False)
                 and not CHECKLIST.search(blocks[first].text)))
    # A front matter's description (markdown.py) joins the words opening the page, or its title's
    # overview; alone above the sections, it makes no entry of its own: the page's metadata.
    front_end = blocks[0].line_end if blocks and blocks[0].kind == "front-matter" else 0
    below = [b for b in before if b.line_start > front_end]
    if len(below) < len(before) and not meaningful(below) and not opens_above:
        for b in before:
            placed.setdefault(id(b), "front matter")
        before = below
    if meaningful(before) and not opens_above:
        outline.entry(guide.title, implicit_section(), [guide.title], kind="overview", heading=None,
                      body=blocks[:first])
    section: DraftSection | None = None
    group: str | None = None
    skip_until = 0
    # Headings above the sections other than the guide's title (a changelog's versions): their
    # titles lead the paths of the entries below them, so no heading's words are lost.
    above_titles: dict[int, str] = {}
    if page and title_index is None:  # a page titled by no heading of its own leads them too
        above_titles[0] = guide.title
    done = len(guide.patterns)
    for i, end in units:
        _lead_paths(guide.patterns[done:], above_titles)
        done = len(guide.patterns)
        if i < skip_until:
            continue
        block = blocks[i]
        title = split_icon(block.text)[1]
        own = outline.live(blocks[i + 1:end])
        above = before if i == first and opens_above else []
        own = [*above, *own]
        if section_level is not None and block.level < section_level:
            placed[id(block)] = "title"
            section, group = None, None
            above_titles = {lv: t for lv, t in above_titles.items() if lv < block.level}
            if i != title_index or page:
                above_titles[block.level] = title
            if meaningful(own):
                outline.entry(title, implicit_section(), [title], kind="overview", heading=block, body=own, end=end)
            else:
                outline.pending += outline.anchors.get(i, [])
        elif block.level == section_level:
            group = None
            section = _section(guide, outline, i, end, section_end[i], has_children[i], title, above)
            if section is not None and section.role == "checklist":
                skip_until = section_end[i]
        elif block.level < level:
            group = title
            base = [split_icon(section.heading)[1]] if section is not None else []
            if meaningful(own):
                outline.entry(title, section or implicit_section(), [*base, title], kind="overview",
                              heading=block, body=own, end=end)
            else:
                placed[id(block)] = "heading"
                outline.pending += outline.anchors.get(i, [])
        else:
            if not meaningful(own) and any(placed.get(id(b)) == "contents" for b in blocks[i + 1:end]):
                # A heading over a table of contents, and the spacing around it (`<br/>` lines).
                for b in [block, *own]:
                    placed[id(b)] = "contents"
                continue
            if section is None or section.role != "content":
                section = implicit_section()
            path = [split_icon(section.heading)[1], *([group] if group else []), title]
            if section_level is None:
                path = [title]
            outline.entry(block.text, section, path, kind="pattern", heading=block, body=blocks[i + 1:end], end=end)
    _lead_paths(guide.patterns[done:], above_titles)


def _lead_paths(drafts: list, above_titles: dict[int, str]) -> None:
    """Lead the drafts' paths with the titles above them, outermost first; the overview of the
    innermost (its path is its title) with those outside it."""
    prefix = [above_titles[lv] for lv in sorted(above_titles)]
    for draft in drafts:
        draft.path[:0] = prefix[:-1] if draft.path[:1] == prefix[-1:] else prefix


def _section(guide: DraftGuide, outline: Outline, i: int, end: int, section_end: int, has_children: bool,
             title: str, above: list[Block]) -> DraftSection | None:
    """The section of heading `i`, and its entry or overview: what it says before its first
    sub-heading, after what stands `above` it when it opens the document."""
    blocks = outline.blocks
    block = blocks[i]
    role = "checklist" if CHECKLIST.search(title) else "content"
    body = [*above, *outline.live(blocks[i + 1:section_end if role == "checklist" or not has_children else end])]
    if role == "content" and not has_children and not meaningful(body):
        # A heading over nothing but a table of contents (or nothing at all) is no section.
        contents = any(guide.placed.get(id(b)) == "contents" for b in blocks[i + 1:end])
        guide.placed[id(block)] = "contents" if contents else "heading"
        for b in body:  # what it holds that says nothing (`<br/>` lines): spacing
            guide.placed[id(b)] = "contents" if contents else "markup"
        return None
    section = DraftSection(heading=block.text, role=role, file=outline.file, line_start=block.line_start,
                           line_end=max(blocks[section_end - 1].line_end if section_end > i else block.line_end,
                                        block.line_start),
                           summary=next((b.text for b in body if b.kind == "paragraph"), ""))
    guide.sections.append(section)
    guide.placed[id(block)] = "section"
    if role == "checklist":
        rest = outline.checklist(title, body, section)
        if meaningful(rest):
            outline.entry(title, section, [title], kind="overview", heading=None, body=rest)
        else:
            for b in rest:
                guide.placed[id(b)] = "decoration"
    elif not has_children:
        # Content straight under a section with no pattern headings: the section is the entry.
        kind = "pattern" if any(b.fences for b in body) else "overview"
        outline.entry(block.text, section, [title], kind=kind, heading=block,
                      body=[*above, *blocks[i + 1:section_end]], end=section_end)
    elif meaningful(body):
        outline.entry(title, section, [title], kind="overview", heading=block, body=body, end=end)
        guide.placed[id(block)] = "section"
    else:
        outline.pending += outline.anchors.get(i, [])
    return section
