"""The JSON schema of the stored KB files, exported so other tools can read a KB."""

from __future__ import annotations

import json

from pydantic import TypeAdapter

from patternkb.kb.models import Entry, Manifest, SectionList


def _entry_line_schema() -> dict:
    """One line of entries.jsonl: an entry without its `order` (the line's number is its order)."""
    schema = TypeAdapter(Entry).json_schema()
    for definition in schema.get("$defs", {}).values():
        if "order" in definition.get("properties", {}):
            del definition["properties"]["order"]
            definition["required"] = [name for name in definition.get("required", []) if name != "order"]
    return schema


def schema_files() -> dict[str, bytes]:
    """entries.schema.json describes one line of entries.jsonl; the others, their whole file."""
    schemas = {
        "entries.schema.json": _entry_line_schema(),
        "sections.schema.json": SectionList.json_schema(),
        "manifest.schema.json": Manifest.model_json_schema(),
    }
    return {name: (json.dumps(s, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
            for name, s in schemas.items()}
