"""The build refuses a site that contradicts itself or the data (generator/outputs/claims.py): one test per check,
each with a dataset or a page set that trips it, and the findings follow the data when it changes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from generator.analysis import figures as an
from generator.outputs import claims
from generator.pages.build import generate
from generator.errors import BuildError
from generator.model.records import Money


def _page(*parts: str) -> bytes:
    return "\n".join(parts).encode("utf-8")


ND = '<span class="bf-claim" data-claim="{key}" data-state="nd"><span class="bf-nd">未披露</span></span>'
CITE = '<sup><a class="bf-cite" href="#cite-1" title="q">[1]</a></sup>'


def _with_price(ds, collectible_id: str, value: str):
    """The dataset with one collectible given a price (and a citation for it)."""
    out = []
    for c in ds.collectibles:
        if c.id == collectible_id:
            cite = c.cites[0].model_copy(update={"fields": None})
            c = c.model_copy(update={"price": Money(value=Decimal(value)), "cites": [cite]})
        out.append(c)
    return ds.model_copy(update={"collectibles": out})


def test_not_disclosed_for_something_the_data_has(dataset):
    pages = {"index.md": _page("JD: " + ND.format(key="price:jd-lingxi"))}
    problems = claims.check_pages(dataset, pages)
    assert [str(p) for p in problems] == [
        "index.md: price:jd-lingxi: shown as 未披露 (not disclosed), but the data has 1 stated value(s): joy-doga"]


def test_pages_of_old_data_are_refused_for_new_data(dataset, generated):
    """Tmall's prices are 未披露 on the shipped site; give one of its collectibles a price and they contradict it."""
    priced = _with_price(dataset, "tmall-618-2022-brand-collectibles", "19.9")
    problems = claims.check_pages(priced, generated)
    pages = {p.page for p in problems if p.claim == "price:tmall-digital-collectibles"}
    assert {"index.md", "en/index.md"} <= pages
    assert claims.check_pages(dataset, generated) == []


def test_a_count_that_differs_between_pages(dataset):
    count = '<span class="bf-count" data-count="partners:jd-lingxi" data-value="{n}">{n}</span>'
    right = an.partner_counts(dataset)["jd-lingxi"].value
    pages = {"a.md": _page(count.format(n=right)), "b.md": _page(count.format(n=right + 3))}
    problems = [str(p) for p in claims.check_pages(dataset, pages)]
    assert f"b.md: partners:jd-lingxi: says {right + 3}, but the data gives {right}" in problems
    assert f"b.md: partners:jd-lingxi: says {right + 3}, but a.md says {right}" in problems


def test_a_chart_title_naming_a_platform_it_does_not_draw(dataset):
    spec = {"title": {"text": "天猫：已披露的藏品价格", "subtitle": ["人民币", "来源：…"]}}
    files = {"assets/generated/charts/price-x.vl.json": json.dumps(spec, ensure_ascii=False).encode(),
             "assets/generated/charts/price-x.csv": "\ufeff平台,项目,价格\n京东,JOY&DOGA系列,9.9元\n".encode()}
    problems = [str(p) for p in claims.check_charts(dataset, files)]
    assert problems == ["assets/generated/charts/price-x.vl.json: 天猫: the chart's title names 天猫, "
                        "but it draws no mark for it"]


def test_a_figure_without_a_citation(dataset):
    value = '<span class="bf-claim" data-claim="price:jd-lingxi" data-state="disclosed">9.9元</span>'
    assert [str(p) for p in claims.check_pages(dataset, {"x.md": _page("| a | " + value + " | b" + CITE + " |")})] == [
        "x.md: price:jd-lingxi: a stated value without a citation mark"]
    assert claims.check_pages(dataset, {"x.md": _page("| a | " + value + CITE + " | b |")}) == []


def test_the_build_refuses_and_names_the_page(dataset, monkeypatch):
    """check() runs in every build: a template that shows Lingxi's price as 未披露 stops generate()."""
    import dataclasses

    real = an.findings

    def hide(ds):
        f = real(ds)
        prices = dict(f.prices, **{"jd-lingxi": an.Values("jd-lingxi", (), (), ())})
        return dataclasses.replace(f, prices=prices)

    monkeypatch.setattr(an, "findings", hide)  # what the templates word; the check reads an.prices
    with pytest.raises(BuildError, match=r"index\.md: price:jd-lingxi: shown as 未披露"):
        generate(dataset, static=False)


# --------------------------------------------------------------------------- findings follow the data

def _home(files, lang="zh"):
    return files[("" if lang == "zh" else "en/") + "index.md"].decode()


def test_a_price_given_to_a_collectible_reaches_home_matrix_and_platform_page(dataset):
    files = generate(_with_price(dataset, "tmall-618-2022-brand-collectibles", "19.9"), static=False)
    home = _home(files)
    assert 'data-claim="price:tmall-digital-collectibles" data-state="disclosed"' in home
    assert 'data-claim="price:tmall-digital-collectibles" data-state="nd"' not in home
    assert 'data-count="platforms-priced" data-value="3"' in home
    assert "19\\.9 元" in files["platforms/tmall-digital-collectibles/index.md"].decode()
    assert "¥19\\.9" in _home(files, "en")


def test_removing_the_only_priced_collectible_makes_the_price_not_disclosed(dataset):
    ds = dataset.model_copy(update={"collectibles": [c for c in dataset.collectibles if c.id != "joy-doga"]})
    files = generate(ds, static=False)
    home = _home(files)
    assert 'data-claim="price:jd-lingxi" data-state="nd"' in home
    assert 'data-count="platforms-priced" data-value="1"' in home
    jd = files["platforms/jd-lingxi/index.md"].decode()
    assert "joy-doga" not in jd and "price-jd-lingxi" not in jd  # no row, no price chart
    assert 'data-count="collectibles:jd-lingxi" data-value="3"' in files["platforms/index.md"].decode()


def test_an_added_platform_appears_in_findings_and_matrix(dataset):
    p = dataset.platforms[1].model_copy(update={"id": "new-platform", "figures": [], "mechanics": [], "features": [],
                                                "launch": None, "launch_note": None})
    ds = dataset.model_copy(update={"platforms": dataset.platforms + [p]})
    files = generate(ds, static=False)
    home = _home(files)
    assert 'data-claim="price:new-platform" data-state="nd"' in home
    assert 'data-claim="edition:new-platform" data-state="nd"' in home
    assert 'data-count="partners:new-platform" data-value="0"' in home
    page = files["platforms/new-platform/index.md"].decode()
    assert 'data-count="partners:new-platform" data-value="0"' in page
    assert 'data-claim="launch:new-platform" data-state="nd"' in page


def test_findings_read_every_record_of_a_platform(dataset):
    f = an.findings(dataset)
    assert [pt.subject.id for pt in f.prices["jd-lingxi"].items] == ["joy-doga"]
    assert f.unpriced == ("tmall-digital-collectibles",)
    assert [s.value.id for s in f.direct_sale_too] == ["jd-lingxi"]
    own = {pid: [u.id for u in s.value] for pid, s in f.own.items()}
    assert own["jd-lingxi"] == ["jd-cloud", "jd-zhizhen-chain", "jd-books"]


def test_each_finding_has_one_citation_group(generated):
    for page in ("index.md", "en/index.md"):
        text = generated[page].decode()
        block = text.split("\n## ", 2)[1]  # the findings section
        items = [line for line in block.splitlines() if line.startswith("1. ")]
        assert 3 <= len(items) <= 5, page
        assert all(line.count("<sup>") == 1 for line in items), page


def test_the_headline_follows_the_mechanics(dataset):
    """Without R-SPACE's bundled sales the headline no longer says it works the other way round."""
    xhs = [p for p in dataset.platforms if p.id == "xiaohongshu-r-space"][0]
    xhs = xhs.model_copy(update={"mechanics": [m for m in xhs.mechanics if m.mechanic != "bundle_physical"]})
    collectibles = [c.model_copy(update={"obtain": [m for m in c.obtain if m != "bundle_physical"]})
                    for c in dataset.collectibles]
    ds = dataset.model_copy(update={"platforms": [xhs if p.id == xhs.id else p for p in dataset.platforms],
                                    "collectibles": collectibles})
    assert [p.id for p in an.main_finding(ds).sale] == []
    assert [p.id for p in an.main_finding(dataset).sale] == ["xiaohongshu-r-space"]
    home = _home(generate(ds, static=False))
    headline = next(line for line in home.splitlines() if line.startswith("# ") and "bf-headline" in line)
    assert "反过来" not in headline and "主要随实物商品赠送数字藏品" in headline


def test_an_unmarked_not_disclosed_on_the_home_page(dataset):
    bare = '<span class="bf-nd">未披露</span>'
    assert [str(p) for p in claims.check_pages(dataset, {"index.md": _page("x", "价格" + bare)})] == [
        "index.md: line 2: a 未披露 that is not marked as a claim "
        "(wrap it in h.claim(key, h.nd(), false) so the build can check it)"]
    assert claims.check_pages(dataset, {"platforms/x/index.md": _page("价格" + bare)}) == []


def test_a_value_where_the_data_has_none(dataset):
    value = ('<span class="bf-claim" data-claim="chain:xiaohongshu-r-space" data-state="disclosed">某链</span>' + CITE)
    assert [str(p) for p in claims.check_pages(dataset, {"x.md": _page(value)})] == [
        "x.md: chain:xiaohongshu-r-space: shown as a value, but the data has none"]


def test_a_range_over_collectibles_keeps_the_vaguest_qualifier(dataset):
    v = an.editions(dataset)["xiaohongshu-r-space"]
    r = v.item_range()
    assert (r.min, r.max, r.qualifier, r.reading) == (200, 300, "exact", False)
    reading = an.Values("x", (), an.editions(dataset)["tmall-digital-collectibles"].items + v.items, ())
    r = reading.item_range()
    assert (r.min, r.max, r.qualifier, r.reading) == (100, 1000, "about", True)
