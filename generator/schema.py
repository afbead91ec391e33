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


def _type_name(annotation) -> str:
    """A short readable name for a field's type."""
    import typing

    from pydantic import BaseModel

    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        inner = args[0]
        meta = " ".join(str(getattr(m, "pattern", "")) for m in args[1:] if hasattr(m, "pattern"))
        name = getattr(inner, "__name__", str(inner))
        if name == "PartialDate":
            return "date (YYYY[-MM[-DD]])"
        if "_http_url" in repr(args[1:]):
            return "http(s) URL"
        if "a-z0-9" in meta or name == "str" and "[a-z0-9]" in str(args[1:]):
            return "id"
        if any("citation" in str(getattr(m, "description", "")).lower() for m in args[1:]):
            return "list of Citation"
        return _type_name(inner)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        parts = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(dict.fromkeys(parts))
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is typing.Literal:
        return "one of: " + ", ".join(str(a) for a in args)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    if getattr(annotation, "__name__", "") == "PartialDate":
        return "date (YYYY[-MM[-DD]])"
    return {"str": "text", "int": "integer", "bool": "true/false", "Decimal": "number"}.get(
        getattr(annotation, "__name__", ""), getattr(annotation, "__name__", str(annotation)))


def dictionary() -> list[dict]:
    """The data dictionary: each file, its record model, and every field with type and description."""
    from pydantic import BaseModel

    out = []
    seen: set[type] = set()
    for kind, (filename, model, doc) in KINDS.items():
        out.append({"file": f"data/{filename}", "doc": doc, "fields": _fields(model)})
        seen.add(model)
    # Parts used inside records, once each.
    queue = [m for _, m, _ in KINDS.values()]
    parts: list[type[BaseModel]] = []
    while queue:
        model = queue.pop(0)
        for info in model.model_fields.values():
            for sub in _submodels(info.annotation):
                if sub not in seen:
                    seen.add(sub)
                    parts.append(sub)
                    queue.append(sub)
    for model in parts:
        out.append({"file": model.__name__, "doc": (model.__doc__ or "").strip(), "fields": _fields(model)})
    return out


def _fields(model) -> list[dict]:
    from .model import SLUG_RE

    out = []
    for name, info in model.model_fields.items():
        meta = " ".join(repr(m) for m in info.metadata)
        kind = _type_name(info.annotation)
        if SLUG_RE in meta or f"pattern='{SLUG_RE}'" in meta:
            kind = kind.replace("text", "id")
        elif "_http_url" in meta:
            kind = kind.replace("text", "http(s) URL")
        out.append({"name": name, "type": kind, "required": info.is_required(), "description": info.description or ""})
    return out


def _submodels(annotation):
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _submodels(arg)
