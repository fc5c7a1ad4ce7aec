"""The index job (app/index_job.py): what it reports and answers for a current, a stale and a
rebuilt index, and the dialog shown when the KB cannot be read."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtWidgets import QMessageBox

from patternkb.app.index_job import index_job, kb_unusable_box
from patternkb.kb.errors import StoreError


class StaleLibrary:
    """A library whose index is missing: a collaborator that records what the job asks of it."""

    def __init__(self):
        self.asked: list[str] = []

    def status(self) -> str:
        return "missing"

    def ensure(self, progress, *, apart=False) -> str:
        self.asked.append("ensure apart" if apart else "ensure")
        progress(1, 2)
        progress(2, 2)
        return "index built: 2 documents"

    def rebuild(self, progress, *, apart=False) -> int:
        self.asked.append("rebuild apart" if apart else "rebuild")
        progress(2, 2)
        return 2

    def preload(self) -> None:
        self.asked.append("preload")

    @property
    def kb(self):
        return SimpleNamespace(sections=[], entries=[], by_id={}, titles={}, section_sizes={})  # an empty KB


def run(job):
    """Run `job` here (on the test's thread: its signals arrive at once) and collect them."""
    seen = {"reported": [], "progress": [], "finished": [], "failed": []}
    for name, found in seen.items():
        getattr(job.signals, name).connect(lambda *args, found=found: found.append(args))
    job.run()
    return seen


def test_a_current_index_is_searchable_before_the_kb_loads(qtbot, bundled_library):
    seen = run(index_job(lambda: bundled_library))
    assert seen["reported"] == [(bundled_library,)]
    [(generation, (library, done, outline))] = seen["finished"]
    assert (generation, library, done) == (0, bundled_library, "")  # "": nothing was built
    # The Browse tab's outline is built on the job's thread: one line per section at the top.
    assert len(outline.children) == len(bundled_library.kb.sections)
    assert seen["failed"] == []


def test_a_missing_index_is_built_with_progress_and_not_reported_early(qtbot):
    library = StaleLibrary()
    seen = run(index_job(lambda: library))
    assert seen["reported"] == []  # a missing index cannot be searched yet
    assert seen["progress"] == [(1, 2), (2, 2)]
    assert [(g, answer[:2]) for g, answer in seen["finished"]] == [(0, (library, "index built: 2 documents"))]
    # The window's builds run in a process of their own (index/build_process.py).
    assert library.asked == ["ensure apart", "preload"]


def test_rebuild_rebuilds_and_says_how_many_documents(qtbot):
    library = StaleLibrary()
    seen = run(index_job(lambda: library, rebuild=True))
    assert [(g, answer[:2]) for g, answer in seen["finished"]] == [(0, (library, "index rebuilt: 2 documents"))]
    assert library.asked == ["rebuild apart", "preload"]


def test_a_library_that_cannot_open_fails_the_job(qtbot):
    def broken():
        raise StoreError("/nowhere: no KB here")

    seen = run(index_job(broken))
    assert seen["finished"] == []
    [(generation, exc)] = seen["failed"]
    assert isinstance(exc, StoreError) and "no KB here" in str(exc)


def test_an_unusable_kb_is_a_dialog_that_says_why_and_what_to_run(qtbot):
    message = "/nowhere: no KB here"
    box = kb_unusable_box(message)
    qtbot.addWidget(box)
    assert box.icon() == QMessageBox.Icon.Critical
    assert message in box.text()
    assert "patternkb build" in box.text()


def test_an_import_interrupted_by_another_thread_s_is_tried_again_and_other_import_errors_fail_it(monkeypatch):
    import importlib

    import pytest

    from patternkb.app import index_job as job_module

    real, calls = importlib.import_module, []

    def racing_once(name):
        calls.append(name)
        if len(calls) == 1:
            raise ImportError("cannot import name 'x' from partially initialized module 'pydantic._internal.y'")
        return real(name)

    monkeypatch.setattr(job_module.importlib, "import_module", racing_once)
    job_module.import_modules(job_module.INDEX_MODULES)
    assert calls[0] == calls[1] == job_module.INDEX_MODULES[0]

    def missing(name):
        raise ImportError("No module named 'whoosh'")

    monkeypatch.setattr(job_module.importlib, "import_module", missing)
    with pytest.raises(ImportError):
        job_module.import_modules(job_module.INDEX_MODULES)
