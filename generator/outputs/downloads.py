"""The dataset as downloads (JSON, Data Package), the catalogue's rows, the search dictionary."""

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


_jieba_memo: list[tuple[list, bytes]] = []


def jieba_dictionary(ds: Dataset) -> bytes:
    """A jieba user dictionary of every entity name, so search keeps names like 克蕾欧与小酷 whole."""
    listed = [r.name.zh for kind in ("platforms", "collectibles", "partners") for r in getattr(ds, kind)]
    listed += [p.platform_name.zh for p in ds.platforms]
    if _jieba_memo and _jieba_memo[0][0] == listed:  # the same names as last time (an incremental build)
        return _jieba_memo[0][1]
    names = set(listed)
    words = sorted(n.replace(" ", "") for n in names if n and any("\u4e00" <= ch_ <= "\u9fff" for ch_ in n))
    out = "".join(f"{w} 20000 nz\n" for w in words).encode("utf-8")
    _jieba_memo[:] = [(listed, out)]
    return out


def _dataset_files_by_record(ds: Dataset, cache: Any) -> dict[str, bytes]:
    """dataset_files(ds), assembled from per-record parts that the cache keeps for unchanged records.

    dataset.json is json.dumps(whole, indent=1, sort_keys=True): each record's part is that of the record
    alone, indented two levels; each CSV row is datapackage.table() of the record alone, without the header.
    Tests check that the result is the same as dataset_files().
    """
    from generator.outputs.datapackage import datapackage_json, table

    parts: list[str] = []
    rows: dict[str, bytes] = {}
    for kind in sorted(KINDS):
        header = table(kind, [])

        def make(r: Any, kind: str = kind, n: int = len(header)) -> tuple[str, bytes]:
            d = r.model_dump(mode="json")
            return (json.dumps(d, ensure_ascii=False, indent=1, sort_keys=True).replace("\n", "\n  "),
                    table(kind, [d])[n:])

        made = cache.memo_list(("dataset", kind), getattr(ds, kind), make)
        frags = [m[0] for m in made]
        body = ("[\n  " + ",\n  ".join(frags) + "\n ]") if frags else "[]"
        parts.append(f" {json.dumps(kind)}: {body}")
        rows[kind] = header + b"".join(m[1] for m in made)
    out = {"dataset.json": ("{\n" + ",\n".join(parts) + "\n}").encode("utf-8")}
    csvs = {f"{kind}.csv": rows[kind] for kind in KINDS}
    out.update(csvs)
    out["datapackage.json"] = datapackage_json(ds, csvs)
    return out


def catalogue_json(ds: Dataset, idx: dict, lang: str, trans, cache: Any = None) -> bytes:
    """Every collectible as a compact row, for search, filter and sort across all catalogue pages.

    With an incremental cache, a row is made again only when its collectible or platform record changed.
    """
    columns = ["id", "name", "platform", "category", "price", "price_sort", "edition", "edition_sort",
               "release", "release_sort", "url"]
    if cache is None:
        rows = [_catalogue_row(c, idx, lang, trans) for c in ds.collectibles]
        doc = {"columns": columns, "rows": rows}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # The same bytes from each row's JSON, kept while its collectible and platform records are the same.
    platforms = idx["platforms"]
    parts = [cache.memo(cache.rows, (lang, c.id), (c, platforms[c.platform]),
                        lambda c=c: json.dumps(_catalogue_row(c, idx, lang, trans), ensure_ascii=False,
                                               separators=(",", ":"))) for c in ds.collectibles]
    head = json.dumps({"columns": columns}, ensure_ascii=False, separators=(",", ":"))[:-1]
    return (head + ',"rows":[' + ",".join(parts) + "]}").encode("utf-8")


def _catalogue_row(c: Any, idx: dict, lang: str, trans: Any) -> list:
    from generator.pages.render import date, quantity, rel_url

    price = c.price
    ed = c.edition
    return [
        c.id,
        getattr(c.name, lang),
        getattr(idx["platforms"][c.platform].name, lang),
        trans.gettext(ch.CATEGORY_LABELS[c.category]) if c.category else fmt.not_disclosed(lang),
        quantity(price, lang, "CNY") if price is not None else fmt.not_disclosed(lang),
        None if price is None else float(price.low),
        quantity(ed, lang, "copies") if ed is not None else fmt.not_disclosed(lang),
        None if ed is None else (1e300 if ed == "unlimited" else float(ed.low)),  # unlimited: after every count
        date(c.release, lang) if c.release else fmt.not_disclosed(lang),
        c.release.number if c.release else None,
        rel_url("collectibles/", f"collectibles/{c.id}/"),
    ]
