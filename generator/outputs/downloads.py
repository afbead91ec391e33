"""The dataset as downloads (JSON, Data Package), the catalogue's rows."""

from __future__ import annotations

import json
from typing import Any

from generator.charts import charts as ch
from generator.model.records import KINDS, Dataset
from generator.pages import fmt


def dataset_files(ds: Dataset) -> dict[str, bytes]:
    """The dataset as JSON (whole) and as a Frictionless Data Package: one CSV per kind, datapackage.json."""
    from generator.outputs.datapackage import files as datapackage_files

    whole = ds.model_dump(mode="json")
    out = {"dataset.json": json.dumps(whole, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")}
    out.update(datapackage_files(ds, whole))
    return out


def catalogue_json(ds: Dataset, idx: dict, lang: str, trans, formats: Any) -> bytes:
    """Every collectible as a compact row, for search, filter and sort across all catalogue pages (formats: the
    build's remembered formatting, pages/render.py's Formats)."""
    columns = ["id", "name", "platform", "category", "price", "price_sort", "edition", "edition_sort",
               "release", "release_sort", "url"]
    rows = [_catalogue_row(c, idx, lang, trans, formats) for c in ds.collectibles]
    return json.dumps({"columns": columns, "rows": rows}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _catalogue_row(c: Any, idx: dict, lang: str, trans: Any, formats: Any) -> list:
    from generator.pages.render import rel_url

    price = c.price
    ed = c.edition
    return [
        c.id,
        getattr(c.name, lang),
        getattr(idx["platforms"][c.platform].name, lang),
        trans.gettext(ch.CATEGORY_LABELS[c.category]) if c.category else fmt.not_disclosed(lang),
        formats.quantity(price, lang, "CNY") if price is not None else fmt.not_disclosed(lang),
        None if price is None else float(price.low),
        formats.quantity(ed, lang, "copies") if ed is not None else fmt.not_disclosed(lang),
        None if ed is None else (1e300 if ed == "unlimited" else float(ed.low)),  # unlimited: after every count
        formats.date(c.release, lang) if c.release else fmt.not_disclosed(lang),
        c.release.number if c.release else None,
        rel_url("collectibles/", f"collectibles/{c.id}/"),
    ]
