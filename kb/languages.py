"""Code facts beyond Rust: the functions, types, classes and methods a Go, Python, JavaScript or
TypeScript, Java or C/C++ block defines (from Pygments tokens), and the packages it imports."""

from __future__ import annotations

import re
import sys
from functools import lru_cache

from pygments.lexers import get_lexer_by_name
from pygments.token import Comment, Name, Token
from pygments.util import ClassNotFound

LANGUAGES = {
    "go": "go", "golang": "go", "python": "python", "py": "python", "python3": "python",
    "javascript": "javascript", "js": "javascript", "jsx": "javascript", "mjs": "javascript",
    "typescript": "typescript", "ts": "typescript", "tsx": "typescript",
    "java": "java", "c": "c", "h": "c", "cpp": "cpp", "c++": "cpp", "cc": "cpp", "hpp": "cpp", "cxx": "cpp",
}
# Keywords after which the next name is what the code defines, for lexers that mark it as a plain name.
_DEFINERS = {
    "go": {"type", "func"},
    "javascript": {"function", "class"},
    "typescript": {"function", "class", "interface", "type", "enum"},
}
# Lexers that mark definitions themselves.
_DEFINITION_TOKENS = (Name.Function, Name.Class)
_TYPED = {"python", "java", "c", "cpp"}

_GO_IMPORT = re.compile(r'^\s*import\s*(?:\(\s*([^)]*)\)|(?:[\w.]+\s+)?"([^"]+)")', re.M)
_GO_PATH = re.compile(r'"([^"]+)"')
_PY_IMPORT = re.compile(r"^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)", re.M)
_PY_FROM = re.compile(r"^\s*from\s+([\w.]+)\s+import\b", re.M)
_JS_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*|\brequire\s*\(\s*)["']([^"']+)["']""")
_JAVA_IMPORT = re.compile(r"^\s*import\s+(?:static\s+)?([\w.]+)(?:\.\*)?\s*;", re.M)
_NODE_BUILTINS = frozenset("""
assert buffer child_process cluster crypto dgram dns events fs http http2 https net os path perf_hooks
process querystring readline stream string_decoder timers tls tty url util v8 vm worker_threads zlib
""".split())
_JAVA_PLATFORM = ("java.", "javax.", "jdk.", "sun.", "com.sun.")


@lru_cache(maxsize=None)
def _lexer(language: str):
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def language_of(name: str) -> str | None:
    """The language a fence's info string names, when its facts are read here."""
    return LANGUAGES.get(name.lower())


def defines(code: str, language: str) -> list[str]:
    """Names the code defines: functions, methods, types, classes, interfaces, in order."""
    lexer = _lexer(language)
    if lexer is None:
        return []
    tokens = [(t, v) for t, v in lexer.get_tokens(code)
              if v.strip() and t not in Comment and t not in Token.Text and t not in Token.Literal.String.Doc]
    found: list[str] = []
    definers = _DEFINERS.get(language, set())
    for i, (ttype, value) in enumerate(tokens):
        if language in _TYPED and ttype in _DEFINITION_TOKENS:
            found.append(value.rsplit("::", 1)[-1])
        elif value in definers and ttype not in Name:
            j = i + 1
            if language == "go" and value == "func" and j < len(tokens) and tokens[j][1] == "(":
                j = _after_parens(tokens, j)  # a method: its receiver comes first
            if j < len(tokens) and tokens[j][0] in Name and tokens[j][1].isidentifier():
                found.append(tokens[j][1])
    return list(dict.fromkeys(n for n in found if n != "_"))


def _after_parens(tokens, j: int) -> int:
    depth = 0
    while j < len(tokens):
        value = tokens[j][1]
        depth += value.count("(") - value.count(")")
        j += 1
        if depth <= 0:
            break
    return j


def packages(code: str, language: str) -> list[str]:
    """Third-party packages the code imports (the language's own library left out)."""
    found: list[str] = []
    if language == "go":
        for block, single in _GO_IMPORT.findall(code):
            paths = _GO_PATH.findall(block) if block else [single]
            # The standard library's paths have no dot in their first element.
            found += [p for p in paths if "." in p.split("/", 1)[0]]
    elif language == "python":
        names = [n.split()[0] for group in _PY_IMPORT.findall(code) for n in group.split(",")]
        names += _PY_FROM.findall(code)
        found += [n.split(".")[0] for n in names if n and not n.startswith(".")
                  and n.split(".")[0] not in sys.stdlib_module_names]
    elif language in ("javascript", "typescript"):
        for spec in _JS_IMPORT.findall(code):
            if spec.startswith((".", "/", "node:")) or "://" in spec:
                continue
            parts = spec.split("/")
            name = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
            if name not in _NODE_BUILTINS:
                found.append(name)
    elif language == "java":
        for path in _JAVA_IMPORT.findall(code):
            if not path.startswith(_JAVA_PLATFORM):
                found.append(".".join(path.split(".")[:3]))
    return sorted(set(found))
