"""The tag vocabulary: a small, fixed set of topics every pattern is filed under, in any language.

A tag applies when enough of its cue words occur in a pattern: a cue in the title or section
title counts 3, in a symbol, crate, the prose or a code comment 1; a tag needs 3.
A pattern that meets no tag gets `fundamentals`, so tags are never empty.
"""

from __future__ import annotations

import re

# tag -> cue words (lower case; a trailing * matches any ending)
VOCABULARY: dict[str, tuple[str, ...]] = {
    "concurrency": ("concurren*", "thread*", "mutex*", "rwlock", "arc", "atomic*", "channel*",
                    "mpsc", "lock*", "parallel*", "actor*", "condvar", "send", "sync", "rayon",
                    "goroutine*", "waitgroup", "threading", "multiprocessing", "worker*"),
    "async": ("async", "await", "tokio", "future*", "stream*", "executor", "runtime", "spawn*",
              "semaphore", "futures", "promise*", "asyncio", "coroutine*", "callback*", "event-loop"),
    "error-handling": ("error", "errors", "thiserror", "anyhow", "panic*", "unwrap", "fallible",
                       "recover*", "retry*", "context", "exception*", "raise", "throw*", "except"),
    "memory": ("memory", "heap", "stack", "allocat*", "allocator*", "rc", "refcell", "cow", "pool",
               "pooled*", "arena", "smart", "pointer*", "interning", "intern"),
    "ownership": ("ownership", "owner*", "borrow*", "move*", "lifetime*", "reference*"),
    "types": ("type*", "enum*", "trait*", "generic*", "match*", "newtype*", "associated"),
    "unsafe": ("unsafe", "ffi", "raw", "ptr", "extern", "invariant*", "nonnull", "maybeuninit"),
    "testing": ("test*", "mock*", "proptest", "assert*", "integration", "property-based", "fixture*",
                "pytest", "unittest", "jest"),
    "performance": ("performance", "optimi*", "bench*", "criterion", "profil*", "simd", "inline",
                    "cache", "fast", "zero-copy", "flamegraph", "allocation"),
    "api-design": ("api", "builder*", "newtype*", "extension", "typestate", "interface*", "ergonomic*",
                   "naming", "convention*", "signature*", "parameter*"),
    "networking": ("network*", "http", "websocket*", "tcp", "udp", "server*", "client*", "reqwest",
                   "axum", "hyper", "tower", "socket*", "request*"),
    "database": ("database*", "sql", "sqlx", "postgres*", "pgpool", "query", "transaction*", "orm"),
    "build": ("cargo", "build", "crate*", "module*", "feature*", "workspace*", "dependenc*",
              "docker*", "cross-compil*", "deploy*", "toml", "package*", "import*", "npm", "pip", "lint*"),
    "debugging": ("debugging", "debugger", "dbg", "tracing", "logging", "logger", "profil*",
                  "instrument*", "flamegraph", "breakpoint*", "backtrace*"),
    "architecture": ("architecture", "state", "machine", "event*", "command*", "cqrs", "domain",
                     "layer*", "container", "dependency", "injection", "service*", "use-case*"),
    "serialization": ("serde", "serializ*", "deserializ*", "json", "yaml", "marshal*", "unmarshal*", "pickle",
                      "protobuf"),
    "fundamentals": (),
}
FALLBACK = "fundamentals"
THRESHOLD = 3
MAX_TAGS = 4


def _cue_pattern(cue: str) -> str:
    return re.escape(cue[:-1]) + r"[a-z0-9_-]*" if cue.endswith("*") else re.escape(cue)


# One regex per tag finds its cue words in a text in a single pass.
_TAG_REGEX = {
    tag: re.compile(r"(?<![a-z0-9_])(?:" + "|".join(_cue_pattern(c) for c in cues) + r")(?![a-z0-9_-])")
    for tag, cues in VOCABULARY.items() if cues
}


def _matches(cue: str, word: str) -> bool:
    return word.startswith(cue[:-1]) if cue.endswith("*") else word == cue


def choose_tags(*, title: str, section: str, symbols: list[str], crates: list[str], prose: str) -> list[str]:
    texts = [(f"{title} {section}".lower(), 3), (" ".join(symbols + crates).lower(), 1), (prose.lower(), 1)]
    scores: dict[str, int] = {}
    for tag, regex in _TAG_REGEX.items():
        best: dict[str, int] = {}
        for text, weight in texts:
            for word in set(regex.findall(text)):
                for cue in VOCABULARY[tag]:
                    if _matches(cue, word) and best.get(cue, 0) < weight:
                        best[cue] = weight
        score = sum(best.values())
        if score >= THRESHOLD:
            scores[tag] = score
    ranked = sorted(scores, key=lambda t: (-scores[t], t))[:MAX_TAGS]
    return sorted(ranked) or [FALLBACK]
