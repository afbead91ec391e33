"""Page metadata (Open Graph, Twitter card, citation_*), share images, chart pages and "cite this page"."""

from __future__ import annotations

import html
import json
import re
import shutil
import struct

import pytest

from conftest import ROOT, build_into
from generator.outputs import cite, share
from generator.outputs.edition import edition_date
from generator.model.validate import load_dataset

EVIL = "<script>alert(1)</script>\"'&"
KINDS = {"home": "index.html", "platforms": "platforms/index.html", "platform": "platforms/jd-lingxi/index.html",
         "collectible": "collectibles/joy-doga/index.html", "partner": "partners/jd/index.html",
         "partners": "partners/index.html", "catalogue": "collectibles/index.html", "timeline": "timeline/index.html",
         "comparisons": "comparisons/index.html", "methodology": "methodology/index.html", "about": "about/index.html"}
SHARED = ["index.md", "comparisons/index.md", "methodology/index.md", "platforms/jd-lingxi/index.md"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The shipped data, one collectible named with HTML, quotes and an ampersand, built strictly."""
    tmp = tmp_path_factory.mktemp("share")
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data)
    text = (data / "collectibles.yaml").read_text(encoding="utf-8")
    text = text.replace('name: {zh: "JOY&DOGA系列"', f'name: {{zh: {json.dumps(EVIL)}', 1)
    (data / "collectibles.yaml").write_text(text, encoding="utf-8")
    load_dataset(data)
    return build_into(tmp, data=data, static=False)


def metas(page: str) -> dict[str, str]:
    """<meta property|name=... content=...> of a page (content as written, still escaped)."""
    out = {}
    for m in re.finditer(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', page):
        out.setdefault(m.group(1), m.group(2))
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_page_kind_has_title_description_canonical_and_share_image(site, kind, lang):
    rel = ("" if lang == "zh" else "en/") + KINDS[kind]
    page = (site.site / rel).read_text(encoding="utf-8")
    m = metas(page)
    for key in ("og:title", "og:description", "og:url", "og:image", "twitter:card", "twitter:title",
                "twitter:image", "description"):
        assert m.get(key), (rel, key)
    assert re.search(r'<link rel="canonical" href="[^"]+">', page), rel
    assert m["og:image:width"] == "1200" and m["og:image:height"] == "630"
    image = m["og:image"]
    base = share.SITE_URL_DEFAULTS[lang][1]
    assert image.startswith(base), image
    assert (site.site / ("" if lang == "zh" else "en/") / image[len(base):]).is_file(), image
    if kind != "about":  # hand-written pages have no generated front matter
        for key in ("citation_title", "citation_author", "citation_publication_date", "citation_language"):
            assert m.get(key), (rel, key)
        assert m["citation_language"] == ("zh-CN" if lang == "zh" else "en")


def test_meta_tags_escape_data(site):
    page = (site.site / KINDS["collectible"]).read_text(encoding="utf-8")
    m = metas(page)
    assert "<script>alert(1)" not in page
    assert html.unescape(m["og:title"]) == EVIL
    assert html.unescape(m["twitter:title"]) == EVIL
    assert html.unescape(m["citation_title"]) == EVIL
    assert m["citation_title"] == "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39;&amp;"


def test_description_is_the_first_paragraph_as_plain_text():
    body = "# T\n\nA [link](x/), `code` and **bold**<sup><a href='#c'>[1]</a></sup> \\*x\\*\\*. Second.\n\n## H\n"
    assert share.description(body, "en") == "A link, code and bold *x**. Second."
    long = "# T\n\n" + "这是一句话。" * 40 + "\n"
    assert share.description(long, "zh") == "这是一句话。" * 18


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_share_images_are_1200_by_630_for_every_shared_page_and_chart(site, lang):
    prefix = "" if lang == "zh" else "en/"
    folder = site.content / prefix / share.SHARE_DIR
    names = ["home", "comparisons", "methodology", "platform-jd-lingxi", "platform-tmall-digital-collectibles",
             "platform-xiaohongshu-r-space"]
    names += ["chart-" + p.parent.name for p in (site.content / prefix / "charts").glob("*/index.html")]
    assert len(names) > 10
    for name in names:
        assert png_size((folder / f"{name}.png").read_bytes()) == (1200, 630), name
    # only those: the other pages name the home page's image
    assert sorted(p.stem for p in folder.glob("*.png")) == sorted(names)


def test_share_card_has_title_key_figure_colours_and_source():
    svg = share.card_svg("zh", "标题 <b>&", "3 个平台", [("京东", "#e4393c")], "来源：雷报Pro/36氪，2022年6月3日")
    assert "标题 &lt;b&gt;&amp;" in svg and "3 个平台" in svg and 'fill="#e4393c"' in svg and "来源：雷报Pro" in svg
    assert share.wrap("aaaa bbbb cccc", 10, 40, 2) == ["aaaa", "bbbb…"]


def _card_lines(svg: str) -> list[tuple[float, float, str]]:
    """(baseline y, font size, text) of every line of text of a card."""
    return [(float(y), float(size), html.unescape(text)) for y, size, text in
            re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]* font-size="([\d.]+)"[^>]*>([^<]*)</text>', svg)]


@pytest.mark.parametrize("lang,title,figure,note", [
    ("en", "Xiaohongshu · STEP INTO R-SPACE", "Edition size (collectibles sold with physical goods): tens or "
     "hundreds of copies (our reading: about 10–999)", "The most common edition size of the collectibles sold."),
    ("zh", "京东灵稀、天猫数字藏品主要随实物商品赠送数字藏品，小红书 STEP INTO R-SPACE 则反过来，搭配实物时是买藏品送实物。",
     "3 个平台，11 条藏品记录，28 个合作方", "赠品还是商品。灵稀、天猫数字藏品主要把数字藏品当作实物商品的赠品：随指定商品赠送，"
     "或订单满额后获赠、抽取，但灵稀也有直接出售的藏品。"),
])
def test_share_card_text_stays_above_the_legend_and_inside_the_card(lang, title, figure, note):
    """The title, figure and note never reach the platform legend, and no line is wider than the card allows."""
    svg = share.card_svg(lang, title, figure, [("京东", "#e4393c"), ("天猫", "#0a6ebd")], "来源：雷报Pro", note)
    lines = _card_lines(svg)
    body = [(y, size, text) for y, size, text in lines if 100 < y < 470]
    assert body and all(y <= share.CARD_TEXT_BOTTOM for y, _size, _text in body), body
    for _y, size, text in body:
        assert share._width(text, size) <= 1040 + size, text  # a closing mark may hang past the measure
    assert any(figure[:6] in text for _y, _s, text in body), "the key figure is shown"


def test_wrapped_lines_never_begin_with_closing_punctuation():
    lines = share.wrap("原文“近超百个”前后矛盾（“近”与“超”），故记为约100。", 28, 28 * 18, 3)
    assert len(lines) > 1 and not any(line[0] in share.NO_LINE_START for line in lines), lines


def test_a_numbered_finding_is_described_without_its_number():
    body = "# 标题\n\n1. **赠品还是商品。** 灵稀主要把数字藏品当作赠品。\n2. **价格。** 第二条。\n"
    assert share.description(body, "zh") == "赠品还是商品。 灵稀主要把数字藏品当作赠品。"


def test_chart_page_shows_the_chart_alone_with_relative_paths(site):
    page = (site.site / "charts" / "edition" / "index.html").read_text(encoding="utf-8")
    assert '<h1 class="bf-embed-title">各平台藏品发行量</h1>' in page
    assert "来源：雷报Pro（晓艳）" in page
    assert 'href="../../comparisons/#fig-edition" target="_top"' in page
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        if not url.startswith(share.SITE_URL_DEFAULTS["zh"][1]):  # the canonical link
            assert not re.match(r"[a-z]+:", url), url
    assert "<script" not in page


def test_figures_link_to_their_anchor_chart_page_and_embed_code(site):
    page = (site.site / "comparisons" / "index.html").read_text(encoding="utf-8")
    base = share.SITE_URL_DEFAULTS["zh"][1]
    assert f'data-copy-text="{base}comparisons/#fig-edition"' in page
    assert 'href="../charts/edition/"' in page
    code = re.search(r'<textarea id="embed-edition"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert html.unescape(code) == (f'<iframe src="{base}charts/edition/" title="各平台藏品发行量" width="100%" '
                                   'height="560" style="border:0" loading="lazy"></iframe>')


def test_methodology_cites_the_dataset_and_the_article(site, dataset):
    page = html.unescape((site.site / "methodology" / "index.html").read_text(encoding="utf-8"))
    s = dataset.sources[0]
    assert s.author == "晓艳" and str(s.published) == "2022-06-03"
    assert f"晓艳. {s.title}[EB/OL]. (2022-06-03)[{s.accessed}]. {s.original_url}." in page
    assert s.title.endswith("？")  # APA adds no period after a title's own question mark
    assert f"晓艳. (2022, June 3). {s.title} 雷报Pro/36氪. {s.original_url}" in page
    # Published on the edition's date; accessed on the data's (until the reader's browser puts today's in).
    assert f"数字藏品平台对比简报. 数字藏品平台对比数据集[DS/OL]. ({edition_date()})[{share.data_date(dataset)}]." in page
    assert '"type": "dataset"' in page and "@dataset{briefing-zh-dataset," in page


def test_every_generated_page_offers_its_citation(site):
    for md in (site.content / "platforms").rglob("index.md"):
        text = md.read_text(encoding="utf-8")
        assert '<details class="bf-cite-box" data-pagefind-ignore id="cite-this-page">' in text, md
        for fmt in ("gbt", "apa", "bibtex", "csl"):
            assert f'id="cite-page-{fmt}"' in text, md
    page = html.unescape((site.site / "en" / "timeline" / "index.html").read_text(encoding="utf-8"))
    assert ("Digital Collectibles Platforms Compared. Timeline[EB/OL]. (2026-12-10)[2026-11-26]. "
            "http://127.0.0.1:8000/en/timeline/.") in page


def test_site_names_match_the_mkdocs_configs():
    for lang, name in (("zh", "mkdocs.yml"), ("en", "mkdocs.en.yml")):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert re.search(r"^site_name: (.*)$", text, re.M).group(1) == share.SITE_NAMES[lang]
        assert "custom_dir: overrides" in text


def test_accessed_part_is_what_briefing_js_rewrites():
    js = (ROOT / "templates" / "assets" / "briefing.js").read_text(encoding="utf-8")
    assert '"Retrieved " + MONTHS[m - 1]' in js and cite.accessed_part("apa", "2026-01-05").startswith("Retrieved January 5,")


def test_platform_cards_keep_the_figure_s_note_and_scope(dataset):
    """The key figure on a platform's card comes with what it is about (the source's hedges) and its scope."""
    from generator.pages.build import _charts
    from generator.pages.context import indexes, source_line_factory
    from generator.pages.i18n import translations
    from generator.pages.plan import plan

    class Capture(share.ShareImages):
        def __init__(self):
            self.svgs = []

        def png(self, svg):
            self.svgs.append(svg)
            return b""

    images, source_line = Capture(), source_line_factory(dataset)
    trans = translations("zh")
    charts, site_ids, _files, _specs = _charts(dataset, "zh", trans, source_line)
    share.edition_files("zh", dataset, indexes(dataset), charts, site_ids, source_line, plan(dataset), {}, trans, images)
    cards = " ".join(images.svgs)
    for p in dataset.platforms:
        f = p.figures[0]
        assert f.note.zh[:8] in cards, p.id
        if f.scope is not None:
            assert f"（{f.scope.zh}）" in cards, p.id
