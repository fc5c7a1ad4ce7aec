"""What a user or an editor asks the window for: every target form editors send, and the JSON
line a second process sends the running window."""

from __future__ import annotations

import json

import pytest

from patternkb.app.requests import MAX_LINE_BYTES, PROTOCOL_VERSION, WindowRequest, parse_target

GUIDES = ["complete-rust-guide", "tiny-book"]


@pytest.mark.parametrize(("target", "query", "keys"), [
    ("arc mutex", "arc mutex", []),
    # Dash's plugin URL, as VS Code's Dash extension sends it (query first, percent-encoded) ...
    ("dash-plugin://query=Arc%3CMutex%3E%20%26str&keys=rust,complete-rust-guide", "Arc<Mutex> &str",
     ["rust", "complete-rust-guide"]),
    # ... and as zeal-at-point does (keys first, may be empty; the query as typed, raw).
    ("dash-plugin://keys=&query=&str + 100%", "&str + 100%", []),
    ("dash-plugin://keys=rust&query=HashMap", "HashMap", ["rust"]),
    ("dash://mutex", "mutex", []),
    ("dash://rust:Arc%20Mutex", "Arc Mutex", ["rust"]),
    # A plain argument with a docset prefix, as older zeal-at-point sends it.
    ("rust,tiny-book:spawn", "spawn", ["rust", "tiny-book"]),
    # Colons that are not a docset prefix: the search box's filters and Rust paths stay as typed.
    ("kind:snippet mutex", "kind:snippet mutex", []),
    ("std::sync::Mutex", "std::sync::Mutex", []),
    ("patternkb://search?q=arc+mutex%21", "arc mutex!", []),
    ("PATTERNKB://search?q=x", "x", []),
])
def test_targets_become_a_query_and_keys(target, query, keys):
    request = parse_target(target)
    assert (request.query, request.keys, request.open_id) == (query, keys, None)


def test_an_entry_url_opens_that_entry():
    request = parse_target("patternkb://entry/api-design-patterns/newtype-pattern")
    assert request == WindowRequest(open_id="api-design-patterns/newtype-pattern")


@pytest.mark.parametrize(("target", "says"), [
    ("patternkb://search", "patternkb://search?q=WORDS"),
    ("patternkb://entry/", "patternkb://entry/ID"),
    ("patternkb://entry/x?y=1", "patternkb://entry/ID"),
    ("patternkb://open/x", "not a patternkb URL"),
    ("patternkb://open/" + "x" * 30_000 + "\nline", "not a patternkb URL"),  # named cut short
])
def test_a_malformed_patternkb_url_is_refused_saying_what_was_expected(target, says):
    with pytest.raises(ValueError, match="^patternkb:") as caught:
        parse_target(target)
    assert says in str(caught.value) and "\n" not in str(caught.value) and len(str(caught.value)) < 200


def test_keys_that_name_a_guide_become_guide_filters_and_the_others_are_dropped():
    request = parse_target("dash-plugin://keys=rust,Complete-Rust-Guide,tiny-book,tiny-book&query=spawn")
    assert request.search_text(GUIDES) == "guide:complete-rust-guide guide:tiny-book spawn"
    assert request.search_text([]) == "spawn"  # the guides not known yet
    assert parse_target("rust:").search_text(GUIDES) == ""


def test_a_request_travels_as_one_json_line_and_back():
    request = WindowRequest(query="arc\nmutex ü", open_id="a/b", keys=["rust"])
    line = request.to_json()
    assert "\n" not in line and json.loads(line)["version"] == PROTOCOL_VERSION
    assert WindowRequest.from_json(line.encode()) == request


@pytest.mark.parametrize(("line", "says"), [
    (json.dumps({"version": PROTOCOL_VERSION + 1, "query": "x"}), "protocol version"),
    (json.dumps({"query": "x"}), "protocol version None"),
    (b"not json", "not JSON"),
    (b"\xff\xfe", "not UTF-8"),
    (b"[1]", "not a JSON object"),
    (json.dumps({"version": PROTOCOL_VERSION, "query": 3}), "query"),
    (json.dumps({"version": PROTOCOL_VERSION, "open_id": ""}), "open_id"),
    (json.dumps({"version": PROTOCOL_VERSION, "keys": "rust"}), "keys"),
    (json.dumps({"version": PROTOCOL_VERSION, "run": "rm"}), "unknown fields: run"),
    (b'{"version": 1, "query": "' + b"x" * MAX_LINE_BYTES + b'"}', "longer than"),
])
def test_anything_but_a_request_of_this_protocol_version_is_refused(line, says):
    with pytest.raises(ValueError, match=says):
        WindowRequest.from_json(line)
