"""Splitting code blocks into named snippets, and reading symbols and crates from them."""

from hypothesis import given
from hypothesis import strategies as st

from patternkb.kb.build import build_kb
from patternkb.kb.code import code_facts, split_snippets

RUST = """use std::sync::{Arc, Mutex};

// Shared state with Mutex
struct Counter {
    value: Arc<Mutex<u64>>,
}

impl Counter {
    fn increment(&self) {

        // an indented comment is inside the unit
        *self.value.lock().unwrap() += 1;
    }
}
/// doc comments stay with their item
// Rate limiting with semaphore
async fn limited() {}
"""


def test_split_at_comment_after_blank_line():
    spans = split_snippets(RUST, "rust")
    assert [s.title for s in spans] == [None, "Shared state with Mutex"]
    assert "".join(s.code for s in spans) == RUST


def test_block_starting_with_a_comment_takes_its_title():
    code = "// First\nfn a() {}\n\n// Second\nfn b() {}\n"
    spans = split_snippets(code, "rust")
    assert [(s.title, s.line_offset) for s in spans] == [("First", 0), ("Second", 3)]


def test_hash_comments_for_toml_bash_dockerfile():
    toml = '[dependencies]\n# Async runtime\ntokio = "1"\n\n# Serialization\nserde = "1"\n'
    assert [s.title for s in split_snippets(toml, "toml")] == [None, "Serialization"]
    docker = "# Multi-stage Docker build\nFROM rust:1.75 AS builder\n\n# Copy manifests\nCOPY . .\n"
    assert [s.title for s in split_snippets(docker, "dockerfile")] == ["Multi-stage Docker build", "Copy manifests"]
    attribute = "fn a() {}\n\n#[test]\nfn b() {}\n"
    assert len(split_snippets(attribute, "rust")) == 1


def test_unknown_language_is_one_snippet():
    assert len(split_snippets("a\n\n// b\n", "text")) == 1


@given(st.lists(st.sampled_from(["", "// note", "fn x() {}", "    // inner", "# hash", "let a = 1;", "\t"]),
                max_size=30), st.sampled_from(["rust", "toml", "bash", "text"]), st.booleans())
def test_split_is_lossless(lines, language, trailing_newline):
    code = "\n".join(lines) + ("\n" if trailing_newline else "")
    spans = split_snippets(code, language)
    assert "".join(s.code for s in spans) == code
    assert all(s.title is None or s.title.strip() for s in spans)


def test_rust_symbols_and_crates():
    code = """
use tokio::sync::Semaphore;
use std::thread;
#[derive(Debug)]
pub struct Pool<T> { items: Vec<T> }
impl<T: Clone> Drop for Pool<T> { fn drop(&mut self) {} }
trait Shape { fn area(&self) -> f64; }
enum State { On, Off }
type Id = u64;
macro_rules! square { ($x:expr) => { $x * $x }; }
fn main() { thread::spawn(|| {}); let v = "1".parse::<u8>(); serde_json::to_string(&1); }
"""
    facts = code_facts(code, "rust")
    assert facts.defines == ["Pool", "Shape", "State", "Id", "square!", "main"]
    assert {"Semaphore", "Vec", "Drop"} <= set(facts.symbols)
    assert "drop" not in facts.symbols and "area" not in facts.symbols
    assert facts.crates == ["serde_json", "tokio"]


def test_cargo_toml_crates_even_when_not_valid_toml():
    valid = '[dependencies]\ntokio = { version = "1" }\nserde-json = "1"\n[dev-dependencies]\nproptest = "1"\n'
    assert code_facts(valid, "toml").crates == ["proptest", "serde_json", "tokio"]
    fragment = '[dependencies]\ntokio = "1"\ntokio = "2"\n[package]\nname = "x"\n'
    assert code_facts(fragment, "toml").crates == ["tokio"]


def test_a_snippet_without_a_name_is_titled_by_its_first_line_that_says_something(write_guide):
    kb = build_kb([write_guide('# G\n\n## S\n\n### Options\n\nSet them.\n\n```json\n{\n  "assertFunctionNames": ["expect"]\n}\n```\n')])
    assert kb.entries[0].snippets[0].title == 'Options: "assertFunctionNames": ["expect"]'
