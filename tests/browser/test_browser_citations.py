"""Citation marks in a reader's browser: hovering or focusing a mark shows its quotes (in English with the
Chinese original on the English edition), also after instant navigation and in the dark palette; a click
opens the folded notes at the end of the page."""

from __future__ import annotations

import pytest

from .conftest import PREFIX, editions, scheme, toggle_palette

pytestmark = pytest.mark.browser

POP = "#bf-cite-pop"


def note_of(page, mark) -> dict:
    """What the page's note for a mark says: its quotes (Chinese), translations (English) and paragraphs."""
    return page.evaluate(
        """(id) => { const n = document.getElementById(id);
             const texts = (sel) => Array.from(n.querySelectorAll(sel)).map(e => e.textContent);
             return {zh: texts('q:not(.bf-tr)'), en: texts('q.bf-tr'), paras: texts('.bf-para')}; }""",
        mark.get_attribute("aria-describedby"))


def shown(page) -> dict:
    """What the box beside the mark shows, and whether it is visible."""
    return page.evaluate(
        """(sel) => { const b = document.querySelector(sel);
             if (!b || b.hidden) return {visible: false};
             const texts = (s) => Array.from(b.querySelectorAll(s)).map(e => e.textContent);
             const r = b.getBoundingClientRect();
             return {visible: r.width > 0 && r.height > 0, zh: texts('q:not(.bf-tr)'), en: texts('q.bf-tr'),
                     zhLang: Array.from(b.querySelectorAll('q:not(.bf-tr)')).every(q => q.closest('[lang]').lang.startsWith('zh')),
                     paras: texts('.bf-para'), bg: getComputedStyle(b).backgroundColor,
                     fg: getComputedStyle(b).color}; }""", POP)


def check_mark(page, mark, lang: str, how: str) -> dict:
    expected = note_of(page, mark)
    assert expected["zh"] and expected["paras"]
    if how == "hover":
        mark.hover()
    else:
        mark.focus()
    page.wait_for_function("(sel) => { const b = document.querySelector(sel); return b && !b.hidden; }", arg=POP)
    got = shown(page)
    assert got["visible"], f"{how}: no note shown"
    assert got["zh"] == expected["zh"] and got["paras"] == expected["paras"] and got["zhLang"]
    if lang == "en":
        assert got["en"] == expected["en"] and len(got["en"]) == len(got["zh"]), "each quote with its translation"
        assert all(t and not any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in got["en"])
    else:
        assert got["en"] == []
    return got


@pytest.mark.parametrize("lang", editions())
def test_hover_and_focus_show_the_quote_also_after_instant_navigation(new_tab, lang):
    t = new_tab()
    page = t.page
    home = PREFIX[lang]
    t.open(home, wait_charts=False)
    marks = page.locator("article a.bf-cite")
    assert marks.count() > 0
    check_mark(page, marks.first, lang, "hover")
    page.mouse.move(0, 0)
    page.wait_for_function("(sel) => document.querySelector(sel).hidden", arg=POP)

    # Keyboard: Tab reaches the marks; the focused one shows its note; Escape hides it.
    page.keyboard.press("Tab")
    for _ in range(200):
        if page.evaluate("document.activeElement.classList.contains('bf-cite')"):
            break
        page.keyboard.press("Tab")
    focused = page.locator("a.bf-cite:focus")
    assert focused.count() == 1, "no mark is reachable with the keyboard"
    check_mark(page, focused, lang, "focus")
    page.keyboard.press("Escape")
    assert shown(page)["visible"] is False

    # Instant navigation to a platform page, then the dark palette.
    page.evaluate("window.__sameDocument = true")
    before = page.locator("article h1").text_content()
    page.locator("article a[href*='platforms/jd-lingxi/']").first.click()
    page.wait_for_url(t.url(home + "platforms/jd-lingxi/"))
    page.wait_for_function("(h1) => document.querySelector('article h1').textContent !== h1", arg=before)
    assert page.evaluate("window.__sameDocument === true"), "the click reloaded the page: instant navigation is off"
    marks = page.locator("article a.bf-cite")
    check_mark(page, marks.nth(2), lang, "focus")
    page.keyboard.press("Escape")  # the box may cover the next mark
    light = check_mark(page, marks.nth(3), lang, "hover")
    toggle_palette(page)
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert scheme(page) == "slate"
    page.mouse.move(0, 0)
    page.wait_for_function("(sel) => document.querySelector(sel).hidden", arg=POP)
    dark = check_mark(page, marks.nth(4), lang, "hover")
    assert dark["bg"] != light["bg"] and dark["fg"] != light["fg"], "the note box follows the palette"


@pytest.mark.parametrize("lang", editions())
def test_a_click_on_a_mark_opens_its_note_among_the_references(new_tab, lang):
    t = new_tab()
    page = t.page
    t.open(PREFIX[lang] + "platforms/jd-lingxi/", wait_charts=False)
    assert page.locator("details.bf-notes").evaluate("d => d.open") is False
    mark = page.locator("article a.bf-cite").nth(1)
    target = mark.evaluate("a => a.hash")  # Material makes hrefs absolute
    mark.click()
    page.wait_for_url(t.url(PREFIX[lang] + "platforms/jd-lingxi/" + target))
    note = page.locator(f"li{target}")
    assert note.is_visible() and page.locator("details.bf-notes").evaluate("d => d.open")
    assert page.locator(".bf-ref").count() == 1, "the full reference once per page"
