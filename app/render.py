"""An entry as HTML for QTextBrowser: Markdown prose (raw HTML escaped), Pygments code with
inline styles, snippet anchors, Copy links, search terms marked, related links at the end."""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from patternkb.kb.rules import rule_names
from patternkb.kb.slugs import part_anchors, snippet_anchor

if TYPE_CHECKING:
    from patternkb.kb.models import ChecklistItem, KnowledgeBase, Pattern


@dataclass(frozen=True)
class Theme:
    """Every colour the window uses, for its palette (app/theme.py) and its pages; each text
    colour meets WCAG AA (4.5:1) on each background it is drawn on (tests/app/test_theme.py)."""

    name: str
    pygments_style: str  # chosen for its tokens' contrast on `code_background`
    text: str
    muted: str
    background: str  # pages, lists, the search box
    code_background: str
    code_border: str
    link: str
    mark: str  # behind a search term in the entry
    badge: str  # behind a code block's header and the kind label
    window: str  # toolbar, tabs, status bar, buttons
    highlight: str  # the selected row
    highlighted_text: str


LIGHT = Theme("light", "xcode", text="#1f2328", muted="#59636e", background="#ffffff", code_background="#f6f8fa",
              code_border="#d0d7de", link="#0550ae", mark="#fff8c5", badge="#eaeef2", window="#f6f8fa",
              highlight="#0969da", highlighted_text="#ffffff")
DARK = Theme("dark", "github-dark", text="#e6edf3", muted="#9198a1", background="#0d1117", code_background="#161b22",
             code_border="#30363d", link="#58a6ff", mark="#332b00", badge="#21262d", window="#161b22",
             highlight="#1158c7", highlighted_text="#ffffff")
THEMES = {"light": LIGHT, "dark": DARK}


LINE_NUMBER = "line number"  # the title of a line number's span: copying a selection leaves those out
SOURCE_LINK = "source:"  # the footer's link to the guide's file, opened in the user's editor


def page_head(theme: Theme) -> str:
    """The style every page starts with: its colours, links included, from `theme`."""
    return (f"<head><style>body {{ color: {theme.text}; background-color: {theme.background}; }} "
            f"a {{ color: {theme.link}; }} h1, h2, h3, h4 {{ color: {theme.text}; }}</style></head>")

NOT_ILLUSTRATED = "No pattern of this guide illustrates this item."

# markdown-it and Pygments are imported on first use, not at start: the window paints its first
# results before it renders any entry.


def _markdown():
    """A fresh renderer: render_entry sets its own fence rule on it."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

    def image(renderer, tokens, idx, options, env):
        # Images are never loaded from a guide: show the alt text instead.
        alt = html.escape(tokens[idx].content or "image")
        return f"<i>[{alt}]</i>"

    md.add_render_rule("image", image)

    def part_start(renderer, tokens, idx, options, env):
        # Where each named part of the entry starts (a sub-heading, a numbered rule written as a
        # list item): the place a search's sub-hit opens the entry at. The entry's parts are
        # made from its top-level blocks in order (kb/outline.py), and get their anchors so.
        token, anchor = tokens[idx], ""
        if (token.type == "heading_open" and token.level == 0) or _states_rule(tokens, idx, env):
            name = next(env.get("part_anchors", iter(())), None)
            anchor = f'<a name="{html.escape(name)}"></a>' if name else ""
        if token.type == "list_item_open":  # inside the item: an anchor is no child of a list
            return renderer.renderToken(tokens, idx, options, env) + anchor
        return anchor + renderer.renderToken(tokens, idx, options, env)

    def link_open(renderer, tokens, idx, options, env):
        # A link to another entry of the KB (or a part of one) opens it here (kb: link_targets);
        # a link to a part of the entry shown scrolls to it.
        token = tokens[idx]
        target = env.get("link_targets", {}).get(token.attrGet("href"))
        if target is not None:
            entry_id, _, anchor = target.partition("#")
            token.attrSet("href", f"#{anchor}" if entry_id == env.get("own") and anchor else f"entry:{target}")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("heading_open", part_start)
    md.add_render_rule("list_item_open", part_start)
    md.add_render_rule("link_open", link_open)
    return md


def _states_rule(tokens, idx: int, env: dict) -> bool:
    """Whether the item opening at `idx`, of a top-level list, states a rule (kb/rules.py: whether
    it does can depend on the list's other items, so a list's items are read once, when its
    first is rendered, and kept in `env`)."""
    if tokens[idx].type != "list_item_open" or tokens[idx].level != 1:
        return False
    rules = env.setdefault("rule_items", {})
    if idx not in rules:
        # The whole list, from its opening, read once: each of its items gets its answer.
        first = idx
        while first > 0 and not (tokens[first].type in ("bullet_list_open", "ordered_list_open")
                                 and tokens[first].level == 0):
            first -= 1
        # Its items as kb/outline.py has them: those that open with a paragraph, each holding the
        # code (fenced or indented) up to the next of them.
        items: list[int] = []
        code: list[bool] = []
        at = first + 1
        while at < len(tokens) and tokens[at].level >= 1:
            if tokens[at].type == "list_item_open" and tokens[at].level == 1:
                rules[at] = False
                if tokens[at + 1].type == "paragraph_open":
                    items.append(at)
                    code.append(False)
            elif tokens[at].type in ("fence", "code_block") and code:
                code[-1] = True
            at += 1
        named = rule_names(list(zip([tokens[i + 2].content for i in items], code)))
        rules.update((i, name is not None) for i, name in zip(items, named))
    return rules.get(idx, False)


@cache
def _inline_markdown():
    return _markdown()


_TAG_SPLIT = re.compile(r"(<[^>]+>)")


def _lexer(language: str):
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language or "text", stripnl=False, ensurenl=False)
    except ClassNotFound:
        return TextLexer(stripnl=False, ensurenl=False)


def highlight_code(code: str, language: str, theme: Theme, *, line_numbers: bool = False, first_line: int = 1) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    formatter = HtmlFormatter(noclasses=True, style=theme.pygments_style, nowrap=True)
    body = highlight(code, _lexer(language), formatter)
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if line_numbers:
        width = len(str(first_line + len(lines)))
        lines = [f'<span title="{LINE_NUMBER}" style="color:{theme.muted}">{first_line + i:>{width}} </span>{line}' for i, line in enumerate(lines)]
    return "\n".join(lines)


def mark_terms(fragment_html: str, terms: tuple[str, ...], theme: Theme) -> str:
    """Mark, case-insensitively, the words of the text (never inside tags) that start with a
    term: a word still being typed ("mute") and plurals ("objects") match, as in the search.

    Only text is marked, never a tag or a character reference: each text node is matched as
    the reader sees it (`&quot;` is one character, not the word "quot") and escaped again."""
    words = sorted({t for t in terms if len(t) >= 3 and re.fullmatch(r"[\w]+", t)}, key=len, reverse=True)
    if not words:
        return fragment_html
    pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, words)) + r")\w*", re.IGNORECASE)
    out = []
    for part in _TAG_SPLIT.split(fragment_html):
        text = html.unescape(part) if not part.startswith("<") else ""
        if not pattern.search(text):
            out.append(part)  # a tag, or text with nothing to mark: as it was
            continue
        pieces, at = [], 0
        for match in pattern.finditer(text):
            pieces.append(html.escape(text[at:match.start()], quote=False))
            pieces.append(f'<span style="background-color:{theme.mark}">{html.escape(match.group(0), quote=False)}</span>')
            at = match.end()
        pieces.append(html.escape(text[at:], quote=False))
        out.append("".join(pieces))
    return "".join(out)


@dataclass
class EntryPage:
    html: str
    code: list[str]  # exactly what each Copy link puts on the clipboard, by block index
    snippets: dict[str, str] = field(default_factory=dict)  # a snippet's anchor: its code


def _code_block(pattern: Pattern, index: int, theme: Theme, line_numbers: bool) -> str:
    block = pattern.code[index]
    pieces, first_anchor = [], ""
    line = block.line_start + 1
    for n, snippet in enumerate(pattern.snippets):
        if snippet.block != index:
            continue
        anchor = f'<a name="{html.escape(snippet_anchor(pattern.id, n, snippet.title).split("#", 1)[1])}"></a>'
        if not pieces:  # the block's first snippet opens at the block's header (language, line, Copy)
            first_anchor, anchor = anchor, ""
        pieces.append(anchor + highlight_code(snippet.code, snippet.language, theme, line_numbers=line_numbers,
                                              first_line=line))
        line += snippet.code.count("\n")
    code_html = "\n".join(pieces)
    header = (f'<table width="100%" cellspacing="0" cellpadding="4" style="background-color:{theme.badge}">'
              f'<tr><td><span style="color:{theme.muted}; font-size:small">{html.escape(block.language)}'
              f' · line {block.line_start}</span></td>'
              f'<td align="right"><a href="copy:{index}" style="text-decoration:none">Copy</a></td></tr></table>')
    return (f'{first_anchor}{header}<table width="100%" cellspacing="0" cellpadding="8" '
            f'style="background-color:{theme.code_background}; border:1px solid {theme.code_border}">'
            f'<tr><td><pre style="margin:0">{code_html}</pre></td></tr></table>')


# Where a package of each language is published, by the language of the code that imports it.
REGISTRIES = {"rust": "https://crates.io/crates/{}", "rs": "https://crates.io/crates/{}",
              "python": "https://pypi.org/project/{}/", "javascript": "https://www.npmjs.com/package/{}",
              "typescript": "https://www.npmjs.com/package/{}", "go": "https://pkg.go.dev/{}"}


def _package_chips(entry: Pattern) -> list[str]:
    """The packages the entry's code imports, linked to the registry of its code's language
    (the commonest, when it has several; none known: plain)."""
    from patternkb.kb.languages import language_of  # imports Pygments, as rendering an entry does

    languages = Counter(language_of(block.language) or block.language for block in entry.code)
    registry = next((REGISTRIES[lang] for lang, _ in languages.most_common() if lang in REGISTRIES), None)
    if registry is None:
        return [html.escape(name) for name in entry.crates]
    return [f'<a href="{html.escape(registry.format(name))}">{html.escape(name)}</a>' for name in entry.crates]


def render_entry(entry: Pattern | ChecklistItem, kb: KnowledgeBase, *, related: list[dict], checklist: list[str],
                 terms: tuple[str, ...] = (), theme: Theme = LIGHT, line_numbers: bool = False,
                 bookmarked: bool = False) -> EntryPage:
    titles = kb.titles
    guides = {g.id: g for g in kb.manifest.guides}
    parts = [f'<h1 style="margin-bottom:2px">{html.escape(getattr(entry, "icon", "") or "")} '
             f'{html.escape(entry.title)}{" ★" if bookmarked else ""}</h1>',
             f'<p style="color:{theme.muted}; margin-top:0">{html.escape(" › ".join(entry.path))}'
             f' · <span style="background-color:{theme.badge}">&nbsp;{html.escape(entry.kind)}&nbsp;</span>'
             + "".join(f' <span style="color:{theme.muted}">#{html.escape(t)}</span>' for t in entry.tags) + "</p>"]
    code: list[str] = []
    snippets: dict[str, str] = {}
    if entry.kind != "checklist":  # a pattern, or an overview (a section's own prose and code)
        # Its summary is its first paragraph, which the body shows: not repeated above it.
        if entry.symbols or entry.crates:
            chips = [f"<code>{html.escape(s)}</code>" for s in entry.symbols[:14]]
            chips += _package_chips(entry)
            parts.append(f'<p style="color:{theme.muted}">' + " · ".join(chips) + "</p>")
        counter = iter(range(len(entry.code)))

        def fence(renderer, tokens, idx, options, env_):
            n = next(counter, None)
            if n is None:
                return ""
            return _code_block(entry, n, theme, line_numbers)

        md = _markdown()
        md.add_render_rule("fence", fence)
        md.add_render_rule("code_block", fence)
        body = md.render(entry.markdown, {"part_anchors": iter(part_anchors([p.name for p in entry.parts])),
                                          "link_targets": entry.link_targets, "own": entry.id})
        for n in counter:  # blocks the Markdown did not reach (never expected; never lose code)
            body += _code_block(entry, n, theme, line_numbers)
        code = [b.code for b in entry.code]
        snippets = {snippet_anchor(entry.id, n, sn.title).split("#", 1)[1]: sn.code
                    for n, sn in enumerate(entry.snippets)}
        parts.append(mark_terms(body, terms, theme))
    else:
        text = _inline_markdown().renderInline(entry.text, {"link_targets": entry.link_targets, "own": entry.id})
        parts.append(f"<p style='font-size:large'>{mark_terms(text, terms, theme)}</p>")
        parts.append(f'<p style="color:{theme.muted}">{html.escape(entry.list)} › {html.escape(entry.group)}</p>')
    if related:
        parts.append("<h3>Related patterns</h3><ul>")
        for link in related:
            parts.append(f'<li><a href="entry:{html.escape(link["id"])}">{html.escape(link["title"])}</a>'
                         f' <span style="color:{theme.muted}">— {html.escape(link["reason"])}</span></li>')
        parts.append("</ul>")
    if checklist:
        heading = "Checklist" if entry.kind != "checklist" else "Illustrated by"
        parts.append(f"<h3>{heading}</h3><ul>")
        for item in checklist:
            parts.append(f'<li><a href="entry:{html.escape(item)}">{html.escape(titles.get(item, item))}</a></li>')
        parts.append("</ul>")
    elif entry.kind == "checklist":
        parts.append(f'<h3>Illustrated by</h3><p style="color:{theme.muted}">{NOT_ILLUSTRATED}</p>')
    guide = guides.get(entry.guide)
    source = f"{entry.source.file}, lines {entry.source.line_start}–{entry.source.line_end}"
    parts.append(f'<hr><p style="color:{theme.muted}; font-size:small">From '
                 f'{html.escape(guide.title if guide else entry.guide)} · '
                 f'<a href="{SOURCE_LINK}" title="open in your editor">{html.escape(source)}</a></p>')
    page = f"<html>{page_head(theme)}<body>" + "\n".join(parts) + "</body></html>"
    return EntryPage(html=page, code=code, snippets=snippets)


def render_overview(kb: KnowledgeBase | None, theme: Theme, *, recent: list[str], heading: str = "",
                    hint: str = "") -> str:
    """The empty state: what is in the KB, and where the user was last (just the heading and the
    hint while the KB is still loading)."""
    titles = kb.titles if kb is not None else {}
    parts = []
    if heading:
        parts.append(f"<h3>{heading}</h3>")
    if hint:
        parts.append(f'<p style="color:{theme.muted}">{hint}</p>')
    recent = [r for r in recent if r in titles][:6]
    if recent:
        parts.append("<h4>Recent</h4><ul>" + "".join(
            f'<li><a href="entry:{html.escape(r)}">{html.escape(titles[r])}</a></li>' for r in recent) + "</ul>")
    if kb is not None:
        parts.append("<h4>Sections</h4>")
        for s in kb.sections:
            count, first = kb.section_sizes.get(s.id, (0, ""))
            parts.append(f'<p style="margin:2px">{html.escape(s.icon)} <a href="entry:{html.escape(first)}">'
                         f'{html.escape(s.title)}</a> <span style="color:{theme.muted}">{count}</span></p>')
    return f"<html>{page_head(theme)}<body>" + "\n".join(parts) + "</body></html>"


WELCOME_KEYS = [
    ("Ctrl+K, Ctrl+L, /", "search"), ("↑ ↓, Page Up/Down", "move through the results (a preview)"),
    ("Enter", "open the selected result"), ("Esc", "clear the search and the filters"),
    ("Alt+← / Alt+→", "back, forward"), ("Ctrl+F, F3, Shift+F3", "find in the entry"),
    ("Ctrl+T, Ctrl+W, Ctrl+Tab", "new tab, close tab, next tab (Ctrl+click a link: a new tab)"),
    ("Ctrl+Shift+C, Ctrl+Shift+L", "copy the code here, copy the entry's link"),
    ("Ctrl+E", "open the entry in your editor"), ("Ctrl+D", "bookmark the entry"),
    ("Ctrl+= / Ctrl+- / Ctrl+0", "text size"), ("Ctrl+Shift+T", "theme: system, light, dark"),
]
WELCOME_SYNTAX = [
    ("arc mutex", "all words first, then any"), ("Arc<Mutex<T>>, fetch_with_retry", "identifiers, split and whole"),
    ('"error handling"', "a phrase"), ("-async", "without a word"),
    ("kind:snippet crate:tokio", "filters: kind section lang crate symbol tag guide"),
]


def render_welcome(kb: KnowledgeBase, theme: Theme) -> str:
    """The entry pane before any entry is open: what the KB holds, the keys, the query syntax."""
    c = kb.manifest.counts
    guides = ", ".join(f"<i>{html.escape(g.title)}</i>" for g in kb.manifest.guides)
    rows = "".join(f'<tr><td style="padding-right:16px"><code>{html.escape(k)}</code></td>'
                   f'<td style="color:{theme.muted}">{html.escape(v)}</td></tr>'
                   for table in (WELCOME_KEYS, WELCOME_SYNTAX) for k, v in table)
    return (f'<html>{page_head(theme)}<body><h2>patternkb</h2>'
            f'<p>{guides}: {c.patterns} patterns in {c.sections} sections, {c.snippets} named snippets, '
            f'{c.checklist_items} checklist items.</p>'
            f'<p style="color:{theme.muted}">Type to search; the top hit opens here.</p>'
            f'<h4>Keys and search syntax</h4><table cellspacing="0" cellpadding="2">{rows}</table>'
            "</body></html>")
