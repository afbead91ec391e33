"""Property-based: whatever a record is mutated into, the loader validates it or reports it; it never crashes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.model.validate import DataError, load_dataset

ROOT = Path(__file__).resolve().parent.parent
FILES = ["sources.yaml", "platforms.yaml", "collectibles.yaml", "partners.yaml", "events.yaml",
         "metrics.yaml", "statements.yaml"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["unlimited", "2021-02-30", "2021-12", "javascript:alert(1)", "https://example.org/",
                     "jd-lingxi", "leibao-2022-06-03", "about", "CNY", "-5", "[x](javascript:1)"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=8)


def _paths(node, prefix=()):
    """Every path to a value inside a plain YAML structure."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


def _set(node, path, value):
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """One copy of data/; each example rewrites one file and the fixture restores it."""
    target = tmp_path_factory.mktemp("prop") / "data"
    shutil.copytree(ROOT / "data", target)
    return target


@pytest.fixture(autouse=True)
def _restore(data):
    yield
    for name in FILES:
        shutil.copyfile(ROOT / "data" / name, data / name)


def _check(data):
    try:
        load_dataset(data, "data")
    except DataError as exc:
        assert exc.problems, "a DataError always lists its problems"
        for problem in exc.problems:
            assert str(problem).startswith("data/"), str(problem)
            assert problem.line >= 1 and problem.col >= 1
    finally:
        for name in FILES:
            shutil.copyfile(ROOT / "data" / name, data / name)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(file=st.sampled_from(FILES), choice=st.integers(min_value=0, max_value=10**6), value=values,
       drop=st.booleans())
def test_mutated_records_are_validated_or_reported(data, file, choice, value, drop):
    records = yaml.safe_load((ROOT / "data" / file).read_text(encoding="utf-8"))
    paths = [p for p in _paths(records) if p]
    path = paths[choice % len(paths)]
    if drop and isinstance(path[-1], str):
        parent = records
        for part in path[:-1]:
            parent = parent[part]
        del parent[path[-1]]
    else:
        _set(records, path, value)
    (data / file).write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _check(data)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(file=st.sampled_from(FILES), text=st.text(max_size=200))
def test_arbitrary_file_text_never_crashes(data, file, text):
    (data / file).write_text(text, encoding="utf-8")
    _check(data)
