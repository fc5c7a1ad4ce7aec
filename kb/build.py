"""Drafts from every guide become one knowledge base: unique ids, code facts, tags, links."""

from __future__ import annotations

import gc
import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from patternkb.kb import __version__
from patternkb.kb.collector import collector_paused
from patternkb.kb.code import MAX_SNIPPETS, CodeFacts, snippet_title, split_snippets
from patternkb.kb.coverage import account
from patternkb.kb.drafts import DraftGuide, DraftPattern
from patternkb.kb.entry_ids import Ids, between, entry_parts, guide_parts, section_parts
from patternkb.kb.facts_ahead import facts_in_order
from patternkb.kb.errors import GuideError
from patternkb.kb.headings import MAX_LABEL, bold_label, split_icon
from patternkb.kb.links import LinkTargets, warn_nowhere
from patternkb.kb.site_links import Amendment, SiteLinks
from patternkb.kb.markdown import Block, Link, rendered_href
from patternkb.kb.models import (
    SCHEMA_VERSION, BuildWarning, ChecklistItem, CodeBlock, Counts, GuideInfo, KnowledgeBase, LinkCounts,
    Manifest, Overview, Part, Pattern, Section, Snippet, Source,
)
from patternkb.kb.slugs import part_anchors
from patternkb.kb.tags import choose_tags

_INLINE_CODE = re.compile(r"`([^`]+)`")
# `[text][label]`, `[label][]` and `[label]`, for the definitions an entry's Markdown uses. A label
# holds no bracket (CommonMark), which also keeps a line of a million `[` linear (was quadratic).
# A shortcut `[label]` is one only when no `(`, `:` or `[` follows: `[the spec][spec]:` is the
# full reference `][spec]`, and its shortcut reading hid it (the definition was lost).
_REFERENCE = re.compile(r"\]\[([^\[\]]+)\]|\[([^\[\]]+)\]\[\]|\[([^\[\]]+)\](?![(:\[])")


def _field_errors(exc: ValidationError) -> str:
    return "; ".join(
        f"field {'.'.join(str(p) for p in err['loc']) or '(entry)'}: {err['msg']}" for err in exc.errors()
    )


class Assembler:
    """Drafts into validated entries one guide at a time, in KB order: ids unique across guides,
    links resolved within a guide, sections, counts and warnings kept for the manifest. Only the
    guide being assembled is held; each draft's blocks are let go once its entry is made."""

    def __init__(self) -> None:
        self.ids = Ids()
        self.guide_ids = Ids()
        self.sections: list[Section] = []
        self.infos: list[GuideInfo] = []
        # Each guide's own warnings list, read when the manifest is made: a folder's skipped
        # files are put before its first guide's warnings once the folder has been read.
        self._warnings: list[list[tuple[str, int | None, str]]] = []
        self.site_links = SiteLinks()
        self.counts = dict(patterns=0, overviews=0, code_blocks=0, snippets=0, checklist_items=0, repaired_runs=0)
        self.order = 0

    def guide(self, guide: DraftGuide) -> Iterator[Pattern | Overview | ChecklistItem]:
        """The guide's entries in order, each validated; the guide's info is recorded at the end."""
        coverage = account(guide)
        guide.placed.clear()
        for document in guide.documents.values():
            document.blocks, document.lines = [], []  # counted: from here on only the drafts' own blocks are read
        guide.texts.clear()
        ids = self.ids
        guide_id = self.guide_ids.claim(*guide_parts(self.guide_ids, guide.title, guide.file))
        section_ids: dict[int, str] = {}
        section_titles: dict[int, str] = {}
        split = [split_icon(draft.heading) for draft in guide.sections]
        claims = section_parts(ids, [title for _, title in split], [d.file for d in guide.sections],
                               one_of_many=guide.one_of_many)
        for draft, (icon, title), parts in zip(guide.sections, split, claims):
            sid = ids.claim(*parts)
            section_ids[id(draft)] = sid
            section_titles[id(draft)] = title
            self.sections.append(_validated(Section, draft.file, draft.line_start, title, dict(
                id=sid, guide=guide_id, title=title, icon=icon, order=len(self.sections), summary=draft.summary,
                role=draft.role, source=Source(file=draft.file, line_start=draft.line_start,
                                               line_end=max(draft.line_end, draft.line_start)))))
        targets = LinkTargets(root=guide.link_root, navigation=guide.navigation,
                              single_file=guide.layout == "single-file", in_site=guide.site is not None)
        number = len(self.infos)  # the guide's, among those assembled
        asked = []
        for draft in guide.patterns:
            title, section_title = split_icon(draft.heading)[1], section_titles[id(draft.section)]
            overview = draft.kind == "overview" and title == section_title
            asked.append((section_ids[id(draft.section)], "overview" if overview else title,
                          between(draft.path, section_title)))
        pattern_ids = [ids.claim(*parts, under=sid) for (sid, _, _), parts in zip(asked, entry_parts(ids, asked))]
        for draft, pid in zip(guide.patterns, pattern_ids):
            named = part_anchors([part.name for part in draft.parts])
            targets.add(draft.file, draft.anchors, pid, {anchor: named[n] for anchor, n in draft.part_of.items()})
        item_ids: list[str] = []
        for item in guide.checklist:
            item_ids.append(ids.claim(item.list, item.text, under=section_ids[id(item.section)]))
            targets.add(item.file, [], item_ids[-1])  # a checklist page leads to its first item
        counts = self.counts
        facts = facts_in_order([fence for draft in guide.patterns for block in draft.blocks
                                if block.kind != "heading" for fence in _code_fences(block)])
        for n, (draft, pid) in enumerate(zip(guide.patterns, pattern_ids)):
            entry = _pattern(guide, guide_id, draft, pid, section_ids[id(draft.section)],
                             section_titles[id(draft.section)], targets, self.order, facts)
            guide.patterns[n] = None  # type: ignore[call-overload]  # its blocks are in the entry now
            self._waits(entry, guide, number, targets)
            self.order += 1
            if entry.kind == "pattern":
                counts["patterns"] += 1
                counts["code_blocks"] += len(entry.code)
                counts["snippets"] += len(entry.snippets)
            else:
                counts["overviews"] += 1
            yield entry
        for n, (item, iid) in enumerate(zip(guide.checklist, item_ids)):
            entry = self._item(guide, guide_id, item, iid, section_ids, section_titles, targets)
            self._waits(entry, guide, number, targets)
            yield entry
            guide.checklist[n] = None  # type: ignore[call-overload]
            counts["checklist_items"] += 1
            self.order += 1
        counts["repaired_runs"] += guide.repaired_runs
        self.infos.append(GuideInfo(id=guide_id, title=guide.title, file=guide.file, layout=guide.layout,
                                    sha256=guide.sha256, pattern_level=guide.pattern_level,
                                    repaired_runs=guide.repaired_runs, coverage=coverage,
                                    links=LinkCounts(internal=targets.internal, resolved=targets.resolved,
                                                     navigation=targets.navigated, unresolved=targets.unresolved)))
        self._warnings.append(guide.warnings)
        if guide.site is not None:
            self.site_links.add_pages(guide.site, targets)

    def _waits(self, entry, guide: DraftGuide, number: int, targets: LinkTargets) -> None:
        """Keep the entry's links to other pages of its folder until every page is read."""
        if targets.elsewhere:
            self.site_links.wait(entry.order, entry.id, guide.site or "", number, targets.elsewhere)
            targets.elsewhere = []

    def amendments(self) -> dict[int, Amendment]:
        """Once every guide is assembled: resolve the links between the pages of a folder, and
        return what each entry (by its place in the KB) gains. The guides' link counts and
        warnings say what became of them (call before `manifest`)."""
        amendments, nowhere, counts = self.site_links.resolve()
        for number, (resolved, unresolved) in counts.items():
            info = self.infos[number]
            links = info.links.model_copy(update=dict(internal=info.links.internal + resolved + unresolved,
                                                      resolved=info.links.resolved + resolved,
                                                      unresolved=info.links.unresolved + unresolved))
            self.infos[number] = info.model_copy(update=dict(links=links))
        for number, found in nowhere.items():
            by_line: dict[tuple[str, int], list[str]] = {}
            for display, line, href in found:
                by_line.setdefault((display, line), []).append(href)
            for (display, line), hrefs in by_line.items():
                warn_nowhere(self._warnings[number], display, line, hrefs, "page of the folder, or heading of one")
        return amendments

    def _item(self, guide: DraftGuide, guide_id: str, item, iid: str, section_ids: dict[int, str],
              section_titles: dict[int, str], targets: LinkTargets) -> ChecklistItem:
        sid = section_ids[id(item.section)]
        symbols = _INLINE_CODE.findall(item.markdown)
        links, goes_to = _links(guide, targets, item.file, item.links, iid)
        section_title = section_titles[id(item.section)]
        return _validated(ChecklistItem, item.file, item.line, item.text, dict(
            id=iid, guide=guide_id, title=item.text, text=item.markdown, group=item.group, list=item.list,
            section=sid, path=[section_title, item.list, item.group], order=self.order,
            symbols=sorted(set(symbols)), packages=[], links=links, link_targets=goes_to,
            tags=choose_tags(title=item.text, section=item.group, symbols=symbols, crates=[], prose=""),
            source=Source(file=item.file, line_start=item.line, line_end=item.line)))

    def manifest(self) -> Manifest:
        """The manifest of every guide assembled so far (counts agree with the entries yielded)."""
        counts = Counts(sections=sum(1 for s in self.sections if s.role == "content"), **self.counts)
        warnings = [BuildWarning(file=f, line=line, message=m) for guide in self._warnings for f, line, m in guide]
        return Manifest(schema_version=SCHEMA_VERSION, builder_version=__version__, guides=self.infos,
                        counts=counts, warnings=warnings)


def assemble(guides: Iterable[DraftGuide]) -> KnowledgeBase:
    """Turn drafts into validated entries, in guide order, with ids unique across all guides."""
    assembler = Assembler()
    entries = [entry for guide in guides for entry in assembler.guide(guide)]
    for order, amendment in assembler.amendments().items():
        entries[order] = entries[order].model_copy(update=amendment.applied(entries[order].links,
                                                                          entries[order].link_targets))
    return KnowledgeBase(manifest=assembler.manifest(), sections=assembler.sections, entries=entries)


def _links(guide: DraftGuide, targets: LinkTargets, file: str, links: list[Link],
           own: str) -> tuple[list[str], dict[str, str]]:
    """(ids of the entries `links` lead to, where each href that leads to an entry goes: an entry
    id, with "#" and a part's anchor); an internal link that leads nowhere is a warning."""
    found: list[str] = []
    goes_to: dict[str, str] = {}
    unresolved: dict[int, list[str]] = {}  # line -> its links that lead nowhere
    for link in links:
        kind, target = targets.resolve(file, link.href)
        if kind == "unresolved":
            unresolved.setdefault(link.line, []).append(link.href)
        elif kind == "elsewhere" and target:
            targets.elsewhere.append((rendered_href(link.href), target, guide.displays.get(file, file), link.line))
        elif target:
            entry_id = target.partition("#")[0]
            if target != own:  # to the entry itself, not to one of its parts: it goes nowhere new
                goes_to.setdefault(rendered_href(link.href), target)
            if entry_id != own and entry_id not in found:
                found.append(entry_id)
    display = guide.displays.get(file, file)
    for line, hrefs in unresolved.items():
        warn_nowhere(guide.warnings, display, line, hrefs)
    return found, goes_to


def _validated(model, file: str, line: int, title: str, data: dict):
    try:
        return model(**data)
    except ValidationError as exc:
        kind = model.__name__.lower()
        raise GuideError(f'{kind} "{title}": {_field_errors(exc)}', file=file, line=line) from None


def _markdown(blocks: list[Block], references: dict[str, str], *, code: bool) -> str:
    chunks = [b.markdown for b in blocks if code or b.kind != "fence"]
    text = "\n\n".join(c for c in chunks if c.strip())
    # Reference-style links keep their definitions, or the reader sees a bare "[label]".
    used = [references[label] for label in dict.fromkeys(_normal_label(next(g for g in m.groups() if g))
                                                          for m in _REFERENCE.finditer(text))
            if label in references]
    return text + ("\n\n" + "\n".join(used) if used else "")


def _normal_label(label: str) -> str:
    return " ".join(label.split()).upper()


def _label_of(block: Block) -> str:
    """The label a paragraph of bold words alone gives the code after it ("**Bad:**" -> Bad), or
    HTML that reads as one (a tab's `<TabItem value="npm">`, kb/html.py)."""
    label = bold_label(block.inline) if block.kind == "paragraph" else \
        bold_label(block.markdown) if block.kind == "html" else None
    return label.rstrip(":").strip() if label and len(label) <= MAX_LABEL else ""


def _code_fences(block: Block) -> list:
    """The block's fences that hold code: a fence that opens where its text ends (a closing fence
    typed shallower than its list item opens one) holds none, and is warned of already."""
    return [fence for fence in block.fences if fence.closed or fence.code.strip()]


def _pattern(guide: DraftGuide, guide_id: str, draft: DraftPattern, pid: str, sid: str, section_title: str,
             targets: LinkTargets, order: int, facts: Iterator[tuple[CodeFacts, list[CodeFacts]]]) -> Pattern:
    document = guide.documents.get(draft.file)
    references = {_normal_label(k): v for k, v in document.references.items()} if document else {}
    icon, title = split_icon(draft.heading)
    own_blocks = [b for b in draft.blocks if b.kind != "heading"]
    code: list[CodeBlock] = []
    snippets: list[Snippet] = []
    defines: list[str] = []
    symbols: list[str] = []
    packages: set[str] = set()
    modules: set[str] = set()
    label_before = ""  # a paragraph of bold words alone ("**Bad:**") labels the code right after it
    for block in own_blocks:
        label = label_before if block.kind == "fence" else ""
        label_before = _label_of(block)
        for fence in _code_fences(block):
            index = len(code)
            code.append(CodeBlock(language=fence.language or "text", code=fence.code, line_start=fence.line_start))
            spans = split_snippets(fence.code, fence.language)
            if spans[-1].units > 1:
                guide.warnings.append((guide.displays.get(draft.file, draft.file), fence.line_start,
                                       f"code block of {len(spans) + spans[-1].units - 1} commented units: "
                                       f"the last {spans[-1].units} are one snippet (at most {MAX_SNIPPETS} a block)"))
            whole, span_facts_list = next(facts)  # block_facts(fence.code, fence.language, spans)
            defines += whole.defines
            symbols += whole.symbols
            packages.update(whole.crates)
            modules.update(whole.modules)
            for n, (span, span_facts) in enumerate(zip(spans, span_facts_list)):
                name = snippet_title(span, span_facts, fence.language, fence.label or label, fence.caption or title)
                snippets.append(Snippet(title=name, language=fence.language or "text", code=span.code,
                                        block=index, line_start=fence.line_start + 1 + span.line_offset,
                                        symbols=span_facts.symbols))
    paragraphs = [b for b in own_blocks if b.kind == "paragraph" and b.text.strip()]
    summary = paragraphs[0].text if paragraphs else ""
    if not summary:
        first_list = next((b for b in own_blocks if b.kind == "list" and b.items), None)
        summary = first_list.items[0].text if first_list else ""
    prose_blocks = [b for b in own_blocks if b.kind != "fence"]
    text = "\n\n".join(b.text for b in prose_blocks if b.text)
    links, goes_to = _links(guide, targets, draft.file, [link for b in draft.blocks for link in b.links], pid)
    symbols = list(dict.fromkeys(symbols))
    package_list = sorted(packages - modules)
    comments = " ".join(s.title for s in snippets)
    data = dict(
        id=pid, guide=guide_id, title=title, icon=icon, section=sid, path=draft.path, order=order,
        summary=summary,
        markdown=_markdown(draft.blocks, references, code=True),
        prose=_markdown(own_blocks, references, code=False), text=text, code=code, snippets=snippets,
        parts=[Part(name=p.name, line_start=p.line_start,
                    markdown="\n\n".join(m for m in (p.item, _markdown(p.blocks, references, code=True)) if m),
                    text="\n\n".join(t for t in (p.item_text, *(b.text for b in p.blocks if b.kind != "fence")) if t))
               for p in draft.parts],
        defines=list(dict.fromkeys(defines)), symbols=symbols, packages=package_list,
        tags=choose_tags(title=title, section=section_title, symbols=symbols, crates=package_list,
                         prose=f"{text} {comments}"),
        links=links, link_targets=goes_to, aliases=[a for a in draft.aliases if a != title],
        source=Source(file=draft.file, line_start=draft.line_start, line_end=max(draft.line_end, draft.line_start)),
    )
    model = Overview if draft.kind == "overview" else Pattern
    return _validated(model, draft.file, draft.line_start, title, data)


def build_kb(paths: list[Path], *, pattern_level: int | None = None, encoding: str | None = None) -> KnowledgeBase:
    """Parse every guide named and assemble them into one validated KB (nothing is written)."""
    from patternkb.kb.sources import iter_guides

    with collector_paused():  # see build_into
        return assemble(iter_guides(paths, pattern_level=pattern_level, encoding=encoding))


def build_into(paths: list[Path], out: Path, *, pattern_level: int | None = None,
               encoding: str | None = None) -> Manifest:
    """Build the guides named into the KB folder `out`, streaming: each guide is parsed, and its
    entries validated and written one by one, so memory holds one guide's drafts, never the KB.
    Published atomically at the end; an error on the way leaves `out` as it was."""
    from patternkb.kb.sources import iter_guides
    from patternkb.kb.store import KBWriter

    assembler = Assembler()
    guides = iter_guides(paths, pattern_level=pattern_level, encoding=encoding)
    first = next(guides, None)  # a guide that cannot be read is the error, before the KB folder is touched
    if first is None:
        raise GuideError("no guide given")
    # A guide's blocks and drafts are millions of objects for a large guide, all alive until its
    # entries are made: the collector's automatic passes walked them again and again (4x a guide
    # took 5x the time). It is paused, and runs once after each guide, for the cycles it left: over
    # the youngest generation only, which (the collector paused) holds what was made since the
    # last pass. A full pass walks every object of every library loaded too: 26 ms a guide, 77 s
    # of the 81 a folder of 3,000 pages took.
    with collector_paused(), KBWriter(Path(out)) as writer:
        for guide in itertools.chain([first], guides):
            first = None
            for entry in assembler.guide(guide):
                writer.add(entry)
            del guide
            gc.collect(0)
        amendments = assembler.amendments()
        if amendments:
            writer.amend({order: amendment.apply_to for order, amendment in amendments.items()})
        manifest = assembler.manifest()
        writer.publish(manifest, assembler.sections)
    return manifest


def stale_files_of(paths: list[Path], out: Path, *, pattern_level: int | None = None,
                   encoding: str | None = None) -> tuple[Manifest, list[str]]:
    """Build the guides into a scratch folder (streaming, as `build_into`) and name the files of
    the KB in `out` that differ from it (all, when `out` holds no KB); `out` is only read. Two KBs
    are compared file by file from disk, never held in memory."""
    import filecmp
    import tempfile

    from patternkb.kb.errors import StoreError
    from patternkb.kb.files import live_dir

    with tempfile.TemporaryDirectory(prefix="patternkb-check-") as scratch:
        fresh = Path(scratch) / "kb"
        manifest = build_into(paths, fresh, pattern_level=pattern_level, encoding=encoding)
        built = live_dir(fresh)
        names = sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file())
        try:
            current: Path | None = live_dir(Path(out))
        except StoreError:
            current = None
        stale = [name for name in names
                 if current is None or not (current / name).is_file()
                 or not filecmp.cmp(built / name, current / name, shallow=False)]
    return manifest, stale
