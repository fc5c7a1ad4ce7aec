"""Reading guide files: binary and encoding checks, and repair of Mac Roman mojibake."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kb.errors import GuideError

# Every character Mac Roman gives to a byte >= 0x80. UTF-8 multi-byte sequences consist only of
# such bytes, so mojibake made by decoding UTF-8 as Mac Roman is a run of these characters.
_MAC_ROMAN_HIGH = "".join(bytes([b]).decode("mac_roman") for b in range(0x80, 0x100))
_SUSPICIOUS_RUN = re.compile("[" + re.escape(_MAC_ROMAN_HIGH) + "]+")


def _utf8_length(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _repair_run(run: str) -> tuple[str, bool]:
    """Re-read one run's Mac Roman bytes as UTF-8, keeping every char that is not part of a
    valid sequence exactly as it was (so text that is already right is left alone)."""
    data = run.encode("mac_roman")
    out: list[str] = []
    changed = False
    i = 0
    while i < len(data):
        size = _utf8_length(data[i])
        if size:
            try:
                out.append(data[i : i + size].decode("utf-8"))
            except UnicodeDecodeError:
                pass
            else:
                i += size
                changed = True
                continue
        out.append(run[i])  # Mac Roman is one byte per char, so byte i is char i
        i += 1
    return "".join(out), changed


def repair_mojibake(text: str) -> tuple[str, int]:
    """Return the text with UTF-8-read-as-Mac-Roman runs repaired, and how many runs changed.

    Newlines are never touched, so line numbers stay those of the file as shipped.
    """
    repaired = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal repaired
        fixed, changed = _repair_run(match.group(0))
        repaired += changed
        return fixed

    return _SUSPICIOUS_RUN.sub(fix, text), repaired


@dataclass(frozen=True)
class GuideText:
    text: str
    raw: bytes
    repaired_runs: int


def read_guide_text(path: Path, encoding: str | None = None) -> GuideText:
    """Read a Markdown file as text, refusing binary and undecodable files with a clear error."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise GuideError("no such file", file=path) from None
    except IsADirectoryError:
        raise GuideError("is a directory, expected a Markdown file", file=path) from None
    except OSError as exc:
        raise GuideError(f"cannot read: {exc.strerror}", file=path) from None
    if not raw.strip():
        raise GuideError("the guide is empty", file=path)
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise GuideError("binary file (NUL byte), not a Markdown guide", file=path, line=line)
    codec = encoding or "utf-8-sig"
    try:
        text = raw.decode(codec)
    except LookupError:
        raise GuideError(f"unknown encoding {encoding!r}", file=path) from None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = "" if encoding else "; pass --encoding (for example --encoding cp1252)"
        raise GuideError(
            f"not valid {encoding or 'UTF-8'}: byte 0x{raw[exc.start]:02x} at offset {exc.start}{hint}",
            file=path,
            line=line,
        ) from None
    # Normalise line ends so markdown-it's line numbers are the file's.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, repaired = repair_mojibake(text)
    return GuideText(text=text, raw=raw, repaired_runs=repaired)
