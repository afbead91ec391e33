"""The search step's own pieces (generator/site/search.py): page marks, escaping, which files each index reads."""

from __future__ import annotations

from types import SimpleNamespace as NS

from generator.site.search import edition_glob, page_kind, page_marks, spaced


def _idx(name_zh: str, name_en: str) -> dict:
    platform = NS(id="p", name=NS(zh="灵稀", en="Lingxi"))
    collectible = NS(id="c", platform="p", name=NS(zh=name_zh, en=name_en))
    return {"platforms": {"p": platform}, "collectibles": {"c": collectible}, "partners": {}}


def test_kinds_from_the_page_plan():
    assert [page_kind(k) for k in ("platform:jd", "collectible:x", "partner:y", "timeline", "home", "catalogue-2")] \
        == ["platform", "collectible", "partner", "event", "page", "page"]


def test_marks_name_the_kind_platform_and_both_names_on_english_pages():
    marks = page_marks("collectible:c", "en", _idx("克蕾欧与小酷", "Cleo"))
    assert 'data-pagefind-filter="kind[data-v]"' in marks and 'data-v="collectible"' in marks
    assert 'data-pagefind-filter="platform[data-v]" data-v="Lingxi"' in marks
    assert 'data-v="Cleo | 克蕾欧与小酷"' in marks
    assert ">⟦ 克蕾欧与小酷 Cleo 克 蕾 欧 与 小 酷 ⟧<" in marks  # fenced: search.js cuts them out of excerpts
    assert marks.startswith('<div class="bf-search-marks" hidden>')


def test_marks_escape_names_from_data():
    marks = page_marks("collectible:c", "zh", _idx('<script>"x"</script>', "a"))
    assert "<script>" not in marks
    assert 'data-v="&lt;script&gt;&quot;x&quot;&lt;/script&gt; | a"' in marks  # both languages' names, escaped


def test_spaced_separates_chinese_characters_only():
    assert spaced("《WonderLand》杂志") == "《WonderLand》 杂 志"
    assert spaced("STEP INTO R-SPACE") == "STEP INTO R-SPACE"


def test_the_chinese_index_reads_no_english_page(tmp_path):
    for rel in ("index.html", "404.html", "platforms/jd/index.html", "en/index.html", "assets/x.html",
                "pagefind/x.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("<html></html>")
    assert edition_glob(tmp_path) == "{index.html,platforms/**/*.html}"
