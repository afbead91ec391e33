"""Full-page screenshots of home, a platform page and the comparisons, light and dark, desktop and mobile.

They go to tests/screenshots/ (git-ignored) for a person to look at; the test proves the charts were drawn
(in the palette of the shot) when each was taken.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, MOBILE, PREFIX, SCREENSHOTS, editions, pages_of_kind, toggle_palette, wait_for_charts

pytestmark = pytest.mark.browser


def shots():
    for lang in editions()[:1]:  # the Chinese edition; the walk checks every page of both for text cut off
        platform = next(p for p in pages_of_kind("platform") if p.lang == lang).path
        for name, path in (("home", PREFIX[lang]), ("platform", platform), ("comparisons", PREFIX[lang] + "comparisons/")):
            for device, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
                yield pytest.param(path, viewport, id=f"{lang}-{name}-{device}")


@pytest.mark.parametrize("path,viewport", list(shots()))
def test_screenshots(new_tab, request, path, viewport):
    tab = new_tab(viewport=viewport)
    tab.open(path)
    p = tab.page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = request.node.callspec.id
    for theme in ("light", "dark"):
        if theme == "dark":
            toggle_palette(p)
            expect(p.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        wait_for_charts(p, theme=theme)
        p.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')", timeout=2000)
        out = SCREENSHOTS / f"{stem}-{theme}.png"
        p.screenshot(path=str(out), full_page=True)
        assert out.stat().st_size > 10_000
