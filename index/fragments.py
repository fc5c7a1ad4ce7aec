"""Fragments: the few words of a hit's text around its matches, with the matched terms in <b>."""

from __future__ import annotations

import html
import logging

from whoosh import highlight

from patternkb.index.analysis import analyze
from patternkb.index.scoring import CODE, PROSE

log = logging.getLogger(__name__)

_FRAGMENTER = highlight.ContextFragmenter(maxchars=160, surround=50)
_WINDOW = 480  # characters of a long text handed to the highlighter, around a match
_TRIES = 3  # places in one field tried before the next field


class _Formatter(highlight.HtmlFormatter):
    def __init__(self):
        super().__init__(tagname="b", between=" … ")

    def format_token(self, text, token, replace=False):
        return f"<b>{html.escape(highlight.get_text(text, token, replace))}</b>"


def _window(text: str, start: int) -> str:
    """About _WINDOW characters of `text` from `start`, widened to whole words at both ends."""
    if start > 0:
        before = text.rfind(" ", 0, start)
        start = before + 1 if before >= 0 else 0
    end = start + _WINDOW
    if end < len(text):
        after = min((at for at in (text.find(" ", end), text.find("\n", end)) if at >= 0), default=len(text))
        end = after
    return text[start:end]


def _completions(text: str, analyzer, starts: tuple[str, ...]) -> frozenset[str]:
    """The terms of `text` that start with one of `starts`: what a word being typed matched. Only
    the text around the first such place is analysed."""
    lowered = text.lower()
    at = min((i for i in (lowered.find(s) for s in starts) if i >= 0), default=-1)
    if at < 0:
        return frozenset()
    return frozenset(t for t in analyze(analyzer, _window(text, max(0, at - _WINDOW // 6))) if t.startswith(starts))


def fragment(stored: dict, words: list[str], prefix: str | None = None, *, code: bool = True) -> str:
    """HTML-escaped text of the stored document with `words` marked, and the words starting with
    `prefix` (the word being typed); without words (or a match), the start of its text. Without
    `code`, an entry's prose only: its code shows in its sub-hits."""
    if not words:
        return html.escape(" ".join((stored.get("prose") or stored.get("code") or "").split())[:160])
    # A snippet's prose is only its title and its pattern's: its code says more.
    fields = (("code", CODE), ("prose", PROSE)) if stored.get("kind") == "snippet" else \
        (("prose", PROSE), ("code", CODE))[:None if code else 1]
    for fieldname, analyzer in fields:
        text = stored.get(fieldname) or ""
        if not text:
            continue
        terms = frozenset(t for w in words for t in analyze(analyzer, w))
        starts = tuple(analyze(analyzer, prefix)) if prefix else ()
        if starts:
            terms |= _completions(text, analyzer, starts)
        if not terms:
            continue
        # Every analyzed term is a lower-case substring of the text it came from, so a field
        # without one cannot match; where one is, only the text around it needs analysing. A
        # substring can be part of a longer word ("object" in "objects") that the analyzer
        # does not match, so try a few places, the longest (most telling) term's first.
        lowered = text.lower()
        found = sorted(((len(t), at) for t in terms if (at := lowered.find(t)) >= 0), key=lambda x: (-x[0], x[1]))
        for at in list(dict.fromkeys(at for _, at in found))[:_TRIES]:
            try:
                marked = highlight.highlight(_window(text, max(0, at - _WINDOW // 6)), terms, analyzer,
                                             _FRAGMENTER, _Formatter(), top=1)
            except Exception:  # a highlighter failure must never cost the user the hit
                log.debug("highlighting %s failed", stored.get("id"), exc_info=True)
                marked = ""
            if marked and "<b>" in marked:
                return " ".join(marked.split())
    prose = stored.get("prose") or stored.get("code") or ""
    return html.escape(" ".join(prose.split())[:160])
