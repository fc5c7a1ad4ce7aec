"""The window's index job: open the library, check or rebuild its index, load the KB."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from patternkb.app.jobs import Job

if TYPE_CHECKING:
    from patternkb.index.library import PatternLibrary


def index_job(open_library: Callable[[], PatternLibrary], *, rebuild: bool = False) -> Job:
    """A job that answers (library, what was done: "" when nothing). A current index is
    `report`ed before the KB loads, so searching starts as early as it can."""
    def work(job: Job) -> tuple[PatternLibrary, str]:
        library = open_library()  # the first call imports Whoosh: here, off the GUI thread
        if rebuild:
            done = f"index rebuilt: {library.rebuild(job.progress)} documents"
        elif library.status() == "current":
            job.report(library)
            done = ""
        else:
            done = library.ensure(job.progress) or ""
        library.preload()  # the KB (pydantic) and the links, off the GUI thread
        return library, done

    return Job(work, name="index job")


def kb_unusable_box(message: str, parent: QWidget | None = None) -> QMessageBox:
    """What a user sees when the KB cannot be read: a dialog, never a traceback."""
    return QMessageBox(QMessageBox.Icon.Critical, "patternkb", f"The knowledge base cannot be opened.\n\n{message}"
                       "\n\nRun `patternkb build` to rebuild it.", parent=parent)
