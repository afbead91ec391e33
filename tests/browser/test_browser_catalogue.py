"""The catalogue sorts by price and by edition as numbers, both ways, with undisclosed values last."""

from __future__ import annotations

import pytest

from generator.pages.fmt import not_disclosed
from generator.model.validate import load_dataset

from .conftest import PREFIX, ROOT, editions

pytestmark = pytest.mark.browser


def sort_values() -> dict[str, dict[str, float | None]]:
    """Record id -> the number each sortable column sorts by, from the dataset (None: not disclosed)."""
    ds = load_dataset(ROOT / "data")
    out = {}
    for c in ds.collectibles:
        edition = None if c.edition is None else (float("inf") if c.edition == "unlimited" else float(c.edition.low))
        out[c.id] = {"price": None if c.price is None else float(c.price.low), "edition": edition}
    return out


VALUES = sort_values()


@pytest.mark.parametrize("column", ["price", "edition"])
@pytest.mark.parametrize("lang", editions())
def test_catalogue_sorts_numerically_with_unknowns_last(desktop, lang, column):
    desktop.open(PREFIX[lang] + "collectibles/")
    p = desktop.page
    header = p.locator(f"th[data-key={column}]")
    nd = not_disclosed(lang)
    known = sorted(v[column] for v in VALUES.values() if v[column] is not None)
    unknown = sum(1 for v in VALUES.values() if v[column] is None)
    assert len(set(known)) > 2 and unknown, "the dataset no longer tells a numeric sort from a text sort"
    for direction, expected in (("ascending", known), ("descending", known[::-1])):
        header.locator("button").click()
        p.wait_for_function("([sel, dir]) => document.querySelector(sel).getAttribute('aria-sort') === dir",
                            arg=[f"th[data-key={column}]", direction], timeout=2000)
        rows = p.locator(".bf-catalogue-table tbody tr")
        ids = rows.evaluate_all("trs => trs.map(tr => tr.getAttribute('data-id'))")
        shown = [VALUES[i][column] for i in ids]
        page_size = len(shown)
        want = (expected + [None] * unknown)[:page_size]
        assert shown == want, f"{column} {direction}: rows sort as {shown}"
        col = ["name", "platform", "category", "price", "edition"].index(column)
        texts = rows.evaluate_all(f"trs => trs.map(tr => tr.children[{col}].textContent.trim())")
        assert [t == nd for t in texts] == [v is None for v in shown], f"undisclosed {column}s are not shown as {nd}"
