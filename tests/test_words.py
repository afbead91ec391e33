"""No internal words on the built site: readers see neither file names nor code words nor how pages are made."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

# What a reader should never read in either edition (outside code: field names in the data dictionary,
# the BibTeX and CSL-JSON of "cite this page" and the embed code are code and stay as they are).
INTERNAL = re.compile("|".join([
    r"\bnull\b", r"(?-i:\bNone\b)", r"<p>", r"url为空", r"(?-i:\burl\b)", r"original_url", r"outlet_handle", r"__biz",
    r"\bYAML\b", r"\.ya?ml\b", r"\.py\b", r"\.j2\b", r"\bdata/", r"\bgenerator\b", r"生成器", r"\bseeds?\b",
    r"种子", r"\bJinja\b", r"模板", r"\btemplates?\b", r"\bpydantic\b", r"\bslug\b", r"\bStrictUndefined\b",
    r"手写页面", r"hand-written page", r"page is written by hand",
]), re.I)


class ReaderText(HTMLParser):
    """The text a reader reads: no scripts, styles, hidden elements (search marks) or code."""

    SKIP = ("script", "style", "template", "code", "pre", "textarea")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        skip = tag in self.SKIP or "hidden" in dict(attrs)
        self.stack.append((tag, skip))
        self.skipping += skip

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            name, skip = self.stack.pop()
            self.skipping -= skip
            if name == tag:
                break

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def internal_words(page: str) -> list[str]:
    parser = ReaderText()
    parser.feed(page)
    text = re.sub(r"https?://\S+", " ", " ".join(parser.parts))  # an address shown as a link is not our wording
    return sorted({text[max(0, m.start() - 20):m.end() + 20].strip() for m in INTERNAL.finditer(text)})


def test_the_check_finds_internal_words_in_text_and_not_in_code():
    page = ('<p>我们持有的副本未给出地址，故url为空；段落计入全部&lt;p&gt;元素。</p><p>Unknown is null.</p>'
            '<p>The generator reads data/sources.yaml.</p><pre><code>url = {http://x/}</code></pre>'
            '<td><code>original_url</code></td><div hidden>seed</div>')
    found = " ".join(internal_words(page))
    for word in ("url为空", "<p>", "null", "generator", "data/sources.yaml"):
        assert word in found, word
    assert "http://x/" not in found and "original_url" not in found and "seed" not in found


def test_no_page_of_either_edition_shows_internal_words(built):
    pages = sorted(Path(built.site).rglob("*.html"))
    assert len(pages) > 100 and any(p.parts[-3:-1] == ("en", "methodology") for p in pages)
    leaks = {}
    for page in pages:
        found = internal_words(page.read_text(encoding="utf-8"))
        if found:
            leaks[page.relative_to(built.site).as_posix()] = found
    assert leaks == {}


def test_every_page_s_footer_names_publisher_date_licence_repository_and_the_report_route(built):
    """The footer of either edition: who publishes, the edition date (unquoted), the licence status, the
    repository (or that it is not public yet) and where errors go; the 404 pages too."""
    for rel, words in (("index.html", ("数字藏品平台对比简报编辑组", "本版日期", "许可协议", "仓库", "更正记录")),
                       ("404.html", ("数字藏品平台对比简报编辑组", "本版日期", "许可协议", "仓库", "更正记录")),
                       ("en/index.html", ("Published by", "Edition of", "licence", "repository", "corrections log")),
                       ("en/404.html", ("Published by", "Edition of", "licence", "repository", "corrections log"))):
        page = (Path(built.site) / rel).read_text(encoding="utf-8")
        footer = page[page.index('class="md-copyright bf-footer"'):]
        footer = footer[:footer.index("</div>")]
        for word in words:
            assert word in footer, (rel, word)
        date = re.search(r'(本版日期|Edition of) <time datetime="(\d{4}-\d{2}-\d{2})">(\d{4}-\d{2}-\d{2})</time></p>', footer)
        assert date and date.group(2) == date.group(3), (rel, footer[:300])
        assert 'href="' in footer, rel  # the repository, or the corrections log while it is not public
