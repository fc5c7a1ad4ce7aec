"""Entry and section ids: slugs of titles, unique in the KB, and stable as a guide grows.

An id is what bookmarks, history, links from an editor and other KBs' links keep. A title two
entries share is told apart by where each stands, never by a counter in reading order: with
`-2`, `-3`, a page added before the second "Build Scripts" would give its id to the newcomer,
and a bookmark would open another page without a word. So:

- a guide whose title a guide built before has is qualified by its file's name
  (`setup-b-python` for b-python.md);
- a section whose title another section of the same guide has, on another page, or a section of
  a guide built before, is qualified by its page's name (`admonitions/configuration`); so is
  every section of a page of a folder of several (each a guide) not named as its page;
- an entry whose title another entry of its section has is qualified by the headings between
  its section and itself (`cargo-reference/build-scripts/build-dependencies`), every one of
  them, so none keeps the bare id to hand on.

Only what stands at the same place under the same title (two "Example" headings in a row) is
numbered, in reading order, as GitHub numbers its anchors.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from patternkb.kb.links import page_name
from patternkb.kb.slugs import slugify

MAX_SLUG = 64


@dataclass
class Ids:
    """The ids taken so far in a KB; each claimed once."""

    taken: set[str] = field(default_factory=set)
    next_suffix: dict[str, int] = field(default_factory=dict)  # base -> the next -N to try

    @staticmethod
    def base(*parts: str, under: str = "") -> str:
        """The id `parts` (titles) ask for below the id `under`, before any other has taken it."""
        return "/".join([under] * bool(under) + [_short(slugify(p)) or "untitled" for p in parts])

    def claim(self, *parts: str, under: str = "") -> str:
        base = self.base(*parts, under=under)
        candidate, n = base, self.next_suffix.get(base, 1)
        while candidate in self.taken:
            n += 1
            candidate = f"{base}-{n}"
        self.next_suffix[base] = n
        self.taken.add(candidate)
        return candidate


def _short(slug: str) -> str:
    if len(slug) <= MAX_SLUG:
        return slug
    return slug[:MAX_SLUG].rsplit("-", 1)[0]


def guide_parts(ids: Ids, title: str, file: str) -> tuple[str, ...]:
    """What a guide claims its id by: its title, with its file's name if a guide built before
    has the title (its file's path if that name is the title); its file's name if its title has
    no letter or digit."""
    name = page_name(file)
    if not slugify(title):
        return (name,)
    if ids.base(title) not in ids.taken:
        return (title,)
    return (file,) if _names(title, name) else (f"{title} {name}",)


def section_parts(ids: Ids, titles: Sequence[str], files: Sequence[str], *, one_of_many: bool) -> list[tuple[str, ...]]:
    """What each section of a guide (its titles and files, in order) claims its id by. A page of
    a folder of several (`one_of_many`) qualifies every section not named as the page itself:
    whether another page has its title depends on pages not read yet."""
    pages: dict[str, set[str]] = {}
    for title, file in zip(titles, files):
        pages.setdefault(ids.base(title), set()).add(file)
    found = []
    for title, file in zip(titles, files):
        base, page = ids.base(title), page_name(file)
        qualified = not _names(title, page) if one_of_many else len(pages[base]) > 1 or base in ids.taken
        found.append((page, title) if qualified else (title,))
    return found


def _names(title: str, page: str) -> bool:
    """Whether a page's file is named as the title: its words alike but for hyphens and a number
    before them (`gettingStarted.md`, `10 - Getting started.md` for "Getting Started")."""
    def bare(text: str) -> str:
        return _ORDINAL.sub("", slugify(text)).replace("-", "")
    return bare(title) == bare(page)


_ORDINAL = re.compile(r"^\d+-")


def entry_parts(ids: Ids, asked: Sequence[tuple[str, str, Sequence[str]]]) -> list[tuple[str, ...]]:
    """What each entry of a guide claims its id by below its section's id, from (its section's
    id, its own name, the headings between its section and itself), in order."""
    wanted = Counter(ids.base(name, under=sid) for sid, name, _ in asked)
    return [(*between, name) if wanted[ids.base(name, under=sid)] > 1 else (name,)
            for sid, name, between in asked]


def between(path: Sequence[str], section_title: str) -> list[str]:
    """The headings of an entry's path (its titles from the top down, its own last) other than
    its section's and its own."""
    above = list(path[:-1])
    if section_title in above:
        above.remove(section_title)
    return above
