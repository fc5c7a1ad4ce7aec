"""The KB's key as the index records it (meta.json's kb_fingerprint): a hash of the KB's manifest
alone, which holds the checksums of its other files, so a search never reads the whole KB.

Hashing every byte of the KB (400 MB of entries at 50,000 entries) took most of a CLI search's
time and memory. The manifest names the sections' and entries' sha256, and `load_kb` refuses
files that differ from them, so the manifest identifies the content as well as the bytes do.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from patternkb.kb.errors import StoreError
from patternkb.kb.files import MANIFEST, check_present, fingerprint_of, live_dir

if TYPE_CHECKING:
    from patternkb.kb.models import KnowledgeBase

_ATTEMPTS = 8


def _key(manifest: dict) -> str:
    canonical = json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "m-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def key_of_dir(directory: Path) -> str:
    """The key of the KB in `directory`, from its live manifest (a KB whose manifest records no
    checksums, from all its bytes). Raises StoreError as reading the KB would."""
    directory = Path(directory)
    for attempt in range(_ATTEMPTS):
        check_present(directory)  # the same one-line errors as loading it: missing, unreadable
        live = live_dir(directory)
        try:
            raw = (live / MANIFEST).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            if attempt == _ATTEMPTS - 1:
                raise StoreError(f"cannot read {MANIFEST}", file=live) from None
            continue  # a writer published and collected meanwhile: read CURRENT again
        except OSError as exc:
            raise StoreError(f"cannot read {MANIFEST}: {exc.strerror}", file=live) from None
        try:
            manifest = json.loads(raw)
        except ValueError:
            manifest = None
        if not isinstance(manifest, dict) or not manifest.get("sha256"):
            return fingerprint_of(directory)  # not one we can trust alone: every byte, as before
        return _key(manifest)
    raise AssertionError("unreachable")


def key_of_manifest(manifest) -> str:
    """The key of a KB whose manifest (as written: with its checksums) is `manifest`."""
    return _key(manifest.model_dump(mode="json"))


def key_of(kb: KnowledgeBase) -> str:
    """The key of a KB in memory: its manifest's when it was written or loaded (it then records
    the files' checksums), else that of the manifest writing it would give."""
    if kb.manifest.sha256 is not None:
        return _key(kb.manifest.model_dump(mode="json"))
    from patternkb.kb.files import MANIFEST as name
    from patternkb.kb.store import serialise

    return _key(json.loads(serialise(kb)[name]))
