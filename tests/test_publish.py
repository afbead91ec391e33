"""Publishing: the CI workflow (actionlint), the link check, the data package (frictionless validate),
the Zensical build, reproducible builds, and the version."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

import generator
from generator.outputs import datapackage
from generator.site.linkcheck import Site, check_site
from generator.model.records import KINDS
from generator.site.site import build_site

from conftest import ROOT, build_into

BIN = Path(sys.executable).parent
WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"
EDITIONS = ("", "en/")  # each edition's folder in the site


def run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- the CI workflow

def actionlint(path: Path, cwd: Path) -> subprocess.CompletedProcess:
    return run([str(BIN / "actionlint"), "-no-color", "-oneline", "-pyflakes=", str(path)], cwd=cwd)


def test_workflow_passes_actionlint():
    result = actionlint(WORKFLOW, ROOT)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_actionlint_fails_on_a_broken_workflow(tmp_path):
    broken = WORKFLOW.read_text(encoding="utf-8")
    broken = broken.replace("needs: build", "needs: biuld").replace("steps.pages.outputs", "steps.pagez.outputs", 1)
    target = tmp_path / ".github" / "workflows" / "site.yml"
    target.parent.mkdir(parents=True)
    target.write_text(broken, encoding="utf-8")
    result = actionlint(target, tmp_path)
    assert result.returncode == 1
    assert 'job "deploy" needs job "biuld" which does not exist' in result.stdout
    assert 'property "pagez" is not defined' in result.stdout


def test_workflow_tests_builds_uploads_and_deploys_main_only():
    wf = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = wf[True]  # YAML 1.1 reads the key `on` as true
    assert "push" in triggers and "pull_request" in triggers
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    runs = [s.get("run", "") for s in build["steps"]]
    assert runs.index("make test") < runs.index("make site")
    uses = {s["uses"].split("@")[0]: s for s in build["steps"] if "uses" in s}
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "site"
    keys = [s["with"]["key"] for s in build["steps"] if s.get("uses", "").startswith("actions/cache@")]
    assert any("hashFiles('requirements.txt')" in k for k in keys) and any("package-lock.json" in k for k in keys)
    charts = next(s["with"] for s in build["steps"] if s.get("with", {}).get("path") == ".cache/charts")
    assert charts["restore-keys"].strip() in charts["key"]  # any earlier run's renderings are reused
    assert "SITE_URL" in next(s for s in build["steps"] if s.get("run") == "make site")["env"]
    assert deploy["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"]["group"] == "pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


# --------------------------------------------------------------------------- the link check

def write_site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


SMALL_SITE = {
    "index.html": """<!doctype html><html><head>
<link rel="canonical" href="https://example.org/repo/">
<link rel="stylesheet" href="assets/site.css"><script src="assets/gone.js"></script></head><body>
<h1 id="top">t</h1><a name="old"></a>
<a href="#top">ok</a> <a href="#old">ok</a> <a href="#">ok</a> <a href="">ok</a>
<a href="#nope">bad anchor</a>
<a href="sub/">ok</a> <a href="sub">ok</a> <a href="sub/#here">ok</a> <a href="sub/index.html#here">ok</a>
<a href="sub/#missing">bad anchor elsewhere</a>
<a href="empty/">folder without index.html</a>
<a href="/repo/sub/#here">ok</a> <a href="https://example.org/repo/sub/">ok</a>
<a href="/elsewhere/">outside the base path</a> <a href="../up.html">above the site</a>
<a href="javascript:alert(1)">js</a> <a href="JavaScript:void(0)">js</a>
<img src="data:image/png;base64,AAAA" alt="">
<img src="img/a.png" srcset="img/a.png 1x, img/b.png 2x" alt="">
<div data-chart-spec="charts/missing.vl.json"></div>
<a href="https://example.com/x">other host</a> <a href="mailto:a@example.org">mail</a>
<a href="%E6%95%B0%E6%8D%AE/">ok: percent-encoded folder</a>
</body></html>""",
    "sub/index.html": '<html><body><p id="here">x</p></body></html>',
    "empty/note.txt": "",
    "assets/site.css": "",
    "img/a.png": "",
    "数据/index.html": "<html></html>",
}


def test_linkcheck_reports_each_kind_of_break(tmp_path):
    problems, site = check_site(write_site(tmp_path, SMALL_SITE))
    assert site.base.path == "/repo/"
    assert problems == [
        'index.html:3: src="assets/gone.js": no file assets/gone.js in the site',
        'index.html:6: href="#nope": no element with id "nope" in index.html',
        'index.html:8: href="sub/#missing": no element with id "missing" in sub/index.html',
        'index.html:9: href="empty/": no empty/index.html in the site',
        "index.html:11: href=\"/elsewhere/\": points outside the site's base path /repo/",
        'index.html:11: href="../up.html": points above the site folder',
        'index.html:12: href="javascript:alert(1)": uses a javascript: URL',
        'index.html:12: href="JavaScript:void(0)": uses a javascript: URL',
        'index.html:13: src="data:image/png;base64,AAAA": uses a data: URL',
        'index.html:14: srcset="img/b.png": no file img/b.png in the site',
        'index.html:15: data-chart-spec="charts/missing.vl.json": no file charts/missing.vl.json in the site',
    ]


def test_linkcheck_resolves_the_same_url_from_each_page_on_its_own(tmp_path):
    # One URL on pages in different folders and depths: each resolves from its own page, though the check
    # resolves a URL once for all the pages it means the same thing on.
    links = '<a href="../../shared/">a</a> <a href="../z/">b</a> <a href="#top">c</a> <a href="../../../x/">d</a>'
    root = write_site(tmp_path, {
        "index.html": "<html></html>",
        "a/x/index.html": f'<html><body><h1 id="top">t</h1>\n{links}</body></html>',
        "b/y/index.html": f"<html><body>\n{links}</body></html>",
        "c/d/e/index.html": f'<html><body id="top">\n{links}</body></html>',
        "a/z/index.html": "<html></html>", "c/d/z/index.html": "<html></html>",
        "shared/index.html": "<html></html>", "c/shared/index.html": "<html></html>", "x/index.html": "<html></html>",
    })
    assert Site(root).problems() == [
        'a/x/index.html:2: href="../../../x/": points above the site folder',
        'b/y/index.html:2: href="../z/": no b/z/index.html in the site',
        'b/y/index.html:2: href="#top": no element with id "top" in b/y/index.html',
        'b/y/index.html:2: href="../../../x/": points above the site folder',
    ]


def test_built_site_has_no_broken_link(built):
    problems, site = check_site(built.site)
    assert problems == []
    assert len(site.pages) == len(list(built.site.rglob("*.html")))
    # Not a vacuous pass: the pages' scripts, chart specs, citations and anchors were all looked at.
    attrs = {link.attr for page in site.pages.values() for link in page.links}
    assert {"href", "src", "data-chart-spec"} <= attrs
    assert site.link_count() > 30 * len(site.pages)  # one mark per claim (not per clause) and chart pages keep it near 50


def test_mkdocs_strict_misses_raw_html_links_the_link_check_finds(built, tmp_path):
    """Why the check exists: MkDocs' validation reads Markdown links, not links inside raw HTML."""
    content, site = tmp_path / "content", tmp_path / "site"
    shutil.copytree(built.content, content)
    about = content / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + '\n<p><a href="../nowhere/">x</a> '
                     '<img src="../assets/generated/charts/none.svg" alt=""></p>\n', encoding="utf-8")
    assert build_site("mkdocs", quiet=True, content=content, site=site) == 0  # --strict, and still built
    assert check_site(site)[0] == [
        'about/index.html:%d: href="../nowhere/": no nowhere/index.html in the site' % line(site, "../nowhere/"),
        'about/index.html:%d: src="../assets/generated/charts/none.svg": no file assets/generated/charts/none.svg '
        'in the site' % line(site, "none.svg"),
    ]


def line(site: Path, needle: str) -> int:
    lines = (site / "about/index.html").read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


def test_linkcheck_catches_breaks_in_a_built_site(built, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built.site, site)
    (site / "assets/generated/js/briefing.js").unlink()
    (site / "assets/generated/charts/price.svg").unlink()
    page = site / "comparisons" / "index.html"
    html = page.read_text(encoding="utf-8")
    spec = re.search(r'data-chart-spec="([^"]+)"', html).group(1)
    html = html.replace(f'data-chart-spec="{spec}"', 'data-chart-spec="../assets/generated/charts/gone.vl.json"', 1)
    page.write_text(html.replace('href="#cite-1"', 'href="#cite-999"', 1), encoding="utf-8")
    problems, parsed = check_site(site)
    text = "\n".join(problems)
    pages = len(parsed.pages)
    # Every Chinese page loads it but the chart pages (made to be embedded, they load no script); English pages
    # have their own.
    assert sum("no file assets/generated/js/briefing.js" in p for p in problems) == pages - len(
        [p for p in parsed.pages if p.startswith(("en/", "charts/"))])
    assert "no file assets/generated/charts/price.svg in the site" in text
    assert 'data-chart-spec="../assets/generated/charts/gone.vl.json": no file' in text
    assert 'href="#cite-999": no element with id "cite-999" in comparisons/index.html' in text


def test_linkcheck_command(built, tmp_path):
    ok = run([sys.executable, "-m", "generator", "linkcheck", "--site", str(built.site)], cwd=ROOT)
    assert ok.returncode == 0, ok.stderr
    assert re.fullmatch(rf"{re.escape(str(built.site))}: \d+ pages, \d+ links checked \(base path /\), 0 broken links\n",
                        ok.stdout)
    bad = write_site(tmp_path / "bad", {"index.html": '<a href="x/">1</a><a href="x/">2</a><a href="#y">3</a>'})
    result = run([sys.executable, "-m", "generator", "linkcheck", "--site", str(bad)], cwd=ROOT)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f'{bad}/index.html:1: href="x/": no x/index.html in the site (and 1 more)',
        f'{bad}/index.html:1: href="#y": no element with id "y" in index.html',
        f"{bad}: 1 pages, 3 links checked (base path /), 3 broken links",
    ]


def test_linkcheck_holds_root_relative_links_to_the_published_path(tmp_path):
    root = write_site(tmp_path, {"index.html": '<a href="/">home</a><a href="/repo/">home</a>'})
    assert Site(root).problems() == ['index.html:1: href="/repo/": no repo/index.html in the site']
    assert Site(root, "https://owner.github.io/repo/").problems() == [
        "index.html:1: href=\"/\": points outside the site's base path /repo/"]


# --------------------------------------------------------------------------- the data package

def frictionless_validate(descriptor: Path) -> dict:
    result = run([str(BIN / "frictionless"), "validate", "--json", str(descriptor)], cwd=descriptor.parent)
    report = json.loads(result.stdout)
    assert (result.returncode == 0) == report["valid"]
    return report


def errors(report: dict) -> list[tuple[str, str]]:
    return [(task["name"], e["type"]) for task in report["tasks"] for e in task["errors"]]


@pytest.mark.parametrize("edition", EDITIONS)
def test_data_package_passes_frictionless_validate(built, edition):
    descriptor = built.site / edition / "assets/generated/data/datapackage.json"
    report = frictionless_validate(descriptor)
    assert errors(report) == [] and report["valid"]
    assert sorted(task["name"] for task in report["tasks"]) == sorted(KINDS)
    assert all(task["stats"]["rows"] >= 1 for task in report["tasks"])


def test_frictionless_validate_fails_on_bad_data(built, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(built.site / "assets/generated/data", data)
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    # Without the recorded sizes and hashes, so that the table checks themselves must find each problem.
    for resource in descriptor["resources"]:
        del resource["bytes"], resource["hash"]
    (data / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    rows = list(csv.reader(io.StringIO((data / "statements.csv").read_text(encoding="utf-8"))))
    para = rows[0].index("cite.para")
    rows[1][para] = "third"                      # an integer column
    rows[2][rows[0].index("cite.source")] = "no-such-source"  # a foreign key
    rows[0][para] = "paragraph"                  # a header that is not the schema's
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (data / "statements.csv").write_text(buf.getvalue(), encoding="utf-8")
    found = errors(frictionless_validate(data / "datapackage.json"))
    assert ("statements", "incorrect-label") in found
    assert ("statements", "type-error") in found
    assert ("statements", "foreign-key") in found
    assert {name for name, _ in found} == {"statements"}


def test_frictionless_validate_fails_on_a_changed_csv(built, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(built.site / "assets/generated/data", data)
    path = data / "events.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2022", "2023", 1), encoding="utf-8")
    assert ("events", "hash-count") in errors(frictionless_validate(data / "datapackage.json"))


def test_csv_columns_are_the_models_and_lose_nothing(dataset, generated):
    whole = dataset.model_dump(mode="json")
    package = json.loads(generated["assets/generated/data/datapackage.json"])
    for resource in package["resources"]:
        kind = resource["name"]
        table = list(csv.DictReader(io.StringIO(generated[f"assets/generated/data/{kind}.csv"].decode("utf-8"))))
        assert list(table[0]) == [f["name"] for f in resource["schema"]["fields"]]
        assert len(table) == len(whole[kind])
        for record, row in zip(whole[kind], table):
            for path, value in leaves(record):
                name = ".".join(path)
                expected = json.dumps(value, ensure_ascii=False) if isinstance(value, list) else (
                    {True: "true", False: "false"}.get(value, str(value)) if not isinstance(value, str) else value)
                assert row[name] == expected, (kind, record["id"], name)


def leaves(record: dict, prefix: tuple[str, ...] = ()):
    """Every non-null value of a record with its path; lists are one value."""
    for key, value in record.items():
        if isinstance(value, dict):
            yield from leaves(value, prefix + (key,))
        elif value is not None:
            yield prefix + (key,), value


def test_csv_types_are_honest():
    fields = {f"{kind}.{c.name}": c.field for kind in KINDS for c in datapackage.columns(kind)}
    assert fields["collectibles.cites"]["type"] == "array"           # JSON in the cell
    assert fields["collectibles.release"]["type"] == "string"        # 2021, 2021-12 or 2021-12-17
    assert fields["collectibles.price.value"]["type"] == "number"
    assert fields["collectibles.price.currency"]["constraints"]["enum"] == ["CNY", "USD"]
    assert fields["collectibles.edition"]["constraints"]["enum"] == ["unlimited"]
    assert fields["collectibles.edition.value"]["constraints"]["minimum"] == 1
    assert fields["statements.cite.para"]["type"] == "integer"
    assert fields["sources.url"]["format"] == "uri"
    assert fields["sources.id"]["constraints"]["required"] is True
    assert "required" not in fields["sources.outlet.zh"].get("constraints", {})  # the outlet may be null
    assert all(f.get("description") for f in fields.values())


def test_data_package_states_sources_and_does_not_invent_a_licence(dataset, generated):
    package = json.loads(generated["assets/generated/data/datapackage.json"])
    assert "licenses" not in package
    assert "no licence has been chosen for this compilation" in package["description"]
    assert [(s["id"], s["licence"]["en"]) for s in package["sources"]] == [(s.id, s.licence.en) for s in dataset.sources]
    assert package["version"] == generator.__version__
    assert generated["en/assets/generated/data/datapackage.json"] == generated["assets/generated/data/datapackage.json"]


@pytest.mark.parametrize("edition", EDITIONS)
def test_methodology_page_offers_the_data_package(built, edition):
    html = (built.site / edition / "methodology/index.html").read_text(encoding="utf-8")
    assert 'href="../assets/generated/data/datapackage.json"' in html


# --------------------------------------------------------------------------- Zensical

@pytest.fixture(scope="module")
def zensical_site(built):
    """The built fixture's content built again with Zensical, beside the MkDocs site."""
    site = built.content.parent / "site-zensical"
    # The browser suite's Zensical server builds the same folder (tests/browser/test_browser_search.py): once.
    if not all((site / f).is_file() for f in ("briefing-zh.pdf", "en/briefing-en.pdf")):  # its last step done
        assert build_site("zensical", content=built.content, site=site) == 0
    return site


def test_zensical_builds_the_same_pages(built, zensical_site):
    def pages(root):
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))

    assert pages(zensical_site) == pages(built.site)
    assert len(pages(built.site)) > 100


def test_zensical_site_has_every_generated_asset(built, zensical_site):
    assets = {k for k in built.files if "/assets/generated/" in f"/{k}" and not k.endswith(".md")}
    charts = {k for k in assets if "/charts/" in k}
    assert any(k.endswith(".svg") for k in charts) and any(k.endswith(".vl.json") for k in charts)
    for rel in sorted(assets):
        assert (zensical_site / rel).read_bytes() == built.files[rel], rel


@pytest.mark.parametrize("builder", ["mkdocs", "zensical"])
def test_each_edition_has_its_own_search_index(built, zensical_site, builder):
    """Pagefind indexed both editions after either builder: every page once, in its own edition's index."""
    site = built.site if builder == "mkdocs" else zensical_site
    for edition, lang in ((site, "zh"), (site / "en", "en")):
        entry = json.loads((edition / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert list(entry["languages"]) == [lang], entry
        # Every page but the other edition's and the chart pages (made to be embedded; the chart is found on its page).
        pages = [p for p in edition.rglob("index.html")
                 if not p.relative_to(edition).as_posix().startswith(("en/", "charts/"))]
        assert entry["languages"][lang]["page_count"] == len(pages)
    # The search box is in every page, in the theme override, under both builders.
    assert 'data-bf-search' in (site / "en" / "partners" / "jd" / "index.html").read_text(encoding="utf-8")


def test_zensical_pages_show_the_charts(zensical_site):
    html = (zensical_site / "comparisons/index.html").read_text(encoding="utf-8")
    specs = re.findall(r'data-chart-spec="([^"]+)"', html)
    assert specs and all((zensical_site / "comparisons" / s).resolve().is_file() for s in specs)
    assert 'src="../assets/generated/js/briefing.js"' in html


# --------------------------------------------------------------------------- reproducible builds

def test_two_builds_of_one_commit_are_identical(tmp_path, monkeypatch):
    from generator.charts import statics

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")  # as `make site` sets it: the last commit's time
    first = build_into(tmp_path / "one")
    # The second without the chart cache, so that the charts are rendered again, not copied.
    monkeypatch.setattr(statics, "CACHE", tmp_path / "fresh-cache")
    second = build_into(tmp_path / "two")
    a, b = tree(first.site), tree(second.site)
    # Pagefind's output is not byte-reproducible (its filter and meta chunks come out in a different order, so
    # under other hashed names, from run to run): the index is compared by what it holds, the rest byte for byte.
    search = [{k: v for k, v in tree.items() if "/pagefind/" in f"/{k}"} for tree in (a, b)]
    for tree_, bundle in zip((a, b), search):
        for k in bundle:
            del tree_[k]
    entries = [{lang: {k: v for k, v in about.items() if k != "hash"}
                for lang, about in json.loads(bundle[k])["languages"].items()}
               for bundle in search for k in sorted(bundle) if k.endswith("pagefind-entry.json")]
    assert len(entries) == 4 and entries[:2] == entries[2:]  # the same languages and page counts
    assert len(search[0]) == len(search[1])
    assert sorted(a) == sorted(b)
    differ = [name for name in a if a[name] != b[name]]
    assert differ == []
    assert "sitemap.xml.gz" in a and any(name.endswith("/charts/edition.svg") for name in a)
    assert len(list((tmp_path / "fresh-cache").glob("*.svg"))) >= 7  # rendered again indeed


# --------------------------------------------------------------------------- version and changelog

def test_version_is_the_same_everywhere():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == generator.__version__
    result = run([sys.executable, "-m", "generator", "--version"], cwd=ROOT)
    assert result.stdout == f"python -m generator {generator.__version__}\n"


def test_changelog_keeps_a_changelog():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    versions = re.findall(r"(?m)^## \[([^\]]+)\]", text)
    assert versions[0] == "Unreleased"
    current = tuple(map(int, generator.__version__.split(".")))
    for v in versions[1:]:
        assert re.fullmatch(r"\d+\.\d+\.\d+", v), v
        assert tuple(map(int, v.split("."))) <= current, f"CHANGELOG has {v}, newer than the version {generator.__version__}"
    sections = set(re.findall(r"(?m)^### (.+)$", text))
    assert sections <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security",
                        "Known differences under Zensical"}


def test_zensical_site_links_all_resolve(zensical_site):
    problems, site = check_site(zensical_site)
    assert problems == [], problems[:5]
