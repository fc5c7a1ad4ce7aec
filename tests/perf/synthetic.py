"""A generated KB of any size, made from the bundled one: titles, identifiers and sections vary so
the index has as many distinct terms as a real large KB would. Split into `guides` guides (each
with sections of its own); `changed_guide` rewrites that guide's text, as an edit would."""

from __future__ import annotations

import hashlib
import random
import re

from patternkb.kb.models import KnowledgeBase, Section, Source
from patternkb.kb.paths import BUNDLED_KB
from patternkb.kb.store import load_kb

WORDS = ("cache queue stream token buffer socket parser shard ledger cursor worker session codec "
         "frame index lease quota metric probe signal batch window journal vault relay beacon").split()
SECTIONS = 50


def guide_name(guide: int, guides: int) -> str:
    return "synthetic" if guides == 1 else f"synthetic-{guide}"


def synthetic_kb(entries: int, seed: int = 7, guides: int = 1, changed_guide: int | None = None) -> KnowledgeBase:
    manifest, sections, made = synthetic_parts(entries, seed, guides, changed_guide)
    return KnowledgeBase(manifest=manifest, sections=sections, entries=list(made))


def synthetic_parts(entries: int, seed: int = 7, guides: int = 1, changed_guide: int | None = None):
    """(manifest, sections, the entries one at a time): for writing a large KB with bounded memory."""
    base = load_kb(BUNDLED_KB)
    patterns = base.patterns
    per_guide = max(1, SECTIONS // guides)
    sections = [Section(id=f"area-{n}" if guides == 1 else f"g{g}-area-{n}", guide=guide_name(g, guides),
                        title=f"Area {n} {WORDS[n % len(WORDS)].title()}", icon="", order=g * per_guide + n,
                        summary="", role="content", source=Source(file="synthetic.md", line_start=1, line_end=1))
                for g in range(guides) for n in range(per_guide)]
    # The counts the entries will have: each is a copy of one of the bundled patterns.
    code_blocks = sum(len(patterns[i % len(patterns)].code) for i in range(entries))
    snippets = sum(len(patterns[i % len(patterns)].snippets) for i in range(entries))
    guide_info = base.manifest.guides[0]
    infos = [guide_info.model_copy(update=dict(
        id=guide_name(g, guides), file=f"{guide_name(g, guides)}.md",
        sha256=hashlib.sha256(f"{entries} {seed} {g} {g == changed_guide}".encode()).hexdigest()))
        for g in range(guides)]
    counts = base.manifest.counts.model_copy(update=dict(
        sections=len(sections), patterns=entries, overviews=0, checklist_items=0,
        code_blocks=code_blocks, snippets=snippets))
    manifest = base.manifest.model_copy(update={"guides": infos, "counts": counts, "warnings": []})

    def made():
        rng = random.Random(seed)
        for i in range(entries):
            p = patterns[i % len(patterns)]
            suffix = f"{WORDS[rng.randrange(len(WORDS))]}{i}"
            rename = {name: f"{name}{suffix.title()}" for name in p.defines if name.isidentifier()}

            def renamed(code: str) -> str:
                if not rename:
                    return code
                return re.sub(r"\b(" + "|".join(map(re.escape, rename)) + r")\b", lambda m: rename[m.group(1)], code)

            guide = i * guides // entries
            section = sections[guide * per_guide + i % per_guide]
            code = [b.model_copy(update={"code": renamed(b.code)}) for b in p.code]
            snippets = [s.model_copy(update={"code": renamed(s.code), "title": f"{s.title} {suffix}"}) for s in p.snippets]
            text = p.text if guide != changed_guide else f"{p.text} Revised {WORDS[i % len(WORDS)]}"
            yield p.model_copy(update=dict(
                id=f"{section.id}/{p.id.split('/')[1]}-{i}", guide=guide_name(guide, guides),
                title=f"{p.title} {suffix.title()}", section=section.id, path=[section.title, f"{p.title} {suffix.title()}"],
                order=i, code=code, snippets=snippets, defines=[rename.get(d, d) for d in p.defines], text=text,
                symbols=[rename.get(s, s) for s in p.symbols], links=[]))

    return manifest, sections, made()
