"""Turn loaded YAML into a checked Dataset, collecting every problem with its file, line and column."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from generator.load.read import LoadError, Pos, PosDict, PosList, load_yaml, load_yaml_text
from generator.model.records import KINDS, OPTIONAL_KINDS, Citation, Dataset


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, where it is, and what would fix it."""

    path: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        field = f"{self.field}: " if self.field else ""
        return f"{self.path}:{self.line}:{self.col}: {field}{self.message}"


class DataError(Exception):
    """The data did not validate; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(map(str, self.problems)))


# --------------------------------------------------------------------------- positions

def _locate(node: Any, loc: Iterable[Any], fallback: Pos) -> Pos:
    """Where a pydantic loc points inside a loaded record."""
    pos = fallback
    for part in loc:
        if _is_branch(part):
            continue
        if isinstance(node, PosDict) and isinstance(part, str):
            if part not in node:
                return getattr(node, "start", pos)
            pos, node = node.value_pos[part], node[part]
        elif isinstance(node, PosList) and isinstance(part, int) and 0 <= part < len(node):
            pos, node = node.item_pos[part], node[part]
        # union branches and other synthetic parts: stay where we are
    return pos


def _is_branch(part: Any) -> bool:
    """A pydantic loc part naming a union branch (a model or a literal), not a field."""
    return isinstance(part, str) and (part[:1].isupper() or "[" in part or "(" in part)


def _wrong_branch(item: Any, loc: tuple) -> bool:
    """A union's literal branch ('unlimited') complaining about a value written as a mapping."""
    for i, part in enumerate(loc):
        if isinstance(part, str) and part.startswith("literal["):
            return isinstance(_value_at(item, loc[:i]), PosDict)
    return False


def _value_at(node: Any, loc: tuple) -> Any:
    for part in loc:
        if _is_branch(part):
            continue
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _key_pos(node: Any, loc: tuple, fallback: Pos) -> Pos:
    """Position of the key named by the last part of loc (for unknown keys)."""
    parent, key = node, loc[-1]
    for part in loc[:-1]:
        if isinstance(parent, (PosDict, PosList)):
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                break
    if isinstance(parent, PosDict) and key in parent.key_pos:
        return parent.key_pos[key]
    return fallback


# --------------------------------------------------------------------------- messages

def _field_name(loc: tuple) -> str:
    """Dotted field path without list indexes or union branch names."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            if parts:
                parts[-1] += f"[{part}]"
            continue
        if _is_branch(part):
            continue
        parts.append(part)
    return ".".join(parts)


def _message(err: dict, model: type[BaseModel] | None) -> str:
    kind, ctx, given = err["type"], err.get("ctx") or {}, err.get("input")
    got = f", got {given!r}" if not isinstance(given, (dict, list)) else ""
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        field = err["loc"][-1]
        known = _known_fields(model, err["loc"][:-1])
        close = difflib.get_close_matches(str(field), known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else (f" (known fields: {', '.join(known)})" if known else "")
        return f"unknown field{hint}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}[kind]
        bound = next(iter(ctx.values()))
        return f"must be {op} {bound}{got}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}{got}"
    if kind == "string_pattern_mismatch":
        return f"must be a lowercase slug (a-z, 0-9, hyphens){got}"
    if kind in ("string_too_long", "too_long"):
        return f"is too long (at most {ctx.get('max_length')}){got if kind == 'string_too_long' else ''}"
    if kind in ("string_too_short", "too_short"):
        return "must not be empty" if ctx.get("min_length") == 1 else f"is too short (at least {ctx.get('min_length')})"
    if kind in ("string_type",):
        return f"must be text{got}"
    if kind in ("decimal_parsing", "decimal_type", "int_parsing", "int_type", "int_from_float"):
        return f"must be a number{got}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping of fields{got}"
    if kind == "list_type":
        return f"must be a list{got}"
    if kind == "bool_type" or kind == "bool_parsing":
        return f"must be true or false{got}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return err["msg"].lower() + got


def _known_fields(model: type[BaseModel] | None, loc: tuple) -> list[str]:
    """Field names of the sub-model that loc points to (for 'did you mean')."""
    current = model
    for part in loc:
        if current is None or isinstance(part, int):
            continue
        info = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        current = _model_of(info.annotation) if info else None
    return sorted(current.model_fields) if current is not None and hasattr(current, "model_fields") else []


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_of(arg)
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------- loading

def load_dataset(data_dir: Path, display_root: str | None = None, reuse: "Reuse | None" = None) -> Dataset:
    """Load and check every file of a data folder; raise DataError listing all problems.

    reuse: what an earlier load of this folder parsed and checked (kept by `make serve`): records whose text
    did not change are taken from it; the checks across records run over everything, as without it."""
    data_dir = Path(data_dir)
    root = display_root if display_root is not None else str(data_dir)
    problems: list[Problem] = []
    unreadable: set[str] = set()
    records: dict[str, list] = {}
    raw: dict[str, list[tuple[Any, BaseModel | None]]] = {}
    for kind, (filename, _model, _doc) in KINDS.items():
        display = _display(root, filename)
        records[kind], raw[kind] = [], []
        if kind in OPTIONAL_KINDS and not (data_dir / filename).exists():
            continue
        text = reuse.text(data_dir / filename) if reuse is not None else None
        got = reuse.records(kind, text, display) if text is not None else None
        if got is None:
            try:
                loaded = load_yaml_text(text, display) if text is not None else load_yaml(data_dir / filename, display)
            except LoadError as exc:
                problems.append(Problem(exc.pos.path, exc.pos.line, exc.pos.col, "", exc.message))
                unreadable.add(kind)
                continue
            before = len(problems)
            got = _records(kind, loaded, display, problems)
            if reuse is not None and text is not None and got is not None and len(problems) == before:
                reuse.keep(kind, display, text, loaded, got[1])
        if got is None:
            unreadable.add(kind)
            continue
        records[kind], raw[kind] = got
    problems.extend(_cross_checks(raw, unreadable))
    if problems:
        raise DataError(problems)
    return Dataset(**records)


_ITEM = re.compile(r"^- ", re.M)


def _chunks(text: str) -> tuple[str, list[tuple[int, str]]] | None:
    """A file's text before its first record (comments only) and each record's text with its first line;
    None for a file not written as a list of records at the left margin."""
    starts = [m.start() for m in _ITEM.finditer(text)]
    header = text[:starts[0]] if starts else text
    if not starts or any(line.strip() and not line.lstrip().startswith("#") for line in header.splitlines()):
        return None
    out, line = [], header.count("\n") + 1
    for a, b in zip(starts, starts[1:] + [len(text)]):
        out.append((line, text[a:b]))
        line += text.count("\n", a, b)
    return header, out


def _shift(node: Any, by: int) -> None:
    """Move every position in a parsed record by some lines (its text moved in the file)."""
    def moved(p: Pos) -> Pos:
        return Pos(p.path, p.line + by, p.col)

    if isinstance(node, PosDict):
        node.start = moved(node.start)
        node.key_pos = {k: moved(p) for k, p in node.key_pos.items()}
        node.value_pos = {k: moved(p) for k, p in node.value_pos.items()}
        children: Iterable = node.values()
    elif isinstance(node, PosList):
        node.start = moved(node.start)
        node.item_pos = [moved(p) for p in node.item_pos]
        children = node
    else:
        return
    for child in children:
        _shift(child, by)


class Reuse:
    """Records parsed and checked by an earlier load, by their text, for a caller that loads the same folder
    again and again (`make serve`: an edit of one collectible re-reads one record, not 10,000).

    Per kind: the text before the first record, and each record's text -> (its first line, the parsed item, the
    record). A changed record is parsed alone, at its line (so its positions are the file's); a record that
    moved is shifted. Anything unusual (a record that does not parse alone to one valid record, a changed
    header, two records with the same text) is loaded from the whole file, as without reuse, so that problems
    are reported exactly as a full load reports them.
    """

    def __init__(self) -> None:
        self.kinds: dict[tuple[str, str], tuple[str, dict[str, tuple[int, PosDict, BaseModel]]]] = {}  # (kind, display)

    def text(self, path: Path) -> str | None:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None  # the full load reports it

    def keep(self, kind: str, display: str, text: str, loaded: Any, raw: list[tuple[Any, BaseModel | None]]) -> None:
        """Remember a file loaded whole without problems, if its records are what _chunks finds."""
        self.kinds.pop((kind, display), None)
        split = _chunks(text)
        if split is None or not isinstance(loaded, PosList) or len(split[1]) != len(raw):
            return
        header, chunks = split
        by_text = {chunk: (line, item, record) for (line, chunk), (item, record) in zip(chunks, raw)}
        if len(by_text) == len(chunks) and all(line == pos.line for (line, _c), pos in zip(chunks, loaded.item_pos)):
            self.kinds[(kind, display)] = (header, by_text)

    def records(self, kind: str, text: str, display: str) -> tuple[list[BaseModel], list] | None:
        """This text's records and (item, record) pairs, from the earlier load and the changed records alone;
        None when the whole file must be loaded."""
        known = self.kinds.pop((kind, display), None)  # put back only when all went well
        split = _chunks(text)
        if known is None or split is None or split[0] != known[0]:
            return None
        by_text = known[1]
        kept: dict[str, tuple[int, PosDict, BaseModel]] = {}
        for line, chunk in split[1]:
            hit = by_text.get(chunk)
            if hit is None:
                try:
                    loaded = load_yaml_text("\n" * (line - 1) + chunk, display)
                except LoadError:
                    return None
                problems: list[Problem] = []
                got = _records(kind, loaded, display, problems) if isinstance(loaded, PosList) and len(loaded) == 1 else None
                if got is None or problems:
                    return None
                hit = (line, got[1][0][0], got[1][0][1])
            elif hit[0] != line:
                _shift(hit[1], line - hit[0])
                hit = (line, hit[1], hit[2])
            if chunk in kept:
                return None
            kept[chunk] = hit
        self.kinds[(kind, display)] = (known[0], kept)
        return [r for _l, _i, r in kept.values()], [(item, r) for _l, item, r in kept.values()]


def _display(root: str, filename: str) -> str:
    return f"{root.rstrip('/')}/{filename}"


def _records(kind: str, loaded: Any, display: str, problems: list[Problem]
             ) -> tuple[list[BaseModel], list[tuple[Any, BaseModel | None]]] | None:
    """One file's records, and (item, record) pairs for the checks across records (record None: invalid);
    None when the file is not a list of records. Problems are added to `problems`."""
    model = KINDS[kind][1]
    if loaded is None:
        loaded = PosList()
        loaded.start, loaded.item_pos = Pos(display, 1, 1), []
    if not isinstance(loaded, PosList):
        start = getattr(loaded, "start", Pos(display, 1, 1))
        problems.append(Problem(display, start.line, start.col, "",
                                f"must be a list of {kind} records (each starting with '- id: ...')"))
        return None
    records: list[BaseModel] = []
    raw: list[tuple[Any, BaseModel | None]] = []
    for i, item in enumerate(loaded):
        start = loaded.item_pos[i]
        if not isinstance(item, PosDict):
            problems.append(Problem(display, start.line, start.col, "", "each record must be a mapping of fields"))
            continue
        try:
            record = model.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = tuple(err["loc"])
                if _wrong_branch(item, loc):
                    continue
                pos = _key_pos(item, loc, start) if err["type"] == "extra_forbidden" else _locate(item, loc, start)
                problems.append(Problem(display, pos.line, pos.col, _field_name(loc), _message(err, model)))
            raw.append((item, None))  # its id still counts, so references to it are not reported too
            continue
        records.append(record)
        raw.append((item, record))
    return records, raw


# --------------------------------------------------------------------------- across records

# Which kind each reference field points to.
_REFS: dict[str, dict[str, str]] = {
    "platforms": {"parent": "partners", "chain": "partners"},
    "collectibles": {"platform": "platforms", "series": "collectibles", "partner": "partners"},
    "partners": {"platform": "platforms", "related": "partners", "group": "partners"},
    "events": {"platform": "platforms", "partners": "partners", "collectibles": "collectibles"},
    "metrics": {"subject": "platforms|partners"},
    "statements": {"platform": "platforms", "speaker_partner": "partners"},
    "corrections": {"records": "platforms|collectibles|partners|events|metrics|statements"},
}


def _cross_checks(raw: dict[str, list[tuple[Any, BaseModel | None]]], unreadable: set[str]) -> list[Problem]:
    """Duplicate ids and dangling references (not into files that could not be read at all)."""
    problems: list[Problem] = []
    ids: dict[str, set[str]] = {}
    for kind, items in raw.items():
        seen: dict[str, Pos] = {}
        for item, record in items:
            rid = item.get("id")
            if not isinstance(rid, str):
                continue
            pos = item.value_pos["id"]
            if rid in seen:
                first = seen[rid]
                problems.append(Problem(pos.path, pos.line, pos.col, "id",
                                        f"duplicate id '{rid}' (first used at line {first.line})"))
            else:
                seen[rid] = pos
        ids[kind] = set(seen)

    def check_ref(value: Any, target: str, parent: Any, key: Any, loc: tuple) -> None:
        if not isinstance(value, str):
            return
        kinds = target.split("|")
        if any(value in ids.get(k, ()) for k in kinds) or any(k in unreadable for k in kinds):
            return
        # Where and which field only for a dangling reference: computing them for every value was most of the
        # cost of these checks at 10,000 records.
        pos = parent.value_pos[key] if isinstance(parent, PosDict) else parent.item_pos[key]
        field = _field_name(loc)
        pool = sorted(set().union(*(ids.get(k, set()) for k in kinds)))
        close = difflib.get_close_matches(value, pool, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        where = " or ".join(KINDS[k][0] for k in kinds)
        problems.append(Problem(pos.path, pos.line, pos.col, field, f"'{value}' is not an id in {where}{hint}"))

    for kind, items in raw.items():
        refs = _REFS.get(kind, {})
        for item, record in items:
            if isinstance(item, _CONTAINERS):
                _references(item, (), "", refs, check_ref)
            if record is not None:
                problems.extend(_coverage(kind, item, record))
    return problems


_CONTAINERS = (PosDict, PosList)


def _references(node: Any, loc: tuple, name: Any, refs: dict[str, str], found: Any) -> None:
    """found(value, target kinds, container, key, loc) for every reference among a record's values, at any
    depth. A value is named by its key, or in a list by the list's key; loc (the container's path) is
    extended only when a reference is found."""
    for key, value in node.items() if isinstance(node, PosDict) else enumerate(node):
        named = key if isinstance(key, str) else name
        if isinstance(value, _CONTAINERS):
            # Items of a list in a list are named by an index, which is no field: no name for them.
            _references(value, loc + (key,), None if isinstance(node, PosList) and isinstance(value, PosList)
                        else named, refs, found)
        elif isinstance(value, str):
            if named == "source":
                found(value, "sources", node, key, loc + (key,))
            elif named in refs:
                found(value, refs[named], node, key, loc + (key,))


def _coverage(kind: str, item: PosDict, record: BaseModel) -> list[Problem]:
    """Every cited field name exists, and every fact field of a record is covered by a citation."""
    cites: list[Citation] = list(getattr(record, "cites", None) or [])
    if not cites:
        return []
    names = set(type(record).model_fields)
    problems = _check_field_names(item, cites, names)
    if any(cite.fields is None for cite in cites):
        return problems
    covered = {name for cite in cites for name in cite.fields}
    structural = {"id", "cites", "platform", "kind", "series", "description", "model", "related", "chart_label"}
    for field in type(record).model_fields:
        if field in structural or field in covered:
            continue
        value = getattr(record, field)
        if value is None or value == [] or _self_cited(value) or _is_empty_default(value):
            continue
        pos = item.value_pos.get(field, item.start)
        problems.append(Problem(pos.path, pos.line, pos.col, field,
                                "no citation supports this field (add it to a citation's fields, or "
                                "drop 'fields' from a citation that covers the whole record)"))
    return problems


def _is_empty_default(value: Any) -> bool:
    """A part left at its all-unknown default (e.g. transfer rules not disclosed) states no fact."""
    if not isinstance(value, BaseModel):
        return False
    try:
        return value == type(value)()
    except ValidationError:
        return False


def _self_cited(value: Any) -> bool:
    """Parts that carry their own citation (figures, mechanics, transfer rules)."""
    if isinstance(value, list):
        return bool(value) and all(_self_cited(v) for v in value)
    return hasattr(value, "cite") and getattr(value, "cite") is not None


def _check_field_names(item: PosDict, cites: list[Citation], names: set[str]) -> list[Problem]:
    problems = []
    for i, cite in enumerate(cites):
        for j, name in enumerate(cite.fields or []):
            if name not in names:
                pos = item["cites"][i]["fields"].item_pos[j]
                close = difflib.get_close_matches(name, sorted(names), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                problems.append(Problem(pos.path, pos.line, pos.col, f"cites[{i}].fields[{j}]",
                                        f"'{name}' is not a field of this record{hint}"))
    return problems
