"""Coverage accounting: every block of every file of a guide is in an entry, deliberately left out
(a table of contents, navigation, an anchor, a comment), or lost, and each lost block is a warning."""

from __future__ import annotations

from patternkb.kb.drafts import DraftGuide
from patternkb.kb.models import BlockCoverage, GuideInfo, Manifest

# Where a placed block counts: the rest are left out on purpose.
IN_ENTRIES = frozenset({"entry", "section", "checklist", "title", "heading"})
# A block's kind as a maintainer names it.
KIND_NAMES = {"fence": "code", "html": "html", "heading": "heading", "paragraph": "paragraph", "list": "list",
              "table": "table", "quote": "quote", "rule": "rule", "other": "other", "front-matter": "front-matter"}


def account(guide: DraftGuide) -> dict[str, BlockCoverage]:
    """Count the guide's blocks per kind; append a file:line warning for each lost one."""
    counts: dict[str, list[int]] = {}
    for file, document in guide.documents.items():
        display = guide.displays.get(file, file)
        for block in document.blocks:
            kind = KIND_NAMES.get(block.kind, "other")
            row = counts.setdefault(kind, [0, 0, 0, 0])
            row[0] += 1
            place = guide.placed.get(id(block))
            if place is None:
                if not block.text.strip() and not block.fences and block.kind in ("rule", "html", "other"):
                    row[2] += 1  # a rule or empty markup between entries says nothing
                    continue
                row[3] += 1
                guide.warnings.append((display, block.line_start, f"{kind} block is in no entry"))
            elif place in IN_ENTRIES:
                row[1] += 1
            else:
                row[2] += 1
    return {kind: BlockCoverage(total=t, in_entries=i, left_out=o, lost=lost)
            for kind, (t, i, o, lost) in sorted(counts.items())}


def coverage_line(guide: GuideInfo) -> str:
    """One line a build prints per guide: how much of it is accounted for, and its links."""
    total = sum(c.total for c in guide.coverage.values())
    left_out = sum(c.left_out for c in guide.coverage.values())
    lost = sum(c.lost for c in guide.coverage.values())
    links = guide.links
    between = links.internal - links.navigation
    return (f"{guide.id}: {guide.covered:.1%} of {total} blocks accounted for ({left_out} left out on purpose, "
            f"{lost} lost); {links.resolved} of {between} links between entries resolved")


def build_report(manifest: Manifest) -> dict:
    """What `build --json` prints: counts, and per guide its coverage per block kind and its links."""
    return {
        "counts": manifest.counts.model_dump(mode="json"),
        "guides": [{**g.model_dump(mode="json", include={"id", "title", "file", "layout", "pattern_level",
                                                            "coverage", "links"}),
                    "covered": round(g.covered, 6)} for g in manifest.guides],
        "warnings": [str(w) for w in manifest.warnings],
    }
