"""A large guide's code facts are computed in worker processes, in order, and give the same KB
as computed in the build's own process."""

import multiprocessing

from patternkb.kb import facts_ahead
from patternkb.kb.build import build_kb
from patternkb.kb.code import block_facts, split_snippets
from patternkb.kb.markdown import Fence


def _guide(patterns: int) -> str:
    parts = ["# Guide\n\n## Section\n\n"]
    for n in range(patterns):
        languages = ["rust", "toml", "python"] if n % 3 else ["rust"]
        parts.append(f"### Pattern {n}\n\nText {n}.\n\n")
        for language in languages:
            body = {"rust": f"// Define it\nstruct Item{n} {{ v: Vec<u8> }}\n\n"
                            f"// Use it\nfn use_{n}() {{ tokio::spawn(); }}\n",
                    "toml": f"[dependencies]\ncrate_{n} = \"1\"\n",
                    "python": f"# Helper\ndef helper_{n}():\n    import lib_{n}\n"}[language]
            parts.append(f"```{language}\n{body}```\n\n")
    return "".join(parts)


def _dump(kb) -> list[dict]:
    return [e.model_dump() for e in kb.entries]


def test_facts_from_workers_come_in_order_and_equal_the_facts_computed_here(monkeypatch):
    fences = [Fence(language=lang, code=f"// Unit {n}\nstruct S{n};\n\n// More\nfn f{n}() {{}}\n" if lang == "rust"
                    else f"[dependencies]\nc{n} = \"1\"\n", line_start=1, line_end=5, closed=True)
              for n in range(60) for lang in ("rust", "toml")]
    monkeypatch.setattr(facts_ahead, "PARALLEL_FROM", 1)
    facts = facts_ahead.facts_in_order(fences)
    first = next(facts)
    assert multiprocessing.active_children()  # the workers are computing the rest
    got = [first, *facts]
    assert got == [block_facts(f.code, f.language, split_snippets(f.code, f.language)) for f in fences]
    assert not multiprocessing.active_children()  # and are gone once the guide is done


def test_a_guide_built_with_workers_is_the_guide_built_without(tmp_path, monkeypatch):
    guide = tmp_path / "guide.md"
    guide.write_text(_guide(90))
    alone = build_kb([guide])
    monkeypatch.setattr(facts_ahead, "PARALLEL_FROM", 1)
    shared = build_kb([guide])
    assert _dump(shared) == _dump(alone) and shared.manifest == alone.manifest
    assert {"tokio", "crate_5"} <= {p for e in alone.patterns for p in e.packages}


def test_small_guides_use_no_worker():
    assert facts_ahead._workers(facts_ahead.PARALLEL_FROM - 1) == 0
