"""Run the pipeline: analysis, charts, page plan, render, then one write. Nothing is written on any error."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.analysis import figures as an
from generator.charts import charts as ch
from generator.pages import fmt
from generator.load.read import gc_paused
from generator.pages.i18n import LANGS, NP_, translations
from generator.outputs import claims
from generator.model.records import KINDS, Dataset
from generator.pages.plan import page_count, plan, url_map
from generator.progress import progress
from generator.pages.render import MARKER, PageHelpers, environment
from generator.errors import BuildError
from generator.forked import Forked as _Forked
from generator.charts.statics import StaticCharts, hand_spares
from generator.outputs.write import ClashError, _atomic_write, write_all
from generator.pages.context import KIND_LABELS, indexes, source_line_factory
from generator.charts.files import _chart_data_files, _check_spec, _vega_lite_validator
from generator.outputs.downloads import (_catalogue_row, _dataset_files_by_record, catalogue_json, dataset_files,
                                         jieba_dictionary)
from generator.outputs.assets import _VegaBundle

ROOT = Path(__file__).resolve().parents[2]
ASSET_SRC = ROOT / "templates" / "assets"
EDITION_PREFIX = {"zh": "", "en": "en/"}
ASSETS = "assets/generated"


# --------------------------------------------------------------------------- the build

@gc_paused()  # rendering allocates millions of short-lived acyclic objects: the collector cost 25% here
def generate(ds: Dataset, langs: tuple[str, ...] = LANGS, static: bool = True, show_progress: bool = False,
             parallel: bool = False, cache: Any = None) -> dict[str, bytes]:
    """Every generated file (path relative to content/ -> bytes). Pure but for the chart cache.

    parallel: build every edition but the first in a forked process (the CLI does, on two cores or more).
    cache: an incremental.RenderCache; charts and pages whose inputs did not change since its last build
    are reused.
    """
    # On a first build (nothing cached), made beside everything else; the build command starts it before it
    # reads the data (start_vega_bundle), when only one core is busy.
    bundle_job = _EARLY_BUNDLE.pop() if _EARLY_BUNDLE else _VegaBundle()
    try:
        return _generate(ds, langs, static, show_progress, parallel, cache, bundle_job)
    except BaseException:
        bundle_job.kill()
        raise


_EARLY_BUNDLE: list[_VegaBundle] = []


def start_vega_bundle() -> None:
    """Start making the vega bundle now (when it is not cached), for the next generate()."""
    if not _EARLY_BUNDLE:
        _EARLY_BUNDLE.append(_VegaBundle())


def drop_vega_bundle() -> None:
    """Stop a bundle started by start_vega_bundle() that no generate() took (the data had errors)."""
    while _EARLY_BUNDLE:
        _EARLY_BUNDLE.pop().kill()


def _generate(ds: Dataset, langs: tuple[str, ...], static: bool, show_progress: bool, parallel: bool, cache: Any,
              bundle_job: _VegaBundle) -> dict[str, bytes]:
    prepared: list[tuple] = []
    urls = url_map(ds)

    def prepare() -> tuple:
        """Addresses, lookup tables and the page plan: once per process (a forked one makes its own)."""
        if not prepared:
            shared = {"notation": an.notation_examples(ds), "kinds": list(KINDS), "dictionary": _dictionary(),
                      "kind_labels": KIND_LABELS}
            prepared.append((urls, indexes(ds), source_line_factory(ds), shared, plan(ds)))
        return prepared[0]

    if cache is not None:  # the cache compares this build's inputs with the last one's
        cache.start(_base_fingerprint(ds, urls, langs, static), ds)
    early: dict[str, tuple] = {}
    if not _forks(parallel, langs):
        # One process for every edition: make all their charts first, so that the static renderings of them
        # all are made beside everything else (lookup tables, pages of both editions, data files).
        source_line = source_line_factory(ds)
        made = {lang: _edition_charts(lang, ds, source_line, static, cache) for lang in langs}
        # The kept renderers' fonts cover both editions' charts at once.
        _prepare_renderers(cache, [spec for m in made.values() for spec in m[-1].values()])
        for lang, (trans, charts, site_chart_ids, chart_bytes, specs) in made.items():
            early[lang] = (trans, charts, site_chart_ids, chart_bytes, _statics(specs, cache, False, lang))
    if cache is not None:
        from generator.incremental import World

        _urls, idx, _source_line, shared, _pages = prepare()
        cache.set_world(World(ds, idx, shared, {}))
    # The data files: from per-record parts with a cache; otherwise in a process of their own beside the
    # editions when they fork (a third of an edition's time at 10,000 collectibles), or here.
    data_files: Any = _Forked(lambda: dataset_files(ds)) if cache is None and _forks(parallel, langs) else None
    with progress(page_count(ds) * len(langs), "pages", enabled=show_progress) as bar:
        def work(lang: str, bar: Any, forked: bool) -> _Edition:
            urls, idx, source_line, shared, pages = prepare()
            return _edition(lang, ds, idx, urls, source_line, shared, pages, static, cache, bar, forked,
                            early.pop(lang, None))

        try:
            editions = _per_edition(work, langs, parallel, bar)
        except BaseException:
            if data_files is not None:
                data_files.kill()
            raise
    if cache is not None and cache.renderer and _forks(parallel, langs):
        # A forked edition made its renderings with a renderer of its own: (re)start the kept ones now, so
        # that the first edit's renderings do not wait for that.
        _prepare_renderers(cache, [json.loads(made[".vl.json"]) for edition in editions.values()
                                   for made in edition.charts.values() if ".vl.json" in made])
    # What both editions share, once the editions are done (while static renderings may still be made).
    if cache is not None:
        downloads = _dataset_files_by_record(ds, cache)
    else:
        downloads = data_files.result() if data_files is not None else dataset_files(ds)
    bundle = bundle_job.result()
    own_assets = {p.name: p.read_bytes() for p in sorted(ASSET_SRC.iterdir()) if p.is_file()}
    from generator.model.schema import schemas

    schema_files = {name: text.encode("utf-8") for name, text in schemas().items()}
    jieba_dict = jieba_dictionary(ds)
    files: dict[str, bytes] = {}
    missing: dict[str, set[str]] = {}
    urls, idx, _source_line, shared, pages = prepare()
    pages_by_file = {page.file: page for page in pages}
    for edition in editions.values():
        edition.finish_statics()
    for lang in langs:
        edition = editions[lang]
        prefix = EDITION_PREFIX[lang]
        for cid, made in edition.charts.items():
            for suffix, data in made.items():
                files[f"{prefix}{ASSETS}/charts/{cid}{suffix}"] = data
        for name, data in downloads.items():
            files[f"{prefix}{ASSETS}/data/{name}"] = data
        for name, data in schema_files.items():
            files[f"{prefix}{ASSETS}/data/schema/{name}"] = data
        files[f"{prefix}{ASSETS}/js/vega-bundle.js"] = bundle
        for name, data in own_assets.items():
            files[f"{prefix}{ASSETS}/{'js' if name.endswith('.js') else 'css'}/{name}"] = data
        files.update(edition.files)
        if edition.missing:
            missing[lang] = edition.missing
        if cache is not None:
            cache.adopt(lang, edition.records, edition.views, edition.kept, pages_by_file)
            collectibles = idx["collectibles"]
            for key, (_records, row) in edition.rows.items():  # copies from a fork: keyed to our records
                c = collectibles.get(key[1])
                if c is not None:
                    cache.rows[key] = ((c, idx["platforms"][c.platform]), row)
    if missing:
        lines = [f"missing {lang} translation: {msg!r}" for lang, msgs in missing.items() for msg in sorted(msgs)]
        raise BuildError("\n".join(lines) + "\n(add them to locales/<lang>/LC_MESSAGES/messages.po)")
    files[f"{ASSETS}/search/jieba_user_dict.txt"] = jieba_dict
    claims.check(ds, files)  # refuse a site that contradicts itself or the data, before anything is written
    if cache is not None:
        cache.commit()
    return files


def _dictionary() -> Any:
    from generator.model.schema import dictionary

    return dictionary()


@dataclass
class _Edition:
    """One language's part of a build (made in this process or in a forked one)."""

    files: dict[str, bytes]                      # pages and catalogue.json
    charts: dict[str, dict[str, bytes]]          # chart id -> suffix -> bytes
    missing: set[str]
    records: dict = field(default_factory=dict)  # for the cache: pages and what they read
    views: dict = field(default_factory=dict)    # for the cache: what pages can see of each chart
    kept: Any = None                             # for the cache: the charts and the fields they read
    rows: dict = field(default_factory=dict)     # for the cache: catalogue rows made in a forked process
    statics: Any = None                          # static renderings still being made (statics.StaticCharts)

    def finish_statics(self) -> None:
        """Wait for the static renderings and add them to the charts' files (which the cache keeps too)."""
        if self.statics is not None:
            for cid, made in self.statics.result().items():
                self.charts[cid].update(made)
            self.statics = None


def _edition_charts(lang: str, ds: Dataset, source_line: Any, static: bool, cache: Any) -> tuple:
    """A language's charts (see _charts), with the translations it used (the edition's own: they collect the
    messages that charts and pages lack)."""
    trans = translations(lang)
    charts, site_chart_ids, chart_bytes, specs = _charts(ds, lang, trans, source_line, static, cache)
    return trans, charts, site_chart_ids, chart_bytes, specs


def _prepare_renderers(cache: Any, specs: list[dict]) -> None:
    """Have the renderers an incremental build keeps cover these specs' fonts and characters, started (and
    warmed) now if they do not (see statics.Renderer.prepare)."""
    if cache is not None and cache.renderer and specs:
        for renderer in cache.renderer:
            renderer.prepare(specs, warm=True)


def _statics(specs: dict[str, dict], cache: Any, forked: bool, lang: str) -> StaticCharts:
    """The static renderings of these specs, started in processes of their own, to go on beside page
    rendering (see statics.py). A forked process uses a renderer of its own: the ones an incremental build
    keeps belong to the process that made them. A renderer of its own starts from the spare started for the
    edition, if the build command started one (statics.start_spares)."""
    return StaticCharts(specs, None if forked or cache is None else cache.renderer, spare=lang)


def _edition(lang: str, ds: Dataset, idx: dict, urls: dict, source_line: Any, shared: dict, pages: list,
             static: bool, cache: Any, bar: Any, forked: bool, made_charts: tuple | None = None) -> _Edition:
    """One language's charts, catalogue and pages (the charts may have been made already: made_charts)."""
    prefix = EDITION_PREFIX[lang]
    if made_charts is None:
        trans, charts, site_chart_ids, chart_bytes, specs = _edition_charts(lang, ds, source_line, static, cache)
        made_charts = (trans, charts, site_chart_ids, chart_bytes, _statics(specs, cache, forked, lang))
    trans, charts, site_chart_ids, chart_bytes, statics = made_charts
    # One environment per language: Jinja caches imported macro modules with the gettext they
    # first saw, so a shared environment would render the English macros in Chinese.
    env = environment()
    env.install_gettext_translations(trans, newstyle=True)  # type: ignore[attr-defined]
    views = {cid: _chart_view(chart, chart_bytes[cid]) for cid, chart in charts.items()}
    files = {f"{prefix}{ASSETS}/data/catalogue.json": catalogue_json(ds, idx, lang, trans, cache)}
    if cache is not None:
        cache.begin_edition(lang, tuple(site_chart_ids), views)
    pages_files, records, missing = render_edition(lang, pages, env, trans, ds, idx, urls, source_line, charts,
                                                   site_chart_ids, shared, bar, cache)
    files.update(pages_files)
    kept = cache.kept_charts(lang) if cache is not None else None
    rows = {k: v for k, v in cache.rows.items() if k[0] == lang} if cache is not None and forked else {}
    edition = _Edition(files, chart_bytes, missing, records, views, kept, rows=rows, statics=statics)
    if forked:  # a forked process sends finished files; here, the next edition goes on beside the renderer
        edition.finish_statics()
    return edition


def render_edition(lang: str, pages: list, env: Any, trans: Any, ds: Dataset, idx: dict, urls: dict, source_line: Any,
                   charts: dict, site_chart_ids: list, shared: dict, bar: Any, cache: Any = None
                   ) -> tuple[dict[str, bytes], dict, set[str]]:
    """One edition's pages (path -> bytes); with a cache, only pages whose inputs changed are rendered.

    Returns the pages, what each rendered page read (for the cache), and the messages it could not translate.
    """
    from generator.incremental import TRACKER_VAR, wrap_for_page

    prefix = EDITION_PREFIX[lang]
    out: dict[str, bytes] = {}
    records: dict = {}
    for page in pages:
        tracker = None
        p_ds, p_idx, p_charts = ds, idx, charts
        if cache is not None:
            entry = cache.reuse(lang, page)
            if entry is not None:
                out[prefix + page.file] = entry.data
                records[(lang, page.file)] = (entry, True)
                bar.update(1)
                continue
            tracker, p_ds, p_idx, p_charts = wrap_for_page(ds, idx, charts, lang)
        helpers = PageHelpers(p_ds, lang, trans, page.url, page.file, urls, source_line)
        template = env.get_template(page.template)
        text = template.render(
            ds=p_ds, idx=p_idx, lang=lang, h=helpers, _=helpers._, charts=p_charts, site_charts=site_chart_ids,
            page=page, assets=helpers.page_url_to(f"{ASSETS}/"), ch=ch, an=an, **{TRACKER_VAR: tracker},
            **shared, **page.context)
        data = _mark(_tidy(text)).encode("utf-8")
        out[prefix + page.file] = data
        if tracker is not None:
            records[(lang, page.file)] = (cache.entry(page, tracker, data), False)
        bar.update(1)
    return out, records, set(trans.missing)


def _forks(parallel: bool, langs: tuple[str, ...]) -> bool:
    """Whether _per_edition will fork."""
    return parallel and len(langs) >= 2 and hasattr(os, "fork")


def _per_edition(work: Any, langs: tuple[str, ...], parallel: bool, bar: Any) -> dict[str, Any]:
    """{lang: work(lang, bar, forked)}; when parallel, every edition but the last runs in a forked process
    (the last is the English one, the slowest to render). See _Forked."""
    from generator.progress import _Silent

    if not _forks(parallel, langs):
        return {lang: work(lang, bar, False) for lang in langs}
    parent = os.getpid()

    def child(lang: str) -> Any:
        if os.getpid() != parent:  # not when the parent does a failed child's work again (see _Forked)
            hand_spares(lang, forked=True)
        return work(lang, _Silent(), True)

    children = {lang: _Forked(lambda lang=lang: child(lang)) for lang in langs[:-1]}
    hand_spares(langs[-1], forked=False)
    try:
        results = {langs[-1]: work(langs[-1], bar, False)}
    except BaseException:
        for child in children.values():
            child.kill()
        raise
    for lang, child in children.items():
        edition = child.result()
        if edition.statics is not None:  # done here after all (the child failed): wait for its renderings
            edition.finish_statics()
        results[lang] = edition
        bar.update(len(edition.files))
    return {lang: results[lang] for lang in langs}


def _charts(ds: Dataset, lang: str, trans: Any, source_line: Any, static: bool, cache: Any = None
            ) -> tuple[dict[str, ch.Chart], list[str], dict[str, dict[str, bytes]], dict[str, dict]]:
    """A language's charts, the ids of the site-wide ones, each chart's files, and the specs whose static
    renderings are still to be made (by statics.StaticCharts).

    With a cache, each chart of the last build is reused (static renderings included) when no record field
    it read has changed; a chart made anew reads the dataset through a view that notes those fields.
    """
    charts: dict[str, ch.Chart] = {}
    site_chart_ids: list[str] = []
    made: dict[str, dict[str, bytes]] = {}
    specs: dict[str, dict] = {}
    if cache is None:
        ctx = ch.Ctx(ds, lang, trans.gettext, source_line)
        for _key, make, platform in ch.chart_jobs(ds):
            chart = make(ctx)
            if chart is not None:
                charts[chart.id] = chart
                if platform is None:
                    site_chart_ids.append(chart.id)
                made[chart.id], spec = _chart_data_files(chart)
                if static:
                    specs[chart.id] = spec
        return charts, site_chart_ids, made, specs
    from generator.incremental import _ChartJob, _Charts

    jobs: dict[str, _ChartJob] = {}
    for key, make, platform in ch.chart_jobs(ds):
        job = cache.chart_for(lang, key)
        if job is None:
            view = cache.chart_dataset(key)
            chart = make(ch.Ctx(view, lang, trans.gettext, source_line,  # type: ignore[arg-type]
                                cache.analysis_for(view._t)))
            files, spec = _chart_data_files(chart) if chart is not None else ({}, None)
            job = _ChartJob(view._t, chart, files)
            cache.charts_made.append(f"{lang}:{key}")
            if static and spec is not None:
                specs[chart.id] = spec
        jobs[key] = job
        if job.chart is not None:
            charts[job.chart.id] = job.chart
            made[job.chart.id] = job.files
            if platform is None:
                site_chart_ids.append(job.chart.id)
    cache.keep_charts(lang, _Charts(jobs, site_chart_ids))
    return charts, site_chart_ids, made, specs


def _chart_view(chart: ch.Chart, made: dict[str, bytes]) -> tuple:
    """Everything a page can show of a chart (its texts, rows, citations, spec and data), to compare builds.

    The static renderings are left out: they follow from the spec, and are added to the files later.
    """
    return (chart.id, chart.title, chart.subtitle, chart.description, chart.note, chart.columns, chart.rows,
            chart.cites, chart.extra, made.get(".vl.json"), made.get(".csv"))


def _base_fingerprint(ds: Dataset, urls: dict, langs: tuple[str, ...], static: bool) -> tuple:
    """What everything depends on: templates, translations, generator code, page addresses, sources."""
    from generator.incremental import tree_digest

    return (tree_digest(ROOT / "templates", ROOT / "locales", ROOT / "generator", suffixes=(".j2", ".po", ".py")),
            langs, static, hashlib.sha256(repr(list(urls.items())).encode()).hexdigest(), tuple(ds.sources))


def _mark(text: str) -> str:
    """Front matter with the page's title, then the generated-file marker, then the page.

    The title is the H1's text as HTML (Markdown escapes removed, entities kept), so that a name such as
    <script> stays escaped where the theme prints the title unescaped (<title>, the header).
    """
    head = text.partition("\n")[0]
    if not head.startswith("# "):
        return f"{MARKER}\n{text}"
    title = re.sub(r"<[^>]+>", "", re.sub(r"\\(.)", r"\1", head[2:])).strip()
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n{MARKER}\n{text}"


def _tidy(text: str) -> str:
    """Collapse runs of blank lines the templates leave, and end with one newline."""
    lines, blank = [], 0
    for line in text.splitlines():
        line = line.rstrip()
        blank = blank + 1 if not line else 0
        if blank <= 1:
            lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


