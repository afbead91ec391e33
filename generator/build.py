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

from . import analysis as an
from . import charts as ch
from . import search
from . import fmt
from .load import gc_paused
from .i18n import LANGS, NP_, QuoteFileError, dictionary_translations, missing_quotes, translations
from . import claims
from .model import KINDS, Dataset
from .pages import page_count, plan, url_map
from .progress import progress
from .render import MARKER, PageHelpers, environment
from .errors import BuildError
from .forked import Forked as _Forked
from .statics import StaticCharts, hand_spares
from .write import ClashError, _atomic_write, write_all
from .outputs.share import edition_files, embed_code, finish_page, site_url

ROOT = Path(__file__).resolve().parent.parent
ASSET_SRC = ROOT / "templates" / "assets"
EDITION_PREFIX = {"zh": "", "en": "en/"}
ASSETS = "assets/generated"


# Interface labels of the record kinds (message ids in the context "plural": pgettext("plural", label)).
KIND_LABELS = {"sources": NP_("plural", "来源"), "platforms": NP_("plural", "平台"),
               "collectibles": NP_("plural", "藏品"), "partners": NP_("plural", "合作方"),
               "events": NP_("plural", "事件"), "metrics": NP_("plural", "业务数字"),
               "statements": NP_("plural", "说法"), "corrections": NP_("plural", "更正")}


# --------------------------------------------------------------------------- sources

def source_line_factory(ds: Dataset):
    sources = ds.index("sources")

    def source_line(cites: Any, lang: str, short: bool = False) -> str:
        """'来源：…' naming each source of the citations (with paragraphs unless short)."""
        ids = list(dict.fromkeys(c.source for c in cites))
        parts = []
        for sid in ids:
            s = sources[sid]
            paras = sorted({c.para for c in cites if c.source == sid})
            where = fmt.date(s.published, lang)
            if short:
                outlet = getattr(s.outlet or s.publisher, lang)
                via = f"/{getattr(s.publisher, lang)}" if s.outlet else ""
                parts.append(f"{outlet}{via}，{where}" if lang == "zh" else f"{outlet}{via}, {where}")
                continue
            if lang == "zh":
                outlet = f"{s.outlet.zh}（{s.author}）" if s.outlet and s.author else (s.outlet.zh if s.outlet else s.publisher.zh)
                via = f"，{s.publisher.zh}转载" if s.outlet else ""
                parts.append(f"{outlet}《{s.title}》{via}，{where}，第 {'、'.join(map(str, paras))} 段")
            else:
                outlet = f"{s.outlet.en} ({s.author})" if s.outlet and s.author else (s.outlet.en if s.outlet else s.publisher.en)
                via = f", reprinted by {s.publisher.en}" if s.outlet else ""
                label = "para." if len(paras) == 1 else "paras."
                parts.append(f"{outlet}, “{s.title_en}”{via}, {where}, {label} {', '.join(map(str, paras))}")
        if not parts:
            return ""
        return ("来源：" + "；".join(parts)) if lang == "zh" else ("Source: " + "; ".join(parts))

    return source_line


# --------------------------------------------------------------------------- indexes

def indexes(ds: Dataset) -> dict[str, Any]:
    """Lookups every template needs, computed once for both editions."""
    idx: dict[str, Any] = {k: ds.index(k) for k in KINDS}
    by = lambda: defaultdict(list)  # noqa: E731
    idx["collectibles_by_platform"] = by()
    idx["collectibles_by_partner"] = by()
    idx["children"] = by()
    for c in ds.collectibles:
        idx["collectibles_by_platform"][c.platform].append(c)
        for cp in c.partners:
            idx["collectibles_by_partner"][cp.partner].append((c, cp.role))
        if c.series:
            idx["children"][c.series].append(c)
    idx["partners_by_platform"] = by()
    for p in ds.partners:
        for link in p.platforms:
            idx["partners_by_platform"][link.platform].append((p, link))
    idx["events_by_platform"] = by()
    idx["events_by_partner"] = by()
    idx["events_by_collectible"] = by()
    for e in an.timeline(ds):
        idx["events_by_platform"][e.platform].append(e)
        for pid in e.partners:
            idx["events_by_partner"][pid].append(e)
        for cid in e.collectibles:
            idx["events_by_collectible"][cid].append(e)
    idx["statements_by_platform"] = by()
    idx["statements_by_partner"] = by()
    for s in ds.statements:
        idx["statements_by_platform"][s.platform].append(s)
        if s.speaker_partner:
            idx["statements_by_partner"][s.speaker_partner].append(s)
    idx["metrics_by_subject"] = by()
    for m in ds.metrics:
        idx["metrics_by_subject"][m.subject].append(m)
    idx["partners_by_para"] = by()  # partners a paragraph of a source names together (partner pages)
    for p in ds.partners:
        for key in dict.fromkeys((c.source, c.para) for c in p.cites):
            idx["partners_by_para"][key].append(p)
    idx["related_back"] = by()
    for p in ds.partners:
        for r in p.related:
            idx["related_back"][r].append(p)
    idx["timeline"] = an.timeline(ds)
    idx["headline"] = an.headline(ds)
    idx["mechanics"] = an.mechanics_matrix(ds)
    idx["partners_by_type"] = an.partners_by_type(ds)
    idx["disclosure"] = an.disclosure(ds)
    idx["model_groups"] = an.model_groups(ds)
    idx["colours"] = ch.platform_colours(ds)
    return idx


# --------------------------------------------------------------------------- charts

_VEGA_LITE: list[Any] = []


def _vega_lite_validator() -> Any:
    """The Vega-Lite schema Altair builds against, compiled once per process by jsonschema-rs.

    Altair's own validation (jsonschema, in Python) took about 30 ms a spec, 0.7 s an edition at 10,000
    collectibles; this takes a few microseconds. The schema's $refs name definitions such as
    `MarkPropDef<(Gradient|string|null)>`, which are not URI references: they are percent-encoded (a JSON
    pointer in a fragment is decoded before it is followed, so they lead to the same definitions).
    """
    if not _VEGA_LITE:
        import urllib.parse

        import jsonschema_rs
        from altair.vegalite.v6.schema import load_schema

        prefix = "#/definitions/"

        def encoded(node: Any) -> Any:
            if isinstance(node, dict):
                return {k: prefix + urllib.parse.quote(v[len(prefix):], safe="")
                        if k == "$ref" and isinstance(v, str) and v.startswith(prefix) else encoded(v)
                        for k, v in node.items()}
            if isinstance(node, list):
                return [encoded(v) for v in node]
            return node

        _VEGA_LITE.append(jsonschema_rs.Draft7Validator(encoded(load_schema()), validate_formats=False))
    return _VEGA_LITE[0]


def _check_spec(chart: ch.Chart, spec: dict) -> None:
    """Raise unless the spec is valid Vega-Lite: Altair's own message says what is wrong."""
    validator = _vega_lite_validator()
    if validator.is_valid(spec):
        return
    chart.chart.to_dict(validate=True)  # raises altair's SchemaValidationError with its explanation
    problem = next(iter(validator.iter_errors(spec)), None)  # Altair found nothing: say what jsonschema-rs did
    raise BuildError(f"chart {chart.id}: its Vega-Lite spec is not valid: {problem}")


def _chart_data_files(chart: ch.Chart) -> tuple[dict[str, bytes], dict]:
    """The spec (JSON) and data (CSV) of one chart, and the spec as a dict."""
    spec = chart.chart.to_dict(validate=False)
    _check_spec(chart, spec)
    spec_json = json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    out = {".vl.json": spec_json.encode("utf-8")}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([header for _, header in chart.columns])
    for row in chart.rows:
        writer.writerow([row[key] for key, _ in chart.columns])
    out[".csv"] = ("\ufeff" + buf.getvalue()).encode("utf-8")
    return out, spec


class _VegaBundle:
    """vega, vega-lite and vega-embed in one script from vl-convert, wrapped so it can load twice.

    Made at set-up (`python -m generator vendor`, which `make setup` runs once per virtual environment) into
    the environment's share/ folder; without that, from the chart cache, or made by a process started at once
    (statics.JavascriptBundle) and kept in the chart cache."""

    def __init__(self) -> None:
        from . import statics

        self.path = statics.CACHE / statics.bundle_name()
        vendored = statics.VENDOR / statics.bundle_name()
        if vendored.exists():
            self.path = vendored
        self.job = None if self.path.exists() else statics.JavascriptBundle()

    def result(self) -> bytes:
        from . import statics

        if self.job is None:
            return self.path.read_bytes()
        data = statics.wrap_bundle(self.job.result())
        _atomic_write(self.path, data)  # several builds may share the cache
        self.job = None
        return data

    def kill(self) -> None:
        if self.job is not None:
            self.job.kill()


# --------------------------------------------------------------------------- downloads

def dataset_files(ds: Dataset) -> dict[str, bytes]:
    """The dataset as JSON (whole) and as a Frictionless Data Package: one CSV per kind, datapackage.json."""
    from .datapackage import files as datapackage_files

    whole = ds.model_dump(mode="json")
    out = {"dataset.json": json.dumps(whole, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")}
    out.update(datapackage_files(ds, whole))
    return out


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


def _check_quotes(ds: Dataset, langs: tuple[str, ...]) -> None:
    """Refuse to build an edition whose quotes are not all translated (before anything is made)."""
    try:
        lines = [line for lang in langs for line in missing_quotes(ds, lang)]
    except QuoteFileError as exc:
        raise BuildError(str(exc)) from None
    if lines:
        raise BuildError("\n".join(lines) + "\n(add each, keyed by the exact Chinese quote, to locales/<lang>/quotes.yaml)")


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
    _check_quotes(ds, langs)
    prepared: list[tuple] = []
    urls = url_map(ds)

    def prepare() -> tuple:
        """Addresses, lookup tables and the page plan: once per process (a forked one makes its own)."""
        if not prepared:
            shared = {"notation": an.notation_examples(ds), "kinds": list(KINDS), "dictionary": _dictionary(),
                      "dictionary_zh": dictionary_translations(), "kind_labels": KIND_LABELS}
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
        from .incremental import World

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
    from .schema import schemas

    schema_files = {name: text.encode("utf-8") for name, text in schemas().items()}
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
    claims.check(ds, files)  # refuse a site that contradicts itself or the data, before anything is written
    if cache is not None:
        cache.commit()
    return files


def _dictionary() -> Any:
    from .schema import dictionary

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
    env.globals.update(site_url=site_url(lang), embed_code=embed_code)  # chart links (partials/share.md.j2)
    views = {cid: _chart_view(chart, chart_bytes[cid]) for cid, chart in charts.items()}
    files = {f"{prefix}{ASSETS}/data/catalogue.json": catalogue_json(ds, idx, lang, trans, cache)}
    if cache is not None:
        cache.begin_edition(lang, tuple(site_chart_ids), views)
    pages_files, records, missing = render_edition(lang, pages, env, trans, ds, idx, urls, source_line, charts,
                                                   site_chart_ids, shared, bar, cache)
    files.update(pages_files)
    files.update(edition_files(lang, ds, idx, charts, site_chart_ids, source_line, pages, pages_files, trans))
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
    from .incremental import TRACKER_VAR, wrap_for_page

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
        text = search.with_marks(_tidy(text), page.title_key, lang, p_idx)  # kind, platforms, names for Pagefind
        body, meta = finish_page(env, text, page, lang, p_ds, _title(text))  # citation, share metadata
        data = _mark(body, meta).encode("utf-8")
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
    from .progress import _Silent

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
    from .incremental import _ChartJob, _Charts

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
    from .incremental import tree_digest

    return (tree_digest(ROOT / "templates", ROOT / "locales", ROOT / "generator", suffixes=(".j2", ".po", ".py", ".yaml")),
            langs, static, hashlib.sha256(repr(list(urls.items())).encode()).hexdigest(), tuple(ds.sources))


def _dataset_files_by_record(ds: Dataset, cache: Any) -> dict[str, bytes]:
    """dataset_files(ds), assembled from per-record parts that the cache keeps for unchanged records.

    dataset.json is json.dumps(whole, indent=1, sort_keys=True): each record's part is that of the record
    alone, indented two levels; each CSV row is datapackage.table() of the record alone, without the header.
    Tests check that the result is the same as dataset_files().
    """
    from .datapackage import datapackage_json, table

    parts: list[str] = []
    rows: dict[str, bytes] = {}
    for kind in sorted(KINDS):
        header = table(kind, [])

        def make(r: Any, kind: str = kind, n: int = len(header)) -> tuple[str, bytes]:
            d = r.model_dump(mode="json")
            return (json.dumps(d, ensure_ascii=False, indent=1, sort_keys=True).replace("\n", "\n  "),
                    table(kind, [d])[n:])

        made = cache.memo_list(("dataset", kind), getattr(ds, kind), make)
        frags = [m[0] for m in made]
        body = ("[\n  " + ",\n  ".join(frags) + "\n ]") if frags else "[]"
        parts.append(f" {json.dumps(kind)}: {body}")
        rows[kind] = header + b"".join(m[1] for m in made)
    out = {"dataset.json": ("{\n" + ",\n".join(parts) + "\n}").encode("utf-8")}
    csvs = {f"{kind}.csv": rows[kind] for kind in KINDS}
    out.update(csvs)
    out["datapackage.json"] = datapackage_json(ds, csvs)
    return out


def catalogue_json(ds: Dataset, idx: dict, lang: str, trans, cache: Any = None) -> bytes:
    """Every collectible as a compact row, for search, filter and sort across all catalogue pages.

    With an incremental cache, a row is made again only when its collectible or platform record changed.
    """
    columns = ["id", "name", "platform", "category", "price", "price_sort", "edition", "edition_sort",
               "release", "release_sort", "url"]
    if cache is None:
        rows = [_catalogue_row(c, idx, lang, trans) for c in ds.collectibles]
        doc = {"columns": columns, "rows": rows}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # The same bytes from each row's JSON, kept while its collectible and platform records are the same.
    platforms = idx["platforms"]
    parts = [cache.memo(cache.rows, (lang, c.id), (c, platforms[c.platform]),
                        lambda c=c: json.dumps(_catalogue_row(c, idx, lang, trans), ensure_ascii=False,
                                               separators=(",", ":"))) for c in ds.collectibles]
    head = json.dumps({"columns": columns}, ensure_ascii=False, separators=(",", ":"))[:-1]
    return (head + ',"rows":[' + ",".join(parts) + "]}").encode("utf-8")


def _catalogue_row(c: Any, idx: dict, lang: str, trans: Any) -> list:
    from .render import date, quantity, rel_url

    price = c.price
    ed = c.edition
    return [
        c.id,
        getattr(c.name, lang),
        getattr(idx["platforms"][c.platform].name, lang),
        trans.gettext(ch.CATEGORY_LABELS[c.category]) if c.category else fmt.not_disclosed(lang),
        quantity(price, lang, "CNY") if price is not None else fmt.not_disclosed(lang),
        None if price is None else float(price.low),
        quantity(ed, lang, "copies") if ed is not None else fmt.not_disclosed(lang),
        None if ed is None else (1e300 if ed == "unlimited" else float(ed.low)),  # unlimited: after every count
        date(c.release, lang) if c.release else fmt.not_disclosed(lang),
        c.release.number if c.release else None,
        rel_url("collectibles/", f"collectibles/{c.id}/"),
    ]


def _title(text: str) -> str:
    """The H1's text as HTML (citation marks, an attribute list, emphasis and Markdown escapes removed,
    entities kept), or ''."""
    head = text.lstrip("\n").partition("\n")[0]
    if not head.startswith("# "):
        return ""
    head = re.sub(r"\s*\{:[^}]*\}\s*$", "", re.sub(r"<sup>.*?</sup>", "", head[2:]))
    head = re.sub(r"(?<!\\)\*\*", "", head)
    return re.sub(r"<[^>]+>", "", re.sub(r"\\(.)", r"\1", head)).strip()


def _mark(text: str, meta: dict | None = None) -> str:
    """Front matter with the page's title (and meta: description, share image, citation), then the
    generated-file marker, then the page; each value one line of JSON (which YAML reads).

    The title is the H1's text as HTML (see _title), so that a name such as <script> stays escaped where the
    theme prints the title unescaped (<title>, the header); so is the description (Material prints it too).
    """
    title = _title(text)
    if not title:
        return f"{MARKER}\n{text}"
    extra = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in (meta or {}).items())
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n{extra}---\n{MARKER}\n{text}"


def _tidy(text: str) -> str:
    """Collapse runs of blank lines the templates leave, and end with one newline."""
    lines, blank = [], 0
    for line in text.splitlines():
        line = line.rstrip()
        blank = blank + 1 if not line else 0
        if blank <= 1:
            lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


def parallel_ok() -> bool:
    """Render editions side by side: on two or more cores, where processes can fork."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) >= 2


def command_langs(args: Any) -> tuple[str, ...]:
    """The editions the build command makes (--lang)."""
    return LANGS if args.lang == "all" else (args.lang,)


def build(ds: Dataset, args) -> int:
    """The build command: generate everything in memory, then write once."""
    langs = command_langs(args)
    started = time.perf_counter()
    show = sys.stderr.isatty() and not args.quiet
    try:
        files = generate(ds, langs, static=not args.no_static, show_progress=show, parallel=parallel_ok())
    except BuildError as exc:
        print(exc, file=sys.stderr)
        print("nothing was written.", file=sys.stderr)
        return 1
    try:
        report = write_all(args.out, files)
    except ClashError as exc:
        for rel in exc.args[0]:
            print(f"{args.out / rel}: a hand-written file is in the way of a generated one; "
                  "rename or move it (the generator never overwrites hand-written pages)", file=sys.stderr)
        print("nothing was written.", file=sys.stderr)
        return 1
    took = time.perf_counter() - started
    if not args.quiet:
        print(f"generated {len(files)} files into {args.out}: {len(report.written)} written, "
              f"{report.unchanged} unchanged, {len(report.removed)} removed ({took:.2f}s)")
    return 0
