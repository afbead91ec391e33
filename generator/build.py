"""Run the pipeline: analysis, charts, page plan, render, then one write. Nothing is written on any error."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from . import analysis as an
from . import charts as ch
from . import fmt
from .load import gc_paused
from .i18n import LANGS, NP_, translations
from .model import KINDS, Dataset
from .pages import plan, url_map
from .progress import progress
from .render import MARKER, PageHelpers, environment
from .write import ClashError, write_all

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
ASSET_SRC = ROOT / "templates" / "assets"
EDITION_PREFIX = {"zh": "", "en": "en/"}
ASSETS = "assets/generated"


# Interface labels of the record kinds (message ids in the context "plural": pgettext("plural", label)).
KIND_LABELS = {"sources": NP_("plural", "来源"), "platforms": NP_("plural", "平台"),
               "collectibles": NP_("plural", "藏品"), "partners": NP_("plural", "合作方"),
               "events": NP_("plural", "事件"), "metrics": NP_("plural", "业务数字"),
               "statements": NP_("plural", "说法")}


class BuildError(Exception):
    """A problem found while generating (a missing translation, a clash); nothing was written."""


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
                parts.append(f"{outlet}《{s.title}》{via}，{where}，第{'、'.join(map(str, paras))}段")
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

_FONTS_REGISTERED = False


def _register_fonts() -> None:
    global _FONTS_REGISTERED
    if _FONTS_REGISTERED:
        return
    import vl_convert as vlc

    for folder in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts"):
        if Path(folder).is_dir():
            vlc.register_font_directory(folder)
            break
    _FONTS_REGISTERED = True


def _cached(kind: str, key: str, make) -> bytes:
    path = CACHE / "charts" / f"{key}.{kind}"
    if path.exists():
        return path.read_bytes()
    data = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")  # several builds may share the cache
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return data


def chart_files(chart: ch.Chart, static: bool) -> dict[str, bytes]:
    """The spec (JSON), static SVG and PNG, and data (CSV) of one chart, by file suffix."""
    import vl_convert as vlc

    spec = chart.chart.to_dict(validate=False)
    spec_json = json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # Validating every spec against the Vega-Lite schema was 40% of generation: validate a spec once, the first
    # time it is seen, and remember that it passed.
    _cached("valid", hashlib.sha256(spec_json.encode("utf-8")).hexdigest()[:32],
            lambda: (chart.chart.to_dict(validate=True), b"valid\n")[1])
    out = {".vl.json": spec_json.encode("utf-8")}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([header for _, header in chart.columns])
    for row in chart.rows:
        writer.writerow([row[key] for key, _ in chart.columns])
    out[".csv"] = ("\ufeff" + buf.getvalue()).encode("utf-8")
    if static:
        static_spec = dict(spec, width=ch.STATIC_WIDTH, background="#ffffff")
        key = hashlib.sha256((json.dumps(static_spec, sort_keys=True) + vlc.get_vega_version()).encode()).hexdigest()[:32]
        out[".svg"] = _cached("svg", key, lambda: vlc.vegalite_to_svg(static_spec).encode("utf-8"))
        _register_fonts()
        out[".png"] = _cached("png", key, lambda: vlc.vegalite_to_png(static_spec, scale=2))
    return out


def vega_bundle() -> bytes:
    """vega, vega-lite and vega-embed in one script from vl-convert, wrapped so it can load twice."""
    import vl_convert as vlc

    key = f"vega-bundle-{vlc.get_vega_version()}-{vlc.get_vega_embed_version()}-{vlc.get_vegalite_versions()[-1]}"

    def make() -> bytes:
        return ("/* vega, vega-lite, vega-embed: bundled by vl-convert-python at build time */\n"
                "if (!window.vegaEmbed) { (function(){\n" + vlc.javascript_bundle() + "\n})(); }\n").encode("utf-8")

    return _cached("js", key, make)


# --------------------------------------------------------------------------- downloads

def dataset_files(ds: Dataset) -> dict[str, bytes]:
    """The dataset as JSON (whole) and as a Frictionless Data Package: one CSV per kind, datapackage.json."""
    from .datapackage import files as datapackage_files

    whole = ds.model_dump(mode="json")
    out = {"dataset.json": json.dumps(whole, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")}
    out.update(datapackage_files(ds))
    return out


def jieba_dictionary(ds: Dataset) -> bytes:
    """A jieba user dictionary of every entity name, so search keeps names like 克蕾欧与小酷 whole."""
    names = set()
    for kind in ("platforms", "collectibles", "partners"):
        for r in getattr(ds, kind):
            names.add(r.name.zh)
            if hasattr(r, "platform_name"):
                names.add(r.platform_name.zh)
    words = sorted(n.replace(" ", "") for n in names if n and any("\u4e00" <= ch_ <= "\u9fff" for ch_ in n))
    return "".join(f"{w} 20000 nz\n" for w in words).encode("utf-8")


# --------------------------------------------------------------------------- the build

@gc_paused()  # rendering allocates millions of short-lived acyclic objects: the collector cost 25% here
def generate(ds: Dataset, langs: tuple[str, ...] = LANGS, static: bool = True, show_progress: bool = False) -> dict[str, bytes]:
    """Every generated file (path relative to content/ -> bytes). Pure but for the chart cache."""
    files: dict[str, bytes] = {}
    urls = url_map(ds)
    idx = indexes(ds)
    source_line = source_line_factory(ds)
    downloads = dataset_files(ds)
    bundle = vega_bundle()
    own_assets = {p.name: p.read_bytes() for p in sorted(ASSET_SRC.iterdir()) if p.is_file()}
    from .schema import dictionary, schemas

    schema_files = {name: text.encode("utf-8") for name, text in schemas().items()}
    shared = {"notation": an.notation_examples(ds), "kinds": list(KINDS), "dictionary": dictionary(),
              "kind_labels": KIND_LABELS}
    missing: dict[str, set[str]] = {}
    pages = plan(ds)
    total = len(pages) * len(langs)
    with progress(total, "pages", enabled=show_progress) as bar:
        for lang in langs:
            prefix = EDITION_PREFIX[lang]
            trans = translations(lang)
            # One environment per language: Jinja caches imported macro modules with the gettext they
            # first saw, so a shared environment would render the English macros in Chinese.
            env = environment()
            env.install_gettext_translations(trans, newstyle=True)  # type: ignore[attr-defined]
            ctx = ch.Ctx(ds, lang, trans.gettext, source_line)
            charts: dict[str, ch.Chart] = {c.id: c for c in ch.site_charts(ctx)}
            site_chart_ids = list(charts)
            for p in ds.platforms:
                for c in ch.platform_charts(ctx, p.id):
                    charts[c.id] = c
            for cid, chart in charts.items():
                for suffix, data in chart_files(chart, static).items():
                    files[f"{prefix}{ASSETS}/charts/{cid}{suffix}"] = data
            for name, data in downloads.items():
                files[f"{prefix}{ASSETS}/data/{name}"] = data
            for name, data in schema_files.items():
                files[f"{prefix}{ASSETS}/data/schema/{name}"] = data
            files[f"{prefix}{ASSETS}/js/vega-bundle.js"] = bundle
            for name, data in own_assets.items():
                files[f"{prefix}{ASSETS}/{'js' if name.endswith('.js') else 'css'}/{name}"] = data
            files[f"{prefix}{ASSETS}/data/catalogue.json"] = catalogue_json(ds, idx, lang, trans)
            for page in pages:
                helpers = PageHelpers(ds, lang, trans, page.url, page.file, urls, source_line)
                template = env.get_template(page.template)
                text = template.render(
                    ds=ds, idx=idx, lang=lang, h=helpers, _=helpers._, charts=charts, site_charts=site_chart_ids, page=page,
                    assets=helpers.page_url_to(f"{ASSETS}/"), ch=ch, an=an, **shared, **page.context)
                files[prefix + page.file] = (MARKER + "\n" + _tidy(text)).encode("utf-8")
                bar.update(1)
            if trans.missing:
                missing[lang] = set(trans.missing)
    if missing:
        lines = [f"missing {lang} translation: {msg!r}" for lang, msgs in missing.items() for msg in sorted(msgs)]
        raise BuildError("\n".join(lines) + "\n(add them to locales/<lang>/LC_MESSAGES/messages.po)")
    files[f"{ASSETS}/search/jieba_user_dict.txt"] = jieba_dictionary(ds)
    return files


def catalogue_json(ds: Dataset, idx: dict, lang: str, trans) -> bytes:
    """Every collectible as a compact row, for search, filter and sort across all catalogue pages."""
    from .render import date, quantity, rel_url

    rows = []
    for c in ds.collectibles:
        price = c.price
        ed = c.edition
        rows.append([
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
        ])
    doc = {"columns": ["id", "name", "platform", "category", "price", "price_sort", "edition", "edition_sort",
                       "release", "release_sort", "url"], "rows": rows}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _tidy(text: str) -> str:
    """Collapse runs of blank lines the templates leave, and end with one newline."""
    lines, blank = [], 0
    for line in text.splitlines():
        line = line.rstrip()
        blank = blank + 1 if not line else 0
        if blank <= 1:
            lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


def build(ds: Dataset, args) -> int:
    """The build command: generate everything in memory, then write once."""
    langs = LANGS if args.lang == "all" else (args.lang,)
    started = time.perf_counter()
    show = sys.stderr.isatty() and not args.quiet
    try:
        files = generate(ds, langs, static=not args.no_static, show_progress=show)
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
