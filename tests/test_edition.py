"""One edition date (generator/outputs/edition.py): the last commit's day, shown the same in every place that
shows it: the footer, printed pages, the citations' publication date and citation_* tags, both PDFs."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import datetime, timezone

from pypdf import PdfReader

from conftest import ROOT, TEST_EDITION_DATE
from generator.outputs import edition, pdf, share

EDITIONS = {"zh": "", "en": "en"}


def test_the_edition_date_is_source_date_epoch_else_the_last_commit_s(monkeypatch):
    assert edition.edition_date({"SOURCE_DATE_EPOCH": "1796860800"}) == "2026-12-10"
    assert edition.edition_date({"SOURCE_DATE_EPOCH": "1796947199"}) == "2026-12-10"  # UTC: 23:59:59
    epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.strip()
    last = datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%d")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert edition.edition_date() == last
    env = edition.site_env({"PATH": "/usr/bin"})
    assert env["BRIEFING_EDITION_DATE"] == f"'{last}'" and env["SOURCE_DATE_EPOCH"].isdigit()


def test_the_suite_builds_the_edition_of_its_fixed_date(dataset):
    assert edition.edition_date() == TEST_EDITION_DATE
    # Not the data's date: that is the citations' access date (and the front page's dateline says how current).
    assert share.data_date(dataset) != TEST_EDITION_DATE


def _one(pattern: str, text: str) -> set[str]:
    return set(re.findall(pattern, text))


def test_every_place_shows_the_same_edition_date(built, dataset):
    day, accessed = TEST_EDITION_DATE, share.data_date(dataset)
    seen: dict[str, set[str]] = {}
    for lang, folder in EDITIONS.items():
        root = built.site / folder
        for rel in ("index.html", "platforms/jd-lingxi/index.html", "methodology/index.html", "about/index.html"):
            page = html.unescape((root / rel).read_text(encoding="utf-8"))
            where = f"{lang}:{rel}"
            seen[f"{where} footer"] = _one(r'<time datetime="([^"]+)">\1</time>', page)
            seen[f"{where} printed"] = _one(r'<p class="bf-print-meta">[^<]* · (\d{4}-\d\d-\d\d)</p>', page)
            if rel != "about/index.html":  # the hand-written page has no generated citation
                seen[f"{where} citation_publication_date"] = {
                    m.replace("/", "-") for m in _one(r'<meta name="citation_publication_date" content="([^"]+)"', page)}
                # GB/T 7714: (published)[accessed]; APA: (year, Month day); BibTeX date; CSL-JSON issued.
                # The briefing's own works (its pages, its dataset), not the source articles the methodology cites.
                gbt = _one(r'(?:数字藏品平台对比简报|Digital Collectibles Platforms Compared)\. [^\n<]*?\[(?:EB|DS)/OL\]\. '
                           r'\((\d{4}-\d\d-\d\d)\)\[(\d{4}-\d\d-\d\d)\]', page)
                seen[f"{where} GB/T published"] = {p for p, _a in gbt}
                assert {a for _p, a in gbt} == {accessed}, f"{where}: the access date is the data's"
                seen[f"{where} BibTeX date"] = _one(r"@online\{briefing-[^,]+,[^@]*?date = \{([^}]+)\}", page)
        reader = PdfReader(root / pdf.PDF_NAME[lang])
        without = [i for i, p in enumerate(reader.pages, 1) if day not in (p.extract_text() or "")]
        seen[f"{lang} PDF running heads"] = {day} if not without else {f"missing on pages {without}"}
        created = reader.metadata.creation_date
        seen[f"{lang} PDF creation date"] = {created.strftime("%Y-%m-%d")} if created else set()
    wrong = {where: dates for where, dates in seen.items() if dates != {day}}
    assert wrong == {}, f"places that do not show the edition's date {day}: {wrong}"
