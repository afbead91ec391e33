"""Static chart renderings: made by vl-convert in a process of its own, cached by spec, failures reported."""

from __future__ import annotations

import pytest

from generator import statics

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
    assert files[".png"].startswith(b"\x89PNG\r\n\x1a\n")
    assert sorted(p.suffix for p in cache_dir.iterdir()) == [".png", ".svg"]
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
    renderer.warm()
    renderer.proc.kill()
    renderer.proc.wait()
    batch = statics.StaticCharts({"a": SPEC}, renderer)  # started again: a dead process is replaced
    assert batch.result()["a"][".svg"].startswith(b"<svg")
    renderer.close()
