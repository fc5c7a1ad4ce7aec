"""Reading guide files: containment in the guide's root, regular files only, binary and encoding
checks, printable names, and repair of Mac Roman mojibake."""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from patternkb.kb.errors import GuideError

# Every character Mac Roman gives to a byte >= 0x80. UTF-8 multi-byte sequences consist only of
# such bytes, so mojibake made by decoding UTF-8 as Mac Roman is a run of these characters.
_MAC_ROMAN_HIGH = "".join(bytes([b]).decode("mac_roman") for b in range(0x80, 0x100))
_SUSPICIOUS_RUN = re.compile("[" + re.escape(_MAC_ROMAN_HIGH) + "]+")
# A character no Mac Roman reading gives: one search in C, where a loop over a 50 MB guide's
# characters took seconds.
_NOT_MAC_ROMAN = re.compile("[^\x00-\x7f" + re.escape(_MAC_ROMAN_HIGH) + "]")


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

    Only a guide that was read wrongly as a whole is repaired: one whose every non-ASCII character
    is a Mac Roman one, as mojibake's are. A guide that also holds text no Mac Roman reading gives
    (an arrow, an emoji, a letter outside Latin-1's few) was written right, and a run that looks
    like mojibake in it is there on purpose (an example of decoding gone wrong): it is left exactly
    as written, code blocks verbatim. Newlines are never touched, so line numbers stay those of
    the file as shipped.
    """
    if text.isascii() or _NOT_MAC_ROMAN.search(text):
        return text, 0
    repaired = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal repaired
        fixed, changed = _repair_run(match.group(0))
        repaired += changed
        return fixed

    return _SUSPICIOUS_RUN.sub(fix, text), repaired


class EmptyGuide(GuideError):
    """A file with nothing but whitespace: an error for a guide named on its own, a warning for
    one chapter of a book or one file of a folder."""


@dataclass(frozen=True)
class GuideText:
    text: str
    raw: bytes
    repaired_runs: int
    # Not UTF-8, and no encoding given: (the line of its first byte that is not, what it was
    # read as). The caller warns.
    guessed: tuple[int, str] | None = None

    def warning(self) -> tuple[int, str] | None:
        """(line, message) saying the file was not UTF-8 and how it was read, if so."""
        if self.guessed is None:
            return None
        line, codec = self.guessed
        return line, f"not UTF-8 from here on: such bytes read as {codec} (pass --encoding to read the file as another)"


# What a file that is not UTF-8 is read as when no encoding is given: the single-byte encoding of
# most text written on Windows and sent as "Latin-1" on the web. Five byte values it leaves
# undefined still stop a file no encoding was given for.
GUESSED = "cp1252"


def printable(name: str | os.PathLike[str]) -> str:
    """A file name as valid UTF-8 text: bytes the file system held that are not UTF-8 (carried
    by Python as lone surrogates) become U+FFFD, so the KB's JSON and a strict stdout accept it."""
    name = os.fspath(name)
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that surrogateescape did not make
        raw = name.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")


# How many names a warning gives; it counts the rest.
NAMED_IN_A_WARNING = 5


def counted(items: list, noun: str) -> str:
    """"1 page", "3 pages": how many of `items` a warning names."""
    return f"{len(items)} {noun}" + ("s" if len(items) > 1 else "")


def some_of(names: list[str]) -> str:
    """The first names of a list a warning gives, and how many more there are."""
    shown = ", ".join(names[:NAMED_IN_A_WARNING])
    return shown + (f" and {len(names) - NAMED_IN_A_WARNING} more" if len(names) > NAMED_IN_A_WARNING else "")


def resolve_inside(path: Path, root: Path) -> Path | None:
    """The file `path` names, with every symlink followed, if it lies under `root` (resolved the
    same way); None when it lies outside or cannot be resolved (a symlink loop).

    Every file a guide is read from passes here before it is opened, so a symlink (a chapter,
    SUMMARY.md, src/ itself, a file in a folder of guides) cannot bring outside text into the KB.
    """
    try:
        real, real_root = path.resolve(), root.resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop (RuntimeError before 3.13), a NUL
        return None
    return real if real.is_relative_to(real_root) else None


def check_encoding(encoding: str | None) -> str:
    """The codec to decode guides with; a GuideError when the name is unknown or names a codec
    that does not turn bytes into text (rot13, base64, zlib...)."""
    if not encoding:
        return "utf-8-sig"
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        raise GuideError(f"unknown encoding {printable(encoding)!r} (--encoding)") from None
    if not getattr(info, "_is_text_encoding", True):
        raise GuideError(f"{printable(encoding)!r} is not a text encoding (--encoding); "
                         "try utf-8, cp1252 or latin-1") from None
    return info.name


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file. Opened without blocking, so a FIFO named by mistake is refused
    instead of waiting forever for a writer; the type is checked on the open file itself."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise GuideError("no such file", file=printable(path)) from None
    except IsADirectoryError:
        raise GuideError("is a directory, expected a Markdown file", file=printable(path)) from None
    except OSError as exc:
        raise GuideError(f"cannot read: {exc.strerror}", file=printable(path)) from None
    except ValueError:  # a NUL in the path
        raise GuideError("the path holds a NUL byte", file=printable(path)) from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise GuideError(f"is {_kind(mode)}, not a Markdown file", file=printable(path))
        try:
            return handle.read()
        except OSError as exc:
            raise GuideError(f"cannot read: {exc.strerror}", file=printable(path)) from None


def _one_byte_ascii(codec: str) -> bool:
    """Whether the codec writes ASCII one byte a character: then a NUL byte in the file means
    binary. (UTF-16 and UTF-32 text is full of NUL bytes; for them the decoded text is checked.)"""
    encode = codecs.lookup(codec).encode
    try:
        return len(encode("ab")[0]) - len(encode("a")[0]) == 1
    except (UnicodeError, ValueError):
        return False


def read_guide_text(path: Path, encoding: str | None = None) -> GuideText:
    """Read a Markdown file as text, refusing binary and undecodable files with a clear error."""
    codec = check_encoding(encoding)
    raw = read_regular_file(path)
    where = printable(path)
    if not raw.strip():
        raise EmptyGuide("the guide is empty", file=where)
    if _one_byte_ascii(codec) and b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise GuideError("binary file (NUL byte), not a Markdown guide", file=where, line=line)
    text, guessed = _decoded(raw, codec, encoding, where)
    if not text.strip():  # a byte-order mark alone, or whitespace in a wide encoding
        raise EmptyGuide("the guide is empty", file=where)
    _check_text(text, where)
    # Normalise line ends so markdown-it's line numbers are the file's.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, repaired = repair_mojibake(text)
    return GuideText(text=text, raw=raw, repaired_runs=repaired, guessed=guessed)


def _read_as_guessed(exc: UnicodeDecodeError) -> tuple[str, int]:
    """The error handler reading bytes that are not UTF-8 as GUESSED (raises where it has none)."""
    return exc.object[exc.start:exc.end].decode(GUESSED), exc.end


_AS_GUESSED = "patternkb-as-" + GUESSED
codecs.register_error(_AS_GUESSED, _read_as_guessed)


def _decoded(raw: bytes, codec: str, encoding: str | None, where: str) -> tuple[str, tuple[int, str] | None]:
    """The file's text, and (line, GUESSED) when it was not UTF-8 and no encoding was given: then
    only the bytes that are not UTF-8 are read as GUESSED (a UTF-8 chapter with one stray
    Windows-1252 apostrophe keeps its "Café"), so one chapter of another encoding does not stop
    the book."""
    try:
        return raw.decode(codec), None
    except UnicodeDecodeError as exc:
        # utf-8-sig counts from after a byte-order mark: the file's offsets count it.
        start = exc.start + (len(codecs.BOM_UTF8) if codec == "utf-8-sig" and raw.startswith(codecs.BOM_UTF8) else 0)
        line = raw[:start].count(b"\n") + 1
        if encoding is None:
            try:
                return raw.decode(codec, errors=_AS_GUESSED), (line, GUESSED)
            except UnicodeDecodeError:
                pass
        hint = "" if encoding else "; pass --encoding (for example --encoding cp1252)"
        raise GuideError(f"not valid {encoding or 'UTF-8'}: byte 0x{raw[start]:02x} at offset {start}{hint}",
                         file=where, line=line) from None
    except (UnicodeError, ValueError) as exc:  # codecs such as punycode and undefined fail as a whole
        reason = " ".join(str(exc).split())
        raise GuideError(f"cannot be read as {printable(encoding or codec)}: {reason}", file=where) from None


def _check_text(text: str, where: str) -> None:
    """Decoded text must be text: no NUL (binary read through a wide codec) and no lone surrogate
    (which codecs like unicode_escape can produce and no UTF-8 output can hold)."""
    if "\x00" in text:
        raise GuideError("binary file (NUL character), not a Markdown guide", file=where,
                         line=text[: text.index("\x00")].count("\n") + 1)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise GuideError("decodes to a lone surrogate, which is not text; check --encoding", file=where,
                         line=text[: exc.start].count("\n") + 1) from None
