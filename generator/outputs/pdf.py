"""The briefing as one PDF per edition, made by WeasyPrint from the built HTML of its chosen pages.

The PDF holds the front page, the platforms (their index and each platform's page), the comparisons with
their charts and the methodology (corrections log and references included), in that order. Each page's
article is taken from site/ as the reader sees it, without what only works on screen (permalinks,
download links, chart data tables, controls), with its ids made unique in the document and its links
pointing inside the PDF when their target is in it, to the site's address otherwise. Charts are the
static SVG each one already has (WeasyPrint draws SVG as vector). Nothing is fetched from the network:
WeasyPrint's url_fetcher serves files of the built site and of templates/print/ and refuses anything else.
"""

from __future__ import annotations

import mimetypes
import posixpath
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname
from xml.etree import ElementTree as ET

from generator.outputs.edition import edition_date  # the PDF's date is the edition's (pdf.edition_date in tests)

ROOT = Path(__file__).resolve().parent.parent.parent
STYLESHEET = ROOT / "templates" / "print" / "briefing-pdf.css"
# The PDF's file name in each edition's root folder (site/ and site/en/); the page header links to it.
PDF_NAME = {"zh": "briefing-zh.pdf", "en": "briefing-en.pdf"}
EDITION_ROOT = {"zh": "", "en": "en"}
# A table longer than this is cut in the PDF with a line saying where the rest is (platform pages list up
# to 200 collectibles on the site; the catalogue has them all).
TABLE_ROWS = 25
# A list longer than this is cut likewise (the home page cites 78 references; at 1,000 collectibles 838, and
# the PDF took 80 s an edition with them all).
LIST_ITEMS = 120
UNCUT = {"methodology/"}
LABELS = {
    "zh": {"edition": "{date} 版", "more": "PDF 只列出前 {shown} 行，共 {total} 行；全部见 {url}",
           "more_items": "PDF 只列出前 {shown} 条，共 {total} 条；全部见 {url}", "page": "第 {page} 页"},
    "en": {"edition": "Edition of {date}", "more": "The PDF lists the first {shown} of {total} rows; all of them at {url}",
           "more_items": "The PDF lists the first {shown} of {total} items; all of them at {url}",
           "page": "Page {page}"},
}
# Elements that only work on screen, by class (any of) or tag.
DROP_CLASSES = {"headerlink", "md-content__button", "bf-print-meta", "bf-chart-downloads", "bf-chart-data",
                "bf-catalogue-controls", "bf-pager", "bf-png", "bf-pdf-link",
                "bf-chart-share", "bf-chart-embed"}  # chart links and embed codes (outputs/share.py)
DROP_TAGS = {"script", "style", "button", "input", "select", "form", "noscript", "template", "iframe"}


# Tagged PDF (WeasyPrint's pdf_tags): a structure tree of headings, paragraphs, lists, tables with their
# header cells, figures with captions and links, in reading order, for screen readers and reflow. Measured on
# the seed data: about as fast (5-8 s an edition either way on a shared machine) and 25-40% larger (0.8 ->
# 1.0-1.1 MB). Not PDF/UA (pdf_variant="pdf/ua-1"), which we have not checked the PDF against.
PDF_OPTIONS = {"pdf_tags": True}


class PdfError(Exception):
    """The PDF of an edition cannot be made."""


SVG_PAD = 24  # px each side of a chart's SVG, for labels that come out wider than they were measured


def chart_for_print(svg: bytes) -> bytes:
    """A chart's static SVG as the PDF draws it: its fonts named as installed, a little room at each side.

    vl-convert lays text out with the first family of a list that it has (its own Liberation Sans among
    them); WeasyPrint has fontconfig's, which replaces Helvetica and Arial, listed first by the English
    charts, with DejaVu Sans, much wider: long axis labels ran out of the chart and were cut. So the first
    installed family of each list is named first (Noto Sans CJK SC here, the PDF's text font), and the view
    box grows by SVG_PAD at each side for the few pixels that a label may still be wider than measured.
    """
    from generator.charts import fonts

    installed = fonts.system_faces()

    def first(m: re.Match) -> bytes:
        css = m.group(1).decode("utf-8")
        family = next((f for f in fonts.families(css) if f in installed), None)
        return m.group(0) if family is None else f'font-family="\'{family}\', {css}"'.encode("utf-8")

    def room(m: re.Match) -> bytes:
        w, h = float(m.group(1)), float(m.group(2))
        return f'width="{w + 2 * SVG_PAD:g}" height="{h:g}" viewBox="{-SVG_PAD} 0 {w + 2 * SVG_PAD:g} {h:g}"'.encode()

    svg = re.sub(rb'font-family="([^"]*)"', first, svg)
    return re.sub(rb'width="([\d.]+)" height="([\d.]+)" viewBox="0 0 \1 \2"', room, svg, count=1)


def local_fetcher(*roots: Path):
    """A WeasyPrint url_fetcher that serves files under `roots` and refuses every other URL (network included).

    Refused URLs are kept in its `refused` list, and a refusal stops the rendering (FatalURLFetchingError);
    a missing file under `roots` is only a warning, as WeasyPrint gives for any resource it cannot load.
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    allowed = [Path(r).resolve() for r in roots]

    class LocalFetcher(URLFetcher):
        refused: list[str]

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(url2pathname(unquote(parts.path))).resolve()
                if any(path.is_relative_to(r) for r in allowed):
                    if not path.is_file():  # a missing file of the site: WeasyPrint warns and goes on
                        raise FileNotFoundError(path)
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    body = path.read_bytes()
                    if path.suffix == ".svg":
                        body = chart_for_print(body)
                    return URLFetcherResponse(path.as_uri(), body=body, headers={"Content-Type": kind})
            self.refused.append(url)
            raise FatalURLFetchingError(f"refused to fetch {url}: the PDF uses files of the built site only")

    fetcher = LocalFetcher(allowed_protocols=["file"])
    fetcher.refused = []
    return fetcher


@dataclass
class Edition:
    """One edition's built site: where it is, its address and name."""

    lang: str
    root: Path                  # site/ or site/en/
    url: str                    # the edition's address, from its home page's canonical link
    name: str                   # the site's name
    pages: list[str] = field(default_factory=list)   # chosen pages, as URLs relative to the edition's root


def _parse(path: Path) -> ET.Element:
    import tinyhtml5

    return tinyhtml5.parse(path.read_text(encoding="utf-8"), namespace_html_elements=False)  # the site is UTF-8


def _classes(el: ET.Element) -> set[str]:
    return set((el.get("class") or "").split())


def _text(el: ET.Element) -> str:
    return "".join(el.itertext()).strip()


def _page_file(root: Path, url: str) -> Path:
    return root / url / "index.html" if url == "" or url.endswith("/") else root / url


def _article(root: ET.Element) -> ET.Element | None:
    articles = list(root.iter("article"))
    return next((a for a in articles if "md-content__inner" in _classes(a)), articles[0] if articles else None)


def edition_of(site: Path, lang: str) -> Edition:
    """The edition's root, address, name and chosen pages, read from its built home and platforms pages."""
    root = Path(site) / EDITION_ROOT[lang]
    home = root / "index.html"
    if not home.is_file():
        raise PdfError(f"{home}: not built")
    doc = _parse(home)
    url = next((link.get("href") for link in doc.iter("link") if link.get("rel") == "canonical"), "") or ""
    if url and not url.endswith("/"):
        url = url.rsplit("/", 1)[0] + "/"
    title = next((_text(t) for t in doc.iter("title")), "")
    name = title.rsplit(" - ", 1)[-1].strip()
    ed = Edition(lang, root, url, name)
    platforms = []
    index = root / "platforms" / "index.html"
    if index.is_file():
        article = _article(_parse(index))
        for a in (article.iter("a") if article is not None else ()):
            target = _resolve("platforms/", a.get("href") or "")
            if target and target.startswith("platforms/") and target.count("/") == 2 and target not in platforms:
                if _page_file(root, target).is_file():
                    platforms.append(target)
    chosen = ["", "platforms/", *platforms, "comparisons/", "methodology/"]
    ed.pages = [p for p in chosen if _page_file(root, p).is_file()]
    return ed


def _resolve(page_url: str, href: str) -> str | None:
    """The in-site URL (relative to the edition's root, with any #fragment) a relative href points to, or None."""
    if not href or href.startswith("#"):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("/"):
        return None
    joined = urljoin("http://x/" + page_url, href)
    p = urlsplit(joined)
    path = posixpath.normpath(p.path) if p.path not in ("", "/") else "/"
    if p.path.endswith("/") and not path.endswith("/"):
        path += "/"
    path = path.lstrip("/")
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return path + (f"#{p.fragment}" if p.fragment else "")


def _key(url: str) -> str:
    return "p-" + (url.strip("/").replace("/", "-") or "home")


def _drop(el: ET.Element) -> bool:
    return el.tag in DROP_TAGS or bool(_classes(el) & DROP_CLASSES) or el.get("hidden") is not None


def _remove(parent: ET.Element, child: ET.Element, blank_tail: bool = True) -> None:
    """Remove child, keeping the text that follows it (ElementTree keeps it in .tail), unless blank_tail is
    False and that text is only white space."""
    tail = child.tail or ""
    if tail.strip() or (blank_tail and tail):
        siblings = list(parent)
        i = siblings.index(child)
        if i:
            siblings[i - 1].tail = (siblings[i - 1].tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(child)


def _prune(parent: ET.Element) -> None:
    """Remove screen-only descendants, keeping the text that follows each."""
    for child in list(parent):
        if _drop(child):
            _remove(parent, child)
        else:
            _prune(child)


# The citation formats a printed page keeps: the two a reader copies by hand. BibTeX and CSL-JSON are for
# reference managers (a click away on the site); set in the PDF they ran off the page's right edge.
PRINT_CITE_FORMATS = {"gbt", "apa"}


def _print_citations(section: ET.Element) -> None:
    """Citations as the PDF prints them: no "cite this page" box on each page (it cites the web page, and
    took most of a PDF page each time), and the dataset's and the sources' on the methodology page in GB/T
    7714 and APA only, under their headings (the box's summary, which names all four formats, dropped)."""
    for parent in list(section.iter()):
        for child in list(parent):
            if child.get("id") == "cite-this-page":
                _remove(parent, child, blank_tail=False)
            elif child.tag == "summary" and "bf-cite-box" in _classes(parent):
                parent.remove(child)
            elif "bf-cite-format" in _classes(child):
                pre = child.find("pre")
                if pre is not None and pre.get("data-cite-format") not in PRINT_CITE_FORMATS:
                    parent.remove(child)


def _cut_long(section: ET.Element, ed: Edition, page_url: str) -> set[str]:
    """Cut tables and lists longer than the caps, with a line saying where the rest is; the ids cut."""
    labels = LABELS[ed.lang]
    cut: set[str] = set()
    for parent in list(section.iter()):
        for child in list(parent):
            if child.tag == "table":
                holder = child.find("tbody")
                holder = child if holder is None else holder
                items, cap, label = [r for r in holder if r.tag == "tr"], TABLE_ROWS, "more"
            elif child.tag in ("ol", "ul"):
                holder, items, cap, label = child, [li for li in child if li.tag == "li"], LIST_ITEMS, "more_items"
            else:
                continue
            if len(items) <= cap:
                continue
            for item in items[cap:]:
                cut.update(el.get("id") for el in item.iter() if el.get("id"))
                holder.remove(item)
            note = ET.Element("p", {"class": "bf-pdf-more"})
            note.text = labels[label].format(shown=cap, total=f"{len(items):,}", url=ed.url + page_url)
            parent.insert(list(parent).index(child) + 1, note)
    return cut


def page_section(ed: Edition, page_url: str, included: dict[str, str]) -> ET.Element:
    """One page's article as a <section> of the PDF's document."""
    file = _page_file(ed.root, page_url)
    article = _article(_parse(file))
    if article is None:
        raise PdfError(f"{file}: no <article> to print")
    key = included[page_url]
    section = ET.Element("section", {"class": "bf-pdf-page", "id": key, "lang": ed.lang})
    section.text = article.text
    section.extend(list(article))
    _prune(section)
    _print_citations(section)
    # The methodology page is kept whole: its corrections log and dictionary do not grow with the data.
    cut = set() if page_url in UNCUT else _cut_long(section, ed, page_url)
    page_dir = file.parent
    for el in section.iter():
        if el is not section and el.get("id"):
            el.set("id", f"{key}--{el.get('id')}")
        for attr in ("aria-labelledby", "aria-describedby"):
            if el.get(attr):
                el.set(attr, " ".join(f"{key}--{i}" for i in el.get(attr).split()))
        href = el.get("href")
        if href is not None and el.tag == "a":
            if href.startswith("#") and href[1:] in cut:  # a reference the PDF does not list: the site's page lists it
                el.set("href", ed.url + page_url + href)
            elif href.startswith("#"):
                el.set("href", f"#{key}--{href[1:]}" if len(href) > 1 else f"#{key}")
            else:
                target = _resolve(page_url, href)
                if target is not None:
                    path, _, frag = target.partition("#")
                    if path in included:
                        el.set("href", f"#{included[path]}--{frag}" if frag else f"#{included[path]}")
                    else:
                        el.set("href", ed.url + target)
            el.attrib.pop("download", None)
        src = el.get("src")
        if src is not None and el.tag == "img":
            if not urlsplit(src).scheme:
                el.set("src", (page_dir / unquote(src.split("#")[0])).resolve().as_uri())
            el.attrib.pop("loading", None)
    return section


def _css_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def document(ed: Edition, date: str) -> str:
    """The PDF's HTML: every chosen page's section, with the running heads' strings."""
    included = {url: _key(url) for url in ed.pages}
    html = ET.Element("html", {"lang": "zh-CN" if ed.lang == "zh" else "en"})
    head = ET.SubElement(html, "head")
    ET.SubElement(head, "meta", {"charset": "utf-8"})
    ET.SubElement(head, "title").text = ed.name
    ET.SubElement(head, "meta", {"name": "dcterms.created", "content": date})
    ET.SubElement(head, "meta", {"name": "generator", "content": "python -m generator site (WeasyPrint)"})
    labels = LABELS[ed.lang]
    running = ET.SubElement(head, "style")
    running.text = (
        f"@page {{ @top-left {{ content: {_css_string(ed.name)}; }}"
        f" @top-right {{ content: {_css_string(labels['edition'].format(date=date))}; }}"
        f" @bottom-left {{ content: {_css_string(ed.url)}; }}"
        f" @bottom-right {{ content: {_css_string(labels['page'].split('{page}')[0])} counter(page)"
        f" {_css_string(labels['page'].split('{page}')[1] + ' / ')} counter(pages); }} }}"
    )
    body = ET.SubElement(html, "body", {"class": f"bf-pdf bf-pdf-{ed.lang}"})
    for url in ed.pages:
        body.append(page_section(ed, url, included))
    return "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html")


def write_pdf(site: Path, lang: str, out: Path | None = None) -> Path:
    """Make one edition's PDF from its built pages into its root folder (or `out`); return its path."""
    from weasyprint import CSS, HTML

    ed = edition_of(site, lang)
    html = document(ed, edition_date())
    fetcher = local_fetcher(ed.root, STYLESHEET.parent)
    target = Path(out) if out else ed.root / PDF_NAME[lang]
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        HTML(string=html, base_url=ed.root.resolve().as_uri() + "/", url_fetcher=fetcher).write_pdf(
            tmp, stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=fetcher)], **PDF_OPTIONS)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if fetcher.refused:
            raise PdfError(f"{lang} PDF: refused to fetch {', '.join(fetcher.refused)}") from exc
        raise
    tmp.replace(target)
    return target


def _timed(site: Path, lang: str) -> tuple[Path, float]:
    start = time.perf_counter()
    return write_pdf(site, lang), time.perf_counter() - start


def write_pdfs(site: Path, langs: list[str], quiet: bool = False) -> int:
    """Make the PDF of every built edition, side by side; 0 when all were made, 1 otherwise (errors printed)."""
    import logging
    import multiprocessing

    # WeasyPrint warns about fonts and CSS it ignores; keep its errors only.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    status = 0
    # Each edition in a forked process of its own: the two use both cores (about 7 s each here).
    with multiprocessing.get_context("fork").Pool(min(2, len(langs)) or 1) as pool:
        jobs = [(lang, pool.apply_async(_timed, (Path(site), lang))) for lang in langs]
        for lang, job in jobs:
            try:
                path, seconds = job.get()
            except PdfError as exc:
                print(f"pdf: {exc}", file=sys.stderr)
                status = 1
                continue
            if not quiet:
                print(f"pdf: {path} ({path.stat().st_size / 1e6:.1f} MB, {seconds:.1f} s)")
    return status


def measure(site: Path, langs: list[str]) -> dict[str, dict[str, float]]:
    """For `make bench`: each edition's PDF as the site build made it, its megabytes and pages."""
    from pypdf import PdfReader

    out = {}
    for lang in langs:
        path = edition_of(site, lang).root / PDF_NAME[lang]
        out[lang] = {"mb": round(path.stat().st_size / 1e6, 2), "pages": len(PdfReader(path).pages)}
    return out
