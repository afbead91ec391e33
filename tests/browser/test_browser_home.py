"""The front page as a briefing: height at both widths, citation marks, headline and dateline on the first screen, footer."""

from __future__ import annotations

import pytest

from .conftest import PREFIX, editions

pytestmark = pytest.mark.browser

MEASURE = """() => ({
  height: document.scrollingElement.scrollHeight,
  marks: document.querySelectorAll('.md-content a.bf-cite').length,
  headline: document.querySelector('h1.bf-headline')?.getBoundingClientRect().bottom ?? 1e9,
  dateline: document.querySelector('.bf-dateline')?.getBoundingClientRect().bottom ?? 1e9,
  footer: !!document.querySelector('.md-footer .bf-footer'),
})"""


@pytest.mark.parametrize("lang", editions())
def test_home_reads_as_a_briefing(desktop, mobile, lang):
    desktop.open(PREFIX[lang])
    m = desktop.page.evaluate(MEASURE)
    assert m["height"] <= 3000, f"home is {m['height']} px tall at 1280 px"
    assert m["marks"] <= 25, f"{m['marks']} citation marks on the home page"
    assert m["headline"] <= 900 and m["dateline"] <= 900, f"headline/dateline below the first screen: {m}"
    assert m["footer"], "no briefing footer"
    mobile.open(PREFIX[lang])
    m = mobile.page.evaluate(MEASURE)
    assert m["height"] <= 6000, f"home is {m['height']} px tall at 375 px"
