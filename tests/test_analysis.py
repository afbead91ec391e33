"""Analysis: pure functions from the dataset to derived figures, each carrying its inputs' citations."""

from __future__ import annotations

from decimal import Decimal

from generator.analysis import figures as an
from generator.model.records import Citation


def test_union_keeps_each_citation_once_in_order():
    a = Citation(source="s1", para=1, quote="甲乙")
    b = Citation(source="s1", para=2, quote="丙丁")
    assert an.union([a, b], [b, a]) == (a, b)


def test_mechanics_matrix_merges_platform_and_collectible_evidence(dataset):
    m = an.mechanics_matrix(dataset)
    jd = m["jd-lingxi"]
    assert "gift_with_purchase" in jd and "tasks_lottery" in jd
    assert "bundle_physical" not in jd
    xhs = m["xiaohongshu-r-space"]
    assert "bundle_physical" in xhs
    # The nine Double-11 collectibles are evidence for bundle_physical, with their own citation.
    evidence = set(xhs["bundle_physical"].value)
    assert ("collectibles", "xhs-2021-11-11-with-physical-goods") in evidence
    assert all(c.source for c in xhs["bundle_physical"].cites)


def test_model_groups_split_gift_and_sale_platforms(dataset):
    g = an.model_groups(dataset)
    assert [s.value.id for s in g["gift"]] == ["jd-lingxi", "tmall-digital-collectibles"]
    assert [s.value.id for s in g["sale"]] == ["xiaohongshu-r-space"]
    assert all(s.cites for s in g["gift"] + g["sale"])


def test_partners_by_type_leaves_out_the_parent_company(dataset):
    by = an.partners_by_type(dataset)
    assert "company" not in by["jd-lingxi"]
    names = {p.name.zh for p in by["tmall-digital-collectibles"]["cultural_institution"].value}
    assert {"国家图书馆", "河南博物院"} <= names


def test_edition_points_keep_ranges_and_unlimited(dataset):
    pts = an.edition_points(dataset)
    assert any(p.unlimited and p.platform == "jd-lingxi" for p in pts)
    ranged = [p for p in pts if p.quantity is not None and p.quantity.is_range]
    assert ranged and all(p.low < p.high for p in ranged)
    assert all(p.cites for p in pts)


def test_price_points_exclude_goods_prices(dataset):
    pts = an.price_points(dataset)
    assert all(getattr(p.subject, "measure", "price") == "price" for p in pts)
    assert min(p.low for p in pts) == Decimal("9.9")


def test_disclosure_marks_unknowns(dataset):
    d = an.disclosure(dataset)
    assert d["jd-lingxi"]["launch"].value is True
    assert d["tmall-digital-collectibles"]["launch"].value is False
    assert d["xiaohongshu-r-space"]["chain"].value is False
    assert d["tmall-digital-collectibles"]["launch"].cites == ()


def test_timeline_sorts_partial_dates_by_start(dataset):
    dates = [e.date.sort_key() for e in an.timeline(dataset)]
    assert dates == sorted(dates)


def test_notation_examples_come_from_data(dataset):
    ex = an.notation_examples(dataset)
    assert {"range", "about", "nearly", "more_than", "unlimited", "day", "month", "year"} <= set(ex)
    assert all(s.cites for s in ex.values())
