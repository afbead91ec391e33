"""Citation formats against the standards' own examples, as exact strings (generator/outputs/cite.py)."""

import json

from generator.outputs.cite import Author, Work, accessed_part, apa, bib_escape, bibtex, csl, csl_json, gbt7714

ORG = lambda name: Author(literal=name)  # noqa: E731


# GB/T 7714-2015, appendix A (electronic resources, 8.8 examples)
def test_gbt7714_chinese_person_webpage():
    w = Work("x", "webpage", "出版业信息化迈入快车道", (Author("萧", "钰"),), accessed="2002-04-15",
             published="2001-12-19", url="http://www.creader.com/news/20011219/200112190019.html")
    assert gbt7714(w) == ("萧钰. 出版业信息化迈入快车道[EB/OL]. (2001-12-19)[2002-04-15]. "
                          "http://www.creader.com/news/20011219/200112190019.html.")


def test_gbt7714_western_person_family_in_capitals_initials():
    w = Work("x", "webpage", "UNIMARC and metadata: Dublin Core", (Author("Hopkinson", "Alan"),),
             accessed="2013-03-27", published="2009-04-22", url="http://archive.ifla.org/IV/ifla64/138-161e.htm", lang="en")
    assert gbt7714(w) == ("HOPKINSON A. UNIMARC and metadata: Dublin Core[EB/OL]. (2009-04-22)[2013-03-27]. "
                          "http://archive.ifla.org/IV/ifla64/138-161e.htm.")


def test_gbt7714_organisation_without_publication_date():
    w = Work("x", "webpage", "About OCLC: history of cooperation", (ORG("Online Computer Library Center, Inc."),),
             accessed="2012-03-27", url="http://www.oclc.org/about/cooperation.en.html", lang="en")
    assert gbt7714(w) == ("Online Computer Library Center, Inc. About OCLC: history of cooperation[EB/OL]. "
                          "[2012-03-27]. http://www.oclc.org/about/cooperation.en.html.")


def test_gbt7714_report_and_dataset_type_marks():
    w = Work("x", "report", "第29次中国互联网络发展现状统计报告", (ORG("中国互联网络信息中心"),), accessed="2013-03-26",
             published="2012-01-16", url="http://www.cnnic.cn/hlwfzyj/hlwxzbg/201201/P020120709345264469680.pdf")
    assert gbt7714(w) == ("中国互联网络信息中心. 第29次中国互联网络发展现状统计报告[R/OL]. (2012-01-16)[2013-03-26]. "
                          "http://www.cnnic.cn/hlwfzyj/hlwxzbg/201201/P020120709345264469680.pdf.")
    d = Work("x", "dataset", "数据", (ORG("某机构"),), accessed="2026-12-02", published="2026", url="https://e.org/d")
    assert gbt7714(d) == "某机构. 数据[DS/OL]. (2026)[2026-12-02]. https://e.org/d."


def test_gbt7714_more_than_three_authors():
    w = Work("x", "webpage", "T", tuple(Author(f, "Bo") for f in "ABCD"), accessed="2020-01-02", lang="en")
    assert gbt7714(w) == "A B, B B, C B, et al. T[EB/OL]. [2020-01-02]."


# APA 7 (apastyle.apa.org, "Webpage on a website references" and "Data set references")
def test_apa_group_author_is_the_site():
    w = Work("x", "webpage", "People at high risk of developing flu–related complications",
             (ORG("Centers for Disease Control and Prevention"),), accessed="2019-01-01", published="2018-01-23",
             url="https://www.cdc.gov/flu/about/disease/high_risk.htm",
             site="Centers for Disease Control and Prevention", lang="en")
    assert apa(w) == ("Centers for Disease Control and Prevention. (2018, January 23). People at high risk of "
                      "developing flu–related complications. https://www.cdc.gov/flu/about/disease/high_risk.htm")


def test_apa_month_only_and_no_date_with_retrieval():
    w = Work("x", "webpage", "Questions and answers on immunization and vaccine safety", (ORG("World Health Organization"),),
             accessed="2019-01-01", published="2018-03", url="https://www.who.int/features/qa/84/en/", lang="en")
    assert apa(w) == ("World Health Organization. (2018, March). Questions and answers on immunization and vaccine "
                      "safety. https://www.who.int/features/qa/84/en/")
    w = Work("x", "webpage", "U.S. and world population clock", (ORG("U.S. Census Bureau"),), accessed="2019-07-03",
             url="https://www.census.gov/popclock/", site="U.S. Department of Commerce", lang="en", changes=True)
    assert apa(w) == ("U.S. Census Bureau. (n.d.). U.S. and world population clock. U.S. Department of Commerce. "
                      "Retrieved July 3, 2019, from https://www.census.gov/popclock/")


def test_apa_person_with_site_and_italics():
    w = Work("x", "webpage", "Be kind to yourself: How self-compassion can improve your resiliency",
             (Author("Martin Lillie", "Claire M."),), accessed="2019-01-01", published="2016-12-29",
             url="https://www.mayoclinic.org/healthy-lifestyle/adult-health/in-depth/self-compassion/art-20267193",
             site="Mayo Clinic", lang="en")
    assert apa(w) == ("Martin Lillie, C. M. (2016, December 29). Be kind to yourself: How self-compassion can improve "
                      "your resiliency. Mayo Clinic. "
                      "https://www.mayoclinic.org/healthy-lifestyle/adult-health/in-depth/self-compassion/art-20267193")
    assert apa(w, italic=lambda s: f"<i>{s}</i>").startswith("Martin Lillie, C. M. (2016, December 29). <i>Be kind")


def test_apa_title_ending_in_a_question_mark_takes_no_period():
    w = Work("x", "webpage", "Is this a title?", (ORG("Org"),), accessed="2020-01-01", published="2020", lang="en",
             url="https://e.org/")
    assert apa(w) == "Org. (2020). Is this a title? https://e.org/"


def test_apa_data_set():
    w = Work("x", "dataset", "American trends panel Wave 26", (ORG("Pew Research Center"),), accessed="2019-01-01",
             published="2018", url="https://www.pewsocialtrends.org/dataset/american-trends-panel-wave-26/", lang="en")
    assert apa(w) == ("Pew Research Center. (2018). American trends panel Wave 26 [Data set]. "
                      "https://www.pewsocialtrends.org/dataset/american-trends-panel-wave-26/")


# BibTeX: biblatex's @online / @dataset with its field names (author, title, date, organization, url, urldate, langid)
def test_bibtex_online_entry_exact():
    w = Work("briefing-home", "webpage", "数字藏品_对比 & {x} 100%", (ORG("数字藏品平台对比简报"),), accessed="2026-12-02",
             published="2026-11-26", url="https://example.org/a/", site="数字藏品平台对比简报", changes=True)
    assert bibtex(w) == ("@online{briefing-home,\n"
                         "  author = {{数字藏品平台对比简报}},\n"
                         "  title = {数字藏品\\_对比 \\& \\{x\\} 100\\%},\n"
                         "  date = {2026-11-26},\n"
                         "  organization = {数字藏品平台对比简报},\n"
                         "  url = {https://example.org/a/},\n"
                         "  urldate = {2026-12-02},\n"
                         "  langid = {chinese}\n"
                         "}")
    assert bib_escape("a\\b^c~") == "a\\textbackslash{}b\\^{}c\\~{}"


def test_bibtex_person_and_dataset():
    w = Work("d", "dataset", "Data", (Author("Doe", "Jane"),), accessed="2026-01-02", publisher="P", lang="en")
    assert bibtex(w) == ("@dataset{d,\n  author = {Doe, Jane},\n  title = {Data},\n  publisher = {P},\n"
                         "  urldate = {2026-01-02},\n  langid = {english}\n}")


# CSL-JSON (citation-style-language/schema, csl-data.json): an array of items; item types from CSL 1.0.2
CSL_ITEM_TYPES = {"article", "article-journal", "article-magazine", "article-newspaper", "book", "dataset",
                  "document", "post", "post-weblog", "report", "software", "webpage"}


def test_csl_json_exact_and_schema_fields():
    w = Work("k", "dataset", "数据集", (ORG("简报"), Author("Doe", "Jane")), accessed="2026-12-02", published="2026-11",
             url="https://e.org/d", publisher="简报", version="1")
    text = csl_json(w)
    assert text == ('[\n  {\n    "id": "k",\n    "type": "dataset",\n    "title": "数据集",\n'
                    '    "author": [{"literal": "简报"}, {"family": "Doe", "given": "Jane"}],\n'
                    '    "publisher": "简报",\n    "version": "1",\n    "issued": {"date-parts": [[2026, 11]]},\n'
                    '    "accessed": {"date-parts": [[2026, 12, 2]]},\n    "URL": "https://e.org/d",\n'
                    '    "language": "zh-CN"\n  }\n]')
    assert json.loads(text) == [csl(w)]
    for kind in ("webpage", "dataset", "article", "report"):
        assert csl(Work("k", kind, "t", (), accessed="2026-01-01"))["type"] in CSL_ITEM_TYPES


def test_accessed_part_appears_once_in_each_format():
    w = Work("k", "webpage", "T", (ORG("O"),), accessed="2026-11-26", published="2026-11-26", url="https://e.org/",
             site="S", changes=True)
    for fmt, text in (("gbt", gbt7714(w)), ("apa", apa(w)), ("bibtex", bibtex(w)), ("csl", csl_json(w))):
        assert text.count(accessed_part(fmt, "2026-11-26")) == 1, fmt
