"""The generator end to end: strict site build, escaping, the hand-written-page guard, determinism, chart specs."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import jsonschema
import pytest

from conftest import build_into
from generator.pages.build import generate
from generator.pages.render import MARKER
from generator.model.validate import load_dataset
from generator.outputs.write import ClashError, write_all

ROOT = Path(__file__).resolve().parent.parent
ALTAIR_SCHEMA = Path(__import__("altair").__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json"


# --------------------------------------------------------------------------- the strict build

def test_strict_build_has_every_page(built, dataset):
    site = built.site
    assert (site / "index.html").exists()
    for kind in ("platforms", "collectibles", "partners"):
        for r in getattr(dataset, kind):
            assert (site / kind / r.id / "index.html").exists(), f"{kind}/{r.id}"
    for section in ("timeline", "comparisons", "methodology", "about"):
        assert (site / section / "index.html").exists(), section


def test_generated_pages_start_with_the_marker(generated):
    pages = [k for k in generated if k.endswith(".md")]
    assert pages
    for k in pages:
        lines = generated[k].decode("utf-8").split("\n")
        end = lines.index("---", 1)  # front matter: the title, then share and citation fields (one line each)
        assert lines[0] == "---" and lines[1].startswith("title: ") and end <= 6, k
        assert all(re.match(r"(description|share_image|citation): ", line) for line in lines[2:end]), k
        assert lines[end + 1] == MARKER and lines[end + 2].startswith("# "), k


def test_page_titles_come_from_the_h1(built):
    page = (built.site / "platforms" / "xiaohongshu-r-space" / "index.html").read_text(encoding="utf-8")
    assert "<title>小红书 · STEP INTO R-SPACE - " in page


def test_every_citation_is_shown_on_some_page(generated, dataset):
    """Every cited fact of the dataset reaches a page with its quote (the citation list or a mark's title)."""
    from test_dataset import all_citations

    text = "\n".join(v.decode("utf-8") for k, v in generated.items() if k.endswith(".md") and not k.startswith("en/"))
    text = html.unescape(text)
    missing = [c.quote for c in all_citations(dataset) if c.quote not in text]
    assert not missing, f"{len(missing)} citations appear on no page, e.g. {missing[:3]}"


def test_unknowns_show_as_not_disclosed(built):
    page = (built.site / "platforms" / "tmall-digital-collectibles" / "index.html").read_text(encoding="utf-8")
    # Tmall's launch date and transfer rules are not in the source.
    assert re.search(r"上线时间</td>\s*<td><span class=\"bf-claim\" data-claim=\"launch:tmall-digital-collectibles\" "
                     r"data-state=\"nd\"><span class=\"bf-nd\">未披露</span>", page)


def test_numbers_come_with_citations(built):
    page = (built.site / "collectibles" / "joy-doga" / "index.html").read_text(encoding="utf-8")
    n = re.search(r'9\.9 元<sup><a class="bf-cite" href="#cite-(\d+)"', page).group(1)
    assert re.search(rf'<li id="cite-{n}">.*第 13 段', page)


# --------------------------------------------------------------------------- determinism

def test_two_generations_are_byte_identical(dataset, generated):
    again = generate(load_dataset(ROOT / "data"))
    assert again.keys() == generated.keys()
    different = [k for k in generated if generated[k] != again[k]]
    assert not different, different[:5]


def test_writer_skips_unchanged_files(tmp_path, generated):
    first = write_all(tmp_path, generated)
    assert len(first.written) == len(generated)
    second = write_all(tmp_path, generated)
    assert second.written == [] and second.unchanged == len(generated)



# --------------------------------------------------------------------------- hand-written pages

def test_hand_written_page_is_never_overwritten(tmp_path, generated):
    (tmp_path / "timeline").mkdir()
    mine = tmp_path / "timeline" / "index.md"
    mine.write_text("# 我的时间线\n", encoding="utf-8")
    with pytest.raises(ClashError) as info:
        write_all(tmp_path, generated)
    assert info.value.args[0] == ["timeline/index.md"]
    assert mine.read_text(encoding="utf-8") == "# 我的时间线\n"
    assert not (tmp_path / "index.md").exists(), "nothing is written when a clash is found"


def test_clash_is_a_clear_cli_error(tmp_path):
    out = tmp_path / "content"
    (out / "partners").mkdir(parents=True)
    (out / "partners" / "index.md").write_text("手写\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "generator", "build", "--out", str(out), "--no-static"],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 1
    assert "partners/index.md: a hand-written file is in the way of a generated one" in r.stderr
    assert "Traceback" not in r.stderr
    assert (out / "partners" / "index.md").read_text(encoding="utf-8") == "手写\n"


def test_stale_generated_files_are_removed_but_not_hand_written_ones(tmp_path, generated):
    write_all(tmp_path, generated)
    mine = tmp_path / "collectibles" / "notes.md"
    mine.write_text("手写笔记\n", encoding="utf-8")
    fewer = {k: v for k, v in generated.items() if k != "collectibles/joy-doga/index.md"}
    report = write_all(tmp_path, fewer)
    assert report.removed == ["collectibles/joy-doga/index.md"]
    assert mine.exists()


# --------------------------------------------------------------------------- escaping

EVIL = {
    "script": "<script>alert(1)</script>",
    "link": "[x](javascript:alert(1))",
    "jinja": "{{ 7*7 }}",
    "pipe": "左|右",
}


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory):
    """The shipped data with hostile names and text, built strictly."""
    tmp = tmp_path_factory.mktemp("evil")
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data)
    text = (data / "collectibles.yaml").read_text(encoding="utf-8")
    text = text.replace('name: {zh: "JOY&DOGA系列"', f'name: {{zh: {json.dumps(EVIL["script"] + EVIL["pipe"])}', 1)
    text = text.replace('zh: "京东青绿纪念币的首发藏品，', f'zh: {json.dumps(EVIL["link"] + " " + EVIL["jinja"] + "。")[:-1]}', 1)
    (data / "collectibles.yaml").write_text(text, encoding="utf-8")
    partners = (data / "partners.yaml").read_text(encoding="utf-8")
    partners = partners.replace('name: {zh: "猪小屁"', f'name: {{zh: {json.dumps(EVIL["link"])}', 1)
    (data / "partners.yaml").write_text(partners, encoding="utf-8")
    load_dataset(data)  # still valid data
    return build_into(tmp, data=data, static=False)


@lru_cache(maxsize=None)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_escaping_script_shows_literally(evil_site):
    page = _read(evil_site.site / "collectibles" / "joy-doga" / "index.html")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_escaping_markdown_link_stays_text(evil_site):
    for path in (evil_site.site / "collectibles" / "joy-doga" / "index.html",
                 evil_site.site / "partners" / "zhu-xiaopi" / "index.html",
                 evil_site.site / "partners" / "index.html"):
        page = _read(path)
        assert 'href="javascript:' not in page, path
        assert "[x](javascript:alert(1))" in html.unescape(re.sub(r"<[^>]+>", "", page)), path


def test_escaping_template_syntax_is_not_evaluated(evil_site):
    page = html.unescape(_read(evil_site.site / "collectibles" / "joy-doga" / "index.html"))
    assert "{{ 7*7 }}" in page and "49" not in re.sub(r"<[^>]+>", "", page).split("{{ 7*7 }}")[0][-5:]


def test_escaping_pipe_keeps_table_cells(evil_site):
    page = _read(evil_site.site / "platforms" / "jd-lingxi" / "index.html")
    # The name with a | stays inside one table cell of the collectibles table.
    row = re.search(r"<tr>\s*<td><a[^>]*>&lt;script&gt;.*?</tr>", page, re.S)
    assert row, "the collectible's row is in the platform's table"
    assert "左|右" in html.unescape(row.group(0))
    assert row.group(0).count("<td") == 5


def test_escaping_in_chart_specs_and_catalogue_json(evil_site):
    spec = json.loads(_read(evil_site.content / "assets" / "generated" / "charts" / "price.vl.json"))
    values = json.dumps(spec, ensure_ascii=False)
    assert EVIL["script"] in values, "the name reaches the chart data as plain text (Vega renders it as text)"
    cat = json.loads(_read(evil_site.content / "assets" / "generated" / "data" / "catalogue.json"))
    assert any(EVIL["script"] in row[1] for row in cat["rows"])


def test_joy_doga_name_escapes_in_page_source(evil_site):
    md = _read(evil_site.content / "collectibles" / "joy-doga" / "index.md")
    assert "\\[x\\]\\(javascript" in md


# --------------------------------------------------------------------------- charts

@pytest.fixture(scope="module")
def vl_schema():
    return json.loads(ALTAIR_SCHEMA.read_text(encoding="utf-8"))


def test_every_chart_spec_is_valid_vega_lite(generated, vl_schema):
    specs = {k: json.loads(v) for k, v in generated.items() if k.endswith(".vl.json")}
    from generator.charts.charts import SITE_CHARTS

    assert len(specs) == len(SITE_CHARTS) * 2  # the comparison charts, in both editions
    validator = jsonschema.Draft7Validator(vl_schema)
    for name, spec in specs.items():
        errors = sorted(validator.iter_errors(spec), key=lambda e: e.path)
        assert not errors, f"{name}: {errors[0].message}"


def _broken(spec: dict) -> list[dict]:
    """Specs that are not Vega-Lite, each wrong in one way."""
    layer = json.loads(json.dumps(spec))
    layer.setdefault("layer", [{}])[0]["mark"] = {"type": "no-such-mark"}
    return [dict(spec, mark={"type": "no-such-mark"}), dict(spec, width="wide"), dict(spec, no_such_property=1),
            dict(spec, encoding={"x": {"field": "a", "type": "quantitativ"}}), dict(spec, data={"values": 5}),
            dict(spec, title={"text": "t", "fontSize": "big"}), layer]


def test_the_build_s_vega_lite_check_agrees_with_the_reference_validator(generated, vl_schema):
    """The build checks specs with jsonschema-rs (generator/charts/files.py); the reference validator, jsonschema,
    gives the same verdict on every spec of the build and on broken ones."""
    from generator.charts.files import _vega_lite_validator

    fast, reference = _vega_lite_validator(), jsonschema.Draft7Validator(vl_schema)
    specs = [json.loads(v) for k, v in sorted(generated.items()) if k.endswith(".vl.json")]
    for spec in specs + [bad for spec in specs[:3] for bad in _broken(spec)]:
        assert fast.is_valid(spec) == reference.is_valid(spec), json.dumps(spec)[:200]
    assert not any(fast.is_valid(bad) for bad in _broken(specs[0]))


def test_a_chart_that_is_not_vega_lite_stops_the_build_with_altair_s_explanation():
    import altair as alt

    from generator.charts import charts as ch
    from generator.charts.files import _chart_data_files

    bad = alt.Chart(alt.Data(values=[{"a": 1}])).mark_point().encode(x="a:Q")
    bad.width = "wide"  # Altair checks properties() at once; an attribute only when the spec is validated
    chart = ch.Chart("bad", "t", "", "", bad, [("a", "a")], [{"a": 1}], ())
    with pytest.raises(alt.utils.schemapi.SchemaValidationError, match="wide"):
        _chart_data_files(chart)


def test_every_chart_has_static_svg_and_csv(generated):
    """The spec, the static SVG and the data as CSV; no PNG file (the browser draws it from the SVG)."""
    bases = [k[: -len(".vl.json")] for k in generated if k.endswith(".vl.json")]
    assert bases
    for base in bases:
        assert generated[base + ".svg"].startswith(b"<svg"), base
        assert generated[base + ".csv"].decode("utf-8-sig").count("\n") >= 2, base
    assert not [k for k in generated if k.endswith(".png") and "/share/" not in k]  # share images are PNG


def test_png_links_are_hidden_without_javascript_and_point_at_the_svg(generated):
    """A figure's PNG link is in a span hidden until briefing.js shows it; its href is the SVG (what a failed
    drawing opens) and data-png the file name of the PNG the browser makes."""
    pages = [k for k in generated if k.endswith(".md") and b'class="bf-chart"' in generated[k]]
    assert pages
    for name in pages:
        text = generated[name].decode("utf-8")
        links = re.findall(r'<span class="bf-png" hidden> · <a href="([^"]+)\.svg" data-png="([^"]+)\.png">PNG</a></span>',
                           text)
        assert len(links) == text.count('class="bf-chart"'), name
        assert all(base.endswith("/charts/" + chart_id) for base, chart_id in links), name


def test_chart_source_lines_are_derived_from_data(generated):
    spec = json.loads(generated["assets/generated/charts/edition.vl.json"])
    subtitle = spec["title"]["subtitle"]
    assert any("雷报Pro" in line and "2022 年 6 月 3 日" in line for line in subtitle)
