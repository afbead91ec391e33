"""axe-core on every kind of page, in the light and the dark palette: no serious or critical violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import AXE, first_of_each_kind, toggle_palette, wait_for_charts

pytestmark = pytest.mark.browser

KINDS = first_of_each_kind()   # home, platforms, platform, collectible, partners, partner, catalogue, ... per edition


def axe_violations(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {resultTypes: ['violations']})""")
    out = []
    for v in result["violations"]:
        if v["impact"] in ("serious", "critical"):
            nodes = "; ".join(" ".join(n["target"]) + (": " + n["failureSummary"].splitlines()[-1].strip()
                                                       if n.get("failureSummary") else "") for n in v["nodes"][:4])
            out.append(f"{v['impact']} {v['id']} ({v['help']}), {len(v['nodes'])} nodes: {nodes}")
    return out


def test_axe_is_installed():
    assert AXE.exists(), f"{AXE} is missing: run `make setup` (npm ci installs axe-core)"


def test_every_kind_of_page_is_checked():
    kinds = {p.kind for p in KINDS}
    wanted = {"home", "platform", "collectible", "partner", "catalogue", "comparisons", "methodology", "timeline"}
    assert wanted <= kinds, f"missing kinds: {wanted - kinds}"


@pytest.mark.parametrize("page", KINDS, ids=lambda p: f"{p.lang}:{p.kind}")
def test_axe_light_and_dark(new_tab, page):
    tab = new_tab()
    tab.open(page.path)
    p = tab.page
    light = axe_violations(p)
    toggle_palette(p)
    expect(p.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    wait_for_charts(p, theme="dark")
    p.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')", timeout=2000)
    dark = axe_violations(p)
    assert not light and not dark, "\n".join([f"light: {v}" for v in light] + [f"dark: {v}" for v in dark])
