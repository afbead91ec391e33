"""A chart's files: its Vega-Lite spec (checked against the schema) and its data as CSV."""

from __future__ import annotations

import csv
import functools
import io
import json
from typing import Any

from generator.charts import charts as ch
from generator.errors import BuildError


@functools.cache
def _vega_lite_validator() -> Any:
    """The Vega-Lite schema Altair builds against, compiled once per process by jsonschema-rs.

    Altair's own validation (jsonschema, in Python) took about 30 ms a spec, 0.7 s an edition at 10,000
    collectibles; this takes a few microseconds. The schema's $refs name definitions such as
    `MarkPropDef<(Gradient|string|null)>`, which are not URI references: they are percent-encoded (a JSON
    pointer in a fragment is decoded before it is followed, so they lead to the same definitions).
    """
    import urllib.parse

    import jsonschema_rs
    from altair.vegalite.v6.schema import load_schema

    prefix = "#/definitions/"

    def encoded(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: prefix + urllib.parse.quote(v[len(prefix):], safe="")
                    if k == "$ref" and isinstance(v, str) and v.startswith(prefix) else encoded(v)
                    for k, v in node.items()}
        if isinstance(node, list):
            return [encoded(v) for v in node]
        return node

    return jsonschema_rs.Draft7Validator(encoded(load_schema()), validate_formats=False)


def _check_spec(chart: ch.Chart, spec: dict) -> None:
    """Raise unless the spec is valid Vega-Lite: Altair's own message says what is wrong."""
    validator = _vega_lite_validator()
    if validator.is_valid(spec):
        return
    chart.chart.to_dict(validate=True)  # raises altair's SchemaValidationError with its explanation
    problem = next(iter(validator.iter_errors(spec)), None)  # Altair found nothing: say what jsonschema-rs did
    raise BuildError(f"chart {chart.id}: its Vega-Lite spec is not valid: {problem}")


def _chart_data_files(chart: ch.Chart) -> tuple[dict[str, bytes], dict]:
    """The spec (JSON) and data (CSV) of one chart, and the spec as a dict."""
    spec = chart.chart.to_dict(validate=False)
    _check_spec(chart, spec)
    spec_json = json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    out = {".vl.json": spec_json.encode("utf-8")}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([header for _, header in chart.columns])
    for row in chart.rows:
        writer.writerow([row[key] for key, _ in chart.columns])
    out[".csv"] = ("\ufeff" + buf.getvalue()).encode("utf-8")
    return out, spec
