"""Charts in a reader's browser: instant navigation, the dark palette, JavaScript off, downloads, text alternatives."""

from __future__ import annotations

import csv
import io
import struct
import zlib
from urllib.parse import urljoin
from xml.etree import ElementTree

import pytest
from playwright.sync_api import expect

from .conftest import PAGES, PREFIX, editions, pages_of_kind, scheme, toggle_palette, wait_for_charts, chart_geometry

pytestmark = pytest.mark.browser

# Platform pages draw no charts of their own (their figures are rows of the comparison charts).
CHART_PAGES = [p for p in PAGES if p.kind in ("home", "comparisons")]

# What a drawn chart says: its text (titles, labels, legends) and how many marks of each kind it draws.
CHART_CONTENT = """() => Array.from(document.querySelectorAll('figure.bf-chart')).map(f => {
  const svg = f.querySelector('.bf-chart-view svg.marks');
  const marks = {};
  svg.querySelectorAll('g.mark-symbol path, g.mark-rect path, g.mark-rule line, g.mark-text text')
     .forEach(m => { const k = m.closest('g[class^=mark-]').getAttribute('class'); marks[k] = (marks[k] || 0) + 1; });
  return {id: f.id, width: Math.round(svg.getBoundingClientRect().width), marks,
          text: Array.from(svg.querySelectorAll('text')).map(t => t.textContent)};
})"""

# The fill of each chart's title text: it must change with the palette.
TITLE_FILL = """() => Array.from(document.querySelectorAll('figure.bf-chart')).map(f => {
  const t = f.querySelector('.bf-chart-view svg.marks .role-title-text text');
  return t ? getComputedStyle(t).fill : null;
})"""


def luminance(css_colour: str) -> float:
    """Relative luminance of an `rgb(r, g, b)` colour, 0 (black) to 1 (white)."""
    r, g, b = (int(float(v)) for v in css_colour[css_colour.index("(") + 1:css_colour.index(")")].split(",")[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


@pytest.mark.parametrize("lang", editions())
def test_instant_navigation_renders_charts_as_a_full_load_does(desktop, lang):
    """Home -> a platform page -> comparisons by clicking links; each page's charts match a full load's."""
    home = PREFIX[lang]
    platform = next(p for p in pages_of_kind("platform") if p.lang == lang).path.removeprefix(home)
    expected = {}
    for path in (home + platform, home + "comparisons/"):
        desktop.open(path)
        expected[path] = desktop.page.evaluate(CHART_CONTENT)

    page = desktop.page
    desktop.open(home)
    page.evaluate("window.__sameDocument = true")  # survives instant navigation, not a full load
    page.locator(f"article a[href$='{platform}']").first.click()
    page.wait_for_url(desktop.url(home + platform))
    wait_for_charts(page, ids=[c["id"] for c in expected[home + platform]])
    assert page.evaluate("window.__sameDocument === true"), "the click reloaded the page: instant navigation is off"
    assert page.evaluate(CHART_CONTENT) == expected[home + platform]

    page.locator(".md-sidebar--primary a.md-nav__link[href$='comparisons/']").first.click()
    page.wait_for_url(desktop.url(home + "comparisons/"))
    wait_for_charts(page, ids=[c["id"] for c in expected[home + "comparisons/"]])
    assert page.evaluate("window.__sameDocument === true")
    assert page.evaluate(CHART_CONTENT) == expected[home + "comparisons/"]
    # Views of pages left behind are gone: one drawn chart per figure.
    assert page.evaluate("document.querySelectorAll('.bf-chart-view svg.marks').length") == \
        page.locator("figure.bf-chart").count()


@pytest.mark.parametrize("page", CHART_PAGES, ids=lambda p: p.id)
def test_dark_palette_rerenders_charts_and_back(new_tab, page):
    tab = new_tab()
    tab.open(page.path)
    p = tab.page
    assert scheme(p) == "default"
    light = p.evaluate(TITLE_FILL)
    assert light and all(fill and luminance(fill) < 0.4 for fill in light), f"light palette, chart titles: {light}"
    before = p.evaluate(CHART_CONTENT)

    toggle_palette(p)
    expect(p.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    wait_for_charts(p, theme="dark")
    dark = p.evaluate(TITLE_FILL)
    assert all(fill and luminance(fill) > 0.6 for fill in dark), f"dark palette, chart titles: {dark}"
    after = p.evaluate(CHART_CONTENT)
    assert [c["text"] for c in after] == [c["text"] for c in before], "the dark charts say something else"
    assert [c["width"] for c in after] == [c["width"] for c in before]

    toggle_palette(p)
    expect(p.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    wait_for_charts(p, theme="light")
    assert p.evaluate(TITLE_FILL) == light
    assert p.evaluate("document.querySelectorAll('.bf-chart-view svg.marks').length") == len(before)


@pytest.mark.parametrize("page", CHART_PAGES, ids=lambda p: p.id)
def test_without_javascript_each_chart_shows_its_static_svg(new_tab, page):
    tab = new_tab(java_script_enabled=False)
    tab.open(page.path, wait_charts=False)
    figures = tab.page.locator("figure.bf-chart")
    assert figures.count() > 0
    for i in range(figures.count()):
        fig = figures.nth(i)
        img = fig.locator("img.bf-chart-static")
        img.scroll_into_view_if_needed()
        expect(img).to_be_visible()
        expect(img).to_have_attribute("src", fig.get_attribute("data-chart-spec").replace(".vl.json", ".svg"))
        tab.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle(),
                                   timeout=2000)
        box, column = img.bounding_box(), fig.bounding_box()
        assert box["width"] > 200 and box["x"] + box["width"] <= column["x"] + column["width"] + 1
        assert fig.locator(".bf-chart-view svg").count() == 0
        # Downloads: the SVG, the CSV and the spec; the PNG link (drawn by briefing.js) is not offered.
        downloads = fig.locator(".bf-chart-downloads")
        for kind in ("SVG", "CSV", "Vega-Lite"):
            expect(downloads.get_by_role("link", name=kind, exact=True)).to_be_visible()
        expect(downloads.get_by_role("link", name="PNG", exact=True)).to_be_hidden()


def _table(fig) -> list[list[str]]:
    head = [fig.locator("details table thead th").all_inner_texts()]
    rows = fig.locator("details table tbody tr")
    return head + [rows.nth(i).locator("td").all_text_contents() for i in range(rows.count())]


def _png_size(data: bytes) -> tuple[int, int]:
    """A PNG file's width and height, after checking that it is one and that it is not blank."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR" and data[-8:-4] == b"IEND", "not a whole PNG file"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert depth == 8 and colour in (2, 6), "not 8-bit RGB(A)"
    chunks, at = [], 8
    while at < len(data):
        (size,) = struct.unpack(">I", data[at:at + 4])
        if data[at + 4:at + 8] == b"IDAT":
            chunks.append(data[at + 8:at + 8 + size])
        at += 12 + size
    pixels = zlib.decompress(b"".join(chunks))
    channels = 3 if colour == 2 else 4
    assert len(pixels) == height * (1 + width * channels), "the pixel data does not fill the image"
    assert len(set(pixels)) > 32, "a blank image"  # a chart's lines, text and colours make many values
    return width, height


@pytest.mark.parametrize("page", [p for p in CHART_PAGES if p.kind != "home"], ids=lambda p: p.id)
def test_chart_downloads_hold_the_charts_data(desktop, page):
    """SVG, PNG and CSV links of every figure download files that match the chart and its data table."""
    desktop.open(page.path)
    p = desktop.page
    figures = p.locator("figure.bf-chart")
    assert figures.count() > 0
    for i in range(figures.count()):
        fig = figures.nth(i)
        fig.locator("details summary").click()
        title = fig.locator(".bf-chart-title").inner_text().strip()
        files = {}
        for kind in ("SVG", "PNG", "CSV"):
            with p.expect_download() as info:
                fig.locator(".bf-chart-downloads a", has_text=kind).click()
            download = info.value
            assert download.failure() is None
            files[kind] = open(download.path(), "rb").read()
        rows = list(csv.reader(io.StringIO(files["CSV"].decode("utf-8-sig"))))
        assert rows == _table(fig), f"{fig.get_attribute('id')}: the CSV differs from the chart's data table"
        assert len(rows) > 1
        svg = ElementTree.fromstring(files["SVG"])
        texts = [t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text")]
        assert title in texts, f"{fig.get_attribute('id')}: the SVG's texts {texts[:5]} lack the title {title!r}"
        width, height = _png_size(files["PNG"])
        svg_w, svg_h = float(svg.get("width")), float(svg.get("height"))
        assert (width, height) == (round(svg_w * 2), round(svg_h * 2)), "the PNG is not the SVG's drawing at 2x"


@pytest.mark.parametrize("page", CHART_PAGES, ids=lambda p: p.id)
def test_charts_have_text_alternatives(desktop, page):
    """Each figure is named by its title and described by its caption; the drawing has a name; a data table."""
    desktop.open(page.path)
    p = desktop.page
    figures = p.locator("figure.bf-chart")
    for i in range(figures.count()):
        fig = figures.nth(i)
        title = fig.locator(".bf-chart-title").text_content().strip()
        desc = fig.locator(".bf-chart-desc").text_content().strip()
        assert title and desc
        expect(fig).to_have_accessible_name(title)
        expect(fig).to_have_accessible_description(desc)
        expect(fig.get_by_role("img", name=title)).to_have_count(1)
        table = fig.get_by_role("table", name=title, include_hidden=True)
        expect(table).to_have_count(1)
        assert table.locator("tbody tr").count() > 0
    assert chart_geometry(p)


# The marks a chart draws for its data (points, bars, cells, rules), and its text cut short with an ellipsis.
CHART_MARKS = """() => Array.from(document.querySelectorAll('figure.bf-chart')).map(f => {
  const svg = f.querySelector('.bf-chart-view svg.marks');
  const marks = svg.querySelectorAll('g.mark-symbol path, g.mark-rect path, g.mark-rule line');
  const data = Array.from(marks).filter(m => !m.closest('.role-legend, .role-axis'));
  const cut = Array.from(svg.querySelectorAll('text')).map(t => t.textContent).filter(t => t.endsWith('…'));
  return {id: f.id, marks: data.length, ellipsis: cut};
})"""

# Text of a static SVG, opened as a document, that runs outside the drawing's own width and height.
SVG_OVERFLOW = """() => {
  const svg = document.documentElement;
  const w = parseFloat(svg.getAttribute('width')), h = parseFloat(svg.getAttribute('height'));
  const r = svg.getBoundingClientRect();
  return Array.from(svg.querySelectorAll('text')).filter(t => {
    const b = t.getBoundingClientRect();
    return b.width > 0 && (b.left < r.left - 1 || b.right > r.left + w + 1 || b.top < r.top - 1 || b.bottom > r.top + h + 1);
  }).map(t => t.textContent).concat(
    Array.from(svg.querySelectorAll('text')).map(t => t.textContent).filter(t => t.endsWith('…')));
}"""


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
@pytest.mark.parametrize("page", CHART_PAGES, ids=lambda p: p.id)
def test_charts_draw_three_marks_or_more_and_cut_off_no_label(request, page, viewport):
    """Every drawn chart has at least three data marks; no text is cut short or runs outside the chart."""
    tab = request.getfixturevalue(viewport)
    tab.open(page.path)
    drawn = tab.page.evaluate(CHART_MARKS)
    assert drawn, f"{page.id}: no charts"
    for chart in drawn:
        assert chart["marks"] >= 3, f"{page.id} {chart['id']}: {chart['marks']} marks; say it in a sentence or a table"
        assert not chart["ellipsis"], f"{page.id} {chart['id']}: labels cut short: {chart['ellipsis']}"
    for chart in chart_geometry(tab.page):
        assert not chart["cut"], f"{page.id} {chart['id']} at {viewport}: text outside the chart: {chart['cut']}"


@pytest.mark.parametrize("page", [p for p in CHART_PAGES if p.kind == "comparisons"], ids=lambda p: p.id)
def test_static_svgs_the_png_is_drawn_from_cut_off_no_text(new_tab, page):
    """The PNG download is the static SVG drawn at 2x: every text of that SVG lies inside its width and height."""
    tab = new_tab()
    tab.open(page.path, wait_charts=False)
    specs = tab.page.eval_on_selector_all("figure.bf-chart", "fs => fs.map(f => f.getAttribute('data-chart-spec'))")
    assert specs
    base = tab.page.url
    for spec in specs:
        tab.page.goto(urljoin(base, spec.replace(".vl.json", ".svg")))
        assert tab.page.evaluate(SVG_OVERFLOW) == [], spec
