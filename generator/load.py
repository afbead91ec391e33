"""Read YAML files keeping the line and column of every key and value; no meaning yet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Pos:
    """A 1-based line and column in a file."""

    path: str
    line: int
    col: int


class PosDict(dict):
    """A mapping that remembers where each key and each value stand."""

    start: Pos
    key_pos: dict[str, Pos]
    value_pos: dict[str, Pos]


class PosList(list):
    """A sequence that remembers where each item stands."""

    start: Pos
    item_pos: list[Pos]


def _pos(path: str, mark: yaml.Mark) -> Pos:
    return Pos(path, mark.line + 1, mark.column + 1)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps positions and leaves dates as strings."""

    path = "<string>"


# Dates stay text: the model parses them with their precision.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> PosDict:
    loader.flatten_mapping(node)
    out = PosDict()
    out.start = _pos(loader.path, node.start_mark)
    out.key_pos, out.value_pos = {}, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain scalar", key_node.start_mark)
        key = str(key)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_pos[key] = _pos(loader.path, key_node.start_mark)
        out.value_pos[key] = _pos(loader.path, value_node.start_mark)
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> PosList:
    out = PosList(loader.construct_object(child, deep=True) for child in node.value)
    out.start = _pos(loader.path, node.start_mark)
    out.item_pos = [_pos(loader.path, child.start_mark) for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class LoadError(Exception):
    """A file that cannot be read as YAML, with where and why."""

    def __init__(self, pos: Pos, message: str):
        super().__init__(f"{pos.path}:{pos.line}:{pos.col}: {message}")
        self.pos = pos
        self.message = message


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Parse one YAML file into PosDict/PosList values; raise LoadError on bad YAML."""
    display = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LoadError(Pos(display, 1, 1), "file not found") from None
    except UnicodeDecodeError as exc:
        raise LoadError(Pos(display, 1, 1), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return load_yaml_text(text, display)


def _reader_error(text: str, display: str, exc: yaml.reader.ReaderError):
    """A character YAML does not accept (control characters): say where it is."""
    at = max(0, min(exc.position, len(text)))
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    raise LoadError(Pos(display, line, col), f"YAML: character U+{exc.character:04X} is not allowed") from None


def load_yaml_text(text: str, display: str) -> Any:
    """Parse YAML text into PosDict/PosList values; raise LoadError on bad YAML."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        return _reader_error(text, display, exc)
    loader.path = display
    try:
        return loader.get_single_data()
    except yaml.reader.ReaderError as exc:
        return _reader_error(text, display, exc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = _pos(display, mark) if mark else Pos(display, 1, 1)
        problem = exc.problem or exc.context or "malformed YAML"
        raise LoadError(pos, f"YAML: {problem}") from None
    except yaml.YAMLError as exc:  # pragma: no cover - other parser errors carry no mark
        raise LoadError(Pos(display, 1, 1), f"YAML: {exc}") from None
    finally:
        loader.dispose()
