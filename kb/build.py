"""Drafts from every guide become one knowledge base: unique ids, code facts, tags, links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from patternkb.kb import __version__
from patternkb.kb.code import block_facts, split_snippets, untitled_name
from patternkb.kb.drafts import DraftGuide, DraftPattern
from patternkb.kb.errors import GuideError
from patternkb.kb.headings import split_icon
from patternkb.kb.markdown import Block
from patternkb.kb.models import (
    SCHEMA_VERSION, BuildWarning, ChecklistItem, CodeBlock, Counts, GuideInfo, KnowledgeBase, Manifest, Part,
    Pattern, Section, Snippet, Source,
)
from patternkb.kb.slugs import slugify
from patternkb.kb.tags import choose_tags

_MAX_SLUG = 64
_INLINE_CODE = re.compile(r"`([^`]+)`")


@dataclass
class _Ids:
    taken: set[str] = field(default_factory=set)

    def claim(self, *parts: str) -> str:
        slugs = [_short(slugify(p)) or "untitled" for p in parts]
        base = "/".join(slugs)
        candidate, n = base, 1
        while candidate in self.taken:
            n += 1
            candidate = f"{base}-{n}"
        self.taken.add(candidate)
        return candidate


def _short(slug: str) -> str:
    if len(slug) <= _MAX_SLUG:
        return slug
    return slug[:_MAX_SLUG].rsplit("-", 1)[0]


def _field_errors(exc: ValidationError) -> str:
    return "; ".join(
        f"field {'.'.join(str(p) for p in err['loc']) or '(entry)'}: {err['msg']}" for err in exc.errors()
    )


def assemble(guides: list[DraftGuide]) -> KnowledgeBase:
    """Turn drafts into validated entries, in guide order, with ids unique across all guides."""
    ids = _Ids()
    guide_ids = _Ids()
    sections: list[Section] = []
    entries: list[Pattern | ChecklistItem] = []
    infos: list[GuideInfo] = []
    warnings: list[BuildWarning] = []
    order = 0
    for guide in guides:
        guide_id = guide_ids.claim(guide.file.rsplit(".", 1)[0] if guide.layout == "single-file" else guide.file)
        infos.append(GuideInfo(id=guide_id, title=guide.title, file=guide.file, layout=guide.layout,
                               sha256=guide.sha256, pattern_level=guide.pattern_level,
                               repaired_runs=guide.repaired_runs))
        section_ids: dict[int, str] = {}
        section_titles: dict[int, str] = {}
        for draft in guide.sections:
            icon, title = split_icon(draft.heading)
            sid = ids.claim(title)
            section_ids[id(draft)] = sid
            section_titles[id(draft)] = title
            sections.append(_validated(Section, draft.file, draft.line_start, title, dict(
                id=sid, guide=guide_id, title=title, icon=icon, order=len(sections), summary=draft.summary,
                role=draft.role, source=Source(file=draft.file, line_start=draft.line_start,
                                               line_end=max(draft.line_end, draft.line_start)))))
        keys: dict[str, str] = {}
        pattern_ids: list[str] = []
        for draft in guide.patterns:
            pid = ids.claim(section_ids[id(draft.section)], split_icon(draft.heading)[1])
            pattern_ids.append(pid)
            keys[draft.key] = pid
        for draft, pid in zip(guide.patterns, pattern_ids):
            entries.append(_pattern(guide, guide_id, draft, pid, section_ids[id(draft.section)],
                                    section_titles[id(draft.section)], keys, order))
            order += 1
        for item in guide.checklist:
            sid = section_ids[id(item.section)]
            iid = ids.claim(sid, item.list, item.text)
            symbols = _INLINE_CODE.findall(item.markdown)
            section_title = section_titles[id(item.section)]
            entries.append(_validated(ChecklistItem, item.file, item.line, item.text, dict(
                id=iid, guide=guide_id, title=item.text, text=item.markdown, group=item.group, list=item.list,
                section=sid, path=[section_title, item.list, item.group], order=order,
                symbols=sorted(set(symbols)), crates=[],
                tags=choose_tags(title=item.text, section=item.group, symbols=symbols, crates=[], prose=""),
                source=Source(file=item.file, line_start=item.line, line_end=item.line))))
            order += 1
        warnings.extend(BuildWarning(file=f, line=line, message=m) for f, line, m in guide.warnings)
    patterns = [e for e in entries if isinstance(e, Pattern)]
    counts = Counts(
        sections=sum(1 for s in sections if s.role == "content"),
        patterns=len(patterns),
        code_blocks=sum(len(p.code) for p in patterns),
        snippets=sum(len(p.snippets) for p in patterns),
        checklist_items=sum(1 for e in entries if isinstance(e, ChecklistItem)),
        repaired_runs=sum(g.repaired_runs for g in guides),
    )
    manifest = Manifest(schema_version=SCHEMA_VERSION, builder_version=__version__, guides=infos,
                        counts=counts, warnings=warnings)
    return KnowledgeBase(manifest=manifest, sections=sections, entries=entries)


def _validated(model, file: str, line: int, title: str, data: dict):
    try:
        return model(**data)
    except ValidationError as exc:
        kind = model.__name__.lower()
        raise GuideError(f'{kind} "{title}": {_field_errors(exc)}', file=file, line=line) from None


def _markdown(lines: list[str], blocks: list[Block], *, code: bool) -> str:
    chunks = []
    for block in blocks:
        if block.kind == "fence" and not code:
            continue
        chunks.append("\n".join(lines[block.line_start - 1:block.line_end]))
    return "\n\n".join(c for c in chunks if c.strip())


def _pattern(guide: DraftGuide, guide_id: str, draft: DraftPattern, pid: str, sid: str, section_title: str,
             keys: dict[str, str], order: int) -> Pattern:
    lines = guide.texts[draft.file]
    icon, title = split_icon(draft.heading)
    own_blocks = [b for b in draft.blocks if b.kind != "heading"]
    code: list[CodeBlock] = []
    snippets: list[Snippet] = []
    defines: list[str] = []
    symbols: list[str] = []
    crates: set[str] = set()
    modules: set[str] = set()
    for block in own_blocks:
        for fence in block.fences:
            index = len(code)
            code.append(CodeBlock(language=fence.language or "text", code=fence.code, line_start=fence.line_start))
            spans = split_snippets(fence.code, fence.language)
            facts, span_facts_list = block_facts(fence.code, fence.language, spans)
            defines += facts.defines
            symbols += facts.symbols
            crates.update(facts.crates)
            modules.update(facts.modules)
            for n, (span, span_facts) in enumerate(zip(spans, span_facts_list)):
                name = span.title or untitled_name(span.code, fence.language) or \
                    (span_facts.defines[0] if span_facts.defines else None)
                if name is None:
                    name = title if len(spans) == 1 else f"{title} ({n + 1})"
                snippets.append(Snippet(title=name, language=fence.language or "text", code=span.code,
                                        block=index, line_start=fence.line_start + 1 + span.line_offset,
                                        symbols=span_facts.symbols))
    paragraphs = [b for b in own_blocks if b.kind == "paragraph"]
    summary = paragraphs[0].text if paragraphs else ""
    if not summary:
        first_list = next((b for b in own_blocks if b.kind == "list" and b.items), None)
        summary = first_list.items[0].text if first_list else ""
    prose_blocks = [b for b in own_blocks if b.kind != "fence"]
    text = "\n\n".join(b.text for b in prose_blocks if b.text)
    links = []
    for block in draft.blocks:
        for href in block.links:
            target = keys.get(href) or keys.get(href.split("#", 1)[0]) or keys.get(_normalise(draft.file, href))
            if target and target != pid and target not in links:
                links.append(target)
    symbols = list(dict.fromkeys(symbols))
    crate_list = sorted(crates - modules)
    comments = " ".join(s.title for s in snippets)
    data = dict(
        id=pid, guide=guide_id, title=title, icon=icon, section=sid, path=draft.path, order=order,
        summary=summary,
        markdown=_markdown(lines, draft.blocks, code=True),
        prose=_markdown(lines, own_blocks, code=False), text=text, code=code, snippets=snippets,
        parts=[Part(name=p.name, markdown=_markdown(lines, p.blocks, code=True), line_start=p.line_start)
               for p in draft.parts],
        defines=list(dict.fromkeys(defines)), symbols=symbols, crates=crate_list,
        tags=choose_tags(title=title, section=section_title, symbols=symbols, crates=crate_list,
                         prose=f"{text} {comments}"),
        links=links, source=Source(file=draft.file, line_start=draft.line_start,
                                   line_end=max(draft.line_end, draft.line_start)),
    )
    return _validated(Pattern, draft.file, draft.line_start, title, data)


def _normalise(base: str, href: str) -> str:
    """A relative link from file `base` as a path from the guide's root (mdBook cross links)."""
    target = href.split("#", 1)[0]
    if not target or "://" in target or target.startswith(("/", "mailto:")):
        return href
    parts: list[str] = []
    for piece in (PurePosixPath(base).parent / target).parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def build_kb(paths: list[Path], *, pattern_level: int | None = None, encoding: str | None = None) -> KnowledgeBase:
    """Parse every guide named and assemble them into one validated KB (nothing is written)."""
    from patternkb.kb.sources import load_guides

    return assemble(load_guides(paths, pattern_level=pattern_level, encoding=encoding))
