"""Read YAML files keeping the line and column of every key and value; no meaning yet."""

from __future__ import annotations

import contextlib
import gc
from pathlib import Path
from typing import Any, Iterator, NamedTuple

import yaml


class Pos(NamedTuple):
    """A 1-based line and column in a file (a named tuple: a dataset holds hundreds of thousands)."""

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


# --------------------------------------------------------------------------- the fast path
# libyaml (PyYAML's C parser) composes the node tree many times faster than the pure-Python parser, with the
# same line and column marks. A well-formed file takes that path and a direct walk over its nodes; anything
# unusual (a parse error, aliases, merge keys, tags, duplicate or complex keys, characters YAML refuses) goes
# to the pure-Python loader above, so errors keep its exact wording and every result stays the same.

_CLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):
    class _CLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """CSafeLoader with the same resolvers (dates stay text)."""

        path = "<string>"

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

_STR_TAG = "tag:yaml.org,2002:str"


def _quick_resolvers(loader: type) -> None:
    """Give a loader without path resolvers (the safe loaders) PyYAML's tag resolution in fewer steps.

    libyaml calls back into Python to resolve every node's tag, half a million times for 10,000 collectibles:
    a fifth of composing them. The answer is the same as BaseResolver.resolve's: the implicit resolvers for
    a plain scalar's first character, then the wildcard ones, in PyYAML's order; with no path resolvers,
    descending into and out of a node does nothing, so those calls are dropped too.
    """
    table = loader.yaml_implicit_resolvers
    wildcard = tuple(table.get(None, ()))
    by_first = {first: tuple(resolvers) + wildcard for first, resolvers in table.items() if first is not None}
    scalar, sequence = yaml.ScalarNode, yaml.SequenceNode
    str_tag, seq_tag, map_tag = loader.DEFAULT_SCALAR_TAG, loader.DEFAULT_SEQUENCE_TAG, loader.DEFAULT_MAPPING_TAG

    plain: dict[str, str] = {}  # a plain scalar's tag, by its text (keys repeat on every record)

    def resolve(self: Any, kind: type, value: Any, implicit: tuple) -> str:
        if kind is scalar:
            if implicit[0]:
                tag = plain.get(value)
                if tag is None:
                    tag = str_tag
                    for candidate, regexp in by_first.get(value[:1], wildcard):
                        if regexp.match(value):
                            tag = candidate
                            break
                    if len(plain) < 100_000:
                        plain[value] = tag
                return tag
            return str_tag
        return seq_tag if kind is sequence else map_tag

    def no_path(self: Any, *args: Any) -> None:
        return None

    loader.resolve = resolve
    loader.descend_resolver = no_path
    loader.ascend_resolver = no_path


if _CLoader is not None and not _CLoader.yaml_path_resolvers:
    _quick_resolvers(_CLoader)

_MAP_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_SEQ_TAG = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE


class _Unusual(Exception):
    """The file needs the pure-Python loader."""


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic objects.

    Loading allocates a node and several Pos tuples per value; with the collector on, its repeated scans of
    every live object made a 10,000-record file take five times longer than ten 1,000-record files.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _walk_nodes(loader: Any, root: yaml.Node, path: str) -> Any:
    """Build PosDict/PosList values from a composed node tree, as _construct_mapping/_sequence do."""
    seen: set[int] = set()
    scalar, mapping, sequence = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
    new = tuple.__new__  # Pos(...) without the named tuple's Python-level __new__: a million of them

    def at(mark: yaml.Mark) -> Pos:
        return new(Pos, (path, mark.line + 1, mark.column + 1))

    def build(node: yaml.Node) -> Any:
        cls = node.__class__
        if cls is scalar:
            if node.tag == _STR_TAG:
                return node.value
            return loader.construct_object(node, deep=True)  # numbers, booleans, null
        if id(node) in seen:  # an alias: the Python loader handles sharing and recursion
            raise _Unusual
        seen.add(id(node))
        if cls is mapping and node.tag == _MAP_TAG:
            out = PosDict()
            out.start = at(node.start_mark)
            key_pos: dict[str, Pos] = {}
            value_pos: dict[str, Pos] = {}
            out.key_pos, out.value_pos = key_pos, value_pos
            for key_node, value_node in node.value:
                if key_node.__class__ is not scalar:
                    raise _Unusual
                if key_node.tag == _STR_TAG:
                    key = key_node.value
                else:
                    key = loader.construct_object(key_node, deep=True)
                    if key is None or not isinstance(key, (str, int, float, bool)):
                        raise _Unusual  # merge keys, odd keys: the Python loader reports them
                    key = str(key)
                if key in out:
                    raise _Unusual
                out[key] = build(value_node)
                km, vm = key_node.start_mark, value_node.start_mark
                key_pos[key] = new(Pos, (path, km.line + 1, km.column + 1))
                value_pos[key] = new(Pos, (path, vm.line + 1, vm.column + 1))
            return out
        if cls is sequence and node.tag == _SEQ_TAG:
            out_list = PosList(build(child) for child in node.value)
            out_list.start = at(node.start_mark)
            out_list.item_pos = [at(c.start_mark) for c in node.value]
            return out_list
        raise _Unusual

    return build(root)


def _load_fast(text: str, display: str) -> Any:
    """Parse with libyaml; raise _Unusual when the pure-Python loader must decide."""
    if _CLoader is None or _NON_PRINTABLE.search(text):
        raise _Unusual
    loader = _CLoader(text)
    loader.path = display
    try:
        with gc_paused():
            node = loader.get_single_node()
            return None if node is None else _walk_nodes(loader, node, display)
    except yaml.YAMLError:
        raise _Unusual from None
    finally:
        loader.dispose()


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
    with contextlib.suppress(_Unusual):
        return _load_fast(text, display)
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
