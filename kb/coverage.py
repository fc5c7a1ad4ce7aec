"""Coverage accounting: every block of every file of a guide is in an entry, deliberately left out
(a table of contents, navigation, an anchor, a comment), or lost, and each lost block is a warning."""

from __future__ import annotations

from patternkb.kb.drafts import DraftGuide
from patternkb.kb.models import BlockCoverage

# Where a placed block counts: the rest are left out on purpose.
IN_ENTRIES = frozenset({"entry", "section", "checklist", "title", "heading"})
# A block's kind as a maintainer names it.
KIND_NAMES = {"fence": "code", "html": "html", "heading": "heading", "paragraph": "paragraph", "list": "list",
              "table": "table", "quote": "quote", "rule": "rule", "other": "other"}


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
