"""The window (app/window.py), driven through its widgets with pytest-qt on a real KB and a real index."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import QApplication

from patternkb.app.render import DARK, LIGHT, render_entry
from patternkb.app.roles import Role
from patternkb.app.settings import Memory
from patternkb.app.window import MainWindow
from patternkb.kb.build import build_kb
from patternkb.kb.files import live_dir
from patternkb.index.library import PatternLibrary
from patternkb.kb.paths import BUNDLED_KB


@pytest.fixture
def memory(tmp_path):
    return Memory(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, bundled_library, memory):
    win = MainWindow(lambda: bundled_library, memory)
    qtbot.addWidget(win)
    win.show()
    win.start_index()
    qtbot.waitUntil(lambda: win.index_ready, timeout=30_000)
    yield win
    QThreadPool.globalInstance().waitForDone(10_000)


def search(qtbot, win, text):
    with qtbot.waitSignal(win.search_controller.results_ready, timeout=10_000):
        win.search_box.setText(text)
        win.search_controller.flush()  # what the debounce timer does, without waiting for it
    return win.last_result


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12: its reference "
                    "count never changes, so the bug can neither crash the window nor be seen")
def test_views_asking_for_data_do_not_eat_references_to_none(qtbot, window):
    # PySide6 6.12.0 dropped a reference to None each time a view got None back from a
    # model's data(): a window left open painted None's count down to zero and crashed
    # ("none_dealloc"). pyproject.toml excludes that release; this catches the next one.
    # 600 calls below: a release that drops one reference a call loses 600.
    search(qtbot, window, "mutex")
    models = [window.results_model, window.outline_view.model(), window.bookmarks_model]
    before = sys.getrefcount(None)
    for model in models:
        index = model.index(0, 0)
        for role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.UserRole + 999):
            for _ in range(200):
                index.data(role)  # through Qt, as a view asks
    assert sys.getrefcount(None) >= before - 50


def test_searches_reuse_their_threads_searchers(qtbot, bundled_index, memory):
    # A library of its own: the session's is searched from threads that earlier tests' pool
    # may have retired since.
    own = PatternLibrary.open(BUNDLED_KB, bundled_index.store.root)
    win = MainWindow(lambda: own, memory)
    qtbot.addWidget(win)
    win.start_index()
    qtbot.waitUntil(lambda: win.index_ready, timeout=30_000)
    for text in ["mutex", "builder", "thread safety", "arena", "actor", "cow"]:
        search(qtbot, win, text)
    QThreadPool.globalInstance().waitForDone(10_000)
    # One per pool thread at most (the index job's thread checked the index with one): never
    # one per search.
    assert 1 <= own.open_searchers() <= QThreadPool.globalInstance().maxThreadCount()
    own.close()


def test_typing_shows_the_expected_first_result(qtbot, window):
    with qtbot.waitSignal(window.search_controller.results_ready, timeout=10_000):
        qtbot.keyClicks(window.search_box, "PooledObject")
        window.search_controller.flush()
    first = window.results_model.hit(0)
    assert window.kb.entry(first.parent or first.id).title == "Memory Pool Pattern"
    qtbot.waitUntil(lambda: window.current_id == "memory-management-patterns/memory-pool-pattern")
    qtbot.waitUntil(lambda: "PooledObject" in window.entry_view.toPlainText())  # rendered on a pool thread
    assert "results in" in window.statusBar().currentMessage()


def test_a_burst_of_keystrokes_runs_one_search_when_the_timer_fires(qtbot, window):
    controller = window.search_controller
    started = []
    controller.started.connect(lambda gen, text: started.append(text))
    with qtbot.assertNotEmitted(controller.started):
        qtbot.keyClicks(window.search_box, "mutex threa")  # each key restarts the timer
    assert controller.timer.isActive() and controller.timer.interval() > 0
    controller.timer.stop()  # the timer's interval is not raced: its timeout is driven here
    with qtbot.waitSignal(controller.results_ready, timeout=10_000):
        controller.flush()
    assert started == ["mutex threa"]
    with qtbot.assertNotEmitted(controller.started):
        controller.flush()  # the same text again: nothing runs


def test_up_down_move_through_results_and_enter_opens(qtbot, window):
    search(qtbot, window, "builder")
    qtbot.waitUntil(lambda: window.results_view.currentIndex().row() == 0)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert window.results_view.currentIndex().row() == 1
    second = window.results_model.hit(1)
    assert window.current_id == (second.parent or second.id)
    qtbot.keyClick(window.search_box, Qt.Key.Key_PageDown)
    assert window.results_view.currentIndex().row() == min(9, window.results_model.rowCount() - 1)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Up)
    qtbot.keyClick(window.search_box, Qt.Key.Key_PageUp)
    assert window.results_view.currentIndex().row() == 0
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert window.search_box.text() == ""


def test_related_link_navigates_and_back_returns(qtbot, window):
    start = "concurrency-async/thread-safety-patterns"
    window.open_entry(start)
    related = window.library.entry(start).related[0]["id"]
    assert f'href="entry:{related}"' in window.entry_view.page.html
    window.entry_view.anchorClicked.emit(QUrl(f"entry:{related}"))
    assert window.current_id == related
    window.back_action.trigger()
    assert window.current_id == start
    window.forward_action.trigger()
    assert window.current_id == related
    # The mouse's back and forward buttons, over the entry.
    qtbot.mouseClick(window.entry_view.viewport(), Qt.MouseButton.BackButton)
    assert window.current_id == start
    qtbot.mouseClick(window.entry_view.viewport(), Qt.MouseButton.ForwardButton)
    assert window.current_id == related


def test_bookmarking_marks_the_entry_shown(window):
    window.open_entry("api-design-patterns/newtype-pattern")
    assert " ★</h1>" not in window.entry_view.page.html
    window.bookmark_action.trigger()  # the navigator says so; the window renders the entry again
    assert " ★</h1>" in window.entry_view.page.html
    window.bookmark_action.trigger()
    assert " ★</h1>" not in window.entry_view.page.html


def test_copy_puts_the_exact_code_on_the_clipboard(qtbot, window):
    entry_id = "crates-modules/cargo-toml-best-practices"
    window.open_entry(entry_id)
    window.entry_view.anchorClicked.emit(QUrl("copy:0"))
    assert QGuiApplication.clipboard().text() == window.kb.entry(entry_id).code[0].code
    assert "copied code block 1" in window.statusBar().currentMessage()


def test_opening_a_snippet_hit_scrolls_to_it(qtbot, window):
    result = search(qtbot, window, "kind:snippet Rate limiting with semaphore")
    hit = result.hits[0]
    assert hit.anchor
    qtbot.waitUntil(lambda: window.entry_view.page is not None and f'name="{hit.anchor}"' in window.entry_view.page.html)
    qtbot.waitUntil(lambda: window.entry_view.verticalScrollBar().value() > 0)


def test_external_links_go_out_and_other_schemes_are_refused(qtbot, window, monkeypatch):
    opened = []
    monkeypatch.setattr("patternkb.app.entry_view.QDesktopServices.openUrl", lambda url: opened.append(url.toString()) or True)
    window.entry_view.anchorClicked.emit(QUrl("https://crates.io/crates/tokio"))
    assert opened == ["https://crates.io/crates/tokio"]
    for url in ("javascript:alert(1)", "file:///etc/passwd", "ftp://example.com/x"):
        window.entry_view.anchorClicked.emit(QUrl(url))
        assert "refused" in window.statusBar().currentMessage()
    assert opened == ["https://crates.io/crates/tokio"]
    window.entry_view.anchorClicked.emit(QUrl("../reference/cli.md"))  # a page no guide of the KB holds
    assert "../reference/cli.md is not in the KB" in window.statusBar().currentMessage()
    assert opened == ["https://crates.io/crates/tokio"]


def test_bookmarks_survive_a_restart(qtbot, bundled_library, tmp_path):
    path = str(tmp_path / "settings.ini")
    first = MainWindow(lambda: bundled_library, Memory(QSettings(path, QSettings.Format.IniFormat)))
    qtbot.addWidget(first)
    first.start_index()
    qtbot.waitUntil(lambda: first.kb is not None, timeout=30_000)
    first.open_entry("api-design-patterns/newtype-pattern")
    first.bookmark_action.trigger()
    first.close()
    second = MainWindow(lambda: bundled_library, Memory(QSettings(path, QSettings.Format.IniFormat)))
    qtbot.addWidget(second)
    assert second.bookmarks_model.ids == ["api-design-patterns/newtype-pattern"]
    assert second.memory.recent_entries[0] == "api-design-patterns/newtype-pattern"


def test_hostile_guide_content_is_escaped(qtbot, write_guide):
    guide = write_guide(
        "# G\n\n## Section\n\n### Hostile\n\n<img src=file:///etc/passwd>\n\n"
        '<a href="javascript:alert(1)">click</a> and <script>alert(1)</script>\n\n'
        "[js](javascript:alert(1)) ![pic](file:///etc/passwd)\n\n```rust\nfn a() {}\n```\n")
    kb = build_kb([guide])
    page = render_entry(kb.entries[0], kb, related=[], checklist=[])
    lowered = page.html.lower()
    assert "<img" not in lowered and "<script" not in lowered
    assert 'href="javascript' not in lowered and 'src="file' not in lowered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.html
    from patternkb.app.entry_view import EntryView
    view = EntryView()
    qtbot.addWidget(view)
    view.show_page(page)
    assert "<script>alert(1)</script>" in view.toPlainText()  # shown as text


def test_font_size_and_theme_are_remembered_and_shown(qtbot, window, memory):
    size = window.font_size
    window.change_font_size(+2)
    assert memory.font_size == size + 2 and window.entry_view.font().pointSize() == size + 2
    assert window.theme.choice == "system"  # a fresh settings file
    for choice, theme in (("light", LIGHT), ("dark", DARK)):
        window.theme_action.trigger()
        assert memory.theme == window.theme.choice == choice
        qtbot.waitUntil(lambda: window.entry_view.palette().color(QPalette.ColorRole.Base).name() == theme.background,
                        timeout=2000)  # the whole window: the entry view is one of its widgets
    window.theme_action.trigger()
    assert memory.theme == window.theme.choice == "system"
    assert window.statusBar().currentMessage() == "Theme: system"


def test_before_any_entry_the_entry_pane_says_what_the_kb_holds_and_how_to_search(window):
    counts = window.kb.manifest.counts
    text = window.entry_view.toPlainText()
    assert window.current_id is None and f"{counts.patterns} patterns in {counts.sections} sections" in text
    assert "Ctrl+K" in text and "kind:snippet" in text
    assert not window.back_action.isEnabled() and not window.forward_action.isEnabled()  # no history yet


def test_no_hits_shows_suggestions(qtbot, window):
    search(qtbot, window, "zzqqxx")
    assert window.results_stack.currentWidget() is window.overview
    assert "No results" in window.overview.toPlainText()


def test_no_hits_names_the_filter_value_that_matches_nothing_and_cuts_a_long_query(qtbot, window):
    search(qtbot, window, "kind:bogus arc " + "x" * 5000)
    text = window.overview.toPlainText()
    assert "kind:bogus matches nothing; kind is one of pattern, overview, snippet, part, checklist" in text
    heading = text.splitlines()[0]
    assert heading.startswith("No results for") and len(heading) < 100 and heading.endswith("…”")


@pytest.mark.slow
def test_screenshot_command_writes_a_png_that_is_not_blank(tmp_path, bundled_index):
    shot = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-m", "patternkb.app.cli", "gui", "--query", "mutex", "--screenshot", str(shot),
                           "--index-dir", str(bundled_index.store.root)], capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)
    colours = {image.pixel(x, y) for x in range(0, 1280, 37) for y in range(0, 800, 23)}
    assert len(colours) > 20


def test_screenshot_of_a_kb_that_cannot_be_opened_fails_with_the_reason(tmp_path):
    # A script takes screenshots: a dialog would wait for a click that never comes.
    broken = tmp_path / "kb"
    shutil.copytree(BUNDLED_KB, broken)
    (live_dir(broken) / "entries.jsonl").write_text('{"id": "x"}\n', encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for kb, reason in ((tmp_path / "missing", "no KB here"), (broken, "entries.jsonl")):
        proc = subprocess.run([sys.executable, "-m", "patternkb.app.cli", "gui", "--kb", str(kb), "--screenshot",
                               str(tmp_path / "shot.png"), "--index-dir", str(tmp_path / "ix")],
                              capture_output=True, text=True, timeout=120, env=env)
        errors = [line for line in proc.stderr.splitlines() if line.startswith("patternkb:")]
        assert proc.returncode == 1 and len(errors) == 1 and reason in errors[0], proc.stderr
        assert "Traceback" not in proc.stderr
        assert not (tmp_path / "shot.png").exists()


def test_an_entry_picked_in_the_browse_or_bookmarks_tab_opens(qtbot, window):
    outline = window.outline_view.model()
    section = outline.index(0, 0)
    entry = outline.index(0, 0, section)  # the KB's outline, filled once the KB loaded
    window.outline_view.activated.emit(entry)
    assert window.current_id == entry.data(Role.Id)
    window.bookmark_action.trigger()  # the entry opened from the outline: the only bookmark
    window.open_entry("api-design-patterns/newtype-pattern")
    window.bookmarks_view.clicked.emit(window.bookmarks_model.index(0, 0))
    assert window.current_id == entry.data(Role.Id)


def pick(box, data):
    """Pick a filter value as a user does (activated, not just set)."""
    index = box.findData(data)
    assert index >= 0, data
    box.setCurrentIndex(index)
    box.activated.emit(index)


def test_esc_clears_the_query_and_the_filters_and_the_status_bar_tells_the_truth(qtbot, window):
    result = search(qtbot, window, "arc")
    everything = result.total
    with qtbot.waitSignal(window.search_controller.results_ready, timeout=10_000):
        pick(window.filter_bar.kind_box, "checklist")
    assert window.last_result.total < everything
    window.guide_order_action.setChecked(True)
    with qtbot.waitSignal(window.search_controller.results_ready, timeout=10_000):
        qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert window.search_box.text() == "" and window.filter_bar.kind() is None and window.filter_bar.section() is None
    assert not window.guide_order_action.isChecked()
    assert window.statusBar().currentMessage() == f"{len(window.kb.entries)} entries"  # no "N results" left over
    assert search(qtbot, window, "arc").total == everything  # a new query is not filtered


def test_previews_while_typing_are_not_history_but_opening_a_result_is(qtbot, window):
    search(qtbot, window, "arc mutex")
    qtbot.waitUntil(lambda: window.entry_view.page is not None, timeout=10_000)  # the top hit's preview
    window.search_box.moved.emit(1)  # Down
    window.search_box.moved.emit(1)
    assert window.history.current is None and window.memory.recent_entries == []
    assert window.navigator.previewing
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)  # opened
    hit = window.results_pane.model.hit(2)
    assert window.history.current.place[0] == (hit.parent or hit.id)
    assert window.memory.recent_entries == [hit.parent or hit.id]
    assert window.windowTitle() == f"{window.kb.entry(hit.parent or hit.id).title} — patternkb"


def test_back_returns_to_where_the_reader_was(qtbot, window):
    start = "concurrency-async/thread-safety-patterns"
    window.open_entry(start)
    bar = window.entry_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 600)
    bar.setValue(600)
    related = window.library.entry(start).related[0]["id"]
    window.entry_view.anchorClicked.emit(QUrl(f"entry:{related}"))
    assert bar.value() == 0
    window.back_action.trigger()
    assert window.current_id == start and bar.value() == 600


def test_tab_runs_from_the_search_box_through_the_filters_and_results_to_the_entry(qtbot, window):
    search(qtbot, window, "mutex")
    window.search_box.setFocus()
    order = [window.search_box]
    for _ in range(4):
        window.focusNextChild()  # what Tab does
        order.append(QApplication.focusWidget())
    assert order == [window.search_box, window.filter_bar.kind_box, window.filter_bar.section_box,
                     window.results_view, window.entry_view]


def test_the_star_shows_whether_the_entry_is_bookmarked(window):
    window.open_entry("api-design-patterns/newtype-pattern")
    assert window.bookmark_action.text() == "☆ Bookmark"
    window.bookmark_action.trigger()
    assert window.bookmark_action.text() == "★ Bookmarked" and window.bookmark_action.isChecked()
    window.open_entry("memory-management-patterns/memory-pool-pattern")
    assert window.bookmark_action.text() == "☆ Bookmark"


def test_at_600_by_400_no_control_is_cut(qtbot, window):
    search(qtbot, window, "arc mutex")
    window.open_entry("concurrency-async/thread-safety-patterns", "shared-state-with-mutex")
    window.resize(600, 400)
    qtbot.waitUntil(lambda: window.width() <= 620)
    for box in (window.filter_bar.kind_box, window.search_box):
        assert box.width() >= box.minimumSizeHint().width(), box
    kind = window.filter_bar.kind_box
    arrow = kind.style().pixelMetric(kind.style().PixelMetric.PM_ScrollBarExtent)  # about the drop-down's
    assert kind.fontMetrics().horizontalAdvance(kind.currentText()) + arrow <= kind.width()  # "All kinds (27)" whole
    header = window.entry_header
    assert header.wordWrap() and header.height() >= header.heightForWidth(header.width())
    assert window.entry_pane.width() > window.tabs.width()  # the entry keeps the larger share


def test_every_filter_count_is_what_picking_it_gives(qtbot, window):
    search(qtbot, window, "arc")
    with qtbot.waitSignal(window.search_controller.results_ready, timeout=10_000):
        pick(window.filter_bar.kind_box, "pattern")
    shown = {window.filter_bar.section_box.itemData(n): window.filter_bar.section_box.itemText(n)
             for n in range(1, window.filter_bar.section_box.count())}
    assert shown
    for section, label in shown.items():
        with qtbot.waitSignal(window.search_controller.results_ready, timeout=10_000):
            pick(window.filter_bar.section_box, section)
        assert label.endswith(f"({window.last_result.total})"), label


def test_zooming_keeps_the_reading_position_and_ctrl_0_resets_the_size(qtbot, window):
    window.open_entry("concurrency-async/thread-safety-patterns")
    bar = window.entry_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 300)
    bar.setValue(bar.maximum() // 2)
    reading = window.entry_view.reading_position()
    window.change_font_size(+4)
    assert bar.value() > 0 and abs(window.entry_view.reading_position() - reading) < 80
    window.change_font_size(0)  # Ctrl+0
    assert window.font_size == window.default_font_size
    assert abs(window.entry_view.reading_position() - reading) < 80


def test_a_corrected_search_says_so_and_searches_as_typed_when_asked(qtbot, window):
    corrected = search(qtbot, window, "mutx thred")
    assert corrected.correction_applied and corrected.hits
    assert "showing “mutex thread”" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.search_controller.results_ready, timeout=10_000):
        window.results_pane.correction.linkActivated.emit("#as-typed")
    as_typed = window.last_result
    assert as_typed.query == "mutx thred" and not as_typed.correction_applied
    assert "showing" not in window.statusBar().currentMessage()
    again = search(qtbot, window, "mutx thredd")  # new words: corrected again
    assert again.correction_applied


def test_the_top_hit_is_previewed_where_it_matched(qtbot, window):
    # An identifier found only in an entry's code: the preview opens at that code, not at the top.
    result = search(qtbot, window, "fetch_with_retry")
    top = result.hits[0]
    assert top.focus and top.focus == top.sub_hits[0].anchor
    qtbot.waitUntil(lambda: window.entry_view.page is not None and f'name="{top.focus}"' in window.entry_view.page.html)
    qtbot.waitUntil(lambda: window.entry_view.verticalScrollBar().value() > 0)
    # A title match opens at the entry's top.
    titled = search(qtbot, window, "builder pattern").hits[0]
    assert titled.focus is None
    qtbot.waitUntil(lambda: window.current_id == titled.id)
    qtbot.waitUntil(lambda: window.entry_view.verticalScrollBar().value() == 0)


def test_enter_on_a_sub_hit_opens_its_entry_at_that_place(qtbot, window):
    result = search(qtbot, window, "rate limiting semaphore")
    top = result.hits[0]
    assert top.sub_hits and top.sub_hits[0].kind == "snippet"
    window.results_pane.select_top(result)
    window.results_pane.move(+1)
    with qtbot.waitSignal(window.results_pane.hit_activated):
        window.results_pane.activate_current()
    assert window.current_id == top.id
    qtbot.waitUntil(lambda: window.entry_view.page is not None
                    and f'name="{top.sub_hits[0].anchor}"' in window.entry_view.page.html)
    qtbot.waitUntil(lambda: window.entry_view.verticalScrollBar().value() > 0)


def test_a_link_in_an_entry_opens_the_part_of_the_entry_it_names(qtbot, write_guide, memory, tmp_path):
    import re

    filler = "\n\n".join(f"Paragraph {n} of text that fills the page." for n in range(40))
    guide = write_guide(f"# G\n\n## S\n\n### One\n\nSee [the rule](#rule).\n\n```rust\nfn a() {{}}\n```\n\n"
                        f"### Two\n\n{filler}\n\n#### Rule\n\nThe rule.\n\n```rust\nfn b() {{}}\n```\n")
    library = PatternLibrary.of(build_kb([guide]), tmp_path / "ix")
    win = MainWindow(lambda: library, memory)
    qtbot.addWidget(win)
    win.resize(900, 500)
    win.show()
    win.start_index()
    qtbot.waitUntil(lambda: win.index_ready, timeout=30_000)
    one, two = (next(e.id for e in library.kb.entries if e.title == t) for t in ("One", "Two"))
    win.open_entry(one)
    href = re.search(r'href="(entry:[^"]+)">the rule', win.entry_view.page.html).group(1)
    win.entry_view.anchorClicked.emit(QUrl(href))
    assert win.current_id == two
    qtbot.waitUntil(lambda: win.entry_view.verticalScrollBar().value() > 0)  # at the rule, not the top
    win.back_action.trigger()
    assert win.current_id == one
    QThreadPool.globalInstance().waitForDone(10_000)
    library.close()
