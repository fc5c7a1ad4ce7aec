"""The bundled Complete Rust Guide, parsed by the real parser, against counts read by hand."""

from collections import Counter


from patternkb.kb.models import ID_PATTERN, ChecklistItem, Pattern

TITLES = [
    "The Rust Philosophy", "Key Concepts", "The Three Rules", "Ownership Patterns",
    "Builder Pattern with Ownership", "Smart Pointers", "Advanced Enums", "Trait Objects & Generics",
    "Associated Types vs Generics", "Stack vs Heap Strategy", "Memory Pool Pattern",
    "Thread Safety Patterns", "Async/Await Patterns", "Actor Model Pattern", "Module Organization",
    "Cargo.toml Best Practices", "Comprehensive Testing Strategy", "Benchmarking with Criterion",
    "Error Design Patterns", "Error Handling Best Practices", "Profiling-Driven Optimization",
    "Allocation Optimization", "Builder Pattern Advanced", "Extension Trait Pattern", "Newtype Pattern",
    "Safe Abstractions Over Unsafe Code", "Unsafe Guidelines", "HTTP Client/Server Patterns",
    "WebSocket Real-time Communication", "Database Integration", "Advanced Cargo Configuration",
    "Build Scripts and Custom Commands", "Cross-compilation and Deployment",
    "Advanced Debugging Techniques", "Performance Profiling", "Application Architecture",
    "State Machine Pattern",
]


def patterns(kb) -> list[Pattern]:
    return [e for e in kb.entries if e.kind == "pattern"]


def test_sections(built_kb):
    content = [s for s in built_kb.sections if s.role == "content"]
    checklist = [s for s in built_kb.sections if s.role == "checklist"]
    # the guide's own section holds what the title says before the first section (its overview)
    assert len(content) == 16 and content[0].title == built_kb.manifest.guides[0].title
    assert [s.title for s in checklist] == ["Best Practices Checklist"]
    assert "Table of Contents" not in {s.title for s in built_kb.sections}
    assert content[5].id == "concurrency-async" and content[5].icon == "🔀"
    assert [s.order for s in built_kb.sections] == sorted(s.order for s in built_kb.sections)


def test_all_37_titles_exactly(built_kb):
    assert [p.title for p in patterns(built_kb)] == TITLES


def test_code_blocks_and_languages(built_kb):
    blocks = [b for p in patterns(built_kb) for b in p.code]
    assert len(blocks) == 36
    assert Counter(b.language for b in blocks) == {"rust": 32, "toml": 2, "bash": 1, "dockerfile": 1}


def test_every_code_block_is_verbatim_in_the_repaired_guide(built_kb, repaired_guide_text):
    lines = repaired_guide_text.split("\n")
    for pattern in patterns(built_kb):
        for block in pattern.code:
            assert block.code in repaired_guide_text
            # and at the line it claims: the fence, then the code
            assert lines[block.line_start - 1].startswith("```")
            assert "\n".join(lines[block.line_start:block.line_start + block.code.count("\n")]) + "\n" == block.code


def test_attribute_and_comment_lines_in_code_are_not_headings(built_kb):
    titles = {p.title for p in patterns(built_kb)} | {s.title for s in built_kb.sections}
    assert not any(t.startswith(("[derive", "Async runtime", "Multi-stage")) for t in titles)
    cargo = built_kb.entry("crates-modules/cargo-toml-best-practices")
    assert "# Async runtime" in cargo.code[0].code


def test_no_mojibake_left(built_kb):
    everything = " ".join(e.model_dump_json() for e in built_kb.entries)
    everything += " ".join(s.model_dump_json() for s in built_kb.sections)
    assert "\uf8ff" not in everything
    for marker in ("üî", "‚úÖ", "ü¶Ä", "Ô∏è", "üì"):
        assert marker not in everything


def test_repaired_run_count_is_reported(built_kb):
    assert built_kb.manifest.counts.repaired_runs == 156
    assert built_kb.manifest.guides[0].repaired_runs == 156


def test_snippets_join_back_to_every_block(built_kb):
    for pattern in patterns(built_kb):
        for index, block in enumerate(pattern.code):
            joined = "".join(s.code for s in pattern.snippets if s.block == index)
            assert joined == block.code, pattern.id


def test_named_snippets(built_kb):
    ownership = built_kb.entry("ownership-borrowing-mastery/ownership-patterns")
    assert [s.title for s in ownership.snippets] == [
        "Pattern 1: Transfer ownership for transformation", "Pattern 2: Borrow for inspection",
        "Pattern 3: Mutable borrow for in-place modification", "Pattern 4: Clone when you need independent copies",
    ]
    async_patterns = built_kb.entry("concurrency-async/async-await-patterns")
    assert "Rate limiting with semaphore" in [s.title for s in async_patterns.snippets]
    # a comment indented inside a function body does not open a unit
    assert "Spawn worker threads" not in {s.title for p in patterns(built_kb) for s in p.snippets}


def test_ids_are_stable_slugs(built_kb):
    ids = [e.id for e in built_kb.entries]
    assert len(ids) == len(set(ids))
    assert built_kb.entry("concurrency-async/thread-safety-patterns").title == "Thread Safety Patterns"
    import re
    assert all(re.match(ID_PATTERN, i) for i in ids)


def test_pattern_fields(built_kb):
    p = built_kb.entry("concurrency-async/thread-safety-patterns")
    assert p.icon == "🧵"
    assert p.section == "concurrency-async"
    assert p.path == ["Concurrency & Async", "Thread Safety Patterns"]
    assert p.source.file == "complete-rust-guide.md"
    assert (p.source.line_start, p.source.line_end) == (450, 531)
    assert {"Arc", "Mutex", "RwLock", "Counter", "Cache"} <= set(p.symbols)
    assert "concurrency" in p.tags
    philosophy = built_kb.entry("core-mental-models/the-rust-philosophy")
    assert philosophy.summary.startswith("🔒 Memory Safety Without GC: Rust prevents memory errors")
    assert "**🔒 Memory Safety Without GC:**" in philosophy.prose
    assert "Memory Safety Without GC" in philosophy.text and "**" not in philosophy.text


def test_symbols_come_from_rust_items(built_kb):
    builder = built_kb.entry("ownership-borrowing-mastery/builder-pattern-with-ownership")
    assert builder.defines[:2] == ["Config", "ConfigBuilder"]
    pool = built_kb.entry("memory-management-patterns/memory-pool-pattern")
    assert {"Pool", "PooledObject"} <= set(pool.defines)
    assert "new" not in pool.defines  # methods are not items of the pattern
    debugging = built_kb.entry("debugging-profiling/advanced-debugging-techniques")
    assert "debug_println!" in debugging.defines


def test_crates(built_kb):
    assert built_kb.entry("concurrency-async/async-await-patterns").crates == ["futures", "tokio"]
    assert {"thiserror", "anyhow"} <= set(built_kb.entry("error-handling/error-design-patterns").crates)
    cargo = built_kb.entry("crates-modules/cargo-toml-best-practices")
    assert {"tokio", "serde", "thiserror", "sqlx"} <= set(cargo.crates)
    everything = {c for p in patterns(built_kb) for c in p.crates}
    assert not everything & {"std", "thread", "parse", "self", "crate"}


def test_tags_are_never_empty_and_from_the_vocabulary(built_kb):
    from patternkb.kb.tags import VOCABULARY

    for entry in built_kb.entries:
        assert entry.tags and set(entry.tags) <= set(VOCABULARY), entry.id


def test_checklist(built_kb):
    items = [e for e in built_kb.entries if isinstance(e, ChecklistItem)]
    assert len(items) == 65
    groups = Counter((i.list, i.group) for i in items)
    assert len(groups) == 13 and set(groups.values()) == {5}
    assert ("Development Checklist", "Concurrency") in groups
    first = items[0]
    assert first.text == "Use `&str` instead of `String` for parameters when possible"
    assert first.title == "Use &str instead of String for parameters when possible"
    assert first.source.line_start == 2981
    assert not any(i.text.startswith("✅") for i in items)


def test_table_of_contents_matches_sections(built_kb):
    assert built_kb.manifest.warnings == []
