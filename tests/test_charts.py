"""Charts earn their place: three marks or more, short row labels, log axes only for wide spans, honest captions."""

from __future__ import annotations

import json
import re

import pytest

from generator import charts as ch
from generator.model import LABEL_LIMITS

EDITIONS = {"zh": "assets/generated/charts/", "en": "en/assets/generated/charts/"}


def _specs(generated, lang):
    prefix = EDITIONS[lang]
    return {k[len(prefix):-len(".vl.json")]: json.loads(generated[k]) for k in generated
            if k.startswith(prefix) and k.endswith(".vl.json")}


def _encodings(spec):
    for node in [spec] + spec.get("layer", []):
        if "encoding" in node:
            yield node["encoding"]


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_chart_draws_three_marks_or_more(generated, lang):
    specs = _specs(generated, lang)
    assert specs
    for cid, spec in specs.items():
        assert len(spec["data"]["values"]) >= ch.MIN_MARKS, f"{lang} {cid}: say one or two figures in a sentence"


@pytest.mark.parametrize("lang", EDITIONS)
def test_row_and_axis_labels_are_short(generated, lang):
    """A nominal axis shows short names; the long wording is in the tooltip and the data table."""
    for cid, spec in _specs(generated, lang).items():
        rows = spec["data"]["values"]
        for enc in _encodings(spec):
            for channel in ("x", "y"):
                e = enc.get(channel)
                if e and e.get("type") == "nominal":
                    long = [r[e["field"]] for r in rows if len(r[e["field"]]) > LABEL_LIMITS[lang]]
                    assert not long, f"{lang} {cid}: labels longer than {LABEL_LIMITS[lang]} characters: {long}"


@pytest.mark.parametrize("lang", EDITIONS)
def test_a_log_axis_only_when_the_values_span_more_than_two_powers_of_ten(generated, lang):
    seen = set()
    for cid, spec in _specs(generated, lang).items():
        rows = spec["data"]["values"]
        for enc in _encodings(spec):
            x = enc.get("x") or {}
            if x.get("type") != "quantitative" or "low" not in rows[0]:
                continue
            span = max(r["high"] for r in rows) / min(r["low"] for r in rows)
            is_log = (x.get("scale") or {}).get("type") == "log"
            assert is_log == (span > ch.LOG_SPAN), f"{lang} {cid}: span {span:.0f}, log axis {is_log}"
            seen.add(is_log)
    assert seen == {True}, "the shipped data's range charts both span more than a hundredfold"


def test_captions_describe_the_marks_drawn(generated):
    """A caption speaks of lines (ranges) only on a chart that draws rules, and of a log axis only on a log one."""
    page = generated["comparisons/index.md"].decode()
    for cid, spec in _specs(generated, "zh").items():
        desc = re.search(rf'id="fig-{cid}-desc" class="bf-chart-desc">([^<]*)<', page).group(1)
        marks = {layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
                 for layer in spec.get("layer", [spec])}
        assert ("线段" in desc) == ("rule" in marks), f"{cid}: {desc}"
        assert ("对数" in desc) == any((e.get("x") or {}).get("scale", {}).get("type") == "log"
                                        for e in _encodings(spec)), f"{cid}: {desc}"
        assert "堆叠" not in desc


def test_the_same_fact_is_not_plotted_twice(generated):
    """Platform pages draw no charts of their own: their figures are rows of the comparison charts."""
    pages = [k for k in generated if k.startswith(("platforms/", "en/platforms/")) and k.count("/") >= 2]
    assert pages
    assert not [k for k in pages if b'class="bf-chart"' in generated[k]]
    assert b"comparisons/index.md#fig-edition" in generated["platforms/jd-lingxi/index.md"]


def test_partner_counts_never_share_a_bar_with_claimed_counts(generated):
    """The partners chart counts named partners; Tmall's claimed brand count (about 100) is not a bar."""
    rows = _specs(generated, "zh")["partners"]["data"]["values"]
    assert all(r["count"] == len(r["names"].split("、")) for r in rows)


def test_a_chart_label_longer_than_the_limit_is_a_data_error(tmp_path):
    import shutil
    from pathlib import Path

    from generator.validate import load_dataset

    root = Path(__file__).resolve().parents[1]
    shutil.copytree(root / "data", tmp_path / "data")
    path = tmp_path / "data" / "platforms.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('en: "Limit in some campaigns"', 'en: "' + "x" * 29 + '"', 1), encoding="utf-8")
    from generator.validate import DataError

    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "data")
    assert str(info.value).endswith(f"platforms.yaml:102:43: figures[4].chart_label.en: is too long (at most 28), got '{'x' * 29}'")
