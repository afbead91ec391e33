"""The JSON Schema and the data dictionary in data/ are exported from the models and kept in step."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from generator.model.records import KINDS
from generator.model.schema import refresh_readme, schemas

DATA = Path(__file__).resolve().parent.parent / "data"


def test_schema_files_are_current():
    for name, text in schemas().items():
        path = DATA / "schema" / name
        assert path.exists(), f"{path} missing: run `make schema`"
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run `make schema`"


def test_data_files_reference_their_schema_and_satisfy_it():
    for kind, (filename, _model, _doc) in KINDS.items():
        text = (DATA / filename).read_text(encoding="utf-8")
        assert text.startswith(f"# yaml-language-server: $schema=schema/{kind}.schema.json\n"), filename
        schema = json.loads((DATA / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
        jsonschema.validate(yaml.safe_load(text), schema)


def test_schema_refuses_unknown_keys():
    schema = json.loads((DATA / "schema" / "collectibles.schema.json").read_text(encoding="utf-8"))
    record = yaml.safe_load((DATA / "collectibles.yaml").read_text(encoding="utf-8"))[0]
    record["colour"] = "red"
    try:
        jsonschema.validate([record], schema)
    except jsonschema.ValidationError as exc:
        assert "colour" in exc.message
    else:
        raise AssertionError("the exported schema must refuse unknown keys")


def test_data_readme_dictionary_is_current():
    text = (DATA / "README.md").read_text(encoding="utf-8")
    assert refresh_readme(text) == text, "data/README.md's dictionary is stale: run `make schema`"
    for kind, (filename, model, _doc) in KINDS.items():
        assert f"### data/{filename}" in text
        for field in model.model_fields:
            assert f"| `{field}` |" in text, f"{filename}: {field} is not documented"
