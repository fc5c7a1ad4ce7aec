"""Related patterns with reasons a person can read, and checklist items linked to patterns.

Sources, strongest first: explicit links (see-also parts and links), mentions of another
pattern's title, shared symbols and crates weighted by how rare they are, and Whoosh's
more_like_this over the code and prose. Relations are symmetric and the output deterministic.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from patternkb.kb.models import ChecklistItem, KnowledgeBase, Pattern

MIN_RELATED = 3
MAX_RELATED = 5
# A symbol or crate that many patterns share says little, and pairing them all grows as df².
MAX_SHARED_DF = 40
# Used by nearly every pattern: sharing them says nothing.
_GENERIC_SYMBOLS = {"String", "Vec", "Option", "Result", "Box", "Clone", "Debug", "Default", "Copy",
                    "Into", "From", "Error", "Display", "Send", "Sync", "PartialEq", "Eq"}


@dataclass
class _Pair:
    explicit: bool = False
    mentioner: str | None = None  # id of the pattern whose prose names the other
    symbols: list[tuple[float, str]] = field(default_factory=list)
    crates: list[tuple[float, str]] = field(default_factory=list)
    similar: float = 0.0
    similar_terms: list[str] = field(default_factory=list)

    def score(self, max_idf: float) -> float:
        score = 3.0 * self.explicit + 1.5 * bool(self.mentioner)
        score += min(sum(w for w, _ in self.symbols) / max_idf, 2.0) * 0.8
        score += min(sum(w for w, _ in self.crates) / max_idf, 2.0) * 0.6
        score += 1.2 * self.similar
        return round(score, 4)

    def reason(self, me: str, other_title: str) -> str:
        """Why the other pattern is related, as read on pattern `me`."""
        reasons = []
        if self.explicit:
            reasons.append("see also")
        if self.mentioner:
            reasons.append(f"mentions {other_title}" if self.mentioner == me else f"mentioned in {other_title}")
        if self.symbols:
            names = [n for _, n in sorted(self.symbols, key=lambda x: (-x[0], x[1]))[:3]]
            reasons.append("also uses " + ", ".join(names))
        if self.crates:
            names = [n for _, n in sorted(self.crates, key=lambda x: (-x[0], x[1]))[:3]]
            reasons.append(("same crate: " if len(names) == 1 else "same crates: ") + ", ".join(names))
        if self.similar_terms and len(reasons) < 2:
            reasons.append("similar: " + ", ".join(self.similar_terms[:3]))
        elif not reasons:
            reasons.append("similar")
        return "; ".join(reasons[:2])


def _features(pattern: Pattern) -> tuple[set[str], set[str]]:
    symbols = {s for s in pattern.defines + pattern.symbols if s not in _GENERIC_SYMBOLS and len(s) > 2}
    return symbols, set(pattern.crates)


_WORD = re.compile(r"\w+")


def _title_mentions(patterns: list[Pattern]) -> list[tuple[str, str]]:
    """(mentioner, mentioned) for every pattern whose prose names another's title, matched word
    by word through an index of titles by first word, so it stays linear in the prose."""
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
    for p in patterns:
        words = tuple(w.lower() for w in _WORD.findall(p.title))
        # Short titles ("Actor" alone) name too much by accident; two words or more only.
        if len(words) >= 2:
            by_first[words[0]].append((words, p.id))
    found: list[tuple[str, str]] = []
    for p in patterns:
        words = [w.lower() for w in _WORD.findall(p.text)]
        hits: set[str] = set()
        for i, word in enumerate(words):
            for title_words, pid in by_first.get(word, ()):
                if pid != p.id and tuple(words[i:i + len(title_words)]) == title_words:
                    hits.add(pid)
        found.extend((p.id, pid) for pid in sorted(hits))
    return found


def compute_related(
    kb: KnowledgeBase,
    similar: Callable[[str], list[tuple[str, float, list[str]]]],
    patterns_for_text: Callable[[str, list[str]], list[tuple[str, float]]],
) -> tuple[dict[str, list[dict]], dict[str, list[str]], dict[str, list[str]]]:
    """Return (related by pattern id, checklist item ids by pattern id, pattern ids by item id).

    `similar(pattern_id)` gives (other id, normalised score, shared key terms) from the index;
    `patterns_for_text(text, symbols)` gives (pattern id, score), best first.
    """
    patterns = kb.patterns
    by_id = {p.id: p for p in patterns}
    n = max(len(patterns), 1)
    features = {p.id: _features(p) for p in patterns}
    sym_df: dict[str, int] = defaultdict(int)
    crate_df: dict[str, int] = defaultdict(int)
    for symbols, crates in features.values():
        for s in symbols:
            sym_df[s] += 1
        for c in crates:
            crate_df[c] += 1

    def idf(df: int) -> float:
        return math.log(1 + n / df)

    max_idf = idf(1)
    pairs: dict[tuple[str, str], _Pair] = defaultdict(_Pair)

    def pair(a: str, b: str) -> _Pair:
        return pairs[(a, b) if a < b else (b, a)]

    for p in patterns:
        for target in p.links:
            if target in by_id and target != p.id:
                pair(p.id, target).explicit = True
    # Mentions of another pattern's title in prose (both directions read the same way).
    for mentioner, mentioned in _title_mentions(patterns):
        pair(mentioner, mentioned).mentioner = mentioner
    # Shared symbols and crates, through inverted lists so large KBs stay linear-ish.
    for kind, df, getter in (("symbols", sym_df, 0), ("crates", crate_df, 1)):
        owners: dict[str, list[str]] = defaultdict(list)
        for pid, feats in features.items():
            for f in feats[getter]:
                if 2 <= df[f] <= min(max(2, n // 4), MAX_SHARED_DF):
                    owners[f].append(pid)
        for f, ids in owners.items():
            weight = idf(df[f])
            for i, a in enumerate(ids):
                for b in ids[i + 1:]:
                    getattr(pair(a, b), kind).append((weight, f))
    for p in patterns:
        for other, score, terms in similar(p.id):
            if other in by_id and other != p.id:
                entry = pair(p.id, other)
                if score > entry.similar:
                    entry.similar, entry.similar_terms = score, terms

    candidates: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    for (a, b), info in pairs.items():
        score = info.score(max_idf)
        if score <= 0:
            continue
        candidates[a].append((score, b, info.reason(a, by_id[b].title)))
        candidates[b].append((score, a, info.reason(b, by_id[a].title)))
    chosen: dict[str, dict[str, tuple[float, str]]] = {}
    by_section: dict[str, list[Pattern]] = defaultdict(list)
    for p in patterns:
        by_section[p.section].append(p)
    in_order = sorted(patterns, key=lambda q: q.order)
    position = {q.id: i for i, q in enumerate(in_order)}
    for p in patterns:
        ranked = sorted(candidates[p.id], key=lambda c: (-c[0], c[1]))[:MAX_RELATED]
        picks = {other: (score, reason) for score, other, reason in ranked}
        # Too few signals: fall back on the guide's own neighbourhood.
        i = position[p.id]
        nearby = [q for d in range(1, 4) for q in (in_order[i - d] if i - d >= 0 else None,
                                                   in_order[i + d] if i + d < len(in_order) else None) if q]
        for q in by_section[p.section][:MIN_RELATED + 1] + nearby:
            if len(picks) >= MIN_RELATED:
                break
            if q.id != p.id and q.id not in picks:
                section = q.path[0] if q.path else q.section
                picks[q.id] = (0.1, f"same section: {section}" if q.section == p.section else "nearby in the guide")
        chosen[p.id] = picks
    # Shown both ways: if A lists B, B lists A.
    for a, picks in list(chosen.items()):
        for b, (score, reason) in list(picks.items()):
            if a not in chosen[b]:
                back = next((r for _, o, r in candidates[b] if o == a), None)
                chosen[b][a] = (score, back or reason)
    related = {
        pid: [dict(id=other, title=by_id[other].title, reason=reason, score=score)
              for other, (score, reason) in sorted(picks.items(), key=lambda kv: (-kv[1][0], kv[0]))]
        for pid, picks in chosen.items()
    }

    illustrates: dict[str, list[str]] = {}
    checklist: dict[str, list[str]] = defaultdict(list)
    for item in (e for e in kb.entries if isinstance(e, ChecklistItem)):
        ranked = patterns_for_text(item.title, item.symbols)
        if not ranked:
            continue
        best = ranked[0][1]
        ids = [pid for pid, score in ranked[:2] if score >= 0.75 * best]
        illustrates[item.id] = ids
        for pid in ids:
            checklist[pid].append(item.id)
    return related, dict(checklist), illustrates
