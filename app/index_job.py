"""The window's index job: open the library, check or rebuild its index, load the KB."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from patternkb.app.jobs import Job
from patternkb.app.models import OutlineNode, build_outline
from patternkb.kb.collector import collector_paused

if TYPE_CHECKING:
    from patternkb.index.library import PatternLibrary


def index_job(open_library: Callable[[], PatternLibrary], *, rebuild: bool = False) -> Job:
    """A job that answers (library, what was done: "" when nothing, the KB's outline). A current
    index is `report`ed before the KB loads, so searching starts as early as it can."""
    def work(job: Job) -> tuple[PatternLibrary, str, OutlineNode]:
        import_modules(INDEX_MODULES)  # Whoosh: here, off the GUI thread
        library = open_library()
        if rebuild:
            done = f"index rebuilt: {library.rebuild(job.progress, apart=True)} documents"
        elif library.status() == "current":
            job.report(library)
            done = ""
        else:
            done = library.ensure(job.progress, apart=True) or ""
        # The KB's models (pydantic), its links and its outline, made off the GUI thread. They
        # live as long as the window: made with the collector paused (kb/collector.py), then
        # frozen, so that its later passes skip them (each walked millions of objects at 50,000
        # entries, a second holding the GIL that the window could not paint).
        with collector_paused():
            import_modules(KB_MODULES)  # pydantic: after the index is reported, so searching starts first
            kb = library.kb  # loads and validates
            kb.by_id, kb.titles, kb.section_sizes  # noqa: B018 - what every page looks up, made here
            library.preload()  # the links
            outline = build_outline(kb)  # the Browse tab: 265,000 lines at 50,000 entries
            gc.freeze()
        return library, done, outline

    return Job(work, name="index job")


# What the job imports: the index (Whoosh) before anything else, the KB's models (pydantic, 0.15 s)
# once a current index has been reported.
INDEX_MODULES = ("patternkb.index.library",)
KB_MODULES = ("patternkb.kb.store",)


def import_modules(names: tuple[str, ...], tries: int = 3) -> None:
    """Import `names`, again if Python's import-deadlock detection interrupts it.

    The job imports these off the GUI thread while that thread may be importing too; when two
    threads' imports wait on each other, Python hands one of them a module the other is still
    importing ("cannot import name … from partially initialized module
    'pydantic._internal._validators'", seen once in CI under load). An import has no other
    effect, so importing again once the other thread has gone on is safe."""
    for attempt in range(tries):
        try:
            for name in names:
                importlib.import_module(name)
            return
        except ImportError as exc:
            if "partially initialized module" not in str(exc) or attempt == tries - 1:
                raise


def kb_unusable_box(message: str, parent: QWidget | None = None) -> QMessageBox:
    """What a user sees when the KB cannot be read: a dialog, never a traceback."""
    return QMessageBox(QMessageBox.Icon.Critical, "patternkb", f"The knowledge base cannot be opened.\n\n{message}"
                       "\n\nRun `patternkb build` to rebuild it.", parent=parent)
