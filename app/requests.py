"""What a user or an editor asks the window for: a query, an entry, Dash keys; read from the
command line's target (a query or a URL) and sent to a running window as one JSON line.

No Qt here: the command line parses targets before it starts Qt or hands them over.

Targets, as editor plugins written for Dash and Zeal send them:

- `dash-plugin://keys=a,b&query=x` (Dash's plugin URL; VS Code's Dash extension percent-encodes
  the query, Emacs' zeal-at-point does not, so a raw `&` or `%` in the query is kept);
- `dash://x` and `dash://a,b:x`;
- `a,b:x`, as Zeal reads a plain argument (older zeal-at-point sends that), unless `a` is one
  of the search box's own filters (`kind:snippet`) or the colon is part of `::` (`std::sync`);
- `patternkb://search?q=x` and `patternkb://entry/ID`;
- anything else: a query, as typed in the search box.

Dash keys name documentation sets ("rust", "python"). A key that is the id of a guide in the
KB becomes a `guide:` filter; any other key is dropped, since it names a language, not a guide.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from patternkb.index.query import FILTER_FIELDS

PROTOCOL_VERSION = 1  # of the JSON line a second process sends the running window
MAX_LINE_BYTES = 64 * 1024  # a request is a query and a few ids: anything longer is not one

_KEY = r"[\w.+-]+"
_KEYS_PREFIX = re.compile(rf"^\s*({_KEY}(?:,{_KEY})*):(?!:|//)(.*)$", re.DOTALL)
# A dash-plugin parameter starts only where one of Dash's parameter names follows `&`.
_PLUGIN_PARAM = re.compile(r"&(?=(?:keys|query|prefix)=)")
_SCHEME = re.compile(r"^\s*(dash-plugin|dash|patternkb):(?://)?", re.IGNORECASE)


@dataclass(frozen=True)
class WindowRequest:
    """Run `query` (narrowed to the guides `keys` name) or open the entry `open_id`."""

    query: str = ""
    open_id: str | None = None
    keys: list[str] = field(default_factory=list)

    def search_text(self, guide_ids: Iterable[str]) -> str:
        """What goes in the search box: the query, after a `guide:` filter for each key that
        is the id of one of `guide_ids` (case aside). Other keys are dropped."""
        guides = {g.lower(): g for g in guide_ids}
        named = list(dict.fromkeys(guides[k.lower()] for k in self.keys if k.lower() in guides))
        return " ".join([f"guide:{g}" for g in named] + ([self.query] if self.query else []))

    def to_json(self) -> str:
        """One line (no newline in it) for the running window."""
        return json.dumps({"version": PROTOCOL_VERSION, "query": self.query, "open_id": self.open_id,
                           "keys": list(self.keys)}, ensure_ascii=True)

    @classmethod
    def from_json(cls, line: str | bytes) -> WindowRequest:
        """The request in `line`; ValueError saying what is wrong with anything else."""
        if isinstance(line, bytes):
            if len(line) > MAX_LINE_BYTES:
                raise ValueError(f"request longer than {MAX_LINE_BYTES} bytes")
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValueError(f"request is not UTF-8: {exc}") from None
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"request is not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ValueError("request is not a JSON object")
        if data.get("version") != PROTOCOL_VERSION:
            raise ValueError(f"request has protocol version {data.get('version')!r}, not {PROTOCOL_VERSION}")
        unknown = set(data) - {"version", "query", "open_id", "keys"}
        if unknown:
            raise ValueError(f"request has unknown fields: {', '.join(sorted(unknown))}")
        query, open_id, keys = data.get("query", ""), data.get("open_id"), data.get("keys", [])
        if not isinstance(query, str):
            raise ValueError("request's query is not a string")
        if open_id is not None and (not isinstance(open_id, str) or not open_id):
            raise ValueError("request's open_id is not a non-empty string")
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise ValueError("request's keys are not a list of strings")
        return cls(query=query, open_id=open_id, keys=keys)


def parse_target(text: str) -> WindowRequest:
    """The request a command-line target makes (see the module's docstring for the forms);
    ValueError, with a message saying which form was expected, for a malformed patternkb:// URL."""
    match = _SCHEME.match(text)
    if match is None:
        return _keyed_query(text)
    scheme, rest = match.group(1).lower(), text[match.end():]
    if scheme == "dash-plugin":
        return _dash_plugin(rest)
    if scheme == "dash":
        return _keyed_query(unquote(rest.rstrip("/")))
    return _patternkb(text, rest)


def _split_keys(keys: str) -> list[str]:
    return [k.strip() for k in keys.split(",") if k.strip()]


def _keyed_query(text: str) -> WindowRequest:
    """`a,b:query` as Zeal reads it, or a plain query."""
    match = _KEYS_PREFIX.match(text)
    if match and match.group(1).split(",")[0].lower() not in FILTER_FIELDS:
        return WindowRequest(query=match.group(2).strip(), keys=_split_keys(match.group(1)))
    return WindowRequest(query=text.strip())


def _dash_plugin(rest: str) -> WindowRequest:
    params: dict[str, str] = {}
    for part in _PLUGIN_PARAM.split(rest.lstrip("/").removeprefix("?")):
        name, _, value = part.partition("=")
        params.setdefault(name, unquote(value))
    return WindowRequest(query=params.get("query", "").strip(), keys=_split_keys(params.get("keys", "")))


def _patternkb(url: str, rest: str) -> WindowRequest:
    parts = urlsplit("patternkb://" + rest)
    if parts.netloc == "search" and parts.path in ("", "/"):
        values = parse_qs(parts.query, keep_blank_values=True).get("q")
        if values is None:
            raise ValueError(f"{_shown(url)}: a search URL needs a query: patternkb://search?q=WORDS")
        return WindowRequest(query=values[0].strip())
    if parts.netloc == "entry":
        entry_id = unquote(parts.path.strip("/"))
        if not entry_id or parts.query:
            raise ValueError(f"{_shown(url)}: an entry URL is patternkb://entry/ID, with the entry's id")
        return WindowRequest(open_id=entry_id)
    raise ValueError(f"{_shown(url)}: not a patternkb URL: use patternkb://search?q=WORDS or patternkb://entry/ID")


def _shown(url: str, limit: int = 80) -> str:
    """`url` as an error message names it: on one line, and cut when long."""
    url = url.replace("\n", " ").replace("\r", " ")
    return url if len(url) <= limit else url[:limit - 1] + "…"
