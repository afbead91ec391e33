"""Scale: synthetic data, page size that does not grow with the data, and regeneration after a one-record edit.

Synthetic data only (generator/dev/synth.py, in temporary folders); no timing assertions: `make bench` measures.
"""

from __future__ import annotations

import importlib.util
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from generator.dev import synth
from generator.pages.build import generate
from generator.cli import main
from generator.site.serve import Regeneration
from generator.model.records import KINDS, OPTIONAL_KINDS
from generator.site.site import CONFIGS, config_for
from generator.model.validate import DataError, load_dataset
from generator.outputs.write import write_all

ROOT = Path(__file__).resolve().parent.parent
ENTITY = re.compile(r"^(collectibles|partners|platforms)/(?!page/)[^/]+/index\.html$")


# --------------------------------------------------------------------------- synthetic data

def test_synth_is_deterministic_for_a_seed(tmp_path):
    a = synth.write_synth(tmp_path / "a", 120, platforms=4, seed=7)
    b = synth.write_synth(tmp_path / "b", 120, platforms=4, seed=7)
    c = synth.write_synth(tmp_path / "c", 120, platforms=4, seed=8)
    assert a == b
    assert a["collectibles.yaml"] != c["collectibles.yaml"]
    assert {p.name for p in (tmp_path / "a").iterdir()} == {f for k, (f, _m, _d) in KINDS.items() if k not in OPTIONAL_KINDS} | {"schema"}
    for name, text in a.items():
        assert (tmp_path / "a" / name).read_text(encoding="utf-8") == text


def test_synth_writes_a_valid_folder_with_the_schema_modeline(tmp_path):
    synth.write_synth(tmp_path, 50, platforms=3, seed=1)
    ds = load_dataset(tmp_path)
    assert (len(ds.collectibles), len(ds.platforms)) == (50, 3)
    for kind, (filename, _model, _doc) in KINDS.items():
        if kind in OPTIONAL_KINDS:  # synthetic data has no corrections log
            continue
        first = (tmp_path / filename).read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=schema/{kind}.schema.json"
        assert (tmp_path / "schema" / f"{kind}.schema.json").is_file()


def test_every_synthetic_record_says_it_is_synthetic(tmp_path):
    synth.write_synth(tmp_path, 60, platforms=3, seed=2)
    ds = load_dataset(tmp_path)
    (source,) = ds.sources
    assert "SYNTHETIC" in source.title and "SYNTHETIC" in source.title_en
    assert "SYNTHETIC" in source.note.zh and "SYNTHETIC" in source.note.en
    cites = []
    for kind in KINDS:
        for record in getattr(ds, kind):
            if hasattr(record, "name"):
                assert "合成" in record.name.zh and "Synthetic" in record.name.en, record.id
            found = list(getattr(record, "cites", None) or []) + ([record.cite] if getattr(record, "cite", None) else [])
            for part in ("mechanics", "features", "figures", "platforms"):
                found += [p.cite for p in getattr(record, part, None) or [] if hasattr(p, "cite")]
            assert found or kind == "sources", record.id
            cites += found
    assert cites and all(c.source == source.id and "SYNTHETIC" in c.quote for c in cites)


def test_synth_refuses_the_repository_data_folder(capsys):
    before = sorted((p.name, p.stat().st_mtime_ns) for p in (ROOT / "data").iterdir())
    for target in (ROOT / "data", ROOT / "data" / "synthetic"):
        assert main(["synth", "--collectibles", "5", "--out", str(target)]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"synth: {target}: refusing to write synthetic data into the repository's data/")
    assert sorted((p.name, p.stat().st_mtime_ns) for p in (ROOT / "data").iterdir()) == before


# --------------------------------------------------------------------------- page size does not grow with N

def _site(tmp: Path, n: int) -> tuple[Path, dict[str, int]]:
    """Synthetic data of n collectibles, generated (Chinese edition) and built strictly: HTML size by page."""
    synth.write_synth(tmp / "data", n, platforms=8, seed=3)
    content, site = tmp / "content", tmp / "site"
    (content).mkdir(parents=True)
    (content / "about.md").write_bytes((ROOT / "content" / "about.md").read_bytes())
    write_all(content, generate(load_dataset(tmp / "data"), langs=("zh",), static=False))
    cfg = config_for(CONFIGS["zh"], content, site)
    cmd = [str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--quiet", "--config-file", str(cfg)]
    subprocess.run(cmd, cwd=ROOT, check=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    return site, {str(p.relative_to(site)): p.stat().st_size for p in site.rglob("*.html")}


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    return {n: _site(tmp_path_factory.mktemp(f"n{n}"), n) for n in (200, 1000)}


def test_entity_pages_do_not_grow_with_the_number_of_collectibles(sites):
    small, big = sites[200][1], sites[1000][1]
    for kind in ("collectibles/synth-collectible-", "partners/synth-partner-"):  # not companies: 8 at any N
        sizes = [[size for page, size in pages.items() if page.startswith(kind) and ENTITY.match(page)]
                 for pages in (small, big)]
        assert min(map(len, sizes)) >= 10
        largest, median = [max(s) for s in sizes], [statistics.median(s) for s in sizes]
        assert largest[1] < 1.1 * largest[0], (kind, largest)
        assert median[1] < 1.1 * median[0], (kind, median)
    # Listing pages are paginated or capped: the catalogue's pages and the platforms' stay bounded.
    for page, size in big.items():
        assert size < 400_000, page
    assert statistics.median(big.values()) < 40 * 1024


def test_the_synthetic_site_has_no_broken_link(sites):
    """Synthetic data has no corrections log, yet every page's footer links to it: the log's heading is there,
    saying there are none, and no other link breaks with data the repository does not hold."""
    from generator.site.linkcheck import check_site

    site = sites[200][0]
    problems, _ = check_site(site)
    # This site is the Chinese edition alone, built without static chart images and the PDF step: its links into
    # the English edition, to the images and to the PDF have nothing to land on.
    elsewhere = r"(no|in) en/|no file briefing-zh\.pdf|no file assets/generated/charts/[^ ]+\.(svg|png)"
    assert [p for p in problems if not re.search(elsewhere, p)] == []
    assert "尚无更正" in (site / "methodology" / "index.html").read_text(encoding="utf-8")


def test_no_page_lists_every_entity_in_its_navigation(sites):
    """The sidebar is the explicit nav of section pages: as long at 1,000 collectibles as at 200."""
    def nav_links(html: str) -> list[str]:
        nav = html[html.index('<nav class="md-nav md-nav--primary"'):]
        nav = nav[:nav.index("</nav>", nav.index('<ul class="md-nav__list"'))]
        return re.findall(r'href="([^"]+)"', nav)

    counts: dict[str, set[int]] = {}
    for n, (site, sizes) in sites.items():
        for page in [p for p in sorted(sizes) if ENTITY.match(p)][::97] + ["index.html", "collectibles/index.html"]:
            links = nav_links((site / page).read_text(encoding="utf-8"))
            assert len(links) < 20, (n, page, links)
            assert not [link for link in links if re.search(r"(collectibles|partners|platforms)/[a-z0-9-]+-", link)]
            counts.setdefault(page if page.count("/") <= 1 else page.split("/")[0], set()).add(len(links))
    assert all(len(c) == 1 for c in counts.values()), counts  # the same sidebar at 200 and 1,000 collectibles


# --------------------------------------------------------------------------- one edit, only what it changes

N_EDIT = 200


@pytest.fixture()
def edited(tmp_path):
    synth.write_synth(tmp_path / "data", N_EDIT, platforms=4, seed=5)
    regen = Regeneration(tmp_path / "data", tmp_path / "content", static=False)
    problems, first = regen.run()
    assert problems == []
    return tmp_path, regen, first


def _edit_at(data: Path, old: str, new: str) -> tuple[int, int]:
    text = (data / "collectibles.yaml").read_text(encoding="utf-8")
    at = text.index(old)
    _edit(data, old, new)
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def _edit(data: Path, old: str, new: str) -> None:
    path = data / "collectibles.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _changed_between(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    return sorted(k for k in after if before.get(k) != after[k]) + sorted(set(before) - set(after))


def test_a_description_edit_rewrites_only_that_collectibles_pages_and_the_data_files(edited):
    tmp, regen, first = edited
    files = len(first.written) + first.unchanged
    _edit(tmp / "data", "合成藏品 00042 是一件", "合成藏品 00042 是一件（已编辑）")
    _problems, result = regen.run()
    data_files = ["assets/generated/data/collectibles.csv", "assets/generated/data/datapackage.json",
                  "assets/generated/data/dataset.json"]
    page = "collectibles/synth-collectible-00042/index.md"  # the English page shows the English description
    assert result.written == sorted(data_files + [page] + ["en/" + f for f in data_files])
    assert result.unchanged == files - len(result.written)
    assert "已编辑" in (tmp / "content" / page).read_text(encoding="utf-8")


@pytest.mark.parametrize("old, new", [
    ('name: {zh: "合成藏品 00007", en: "Synthetic collectible 00007"',
     'name: {zh: "合成藏品 00007（改名）", en: "Synthetic collectible 00007 (renamed)"'),
    ("price: {value: ", "price: {value: 1"),
])
def test_an_edit_rewrites_exactly_the_files_whose_bytes_change(edited, old, new):
    """Whatever the edit: the files written are those a full build changes, and the output is a full build's."""
    tmp, regen, _first = edited
    before = generate(load_dataset(tmp / "data"), static=False)
    _edit(tmp / "data", old, new)
    after = generate(load_dataset(tmp / "data"), static=False)
    _problems, result = regen.run()
    assert result.written == _changed_between(before, after)
    assert 0 < len(result.written) < len(after) // 10
    assert all((tmp / "content" / k).read_bytes() == v for k, v in after.items())



def test_price_points_stay_equal_when_a_collectible_changes_elsewhere(tmp_path):
    """Points compare what charts show of a collectible (id, name), not the whole record."""
    from generator.analysis import figures as an

    synth.write_synth(tmp_path / "data", 30, platforms=2, seed=3)
    ds = load_dataset(tmp_path / "data")
    before = an.price_points(ds)
    priced = next(c for c in ds.collectibles if c.price is not None)
    _edit(tmp_path / "data", f"{priced.name.zh} 是一件", f"{priced.name.zh} 是一件（已编辑）")
    assert an.price_points(load_dataset(tmp_path / "data")) == before
    _edit(tmp_path / "data", f'en: "{priced.name.en}"', f'en: "{priced.name.en} (renamed)"')
    assert an.price_points(load_dataset(tmp_path / "data")) != before


def test_the_build_command_after_an_edit_writes_only_the_changed_files(tmp_path, capsys):
    synth.write_synth(tmp_path / "data", 120, platforms=3, seed=4)
    args = ["build", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "content"), "--no-static"]
    assert main(args) == 0
    _edit(tmp_path / "data", "合成藏品 00011 是一件", "合成藏品 00011 是一件（已编辑）")
    capsys.readouterr()
    assert main(args) == 0
    out = capsys.readouterr().out
    assert re.search(r": 7 written, \d+ unchanged, 0 removed", out), out  # the page, 3 data files per edition



def test_the_page_count_is_the_plans_length(dataset, tmp_path):
    from generator.pages.plan import page_count, plan

    synth.write_synth(tmp_path, 250, platforms=3, seed=12)
    for ds in (dataset, load_dataset(tmp_path)):
        assert page_count(ds) == len(plan(ds))



def test_a_data_error_while_serving_keeps_the_pages_and_names_the_line(edited):
    """make serve: a bad edit leaves every page as it was and puts file:line in the banner's status file."""
    import json

    tmp, regen, _first = edited
    page = tmp / "content" / "collectibles" / "synth-collectible-00003" / "index.md"
    before = page.read_bytes()
    line, _col = _edit_at(tmp / "data", "合成藏品 00003 是一件", "合成藏品 00003 是一件（已编辑）")
    _edit(tmp / "data", "  price: {value: 29, currency: CNY}", "  price: {value: -29, currency: CNY}")
    problems, report = regen.run()
    assert report is None and problems and all(p.startswith("data/collectibles.yaml:") for p in problems)
    assert page.read_bytes() == before
    for status in ("assets/generated/serve-status.json", "en/assets/generated/serve-status.json"):
        shown = json.loads((tmp / "content" / status).read_text(encoding="utf-8"))["problems"]
        assert shown == problems and "price" in shown[0]
    _edit(tmp / "data", "  price: {value: -29, currency: CNY}", "  price: {value: 29, currency: CNY}")
    problems, report = regen.run()
    assert problems == [] and "已编辑" in page.read_text(encoding="utf-8")
    assert json.loads((tmp / "content" / "assets/generated/serve-status.json").read_text())["problems"] == []


def test_the_pdf_holds_the_same_pages_at_any_size_with_long_tables_and_lists_cut(sites):
    """At 1,000 collectibles the PDF still holds home, platforms, each platform, comparisons, methodology."""
    import re

    from generator.outputs import pdf

    site, _sizes = sites[1000]
    ed = pdf.edition_of(site, "zh")
    platforms = sorted(p.parent.name for p in (site / "platforms").glob("*/index.html"))
    assert ed.pages == ["", "platforms/", *[f"platforms/{p}/" for p in platforms], "comparisons/", "methodology/"]
    html = pdf.document(ed, "2026-01-01")
    for section in html.split('<section class="bf-pdf-page"')[1:]:
        if 'id="p-methodology"' in section:
            continue
        for table in re.findall(r"<tbody>.*?</tbody>", section, re.S):
            assert table.count("<tr") <= pdf.TABLE_ROWS
        for items in re.findall(r"<ol[^>]*>.*?</ol>", section, re.S):
            assert items.count("<li") <= pdf.LIST_ITEMS
    assert html.count('class="bf-pdf-more"') >= len(platforms)  # each platform page lists more than the cap


def test_a_load_reusing_unchanged_records_is_a_full_load_problems_and_lines_included(tmp_path):
    """make serve re-parses only records whose text changed (model/validate.py's Reuse): after each edit, the
    dataset, or every problem with its file:line:col, is what a full load gives."""
    from generator.model.validate import Reuse

    synth.write_synth(tmp_path / "data", 60, platforms=3, seed=6)
    data, reuse = tmp_path / "data", Reuse()

    def both() -> tuple[object, object]:
        out = []
        for r in (reuse, None):
            try:
                out.append(load_dataset(data, "data", reuse=r))
            except DataError as exc:
                out.append([str(p) for p in exc.problems])
        return out[0], out[1]

    assert both()[0] == both()[1]
    edits = [("合成藏品 00042 是一件", "合成藏品 00042 是一件（已编辑）"),                      # in its line
             ("- id: synth-collectible-00010\n", "- id: synth-collectible-00010\n  # a note\n\n"),  # lines below move
             ("- id: synth-collectible-00031\n", "- id: synth-collectible-00030\n"),                # a duplicate id
             ("- id: synth-collectible-00030\n  platform", "- id: synth-collectible-00031\n  platform"),
             ("- id: synth-collectible-00005\n", "# one more line\n- id: synth-collectible-00005\n"),  # they move
             ("- id: synth-collectible-00041\n", "- id: synth-collectible-00040\n"),
             ("- id: synth-collectible-00040\n  platform", "- id: synth-collectible-00041\n  platform"),
             ("  price: {value: 29, currency: CNY}", "  price: {value: -29, currency: CNY}"),        # a bad value
             ("  price: {value: -29, currency: CNY}", "  price: {value: 29, currency: CNY}"),
             ("- id: synth-collectible-00020\n", "- id: synth-collectible-00020\n  name: [\n"),      # bad YAML
             ("- id: synth-collectible-00020\n  name: [\n", "- id: synth-collectible-00020\n")]
    for old, new in edits:
        _edit(data, old, new)
        reused, full = both()
        assert reused == full, (old, new)
        if "00030\n" in new:
            assert any("duplicate id 'synth-collectible-00030' (first used at line" in p for p in full)


@pytest.mark.parametrize("old, new", [
    ("合成藏品 00042 是一件", "合成藏品 00042 是一件（已编辑）"),
    ("price: {value: ", "price: {value: 1"),
])
def test_the_pages_shown_first_after_an_edit_are_the_whole_builds(tmp_path, old, new):
    """make serve writes the pages that print just the edited record before the whole build (pages_printing):
    each must be the whole build's page, byte for byte, and the record's own page must be among them."""
    from generator.pages.build import pages_printing
    from generator.pages.cache import record_digests

    synth.write_synth(tmp_path / "data", 120, platforms=3, seed=4)
    before = record_digests(load_dataset(tmp_path / "data"))
    _edit(tmp_path / "data", old, new)
    ds = load_dataset(tmp_path / "data")
    after = record_digests(ds)
    changed = {k for k in after if k and k[1] and after[k] != before[k]}
    assert changed
    first = pages_printing(ds, changed)
    whole = generate(ds, static=False)
    rid = sorted(changed)[0][1]
    assert {f"collectibles/{rid}/index.md", f"en/collectibles/{rid}/index.md"} <= set(first)
    assert all(not rel.startswith(("index.md", "platforms/", "methodology/")) for rel in first)
    assert {rel: whole[rel] for rel in first} == first
    assert pages_printing(ds, {("platforms", ds.platforms[0].id)}) == {}  # its pages are a thousand: the whole build


def test_an_edition_rendered_in_a_process_of_its_own_gives_its_result_or_its_error():
    from generator.errors import BuildError
    from generator.pages.build import _forked

    assert _forked(lambda: {"a.md": b"x" * 300_000})() == {"a.md": b"x" * 300_000}  # larger than a pipe holds
    with pytest.raises(BuildError, match="missing en translation"):
        _forked(lambda: (_ for _ in ()).throw(BuildError("missing en translation: 'x'")))()
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        _forked(lambda: 1 / 0)()
