"""Printing a page from the browser (Chromium's print emulation): content only, with its address and date."""

from __future__ import annotations

import pytest

from generator.outputs.edition import edition_date

from .conftest import PAGES

pytestmark = pytest.mark.browser

# One page of each kind that has charts or controls, in both editions.
PRINTED = [p for p in PAGES if p.kind in ("home", "comparisons", "catalogue", "platform")]
PRINTED = list({(p.kind, p.lang): p for p in PRINTED}.values())

HIDDEN = [".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-search", ".md-footer",
          ".bf-pdf-link", ".bf-chart-downloads", ".bf-chart-data", ".bf-catalogue-controls", ".bf-pager", ".headerlink"]

SHOWN = """(selectors) => Object.fromEntries(selectors.map(s => [s, Array.from(document.querySelectorAll(s))
  .some(e => { const r = e.getBoundingClientRect(); return getComputedStyle(e).display !== 'none' &&
                r.width > 0 && r.height > 0; })]))"""

CHARTS = """() => Array.from(document.querySelectorAll('figure.bf-chart')).map(f => {
  const img = f.querySelector('img.bf-chart-static'); const r = img.getBoundingClientRect();
  const live = Array.from(f.querySelectorAll('.bf-chart-view > :not(.bf-chart-static)'))
    .some(e => getComputedStyle(e).display !== 'none');
  return {id: f.id, width: r.width, height: r.height, complete: img.complete && img.naturalWidth > 0, live};
})"""


@pytest.mark.parametrize("page", PRINTED, ids=lambda p: p.id)
def test_printing_shows_the_content_its_address_and_date_and_hides_the_rest(desktop, page):
    desktop.open(page.path)
    assert desktop.page.evaluate(SHOWN, [".md-header", ".bf-pdf-link"]) == {".md-header": True, ".bf-pdf-link": True}
    # What the browser does when the reader prints: the beforeprint event, then the print media.
    desktop.page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    desktop.page.emulate_media(media="print")
    try:
        desktop.page.wait_for_function("() => Array.from(document.querySelectorAll('img.bf-chart-static'))"
                                       ".every(i => i.complete && i.naturalWidth > 0)")
        shown = desktop.page.evaluate(SHOWN, HIDDEN + [".bf-print-meta", "article h1"])
        assert {s: v for s, v in shown.items() if s in HIDDEN and v} == {}
        assert shown["article h1"] and shown[".bf-print-meta"]
        meta = desktop.page.inner_text(".bf-print-meta")
        assert desktop.url(page.path) in meta and edition_date() in meta
        for chart in desktop.page.evaluate(CHARTS):
            assert chart["complete"] and chart["width"] > 300 and chart["height"] > 50, chart
            assert not chart["live"], f"{chart['id']}: the live view is printed instead of the static SVG"
    finally:
        desktop.page.emulate_media(media="screen")
