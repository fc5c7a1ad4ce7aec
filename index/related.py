"""Related patterns with reasons a person can read, and checklist items linked to patterns.

Sources, strongest first: explicit links (see-also parts and links), mentions of another
pattern's title, title words both share (a topic), checklist items both illustrate, shared
symbols and packages weighted by how rare they are, and Whoosh's more_like_this over the code and
prose. No keyword of the code's language, placeholder name or word most patterns share is ever a
reason. Relations are shown both ways (up to MAX_SHOWN a pattern) and the output deterministic;
the guide's neighbourhood fills in only for a pattern with no relation at all, and says so.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from patternkb.index import vocabulary
from patternkb.index.analysis import stemmer
from patternkb.index.query import PLAIN_WORDS
from patternkb.kb.models import Pattern

MIN_RELATED = 3
MAX_RELATED = 5
MAX_SHOWN = 2 * MAX_RELATED  # with the patterns that list it
# A symbol or package that many patterns share says little, and pairing them all grows as df².
MAX_SHARED_DF = 40


@dataclass
class _Pair:
    explicit: bool = False
    mentioner: str | None = None  # id of the pattern whose prose names the other
    topic: list[tuple[float, str]] = field(default_factory=list)  # title words both have
    advice: list[str] = field(default_factory=list)  # checklist items illustrated by both
    symbols: list[tuple[float, str]] = field(default_factory=list)
    crates: list[tuple[float, str]] = field(default_factory=list)
    similar: float = 0.0
    similar_terms: list[str] = field(default_factory=list)

    def score(self, max_idf: float) -> float:
        # What a reader can check counts most: a link, a mention, a shared topic, the same
        # advice, the same identifiers and packages; word overlap in the code least.
        score = 3.0 * self.explicit + 1.5 * bool(self.mentioner) + 1.0 * bool(self.advice)
        score += min(sum(w for w, _ in self.topic) / max_idf, 1.5) * 2.0
        score += min(sum(w for w, _ in self.symbols) / max_idf, 2.0) * 0.8
        score += min(sum(w for w, _ in self.crates) / max_idf, 2.0) * 0.6
        score += 0.8 * self.similar * bool(self.similar_terms)  # code alike in words no reader can see: no reason
        return round(score, 4)

    def reason(self, me: str, other_title: str) -> str:
        """Why the other pattern is related, as read on pattern `me`."""
        reasons = []
        if self.explicit:
            reasons.append("see also")
        if self.mentioner:
            reasons.append(f"mentions {other_title}" if self.mentioner == me else f"mentioned in {other_title}")
        if self.topic:
            reasons.append("both about " + ", ".join(_strongest(self.topic)))
        if self.symbols:
            reasons.append("also uses " + ", ".join(_strongest(self.symbols)))
        if self.crates:
            names = _strongest(self.crates)
            reasons.append(("same package: " if len(names) == 1 else "same packages: ") + ", ".join(names))
        if self.advice:
            reasons.append(f"same checklist item: {self.advice[0]}")
        if self.similar_terms and len(reasons) < 2:
            reasons.append("similar code: " + ", ".join(self.similar_terms[:3]))
        return "; ".join(reasons[:2])


def _strongest(weighted: list[tuple[float, str]]) -> list[str]:
    return [n for _, n in sorted(weighted, key=lambda x: (-x[0], x[1]))[:3]]


def _features(pattern: Pattern, noise: frozenset[str]) -> tuple[set[str], set[str]]:
    symbols = set(vocabulary.telling(pattern.defines + pattern.symbols, noise))
    return symbols, set(pattern.crates)


def _title_words(patterns: list[Pattern], stems: Callable[[str], tuple[str, ...]]) -> dict[str, dict[str, str]]:
    """Each pattern's title words that can name a topic (stemmed -> as written): not a stop word,
    not a word any heading uses ("Pattern", "Best Practices"), not a word most titles have. A
    keyword of the code ("unsafe") is a topic in a title."""
    plain = PLAIN_WORDS | vocabulary.FUNCTION_WORDS | vocabulary.TITLE_FILLERS | vocabulary.PLACEHOLDERS
    words = {p.id: {stem[0]: word for word in _WORD.findall(p.title)
                    if (stem := stems(word)) and word.lower() not in plain and len(stem[0]) > 2}
             for p in patterns}
    generic = vocabulary.common((set(w) for w in words.values()), len(patterns), vocabulary.TOPIC_SHARE)
    return {pid: {stem: word for stem, word in found.items() if stem not in generic} for pid, found in words.items()}


_WORD = re.compile(r"\w+")


def _title_mentions(patterns: list[Pattern]) -> list[tuple[str, str]]:
    """(mentioner, mentioned) for every pattern whose prose names another's title, matched word
    by word: at each word, the pair of words from it is looked up among the titles' first two,
    then each length of title starting so, so it stays linear in the prose however many titles
    share their first words."""
    titles: dict[tuple[str, ...], list[str]] = defaultdict(list)
    lengths: dict[tuple[str, str], set[int]] = defaultdict(set)  # first two words -> title lengths
    for p in patterns:
        words = tuple(w.lower() for w in _WORD.findall(p.title))
        # Short titles ("Actor" alone) name too much by accident; two words or more only.
        if len(words) >= 2:
            titles[words].append(p.id)
            lengths[words[:2]].add(len(words))
    found: list[tuple[str, str]] = []
    for p in patterns:
        words = [w.lower() for w in _WORD.findall(p.text)]
        hits: set[str] = set()
        for i in range(len(words) - 1):
            for n in lengths.get((words[i], words[i + 1]), ()):
                hits.update(pid for pid in titles.get(tuple(words[i:i + n]), ()) if pid != p.id)
        found.extend((p.id, pid) for pid in sorted(hits))
    return found


@dataclass
class Relations:
    """What relates the patterns before the index is asked anything: every pair with its
    evidence from links, mentions, title words, symbols and packages (relate), to which checklist
    items and similar code are added once the index is written (finish)."""

    patterns: list
    by_id: dict
    pairs: dict[tuple[str, str], _Pair]
    max_idf: float
    noise: frozenset[str]

    def pair(self, a: str, b: str) -> _Pair:
        return self.pairs[(a, b) if a < b else (b, a)]


def relate(patterns: list, noise: frozenset[str] = frozenset(),
           stems: Callable[[str], tuple[str, ...]] | None = None) -> Relations:
    """The pairs of patterns and what relates them, from the patterns alone (no index): explicit
    links, mentions of another's title, title words both share, shared symbols and packages
    weighted by how rare they are.

    `patterns` are the KB's patterns, or what units.py keeps of them (the same attributes: id,
    title, section, guide, order, links, defines, symbols, crates and text); `noise` are words
    never given as a reason (the code's keywords: patternkb.index.vocabulary.keywords); `stems`
    the prose analyzer's terms of a word (analysis.stemmer), given to share its cache."""
    by_id = {p.id: p for p in patterns}
    n = max(len(patterns), 1)
    features = {p.id: _features(p, noise) for p in patterns}
    topics = _title_words(patterns, stems or stemmer())
    dfs = [defaultdict(int) for _ in range(3)]  # symbols, packages, title words
    for pid, (symbols, crates) in features.items():
        for df, found in zip(dfs, (symbols, crates, topics[pid])):
            for f in found:
                df[f] += 1

    def idf(df: int) -> float:
        return math.log(1 + n / df)

    relations = Relations(patterns, by_id, defaultdict(_Pair), idf(1), noise)
    pair = relations.pair
    for p in patterns:
        for target in p.links:
            if target in by_id and target != p.id:
                pair(p.id, target).explicit = True
    # Mentions of another pattern's title in prose (both directions read the same way).
    for mentioner, mentioned in _title_mentions(patterns):
        pair(mentioner, mentioned).mentioner = mentioner
    # Shared title words, symbols and packages, through inverted lists so large KBs stay linear-ish.
    shown = {"topic": lambda pid, f: topics[pid][f], "symbols": lambda pid, f: f, "crates": lambda pid, f: f}
    for kind, df, found_in in (("symbols", dfs[0], lambda pid: features[pid][0]),
                               ("crates", dfs[1], lambda pid: features[pid][1]),
                               ("topic", dfs[2], lambda pid: topics[pid])):
        owners: dict[str, list[str]] = defaultdict(list)
        for pid in features:
            for f in found_in(pid):
                if 2 <= df[f] <= min(max(2, n // 4), MAX_SHARED_DF):
                    owners[f].append(pid)
        for f, ids in owners.items():
            weight = idf(df[f])
            for i, a in enumerate(ids):
                for b in ids[i + 1:]:
                    getattr(pair(a, b), kind).append((weight, shown[kind](a, f)))
    return relations


def finish(relations: Relations, items: list,
           similar: Callable[[str], list[tuple[str, float, list[str]]]],
           patterns_for_text: Callable[[str, list[str]], list[tuple[str, float]]],
           ) -> tuple[dict[str, list[dict]], dict[str, list[str]], dict[str, list[str]]]:
    """(related by pattern id, checklist item ids by pattern id, pattern ids by item id), from
    `relations` (relate) and what the index says.

    `items` are the KB's checklist items or their facts (id, title, symbols and links);
    `similar(pattern_id)` gives (other id, normalised score, shared key terms);
    `patterns_for_text(text, symbols)` gives (pattern id, score), best first."""
    patterns, by_id, pair = relations.patterns, relations.by_id, relations.pair
    titles = {e.id: e.title for e in [*patterns, *items]}
    checklist, illustrates = _illustrations(items, by_id, patterns_for_text)
    # The same advice: a checklist item both patterns illustrate.
    for item, ids in illustrates.items():
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                pair(a, b).advice.append(titles[item])
    for p in patterns:
        for other, score, terms in similar(p.id):
            if other in by_id and other != p.id:
                entry = pair(p.id, other)
                if score > entry.similar:
                    entry.similar, entry.similar_terms = score, vocabulary.telling(terms, relations.noise)

    candidates: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    for (a, b), info in relations.pairs.items():
        score = info.score(relations.max_idf)
        if score <= 0:
            continue
        candidates[a].append((score, b, info.reason(a, by_id[b].title)))
        candidates[b].append((score, a, info.reason(b, by_id[a].title)))
    chosen = {p.id: {other: (score, reason) for score, other, reason in
                     sorted(candidates[p.id], key=lambda c: (-c[0], c[1]))[:MAX_RELATED]} for p in patterns}
    # Shown both ways: if A lists B, B lists A, the strongest first, up to MAX_SHOWN; a pattern
    # many others list (an API's central class) shows the strongest of them, not dozens.
    picked = sorted(((score, a, b) for a, picks in chosen.items() for b, (score, _) in picks.items()),
                    key=lambda pick: (-pick[0], pick[1], pick[2]))
    for score, a, b in picked:
        if a not in chosen[b] and len(chosen[b]) < MAX_SHOWN:
            back = next((r for _, o, r in candidates[b] if o == a), None)
            chosen[b][a] = (score, back or chosen[a][b][1])
    _fill_from_the_neighbourhood(patterns, chosen)  # after: a pattern filled in is no relation of its own
    related = {
        pid: [dict(id=other, title=by_id[other].title, reason=reason, score=score)
              for other, (score, reason) in sorted(picks.items(), key=lambda kv: (-kv[1][0], kv[0]))]
        for pid, picks in chosen.items()
    }
    return related, checklist, illustrates


def _fill_from_the_neighbourhood(patterns: list[Pattern], chosen: dict[str, dict[str, tuple[float, str]]]) -> None:
    """A pattern nothing relates to gets its neighbours in the guide, saying that is all it is."""
    by_section: dict[str, list[Pattern]] = defaultdict(list)
    for p in patterns:
        by_section[p.section].append(p)
    in_order = sorted(patterns, key=lambda q: q.order)
    position = {q.id: i for i, q in enumerate(in_order)}
    for p in patterns:
        picks = chosen[p.id]
        if picks:
            continue
        i = position[p.id]
        nearby = [q for d in range(1, 4) for q in (in_order[i - d] if i - d >= 0 else None,
                                                   in_order[i + d] if i + d < len(in_order) else None)
                  if q and q.guide == p.guide]
        for q in by_section[p.section][:MIN_RELATED + 1] + nearby:
            if len(picks) >= MIN_RELATED:
                break
            if q.id != p.id and q.id not in picks:
                picks[q.id] = (0.1, "same section (nothing closer found)" if q.section == p.section
                               else "next to it in the guide (nothing closer found)")


def _illustrations(items: list, by_id: dict[str, Pattern],
                   patterns_for_text: Callable[[str, list[str]], list[tuple[str, float]]]
                   ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(checklist item ids by pattern id, pattern ids by item id): the patterns an item links to,
    else the one or two its words and code match best."""
    illustrates: dict[str, list[str]] = {}
    checklist: dict[str, list[str]] = defaultdict(list)
    for item in items:
        ids = [target for target in dict.fromkeys(item.links) if target in by_id]
        if not ids:
            ranked = patterns_for_text(item.title, item.symbols)
            if not ranked:
                continue
            best = ranked[0][1]
            ids = [pid for pid, score in ranked[:2] if score >= 0.75 * best]
        illustrates[item.id] = ids
        for pid in ids:
            checklist[pid].append(item.id)
    return dict(checklist), illustrates
