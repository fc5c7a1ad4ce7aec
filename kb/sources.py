"""What a maintainer names on the command line (files, mdBook directories, folders of guides)
turned into parsed guides, reading nothing from outside what was named."""

from __future__ import annotations

import stat
from pathlib import Path

from patternkb.kb.drafts import DraftGuide
from patternkb.kb.encoding import EmptyGuide, check_encoding, printable, resolve_inside
from patternkb.kb.errors import GuideError
from patternkb.kb.mdbook import find_summary, load_mdbook
from patternkb.kb.single_file import load_single_file

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown")


def load_guides(paths: list[Path], *, pattern_level: int | None = None,
                encoding: str | None = None) -> list[DraftGuide]:
    check_encoding(encoding)  # a bad --encoding is one error, before any file is read
    guides: list[DraftGuide] = []
    for path in paths:
        path = Path(path)
        display = printable(path)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise GuideError("no such file or directory", file=display) from None
        except OSError as exc:
            raise GuideError(f"cannot read: {exc.strerror}", file=display) from None
        except ValueError:  # a NUL in the path
            raise GuideError("the path holds a NUL byte", file=display) from None
        if not stat.S_ISDIR(mode):
            # A file named on its own is its own root: the maintainer chose it, symlink or not.
            guides.append(load_single_file(path, pattern_level=pattern_level, encoding=encoding, display=display))
        elif find_summary(path):
            guides.append(load_mdbook(path, encoding=encoding, display=display, pattern_level=pattern_level))
        else:
            guides.extend(_load_folder(path, display, pattern_level=pattern_level, encoding=encoding))
    if not guides:
        raise GuideError("no guide given")
    return guides


def _load_folder(folder: Path, display: str, *, pattern_level: int | None,
                 encoding: str | None) -> list[DraftGuide]:
    """Every Markdown file directly in `folder` as a guide of its own. A file that leads outside
    the folder (a symlink) or is empty is skipped with a warning, carried by the first guide."""
    try:
        names = sorted(p for p in folder.iterdir() if p.suffix.lower() in MARKDOWN_SUFFIXES and p.is_file())
    except OSError as exc:
        raise GuideError(f"cannot list: {exc.strerror}", file=display) from None
    guides: list[DraftGuide] = []
    skipped: list[tuple[str, str]] = []
    for path in names:
        shown = printable(path)
        if resolve_inside(path, folder) is None:
            skipped.append((shown, "leads outside the folder (a symlink)"))
            continue
        try:
            guides.append(load_single_file(path, pattern_level=pattern_level, encoding=encoding, display=shown))
        except EmptyGuide as exc:
            skipped.append((shown, exc.message))
    if not guides:
        if skipped:
            raise GuideError(f"no Markdown file to build from ({skipped[0][0]}: {skipped[0][1]})", file=display)
        raise GuideError("directory holds no Markdown files (*.md) and no SUMMARY.md", file=display)
    guides[0].warnings[:0] = [(shown, None, f"{reason}; skipped") for shown, reason in skipped]
    return guides
