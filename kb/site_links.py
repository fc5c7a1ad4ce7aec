"""Links between the pages of a folder of guides (a docs tree: Docusaurus, VitePress, MyST, Hugo).

Each page of a folder is a guide of its own, assembled and written before the next is read, so a
link to a later page cannot be resolved when its entry is made. Its entry keeps the link as
"elsewhere"; every page's entries and anchors are recorded here as pages are assembled (a few
strings per heading), and once the folder is read the links are resolved against them and the
entries amended (kb/build.py).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from patternkb.kb.encoding import resolve_inside
from patternkb.kb.links import PAGE_SUFFIXES, LinkTargets, WikiNames, find_page


_LONGEST_PATH = 4096  # PATH_MAX on Linux: a longer link names no file


@dataclass
class _Waiting:
    """An entry's links to other pages of its folder, and where to say so if they lead nowhere."""

    order: int  # the entry's place in the KB
    entry_id: str
    site: str
    guide: int  # the guide's index among those assembled
    links: list[tuple[str, str, str, int]]  # (href as rendered, path named, display, line)


@dataclass
class Amendment:
    """What an entry gains once its folder is read: the entries its links lead to."""

    links: list[str] = field(default_factory=list)  # entry ids, to add to the entry's links
    link_targets: dict[str, str] = field(default_factory=dict)  # href -> entry id (#part)

    def applied(self, links: list[str], link_targets: dict[str, str]) -> dict:
        """The entry's `links` and `link_targets` with these added (what it had comes first)."""
        return dict(links=[*links, *(i for i in self.links if i not in links)],
                    link_targets={**self.link_targets, **link_targets})

    def apply_to(self, data: dict) -> None:
        """Add these to an entry's JSON data."""
        data.update(self.applied(data["links"], data["link_targets"]))


@dataclass
class SiteLinks:
    pages: dict[tuple[str, str], str] = field(default_factory=dict)  # (site, file) -> first entry id
    anchors: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (site, file, anchor) -> target
    waiting: list[_Waiting] = field(default_factory=list)
    _labels: dict[tuple[str, str], str | None] | None = None  # (site, anchor) -> its one target, made when asked

    def add_pages(self, site: str, targets: LinkTargets) -> None:
        """The entries and anchors of one guide of `site`, whose files are named from the folder."""
        for file, entry_id in targets.pages.items():
            self.pages.setdefault((site, file), entry_id)
        for (file, anchor), target in targets.anchors.items():
            self.anchors.setdefault((site, file, anchor), target)

    def wait(self, order: int, entry_id: str, site: str, guide: int,
             links: list[tuple[str, str, str, int]]) -> None:
        if links:
            self.waiting.append(_Waiting(order, entry_id, site, guide, links))

    def resolve(self) -> tuple[dict[int, Amendment], dict[int, list[tuple[str, int, str]]], dict[int, list[int]]]:
        """(amendments by entry order, the links that lead nowhere by guide index: (display, line,
        href), and per guide index the [resolved, unresolved] counts of its links elsewhere)."""
        amendments: dict[int, Amendment] = {}
        nowhere: dict[int, list[tuple[str, int, str]]] = {}
        counts: dict[int, list[int]] = {}
        files: dict[str, set[str]] = {}  # site -> its pages' files
        for site, file in self.pages:
            files.setdefault(site, set()).add(file)
        names = {site: WikiNames(pages) for site, pages in files.items()}
        for waiting in self.waiting:
            counted = counts.setdefault(waiting.guide, [0, 0])
            for href, named, display, line in waiting.links:
                target = self._target(waiting.site, named, files.get(waiting.site, set()), names.get(waiting.site))
                if target is None and self.names_a_file(waiting.site, named):
                    continue  # a file of the folder (`LICENSE`), before any label of that name
                target = target or self._labelled(waiting.site, href)
                if target is None:
                    counted[1] += 1
                    nowhere.setdefault(waiting.guide, []).append((display, line, href))
                    continue
                counted[0] += 1
                amendment = amendments.setdefault(waiting.order, Amendment())
                amendment.link_targets.setdefault(href, target)
                entry_id = target.partition("#")[0]
                if entry_id != waiting.entry_id and entry_id not in amendment.links:
                    amendment.links.append(entry_id)
        return amendments, nowhere, counts

    def _target(self, site: str, named: str, pages: set[str], names: WikiNames | None) -> str | None:
        """Where a link to `named` (a path from the folder, or `wiki:` a page's name) leads among
        the site's `pages` (`names`: them by their names), or None."""
        if named.startswith("wiki:"):  # a wiki link names a page by its name (kb/links.py)
            name, _, frag = named[len("wiki:"):].partition("#")
            return self._at(site, names.named_by(name) if names else None, frag)
        path, _, frag = named.partition("#")
        folder = path.endswith("/")
        page = find_page(pages, posixpath.normpath(path.strip("/") or "."), folder)
        pieces = path.strip("/").split("/")
        name = posixpath.basename(site)
        if page is None and path.startswith("/"):
            # The site's routes may start above the folder named ("/docs/api" of a `website/docs`
            # folder given as `docs`, "/docs/docs/api" of a `docs/docs` one): the path after one
            # of the folder's own name, the innermost first.
            after = [n + 1 for n, piece in enumerate(pieces[:-1]) if piece == name]
            for start in reversed(after):
                page = find_page(pages, posixpath.normpath("/".join(pieces[start:])), folder)
                if page is not None:
                    break
        return self._at(site, page, frag)

    def _labelled(self, site: str, href: str) -> str | None:
        """Where `[words](label)` leads when no page has that path: MyST reads it as a reference
        to the label (`(label)=` above a heading) or heading of that name, which one page of the
        folder defines, else nowhere."""
        if "#" in href or posixpath.splitext(href)[1].lower() in PAGE_SUFFIXES:
            return None
        if self._labels is None:
            self._labels = {}
            for (at, _, anchor), target in self.anchors.items():
                self._labels[(at, anchor)] = target if (at, anchor) not in self._labels else None
        return self._labels.get((site, href.lower()))

    def _at(self, site: str, page: str | None, frag: str) -> str | None:
        if page is None:
            return None
        return self.anchors.get((site, page, frag)) if frag else self.pages[(site, page)]

    def names_a_file(self, site: str, named: str) -> bool:
        """Whether a link elsewhere that leads to no page names a file or folder of the site that is
        not a page (`LICENSE`, `examples/`), or leaves the folder (`../Makefile`): a link to a
        file, not a broken one."""
        if named.startswith("wiki:"):
            return False
        path = named.partition("#")[0].strip("/")
        if path == ".." or path.startswith("../"):
            return True  # outside the folder named: a file of the project, not a page of the guides
        if posixpath.splitext(path)[1].lower() in PAGE_SUFFIXES or len(path) > _LONGEST_PATH:
            return False  # a page (its heading is missing), or no path a file system has
        try:
            found = resolve_inside(Path(site) / path, Path(site)) if path else None
            return found is not None and found.exists()
        except (OSError, ValueError):  # a name too long, or holding a NUL, names no file
            return False
