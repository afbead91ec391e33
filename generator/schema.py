"""Export JSON Schema for each data file from the models (never written by hand)."""

from __future__ import annotations

import json

from pydantic import TypeAdapter

from .model import KINDS


def schemas() -> dict[str, str]:
    """Map each schema file name to its JSON text."""
    out = {}
    for kind, (filename, model, doc) in KINDS.items():
        schema = TypeAdapter(list[model]).json_schema()
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"data/{filename}",
            "description": doc + " Exported from generator/model.py by `python -m generator schema`; do not edit.",
            **schema,
        }
        out[f"{kind}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return out
