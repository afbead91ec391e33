"""The English edition: a complete message catalog, English names in data, twin pages, no stray Chinese."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po, write_po

from generator.charts import charts as ch
from generator.pages import fmt, i18n
from generator.errors import BuildError
from generator.pages.build import generate
from generator.pages.context import KIND_LABELS
from generator.model.records import Edition, Money, PartialDate, Quantity
from generator.pages.render import NAME_MARKS
from generator.model.validate import DataError, load_dataset

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(f"[{fmt.CJK}]+")


# --------------------------------------------------------------------------- the catalog

def test_catalog_is_complete():
    """Every extracted message has a non-empty, non-fuzzy English translation."""
    assert i18n.check() == []


def test_extraction_sees_the_label_tables():
    """Labels looked up by key are marked with N_()/NP_(), so extraction (and the check above) sees them."""
    keys = {i18n._key(m) for m in i18n.extract() if m.id}
    tables = [ch.TYPE_LABELS, ch.MECHANIC_LABELS, ch.FEATURE_LABELS, ch.DISCLOSURE_LABELS, ch.FIGURE_LABELS,
              ch.QUALIFIER_LABELS, ch.QUALIFIER_KINDS, ch.PRECISION_LABELS, ch.CATEGORY_LABELS,
              ch.RULE_LABELS, ch.ROLE_LABELS, ch.KIND_LABELS, NAME_MARKS]
    missing = sorted({label for table in tables for label in table.values()} - keys)
    assert missing == []
    assert {("plural", label) for label in KIND_LABELS.values()} <= keys


def test_every_message_the_build_uses_is_extracted(dataset):
    """A message id looked up at build time but invisible to extraction would escape the completeness check."""
    used: set = set()

    class Recording(i18n.Translations):
        def _lookup(self, message, context=None):
            used.add((context, message) if context else message)
            return super()._lookup(message, context)

    from generator.pages import build

    original = build.translations
    build.translations = lambda lang: Recording(lang, i18n._catalog(lang))
    try:
        generate(dataset, langs=("en",), static=False)
    finally:
        build.translations = original
    keys = {i18n._key(m) for m in i18n.extract() if m.id}
    assert used, "the English build looked nothing up"
    assert sorted(used - keys, key=str) == []


@pytest.fixture
def locales(tmp_path, monkeypatch):
    """A copy of locales/ that the generator reads instead of the real one; yields the English catalog."""
    shutil.copytree(i18n.LOCALE_DIR, tmp_path / "locales")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locales")
    monkeypatch.setattr(i18n, "TEMPLATE_POT", tmp_path / "locales" / "messages.pot")
    i18n._catalog.cache_clear()
    yield tmp_path / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    i18n._catalog.cache_clear()


def _edit_po(path: Path, key, *, string: str = "", fuzzy: bool = False) -> None:
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    found = [m for m in catalog if m.id and i18n._key(m) == key]
    assert found, f"{key!r} is not in the catalog"
    found[0].string = string
    if fuzzy:
        found[0].flags.add("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, include_lineno=False)


def test_a_missing_translation_fails_the_build(locales, dataset):
    _edit_po(locales, "平台")
    with pytest.raises(BuildError) as err:
        generate(dataset, langs=("zh", "en"), static=False)
    assert str(err.value).splitlines() == [
        "missing en translation: '平台'",
        "(add them to locales/<lang>/LC_MESSAGES/messages.po)",
    ]


def test_a_message_only_a_chart_uses_is_checked_too(locales, dataset):
    _edit_po(locales, "数字性质")  # the legend title of the range charts
    with pytest.raises(BuildError) as err:
        generate(dataset, langs=("zh", "en"), static=False)
    assert "missing en translation: '数字性质'" in str(err.value).splitlines()


def test_a_missing_translation_in_a_context_and_a_fuzzy_one_fail_the_build(locales, dataset):
    _edit_po(locales, ("plural", "平台"))
    _edit_po(locales, "合作方", string="Partner", fuzzy=True)
    with pytest.raises(BuildError) as err:
        generate(dataset, langs=("en",), static=False)
    assert str(err.value).splitlines()[:2] == [
        "missing en translation: '合作方'",
        "missing en translation: '平台' (context 'plural')",
    ]


def test_the_build_command_reports_a_missing_translation_and_writes_nothing(locales, tmp_path, capsys):
    from generator.cli import main

    _edit_po(locales, "时间线")
    out = tmp_path / "content"
    assert main(["build", "--out", str(out), "--no-static", "--quiet"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "missing en translation: '时间线'" in err
    assert err[-1] == "nothing was written."
    assert not out.exists()


def test_check_and_extract_report_untranslated_and_fuzzy_messages(locales):
    _edit_po(locales, "时间线")
    _edit_po(locales, "合作方", string="Partner", fuzzy=True)
    problems = i18n.check()
    assert f"{locales}: untranslated: '时间线'" in problems
    assert f"{locales}: fuzzy (needs review): '合作方'" in problems
    assert len(problems) == 2
    lines = i18n.update()
    assert lines[1].startswith(f"{locales}: ") and ", 1 untranslated, 1 fuzzy, " in lines[1]


def test_the_check_command_fails_on_a_missing_catalog(locales, capsys):
    from generator.cli import main

    locales.unlink()
    assert main(["i18n", "check"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{locales}: missing (")


# --------------------------------------------------------------------------- English names in data

def test_a_record_without_its_english_name_is_a_validation_error(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "platforms.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[2] == '  name: {zh: "灵稀", en: "Lingxi", en_kind: pinyin}\n'
    lines[2] = '  name: {zh: "灵稀", en_kind: pinyin}\n'
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_dataset(data, "data")
    assert [str(p) for p in err.value.problems] == ["data/platforms.yaml:3:9: name.en: required field is missing"]


def test_an_empty_english_name_is_a_validation_error(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "partners.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count('en: "Alibaba"') == 1
    path.write_text(text.replace('en: "Alibaba"', 'en: ""'), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_dataset(data, "data")
    problems = [str(p) for p in err.value.problems]
    assert len(problems) == 1 and re.fullmatch(r"data/partners\.yaml:\d+:\d+: name\.en: must not be empty",
                                               problems[0]), problems


# --------------------------------------------------------------------------- formatting per locale

@pytest.mark.parametrize("q, unit, zh, en", [
    (Money(value=Decimal("9.9")), "CNY", "9.9 元", "¥9.9"),
    (Edition(value=Decimal(10000)), "copies", "1 万份", "10,000 copies"),
    (Money(min=Decimal(600_000_000), max=Decimal(800_000_000), currency="USD"), "USD", "6–8 亿美元",
     "US$600–800 million"),
    (Money(min=Decimal("9.9"), max=Decimal("19.9")), "CNY", "9.9–19.9 元", "¥9.9–19.9"),
    (Money(min=Decimal(100_000_000), max=Decimal(1_500_000_000)), "CNY", "1–15 亿元", "¥100 million–1.5 billion"),
    (Edition(min=Decimal(1000), max=Decimal(10000)), "copies", "1,000–10,000 份", "1,000–10,000 copies"),
    (Edition(min=Decimal(500), max=Decimal(2000), qualifier="about"), "copies", "约 500–2,000 份",
     "about 500–2,000 copies"),
    (Quantity(min=Decimal(20), max=Decimal(30)), "percent", "20–30%", "20–30%"),
    (Money(min=Decimal(99)), "CNY", "99 元起", "from ¥99"),
    (None, "count", "未披露", "not disclosed"),
    ("unlimited", "copies", "不限量", "unlimited"),
])
def test_quantities_read_naturally_in_each_language(q, unit, zh, en):
    assert (fmt.quantity(q, "zh", unit), fmt.quantity(q, "en", unit)) == (zh, en)


def test_dates_follow_each_locale():
    assert fmt.date(PartialDate("2022-06-03"), "en") == "June 3, 2022"
    assert fmt.date(PartialDate("2022-06-03"), "zh") == "2022 年 6 月 3 日"
    assert fmt.date(PartialDate("2021-12"), "en") == "December 2021"
    assert fmt.date(PartialDate("2021"), "en") == "2021"


def test_glossed_chinese_terms_in_english_text_are_marked():
    text = fmt.EnglishText("Search 数字藏品 (digital collectibles) in the app; Leibao Pro (晓艳) wrote it; 号店一体 joins")
    assert fmt.md(text) == (
        'Search <span lang="zh">数字藏品</span> \\(digital collectibles\\) in the app; Leibao Pro '
        '\\(<span lang="zh">晓艳</span>\\) wrote it; 号店一体 joins')
    assert fmt.html_text(fmt.EnglishText("says 去年11月11日 (11 November last year)")) == \
        'says <span lang="zh">去年11月11日</span> (11 November last year)'
    assert fmt.md("数字藏品 (x)") == "数字藏品 \\(x\\)"  # only English text gets marks


# --------------------------------------------------------------------------- twin pages

def _pages(files: dict[str, bytes], english: bool) -> set[str]:
    return {k.removeprefix("en/") for k in files
            if k.endswith(".md") and k.startswith("en/") == english}


def test_every_generated_page_has_a_twin(generated):
    zh, en = _pages(generated, english=False), _pages(generated, english=True)
    assert zh and zh == en
    charts = {k for k in generated if "charts/" in k or "/share/" in k}  # chart files, chart pages, share images
    assert {k.removeprefix("en/") for k in charts if k.startswith("en/")} == \
        {k for k in charts if not k.startswith("en/")}


def _html_pages(site: Path) -> tuple[set[str], set[str]]:
    zh = {p.relative_to(site).as_posix() for p in site.rglob("*.html") if not p.relative_to(site).parts[0] == "en"}
    en = {p.relative_to(site / "en").as_posix() for p in (site / "en").rglob("*.html")}
    return zh, en


def test_every_built_page_has_a_twin(built):
    zh, en = _html_pages(built.site)
    assert "index.html" in zh and "about/index.html" in zh
    assert zh == en


def test_the_hand_written_about_page_has_an_english_twin():
    tracked = subprocess.run(["git", "ls-files", "content/about.md", "content/en/about.md"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    assert tracked == ["content/about.md", "content/en/about.md"]
    assert not CJK.search((ROOT / "content" / "en" / "about.md").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- what English pages say

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The text a reader sees, without hidden elements (the search marks), elements marked Chinese
    (lang="zh") and the switcher's own 中文."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.hidden = 0
        self.parts: list[str] = []
        self.quotes: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "q":
            self.quotes.append(a)
        if tag in VOID:
            return
        hide = tag in ("script", "style", "template") or "hidden" in a \
            or (a.get("lang") or "").startswith("zh") \
            or (a.get("hreflang") or "").startswith("zh")  # a language's name in that language
        self.stack.append((tag, hide))
        self.hidden += hide

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            name, hide = self.stack.pop()
            self.hidden -= hide
            if name == tag:
                break

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def _read(path: Path) -> VisibleText:
    parser = VisibleText()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_the_visible_text_parser_finds_chinese_outside_marked_elements():
    parser = VisibleText()
    parser.feed('<p>Lingxi (<span lang="zh">灵稀</span>) <a hreflang="zh">中文</a> <br>未披露</p>')
    assert CJK.findall(" ".join(parser.parts)) == ["未披露"]


def test_english_pages_carry_no_chinese_beyond_marked_names_and_quotes(built):
    pages = sorted((built.site / "en").rglob("*.html"))
    assert len(pages) > 20
    leaks = {}
    for page in pages:
        found = CJK.findall(" ".join(_read(page).parts))
        if found:
            leaks[page.relative_to(built.site).as_posix()] = sorted(set(found))
    assert leaks == {}


def test_quotes_from_the_source_are_marked_chinese_on_english_pages(built):
    quotes = [q for page in (built.site / "en").rglob("*.html") for q in _read(page).quotes]
    # Our English translations of quotes (class bf-tr) stand beside the Chinese originals, which are marked.
    originals = [q for q in quotes if q.get("class") != "bf-tr"]
    assert originals and len(originals) < len(quotes) and all(q.get("lang") == "zh" for q in originals)


def test_pages_declare_their_language(built):
    zh_pages, en_pages = _html_pages(built.site)
    for rel in en_pages:
        assert '<html lang="en"' in (built.site / "en" / rel).read_text(encoding="utf-8"), rel
    for rel in zh_pages:
        assert '<html lang="zh"' in (built.site / rel).read_text(encoding="utf-8"), rel


def test_english_pages_have_an_english_interface(built):
    page = (built.site / "en" / "platforms" / "jd-lingxi" / "index.html").read_text(encoding="utf-8")
    assert re.search(r">\s*Platforms\s*<", page) and re.search(r">\s*Catalogue\s*<", page)  # the nav
    assert "not disclosed" in (built.site / "en" / "index.html").read_text(encoding="utf-8")
    entry = json.loads((built.site / "en" / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en"]  # the English search index, of English pages only


def test_both_editions_load_the_language_switcher(built):
    for site in (built.site, built.site / "en"):
        page = (site / "timeline" / "index.html").read_text(encoding="utf-8")
        assert re.search(r'<script src="[./]*assets/generated/js/language\.js"', page)
        assert 'hreflang="zh"' in page and 'hreflang="en"' in page
        assert (site / "assets" / "generated" / "js" / "language.js").exists()


# --------------------------------------------------------------------------- the two configs

class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])
_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: suffix)


def _config(name: str) -> dict:
    return yaml.load((ROOT / name).read_text(encoding="utf-8"), Loader=_Loader)


def test_the_english_config_mirrors_the_chinese_one():
    zh, en = _config("mkdocs.yml"), _config("mkdocs.en.yml")
    assert "INHERIT" not in en and "hooks" not in en  # Zensical reads neither
    assert (en["docs_dir"], en["site_dir"]) == ("content/en", "site/en")
    assert en["theme"]["language"] == "en" and en["site_url"].endswith("/en/")
    for key in ("name", "font", "features"):
        assert en["theme"][key] == zh["theme"][key], key
    strip = lambda palette: [{k: v for k, v in p.items() if k != "toggle"} for p in palette]  # noqa: E731
    assert strip(en["theme"]["palette"]) == strip(zh["theme"]["palette"])
    for key in ("repo_url", "extra_css", "extra_javascript", "markdown_extensions", "validation", "not_in_nav",
                "use_directory_urls", "strict"):
        assert en[key] == zh[key], key
    # Relative links (the site may live under a base path): from each edition's root they lead to the same roots.
    from urllib.parse import urljoin

    def targets(alternate, root):
        return [(a["name"], a["lang"], urljoin(root, a["link"])) for a in alternate]

    assert targets(en["extra"]["alternate"], "http://x/r/en/") == targets(zh["extra"]["alternate"], "http://x/r/")
    assert en["plugins"] == zh["plugins"] == []  # no theme search: Pagefind indexes each edition (generator/site/search.py)
    assert [list(item.values())[0] for item in en["nav"]] == [list(item.values())[0] for item in zh["nav"]]
    english = yaml.safe_dump({k: en[k] for k in ("site_name", "site_description", "nav")}, allow_unicode=True) + \
        " ".join(p["toggle"]["name"] for p in en["theme"]["palette"])
    assert not CJK.search(english)


def test_extract_keeps_every_translation_of_a_complete_catalog(locales):
    before = i18n._catalog("en")
    lines = i18n.update()
    assert ", 0 untranslated, 0 fuzzy, " in lines[1], lines
    i18n._catalog.cache_clear()
    after = i18n._catalog("en")
    assert all(after.get(i18n._key(m)) == before[i18n._key(m)] for m in i18n.extract() if m.id)


def test_the_english_site_url_follows_site_url(tmp_path, monkeypatch):
    """A deployment sets SITE_URL once; the English edition's canonical URLs then sit under /en/."""
    from generator.site import site

    seen = []

    class Run:  # each edition's builder, started side by side
        def __init__(self, cmd, cwd, env):
            seen.append(env.get("SITE_URL_EN"))
            self.returncode = 0

        def wait(self):
            return 0

    monkeypatch.setenv("SITE_URL", "https://example.org/briefing/")
    monkeypatch.delenv("SITE_URL_EN", raising=False)
    monkeypatch.setattr(site.subprocess, "Popen", Run)
    # Nothing was built: the steps after the builder (the search index, the PDFs) have nothing to read.
    monkeypatch.setattr("generator.site.search.index_site", lambda *a, **k: 0)
    monkeypatch.setattr("generator.outputs.pdf.write_pdfs", lambda *a, **k: 0)
    assert site.build_site(content=tmp_path / "content", site=tmp_path / "site", quiet=True) == 0
    assert seen == ["https://example.org/briefing/en/"] * 2  # one run per edition

# The language switcher in a browser: tests/browser/test_browser_language.py.


def test_an_edited_dictionary_translation_is_read_again_by_a_running_process(locales):
    """make serve is one long process: the data dictionary's Chinese (dictionary.po) is read again when it
    changes, like the interface catalogs and the quotes."""
    path = i18n.dictionary_po()
    assert i18n.dictionary_translations()["id"] == "编号"
    text = path.read_text(encoding="utf-8")
    assert 'msgid "id"\nmsgstr "编号"\n' in text
    path.write_text(text.replace('msgid "id"\nmsgstr "编号"\n', 'msgid "id"\nmsgstr "标识"\n'), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert i18n.dictionary_translations()["id"] == "标识"
