"""Generate every file of both editions in memory: charts, pages, downloads, assets. Nothing is written here."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from generator.analysis import figures as an
from generator.charts import charts as ch
from generator.charts.files import _chart_data_files
from generator.charts.statics import StaticCharts
from generator.errors import BuildError
from generator.load.read import gc_paused
from generator.model.records import KINDS, Dataset
from generator.outputs import claims
from generator.outputs.assets import _VegaBundle
from generator.outputs.downloads import catalogue_json, dataset_files
from generator.outputs.edition import edition_date
from generator.outputs.share import edition_files, embed_code, finish_page, site_url
from generator.pages.context import KIND_LABELS, indexes, source_line_factory
from generator.pages import cache as page_cache
from generator.pages.i18n import LANGS, QuoteFileError, dictionary_translations, missing_quotes, translations
from generator.pages.plan import page_count, plan, url_map
from generator.pages.render import MARKER, CompiledTemplates, Formats, PageHelpers, environment
from generator.progress import Silent, progress
from generator.site import search

ROOT = Path(__file__).resolve().parents[2]
ASSET_SRC = ROOT / "templates" / "assets"
EDITION_PREFIX = {"zh": "", "en": "en/"}
ASSETS = "assets/generated"


@gc_paused()  # rendering allocates millions of short-lived acyclic objects: the collector cost 25% here
def generate(ds: Dataset, langs: tuple[str, ...] = LANGS, static: bool = True,
             show_progress: bool = False, cache: page_cache.PageCache | None = None) -> dict[str, bytes]:
    """Every generated file (path relative to content/ -> bytes). Static chart renderings are cached on disk
    by spec (charts/statics.py), pages by their inputs when given a cache (pages/cache.py); the files are the
    same with or without either."""
    bundle = _VegaBundle()
    try:
        files = _generate(ds, langs, static, show_progress, bundle, cache)
    except BaseException:
        bundle.kill()
        if cache is not None:
            cache.discard()
        raise
    if cache is not None:
        cache.commit(prune=set(langs) == set(LANGS))  # a build of every edition: older entries are stale
    return files


def _check_quotes(ds: Dataset, langs: tuple[str, ...]) -> None:
    """Refuse to build an edition whose quotes are not all translated (before anything is made)."""
    try:
        lines = [line for lang in langs for line in missing_quotes(ds, lang)]
    except QuoteFileError as exc:
        raise BuildError(str(exc)) from None
    if lines:
        raise BuildError("\n".join(lines) + "\n(add each, keyed by the exact Chinese quote, to locales/<lang>/quotes.yaml)")


def _generate(ds: Dataset, langs: tuple[str, ...], static: bool, show_progress: bool,
              bundle_job: _VegaBundle, cache: page_cache.PageCache | None) -> dict[str, bytes]:
    _check_quotes(ds, langs)
    urls, idx, source_line = url_map(ds), indexes(ds), source_line_factory(ds)
    pages = plan(ds, idx)
    shared = _shared(ds)
    # Every edition's charts first, so that their static renderings (in processes of their own, see
    # charts/statics.py) are made beside everything else.
    editions = {}
    for lang in langs:
        trans = translations(lang)
        charts, site_chart_ids, chart_files, specs = _charts(ds, lang, trans, source_line)
        editions[lang] = (trans, charts, site_chart_ids, chart_files, StaticCharts(specs if static else {}))
    files: dict[str, bytes] = {}
    missing: dict[str, set[str]] = {}
    formats = Formats()  # this build's remembered formatting (pages/render.py): pages and the catalogue's rows
    compiled = cache.compiled if cache is not None else CompiledTemplates()  # for every edition's environment
    try:
        with progress(page_count(ds) * len(langs), "pages", enabled=show_progress) as bar:
            def edition(lang: str, bar: Any) -> tuple[dict[str, bytes], set[str], tuple | None]:
                """One edition's pages, catalogue data and share files; the translations it lacked; what it
                did with the page cache."""
                trans, charts, site_chart_ids, _files, _statics = editions[lang]
                prefix = EDITION_PREFIX[lang]
                out = {f"{prefix}{ASSETS}/data/catalogue.json": catalogue_json(ds, idx, lang, trans, formats)}
                pages_files = render_edition(lang, pages, trans, ds, idx, urls, source_line, charts,
                                             site_chart_ids, shared, bar, formats, cache, compiled)
                out.update(pages_files)
                out.update(edition_files(lang, ds, idx, charts, site_chart_ids, source_line, pages, pages_files,
                                         trans))
                return out, set(trans.missing), cache.state() if cache is not None else None

            # The last edition in a process of its own, beside the others (the machine has two cores or more:
            # at 10,000 collectibles with the page cache empty, 33 s -> 25 s).
            *here, there = list(editions)
            # Not at a lower priority (make serve's whole regeneration, which leaves the cores to the servers:
            # a second process there slowed their rebuilds of the edited pages from 1.4 s to 1.9-2.4 s).
            forked = _forked(lambda: edition(there, Silent())) if here and os.nice(0) == 0 else None
            done = {lang: edition(lang, bar) for lang in here}
            downloads = dataset_files(ds)  # while that process finishes
            done[there] = forked() if forked is not None else edition(there, bar)
            for lang, (made, lacked, state) in done.items():
                files.update(made)
                if lacked:
                    missing[lang] = lacked
                if cache is not None and lang == there and forked is not None:
                    cache.absorb(state)
        bundle = bundle_job.result()
        own_assets = {p.name: p.read_bytes() for p in sorted(ASSET_SRC.iterdir()) if p.is_file()}
        from generator.model.schema import schemas

        schema_files = {name: text.encode("utf-8") for name, text in schemas().items()}
        for lang, (_trans, _made, _ids, chart_files, statics) in editions.items():
            prefix = EDITION_PREFIX[lang]
            for cid, made in statics.result().items():
                chart_files[cid].update(made)
            for cid, made in chart_files.items():
                for suffix, data in made.items():
                    files[f"{prefix}{ASSETS}/charts/{cid}{suffix}"] = data
            for name, data in downloads.items():
                files[f"{prefix}{ASSETS}/data/{name}"] = data
            for name, data in schema_files.items():
                files[f"{prefix}{ASSETS}/data/schema/{name}"] = data
            files[f"{prefix}{ASSETS}/js/vega-bundle.js"] = bundle
            for name, data in own_assets.items():
                files[f"{prefix}{ASSETS}/{'js' if name.endswith('.js') else 'css'}/{name}"] = data
    except BaseException:
        for *_rest, statics in editions.values():
            statics.close()
        raise
    if missing:
        lines = [f"missing {lang} translation: {msg!r}" for lang, msgs in missing.items() for msg in sorted(msgs)]
        raise BuildError("\n".join(lines) + "\n(add them to locales/<lang>/LC_MESSAGES/messages.po)")
    claims.check(ds, files)  # refuse a site that contradicts itself or the data, before anything is written
    return files


def _forked(job: Any) -> Any:
    """Start job() in a forked process; returns a function that waits for it and gives its result (or raises
    its error). The result comes back through a temporary file (a pipe would stall the process writing it)."""
    import os
    import pickle
    import tempfile

    fd, path = tempfile.mkstemp(prefix="briefing-edition-")
    pid = os.fork()
    if pid == 0:  # the child: run, write, leave without running the parent's clean-up
        code = 0
        try:
            try:
                outcome = (True, job())
            except BaseException as exc:  # noqa: BLE001 - given to the parent, which raises it
                outcome = (False, exc if isinstance(exc, BuildError) else RuntimeError(_traceback()))
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(outcome, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(fd)

    def result() -> Any:
        _pid, status = os.waitpid(pid, 0)
        try:
            with open(path, "rb") as fh:
                ok, value = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError):
            raise RuntimeError(f"rendering an edition in a process of its own failed (exit status {status})") from None
        finally:
            os.unlink(path)
        if not ok:
            raise value
        return value

    return result


def _traceback() -> str:
    import traceback

    return traceback.format_exc()


def _shared(ds: Dataset) -> dict[str, Any]:
    """What every page's template is given besides its own context."""
    return {"notation": an.notation_examples(ds), "kinds": list(KINDS), "dictionary": _dictionary(),
            "dictionary_zh": dictionary_translations(), "kind_labels": KIND_LABELS}


def pages_printing(ds: Dataset, records: set, langs: tuple[str, ...] = LANGS, limit: int = 40,
                   compiled: CompiledTemplates | None = None) -> dict[str, bytes]:
    """Every edition's pages that print one of these records, (kind, id), and nothing of the dataset as a whole
    (a collectible's own page, its catalogue page, its partners' pages), as generate() makes them, or {} when
    there are more than `limit` or a page needs what only a whole build makes (a chart, a translation still
    missing). What `make serve` shows first after an edit, before the whole build (site/serve.py), which
    gives the templates it compiled for its builds (compiled)."""
    kinds = {kind for kind, _rid in records}
    idx = indexes(ds)
    chosen = [page for page in plan(ds, idx) if page.reads is not None
              and any(r in records or (r[1] is None and r[0] in kinds) for r in page.reads)]
    if not chosen or len(chosen) * len(langs) > limit:
        return {}
    out: dict[str, bytes] = {}
    urls, source_line, shared, formats = url_map(ds), source_line_factory(ds), _shared(ds), Formats()
    for lang in langs:
        trans = translations(lang)
        try:
            out.update(render_edition(lang, chosen, trans, ds, idx, urls, source_line, {}, [], shared,
                                      Silent(), formats, compiled=compiled))
        except Exception:  # a chart or anything else a whole build has: that build renders the page
            return {}
        if trans.missing:
            return {}
    return out


def _dictionary() -> Any:
    from generator.model.schema import dictionary

    return dictionary()


def render_edition(lang: str, pages: list, trans: Any, ds: Dataset, idx: dict, urls: dict, source_line: Any,
                   charts: dict, site_chart_ids: list, shared: dict, bar: Any, formats: Formats,
                   cache: page_cache.PageCache | None = None,
                   compiled: CompiledTemplates | None = None) -> dict[str, bytes]:
    """One edition's pages (path -> bytes); with a cache, a page whose inputs are unchanged is not rendered.
    compiled: a store of compiled templates shared with the build's other environments (None: compiled here)."""
    # One environment per language: Jinja caches imported macro modules with the gettext they
    # first saw, so a shared environment would render the English macros in Chinese.
    env = environment(formats=formats, compiled=compiled)
    env.install_gettext_translations(trans, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(site_url=site_url(lang), embed_code=embed_code)  # chart links (partials/share.md.j2)
    env.globals["edition_date"] = edition_date()  # the citations' publication date (outputs/edition.py)
    prefix = EDITION_PREFIX[lang]
    out: dict[str, bytes] = {}
    if cache is not None:
        digests = page_cache.record_digests(ds)
        # The notation examples are a function of the dataset, printed by the methodology page alone, which
        # reads everything: in every page's key they would make an edit of one quantity render every page.
        edition = page_cache.edition_key(page_cache.code_digest(), lang, env.globals["edition_date"],
                                         site_url(lang), {k: v for k, v in shared.items() if k != "notation"})
    for page in pages:
        if cache is not None:
            key = page_cache.page_key(edition, page, digests)
            data = cache.get(key)
            if data is not None:
                out[prefix + page.file] = data
                bar.update(1)
                continue
        helpers = PageHelpers(ds, lang, trans, page.url, page.file, urls, source_line, formats)
        text = env.get_template(page.template).render(
            ds=ds, idx=idx, lang=lang, h=helpers, _=helpers._, charts=charts, site_charts=site_chart_ids,
            page=page, assets=helpers.page_url_to(f"{ASSETS}/"), ch=ch, an=an, **shared, **page.context)
        text = search.with_marks(_tidy(text), page.title_key, lang, idx)  # kind, platforms, names for Pagefind
        body, meta = finish_page(env, text, page, lang, ds, _title(text))  # citation, share metadata
        out[prefix + page.file] = data = _mark(body, meta).encode("utf-8")
        if cache is not None:
            cache.put(key, data)
        bar.update(1)
    return out


def _charts(ds: Dataset, lang: str, trans: Any, source_line: Any
            ) -> tuple[dict[str, ch.Chart], list[str], dict[str, dict[str, bytes]], dict[str, dict]]:
    """A language's charts, the ids of the site-wide ones, each chart's files (spec, CSV) and its spec."""
    charts: dict[str, ch.Chart] = {}
    site_chart_ids: list[str] = []
    made: dict[str, dict[str, bytes]] = {}
    specs: dict[str, dict] = {}
    ctx = ch.Ctx(ds, lang, trans.gettext, source_line)
    for _key, make, platform in ch.chart_jobs(ds):
        chart = make(ctx)
        if chart is not None:
            charts[chart.id] = chart
            if platform is None:
                site_chart_ids.append(chart.id)
            made[chart.id], specs[chart.id] = _chart_data_files(chart)
    return charts, site_chart_ids, made, specs


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


