"""Material's search finds every platform, partner and collectible by name: the first result is its page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from generator.pages.plan import record_file
from generator.model.validate import load_dataset

from .conftest import DESKTOP, PREFIX, ROOT, Tab, _context, editions

pytestmark = pytest.mark.browser


def names() -> list[tuple[str, str, str, str]]:
    """(edition, name, page path, record id) of every record with a page, from the dataset.

    The Chinese edition is searched by Chinese name; the English edition by its English name and, as a reader
    who knows the Chinese name would, by the Chinese one too when the English page shows it.
    """
    ds = load_dataset(ROOT / "data")
    out = []
    for lang in editions():
        for kind in ("platforms", "partners", "collectibles"):
            for r in getattr(ds, kind):
                url, _ = record_file(kind, r.id)
                out.append((lang, getattr(r.name, lang), PREFIX[lang] + url, r.id))
    return out


NAMES = names()


@pytest.fixture(scope="module")
def search_tabs(browser, server):
    """One tab per edition with the search box open on the home page (the search index loads once)."""
    tabs: dict[str, Tab] = {}

    def get(lang: str) -> Tab:
        if lang not in tabs:
            t = Tab(_context(browser, DESKTOP), server)
            t.open(PREFIX[lang])
            box = t.page.locator("input.md-search__input")
            box.click()
            # Wait (generously) for the search worker to build its index: the tests then time the search alone.
            box.fill(next(n[1] for n in NAMES if n[0] == lang))
            box.press("End")
            t.page.locator(".md-search-result__list > li").first.wait_for(timeout=15_000)
            tabs[lang] = t
        return tabs[lang]

    yield get
    for t in tabs.values():
        t.context.close()


@pytest.mark.parametrize("lang,name,path", [n[:3] for n in NAMES], ids=[f"{n[0]}:{n[3]}" for n in NAMES])
def test_search_finds_by_name(search_tabs, lang, name, path):
    tab = search_tabs(lang)
    p = tab.page
    box = p.locator("input.md-search__input")
    box.fill("")
    p.wait_for_function("() => !document.querySelector('.md-search-result__list li')")
    # Typing CJK with keyboard.type sends no key events and Material's search waits for one: fill, then End.
    box.fill(name)
    box.press("End")
    first_href = """path => { const a = document.querySelector('.md-search-result__list > li a.md-search-result__link');
                             return a && new URL(a.href).pathname === path; }"""
    try:
        p.wait_for_function(first_href, arg="/" + path, timeout=3000)
    except Exception:
        shown = p.evaluate("""() => Array.from(document.querySelectorAll('.md-search-result__list > li'))
            .slice(0, 5).map(li => new URL(li.querySelector('a').href).pathname)""")
        pytest.fail(f"searching {name!r}: the first result is not /{path}; the results: {shown}")
    problems = tab.rec.take()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("record", ["jd", "wonderland-magazine"])
def test_choosing_the_first_result_opens_the_page(new_tab, record):
    """Material ranks 京东 low (rarer names that start with it first) and finds nothing for 《WonderLand》杂志:
    either way the first result is the page, and choosing it opens the page and closes the search."""
    lang, name, path, _ = next(n for n in NAMES if n[0] == "zh" and n[3] == record)
    tab = new_tab()
    tab.open("")
    p = tab.page
    box = p.locator("input.md-search__input")
    box.click()
    box.fill(name)
    box.press("End")
    first = p.locator(".md-search-result__list > li a.md-search-result__link").first
    expect(first).to_have_attribute("href", re.compile(re.escape(path) + r"(\?h=.*)?$"))  # ?h=: highlight
    first.click()
    p.wait_for_url(re.compile(re.escape(tab.url(path)) + r"(\?h=.*)?$"))
    expect(p.locator("article.md-content__inner > h1")).to_have_text(re.compile("^" + re.escape(name) + "¶?$"))
    expect(p.locator(".md-search-result__list")).to_be_hidden()
