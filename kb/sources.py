"""What a maintainer names on the command line (files, mdBook directories, folders of guides)
turned into parsed guides."""

from __future__ import annotations

from pathlib import Path

from kb.drafts import DraftGuide
from kb.errors import GuideError
from kb.mdbook import find_summary, load_mdbook
from kb.single_file import load_single_file

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown")


def load_guides(paths: list[Path], *, pattern_level: int | None = None,
                encoding: str | None = None) -> list[DraftGuide]:
    guides: list[DraftGuide] = []
    for path in paths:
        display = str(path)
        if path.is_dir():
            if find_summary(path):
                guides.append(load_mdbook(path, encoding=encoding, display=display))
                continue
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in MARKDOWN_SUFFIXES)
            if not files:
                raise GuideError("directory holds no Markdown files (*.md) and no SUMMARY.md", file=display)
            guides.extend(load_single_file(f, pattern_level=pattern_level, encoding=encoding, display=str(f))
                          for f in files)
        elif path.exists():
            guides.append(load_single_file(path, pattern_level=pattern_level, encoding=encoding, display=display))
        else:
            raise GuideError("no such file or directory", file=display)
    if not guides:
        raise GuideError("no guide given")
    return guides
