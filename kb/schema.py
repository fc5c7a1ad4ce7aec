"""The JSON schema of the stored KB files, exported so other tools can read a KB."""

from __future__ import annotations

import json

from patternkb.kb.models import EntryList, Manifest, SectionList


def schema_files() -> dict[str, bytes]:
    schemas = {
        "entries.schema.json": EntryList.json_schema(),
        "sections.schema.json": SectionList.json_schema(),
        "manifest.schema.json": Manifest.model_json_schema(),
    }
    return {name: (json.dumps(s, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
            for name, s in schemas.items()}
