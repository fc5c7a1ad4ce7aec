"""The message channel (app/messages.py): everything shown is logged too."""

import logging

from patternkb.app.messages import NOTE_MS, STAY, Messages


def test_each_message_is_shown_and_logged_at_its_level(qtbot, caplog):
    messages = Messages()
    shown = []
    messages.shown.connect(lambda text, timeout: shown.append((text, timeout)))
    with caplog.at_level(logging.INFO, logger="patternkb.app.messages"):
        messages.info("index built", NOTE_MS)
        messages.warning("related links unavailable")
        messages.error("search failed: boom")
    assert shown == [("index built", NOTE_MS), ("related links unavailable", STAY), ("search failed: boom", STAY)]
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.INFO, "index built"), (logging.WARNING, "related links unavailable"),
        (logging.ERROR, "search failed: boom")]


def test_the_window_shows_every_message_in_its_status_bar(kb_window):
    kb_window.messages.error("something went wrong")
    assert kb_window.statusBar().currentMessage() == "something went wrong"
    kb_window.open_entry("no/such-entry")  # a window's own message takes the same way
    assert kb_window.statusBar().currentMessage() == "No entry 'no/such-entry' in this KB"
