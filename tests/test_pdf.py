"""The briefing as a PDF per edition (generator/outputs/pdf.py): built by the site build, fonts embedded,
bookmarks, extractable Chinese text, vector charts, running heads, long tables cut, nothing fetched."""

from __future__ import annotations

import re
import socket
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from generator.outputs import pdf

EDITIONS = {"zh": "", "en": "en"}


def _h1(html: Path) -> str:
    text = html.read_text(encoding="utf-8")
    m = re.search(r"<h1[^>]*>(.*?)<a class=\"headerlink\"", text, re.S) or re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    return re.sub(r"<[^>]+>", "", m.group(1)).strip()


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module", params=list(EDITIONS))
def edition(request, built):
    lang = request.param
    root = built.site / EDITIONS[lang]
    path = root / pdf.PDF_NAME[lang]
    assert path.is_file(), f"{path}: not made by the site build"
    reader = PdfReader(path)
    texts = [page.extract_text() or "" for page in reader.pages]
    return lang, root, path, reader, texts, built.url + (f"{EDITIONS[lang]}/" if EDITIONS[lang] else "")


def test_every_page_links_to_its_edition_s_pdf(built):
    for lang, folder in EDITIONS.items():
        root = built.site / folder
        pages = [p for p in root.rglob("index.html") if lang == "en" or "en" not in p.relative_to(root).parts[:1]]
        assert len(pages) > 10
        for page in pages:
            links = re.findall(r'<a href="([^"]+)" class="[^"]*bf-pdf-link', page.read_text(encoding="utf-8"))
            assert len(links) == 1, page
            assert (page.parent / links[0]).resolve() == (root / pdf.PDF_NAME[lang]).resolve(), page


def test_fonts_are_embedded_and_chinese_is_set_in_noto_cjk(edition):
    lang, _root, path, *_ = edition
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows
    for row in rows:
        # name type... encoding emb sub uni object-id generation
        assert row[-5:-2] == ["yes", "yes", "yes"], f"not embedded, subset and with a ToUnicode map: {row}"
    assert any("Noto-Sans-CJK-SC" in row[0] for row in rows), out


def test_bookmarks_are_the_pages_and_their_sections(edition):
    _lang, root, _path, reader, *_ = edition
    outline = reader.outline
    top = [item for item in outline if not isinstance(item, list)]
    expected = [_h1(pdf._page_file(root, url)) for url in pdf.edition_of(root.parent if root.name == "en" else root,
                                                                          _lang).pages]
    assert [_norm(b.title) for b in top] == [_norm(t) for t in expected]
    assert len(expected) >= 6  # home, platforms, three platforms, comparisons, methodology
    children = [item for item in outline if isinstance(item, list)]
    assert len(children) == len(top), "every page has its h2 sections as bookmarks"
    html = (root / "methodology" / "index.html").read_text(encoding="utf-8")
    sections = [re.sub(r"<[^>]+>|¶", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)]
    assert [_norm(b.title) for b in children[-1]] == [_norm(s.replace("&para;", "")) for s in sections]


def test_text_is_extractable_and_holds_the_headline(edition):
    _lang, root, _path, _reader, texts, _url = edition
    headline = _h1(root / "index.html")
    assert _norm(headline) in _norm(texts[0])
    comparisons = _h1(root / "comparisons" / "index.html")
    assert any(_norm(comparisons) in _norm(t) for t in texts)


def test_charts_are_vector_with_their_text(edition):
    _lang, root, _path, reader, texts, _url = edition
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {}) or {}
        stack = list(xobjects.values())
        while stack:
            obj = stack.pop().get_object()
            assert obj.get("/Subtype") != "/Image", "a raster image in the PDF"
            stack += list((obj.get("/Resources", {}) or {}).get("/XObject", {}).values())
    # Each chart's axis titles (text of its static SVG) are text of the PDF, so the chart was drawn as vector.
    svgs = sorted((root / "assets" / "generated" / "charts").glob("*.svg"))
    html = (root / "comparisons" / "index.html").read_text(encoding="utf-8")
    shown = [s for s in svgs if f"charts/{s.name}" in html]
    assert shown
    everything = _norm("".join(texts))
    for svg in shown:
        tree = ElementTree.parse(svg)
        titles = [t.text for g in tree.iter("{http://www.w3.org/2000/svg}g")
                  if "role-axis-title" in (g.get("class") or "") for t in g.iter("{http://www.w3.org/2000/svg}text")
                  if t.text]
        for title in titles:
            assert _norm(title) in everything, f"{svg.name}: axis title {title!r} not in the PDF's text"


def test_the_pdf_is_tagged_with_its_structure(edition):
    """Tagged PDF: marked content and a structure tree with the document's headings, lists, tables, figures."""
    _lang, _root, path, reader, *_ = edition
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] is True or catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert "/StructTreeRoot" in catalog
    out = subprocess.run(["pdfinfo", "-struct", str(path)], capture_output=True, text=True, check=True).stdout
    kinds = {line.split()[0].rstrip(":") for line in out.splitlines() if line.strip()}
    assert {"Document", "H1", "H2", "P", "L", "LI", "Table", "TH", "TD", "Figure", "Link"} <= kinds, kinds


def test_every_page_has_its_number_the_address_and_the_date(edition):
    lang, _root, _path, reader, texts, url = edition
    n = len(reader.pages)
    date = pdf.edition_date()
    for i, text in enumerate(texts, 1):
        number = f"第{i}页/{n}" if lang == "zh" else f"Page{i}/{n}"
        assert number in _norm(text), f"page {i}: no page number"
        assert url in text, f"page {i}: no address"
        assert date in text, f"page {i}: no edition date"


# --------------------------------------------------------------------------- a small site of our own

PAGE = """<!doctype html><html><head><title>{title} - 简报</title>
<link rel="canonical" href="https://example.org/brief/{path}"></head>
<body><article class="md-content__inner md-typeset">{body}</article></body></html>"""


def _site(tmp: Path, rows: int = 40, extra: str = "") -> Path:
    pages = {
        "": '<h1 id="t">标题<a class="headerlink" href="#t">¶</a></h1><p><a href="platforms/">平台</a>'
            '<a href="collectibles/">目录</a><sup><a class="bf-cite" href="#cite-1">[1]</a></sup></p>'
            '<ol><li id="cite-1">&lt;script&gt;alert(1)&lt;/script&gt;</li></ol>' + extra,
        "platforms/": '<h1 id="p">平台</h1><p><a href="a/">A</a> <a href="../">home</a></p>',
        "platforms/a/": '<h1 id="a">A</h1><p>before<span class="bf-chart-downloads">下载</span>after</p>'
                        '<table><thead><tr><th>x</th></tr></thead><tbody>'
                        + "".join(f"<tr><td>row {i}</td></tr>" for i in range(rows)) + "</tbody></table>"
                        '<p><a href="../../#t">to home</a> <a href="../../collectibles/page/2/">p2</a></p>',
        "comparisons/": '<h1 id="c">对比</h1>',
        "methodology/": '<h1 id="m">方法</h1><table><tbody>' + "".join(f"<tr><td>fix {i}</td></tr>" for i in range(rows))
                        + "</tbody></table>",
    }
    for path, body in pages.items():
        f = tmp / path / "index.html"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(PAGE.format(title=path or "home", path=path, body=body), encoding="utf-8")
    return tmp


def test_document_takes_the_chosen_pages_cuts_long_tables_and_points_links_inside(tmp_path):
    site = _site(tmp_path)
    ed = pdf.edition_of(site, "zh")
    assert ed.pages == ["", "platforms/", "platforms/a/", "comparisons/", "methodology/"]
    assert ed.url == "https://example.org/brief/" and ed.name == "简报"
    html = pdf.document(ed, "2026-01-02")
    assert html.count("<tr><td>row") == pdf.TABLE_ROWS
    assert html.count("<tr><td>fix") == 40, "the methodology page (its corrections log) is never cut"
    assert f"row {pdf.TABLE_ROWS - 1}<" in html and f"row {pdf.TABLE_ROWS}<" not in html
    assert "共 40 行" in html and "https://example.org/brief/platforms/a/" in html
    assert 'href="#p-platforms"' in html and 'href="#p-platforms-a"' in html and 'href="#p-home"' in html
    assert 'href="#p-home--t"' in html and 'id="p-home--t"' in html and 'href="#p-home--cite-1"' in html
    assert 'href="https://example.org/brief/collectibles/"' in html
    assert 'href="https://example.org/brief/collectibles/page/2/"' in html
    assert "headerlink" not in html and "下载" not in html and "beforeafter" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html


def test_a_table_at_the_cap_is_not_cut(tmp_path):
    html = pdf.document(pdf.edition_of(_site(tmp_path, rows=pdf.TABLE_ROWS), "zh"), "2026-01-02")
    assert html.count("<tr><td>row") == pdf.TABLE_ROWS and "bf-pdf-more" not in html


def test_the_pdf_shows_data_text_literally(tmp_path):
    path = pdf.write_pdf(_site(tmp_path), "zh")
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "<script>alert(1)</script>" in text


def test_the_fetcher_serves_site_files_and_refuses_everything_else(tmp_path):
    site = _site(tmp_path / "site")
    (tmp_path / "outside.svg").write_text("<svg/>", encoding="utf-8")
    fetcher = pdf.local_fetcher(site)
    from weasyprint.urls import FatalURLFetchingError

    assert fetcher((site / "index.html").as_uri()).read().startswith(b"<!doctype")
    for url in ("https://example.org/x.png", "http://127.0.0.1:1/x.css", (tmp_path / "outside.svg").as_uri(),
                "ftp://example.org/x", "data:image/png;base64,AAAA"):
        with pytest.raises(FatalURLFetchingError):
            fetcher(url)
    assert len(fetcher.refused) == 5
    with pytest.raises(FileNotFoundError):
        fetcher((site / "missing.svg").as_uri())


@pytest.mark.parametrize("tag, url", [("<img src=\"{}\">", "https://example.org/tracker.png"),
                                      ("<link rel=\"stylesheet\" href=\"{}\">", "http://example.org/x.css"),
                                      ("<p style=\"background: url({})\">x</p>", "https://example.org/bg.png")])
def test_no_network_fetch_is_attempted_for_a_remote_resource(tmp_path, monkeypatch, tag, url):
    attempts = []

    def connect(self, address):
        attempts.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: attempts.append(address))
    site = _site(tmp_path, extra=tag.format(url))
    with pytest.raises(pdf.PdfError, match=f"refused to fetch {re.escape(url)}$"):
        pdf.write_pdf(site, "zh")
    assert attempts == []
    assert not (site / pdf.PDF_NAME["zh"]).exists() and not list(site.glob(".*.tmp"))


def test_a_missing_chart_file_is_not_a_refusal(tmp_path):
    site = _site(tmp_path, extra='<img class="bf-chart-static" src="assets/none.svg">')
    assert pdf.write_pdf(site, "zh").is_file()


def test_charts_are_drawn_in_an_installed_font_with_room_at_the_sides():
    from generator.charts import fonts

    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50">'
           b'<text font-family="Helvetica, Arial, \'Noto Sans CJK SC\', sans-serif">Label</text></svg>')
    out = pdf.chart_for_print(svg)
    assert f'width="{100 + 2 * pdf.SVG_PAD}" height="50" viewBox="-{pdf.SVG_PAD} 0 {100 + 2 * pdf.SVG_PAD} 50"'.encode() in out
    first = next(f for f in ("Helvetica", "Arial", "Noto Sans CJK SC") if f in fonts.system_faces())
    assert f'font-family="\'{first}\', Helvetica, Arial'.encode() in out
