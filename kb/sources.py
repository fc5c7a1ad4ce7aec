"""What a maintainer names on the command line (files, mdBook directories, folders of guides)
turned into parsed guides, reading nothing from outside what was named."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from patternkb.kb.drafts import DraftGuide
from patternkb.kb.encoding import check_encoding, counted, printable, resolve_inside, some_of
from patternkb.kb.errors import GuideError
from patternkb.kb.links import NOT_GUIDES, PAGE_SUFFIXES
from patternkb.kb.mdbook import find_summary, load_mdbook
from patternkb.kb.single_file import load_single_file
from patternkb.kb.site_nav import find_config, read_nav



@dataclass
class _Planned:
    """One guide to read, known by its resolved path before it is read: a guide named twice is
    read once, where it was named last. `load` raises the path's error when it is reached, so
    errors come in the order the paths were named, as when everything was read first."""

    source: str
    load: Callable[[], DraftGuide | None]


def iter_guides(paths: list[Path], *, pattern_level: int | None = None,
                encoding: str | None = None) -> Iterator[DraftGuide]:
    """The guides named, parsed one at a time (the build holds one guide's drafts at a time)."""
    check_encoding(encoding)  # a bad --encoding is one error, before any file is read
    plan = [item for path in paths for item in _plan(Path(path), pattern_level, encoding)]
    if not plan:
        raise GuideError("no guide given")
    last = {item.source: n for n, item in enumerate(plan) if item.source}
    for n, item in enumerate(plan):
        if item.source and last[item.source] != n:
            continue
        guide = item.load()
        if guide is not None:
            yield guide


def _plan(path: Path, pattern_level: int | None, encoding: str | None) -> list[_Planned]:
    display = printable(path)

    def fail(error: GuideError) -> list[_Planned]:
        def load() -> None:
            raise error
        return [_Planned("", load)]

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return fail(GuideError("no such file or directory", file=display))
    except OSError as exc:
        return fail(GuideError(f"cannot read: {exc.strerror}", file=display))
    except ValueError:  # a NUL in the path
        return fail(GuideError("the path holds a NUL byte", file=display))
    if not stat.S_ISDIR(mode):
        # A file named on its own is its own root: the maintainer chose it, symlink or not.
        return [_Planned(str(path.resolve()), lambda: load_single_file(
            path, pattern_level=pattern_level, encoding=encoding, display=display))]
    if find_summary(path):
        return [_Planned(str(path.resolve()), lambda: load_mdbook(
            path, encoding=encoding, display=display, pattern_level=pattern_level))]
    config = find_config(path)
    nav = read_nav(config) if config is not None else None
    docs = resolve_inside(path / nav.docs_dir, path) if nav is not None else None
    root = path / nav.docs_dir if docs is not None and docs.is_dir() and docs != path.resolve() else path
    try:
        names, unread = _tree(root)
        outside = _tree(path)[0] if root != path else []
    except OSError as exc:
        return fail(GuideError(f"cannot list: {exc.strerror}", file=display))
    titles: dict[str, str] = {}
    if nav is not None:  # a MkDocs site: its pages in its menu's order, titled as the menu titles them
        by_name = {name.relative_to(root).as_posix(): name for name in names}
        names = [by_name[name] for name in nav.order(list(by_name))]
        titles = nav.titles()
    folder = _Folder(root, display, pattern_level, encoding, pages=len(names), titles=titles,
                     github_wiki=any((root / name).is_file() for name in ("_Sidebar.md", "_Footer.md")))
    folder.skip_unread(unread)
    folder.skip_outside([name for name in outside if root not in name.parents], root)
    return [*(folder.plan(name) for name in names), _Planned("", folder.finish)]


def _tree(folder: Path) -> tuple[list[Path], list[Path]]:
    """The guides of a folder, in the order of their paths: every Markdown file in it and in its
    subfolders (a docs tree, a notes vault), and each subfolder that is a book as one guide, not
    looked into. Hidden folders and installed packages (`node_modules`) are not guides; symlinked
    folders are not followed (a symlinked file is read if it stays inside, see _Folder.plan).
    Second, the pages written in a markup that is not Markdown (a Sphinx tree's .rst pages)."""
    found: list[Path] = []
    unread: list[Path] = []
    for root, folders, files in os.walk(folder, onerror=_raise):
        here = Path(root)
        books = [name for name in folders if not (here / name).is_symlink() and find_summary(here / name)]
        folders[:] = sorted(name for name in folders
                            if not name.startswith(".") and name not in NOT_GUIDES and name not in books)
        found += [here / name for name in books]
        found += [here / name for name in files if Path(name).suffix.lower() in PAGE_SUFFIXES
                  and (here / name).is_file()]
        unread += [here / name for name in files if Path(name).suffix.lower() in OTHER_MARKUP]
    return sorted(found, key=lambda p: p.relative_to(folder).parts), sorted(unread)


def _raise(error: OSError) -> None:
    raise error


# Pages of a docs tree in a markup other than Markdown, by suffix: named in a warning, not read.
OTHER_MARKUP = {".rst": "reStructuredText", ".rest": "reStructuredText", ".adoc": "AsciiDoc",
                ".asciidoc": "AsciiDoc", ".org": "Org", ".textile": "Textile"}


@dataclass
class _Folder:
    """Every Markdown file in a folder and its subfolders as a guide of its own, and each book in
    it. A file that leads outside the folder (a symlink), is empty or cannot be read (binary, a
    book whose summary leads nowhere) is skipped with a warning, carried by the first guide: one
    bad page of a docs tree does not stop the rest."""

    folder: Path
    display: str
    pattern_level: int | None
    encoding: str | None
    # The first guide's warnings (the list itself: the guide is let go once assembled).
    first_warnings: list[tuple[str, int | None, str]] | None = None
    found: int = 0
    pages: int = 0  # the Markdown files and books found in it
    # A GitHub wiki (its sidebar or footer page at the top) writes its links [[shown|Page]].
    github_wiki: bool = False
    skipped: list[tuple[str, int | None, str]] = field(default_factory=list)  # (file, line, why)
    titles: dict[str, str] = field(default_factory=dict)  # a site's menu's title of a page, by its path

    def skip_outside(self, pages: list[Path], docs: Path) -> None:
        """Say which pages stand outside a site's docs folder (its README, its changelog): the
        site is what `docs_dir` holds."""
        if pages:
            names = [printable(page.relative_to(docs.parent).as_posix()) for page in pages]
            self.skipped.append((self.display, None, f"{counted(names, 'page')} outside the site's docs folder "
                                                     f"'{docs.name}' (mkdocs.yml), not read: {some_of(names)}"))

    def skip_unread(self, unread: list[Path]) -> None:
        """Say which pages are in a markup this build does not read, one warning per markup."""
        by_markup: dict[str, list[str]] = {}
        for path in unread:
            by_markup.setdefault(OTHER_MARKUP[path.suffix.lower()], []).append(
                printable(path.relative_to(self.folder).as_posix()))
        for markup, names in by_markup.items():
            self.skipped.append((self.display, None, f"{counted(names, 'page')} in {markup}, which patternkb does "
                                                     f"not read (Markdown only): {some_of(names)}"))

    def plan(self, path: Path) -> _Planned:
        shown = printable(path)
        if resolve_inside(path, self.folder) is None:
            return _Planned("", lambda: self.skipped.append((shown, None, "leads outside the folder (a symlink)")))
        self.found += 1  # a guide, even if it is read where it is named again
        return _Planned(str(path.resolve()), lambda: self._load(path, shown))

    def _load(self, path: Path, shown: str) -> DraftGuide | None:
        try:
            if path.is_dir():  # a book among the folder's pages
                guide = load_mdbook(path, encoding=self.encoding, display=shown, pattern_level=self.pattern_level)
            else:  # known in the KB by its path in the folder: two pages may share a name
                name = path.relative_to(self.folder).as_posix()
                guide = load_single_file(path, pattern_level=self.pattern_level, encoding=self.encoding,
                                         display=shown, file=printable(name), root=self.folder,
                                         wiki_page_last=self.github_wiki, one_of_many=self.pages > 1,
                                         title=self.titles.get(name))
                guide.site = str(self.folder.resolve())
        except GuideError as exc:
            self.skipped.append((shown, exc.line, exc.message))
            self.found -= 1
            return None
        return self._loaded(guide)

    def _loaded(self, guide: DraftGuide) -> DraftGuide:
        if self.first_warnings is None:
            self.first_warnings = guide.warnings
        return guide

    def finish(self) -> None:
        if not self.found:
            if self.skipped:
                raise GuideError(f"no Markdown file to build from ({self.skipped[0][0]}: {self.skipped[0][2]})",
                                 file=self.display)
            raise GuideError("directory holds no Markdown files (*.md) and no SUMMARY.md", file=self.display)
        if self.first_warnings is not None:
            # The first guide is assembled already; the build reads its warnings list at the end.
            self.first_warnings[:0] = [(shown, line, f"{reason}; skipped") for shown, line, reason in self.skipped]
