"""Searching the bundled KB as a developer would: words, identifiers, typos, syntax, hostile input."""

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patternkb.index.analysis import analyze
from patternkb.index.documents import documents
from patternkb.index.scoring import ANALYZER_OF, CODE, TITLE


def first(engine, query, **kw):
    hits = engine.search(query, **kw).hits
    assert hits, query
    return hits[0]


def pattern_of(engine, hit):
    return engine.kb.entry(hit.parent).title if hit.parent else hit.title


def row_ids(hit) -> list[str]:
    """The documents a result row stands for: its entry and the sub-hits shown under it."""
    return [hit.id, *(sub.id for sub in hit.sub_hits)]


@pytest.fixture(scope="module")
def indexed(bundled_index):
    """Every document as it was indexed, by id: the values a filter or phrase must find in it."""
    return {doc["id"]: doc for doc in documents(bundled_index.kb)}


def _has_phrase(tokens: list[str], phrase: list[str]) -> bool:
    return any(tokens[i:i + len(phrase)] == phrase for i in range(len(tokens)))


def test_exact_title_is_first(bundled_index):
    hit = first(bundled_index, "Memory Pool Pattern")
    assert (hit.kind, hit.title) == ("pattern", "Memory Pool Pattern")


def test_exact_identifier_is_first(bundled_index):
    assert pattern_of(bundled_index, first(bundled_index, "PooledObject")) == "Memory Pool Pattern"
    assert pattern_of(bundled_index, first(bundled_index, "fetch_with_retry")) == "Async/Await Patterns"


def test_entries_matching_all_words_rank_first(bundled_index):
    result = bundled_index.search("rate semaphore")
    top = result.hits[0]  # the pattern, with its snippet that says both words first under it
    assert top.kind == "pattern" and top.sub_hits
    assert "semaphore" in top.sub_hits[0].title.lower() and "rate" in top.sub_hits[0].title.lower()


def test_title_and_symbol_matches_outrank_prose(bundled_index):
    hits = bundled_index.search("newtype", kind="pattern").hits
    assert hits[0].title == "Newtype Pattern"


def test_last_word_is_a_prefix(bundled_index):
    row = first(bundled_index, "mute")  # marked where it matched: "mute" as the start of "Mutex"
    assert "<b>mutex" in " ".join([row.fragment, *(sub.fragment for sub in row.sub_hits)]).lower()
    assert pattern_of(bundled_index, first(bundled_index, "websock")) == "WebSocket Real-time Communication"


def test_a_typo_in_the_last_word_is_corrected_though_its_stem_starts_a_word(bundled_index):
    """The last word may be one still being typed, known when a word of the index starts with
    it as typed; "concurency" stems to "concur", which "concurrency" starts: it was never corrected."""
    result = bundled_index.search("mutex concurency")
    assert result.corrected == "mutex concurrency" and result.correction_applied
    assert bundled_index.search("mutex concurren").corrected is None  # still being typed


def test_typos_are_corrected_when_the_query_as_typed_finds_nothing(bundled_index):
    result = bundled_index.search("mutx thred")
    assert result.corrected == "mutex thread" and result.correction_applied
    assert pattern_of(bundled_index, result.hits[0]) == "Thread Safety Patterns"
    assert bundled_index.search("mutex thread").corrected is None
    as_typed = bundled_index.search("mutx thred", correct=False)
    assert not as_typed.correction_applied and as_typed.terms == ("mutx", "thred")


def test_a_word_no_entry_holds_is_searched_as_its_closest_spelling_beside_the_others(bundled_index):
    """"mutx thread" as typed is "thread" alone: what was asked is the mutex."""
    result = bundled_index.search("mutx thread")
    assert result.corrected == "mutex thread" and result.correction_applied
    assert "mutex" in result.terms
    assert pattern_of(bundled_index, result.hits[0]) == "Thread Safety Patterns"
    as_typed = bundled_index.search("mutx thread", correct=False)
    assert as_typed.corrected == "mutex thread" and not as_typed.correction_applied
    assert as_typed.terms and all("mutex" not in t for t in as_typed.terms)


@pytest.mark.parametrize("query", ["chat room", "async await", "lifetime", "borrow checker", "tokio spawn"])
def test_a_word_the_index_knows_is_never_corrected(bundled_index, query):
    result = bundled_index.search(query)
    reader = bundled_index._thread_searcher().searcher.reader()
    from patternkb.index.spelling import known
    kept = [w for w in query.split() if known(reader, w, prefix=False)]
    if result.corrected:
        assert all(w in result.corrected.split() for w in kept), (query, result.corrected)
    assert not result.correction_applied or not result.hits or kept != query.split()


def test_quoted_phrase_and_exclusion(bundled_index, indexed):
    phrase = bundled_index.search('"rate limiting"', limit=100)
    assert phrase.hits and phrase.total == len(phrase.hits)
    for hit in phrase.hits:  # every row holds the words side by side in a field, itself or in a sub-hit
        assert any(_has_phrase(analyze(ANALYZER_OF[f], indexed[i][f]), analyze(ANALYZER_OF[f], "rate limiting"))
                   for i in row_ids(hit) for f in ("title", "prose", "code")), hit.id
    with_tokio = {h.id for h in bundled_index.search("async").hits}
    without = bundled_index.search("async -tokio")
    assert without.hits and {h.id for h in without.hits} != with_tokio
    assert "concurrency-async/async-await-patterns" not in {h.id for h in without.hits}


def _values(doc: dict, field: str) -> list[str]:
    return [v for v in doc[field].lower().split(",") if v]


@pytest.mark.parametrize(("query", "check"), [
    ("kind:checklist tokio", lambda doc: doc["kind"] == "checklist"),
    ("kind:snippet mutex", lambda doc: doc["kind"] == "snippet"),
    ("section:concurrency channel", lambda doc: doc["section"].startswith("concurrency")
     or "concurr" in analyze(TITLE, doc["section_title"])),
    ("lang:toml tokio", lambda doc: "toml" in _values(doc, "language")),
    ("crate:sqlx", lambda doc: "sqlx" in _values(doc, "crates")),
    ("symbol:RwLock", lambda doc: analyze(CODE, "RwLock")[0] in analyze(CODE, doc["symbols"])),
    ("tag:unsafe", lambda doc: "unsafe" in _values(doc, "tags")),
    ("guide:the-complete-rust-guide-your-rust-bible builder",
     lambda doc: doc["guide"] == "the-complete-rust-guide-your-rust-bible"),
    ("guide:The-Complete-Rust-Guide-Your-Rust-Bible builder",  # as a user types the title
     lambda doc: doc["guide"] == "the-complete-rust-guide-your-rust-bible"),
])
def test_field_filters(bundled_index, indexed, query, check):
    # Every row holds the filter's value as it was indexed, itself or in the sub-hit it was found by.
    result = bundled_index.search(query, limit=1000)
    assert result.hits, query
    wrong = [h.id for h in result.hits if not any(check(indexed[i]) for i in row_ids(h))]
    assert not wrong


def test_a_guide_filter_matches_the_guide_id_exactly_not_as_a_prefix(bundled_index):
    assert bundled_index.search("guide:the-complete-rust-guide builder").total == 0
    assert bundled_index.search("guide:the-complete-rust-guide-your-rust-bible builder").total > 0


@pytest.mark.parametrize("name", ["kind", "section", "lang", "crate", "symbol", "tag", "guide"])
def test_a_filter_value_nothing_has_finds_nothing(bundled_index, name):
    assert bundled_index.search(f"{name}:zzqx", limit=5).total == 0
    assert bundled_index.search(f"{name}:zzqx error", limit=5).total == 0


def test_crate_filter_only_returns_entries_using_it(bundled_index):
    ids = {h.parent or h.id for h in bundled_index.search("crate:sqlx", limit=100).hits}
    for entry_id in ids:
        assert "sqlx" in bundled_index.kb.entry(entry_id).crates


def test_hits_carry_everything(bundled_index):
    result = bundled_index.search("rate limiting")
    row = next(h for h in result.hits if h.id == "concurrency-async/async-await-patterns")
    assert row.kind == "pattern" and row.parent is None and row.score > 0
    assert row.path == ("Concurrency & Async", "Async/Await Patterns")
    assert row.breadcrumb == "Concurrency & Async › Async/Await Patterns"
    sub = row.sub_hits[0]
    assert sub.kind == "snippet" and sub.id.startswith(row.id + "#") and sub.anchor == sub.id.split("#")[1]
    assert "<b>" in sub.fragment and sub.title
    assert set(result.facets) == {"section", "kind"}
    assert result.all_sections == result.total


def test_a_snippet_asked_for_by_its_kind_is_its_own_row(bundled_index):
    row = bundled_index.search("rate limiting", kind="snippet").hits[0]
    assert row.kind == "snippet" and row.parent == "concurrency-async/async-await-patterns"
    assert row.path[:2] == ("Concurrency & Async", "Async/Await Patterns") and "<b>" in row.fragment


@pytest.mark.parametrize("query", ["mutex", "error handling", "tokio", "arc", "thread safety mutex", "kind:checklist",
                                   "error", "async", "-kind:pattern error", "kind:snippet kind:part mutex"])
def test_every_facet_count_is_the_rows_you_get_when_you_pick_it(bundled_index, query):
    result = bundled_index.search(query, limit=1000)
    assert result.facets["kind"] and result.facets["section"]
    for kind, count in result.facets["kind"].items():
        assert bundled_index.search(query, kind=kind, limit=1000).total == count, kind
    for section, count in result.facets["section"].items():
        assert bundled_index.search(query, section=section, limit=1000).total == count, section
    assert result.all_kinds == result.total
    for kind in result.facets["kind"]:  # and with the other filter on
        picked = bundled_index.search(query, kind=kind, limit=1000)
        assert picked.all_kinds == result.total  # "All kinds" is what dropping the kind gives
        for section, count in picked.facets["section"].items():
            assert bundled_index.search(query, kind=kind, section=section, limit=1000).total == count, (kind, section)
            assert bundled_index.search(query, kind=kind, section=section).all_kinds == \
                bundled_index.search(query, section=section).total


def test_one_entry_is_one_row(bundled_index):
    for query in ("mutex", "arc", "error handling", "builder", "tokio", "borrowing references"):
        ids = [h.id for h in bundled_index.search(query, limit=10).hits]
        assert len(set(ids)) == len(ids) and not any("#" in i for i in ids), query


def test_guide_order_toggle(bundled_index):
    hits = bundled_index.search("error", order="guide", limit=100).hits
    orders = [bundled_index.kb.entry(h.parent or h.id).order for h in hits]
    assert orders == sorted(orders)


def test_kind_argument_filters_after_facets(bundled_index):
    result = bundled_index.search("mutex", kind="pattern")
    assert all(h.kind == "pattern" for h in result.hits)
    assert result.facets["kind"].get("snippet", 0) > 0  # facets still show the other kinds


@pytest.mark.parametrize("query", ['"error handling"', '"error handling'])
def test_a_quoted_section_title_puts_its_patterns_first(bundled_index, query):
    first = bundled_index.search(query).hits[0]
    assert first.kind == "pattern" and first.section == "error-handling"


@pytest.mark.parametrize("kind", ["pattern", "snippet", "checklist"])
def test_kind_argument_with_several_words(bundled_index, kind):
    # Entries matching every word rank first; the kind filter must apply to them too.
    result = bundled_index.search("thread safety mutex", kind=kind, limit=50)
    assert result.hits and all(h.kind == kind for h in result.hits)
    assert result.total == len(result.hits) or len(result.hits) == 50


HOSTILE = ['"unbalanced', 'AND OR NOT', 'AND', '*', 'section:', 'kind:', 'a' * 10_000, '\x00\x01\x1b[31m',
           '.*[(?<=)]+$^\\', '🦀🔥✅', '"', '-', '- -', 'kind:bogus', 'lang:', '((((', 'NOT mutex',
           'symbol:<<<', 'crate:../../etc', '\ud800' if False else 'x\u200bz', 'title:mutex', '%s%n', '{{7*7}}']


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(bundled_index, query):
    result = bundled_index.search(query, limit=5)
    # A coherent answer: the facets count every match, the hits are real entries, at most 5.
    assert result.query == query and len(result.hits) <= 5
    assert result.all_sections == result.total <= sum(result.facets["section"].values())
    assert result.total >= len(result.hits) and (result.total > 5) == (len(result.hits) == 5)
    assert all(bundled_index.kb.entry(h.parent or h.id) is not None for h in result.hits)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_any_string_is_a_query(bundled_index, text):
    result = bundled_index.search(text, limit=5)
    assert len(result.hits) <= 5


def test_a_fragment_marks_the_identifier_even_after_a_longer_word_containing_a_part_of_it(bundled_index):
    # "object" (a part of PooledObject) first occurs inside "objects", which the code analyzer
    # does not match: the fragment must still find and mark PooledObject itself.
    hit = bundled_index.search("PooledObject", limit=1).hits[0]
    assert hit.id == "memory-management-patterns/memory-pool-pattern"
    assert "<b>PooledObject</b>" in hit.sub_hits[0].fragment  # the code it matched, under the pattern


def test_a_word_naming_a_package_finds_the_pattern_built_on_it_first(bundled_index):
    # Not the pattern whose one snippet runs it, even with the checklist item about it inside.
    assert bundled_index.search("tokio").hits[0].title == "Async/Await Patterns"


@pytest.mark.parametrize(("query", "kinds"), [("-kind:pattern error", {"overview", "snippet", "part", "checklist"}),
                                              ("kind:snippet kind:part mutex", {"snippet", "part"}),
                                              ("kind:snippet mutex", {"snippet"})])
def test_typed_kinds_give_rows_of_those_kinds(bundled_index, query, kinds):
    result = bundled_index.search(query, limit=100)
    assert result.hits and {h.kind for h in result.hits} <= kinds
    assert set(result.facets["kind"]) <= kinds


def test_a_checklist_section_picked_lists_its_items_that_fold_into_patterns_elsewhere(bundled_index):
    everything = bundled_index.search("error", limit=100)
    folded = {s.id for h in everything.hits for s in h.sub_hits if s.kind == "checklist"}
    assert folded
    section = bundled_index.kb.entry(next(iter(folded))).section
    assert everything.facets["section"][section] > 0
    in_section = bundled_index.search("error", section=section, limit=100)
    assert folded <= {h.id for h in in_section.hits}


def test_the_fragment_budget_is_counted_in_rows_each_with_its_sub_hits(bundled_index):
    hits = bundled_index.search("error", limit=6, fragments=6).hits
    def marked(h):
        return "<b>" in h.fragment or any("<b>" in sub.fragment for sub in h.sub_hits)

    assert len(hits) == 6 and all(marked(h) for h in hits)
    cut = bundled_index.search("error", limit=6, fragments=2).hits
    assert marked(cut[1]) and not any(marked(h) for h in cut[2:])


def test_a_word_one_edit_off_is_corrected_to_the_most_used_word_of_the_index(bundled_index):
    from patternkb.index.spelling import edits1

    assert {"mutex", "mute", "mutx"} >= {w for w in edits1("mutx") if w in {"mutex", "mute", "mutx"}} != set()
    assert bundled_index.search("semaphre").corrected == "semaphore"
    assert bundled_index.search("websokcet").corrected == "websocket"  # two letters swapped is one edit


@contextlib.contextmanager
def _library_among_others(tmp_path, patterns: str):
    """A library of `patterns` (Markdown) among a dozen others, so that every word has some weight."""
    from patternkb.index.library import PatternLibrary
    from patternkb.kb.build import build_kb

    guide = tmp_path / "g.md"
    others = "".join(f"### Topic {n}\n\nWords about topic {n}.\n\n```python\nx{n} = {n}\n```\n\n" for n in range(12))
    guide.write_text("# G\n\n## S\n\n" + others + patterns)
    with PatternLibrary.of(build_kb([guide]), tmp_path / "ix") as library:
        library.ensure()
        yield library


def test_a_question_s_asking_words_are_not_required_to_hold_every_word(tmp_path):
    # "how do I import modules": the entry about imports need not say "how", "do" or "I" to hold
    # every word, and an entry that says them often must not outrank it on them.
    patterns = ("### Imports\n\nImport whole modules, not names from modules.\n\n```python\nimport os\n```\n\n"
                "### Docstrings\n\nHow do I write a docstring? I say what the code does; a module's import lines "
                "need none. Docstrings explain, comments annotate.\n\n"
                "```python\n\"\"\"How do I write one? I say what it does.\"\"\"\n```\n")
    with _library_among_others(tmp_path, patterns) as library:
        assert [h.title for h in library.search("how do I import modules").hits][:1] == ["Imports"]
        assert [h.title for h in library.search("import modules").hits][:1] == ["Imports"]
        # A query of asking words alone still asks for them all.
        assert library.search("how do I").hits[0].title == "Docstrings"


def test_two_words_typed_apart_find_the_identifier_they_make(tmp_path):
    # "client only" is how one types ClientOnly; "read line" is read_line.
    patterns = ("### `<ClientOnly>`\n\nWrap what the server cannot render.\n\n"
                "```vue\n<ClientOnly>\n  <Chart />\n</ClientOnly>\n```\n\n### Browser scripts\n\nA client script runs "
                "in the browser only.\n\n```html\n<script client>\nrun()\n</script>\n```\n\n### Reading\n\n"
                "Read input a line at a time.\n\n```rust\nstdin.read_line(&mut buf)?;\n```\n")
    with _library_among_others(tmp_path, patterns) as library:
        assert library.search("client only").hits[0].title == "<ClientOnly>"
        assert library.search("read line").hits[0].title == "Reading"


def test_do_when_and_where_ask_only_in_a_sentence_and_stay_keywords_in_a_few_words():
    from patternkb.index.scoring import asked_words

    assert asked_words(["where", "clause"]) == ["where", "clause"]  # Rust's, SQL's where clause
    assert asked_words(["when", "expression"]) == ["when", "expression"]  # Kotlin's when
    assert asked_words(["do", "while", "loop"]) == ["do", "while", "loop"]
    assert asked_words(["where", "should", "I", "call", "log.Fatal"]) == ["call", "log.Fatal"]
    assert asked_words(["how", "do", "I", "import", "modules"]) == ["import", "modules"]
    assert asked_words(["how", "can", "I"]) == ["how", "can", "I"]  # nothing but asking: the query as typed


def test_keywords_in_a_few_words_are_not_question_words():
    from patternkb.index.scoring import asked_words

    assert asked_words(["for", "of", "loop"]) == ["for", "of", "loop"]  # JavaScript's for…of
    assert asked_words(["it", "lambda"]) == ["it", "lambda"]  # Kotlin's it
    assert asked_words(["how", "to", "handle", "errors"]) == ["handle", "errors"]


def test_an_identifier_typed_whole_is_marked_whole_not_by_its_pieces(bundled_index):
    assert bundled_index.search("fetch_with_retry").terms == ("fetch_with_retry",)  # not "with" all over the page
    assert bundled_index.search("HashMap").terms == ("hashmap",)
    assert set(bundled_index.search("std::sync::Mutex").terms) >= {"std", "sync", "mutex"}
    assert set(bundled_index.search("no-param-reassign").terms) == {"no", "param", "reassign"}


def test_an_identifier_typed_whole_finds_the_entry_holding_it_before_titles_of_its_pieces(write_guide, tmp_path):
    """CARGO_MANIFEST_DIR in a long list of variables outranks short titles holding only a piece
    of it ("out-dir", "Manifest"); with nothing holding it whole, its pieces still find those."""
    from patternkb.index.engine import PatternIndex
    from patternkb.kb.build import build_kb

    variables = "\n".join(f"* `TOOL_{word.upper()}_PATH` — where the {word} lives." for word in
                          "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda".split())
    guide = write_guide(f"# Tool\n\n## Reference\n\n### Variables the tool sets\n\n{variables}\n"
                        "* `TOOL_OUTPUT_DIR` — where the output goes.\n\n```sh\ntool run\n```\n\n"
                        "### output dir\n\nPick the dir.\n\n```sh\ntool --output-dir x\n```\n\n"
                        "### Output\n\nWhat it prints.\n\n```sh\ntool out\n```\n")
    engine = PatternIndex(build_kb([guide]), tmp_path / "ix")
    try:
        engine.ensure()
        assert engine.search("TOOL_OUTPUT_DIR").hits[0].title == "Variables the tool sets"
        assert {h.title for h in engine.search("OUTPUT_DIR_NAME").hits} >= {"output dir", "Output"}
    finally:
        engine.close()


def test_a_word_two_edits_off_is_offered_not_searched_when_the_words_as_typed_find_something(bundled_index):
    """"flask" is no typo of "flags": two edits off may be another word, one the KB lacks."""
    result = bundled_index.search("flask route")
    assert result.corrected == "flags route" and not result.correction_applied
    assert pattern_of(bundled_index, result.hits[0]) == "HTTP Client/Server Patterns"


def test_a_qualified_name_finds_the_entries_importing_it_in_a_group(bundled_index):
    """`use std::sync::{Arc, Mutex, RwLock, Condvar}` holds std::sync::Mutex (analysis.py): the
    entry is no mere holder of its pieces, counted a tenth (it was 4th, under entries that
    only write the name out once)."""
    assert "std::sync::mutex" in analyze(CODE, "use std::sync::{Arc, Mutex as M, io::Read};")
    top = [pattern_of(bundled_index, hit) for hit in bundled_index.search("std::sync::Mutex").hits[:2]]
    assert "Thread Safety Patterns" in top


@pytest.mark.parametrize(("typed", "meant"), [("tokio::sync::Mutx", "tokio::sync::mutex"),
                                               ("spawn-blockng", "spawn-blocking")])
def test_a_typo_inside_a_name_of_several_words_is_corrected_where_it_stands(bundled_index, typed, meant):
    """A linter rule's or a path's name is known by its first word: a typo in another of its
    words (`no-unused-vras`) is corrected there, the separators kept; names spelt right are not."""
    result = bundled_index.search(typed)
    assert result.corrected == meant and result.correction_applied and result.hits
    assert bundled_index.search(meant).corrected is None


def test_a_typo_in_the_first_word_of_a_name_is_corrected_too(bundled_index):
    result = bundled_index.search("thred-safety")
    assert result.corrected == "thread-safety" and result.correction_applied


def test_release_notes_rank_below_what_matches_as_well_unless_a_version_is_asked(write_guide, tmp_path):
    """A changelog's notes say what changed once: a page of them took a fifth of the first
    results of a docs site's queries. A heading with words after its number is no version's."""
    from patternkb.index.engine import PatternIndex
    from patternkb.index.history import is_version
    from patternkb.kb.build import build_kb

    assert [is_version(t) for t in ("1.2.0 (2024-01-02)", "v2.1", "0.6.0 (June 2017)", "2.1 Lint", "Rust 1.31")] == [
        True, True, True, False, False]
    notes = "".join(f"## {v} (2024-0{n}-01)\n\n### Fixed\n\n- A request's timeout: a timeout now waits.\n\n"
                    for n, v in enumerate(("1.2.0", "1.1.0", "1.0.1"), 1))
    guide = write_guide("# Tool\n\n## Usage\n\n### Limits\n\nHow long a request may take: its timeout.\n\n"
                        "```python\nclient.limit = 5\n```\n\n" + notes)
    engine = PatternIndex(build_kb([guide]), tmp_path / "ix")
    try:
        engine.ensure()
        assert engine.search("request timeout").hits[0].title == "Limits"
        asked = engine.search("1.1.0 timeout").hits
        assert asked[0].id.startswith("1-1-0")
    finally:
        engine.close()


def test_a_word_being_typed_that_starts_a_piece_of_a_title_is_not_corrected(write_guide, tmp_path):
    """"middlew" starts no spelling word whole, but a piece of GZipMiddleware: still being typed."""
    from patternkb.index.engine import PatternIndex
    from patternkb.kb.build import build_kb

    guide = write_guide("# Web\n\n## GZipMiddleware\n\nCompresses responses.\n\n```python\napp.add(GZipMiddleware)\n```\n\n"
                        "## Middle layer\n\nBetween two.\n\n```python\nlayer()\n```\n")
    engine = PatternIndex(build_kb([guide]), tmp_path / "ix")
    try:
        engine.ensure()
        result = engine.search("middlew")
        assert result.corrected is None and result.hits[0].title == "GZipMiddleware"
    finally:
        engine.close()
