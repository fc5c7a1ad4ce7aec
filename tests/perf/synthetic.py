"""A generated KB of any size, made from the bundled one: titles, identifiers and sections vary so
the index has as many distinct terms as a real large KB would."""

from __future__ import annotations

import random
import re

from patternkb.kb.models import KnowledgeBase, Section, Source
from patternkb.kb.paths import BUNDLED_KB
from patternkb.kb.store import load_kb

WORDS = ("cache queue stream token buffer socket parser shard ledger cursor worker session codec "
         "frame index lease quota metric probe signal batch window journal vault relay beacon").split()


def synthetic_kb(entries: int, seed: int = 7) -> KnowledgeBase:
    base = load_kb(BUNDLED_KB)
    rng = random.Random(seed)
    patterns = base.patterns
    sections = [Section(id=f"area-{n}", guide="synthetic", title=f"Area {n} {WORDS[n % len(WORDS)].title()}",
                        icon="", order=n, summary="", role="content",
                        source=Source(file="synthetic.md", line_start=1, line_end=1)) for n in range(50)]
    out = []
    for i in range(entries):
        p = patterns[i % len(patterns)]
        suffix = f"{WORDS[rng.randrange(len(WORDS))]}{i}"
        rename = {name: f"{name}{suffix.title()}" for name in p.defines if name.isidentifier()}

        def renamed(code: str) -> str:
            if not rename:
                return code
            return re.sub(r"\b(" + "|".join(map(re.escape, rename)) + r")\b", lambda m: rename[m.group(1)], code)

        section = sections[i % len(sections)]
        code = [b.model_copy(update={"code": renamed(b.code)}) for b in p.code]
        snippets = [s.model_copy(update={"code": renamed(s.code), "title": f"{s.title} {suffix}"}) for s in p.snippets]
        out.append(p.model_copy(update=dict(
            id=f"{section.id}/{p.id.split('/')[1]}-{i}", guide="synthetic", title=f"{p.title} {suffix.title()}",
            section=section.id, path=[section.title, f"{p.title} {suffix.title()}"], order=i, code=code,
            snippets=snippets, defines=[rename.get(d, d) for d in p.defines],
            symbols=[rename.get(s, s) for s in p.symbols], links=[])))
    manifest = base.manifest.model_copy(update={"guides": []})
    return KnowledgeBase(manifest=manifest, sections=sections, entries=out)
