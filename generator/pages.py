"""The page plan: which pages exist, their files, URLs, templates and context. URLs derive from record ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Dataset

# Generated folders of an edition (relative to the edition's root); the writer owns them.
SECTIONS = ("platforms", "collectibles", "partners", "timeline", "comparisons", "methodology", "charts")
GENERATED_ROOT_FILES = ("index.md",)
CATALOGUE_PAGE_SIZE = 100

# kind -> folder
FOLDERS = {"platforms": "platforms", "collectibles": "collectibles", "partners": "partners"}


@dataclass
class Page:
    """One page to render: its file and URL within an edition, template and context."""

    file: str                   # e.g. "platforms/jd-lingxi/index.md"
    url: str                    # e.g. "platforms/jd-lingxi/"
    template: str
    title_key: str              # what the page is about (for tests and logs)
    context: dict[str, Any] = field(default_factory=dict)


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


def plan(ds: Dataset) -> list[Page]:
    """Every page of one edition, in a stable order."""
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
        pages.append(Page(file, url, "catalogue.md.j2", f"catalogue-{number}",
                          {"page_number": number, "page_count": len(cat), "start": start,
                           "rows": ds.collectibles[start:start + CATALOGUE_PAGE_SIZE], "catalogue": cat}))
    for p in ds.platforms:
        url, file = record_file("platforms", p.id)
        pages.append(Page(file, url, "platform.md.j2", f"platform:{p.id}", {"platform": p}))
    for c in ds.collectibles:
        url, file = record_file("collectibles", c.id)
        pages.append(Page(file, url, "collectible.md.j2", f"collectible:{c.id}", {"c": c}))
    for partner in ds.partners:
        url, file = record_file("partners", partner.id)
        pages.append(Page(file, url, "partner.md.j2", f"partner:{partner.id}", {"partner": partner}))
    return pages
