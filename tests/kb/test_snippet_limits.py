"""A huge code block makes at most MAX_SNIPPETS snippets: the rest of it stays in the last one, and
the build says so with the block's file and line (issue 16)."""

from patternkb.kb.build import build_kb
from patternkb.kb.code import MAX_SNIPPETS, block_facts, split_snippets


def _units(n: int) -> str:
    return "\n".join(f"// Step {k}\nfn step_{k}() -> Vec<u8> {{ Vec::new() }}\n" for k in range(n))


def test_a_block_of_more_units_than_the_limit_keeps_the_rest_in_its_last_snippet():
    code = _units(MAX_SNIPPETS + 150)
    spans = split_snippets(code, "rust")
    assert len(spans) == MAX_SNIPPETS
    assert "".join(s.code for s in spans) == code  # still the whole block, in order
    assert [s.units for s in spans[-2:]] == [1, 151]
    assert spans[-1].title == f"Step {MAX_SNIPPETS - 1}"
    assert spans[-1].code.count("// Step") == 151


def test_a_block_at_the_limit_is_split_as_before():
    spans = split_snippets(_units(MAX_SNIPPETS), "rust")
    assert len(spans) == MAX_SNIPPETS and all(s.units == 1 for s in spans)


def test_each_snippet_has_the_facts_of_its_own_lines():
    code = _units(5)
    spans = split_snippets(code, "rust", limit=3)
    _, facts = block_facts(code, "rust", spans)
    assert [f.defines for f in facts] == [["step_0"], ["step_1"], ["step_2", "step_3", "step_4"]]


def test_the_build_warns_with_the_blocks_file_and_line(tmp_path):
    guide = tmp_path / "huge.md"
    guide.write_text("# Guide\n\n## Section\n\n### Huge\n\nA generated block.\n\n```rust\n" + _units(MAX_SNIPPETS + 7)
                     + "```\n\n### Small\n\nOne unit.\n\n```rust\n" + _units(2) + "```\n")
    kb = build_kb([guide])
    huge, small = kb.patterns
    assert len(huge.snippets) == MAX_SNIPPETS and len(small.snippets) == 2
    assert kb.manifest.counts.snippets == MAX_SNIPPETS + 2
    assert [str(w) for w in kb.manifest.warnings] == [
        f"{guide}:9: warning: code block of {MAX_SNIPPETS + 7} commented units: the last 8 are one snippet "
        f"(at most {MAX_SNIPPETS} a block)"]
