"""The language switcher leads to the same page in the other edition, also after instant navigation."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_language_switcher_leads_to_the_same_page(new_tab):
    t = new_tab()
    page = t.page
    t.open("platforms/jd-lingxi/", wait_charts=False)
    page.hover(".md-select")
    page.click('a.md-select__link[hreflang="en"]')
    page.wait_for_url(t.url("en/platforms/jd-lingxi/"))
    assert page.evaluate("document.documentElement.lang") == "en"
    page.click('.md-nav__link[href$="timeline/"]')  # instant navigation swaps the page, not the header
    page.wait_for_url(t.url("en/timeline/"))
    page.hover(".md-select")
    page.click('a.md-select__link[hreflang="zh"]')
    page.wait_for_url(t.url("timeline/"))
    assert page.evaluate("document.documentElement.lang") == "zh"
