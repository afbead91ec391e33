"""Every page of every edition, opened in chromium: charts drawn at the column's width, clean, no sideways scroll."""

from __future__ import annotations

import re

import pytest

from .conftest import CHART_GEOMETRY, PAGES

pytestmark = pytest.mark.browser

TOLERANCE = 2  # px: sub-pixel rounding between the chart's box and the column's

# One round trip per viewport: the page's language, its charts' geometry, and what sticks out sideways.
LAYOUT = """() => ({
  lang: document.documentElement.lang,
  charts: (%s)(),
  scroll: document.scrollingElement.scrollWidth,
  inner: window.innerWidth,
  wide: Array.from(document.querySelectorAll('.md-content *')).filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > window.innerWidth + 1 && !e.closest('.bf-table-wrap, .md-typeset__scrollwrap, pre');
  }).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')),
})""" % CHART_GEOMETRY


def test_walk_covers_every_page_of_the_build(site_dir):
    """The walk's page list (from the page plan) is exactly the set of pages the build produced."""
    built = {p.parent.relative_to(site_dir).as_posix() for p in site_dir.rglob("index.html")}
    built = {"" if b == "." else b + "/" for b in built}
    walked = {p.path for p in PAGES}
    # Each chart's page of its own (charts/<id>/, no Material chrome) is walked by test_browser_share.py.
    chart_pages = {b for b in built if re.fullmatch(r"(en/)?charts/[a-z0-9-]+/", b)}
    assert chart_pages and {b.removeprefix("en/") for b in chart_pages if b.startswith("en/")} == \
        {b for b in chart_pages if not b.startswith("en/")}
    built -= chart_pages
    assert walked == built, f"built but not walked: {sorted(built - walked)}; walked but not built: {sorted(walked - built)}"
    if (site_dir / "en").is_dir():
        assert any(p.lang == "en" for p in PAGES), "the English edition was built but the walk skips it"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_page(desktop, mobile, page):
    """1280 px: every chart drawn in time, as wide as the content column. 375 px: no sideways scroll, charts fit."""
    desktop.open(page.path)
    layout = desktop.page.evaluate(LAYOUT)
    assert layout["lang"].startswith(page.lang)
    if page.kind in ("comparisons", "home"):  # platform pages link to the comparisons' charts instead
        assert layout["charts"], f"{page.id} should show charts"
    for g in layout["charts"]:
        left, right = g["column"]
        assert g["chart"], f"{g['id']}: no drawn chart"
        c_left, c_right, height = g["chart"]
        assert abs(c_left - left) <= TOLERANCE and abs(c_right - right) <= TOLERANCE, \
            f"{g['id']}: chart spans {c_left:.0f}–{c_right:.0f}px, the content column {left:.0f}–{right:.0f}px"
        assert height > 50, f"{g['id']}: chart only {height:.0f}px high"
        assert not g["cut"], f"{g['id']}: text cut off at the chart's edge: {g['cut']}"

    mobile.open(page.path)
    mobile.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # tables opened
    layout = mobile.page.evaluate(LAYOUT)
    assert layout["scroll"] <= layout["inner"], \
        f"{page.id} scrolls sideways at 375 px: {layout['scroll']} > {layout['inner']}; too wide: {layout['wide']}"
    for g in layout["charts"]:
        left, right = g["column"]
        c_left, c_right, _ = g["chart"]
        assert c_left >= left - TOLERANCE and c_right <= right + TOLERANCE, \
            f"{g['id']}: at 375 px the chart spans {c_left:.0f}–{c_right:.0f}px, the column {left:.0f}–{right:.0f}px"
        assert not g["cut"], f"{g['id']}: at 375 px, text cut off at the chart's edge: {g['cut']}"
