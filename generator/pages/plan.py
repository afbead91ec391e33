"""The page plan: which pages exist, their files, URLs, templates and context. URLs derive from record ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.model.records import Dataset

CATALOGUE_PAGE_SIZE = 100

# kind -> folder
FOLDERS = {"platforms": "platforms", "collectibles": "collectibles", "partners": "partners"}


EVERYTHING = None  # a page's reads when it aggregates the whole dataset


@dataclass
class Page:
    """One page to render: its file and URL within an edition, template and context, and what it reads.

    reads: the records its template, partials and marks print from, as (kind, id), or (kind, None) for every
    record of a kind in order; EVERYTHING for a page that aggregates the dataset (its charts too). The page
    cache (pages/cache.py) keys a page by these, so one left out makes an edit of it show an old page:
    tests/test_page_cache.py edits every field of each kind and compares with an uncached build.
    """

    file: str                   # e.g. "platforms/jd-lingxi/index.md"
    url: str                    # e.g. "platforms/jd-lingxi/"
    template: str
    title_key: str              # what the page is about (for tests and logs)
    context: dict[str, Any] = field(default_factory=dict)
    reads: tuple | None = EVERYTHING


def record_file(kind: str, rid: str) -> tuple[str, str]:
    """(url, file) of a record's page."""
    folder = FOLDERS[kind]
    # <id>/index.md rather than <id>.md: the file sits where its URL does, so a relative link in raw HTML
    # means the same to MkDocs (which serves <id>.md at <id>/) and to Zensical (which resolves it from the file).
    return f"{folder}/{rid}/", f"{folder}/{rid}/index.md"


def url_map(ds: Dataset) -> dict[tuple[str, str], tuple[str, str]]:
    """(kind, id) -> (url, file) for every record with a page."""
    out = {}
    for kind in FOLDERS:
        for r in getattr(ds, kind):
            out[(kind, r.id)] = record_file(kind, r.id)
    return out


def catalogue_pages(n: int) -> list[tuple[str, str, int]]:
    """(url, file, page number) of each catalogue page: 100 rows a page."""
    count = max(1, -(-n // CATALOGUE_PAGE_SIZE))
    out = [("collectibles/", "collectibles/index.md", 1)]
    out += [(f"collectibles/page/{i}/", f"collectibles/page/{i}/index.md", i) for i in range(2, count + 1)]
    return out


def page_count(ds: Dataset) -> int:
    """len(plan(ds)), without making the pages."""
    return 6 + len(catalogue_pages(len(ds.collectibles))) + sum(len(getattr(ds, k)) for k in FOLDERS)


def plan(ds: Dataset, idx: dict | None = None) -> list[Page]:
    """Every page of one edition, in a stable order (idx: indexes(ds), when the caller has it)."""
    if idx is None:
        from generator.pages.context import indexes

        idx = indexes(ds)
    pages = [
        Page("index.md", "", "home.md.j2", "home"),
        Page("platforms/index.md", "platforms/", "platforms.md.j2", "platforms"),
        Page("partners/index.md", "partners/", "partners.md.j2", "partners"),
        Page("timeline/index.md", "timeline/", "timeline.md.j2", "timeline"),
        Page("comparisons/index.md", "comparisons/", "comparisons.md.j2", "comparisons"),
        Page("methodology/index.md", "methodology/", "methodology.md.j2", "methodology"),
    ]
    cat = catalogue_pages(len(ds.collectibles))
    for url, file, number in cat:
        start = (number - 1) * CATALOGUE_PAGE_SIZE
        rows = ds.collectibles[start:start + CATALOGUE_PAGE_SIZE]
        pages.append(Page(file, url, "catalogue.md.j2", f"catalogue-{number}",
                          {"page_number": number, "page_count": len(cat), "start": start, "rows": rows,
                           "catalogue": cat, "total": len(ds.collectibles)},
                          (*_ids("collectibles", rows), ("platforms", None), ("sources", None))))
    for p in ds.platforms:
        url, file = record_file("platforms", p.id)
        pages.append(Page(file, url, "platform.md.j2", f"platform:{p.id}", {"platform": p}))
    for c in ds.collectibles:
        url, file = record_file("collectibles", c.id)
        pages.append(Page(file, url, "collectible.md.j2", f"collectible:{c.id}", {"c": c}, _collectible_reads(c, idx)))
    for partner in ds.partners:
        url, file = record_file("partners", partner.id)
        pages.append(Page(file, url, "partner.md.j2", f"partner:{partner.id}", {"partner": partner},
                          _partner_reads(partner, idx)))
    return pages


def _ids(kind: str, records: Any) -> list[tuple[str, str]]:
    return [(kind, r.id) for r in records]


def _collectible_reads(c: Any, idx: dict) -> tuple:
    """What collectible.md.j2 prints: the record, its platform, series, members, partners and events."""
    return (("collectibles", c.id), ("platforms", c.platform), *((("collectibles", c.series),) if c.series else ()),
            *_ids("collectibles", idx["children"][c.id]), *(("partners", cp.partner) for cp in c.partners),
            *_ids("events", idx["events_by_collectible"][c.id]), ("sources", None))


def _partner_reads(p: Any, idx: dict) -> tuple:
    """What partner.md.j2 prints: the record, its platforms, collectibles, related partners, the partners named
    in the same paragraphs, its events, metrics and statements."""
    own = idx["collectibles_by_partner"][p.id]
    near = [q for key in dict.fromkeys((c.source, c.para) for c in p.cites) for q in idx["partners_by_para"][key]]
    return (("partners", p.id), *(("platforms", link.platform) for link in p.platforms),
            *_ids("collectibles", (c for c, _role in own)), *(("platforms", c.platform) for c, _role in own),
            *(("partners", r) for r in p.related), *_ids("partners", idx["related_back"][p.id]),
            *_ids("partners", near), *_ids("events", idx["events_by_partner"][p.id]),
            *_ids("metrics", idx["metrics_by_subject"][p.id]),
            *_ids("statements", idx["statements_by_partner"][p.id]), ("sources", None))
