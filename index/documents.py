"""The Whoosh schema, and the documents made from a KB: one per entry (pattern, overview, checklist
item), and one per snippet and named part of a pattern or overview, folded into it when searching."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from patternkb.index.analysis import code_analyzer, prose_analyzer, title_analyzer
from patternkb.kb.models import ChecklistItem, KnowledgeBase, Pattern
from patternkb.kb.slugs import part_anchors, snippet_anchor

# Snippet documents sit just after their pattern in guide order.
ORDER_STRIDE = 1000


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        # No word positions: a "quoted phrase" is checked in the stored text (scoring.py). Reading
        # a common word's postings with positions took several times as long.
        title=TEXT(stored=True, analyzer=title_analyzer(), field_boost=1.0, phrase=False),
        title_code=TEXT(analyzer=code_analyzer(), phrase=False),
        title_exact=ID,
        path=TEXT(stored=True, analyzer=title_analyzer(), phrase=False),
        section=ID(stored=True),
        section_title=TEXT(stored=True, analyzer=title_analyzer(), phrase=False),
        prose=TEXT(stored=True, analyzer=prose_analyzer(), phrase=False),
        code=TEXT(stored=True, analyzer=code_analyzer(), phrase=False),
        symbols=TEXT(stored=True, analyzer=code_analyzer(), phrase=False),
        crates=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        tags=KEYWORD(stored=True, commas=True, lowercase=True),
        language=KEYWORD(stored=True, commas=True, lowercase=True),
        guide=ID(stored=True),
        parent=ID(stored=True),
        order=NUMERIC(stored=True),
        # Every word of title, prose and symbols, unstemmed: the dictionary for "did you mean".
        spell=TEXT(analyzer=StandardAnalyzer(minsize=3), phrase=False),
        anchor=STORED(),
        # Identifiers the entry defines, for pinning an exact identifier query first.
        defines=KEYWORD(lowercase=True),
    )


def _spell_text(*texts: str) -> str:
    return " ".join(texts)


def documents(kb: KnowledgeBase) -> Iterator[dict]:
    section_titles = {s.id: s.title for s in kb.sections}
    for entry in kb.entries:
        section_title = section_titles.get(entry.section, "")
        common = dict(section=entry.section, section_title=section_title, guide=entry.guide,
                      tags=",".join(entry.tags))
        if isinstance(entry, Pattern):
            symbols = list(dict.fromkeys(entry.defines + entry.symbols))
            # Snippet titles are the guide's own words for what the code does: searchable prose.
            outline = "\n".join(s.title for s in entry.snippets if s.title != entry.title)
            # Other names (a book summary's label) are found as the prose is.
            prose = "\n\n".join(x for x in (entry.text, " ".join(p.name for p in entry.parts), outline,
                                              " ".join(entry.aliases)) if x)
            # An overview (a section's or chapter's own text) is indexed as a pattern is, under its own kind.
            yield dict(
                common, id=entry.id, kind=entry.kind, title=entry.title, title_code=entry.title,
                title_exact=entry.title.lower(), path=" › ".join(entry.path), prose=prose,
                # The code is indexed once, in the pattern's snippet documents; indexing it here
                # too doubled the postings every code word has to walk on a large KB.
                code="", symbols=" ".join(symbols),
                crates=",".join(entry.packages), language=",".join(sorted({b.language for b in entry.code})),
                parent="", order=entry.order * ORDER_STRIDE,
                spell=_spell_text(entry.title, entry.text, " ".join(s.title for s in entry.snippets),
                                  " ".join(symbols), " ".join(entry.packages)),
                anchor="",
            )
            for n, snippet in enumerate(entry.snippets):
                sid = snippet_anchor(entry.id, n, snippet.title)
                yield dict(
                    common, id=sid, kind="snippet", title=snippet.title, title_code=snippet.title,
                    title_exact=snippet.title.lower(), path=" › ".join([*entry.path, snippet.title]),
                    prose=snippet.title, code=snippet.code,
                    symbols=" ".join(snippet.symbols), crates=",".join(entry.packages),
                    language=snippet.language, parent=entry.id, order=entry.order * ORDER_STRIDE + n + 1,
                    spell="", anchor=sid.split("#", 1)[1],
                )
            # A named part (a sub-heading: Advantages, Example, a sub-rule) is found on its own
            # and folded into its entry as a sub-hit that opens the entry scrolled to it.
            anchors = part_anchors([p.name for p in entry.parts])
            for n, (part, anchor, (words, code)) in enumerate(zip(entry.parts, anchors, _words_and_code(entry))):
                yield dict(
                    common, id=f"{entry.id}#{n}-{anchor}", kind="part", title=part.name, title_code=part.name,
                    title_exact=part.name.lower(), path=" › ".join([*entry.path, part.name]), prose=words,
                    code=code, symbols="", crates=",".join(entry.packages), language="",
                    parent=entry.id, order=entry.order * ORDER_STRIDE + len(entry.snippets) + n + 1,
                    spell="", anchor=anchor,
                )
        elif isinstance(entry, ChecklistItem):
            yield dict(
                common, id=entry.id, kind="checklist", title=entry.title, title_code=entry.text,
                title_exact=entry.title.lower(), path=" › ".join(entry.path),
                prose=f"{entry.title}\n\n{entry.group} · {entry.list}", code="",
                symbols=" ".join(entry.symbols), crates=",".join(entry.packages), language="",
                parent="", order=entry.order * ORDER_STRIDE, spell=_spell_text(entry.title, entry.group, " ".join(entry.symbols)),
                anchor="",
            )


def _words_and_code(entry: Pattern) -> list[tuple[str, str]]:
    """Each named part's words and code: its plain text, and the entry's code blocks from the
    part's first line up to the next part's (a part about TypeVar is found by the TypeVar in
    its code). A KB built before parts kept their text gives a part's Markdown, code and all."""
    starts = [part.line_start for part in entry.parts] + [max(entry.source.line_end, entry.source.line_start) + 1]
    blocks = sorted(entry.code, key=lambda b: b.line_start)
    lines = [b.line_start for b in blocks]
    found = []
    for part, start, end in zip(entry.parts, starts, starts[1:]):
        if "text" not in part.model_fields_set:
            found.append((part.markdown, ""))
        else:  # by bisection: an entry of thousands of parts and code blocks stays linear
            within = blocks[bisect.bisect_left(lines, start):bisect.bisect_left(lines, end)]
            found.append((part.text, "\n".join(b.code for b in within)))
    return found


# A title that is an API's name: a path of identifiers (`http.createServer`, `Vec::with_capacity`),
# maybe called (`fs.readFile(path[, options])`), maybe after a label (`Class: net.Socket`).
_API_TITLE = re.compile(r"(?:[^:()]{1,40}:\s+)?(?P<path>[A-Za-z_$][\w$]*(?:(?:\.|::|#)[A-Za-z_$][\w$]*)*)"
                        r"(?P<call>\(.*\))?\s*")
_SEGMENT = re.compile(r"\.|::|#")


def named_api(title: str) -> list[str]:
    """The identifier an API reference's entry documents, whole and by its last name: what a
    query for it means. None for a title of words: a call, a path or an identifier's shape
    (`readFileSync`, `max_len`) says it names code; "Builder" alone could be either."""
    found = _API_TITLE.fullmatch(title)
    if found is None:
        return []
    path = found.group("path")
    last = _SEGMENT.split(path)[-1]
    if not (found.group("call") or path != last or not last.isalpha() or last[1:] != last[1:].lower()):
        return []
    return list(dict.fromkeys([path, last]))


def defines_by_doc(entries) -> dict[str, str]:
    """Identifiers an exact query pins to a document: items a pattern or snippet defines, and the
    one an API reference's title names."""
    out: dict[str, str] = {}
    for entry in entries:
        if isinstance(entry, Pattern):
            out[entry.id] = " ".join(dict.fromkeys([*entry.defines, *named_api(entry.title)]))
            defined = set(entry.defines)
            for n, snippet in enumerate(entry.snippets):
                out[snippet_anchor(entry.id, n, snippet.title)] = " ".join(s for s in snippet.symbols if s in defined)
    return out
