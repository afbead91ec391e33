"""The search box (Pagefind, templates/assets/search.js): every entity by name, short and partial queries,
Chinese names on the English edition, filters, the keyboard shortcut, instant navigation, offline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from generator.pages.plan import record_file
from generator.model.validate import load_dataset

from .conftest import DESKTOP, MOBILE, PREFIX, ROOT, Tab, _context, editions

pytestmark = pytest.mark.browser

BOX = "input.bf-search__input"
RESULT = ".bf-search__results > li a"


def names() -> list[tuple[str, str, str, str]]:
    """(edition, name, page path, record id) of every record with a page, from the dataset.

    The Chinese edition is searched by Chinese name, the English one by its English name and by the Chinese
    one (a reader who knows only 灵稀).
    """
    ds = load_dataset(ROOT / "data")
    out = []
    for lang in editions():
        for kind in ("platforms", "partners", "collectibles"):
            for r in getattr(ds, kind):
                url, _ = record_file(kind, r.id)
                out.append((lang, getattr(r.name, lang), PREFIX[lang] + url, r.id))
                if lang == "en" and r.name.zh:
                    out.append((lang, r.name.zh, PREFIX[lang] + url, r.id + ":zh"))
    return out


NAMES = names()


def search(page, query: str) -> None:
    """Type a query as a reader would; CJK typed with keyboard.type sends no key events: fill, then End."""
    box = page.locator(BOX)
    box.click()
    box.fill(query)
    box.press("End")


def results(page) -> list[str]:
    return page.evaluate(f"""() => Array.from(document.querySelectorAll('{RESULT}'))
        .map(a => new URL(a.href).pathname)""")


def first_result_is(page, query: str, path: str) -> None:
    search(page, query)
    try:
        page.wait_for_function(f"""([q, path]) => {{
            const a = document.querySelector('{RESULT}');
            return document.querySelector('{BOX}').value === q && a && new URL(a.href).pathname === path; }}""",
                               arg=[query, "/" + path], timeout=5000)
    except Exception:
        pytest.fail(f"searching {query!r}: the first result is not /{path}; the results: {results(page)[:5]}")


@pytest.fixture(scope="module")
def search_tabs(browser, server):
    """One tab per edition on its home page (the index's entry files load once)."""
    tabs: dict[str, Tab] = {}

    def get(lang: str) -> Tab:
        if lang not in tabs:
            t = Tab(_context(browser, DESKTOP), server)
            t.open(PREFIX[lang], wait_charts=False)
            tabs[lang] = t
        return tabs[lang]

    yield get
    for t in tabs.values():
        t.context.close()


@pytest.mark.parametrize("lang,name,path", [n[:3] for n in NAMES], ids=[f"{n[0]}:{n[3]}" for n in NAMES])
def test_search_finds_by_name(search_tabs, lang, name, path):
    tab = search_tabs(lang)
    first_result_is(tab.page, name, path)
    problems = tab.rec.take()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang,query,path", [
    ("zh", "灵稀", "platforms/jd-lingxi/"),
    ("zh", "京东", "partners/jd/"),
    ("zh", "AR", "partners/hot-neutron-studio/"),
    # Across a word boundary: part of one word and part of the next still names the page.
    ("zh", "欧与小", "partners/cleo-and-xiaoku/"),
    ("zh", "INTO R-SPACE", "platforms/xiaohongshu-r-space/"),
    ("en", "灵稀", "en/platforms/jd-lingxi/"),
])
def test_short_and_partial_queries(search_tabs, lang, query, path):
    tab = search_tabs(lang)
    first_result_is(tab.page, query, path)


def test_a_result_shows_title_kind_and_highlighted_excerpt(search_tabs):
    p = search_tabs("zh").page
    first_result_is(p, "克蕾欧与小酷", "partners/cleo-and-xiaoku/")
    first = p.locator(".bf-search__results > li").first
    expect(first.locator(".bf-search__title")).to_have_text("克蕾欧与小酷")
    expect(first.locator(".bf-search__kind")).to_have_text("合作方")
    expect(first.locator(".bf-search__excerpt mark").first).to_be_visible()
    assert "克" in "".join(first.locator(".bf-search__excerpt mark").all_text_contents())


@pytest.mark.parametrize("lang,query", [("zh", "京东"), ("zh", "克蕾欧与小酷"), ("en", "灵稀"), ("en", "Lingxi")])
def test_excerpts_show_the_page_s_words_not_its_hidden_names(search_tabs, lang, query):
    """The names indexed for search (one Chinese character a word, the other language's name) are not shown:
    no fence, no run of single characters such as 京 东, and some of the page's own text beside the name."""
    p = search_tabs(lang).page
    search(p, query)
    p.wait_for_function(f"() => document.querySelectorAll('{RESULT}').length > 0")
    p.wait_for_timeout(300)
    excerpts = p.locator(".bf-search__excerpt").all_text_contents()
    assert excerpts
    for text in excerpts:
        assert "⟦" not in text and "⟧" not in text, text
        assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff] [\u4e00-\u9fff]", text), text
    assert len(excerpts[0]) >= 12, excerpts[0]  # the page's text, not the name alone


def test_filters_by_kind_and_platform(search_tabs):
    p = search_tabs("zh").page
    search(p, "灵稀")
    p.wait_for_function(f"() => document.querySelectorAll('{RESULT}').length > 2")
    kind = p.locator("select[data-bf-filter=kind]")
    expect(kind.locator("option")).to_have_count(6)  # all + platform, collectible, partner, event, page
    kind.select_option("collectible")
    p.wait_for_function("""() => { const k = Array.from(document.querySelectorAll('.bf-search__kind'));
        return k.length && k.every(e => e.dataset.kind === 'collectible'); }""")
    assert all(u.startswith("/collectibles/") for u in results(p))
    kind.select_option("")
    platform = p.locator("select[data-bf-filter=platform]")
    platform.select_option("天猫数字藏品")
    search(p, "数字藏品")
    p.wait_for_function(f"""() => document.querySelector('{BOX}').value === '数字藏品' &&
        document.querySelectorAll('{RESULT}').length > 0 &&
        !Array.from(document.querySelectorAll('{RESULT}')).some(a => a.pathname.startsWith('/platforms/jd-'))""")
    found = results(p)
    assert "/platforms/tmall-digital-collectibles/" in found
    assert not any("jd" in u or "xiaohongshu" in u for u in found), found
    platform.select_option("")


def test_chinese_index_holds_no_english_page(search_tabs):
    p = search_tabs("zh").page
    first_result_is(p, "Lingxi", "platforms/jd-lingxi/")  # the zh page names it in pinyin too
    assert not any(u.startswith("/en/") for u in results(p)), results(p)


@pytest.mark.parametrize("key", ["/", "s"])
def test_keyboard_shortcut_focuses_the_box(new_tab, key):
    tab = new_tab()
    tab.open("", wait_charts=False)
    p = tab.page
    p.locator("article h1").click()
    p.keyboard.press(key)
    expect(p.locator(BOX)).to_be_focused()
    expect(p.locator(BOX)).to_have_value("")  # the key opens the box; it is not typed into it
    p.keyboard.type("AR")
    p.wait_for_function(f"() => document.querySelectorAll('{RESULT}').length > 0")
    p.keyboard.press("Escape")
    expect(p.locator(".bf-search__panel")).to_be_hidden()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_after_instant_navigation(new_tab, scheme):
    """Choosing a result navigates instantly (no reload), closes the box, and the box searches again."""
    tab = new_tab(scheme=scheme)
    tab.open("", wait_charts=False)
    p = tab.page
    p.evaluate("window.__notReloaded = true")
    first_result_is(p, "《WonderLand》杂志", "partners/wonderland-magazine/")
    panel_bg = p.evaluate("getComputedStyle(document.querySelector('.bf-search__panel')).backgroundColor")
    body_bg = p.evaluate("getComputedStyle(document.body).backgroundColor")
    assert panel_bg == body_bg  # the panel follows the palette
    p.locator(RESULT).first.click()
    p.wait_for_url(tab.url("partners/wonderland-magazine/"))
    expect(p.locator("article.md-content__inner > h1")).to_have_text(re.compile("^《WonderLand》杂志¶?$"))
    expect(p.locator(".bf-search__panel")).to_be_hidden()
    assert p.evaluate("window.__notReloaded === true"), "the page was reloaded, not navigated instantly"
    first_result_is(p, "STEP INTO R-SPACE", "platforms/xiaohongshu-r-space/")
    p.locator(BOX).press("Enter")
    p.wait_for_url(tab.url("platforms/xiaohongshu-r-space/"))
    assert p.evaluate("window.__notReloaded === true")
    first_result_is(p, "STEP INTO R-SPACE", "platforms/xiaohongshu-r-space/")  # the same query, asked again


def test_search_requests_stay_on_the_site(new_tab):
    """Everything the search needs comes from the edition's own pagefind/ folder (no CDN)."""
    tab = new_tab()
    requests: list[str] = []
    tab.page.on("request", lambda r: requests.append(r.url))
    tab.open("en/", wait_charts=False)
    requests.clear()
    first_result_is(tab.page, "Cleo and Xiaoku", "en/partners/cleo-and-xiaoku/")
    assert all(u.startswith(tab.origin) for u in requests), requests
    search_requests = [u for u in requests if "/pagefind/" in u]
    assert search_requests and all(u.startswith(tab.origin + "en/pagefind/") for u in search_requests), requests
    # The recorder (conftest) aborts and reports any request to another host: new_tab fails if one was made.


# --------------------------------------------------------------------------- under Zensical


@pytest.fixture(scope="module")
def zensical_server(built):
    """The built fixture's content built again with Zensical (and indexed by Pagefind), served on its own port."""
    import functools
    import http.server
    import threading

    from generator.site.site import build_site

    from .conftest import _QuietHandler

    site = built.content.parent / "site-zensical"
    if not all((site / f).is_file() for f in ("briefing-zh.pdf", "en/briefing-en.pdf")):  # its last step done
        assert build_site("zensical", quiet=True, content=built.content, site=site) == 0
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


@pytest.mark.parametrize("lang,query,path", [
    ("zh", "克蕾欧与小酷", "partners/cleo-and-xiaoku/"),
    ("zh", "热中子工作室", "partners/hot-neutron-studio/"),
    ("en", "STEP INTO R-SPACE", "en/platforms/xiaohongshu-r-space/"),
    ("en", "灵稀", "en/platforms/jd-lingxi/"),
])
def test_search_under_zensical(browser, zensical_server, lang, query, path):
    tab = Tab(_context(browser, DESKTOP), zensical_server)
    try:
        tab.open(PREFIX[lang], wait_charts=False)
        expect(tab.page.locator(".md-header__inner [data-bf-search]")).to_have_count(1)  # in the header, once
        first_result_is(tab.page, query, path)
        problems = tab.rec.take()
        assert not problems, "\n".join(problems)
    finally:
        tab.context.close()


# Every element a theme or we use as a search control: Material's and Zensical's search button (a label for
# their #__search toggle), their search dialog and its button, any search field or search landmark.
SEARCH_CONTROLS = """() => Array.from(document.querySelectorAll(
    'label[for="__search"], .md-search, .md-search__button, [data-md-component="search"], input[type="search"], [role="search"]'))
  .filter(e => { const r = e.getBoundingClientRect(); const cs = getComputedStyle(e);
                 return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none'; })
  .map(e => e.matches('[data-bf-search], [data-bf-search] *') ? 'ours' : e.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize("builder", ["mkdocs", "zensical"])
@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_one_search_control_under_either_builder(browser, server, zensical_server, builder, viewport):
    """The header shows our Pagefind box and no theme search beside it; its shortcut focuses it."""
    origin = server if builder == "mkdocs" else zensical_server
    tab = Tab(_context(browser, viewport), origin)
    try:
        for path in ("", "en/platforms/jd-lingxi/"):
            tab.open(path, wait_charts=False)
            tab.page.wait_for_selector("[data-bf-search]:not([hidden])", state="attached")
            controls = tab.page.evaluate(SEARCH_CONTROLS)
            theirs = [c for c in controls if c != "ours"]
            assert theirs == [] and "ours" in controls, f"{builder} /{path}: search controls beside ours: {theirs}"
            assert tab.page.locator('label[for="__search"]').count() == 0
        for key in ("/", "s"):
            tab.page.locator("article h1").click()
            tab.page.keyboard.press(key)
            expect(tab.page.locator(BOX)).to_be_focused()
            tab.page.keyboard.press("Escape")
        problems = tab.rec.take()
        assert not problems, "\n".join(problems)
    finally:
        tab.context.close()
