"""Code blocks: named snippets, the items they define and use, and the packages they need (Rust
here, other languages through kb/languages.py)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

from pygments.lexers import RustLexer
from pygments.token import Comment, Keyword, Name, Token

from patternkb.kb.languages import defines, language_of, packages

# The comment that opens a unit, per language; languages not listed are never split.
COMMENT_PREFIX = {
    "rust": "//", "rs": "//", "c": "//", "cpp": "//", "go": "//", "java": "//",
    "javascript": "//", "js": "//", "typescript": "//", "ts": "//", "kotlin": "//", "swift": "//",
    "toml": "#", "bash": "#", "sh": "#", "shell": "#", "zsh": "#", "dockerfile": "#",
    "python": "#", "py": "#", "yaml": "#", "yml": "#", "ini": "#", "makefile": "#",
}
RUST = {"rust", "rs"}
# The most snippets one code block makes: a generated or pasted block of thousands of commented
# units would otherwise make as many entries in the index, each a search result of its own. The
# largest block of the real guides we know makes 22. Units past the limit stay in the last snippet.
MAX_SNIPPETS = 100

# Types and modules worth finding a pattern by even when the pattern only uses them.
NOTABLE_SYMBOLS = frozenset("""
Arc Mutex RwLock Condvar Barrier Cow Rc Weak RefCell Cell UnsafeCell OnceCell OnceLock LazyLock Lazy
Box Pin Future Stream Poll Waker HashMap HashSet BTreeMap BTreeSet VecDeque BinaryHeap Vec String
Option Result PhantomData MaybeUninit NonNull ManuallyDrop AtomicBool AtomicUsize AtomicU64 AtomicI64
AtomicPtr Ordering mpsc oneshot broadcast watch Semaphore Notify JoinHandle JoinSet Sender Receiver
Send Sync Copy Clone Drop Deref DerefMut Iterator IntoIterator From Into TryFrom TryInto AsRef Borrow
Display Debug Default Error Serialize Deserialize Duration Instant SmallVec Bytes BytesMut BufReader
BufWriter TcpListener TcpStream UdpSocket Read Write AsyncRead AsyncWrite PgPool Pool Router
Any TypeId Hash Hasher PartialEq Eq PartialOrd Ord Fn FnMut FnOnce Sized
""".split())

_PATH_SEP = "::"
_LEXER = RustLexer(stripnl=False, ensurenl=False)
# Enum variants Pygments marks as builtins: everywhere, so they tell nothing about a pattern.
_TOO_COMMON = frozenset({"Ok", "Err", "Some", "None", "Self"})
# Standard-library modules, which read like crates when used as `thread::spawn`.
_STD_MODULES = frozenset("""
any alloc arch array ascii borrow boxed cell char clone cmp collections convert default env error
f32 f64 ffi fmt fs future hash hint i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize io iter
marker mem net num ops option os panic path pin prelude primitive process ptr rc result slice str
string sync task thread time vec
""".split())
_NOT_CRATES = frozenset({"std", "core", "alloc", "crate", "self", "super", "Self", "proc_macro"})
_DEFINING = {"struct": "struct", "enum": "enum", "trait": "trait", "fn": "fn", "type": "type",
             "union": "union", "mod": "mod", "const": "const", "static": "static"}


@dataclass(frozen=True)
class SnippetSpan:
    title: str | None  # None when the unit opens without a comment
    code: str
    line_offset: int  # 0-based line of the unit's first line within the block
    units: int = 1  # the units of the block it holds: more than one in the last snippet of a block over the limit


def _comment_title(line: str, prefix: str) -> str | None:
    """The title a unit-opening comment gives, or None when the line does not open a unit."""
    if not line.startswith(prefix):  # only comments at column 0 open a unit
        return None
    rest = line[len(prefix):]
    if prefix == "//" and rest[:1] in ("/", "!"):  # doc comments belong to the item below
        return None
    if prefix == "#" and rest[:1] in ("!", "["):  # shebangs and attributes
        return None
    title = rest.strip().strip("-=#/ ").strip()
    return title or None


def split_snippets(code: str, language: str, limit: int = MAX_SNIPPETS) -> list[SnippetSpan]:
    """Split a block wherever a comment line follows a blank line (or starts the block), into at
    most `limit` snippets: the last one holds the rest (its `units` says how many).

    Lossless: the spans' code joined in order is `code`.
    """
    prefix = COMMENT_PREFIX.get(language.lower())
    lines = code.splitlines(keepends=True)
    starts: list[tuple[int, str | None]] = []
    for i, line in enumerate(lines):
        if prefix and (i == 0 or not lines[i - 1].strip()):
            title = _comment_title(line, prefix)
            if title is not None:
                starts.append((i, title))
    if not starts:
        starts = [(0, None)]
    elif starts[0][0] > 0:
        if "".join(lines[: starts[0][0]]).strip():
            starts.insert(0, (0, None))
        else:  # only blank lines before the first comment: they belong to its unit
            starts[0] = (0, starts[0][1])
    units = len(starts)
    starts = starts[:max(limit, 1)]
    spans = []
    for n, (start, title) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        spans.append(SnippetSpan(title=title, code="".join(lines[start:end]) if lines else code,
                                 line_offset=start, units=1 if n + 1 < len(starts) else units - n))
    return spans


def untitled_name(code: str, language: str) -> str | None:
    """A name for a unit that opens without a comment, when its code says what it is."""
    lines = [line.strip() for line in code.splitlines() if line.strip()]
    if not lines:
        return None
    if language.lower() in RUST and all(line.startswith(("use ", "pub use ", "extern crate ", "mod ", "pub mod "))
                                        for line in lines):
        return "Imports"
    if language.lower() == "toml" and lines[0].startswith("[") and lines[0].endswith("]"):
        return lines[0]
    return None


@dataclass
class CodeFacts:
    defines: list[str]
    symbols: list[str]  # defined items first, then notable ones used
    crates: list[str]
    modules: list[str]  # modules the code declares or imports by name (never crates)


_CATEGORY: dict[object, str] = {}


def _category(ttype) -> str:
    """A token type's role here, memoised: Pygments' `in` on token types is slow in bulk."""
    category = _CATEGORY.get(ttype)
    if category is None:
        if ttype in Comment.Preproc:
            category = "attribute"
        elif ttype in Comment or ttype in Token.Text or ttype in Token.Literal:
            category = "skip"
        elif ttype in Keyword:
            category = "keyword"
        elif ttype in Name.Function.Magic:
            category = "magic"
        elif ttype in Name.Builtin.Pseudo:
            category = "other"
        elif ttype in Name.Builtin:
            category = "builtin"
        elif ttype in Name:
            category = "name"
        else:
            category = "other"
        _CATEGORY[ttype] = category
    return category


@dataclass(frozen=True)
class RustToken:
    category: str
    value: str
    line: int  # 0-based line within the code


def lex_rust(code: str) -> list[RustToken]:
    """Significant Rust tokens with their lines, `::` joined and attribute contents lexed too."""
    out: list[RustToken] = []
    line = 0
    for ttype, value in _LEXER.get_tokens(code):
        category = _category(ttype)
        if category == "attribute":
            if value not in ("#[", "#![", "]"):
                out.extend(RustToken(t.category, t.value, line) for t in _lex_attribute(value))
        elif category != "skip" and value.strip():
            if value == ":" and out and out[-1].value == ":" and out[-1].line == line:
                out[-1] = RustToken("other", _PATH_SEP, line)
            else:
                out.append(RustToken(category, value, line))
        line += value.count("\n")
    return out


def _lex_attribute(text: str) -> list[RustToken]:
    out: list[RustToken] = []
    for ttype, value in _LEXER.get_tokens(text):
        category = _category(ttype)
        if category not in ("skip", "attribute") and value.strip():
            if value == ":" and out and out[-1].value == ":":
                out[-1] = RustToken("other", _PATH_SEP, 0)
            else:
                out.append(RustToken(category, value, 0))
    return out


def _is_name(category: str) -> bool:
    return category in ("name", "builtin")


def rust_facts(code: str) -> CodeFacts:
    return facts_from_tokens(lex_rust(code))


def facts_from_tokens(tokens: list[RustToken]) -> CodeFacts:
    defines: list[str] = []
    used: list[str] = []
    roots: list[str] = []
    modules: set[str] = set()
    in_use = False
    use_root: str | None = None
    # Brace depth inside impl and trait bodies: their fns are methods, not items of the pattern.
    depth = 0
    body_depths: list[int] = []
    pending_body = False
    blank = RustToken("other", "", 0)
    for i, token in enumerate(tokens):
        category, value = token.category, token.value
        prev = tokens[i - 1].value if i else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else blank
        if value == "{":
            depth += 1
            if pending_body:
                body_depths.append(depth)
                pending_body = False
        elif value == "}":
            if body_depths and body_depths[-1] == depth:
                body_depths.pop()
            depth -= 1
        top_level = not body_depths
        if category == "keyword":
            if value == "use":
                in_use, use_root = True, None
            elif value in _DEFINING and _is_name(nxt.category):
                if value == "mod":
                    modules.add(nxt.value)
                elif value not in ("const", "static") and top_level:
                    defines.append(nxt.value)
                    pending_body = value == "trait"
            elif value == "impl" and prev not in ("->", ":"):
                target = _impl_target(tokens, i + 1)
                if target and top_level:
                    defines.append(target)
                    pending_body = True
            continue
        if in_use and value == ";":
            in_use = False
            continue
        if category == "magic":
            if value == "macro_rules!" and _is_name(nxt.category):
                defines.append(nxt.value + "!")
            continue
        if not _is_name(category):
            continue
        if in_use:
            if use_root is None and prev != _PATH_SEP:
                use_root = value
                roots.append(value)
            elif nxt.value != _PATH_SEP:
                modules.add(value)  # a leaf a `use` brings in: not a crate when used as a path
        elif nxt.value == _PATH_SEP and prev not in (_PATH_SEP, ".") and value[:1].islower():
            roots.append(value)
        if value in _TOO_COMMON:
            continue
        if value in NOTABLE_SYMBOLS or (category == "builtin" and value[:1].isupper()):
            used.append(value)
    defines = _unique(defines)
    symbols = defines + sorted(set(used) - set(defines))
    crates = sorted({r for r in roots
                     if r[:1].islower() and r not in _NOT_CRATES and r not in _STD_MODULES and r not in modules})
    return CodeFacts(defines=defines, symbols=symbols, crates=crates, modules=sorted(modules))


def _impl_target(tokens: list[RustToken], i: int) -> str | None:
    """The type an `impl` block is for: `impl<T> Trait for Target<T>` gives Target."""
    depth = 0
    names: list[str] = []
    while i < len(tokens):
        token = tokens[i]
        value = token.value
        if value == "<":
            depth += 1
        elif value == ">":
            depth -= 1
        elif value == ">>":
            depth -= 2
        elif depth <= 0 and value in ("{", "where", ";"):
            break
        elif depth <= 0 and value == "for" and token.category == "keyword":
            names = []
        elif depth <= 0 and _is_name(token.category) and (i + 1 >= len(tokens) or tokens[i + 1].value != _PATH_SEP):
            names.append(value)
        i += 1
    return names[-1] if names else None


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def toml_crates(code: str) -> list[str]:
    """Crate names from the dependency tables of a Cargo.toml fragment."""
    names: set[str] = set()
    try:
        data = tomllib.loads(code)
    except tomllib.TOMLDecodeError:
        return _toml_crates_by_line(code)

    def walk(table: dict, path: tuple[str, ...]) -> None:
        for key, value in table.items():
            if key.endswith("dependencies") and isinstance(value, dict):
                names.update(value.keys())
            elif isinstance(value, dict):
                walk(value, path + (key,))

    walk(data, ())
    return sorted(n.replace("-", "_") for n in names)


def _toml_crates_by_line(code: str) -> list[str]:
    # A fragment that is not valid TOML on its own: read the dependency tables line by line.
    names: set[str] = set()
    in_deps = False
    for raw in code.splitlines():
        line = raw.strip()
        if line.startswith("["):
            in_deps = line.strip("[]").strip().endswith("dependencies")
        elif in_deps and "=" in line and not line.startswith("#"):
            name = line.split("=", 1)[0].strip().strip('"')
            if name and all(c.isalnum() or c in "-_" for c in name):
                names.add(name.replace("-", "_"))
    return sorted(names)


def code_facts(code: str, language: str) -> CodeFacts:
    return block_facts(code, language, [])[0]


def block_facts(code: str, language: str, spans: list[SnippetSpan]) -> tuple[CodeFacts, list[CodeFacts]]:
    """Facts of a whole block and of each of its snippets, lexing the block once."""
    lang = language.lower()
    if lang in RUST:
        tokens = lex_rust(code)
        per_span = []
        # Tokens come in line order: each span's are the next run of them (one pass, not one per span).
        first = 0
        for n, span in enumerate(spans):
            end = spans[n + 1].line_offset if n + 1 < len(spans) else float("inf")
            while first < len(tokens) and tokens[first].line < span.line_offset:
                first += 1
            last = first
            while last < len(tokens) and tokens[last].line < end:
                last += 1
            per_span.append(facts_from_tokens(tokens[first:last]))
            first = last
        return facts_from_tokens(tokens), per_span
    if lang == "toml":
        whole = CodeFacts(defines=[], symbols=[], crates=toml_crates(code), modules=[])
        return whole, [CodeFacts(defines=[], symbols=[], crates=toml_crates(s.code), modules=[]) for s in spans]
    other = language_of(lang)
    if other is not None:
        return _other_facts(code, other), [_other_facts(s.code, other) for s in spans]
    empty = CodeFacts(defines=[], symbols=[], crates=[], modules=[])
    return empty, [empty for _ in spans]


def _other_facts(code: str, language: str) -> CodeFacts:
    names = defines(code, language)
    return CodeFacts(defines=names, symbols=list(names), crates=packages(code, language), modules=[])


# Comment titles and table headers that say what part a snippet plays, not what it is.
_ROLE_WORDS = frozenset("""
bad good example examples usage output result before after yes no wrong right correct incorrect ok
avoid prefer preferred do dont don't recommended not discouraged better worse instead
✓ ✔ ✅ ✗ ✘ ✖ ❌ 👍 👎
""".split())


_EMOJI_MARKS = re.compile("[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")


def _role(title: str | None) -> str | None:
    if not title:
        return None
    # An emoji's presentation and skin-tone marks (✔️, 👍🏽) say nothing more than the mark.
    words = _EMOJI_MARKS.sub("", title.lower().replace("’", "'")).strip(" :.!-").split()
    return title.strip(" :.!-").capitalize() if words and all(w.strip(",:") in _ROLE_WORDS for w in words) else None


def snippet_title(span: SnippetSpan, facts: CodeFacts, language: str, label: str, pattern_title: str) -> str:
    """A title that says what a snippet is: its comment's, else its role and the pattern it
    illustrates ("Bad: <title>", with the item it defines), else the item it defines, else the
    pattern and its first line."""
    role = _role(span.title)
    if span.title and role is None:
        return span.title
    # The first line that says something: "Options: {" named a JSON object by its brace.
    first = next((line.strip() for line in span.code.splitlines() if any(ch.isalnum() for ch in line)), "")
    lead = first.split(":", 1)[0] if ":" in first else ""
    role = role or _role(label) or (label.strip() or None) or (_role(lead) if lead.isalpha() else None)
    defined = untitled_name(span.code, language) or (facts.defines[0] if facts.defines else None)
    if role is not None:
        return f"{role}: {pattern_title}" + (f" ({defined})" if defined else "")
    if defined:
        return defined
    if len(first) > 60:
        first = first[:57].rstrip() + "…"
    return f"{pattern_title}: {first}" if first else pattern_title
