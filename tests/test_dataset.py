"""The shipped dataset holds the seed article's facts, each with a verbatim, locatable citation."""

from __future__ import annotations

import html
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from generator.analysis import cites_of
from generator.model import Citation

ROOT = Path(__file__).resolve().parent.parent
# The source archive (the articles the dataset cites) is not in the repository: it is read from
# $BRIEFING_SOURCES, by default ../shared/seeds beside the repository (README, "Tests").
SOURCES = Path(os.environ.get("BRIEFING_SOURCES") or ROOT.parent / "shared" / "seeds")
SEED = SOURCES / "000_2f94d0f2904e0472.txt"
SEED_SOURCE = "leibao-2022-06-03"


def paragraphs(text: str) -> list[str]:
    """The text of each <p> of the article body, tags stripped, entities decoded, whitespace normalised."""
    out = []
    for m in re.finditer(r"<p\b[^>]*>(.*?)</p>", text, re.S):
        inner = re.sub(r"<[^>]+>", "", m.group(1))
        out.append(re.sub(r"\s+", " ", html.unescape(inner)).strip())
    return out


@pytest.fixture(scope="module")
def seed_paragraphs() -> list[str]:
    assert SEED.exists(), (f"the source archive is missing: put the article {SEED.name} in {SOURCES}, "
                           "or point BRIEFING_SOURCES at the folder that holds it")
    return paragraphs(SEED.read_text(encoding="utf-8"))


def all_citations(ds) -> list[Citation]:
    out: list[Citation] = []
    for kind in ("platforms", "collectibles", "partners", "events", "metrics"):
        for r in getattr(ds, kind):
            out.extend(cites_of(r))
    for p in ds.platforms:
        for part in (*p.figures, *p.mechanics, *p.features):
            out.append(part.cite)
        if p.transfer.cite:
            out.append(p.transfer.cite)
    for p in ds.partners:
        out.extend(link.cite for link in p.platforms)
    out.extend(s.cite for s in ds.statements)
    out.extend(c.cite for c in ds.corrections if c.cite is not None)
    return out


def test_every_quote_is_verbatim_in_its_paragraph(dataset, seed_paragraphs):
    cites = all_citations(dataset)
    assert len(cites) > 100
    wrong = []
    for c in cites:
        assert c.source == SEED_SOURCE, "only the seed article is cited so far"
        para = seed_paragraphs[c.para - 1] if c.para <= len(seed_paragraphs) else ""
        if re.sub(r"\s+", " ", c.quote) not in para:
            wrong.append(f"para {c.para}: {c.quote!r}")
    assert not wrong, "quotes not found in their paragraph:\n" + "\n".join(wrong)


def test_statement_quotes_are_verbatim(dataset, seed_paragraphs):
    for s in dataset.statements:
        assert s.quote in seed_paragraphs[s.cite.para - 1], s.id


def by_id(ds, kind):
    return {r.id: r for r in getattr(ds, kind)}


def test_named_figures_of_the_seed(dataset):
    c = by_id(dataset, "collectibles")
    joy = c["joy-doga"]
    assert joy.price.value == Decimal("9.9") and joy.price.currency == "CNY"
    assert joy.edition.value == 10000
    toys = sorted((x for x in dataset.collectibles if x.id.startswith("xu-xingyou-toy")), key=lambda x: x.price.value)
    assert [t.price.value for t in toys] == [Decimal("32.4"), Decimal("52.8"), Decimal("98")]
    assert [t.edition.value for t in toys] == [300, 300, 200]
    nine = c["xhs-2021-11-11-with-physical-goods"]
    assert nine.items.value == 9 and str(nine.release) == "2021-11-11"
    assert c["manhua-sanguo"].threshold.value == 200 and c["manhua-sanguo"].threshold.qualifier == "at_least"

    p = by_id(dataset, "platforms")
    assert str(p["jd-lingxi"].launch) == "2021-12-17" and p["jd-lingxi"].launch.precision == "day"
    assert p["tmall-digital-collectibles"].launch is None, "the source does not say when Tmall's channel launched"
    assert p["xiaohongshu-r-space"].chain is None, "the source does not name Xiaohongshu's chain"
    figures = {(pid, f.measure): f for pid, pl in p.items() for f in pl.figures}
    assert figures[("jd-lingxi", "collectibles_surveyed")].quantity.value == 15
    issued = figures[("tmall-digital-collectibles", "collectibles_issued")].quantity
    assert (issued.value, issued.qualifier) == (200, "nearly")
    brands = [f.quantity for f in p["tmall-digital-collectibles"].figures if f.measure == "brands"]
    assert any(q.value == 100 and q.qualifier == "about" and q.label.zh == "近超百个" for q in brands)

    m = by_id(dataset, "metrics")
    shares = sorted(x.quantity.value for x in dataset.metrics if x.group and x.unit == "percent")
    assert shares == [20, 80]
    ad = next(x for x in dataset.metrics if x.unit == "USD")
    assert (ad.quantity.min, ad.quantity.max, str(ad.period)) == (600_000_000, 800_000_000, "2020"), \
        "6~8亿美金 stays a range"
    assert any(x.quantity.value == 33 for x in m.values()), "AYAYI's 33 collectibles"


def test_named_entities_of_the_seed(dataset):
    names = {p.name.zh for p in dataset.partners}
    for name in ("猪小屁", "萌芽熊", "敦煌", "克蕾欧与小酷", "小怪兽乌拉拉", "死在火星上", "OPPO", "创维", "兰蔻",
                 "自然堂", "宝洁", "小鹏", "五粮液", "BURBERRY", "52TOYS", "卡西欧", "乐纯", "国家图书馆", "国家大剧院",
                 "故宫文具", "麦积山石窟", "河南博物院", "AYAYI", "许星悠", "蚂蚁链", "京东智臻链", "康师傅"):
        assert name in names, name
    events = {str(e.date) for e in dataset.events}
    assert {"2021-09", "2021-11", "2021-11-11", "2021-12-17"} <= events
    source = by_id(dataset, "sources")[SEED_SOURCE]
    assert (source.author, source.outlet_handle, str(source.published)) == ("晓艳", "leinewspro", "2022-06-03")
    assert source.url is None, "the copy we hold does not give 36Kr's address"


def test_unknowns_are_null_not_zero(dataset):
    for c in dataset.collectibles:
        for field in ("price", "edition", "threshold"):
            q = getattr(c, field)
            if q is not None and q != "unlimited":
                assert not (q.value == 0 or q.min == 0), f"{c.id}.{field} is 0: unknown must be null"
