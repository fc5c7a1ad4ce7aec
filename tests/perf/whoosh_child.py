"""One side of the Whoosh comparison: builds or searches an index in this process, with whichever
Whoosh this interpreter imports, and prints one JSON object (run by test_whoosh_compare.py).

    python -m tests.perf.whoosh_child build KB INDEX_DIR
    python -m tests.perf.whoosh_child search KB INDEX_DIR ROUNDS

KB is `bundled` or a number of generated entries.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path


def _whoosh() -> dict:
    import whoosh

    # Both distributions install the same `whoosh` package, and a folder put first on the path
    # can hide an installed one: name the distribution whose files this process imported.
    imported = Path(whoosh.__file__).resolve()
    owner = None
    for name in ("Whoosh-Reloaded", "whoosh3", "Whoosh"):
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        if any(Path(dist.locate_file(f)).resolve() == imported for f in dist.files or ()):
            owner = {"name": dist.metadata["Name"], "version": dist.version}
    return {"version": whoosh.versionstring(), "file": str(imported), "distribution": owner}


def _kb(spec: str):
    from patternkb.kb.paths import BUNDLED_KB
    from patternkb.kb.store import load_kb
    from tests.perf.synthetic import synthetic_kb

    return load_kb(BUNDLED_KB) if spec == "bundled" else synthetic_kb(int(spec))


def _fast_path() -> dict:
    """Whether postings.py's reads of Whoosh's private internals still take their fast path here
    (both fall back silently to slower public calls): block reads of a term's postings, and the
    field-length column in one read, checked against Whoosh's own per-document lengths."""
    from whoosh.fields import TEXT, Schema
    from whoosh.index import create_in
    from whoosh.util.numeric import byte_to_length

    try:
        from patternkb.index.postings import _blocks, _length_column
    except ImportError as exc:  # moved by a refactoring: say so rather than guess
        return {"error": f"postings internals not found: {exc}"}
    with tempfile.TemporaryDirectory() as folder:
        ix = create_in(folder, Schema(body=TEXT))
        with ix.writer() as writer:
            for n in range(300):  # more than one postings block (128 a block)
                writer.add_document(body=" ".join(["common"] + ["word"] * (n % 17) + [f"w{n}"]))
        with ix.searcher() as searcher:
            reader = searcher.reader()
            first_block = next(_blocks(reader.postings("body", "common")))[0]
            leaf = next(iter(reader.leaf_readers()))[0]
            column = _length_column(leaf, "body")
            expected = [reader.doc_field_length(d, "body") for d in range(reader.doc_count_all())]
            if column is not None and not isinstance(column, list):  # the bytes Whoosh stores, since 2026-11-29
                column = [byte_to_length(int(b)) for b in column]
            return {"block_reads": len(list(first_block)) > 1,
                    "length_column": column is not None and column == expected}


def _open(kb, directory: Path):
    """(library, search function answering 20 hits): the library façade, or in a checkout from
    before it (a snapshot being measured) the engine it wraps."""
    try:
        from patternkb.index.library import PatternLibrary, SearchOptions
    except ImportError:
        from patternkb.index.engine import PatternIndex

        engine = PatternIndex(kb, directory)
        return engine, lambda q: engine.search(q, limit=20)
    library = PatternLibrary.of(kb, directory)
    options = SearchOptions(limit=20)
    return library, lambda q: library.search(q, options)


def build(spec: str, directory: Path) -> dict:
    kb = _kb(spec)
    library, _ = _open(kb, directory)
    try:
        started = time.perf_counter()
        documents = library.rebuild()
        build_s = time.perf_counter() - started
    finally:
        library.close()
    return {"whoosh": _whoosh(), "entries": len(kb.entries), "documents": documents, "build_s": build_s,
            "fast_path": _fast_path()}


def search(spec: str, directory: Path, rounds: int) -> dict:
    """Warm latencies (one searcher, its caches filled), as test_search_perf measures them, and
    each query's top hits so that the two Whooshes' answers can be compared."""
    from tests.perf.test_search_perf import QUERIES

    library, run = _open(_kb(spec), directory)
    try:
        hits = {}
        for queries in QUERIES.values():
            for q in queries:
                hits[q] = [[h.id, h.score] for h in run(q).hits]
        latencies: dict[str, list[float]] = {}
        for kind, queries in QUERIES.items():
            times = latencies.setdefault(kind, [])
            for _ in range(rounds):
                for q in queries:
                    started = time.perf_counter()
                    run(q)
                    times.append((time.perf_counter() - started) * 1000)
    finally:
        library.close()
    return {"whoosh": _whoosh(), "latencies_ms": latencies, "hits": hits}


def main(argv: list[str]) -> None:
    verb, spec, directory, *rest = argv
    if verb == "build":
        out = build(spec, Path(directory))
    elif verb == "search":
        out = search(spec, Path(directory), int(rest[0]))
    else:
        raise SystemExit(f"unknown verb {verb!r}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
