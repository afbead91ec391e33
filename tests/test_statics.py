"""Static chart renderings: made by vl-convert in a process of its own, cached by spec, failures reported."""

from __future__ import annotations

import pytest

from generator.charts import statics

SPEC = {"data": {"values": [{"x": 1, "y": "甲"}, {"x": 3, "y": "乙"}]}, "mark": "point",
        "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "nominal"}},
        "title": "测试 test"}


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(statics, "CACHE", tmp_path / "charts")
    return tmp_path / "charts"


def test_renderings_come_from_a_process_of_their_own_then_from_the_cache(cache_dir):
    made = statics.StaticCharts({"a": SPEC})
    assert made.renderer is not None  # nothing cached yet: a renderer was started
    files = made.result()["a"]
    assert files[".svg"].startswith(b"<svg") and "甲".encode() in files[".svg"]
    assert sorted(files) == [".svg"]
    assert sorted(p.suffix for p in cache_dir.iterdir() if p.is_file()) == [".svg"]
    again = statics.StaticCharts({"b": SPEC})
    assert again.renderer is None and again.result()["b"] == files  # the same spec: from the cache


def test_a_kept_renderer_takes_batch_after_batch(cache_dir):
    renderer = statics.Renderer()
    try:
        first = statics.StaticCharts({"a": SPEC}, renderer)
        second = statics.StaticCharts({"b": dict(SPEC, title="另一张 another")}, renderer)
        assert second.result()["b"][".svg"] != first.result()["a"][".svg"]
        assert renderer.proc is not None and renderer.proc.poll() is None  # still there for the next build
    finally:
        renderer.close()


def test_a_spec_vega_cannot_render_is_an_error_that_names_the_cause(cache_dir):
    bad = {"data": {"values": [{"x": 1}]}, "mark": "no-such-mark", "encoding": {}}
    with pytest.raises(statics.StaticsError, match="static rendering of a chart failed"):
        statics.StaticCharts({"bad": bad}).result()
    assert not cache_dir.exists() or not any(cache_dir.iterdir())


def test_a_renderer_that_stopped_is_an_error_not_a_hang(cache_dir):
    renderer = statics.Renderer()
    renderer.prepare([SPEC], warm=True)
    renderer.proc.kill()
    renderer.proc.wait()
    batch = statics.StaticCharts({"a": SPEC}, renderer)  # started again: a dead process is replaced
    assert batch.result()["a"][".svg"].startswith(b"<svg")
    renderer.close()


def _chart(lang: str, title: str, names: tuple[str, ...] = ("京东 JD 灵稀", "天猫 Tmall", "小红书 R-SPACE"),
           field: str = "平台 platform") -> dict:
    """A small spec set in an edition's fonts, with text in a title, axis labels, a legend and marks."""
    from generator.charts.charts import FONTS

    values = [{field: name, "price": price} for name, price in zip(names, (9.9, 19.9, 0.0))]
    return {"data": {"values": values}, "mark": {"type": "bar", "tooltip": True}, "title": title,
            "encoding": {"y": {"field": field, "type": "nominal"},
                         "x": {"field": "price", "type": "quantitative", "format": ",.2f"},
                         "color": {"field": field, "type": "nominal"}},
            "config": {"font": FONTS[lang], "title": {"fontWeight": "bold"}}}


EN_NAMES = ("JD Lingxi", "Tmall", "Xiaohongshu R-SPACE")


def test_font_subsets_give_the_same_renderings_as_the_full_fonts(cache_dir):
    specs = {"zh": _chart("zh", "数字藏品价格 Prices"),
             "en": _chart("en", "Prices of digital collectibles", EN_NAMES, "Platform")}
    subset, full = statics.Renderer(), statics.Renderer(subset_fonts=False)
    try:
        with_subsets = subset.wait(subset.submit(specs))
        without = full.wait(full.submit(specs))
        assert subset.current.chars is not None and full.current.chars is None
    finally:
        subset.close()
        full.close()
    made = list((cache_dir / "fonts").glob("*/*/*.otf"))
    assert made and all(p.stat().st_size < 1_000_000 for p in made)  # subsets, not copies of the fonts
    for lang in specs:
        assert with_subsets[lang][".svg"] == without[lang][".svg"]


def test_a_character_the_first_font_lacks_comes_from_the_same_face_whatever_else_was_subset(cache_dir):
    """Chinese in an English chart is drawn from the next family listed, regular weight first, whether the
    process's subsets were made for this chart alone or for Chinese charts too: a rendering does not depend
    on which process made it (renderings are cached by spec)."""
    mixed = _chart("en", "Prices 价格", field="Platform 平台")
    alone, shared = statics.Renderer(), statics.Renderer()
    try:
        by_itself = alone.wait(alone.submit({"m": mixed}))
        shared.prepare([_chart("zh", "数字藏品 另一张图表"), _chart("en", "Another chart", EN_NAMES)])
        after_others = shared.wait(shared.submit({"m": mixed}))
    finally:
        alone.close()
        shared.close()
    assert by_itself["m"] == after_others["m"]


def test_a_spec_with_characters_the_subsets_lack_goes_to_a_new_process(cache_dir):
    renderer = statics.Renderer()
    try:
        first = renderer.wait(renderer.submit({"a": _chart("zh", "甲乙")}))
        old = renderer.proc
        same = renderer.wait(renderer.submit({"b": _chart("zh", "乙甲")}))
        assert renderer.proc is old  # covered: the same process
        other = renderer.wait(renderer.submit({"c": _chart("zh", "丙丁")}))
        assert renderer.proc is not old and old.wait(timeout=30) == 0  # the old one finished and ended
        assert "丙".encode() in other["c"][".svg"] and first["a"][".svg"] != same["b"][".svg"]
        assert {"甲", "丙"} <= renderer.current.chars  # the new subsets cover the old ones' characters too
    finally:
        renderer.close()


def test_the_vega_bundle_is_made_at_set_up_and_a_build_without_it_makes_the_same(cache_dir, tmp_path, monkeypatch,
                                                                                   capsys):
    from generator.outputs import assets as build
    from generator.cli import main

    monkeypatch.setattr(statics, "VENDOR", tmp_path / "venv-share")
    bundle = build._VegaBundle()
    assert bundle.job is not None  # neither made at set-up nor cached: a process makes it now
    made = bundle.result()
    assert made.startswith(b"/* vega") and b"if (!window.vegaEmbed) { (function(){\n" in made
    assert (cache_dir / statics.bundle_name()).read_bytes() == made  # kept for the next build
    assert main(["vendor"]) == 0  # as `make setup` runs it
    vendored = tmp_path / "venv-share" / statics.bundle_name()
    assert vendored.read_bytes() == made and str(vendored.name) in capsys.readouterr().out
    (cache_dir / statics.bundle_name()).unlink()
    again = build._VegaBundle()
    assert again.job is None and again.path == vendored and again.result() == made
    assert main(["vendor", "--into", str(tmp_path / "venv-share")]) == 0  # there already: left alone
    assert vendored.read_bytes() == made


