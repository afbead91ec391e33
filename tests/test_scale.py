"""Scale: synthetic data, page size that does not grow with the data, and regeneration after a one-record edit.

Synthetic data only (generator/synth.py, in temporary folders); no timing assertions: `make bench` measures.
"""

from __future__ import annotations

import gc
import importlib.util
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from generator import synth
from generator.build import _dataset_files_by_record, dataset_files, generate
from generator.cli import main
from generator.incremental import IncrementalLoader, RenderCache, Regenerator, split_records
from generator.model import KINDS, OPTIONAL_KINDS
from generator.site import CONFIGS, config_for
from generator.validate import DataError, load_dataset
from generator.write import write_all

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
    regen = Regenerator(tmp_path / "data", tmp_path / "content", static=False)
    first = regen.run()
    return tmp_path, regen, first


def _edit(data: Path, old: str, new: str) -> None:
    path = data / "collectibles.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _changed_between(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    return sorted(k for k in after if before.get(k) != after[k]) + sorted(set(before) - set(after))


def test_a_description_edit_rewrites_only_that_collectibles_pages_and_the_data_files(edited):
    tmp, regen, first = edited
    assert len(first.written) == first.files and first.reused == 0
    _edit(tmp / "data", "合成藏品 00042 是一件", "合成藏品 00042 是一件（已编辑）")
    result = regen.run()
    data_files = ["assets/generated/data/collectibles.csv", "assets/generated/data/datapackage.json",
                  "assets/generated/data/dataset.json"]
    page = "collectibles/synth-collectible-00042/index.md"  # the English page shows the English description
    assert result.written == sorted(data_files + [page] + ["en/" + f for f in data_files])
    assert result.unchanged == first.files - len(result.written)
    assert result.parsed == 1
    assert result.rendered < 20 and result.reused == first.rendered - result.rendered  # pages listing it, too
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
    result = regen.run()
    assert result.written == _changed_between(before, after)
    assert 0 < len(result.written) < len(after) // 10
    assert all((tmp / "content" / k).read_bytes() == v for k, v in after.items())


def test_an_edit_makes_again_only_the_charts_and_pages_that_show_it(edited):
    """Charts are compared by the analysis results they were made from (price points of one platform, say),
    pages by what they read: a price edit remakes the site-wide price chart only (platform pages have none)."""
    tmp, regen, first = edited
    assert first.charts_made and not regen.run().charts_made  # nothing changed: every chart reused
    _edit(tmp / "data", "合成藏品 00042 是一件", "合成藏品 00042 是一件（已编辑）")
    assert regen.run().charts_made == []  # a description is on no chart
    _edit(tmp / "data", "  price: {value: 29, currency: CNY}\n  edition: {value: 500}",
          "  price: {value: 5000, currency: CNY}\n  edition: {value: 500}")  # synth-collectible-00007
    result = regen.run()
    assert sorted(result.charts_made) == ["en:price_chart", "zh:price_chart"]
    # The edited platform's page, among others that read the site-wide figures (their links to the comparisons).
    assert {"en:platforms/synth-platform-02/index.md", "zh:platforms/synth-platform-02/index.md"} <= set(
        result.pages_rendered)
    assert "zh:collectibles/synth-collectible-00007/index.md" in result.pages_rendered
    assert "zh:index.md" in result.pages_rendered  # the home page's findings and matrix show every platform's prices


def test_price_points_stay_equal_when_a_collectible_changes_elsewhere(tmp_path):
    """Points compare what charts show of a collectible (id, name), not the whole record."""
    import generator.analysis as an

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
    assert gc.isenabled()  # the build turns the collector off while it runs, and back on
    _edit(tmp_path / "data", "合成藏品 00011 是一件", "合成藏品 00011 是一件（已编辑）")
    capsys.readouterr()
    assert main(args) == 0
    out = capsys.readouterr().out
    assert re.search(r": 7 written, \d+ unchanged, 0 removed", out), out  # the page, 3 data files per edition


def test_the_build_command_runs_without_the_cyclic_collector_and_turns_it_back_on(tmp_path, monkeypatch):
    import generator.build

    seen = []
    real = generator.build.build
    monkeypatch.setattr(generator.build, "build", lambda ds, args: (seen.append(gc.isenabled()), real(ds, args))[1])
    synth.write_synth(tmp_path / "data", 40, platforms=2, seed=5)
    assert main(["build", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "content"), "--no-static",
                 "--quiet"]) == 0
    assert seen == [False] and gc.isenabled()


def test_an_edit_with_a_problem_is_reported_like_a_full_load(tmp_path):
    synth.write_synth(tmp_path / "data", 40, platforms=2, seed=6)
    loader = IncrementalLoader(tmp_path / "data", "data")
    loader.load()
    _edit(tmp_path / "data", "price: {value: ", "price: {value: -")
    with pytest.raises(DataError) as incremental:
        loader.load()
    with pytest.raises(DataError) as full:
        load_dataset(tmp_path / "data", "data")
    assert [str(p) for p in incremental.value.problems] == [str(p) for p in full.value.problems]
    assert "must be >= 0" in str(full.value)


def test_incremental_loading_gives_the_full_loads_dataset(tmp_path):
    synth.write_synth(tmp_path / "data", 80, platforms=3, seed=9)
    loader = IncrementalLoader(tmp_path / "data")
    loader.load()
    _edit(tmp_path / "data", "合成藏品 00005 是一件", "合成藏品 00005 是一件（改）")
    _edit(tmp_path / "data", "合成藏品 00020 是一件", "合成藏品 00020 是一件（改）")
    assert loader.load() == load_dataset(tmp_path / "data")
    assert loader.full_loads == 1 and loader.parsed == 2
    path = tmp_path / "data" / "collectibles.yaml"  # a record added: a full load checks every reference again
    path.write_text(path.read_text(encoding="utf-8").replace("- id: synth-collectible-00001", (
        "- id: synth-collectible-09999\n  platform: synth-platform-01\n"
        '  name: {zh: "合成藏品 09999", en: "Synthetic collectible 09999", en_kind: descriptive}\n'
        "  kind: single\n  description: {zh: \"合成（SYNTHETIC）\", en: \"Synthetic (SYNTHETIC)\"}\n"
        "  cites:\n    - {source: synthetic-source, para: 1, quote: \"SYNTHETIC 09999\"}\n\n"
        "- id: synth-collectible-00001"), 1), encoding="utf-8")
    assert loader.load() == load_dataset(tmp_path / "data")
    assert loader.full_loads == 2


def test_split_records_finds_top_level_records_only():
    text = "# modeline\n\n- id: a\n  x: [1, 2]\n  y: |\n    - not a record\n# --- b\n- id: b\n"
    assert split_records(text) == [(2, "- id: a\n  x: [1, 2]\n  y: |\n    - not a record\n# --- b"), (7, "- id: b\n")]
    assert split_records("id: a\n") is None


def test_data_files_built_record_by_record_match_the_full_ones(dataset, tmp_path):
    cache = RenderCache()
    cache.start(None, dataset)
    assert _dataset_files_by_record(dataset, cache) == dataset_files(dataset)
    synth.write_synth(tmp_path, 90, platforms=3, seed=10)
    ds = load_dataset(tmp_path)
    cache.start(None, ds)
    assert _dataset_files_by_record(ds, cache) == dataset_files(ds)
    # Again after one record is replaced (the others are the same objects, their parts reused) and one dropped.
    old = ds.collectibles[3]
    edited = old.model_copy(update={"description": old.description.model_copy(update={"zh": "改过的描述 <edited>"})})
    ds2 = ds.model_copy(update={"collectibles": [*ds.collectibles[:3], edited, *ds.collectibles[5:]]})
    assert _dataset_files_by_record(ds2, cache) == dataset_files(ds2)
    assert "改过的描述".encode() in _dataset_files_by_record(ds2, cache)["dataset.json"]


def test_the_page_count_is_the_plans_length(dataset, tmp_path):
    from generator.pages import page_count, plan

    synth.write_synth(tmp_path, 250, platforms=3, seed=12)
    for ds in (dataset, load_dataset(tmp_path)):
        assert page_count(ds) == len(plan(ds))


def test_parallel_editions_give_the_same_files(dataset):
    assert generate(dataset, static=False, parallel=True) == generate(dataset, static=False)


def test_the_serve_hook_picks_up_an_edit_without_a_restart(tmp_path, monkeypatch):
    """mkdocs serve keeps the hook (it has on_startup); each rebuild regenerates what the edit changed."""
    import generator.cli as cli

    synth.write_synth(tmp_path / "data", 60, platforms=2, seed=11)
    monkeypatch.setattr(cli, "DEFAULT_DATA", tmp_path / "data")
    monkeypatch.setattr(cli, "DEFAULT_OUT", tmp_path / "content")
    spec = importlib.util.spec_from_file_location("regenerate_hook", ROOT / "hooks" / "regenerate.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    hook.on_startup(command="serve", dirty=False)
    hook.on_pre_build(config=None)
    page = tmp_path / "content" / "collectibles" / "synth-collectible-00003" / "index.md"
    assert "已编辑" not in page.read_text(encoding="utf-8")
    regenerator = hook._regenerator
    _edit(tmp_path / "data", "合成藏品 00003 是一件", "合成藏品 00003 是一件（已编辑）")
    hook.on_pre_build(config=None)
    assert hook._regenerator is regenerator
    assert "已编辑" in page.read_text(encoding="utf-8")


def test_edits_after_a_parallel_first_build_match_a_full_build(tmp_path):
    """The first build forks one edition; its pages and memos come back from that process and are reused."""
    synth.write_synth(tmp_path / "data", 150, platforms=3, seed=12)
    regen = Regenerator(tmp_path / "data", tmp_path / "content", static=False, parallel=True)
    regen.run()
    for old, new in (("合成藏品 00009 是一件", "合成藏品 00009 是一件（已编辑）"), ("price: {value: ", "price: {value: 2")):
        _edit(tmp_path / "data", old, new)
        result = regen.run()
        assert result.parsed == 1 and result.reused > 0
        full = generate(load_dataset(tmp_path / "data"), static=False)
        assert all((tmp_path / "content" / k).read_bytes() == v for k, v in full.items())


def test_serve_renders_a_new_character_on_a_chart_as_a_full_build_does(tmp_path, monkeypatch):
    """make serve's chart renderers start during the first build (its editions forked) with font subsets for
    its charts; an edit that puts a character their subsets lack on a chart goes to new processes, and every
    rendering is the same bytes as a full build's with an empty chart cache."""
    from generator import statics

    monkeypatch.setattr(statics, "CACHE", tmp_path / "cache-serve")
    # Few enough collectibles that the price chart lists them one by one (not grouped per platform).
    synth.write_synth(tmp_path / "data", 24, platforms=2, seed=3)
    regen = Regenerator(tmp_path / "data", tmp_path / "content", parallel=True)
    try:
        regen.run()
        assert all(r.current is not None and "鑫" not in r.current.chars for r in regen.cache.renderer)
        c = next(c for c in load_dataset(tmp_path / "data").collectibles if c.price is not None)
        _edit(tmp_path / "data", f'name: {{zh: "{c.name.zh}"', f'name: {{zh: "{c.name.zh} 鑫"')
        result = regen.run()
        assert "zh:price_chart" in result.charts_made
        assert all("鑫" in r.current.chars for r in regen.cache.renderer)
    finally:
        regen.close()
    svg = (tmp_path / "content" / "assets/generated/charts/price.svg").read_bytes()
    assert "鑫".encode() in svg
    monkeypatch.setattr(statics, "CACHE", tmp_path / "cache-full")
    full = generate(load_dataset(tmp_path / "data"))
    charts = {k: v for k, v in full.items() if "/charts/" in k}
    assert len(charts) >= 30 and all((tmp_path / "content" / k).read_bytes() == v for k, v in charts.items())


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
