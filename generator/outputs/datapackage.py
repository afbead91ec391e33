"""The dataset as a Frictionless Data Package: one CSV per kind and a datapackage.json describing them.

Columns come from the models (generator/model/records.py), not from whatever keys the records happen to have, so
a CSV's header is the same whatever the data: nested parts are flattened with dotted names
(`price.value`, `name.zh`), a part that is null leaves its columns empty, and lists are JSON arrays in one
cell (Table Schema's `array` type, whose CSV form is JSON). Each field carries the model's description
and an honest type: a partial date such as `2021-12` is a string with a pattern, not a `date`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, WithJsonSchema

from generator import __version__
from generator.model.records import KINDS, Dataset, PartialDate

NAME = "digital-collectibles-briefing"
TITLE = "数字藏品平台对比简报：数据集 / Digital collectibles platforms compared: the dataset"
DESCRIPTION = (
    "Every record of the briefing's dataset (platforms, collectibles, partners, events, metrics, "
    "statements and the sources they cite), one CSV per kind. Every fact carries its citations: the "
    "source, the paragraph and a short verbatim quote (the `cites` and `cite.*` columns). Unknown values "
    "are empty, never 0; ranges keep both ends (`min`, `max`) and the source's qualifier. Nested parts "
    "are flattened with dotted column names; lists are JSON arrays in one cell. "
    "Licence: no licence has been chosen for this compilation, so none is granted here. The facts come "
    "from the sources listed under `sources`, each with the licence or reprint note it states; the short "
    "quotes remain their authors'."
)

# Single-id columns that name a record of another kind (list-valued references cannot be foreign keys).
FOREIGN_KEYS: dict[str, dict[str, str]] = {
    "platforms": {"parent": "partners", "chain": "partners", "transfer.cite.source": "sources"},
    "collectibles": {"platform": "platforms", "series": "collectibles"},
    "events": {"platform": "platforms"},
    "statements": {"platform": "platforms", "speaker_partner": "partners", "cite.source": "sources"},
}


@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]
    field: dict[str, Any]
    scalar_of_union: bool = False  # holds the value only when it is not an object (edition: "unlimited")

    @property
    def name(self) -> str:
        return ".".join(self.path)


# --------------------------------------------------------------------------- columns from the models

def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """Strip Annotated layers, keeping their metadata."""
    meta: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        annotation, meta = args[0], meta + list(args[1:])
    return annotation, meta


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _constraints(meta: list[Any]) -> dict[str, Any]:
    """Table Schema constraints from pydantic/annotated-types metadata and WithJsonSchema overrides."""
    out: dict[str, Any] = {}
    for m in meta:
        if isinstance(m, WithJsonSchema) and isinstance(m.json_schema, dict):
            if "pattern" in m.json_schema:
                out["pattern"] = _full_match(m.json_schema["pattern"])
            continue
        # Field(...) inside Annotated carries its own metadata list.
        for inner in getattr(m, "metadata", None) or [m]:
            pattern = getattr(inner, "pattern", None)
            if isinstance(pattern, str):
                out["pattern"] = _full_match(pattern)
            for attr, key in (("ge", "minimum"), ("le", "maximum")):
                value = getattr(inner, attr, None)
                if value is not None:
                    out[key] = int(value) if isinstance(value, (int, Decimal)) and value == int(value) else value
            for attr, key in (("min_length", "minLength"), ("max_length", "maxLength")):
                if isinstance(getattr(inner, attr, None), int):
                    out[key] = getattr(inner, attr)
    return out


def _full_match(pattern: str) -> str:
    """A JSON Schema pattern (a search) as a Table Schema one (which must match the whole value)."""
    head = pattern[1:] if pattern.startswith("^") else ".*" + pattern
    return head[:-1] if head.endswith("$") and not head.endswith("\\$") else head + ".*"


def _formats(meta: list[Any]) -> dict[str, Any]:
    for m in meta:
        if isinstance(m, WithJsonSchema) and isinstance(m.json_schema, dict) and m.json_schema.get("format") == "uri":
            return {"format": "uri"}
    return {}


def _item_name(annotation: Any) -> str:
    inner, _ = _unwrap(annotation)
    if _is_model(inner):
        keys = ", ".join(inner.model_fields)
        return f"{inner.__name__} objects ({keys})"
    if typing.get_origin(inner) is typing.Literal:
        return "strings (" + ", ".join(map(str, typing.get_args(inner))) + ")"
    return "strings" if inner is str else f"{getattr(inner, '__name__', inner)} values"


def _scalar(annotation: Any, meta: list[Any]) -> dict[str, Any]:
    """Type, format and constraints of a single-valued column."""
    inner, more = _unwrap(annotation)
    meta = meta + more
    constraints = _constraints(meta)
    if typing.get_origin(inner) is typing.Literal:
        values = list(typing.get_args(inner))
        if all(isinstance(v, str) for v in values):
            return {"type": "string", "constraints": {"enum": values}}
        return {"type": "any", "constraints": {"enum": values}}
    if isinstance(inner, type) and issubclass(inner, PartialDate):
        return {"type": "string", "constraints": {"pattern": r"\d{4}(-\d{2}(-\d{2})?)?"},
                "description_suffix": "An ISO date at year, month or day precision (2021, 2021-12 or "
                                      "2021-12-17): its length gives the precision, so the type is string."}
    if inner is bool:
        return {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}
    if inner is int:
        return {"type": "integer", "constraints": constraints}
    if inner is Decimal:
        return {"type": "number", "constraints": constraints}
    if inner is dt.date:
        return {"type": "date"}
    if inner is str:
        return {"type": "string", **_formats(meta), "constraints": constraints}
    raise TypeError(f"no Table Schema type for {annotation!r}")


def _columns(model: type[BaseModel], prefix: tuple[str, ...] = (), required: bool = True,
             described: str = "") -> list[Column]:
    out: list[Column] = []
    for name, info in model.model_fields.items():
        path = prefix + (name,)
        annotation, meta = _unwrap(info.annotation)
        meta = meta + list(info.metadata)
        nullable = False
        arms = [annotation]
        if _is_union(annotation):
            arms = [a for a in typing.get_args(annotation) if a is not type(None)]
            nullable = len(arms) < len(typing.get_args(annotation))
        description = info.description or ""
        if not description and len(arms) == 1 and _is_model(_unwrap(arms[0])[0]):
            description = (_unwrap(arms[0])[0].__doc__ or "").strip()
        full = f"{described} — {description}" if described and description else (described or description)
        req = required and not nullable
        models = [a for a in arms if _is_model(_unwrap(a)[0])]
        others = [a for a in arms if not _is_model(_unwrap(a)[0])]
        if len(others) > 1:
            raise TypeError(f"{'.'.join(path)}: cannot describe a union of {others!r} as one column")
        for other in others:
            base, more = _unwrap(other)
            if typing.get_origin(base) is list:
                field = {"type": "array", "description": f"{full} A JSON array of {_item_name(typing.get_args(base)[0])}."
                         .strip()}
                constraints = {}
            else:
                field = _scalar(base, meta + more)
                suffix = field.pop("description_suffix", "")
                field["description"] = f"{full} {suffix}".strip()
                constraints = field.pop("constraints", {})
            if models:  # a value or a part: this column holds the value, the part has its own columns
                field["description"] += f" Empty when the {'.'.join(path)}.* columns hold the figure instead."
            elif req:
                constraints = {"required": True, **constraints}
            if constraints:
                field["constraints"] = constraints
            out.append(Column(path, {"name": ".".join(path), **field}, scalar_of_union=bool(models)))
        for sub in models:
            sub_model = _unwrap(sub)[0]
            out.extend(_columns(sub_model, path, req and not others, full))
    return out


def columns(kind: str) -> list[Column]:
    """The CSV columns of one kind of record, in model order."""
    _, model, _ = KINDS[kind]
    return _columns(model)


# --------------------------------------------------------------------------- tables

def _cell(value: Any, column: Column) -> str:
    if value is None or (column.scalar_of_union and isinstance(value, dict)):
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _lookup(record: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = record
    for i, key in enumerate(path):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
        if value is None:
            return None
        if isinstance(value, str) and i < len(path) - 1:
            return None  # a scalar where a part could be (edition: "unlimited"): no sub-values
    return value


def table(kind: str, records: list[dict[str, Any]]) -> bytes:
    """One kind's records (as model_dump(mode="json") gives them) as CSV with the model's columns."""
    cols = columns(kind)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c.name for c in cols])
    for record in records:
        writer.writerow([_cell(_lookup(record, c.path), c) for c in cols])
    return buf.getvalue().encode("utf-8")


def tables(ds: Dataset, whole: dict[str, Any] | None = None) -> dict[str, bytes]:
    """Every kind's CSV by file name (whole: ds.model_dump(mode="json"), if the caller has it already)."""
    whole = whole if whole is not None else ds.model_dump(mode="json")
    return {f"{kind}.csv": table(kind, whole[kind]) for kind in KINDS}


# --------------------------------------------------------------------------- the descriptor

def _schema(kind: str) -> dict[str, Any]:
    names = {c.name for c in columns(kind)}
    schema: dict[str, Any] = {"fields": [c.field for c in columns(kind)], "missingValues": [""], "primaryKey": ["id"]}
    keys = []
    for column, target in FOREIGN_KEYS.get(kind, {}).items():
        if column not in names:
            raise KeyError(f"FOREIGN_KEYS names {kind}.{column}, which is not a column")
        keys.append({"fields": [column], "reference": {"resource": "" if target == kind else target, "fields": ["id"]}})
    if keys:
        schema["foreignKeys"] = keys
    return schema


def descriptor(ds: Dataset, csvs: dict[str, bytes]) -> dict[str, Any]:
    """datapackage.json as a dict: the package, its sources and licence statement, one resource per CSV."""
    sources = [{"title": f"{s.title} ({s.title_en})",
                **({"path": s.url or s.original_url} if s.url or s.original_url else {}),
                "id": s.id, "published": str(s.published), "licence": {"zh": s.licence.zh, "en": s.licence.en}}
               for s in ds.sources]
    resources = []
    for kind, (filename, _model, doc) in KINDS.items():
        data = csvs[f"{kind}.csv"]
        resources.append({
            "name": kind,
            "path": f"{kind}.csv",
            "title": f"{kind} (data/{filename})",
            "description": doc,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "schema": _schema(kind),
        })
    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "version": __version__,
        "keywords": ["digital collectibles", "数字藏品", "JD", "Tmall", "Xiaohongshu"],
        "sources": sources,
        "resources": resources,
    }


def datapackage_json(ds: Dataset, csvs: dict[str, bytes]) -> bytes:
    """datapackage.json as bytes (stable: same data, same bytes)."""
    return (json.dumps(descriptor(ds, csvs), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def files(ds: Dataset, whole: dict[str, Any] | None = None) -> dict[str, bytes]:
    """The CSVs and datapackage.json, by file name (whole: as for tables)."""
    csvs = tables(ds, whole)
    return {**csvs, "datapackage.json": datapackage_json(ds, csvs)}
