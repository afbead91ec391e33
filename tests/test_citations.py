"""Citations: one mark per claim, each page's references once, quotes translated for the English edition."""

from __future__ import annotations

import html
import re

import pytest

from generator import i18n
from generator.build import generate, source_line_factory
from generator.errors import BuildError
from generator.model import Citation
from generator.pages import url_map
from generator.render import CITE_MAX, CITE_SHOWN, PageHelpers

MARK = r'<sup><a class="bf-cite" href="#cite-(\d+)" aria-describedby="cite-\1-q">\[\1\]</a></sup>'
MARK_RE = re.compile(MARK)
# The end of a sentence: full-width 。！？, or . ! ? followed (after a mark, if any) by a space or the end.
END_RE = re.compile(r'[。！？]|[.!?](?=(?:<sup>.*?</sup>)?(?:\s|$))')


def body(md: str) -> str:
    """A page's Markdown without its references section (marks are counted in the text that carries them)."""
    return md.split('<div class="bf-references">', 1)[0]


def crowded(md: str) -> list[str]:
    """Table cells and sentences that carry more than one citation mark."""
    bad = []
    for line in body(md).splitlines():
        if line.startswith("|"):
            units = re.split(r"(?<!\\)\|", line)
        else:
            units = [line]
        for unit in units:
            tokens = [("mark", m.start()) for m in MARK_RE.finditer(unit)]
            if line.startswith("|"):
                if len(tokens) > 1:
                    bad.append(unit.strip())
                continue
            tokens += [("end", m.start()) for m in END_RE.finditer(unit)]
            tokens.sort(key=lambda t: t[1])
            run = 0
            for kind, _ in tokens:
                run = run + 1 if kind == "mark" else 0
                if run > 1:
                    bad.append(unit.strip())
                    break
    return bad


def pages(generated) -> dict[str, str]:
    return {k: v.decode("utf-8") for k, v in generated.items() if k.endswith(".md")}


# --------------------------------------------------------------------------- the checker itself

def test_the_checker_finds_two_marks_in_one_cell_or_sentence():
    one = '<sup><a class="bf-cite" href="#cite-1" aria-describedby="cite-1-q">[1]</a></sup>'
    two = one.replace("1", "2")
    assert crowded(f"| a | b{one}、c{two} |") == [f"b{one}、c{two}"]
    assert crowded(f"甲{one}，乙{two}。") and crowded(f"A{one}, B{two}.")
    assert crowded(f"甲{one}。乙{two}。") == [] and crowded(f"A.{one} B.{two}") == [] and crowded(f"9.9{one}") == []
    assert crowded(f'{one} and {two}<div class="bf-references">') == [one + " and " + two]


# --------------------------------------------------------------------------- generated pages

def test_one_mark_per_claim_on_every_page(generated):
    bad = {page: units for page, md in pages(generated).items() if (units := crowded(md))}
    assert not bad, f"{len(bad)} pages have a cell or sentence with several marks, e.g. {next(iter(bad.items()))}"


def test_each_reference_appears_once_and_every_mark_has_its_note(generated, dataset):
    sources = [s.id for s in dataset.sources]
    for page, md in pages(generated).items():
        marks = set(MARK_RE.findall(md))
        if not marks:
            assert 'class="bf-references"' not in md, page
            continue
        assert md.count('<div class="bf-references">') == 1, page
        for sid in sources:
            assert md.count(f'id="ref-{sid}"') <= 1, (page, sid)
        notes = re.findall(r'<li id="cite-(\d+)">', md)
        assert len(notes) == len(set(notes)), f"{page}: a note twice"
        assert set(notes) == marks, f"{page}: notes {sorted(set(notes) ^ marks)} without a mark or a mark without a note"


def test_home_page_marks_group_their_quotes(generated):
    for page in ("index.md", "en/index.md"):
        md = generated[page].decode("utf-8")
        notes = re.findall(r'<li id="cite-(\d+)">(.*?)</li>', md)
        grouped = [n for n, note in notes if note.count('class="bf-q"') >= 2]
        assert grouped, f"{page}: no mark groups several quotes"
        for n in grouped:  # each still one mark, in one claim
            assert len(re.findall(rf'href="#cite-{n}"', body(md))) >= 1


def test_references_show_the_title_as_printed_and_the_copys_title(generated):
    for page, para in (("index.md", "我们持有的副本标题作"), ("en/index.md", "The copy we hold gives the title as ")):
        md = html.unescape(generated[page].decode("utf-8"))
        ref = re.search(r'<p class="bf-ref" id="ref-leibao-2022-06-03">(.*?)</p>', md).group(1)
        assert '天猫、京东、小红书... 想靠数字藏品"脱困"？' in ref
        assert f"{para}“天猫、京东、小红书... 想靠数字藏品_脱困_？”" in re.sub(r"</?span[^>]*>", "", ref)
        assert "晓艳" in ref and "leinewspro" in ref


def test_english_notes_give_our_translation_with_the_chinese_original(generated):
    md = generated["en/index.md"].decode("utf-8")
    notes = html.unescape("".join(re.findall(r'<li id="cite-\d+">(.*?)</li>', md)))
    assert ('<span class="bf-para">para. 4</span>: <q class="bf-tr">JD\'s digital-collectible trading platform, Lingxi, went live on 17 December last year</q> '
            '<span class="bf-orig">(<q lang="zh">京东的数字藏品交易平台“灵稀”于去年12月17日上线</q>)</span>') in notes


# --------------------------------------------------------------------------- the helpers

@pytest.fixture
def helpers(dataset):
    def make(lang="zh"):
        return PageHelpers(dataset, lang, i18n.translations(lang), "", "index.md", url_map(dataset),
                           source_line_factory(dataset))
    return make


def cite(para: int, quote: str) -> Citation:
    return Citation(source="leibao-2022-06-03", para=para, quote=quote)


def test_a_claim_on_several_citations_gets_one_mark_and_one_note(helpers):
    h = helpers()
    a, b, c = cite(9, "往往在千份左右"), cite(4, "京东的数字藏品交易平台"), cite(9, "一些活动限量万份")
    out = str(h.cite([a, b], c, None))
    assert MARK_RE.fullmatch(out) and MARK_RE.fullmatch(out).group(1) == "1"
    [note] = h.registry.notes
    assert [x.para for x in note.cites] == [4, 9, 9]  # in paragraph order
    assert str(h.cite(c, a, b)) == out, "the same citations in another order are the same note"
    assert str(h.cite([b], [a, c])) == out, "the same group again is the same note"
    assert str(h.cite(a)) != out and len(h.registry.notes) == 2
    assert str(h.cite([])) == "" and str(h.cite(None)) == ""


def test_a_group_gathers_citations_and_marks_once(helpers):
    h = helpers()
    group = h.cite_group()
    assert str(group.add(cite(1, "甲乙"))) == "" and str(group.add([cite(2, "丙丁")])) == ""
    assert MARK_RE.fullmatch(str(group.mark()))
    assert h.registry.notes[0].cites[1].para == 2
    assert str(group.mark()) == "", "a claim is marked once"


def test_a_quote_inside_a_longer_one_of_its_paragraph_is_not_repeated(helpers):
    h = helpers()
    h.cite([cite(21, "以“买赠”为主"), cite(21, "形式上搭配实体商品，以“买赠”为主"), cite(22, "以“买赠”为主")])
    assert [(c.para, c.quote) for c in h.registry.notes[0].cites] == [(21, "形式上搭配实体商品，以“买赠”为主"),
                                                                       (22, "以“买赠”为主")]


def test_a_huge_group_lists_a_few_and_counts_the_rest(helpers):
    h = helpers()
    many = tuple(cite(n, f"引文{n}号") for n in range(1, CITE_MAX + 3))
    h.cite(many)
    [note] = h.registry.notes
    assert len(note.cites) == CITE_SHOWN and note.more == CITE_MAX + 2 - CITE_SHOWN


# --------------------------------------------------------------------------- quote translations

def test_every_quote_in_data_has_an_english_translation(dataset):
    assert i18n.missing_quotes(dataset, "en") == []
    assert i18n.missing_quotes(dataset, "zh") == []


def test_the_build_refuses_a_quote_without_translation(dataset, monkeypatch):
    have = dict(i18n.quote_translations("en"))
    del have["往往在千份左右"]
    monkeypatch.setattr(i18n, "quote_translations", lambda lang: have if lang == "en" else {})
    with pytest.raises(BuildError) as exc:
        generate(dataset, langs=("en",), static=False)
    assert str(exc.value) == ("missing en translation of a quote: '往往在千份左右' (platforms/jd-lingxi, para 9)\n"
                              "(add each, keyed by the exact Chinese quote, to locales/<lang>/quotes.yaml)")
    generate(dataset, langs=("zh",), static=False)  # the Chinese edition needs none


def test_a_broken_translations_file_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "quotes.yaml").write_text('"甲": "a"\n"乙": [b]\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    with pytest.raises(i18n.QuoteFileError, match=r"quotes.yaml: '乙': quote and translation must both be text"):
        i18n.quote_translations("en")
    (tmp_path / "en" / "quotes.yaml").write_text('"甲": "a"\n"乙": ""\n"丙": [\n', encoding="utf-8")
    with pytest.raises(i18n.QuoteFileError, match=r"quotes.yaml:4:1: not valid YAML"):
        i18n.quote_translations("en")


def test_a_note_on_two_sources_names_each_and_both_are_referenced_once(helpers, dataset):
    from generator.render import environment

    h = helpers("en")
    env = environment()
    env.install_gettext_translations(h.trans, newstyle=True)
    page = env.from_string('{% from "partials/macros.md.j2" import citations %}'
                           'A claim.{{ h.cite(a, b) }} Another.{{ h.cite(b) }}\n{{ citations(h, sources, "m/") }}')
    a = cite(4, "京东的数字藏品交易平台“灵稀”于去年12月17日上线")
    b = Citation(source="leibao-video-platform-collectibles", para=1, quote="视频平台的数字藏品")
    out = page.render(h=h, _=h._, a=a, b=b, sources=dataset.index("sources"))
    assert len(MARK_RE.findall(out)) == 2 and crowded(out) == []
    assert out.count('id="ref-leibao-2022-06-03"') == 1 and out.count('id="ref-leibao-video-platform-collectibles"') == 1
    note = re.search(r'<li id="cite-1">(.*?)</li>', out).group(1)
    assert 'Leibao Pro <span class="bf-para">para. 4</span>' in note and 'Leibao <span class="bf-para">para. 1</span>' in note
    assert "2 quotes cited on this page" in out
