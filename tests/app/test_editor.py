"""Open at source (app/editor.py, and the window's footer link): the configured command runs with
the right file and line, recorded by a fake editor script; $VISUAL/$EDITOR by default; an mdBook's
chapter file."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from patternkb.app.editor import editor_command, source_path
from patternkb.app.render import SOURCE_LINK
from patternkb.kb.paths import BUNDLED_GUIDE


@pytest.fixture
def fake_editor(tmp_path):
    """A script that writes the arguments it was started with to a file, then exits."""
    record = tmp_path / "args.json"
    script = tmp_path / "fake-editor"
    script.write_text(f"#!{sys.executable}\nimport json, sys\n"
                      f"open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, record


def test_a_template_gets_its_file_and_line_and_a_bare_program_gets_the_file(tmp_path):
    file = tmp_path / "my guide.md"
    assert editor_command("code --goto '{file}:{line}'", file, 12, {}) == ["code", "--goto", f"{file}:12"]
    assert editor_command("kate", file, 12, {}) == ["kate", str(file)]


def test_without_a_template_visual_then_editor_then_nothing():
    file = Path("/g/guide.md")
    assert editor_command("", file, 7, {"VISUAL": "nvim", "EDITOR": "nano"}) == ["nvim", "+7", "/g/guide.md"]
    assert editor_command(" ", file, 7, {"EDITOR": "emacs -nw"}) == ["emacs", "-nw", "+7", "/g/guide.md"]
    assert editor_command("", file, 7, {}) is None  # the system's default application, then


def test_a_single_file_guide_is_found_beside_the_bundled_one_and_an_mdbook_chapter_in_a_folder(tmp_path):
    assert source_path(BUNDLED_GUIDE.name, "single-file", BUNDLED_GUIDE.name, []) == BUNDLED_GUIDE.resolve()
    chapter = tmp_path / "book" / "src" / "ch1.md"
    chapter.parent.mkdir(parents=True)
    chapter.write_text("# One\n")
    assert source_path("book", "mdbook", "src/ch1.md", [tmp_path]) == chapter.resolve()
    assert source_path("book", "mdbook", "src/missing.md", [tmp_path]) is None


def test_the_footer_link_opens_the_entry_in_the_configured_editor_at_its_line(qtbot, kb_window, fake_editor):
    script, record = fake_editor
    kb_window.memory.editor = f"{script} --line {{line}} {{file}}"
    entry = next(e for e in kb_window.kb.patterns if e.source.line_start > 1)
    kb_window.open_entry(entry.id)
    assert f'href="{SOURCE_LINK}"' in kb_window.entry_view.page.html
    kb_window.entry_view.anchorClicked.emit(QUrl(SOURCE_LINK))  # the footer's "file, lines a–b"
    qtbot.waitUntil(record.exists, timeout=20_000)
    qtbot.waitUntil(lambda: record.read_text().endswith("]"), timeout=5_000)
    assert json.loads(record.read_text()) == ["--line", str(entry.source.line_start), str(BUNDLED_GUIDE.resolve())]
    assert kb_window.statusBar().currentMessage() == f"Opened {BUNDLED_GUIDE.name}:{entry.source.line_start} in fake-editor"


def test_with_no_editor_configured_editor_from_the_environment_runs(qtbot, kb_window, fake_editor, monkeypatch):
    script, record = fake_editor
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(script))
    entry = kb_window.kb.patterns[0]
    kb_window.open_entry(entry.id)
    kb_window.open_source_action.trigger()  # Ctrl+E
    qtbot.waitUntil(record.exists, timeout=20_000)
    qtbot.waitUntil(lambda: record.read_text().endswith("]"), timeout=5_000)
    assert json.loads(record.read_text()) == [f"+{entry.source.line_start}", str(BUNDLED_GUIDE.resolve())]


def test_an_editor_that_cannot_start_is_told(kb_window, tmp_path):
    kb_window.memory.editor = str(tmp_path / "no-such-editor") + " {file}"
    kb_window.open_entry(kb_window.kb.patterns[0].id)
    assert kb_window.tools.open_source().startswith("could not start the editor")
    assert kb_window.statusBar().currentMessage().startswith("Could not start the editor")


def test_a_guide_outside_the_known_folders_is_told_then_found_in_a_folder_added(qtbot, kb_window, fake_editor,
                                                                                  tmp_path, monkeypatch):
    script, record = fake_editor
    kb_window.memory.editor = f"{script} {{file}}:{{line}}"
    entry = kb_window.kb.patterns[0]
    kb_window.open_entry(entry.id)
    elsewhere = tmp_path / "guides"
    elsewhere.mkdir()
    (elsewhere / entry.source.file).write_text("# a copy\n")
    monkeypatch.setattr("patternkb.app.editor.BUNDLED_GUIDE", tmp_path / "nowhere" / "guide.md")
    assert kb_window.tools.open_source() == (f"Cannot find {entry.source.file} in the guide folders: "
                                             f"File › Guide folder… says where it is")
    kb_window.tools.ask_guide_folder(str(elsewhere))
    assert kb_window.memory.guide_folders == [str(elsewhere.resolve())]
    kb_window.tools.open_source()
    qtbot.waitUntil(record.exists, timeout=20_000)
    qtbot.waitUntil(lambda: record.read_text().endswith("]"), timeout=5_000)
    assert json.loads(record.read_text()) == [f"{(elsewhere / entry.source.file).resolve()}:{entry.source.line_start}"]


def test_an_editor_command_with_an_unbalanced_quote_is_reported(tmp_path):
    from patternkb.app.editor import open_at_source

    said = open_at_source(tmp_path / "g.md", 3, "code --goto '{file}:{line}")
    assert "cannot be read" in said and "Editor command" in said
    said = open_at_source(tmp_path / "g.md", 3, "", env={"EDITOR": 'vim "-c'})
    assert "cannot be read" in said
