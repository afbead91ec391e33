"""Sharing in a reader's browser: a chart's embed code on another site, copy link, copy citation."""

from __future__ import annotations

import dataclasses
import functools
import html
import http.server
import re
import threading

import pytest
from playwright.sync_api import expect

from generator.outputs import cite, share

from .conftest import _QuietHandler

pytestmark = pytest.mark.browser


@pytest.fixture
def other_site(tmp_path):
    """Another site: a folder served from another port of 127.0.0.1 (another origin)."""
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, "http://127.0.0.1:%d/" % httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def embed_code(built, rel: str, cid: str) -> str:
    page = (built.site / rel).read_text(encoding="utf-8")
    return html.unescape(re.search(rf'<textarea id="embed-{cid}"[^>]*>(.*?)</textarea>', page, re.S).group(1))


@pytest.mark.parametrize("rel, cid, title", [("comparisons/index.html", "edition", "各平台藏品发行量"),
                                             ("en/comparisons/index.html", "price", None)])
def test_embed_code_works_on_another_site_with_no_request_elsewhere(browser, server, built, other_site, rel, cid, title):
    folder, origin = other_site
    code = embed_code(built, rel, cid)
    assert code.startswith(f'<iframe src="{server}')
    (folder / "index.html").write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>Another site</title>"
                                       f"<link rel='icon' href='data:,'>"
                                       f"</head><body><h1>Another site</h1>{code}</body></html>", encoding="utf-8")
    context = browser.new_context()
    requests: list[str] = []
    problems: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    try:
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
        page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.goto(origin, wait_until="load")
        frame = page.frame_locator("iframe")
        if title:
            expect(frame.locator("h1.bf-embed-title")).to_have_text(title)
        expect(frame.locator("figcaption a[target=_top]")).to_have_count(1)
        embedded = page.frames[1]
        assert embedded.url.startswith(server)
        # the chart's SVG is drawn in the iframe (waits, at most the default timeout)
        embedded.wait_for_function("() => { const i = document.querySelector('img'); "
                                   "return i && i.complete && i.naturalWidth > 0; }")
    finally:
        context.close()
    assert requests[0] == origin  # the page of the other site; everything else from ours
    foreign = [u for u in requests[1:] if not u.startswith(server)]
    assert foreign == [], foreign
    chart_page = server + code.split('src="', 1)[1].split('"', 1)[0][len(server):]
    assert chart_page in requests and any(u.endswith(f"/charts/{cid}.svg") for u in requests)
    assert problems == []


def _today(page) -> str:
    y, m, d = page.evaluate("(() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()]; })()")
    return f"{y:04d}-{m:02d}-{d:02d}"


def _copy(page, selector: str) -> str:
    """Click a copy button, wait until it says the text was copied (the clipboard is written asynchronously),
    and return what the clipboard holds."""
    button = page.locator(selector)
    button.evaluate("b => { const box = b.closest('details'); if (box) box.open = true; }")  # citations are folded
    button.evaluate("b => b.removeAttribute('data-copied-text')")
    button.click()
    page.wait_for_function("b => b.hasAttribute('data-copied-text')", arg=button.element_handle())
    return page.evaluate("navigator.clipboard.readText()")


def test_copy_link_embed_code_and_citations_after_instant_navigation(new_tab, server, built, dataset, monkeypatch):
    tab = new_tab(permissions=["clipboard-read", "clipboard-write"])
    page = tab.page
    tab.open("", wait_charts=False)  # the charts are not what this test is about (2 s limit under load)
    page.wait_for_load_state("load")  # Material's bundle has run: its instant navigation takes the click
    page.wait_for_function("() => !!window.document$ && !!window.__briefingLoaded")
    page.evaluate("window.__notReloaded = true")
    page.locator("article a[href$='comparisons/']").first.click()  # Material's instant navigation
    page.wait_for_url(server + "comparisons/")
    page.wait_for_selector("#cite-page-gbt", state="attached")  # folded until opened
    assert page.evaluate("window.__notReloaded === true"), "the page was swapped, not reloaded"

    assert _copy(page, '#fig-edition button.bf-copy[data-copy-text]') == server + "comparisons/#fig-edition"
    expect(page.locator('#fig-edition button.bf-copy[data-copy-text]')).to_have_text("已复制")
    assert _copy(page, 'button[data-copy="embed-edition"]') == embed_code(built, "comparisons/index.html", "edition")

    monkeypatch.setenv("SITE_URL", server)
    work = dataclasses.replace(share.page_work("zh", "comparisons/", "图表对比", dataset), accessed=_today(page))
    for fmt, expected in cite.formats(work).items():
        assert _copy(page, f'button[data-copy="cite-page-{fmt}"]') == expected, fmt


def test_citations_show_todays_date_without_copying(new_tab, server, dataset, monkeypatch):
    tab = new_tab()
    tab.open("en/methodology/")
    monkeypatch.setenv("SITE_URL_EN", server + "en/")
    today = _today(tab.page)
    work = dataclasses.replace(share.dataset_work("en", dataset), accessed=today)
    assert tab.page.locator("#cite-dataset-formats-gbt").text_content() == cite.gbt7714(work)
    assert tab.page.locator("#cite-dataset-formats-csl").text_content() == cite.csl_json(work)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_chart_page_follows_the_reader_s_colour_scheme(browser, server, scheme):
    """The chart alone: a dark page in dark mode with the chart (drawn for a light ground) on a light card."""
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(server + "charts/edition/", wait_until="load")
        colours = page.evaluate("""() => [getComputedStyle(document.body).backgroundColor,
                                         getComputedStyle(document.querySelector('.bf-embed img')).backgroundColor]""")
    finally:
        context.close()
    luminance = [sum(map(int, re.findall(r"\d+", c)[:3])) if "0, 0, 0, 0" not in c else None for c in colours]
    if scheme == "dark":
        assert luminance[0] < 200 and luminance[1] > 700, colours
    else:
        assert luminance[0] > 700, colours
