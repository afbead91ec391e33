"""Page metadata, share images, chart pages of their own and "cite this page": what readers share and cite.

- Every page's front matter gets a description, a share image and its citation fields (finish_page); the
  theme override (overrides/main.html) turns them into Open Graph, Twitter card and citation_* tags.
- Share images (1200x630 PNG) only for the pages people share: home, platform pages, comparisons,
  methodology and each chart; every other page names the home page's. Drawn as an SVG card and rasterized
  by vl-convert with the Noto CJK fonts, cached by the card's SVG (.cache/share/).
- Each chart gets a page of its own, charts/<id>/index.html, that shows just the chart (its static SVG),
  title, source line and a link back, loading nothing but our own files: the embed code's iframe shows it.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from pathlib import Path
from typing import Any

from generator.outputs import cite
from generator.outputs.edition import edition_date

SITE_NAMES = {"zh": "数字藏品平台对比简报", "en": "Digital Collectibles Platforms Compared"}
SITE_URL_DEFAULTS = {"zh": ("SITE_URL", "http://127.0.0.1:8000/"), "en": ("SITE_URL_EN", "http://127.0.0.1:8000/en/")}
SHARE_DIR = "assets/generated/share"
CARD_W, CARD_H = 1200, 630
CJK_FONT_DIRS = ("/usr/share/fonts/opentype/noto",)
CARD_FONT = "Noto Sans CJK SC"
CARD_TEXT_BOTTOM = 448  # the lowest baseline of the title, figure and note: the platform legend starts at 474
# Pages people share (Page.title_key); platform pages are "platform:<id>".
SHARED_PAGES = ("home", "comparisons", "methodology")


def site_url(lang: str) -> str:
    """The edition's address, as mkdocs.yml / mkdocs.en.yml read it (SITE_URL, SITE_URL_EN); the English
    edition lives at SITE_URL/en/ when only SITE_URL is set, as the site build derives it (generator/site/site.py)."""
    name, default = SITE_URL_DEFAULTS[lang]
    url = os.environ.get(name) or default
    if lang == "en" and not os.environ.get(name) and os.environ.get("SITE_URL"):
        url = os.environ["SITE_URL"].rstrip("/") + "/en/"
    return url if url.endswith("/") else url + "/"


def data_date(ds: Any) -> str:
    """The date the data stands at: the latest date a source was read (YYYY-MM-DD). A citation's access date
    until the reader's browser puts today's in its place (briefing.js); the publication date is the edition's
    (generator/outputs/edition.py)."""
    return max(str(s.accessed) for s in ds.sources)


def share_name(page: Any) -> str | None:
    """The share image's name for a page people share, else None."""
    if page.title_key in SHARED_PAGES:
        return page.title_key
    if page.title_key.startswith("platform:"):
        return "platform-" + page.title_key.split(":", 1)[1]
    return None


# --------------------------------------------------------------------------- page front matter

def _plain(markdown: str) -> str:
    """Markdown of a paragraph as plain text: citation marks, tags, links and escapes removed."""
    text = re.sub(r"<sup>.*?</sup>", "", markdown)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"(?<!\\)(\*\*|__)(.+?)(?<!\\)\1", r"\2", text)  # strong emphasis
    text = re.sub(r"\\(.)", r"\1", text)
    return " ".join(html.unescape(text).split())


def description(body: str, lang: str, limit: int | None = None) -> str:
    """The page's first paragraph of prose after its title, as plain text, cut at a sentence or ~limit."""
    limit = limit or (110 if lang == "zh" else 200)
    for block in body.split("\n\n")[1:]:
        block = block.strip()
        if not block or block[0] in "#|<{-*>!" or block.startswith("<!--"):
            continue
        # A numbered list (the front page's findings): the first item's text, without its number.
        text = _plain(re.sub(r"^\d+\.\s+", "", re.split(r"\n(?=\d+\.\s)", block)[0]))
        if len(text) < 8:
            continue
        if len(text) <= limit:
            return text
        cut = text[:limit]
        ends = [cut.rfind(p) for p in ("。", "；", ". ", "; ")]
        end = max(ends)
        return cut[:end + 1].strip() if end > limit // 2 else cut.rstrip() + "…"
    return ""


def page_work(lang: str, page_url: str, title: str, ds: Any, published: str | None = None) -> cite.Work:
    """The citation of one page of the briefing (the site is its group author), published on the edition's date."""
    key = "briefing-" + lang + ("-" + re.sub(r"[^a-z0-9]+", "-", page_url.lower()).strip("-") if page_url else "-home")
    return cite.Work(key, "webpage", title, (cite.Author(literal=SITE_NAMES[lang]),), accessed=data_date(ds),
                     published=published or edition_date(), url=site_url(lang) + page_url, site=SITE_NAMES[lang], lang=lang,
                     changes=True)


def dataset_work(lang: str, ds: Any, published: str | None = None) -> cite.Work:
    """The citation of the dataset (its Data Package on the methodology page)."""
    title = "数字藏品平台对比数据集" if lang == "zh" else "Digital collectibles platforms dataset"
    return cite.Work(f"briefing-{lang}-dataset", "dataset", title, (cite.Author(literal=SITE_NAMES[lang]),),
                     accessed=data_date(ds), published=published or edition_date(),
                     url=site_url(lang) + "assets/generated/data/datapackage.json", publisher=SITE_NAMES[lang],
                     lang=lang, changes=True)


def source_work(lang: str, s: Any) -> cite.Work:
    """The citation of a source article, as we read it (its author, else its outlet, as the author)."""
    # A byline such as 晓艳 stays whole (literal): we do not know which part is a family name.
    authors = (cite.Author(literal=s.author),) if s.author else (cite.Author(literal=getattr(s.outlet or s.publisher, lang)),)
    site = getattr(s.publisher, lang)
    if s.outlet:
        site = f"{getattr(s.outlet, lang)}/{site}"
    return cite.Work(s.id, "article", s.title, authors, accessed=str(s.accessed), published=str(s.published),
                     url=s.url or s.original_url, site=site, lang=s.language)


def citation_tags(work: cite.Work) -> dict[str, str]:
    """Highwire Press tags (Google Scholar's citation_*), values as plain text."""
    return {"citation_title": work.title,
            "citation_author": "; ".join(a.literal or f"{a.family}, {a.given}" for a in work.authors),
            "citation_publication_date": (work.published or "").replace("-", "/"),
            "citation_online_date": (work.published or "").replace("-", "/"),
            "citation_publisher": work.site or "",
            "citation_language": cite.LANG_TAGS.get(work.lang, work.lang),
            "citation_fulltext_html_url": work.url or "",
            "citation_pdf_url": ""}


def finish_page(env: Any, body: str, page: Any, lang: str, ds: Any, title: str) -> tuple[str, dict]:
    """The page with its "cite this page" block, and the front matter fields for the theme override."""
    # The edition's date, found once per edition (render_edition puts it in the environment).
    published = env.globals.get("edition_date") or edition_date()
    work = page_work(lang, page.url, html.unescape(title), ds, published)
    name = share_name(page) or "home"
    formats = cite.formats(work)
    if page.title_key == "methodology":
        block = _cite_block(env, lang, work, formats, dataset=_cite_view(dataset_work(lang, ds, published)),
                            sources=[dict(_cite_view(source_work(lang, s)), label=s.title if lang == "zh" else s.title_en)
                                     for s in ds.sources])
    else:
        # The partial rendered once per edition and date with a stand-in for each format (rendering it for each
        # of 20,000 pages took 0.5 ms a page), kept in the edition's environment; each page's text put in.
        key = ("_cite_block", lang, work.accessed)
        skeleton = env.globals.get(key)
        if skeleton is None:
            skeleton = env.globals[key] = _cite_block(env, lang, work, {f: f"\0{f}\0" for f in formats})
        block = skeleton
        for fmt, text in formats.items():
            block = block.replace(f"\0{fmt}\0", html.escape(text, quote=False))  # element text: quotes stay
    tags = {k: v for k, v in citation_tags(work).items() if v}
    summary = description(body, lang)
    meta = {"description": html.escape(summary, quote=True)} if summary else {}  # else the site's description
    meta.update({"share_image": f"{SHARE_DIR}/{name}.png", "citation": tags})
    return body.rstrip("\n") + "\n\n" + block.strip("\n") + "\n", meta


def _cite_block(env: Any, lang: str, work: cite.Work, formats: dict[str, str], dataset: dict | None = None,
                sources: tuple | list = ()) -> str:
    return env.get_template("partials/cite.md.j2").render(
        lang=lang, work=work, formats=formats, parts=_parts(work), dataset=dataset, sources=sources)


def _parts(work: cite.Work) -> dict[str, str]:
    return {fmt: cite.accessed_part(fmt, work.accessed) for fmt in ("gbt", "apa", "bibtex", "csl")}


def _cite_view(work: cite.Work) -> dict:
    return {"work": work, "formats": cite.formats(work), "parts": _parts(work)}


# --------------------------------------------------------------------------- chart pages of their own

def chart_home(cid: str, site_chart_ids: list[str], ds: Any) -> str:
    """The URL (within the edition) of the page a chart belongs to."""
    if cid in site_chart_ids:
        return "comparisons/"
    for p in ds.platforms:
        if cid.endswith("-" + p.id):
            return f"platforms/{p.id}/"
    return ""


def embed_code(url: str, title: str, height: int = 560) -> str:
    """The iframe snippet that shows a chart's own page on another site."""
    e = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    return (f'<iframe src="{e(url)}" title="{e(title)}" width="100%" height="{height}" style="border:0" '
            'loading="lazy"></iframe>')


def chart_page(lang: str, chart: Any, home: str, home_title: str, source: str) -> bytes:
    """charts/<id>/index.html: the chart alone, for a link or an iframe. Our own files only, relative paths."""
    from generator.pages import fmt

    e = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    url = site_url(lang) + f"charts/{chart.id}/"
    image = site_url(lang) + f"{SHARE_DIR}/chart-{chart.id}.png"
    back = "返回" if lang == "zh" else "Back to"
    meta = "".join(f'<meta property="{k}" content="{e(v)}">\n' for k, v in (
        ("og:type", "website"), ("og:site_name", SITE_NAMES[lang]), ("og:title", chart.title),
        ("og:description", chart.description), ("og:url", url), ("og:image", image), ("og:image:width", CARD_W),
        ("og:image:height", CARD_H), ("og:image:alt", chart.title)))
    meta += "".join(f'<meta name="{k}" content="{e(v)}">\n' for k, v in (
        ("description", chart.description), ("twitter:card", "summary_large_image"), ("twitter:title", chart.title),
        ("twitter:description", chart.description), ("twitter:image", image)))
    text = f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(chart.title)} - {e(SITE_NAMES[lang])}</title>
<link rel="canonical" href="{e(url)}">
{meta}<link rel="icon" href="../../assets/images/favicon.png">
<link rel="stylesheet" href="../../assets/generated/css/embed.css">
</head>
<body>
<figure class="bf-embed" id="fig-{e(chart.id)}">
<h1 class="bf-embed-title">{e(chart.title)}</h1>
<img src="../../assets/generated/charts/{e(chart.id)}.svg" alt="{e(chart.description)}">
<figcaption>
<p class="bf-embed-source">{fmt.html_text(fmt.EnglishText(source) if lang == "en" else source)}</p>
<p class="bf-embed-back"><a href="../../{e(home)}#fig-{e(chart.id)}" target="_top">{back} {e(SITE_NAMES[lang])}{'：' if lang == 'zh' else ': '}{e(home_title)}</a> · <a href="../../briefing-{lang}.pdf" class="bf-pdf-link" download>{'简报 PDF' if lang == 'zh' else 'The briefing as PDF'}</a></p>
</figcaption>
</figure>
</body>
</html>
"""
    return text.encode("utf-8")


# --------------------------------------------------------------------------- share images

def _width(text: str, size: float) -> float:
    """About how wide text is set in Noto Sans CJK at size px (CJK and full-width: 1 em; others ~0.56)."""
    return sum(size if ord(c) > 0x2E7F else size * (0.3 if c == " " else 0.58) for c in text)


NO_LINE_START = set("，。、；：！？）》」』”’,.;:!?)")


def wrap(text: str, size: float, width: float, lines: int) -> list[str]:
    """Lines of at most width px: breaks between words, or anywhere in CJK text; the last cut with '…'."""
    tokens = re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+", text)
    out, line = [], ""
    for tok in tokens:
        if line and tok in NO_LINE_START:  # ，。）” never begin a line (中文排版): kept on the line before
            line += tok
        elif line and _width(line + tok, size) > width:
            out.append(line.rstrip())
            line = "" if tok.isspace() else tok
        else:
            line += tok
    if line.strip():
        out.append(line.rstrip())
    if len(out) > lines:
        last = out[lines - 1]
        while last and _width(last + "…", size) > width:
            last = last[:-1]
        out = out[:lines - 1] + [last.rstrip() + "…"]
    return out


def card_svg(lang: str, title: str, figure: str, colours: list[tuple[str, str]], source: str, note: str = "",
             accent: str = "#3f51b5") -> str:
    """A share card: the site's name, the title, the key figure (or else a note: what the chart shows, the
    page's first sentence), the platform colours, the source line."""
    e = lambda s: html.escape(str(s), quote=False)  # noqa: E731
    font = f'font-family="{CARD_FONT}"'
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{CARD_W}" height="{CARD_H}" viewBox="0 0 {CARD_W} {CARD_H}" '
             f'xml:lang="{"zh-CN" if lang == "zh" else "en"}">',
             f'<rect width="{CARD_W}" height="{CARD_H}" fill="#fbfbfd"/>']
    band = CARD_W / max(1, len(colours))
    for i, (_name, colour) in enumerate(colours):
        parts.append(f'<rect x="{i * band:.1f}" y="0" width="{band + 0.5:.1f}" height="14" fill="{e(colour)}"/>')
    parts.append(f'<text x="80" y="92" {font} font-size="28" fill="#5a5f73">{e(SITE_NAMES[lang])}</text>')
    size = 64 if _width(title, 64) <= 2 * 1040 else 52
    y = 190
    for line in wrap(title, size, 1040, 3):
        parts.append(f'<text x="80" y="{y}" {font} font-size="{size}" font-weight="700" fill="#15172a">{e(line)}</text>')
        y += int(size * 1.3)
    # The figure and the note take the lines left above the platform legend (its squares start at y=474):
    # a two-line figure left the note no room, and the note ran into the legend.
    if figure:
        room = max(1, min(2, (CARD_TEXT_BOTTOM - (y + 20)) // 54 + 1))
        fsize = 40 if len(wrap(figure, 40, 1040, 9)) <= room else 32  # smaller rather than cut
        for line in wrap(figure, fsize, 1040, room):
            parts.append(f'<text x="80" y="{y + 20}" {font} font-size="{fsize}" font-weight="700" fill="{e(accent)}">{e(line)}</text>')
            y += 54
    if note:
        size = 32 if not figure else 28  # the size the note is wrapped for is the size it is set in
        step = int(size * 1.375)
        room = min(2, (CARD_TEXT_BOTTOM - (y + 10)) // step + 1) if y + 10 <= CARD_TEXT_BOTTOM else 0
        for line in wrap(note, size, 1040, room) if room > 0 else ():
            parts.append(f'<text x="80" y="{y + 10}" {font} font-size="{size}" fill="#3b3f55">{e(line)}</text>')
            y += step
    x = 80.0
    for name, colour in colours:
        parts.append(f'<rect x="{x:.1f}" y="474" width="26" height="26" rx="4" fill="{e(colour)}"/>')
        parts.append(f'<text x="{x + 38:.1f}" y="496" {font} font-size="28" fill="#2b2e40">{e(name)}</text>')
        x += 38 + _width(name, 28) + 48
    for i, line in enumerate(wrap(source, 24, 1040, 2)):
        parts.append(f'<text x="80" y="{560 + i * 32}" {font} font-size="24" fill="#5a5f73">{e(line)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


class ShareImages:
    """PNG renderings of share cards, cached on disk by the card's SVG (fonts registered once per process)."""

    def __init__(self, cache: Path | None = None) -> None:
        from generator.charts.statics import CACHE

        self.cache = cache or CACHE.parent / "share"
        self.made = 0
        self._ready = False

    def png(self, svg: str) -> bytes:
        key = hashlib.sha256((CARD_FONT + "\0" + svg).encode("utf-8")).hexdigest()[:32]
        path = self.cache / f"{key}.png"
        try:
            return path.read_bytes()
        except OSError:
            pass
        import vl_convert as vlc

        if not self._ready:
            for folder in CJK_FONT_DIRS:
                if os.path.isdir(folder):
                    vlc.register_font_directory(folder)
            self._ready = True
        data = vlc.svg_to_png(svg, scale=1.0)
        from generator.outputs.write import _atomic_write

        _atomic_write(path, data)
        self.made += 1
        return data


def _front_title(data: bytes) -> str:
    """The title in a generated page's front matter (HTML text), as plain text."""
    head = data[:2000].decode("utf-8", "replace").split("\n")
    for line in head[1:4]:
        if line.startswith("title: "):
            return html.unescape(json.loads(line[7:]))
    return ""


def edition_files(lang: str, ds: Any, idx: dict, charts: dict, site_chart_ids: list[str], source_line: Any,
                  pages: list, page_files: dict[str, bytes], trans: Any, images: ShareImages | None = None
                  ) -> dict[str, bytes]:
    """One edition's chart pages and share images (paths relative to content/)."""
    from generator.analysis import figures as an
    from generator.charts.charts import FIGURE_LABELS
    from generator.pages.fmt import number, quantity

    prefix = "" if lang == "zh" else "en/"
    images = images or ShareImages()
    out: dict[str, bytes] = {}
    platforms = idx["platforms"]
    colours = [(platforms[pid].platform_name.zh if lang == "zh" else platforms[pid].platform_name.en, colour)
               for pid, colour in idx["colours"].items() if pid in platforms]
    titles = {page.url: _front_title(page_files.get(prefix + page.file, b"")) for page in pages
              if share_name(page) or page.url in ("comparisons/",) or page.title_key.startswith("platform:")}
    all_cites = idx["headline"].platforms.cites + idx["headline"].collectibles.cites
    g = trans.gettext
    for page in pages:
        name = share_name(page)
        if name is None:
            continue
        figure, cites, accent = "", all_cites, "#3f51b5"
        note = description(page_files.get(prefix + page.file, b"").decode("utf-8"), lang)
        if page.title_key == "home":
            hl = idx["headline"]
            sep = "，" if lang == "zh" else ", "
            figure = sep.join(trans.ngettext(s, s, v.value).format(n=number(v.value, lang)) for s, v in (
                ("{n} 个平台", hl.platforms), ("{n} 条藏品记录", hl.collectibles), ("{n} 个合作方", hl.partners)))
        elif page.title_key.startswith("platform:"):
            p = page.context["platform"]
            cites = an.cites_of(p)
            accent = idx["colours"].get(p.id, accent)  # the platform's own colour
            f = next(iter(p.figures), None)
            if f is not None:  # with its scope and note, which keep the source's hedges (雷报不完全统计…)
                value = g("不限量") if f.quantity is None else quantity(f.quantity, lang, f.unit)
                label = g(FIGURE_LABELS[f.measure])
                if f.scope is not None:
                    label += f"{g('（')}{getattr(f.scope, lang)}{g('）')}"
                figure = f"{label}{g('：')}{value}"
                note = getattr(f.note, lang)
        svg = card_svg(lang, titles.get(page.url, ""), figure, colours, source_line(cites, lang, short=True), note,
                       accent)
        out[f"{prefix}{SHARE_DIR}/{name}.png"] = images.png(svg)
    for cid, chart in charts.items():
        home = chart_home(cid, site_chart_ids, ds)
        out[f"{prefix}charts/{cid}/index.html"] = chart_page(lang, chart, home, titles.get(home, ""),
                                                             source_line(chart.cites, lang))
        svg = card_svg(lang, chart.title, "", colours, source_line(chart.cites, lang, short=True), chart.subtitle)
        out[f"{prefix}{SHARE_DIR}/chart-{cid}.png"] = images.png(svg)
    return out
