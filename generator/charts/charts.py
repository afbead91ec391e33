"""One function per chart: analysis results in, an Altair chart and its data out. One theme, one colour map."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

import altair as alt

from generator.analysis import figures as an
from generator.pages import fmt
from generator.pages.i18n import N_
from generator.model.records import FEATURES, MECHANICS, PARTNER_TYPES, Citation, Dataset, Figure, Name, ShortText
from generator.charts.statics import STATIC_WIDTH  # noqa: F401 - the static renderings' width, for templates

# Okabe & Ito's colour-blind-safe palette, in the order platforms appear in data/platforms.yaml.
PALETTE = ("#D55E00", "#0072B2", "#CC79A7", "#009E73", "#E69F00", "#56B4E9", "#F0E442", "#000000")
NEUTRAL = "#9E9E9E"
CJK_FONTS = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', 'Source Han Sans SC'"
# Chinese charts set in a CJK face; English ones in the reader's system sans, CJK faces after it for any
# Chinese name. (Latin text set from the CJK collection also cost three times as much to render statically.)
FONTS = {"zh": f"{CJK_FONTS}, sans-serif",
         "en": f"-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, 'Liberation Sans', {CJK_FONTS}, "
               "sans-serif"}
FONT = FONTS["zh"]


def text_on(colour: str) -> str:
    """Black or white, whichever contrasts more with a background colour (WCAG relative luminance)."""
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def platform_colours(ds: Dataset) -> dict[str, str]:
    """One colour per platform, the same on every chart."""
    return {p.id: PALETTE[i % len(PALETTE)] for i, p in enumerate(ds.platforms)}


@dataclass
class Chart:
    """A chart and everything a figure needs: title, text alternative, data, citations."""

    id: str
    title: str
    subtitle: str
    description: str
    chart: alt.TopLevelMixin
    columns: list[tuple[str, str]]          # (key, header) of the data table, in order
    rows: list[dict[str, Any]]
    cites: tuple[Citation, ...]
    note: str = ""                          # what the chart leaves out, derived from data
    extra: dict[str, Any] = field(default_factory=dict)


class Ctx:
    """What every chart function needs: dataset, language, gettext, colours, source line."""

    def __init__(self, ds: Dataset, lang: str, gettext: Callable[[str], str], source_line: Callable):
        self.ds, self.lang, self._ = ds, lang, gettext
        self.colours = platform_colours(ds)
        self.platforms = {p.id: p for p in ds.platforms}
        self.source_line = source_line

    def an(self, fn: Callable[..., Any], *args: Any) -> Any:
        """An analysis result, fn(dataset, *args): charts take every figure this way (the kept ones, see
        analysis/figures.py, are made once per dataset for charts and pages alike)."""
        return fn(self.ds, *args)

    def pname(self, pid: str) -> str:
        """A platform's short name on charts: the platform (京东), which readers know better than the programme."""
        return getattr(self.platforms[pid].platform_name, self.lang)

    def t(self, text: Any) -> str:
        value = getattr(text, self.lang)  # our Chinese spaced as on the pages (fmt.spaced); names as spelt
        keep = isinstance(text, (Name, ShortText)) or fmt.name_like(value)  # chart labels stay within 16 characters
        return fmt.spaced(value) if self.lang == "zh" and not keep else value

    def platform_scale(self, ids: list[str] | None = None) -> alt.Scale:
        ids = ids or [p.id for p in self.ds.platforms]
        return alt.Scale(domain=[self.pname(i) for i in ids], range=[self.colours[i] for i in ids])

    def number_label_expr(self) -> str:
        if self.lang == "zh":
            return ("datum.value >= 100000000 ? format(datum.value / 100000000, '~g') + ' 亿' : "
                    "datum.value >= 10000 ? format(datum.value / 10000, '~g') + ' 万' : format(datum.value, ',~g')")
        return "format(datum.value, ',~g')"

    def finish(self, chart: alt.TopLevelMixin, cid: str, title: str, subtitle: str, cites, height: int) -> alt.TopLevelMixin:
        return chart.properties(
            title=alt.TitleParams(title, subtitle=[subtitle, self.source_line(cites, self.lang, short=True)],
                                  anchor="start", subtitleFontSize=12, subtitleColor="#555", fontSize=15),
            width="container", height=height, background="transparent",
            # Room on the left: the static SVG is laid out with vl-convert's fonts and drawn (as the PNG
            # download too) with the reader's, which may set a long row label a few pixels wider.
            padding={"left": 24, "top": 5, "right": 10, "bottom": 5},
            usermeta={"chartId": cid, "lang": self.lang},
        ).configure(  # one call: each configure_* call deep-copies the whole chart
            font=FONTS.get(self.lang, FONT),
            axis=alt.AxisConfig(labelFontSize=12, titleFontSize=12, labelLimit=LABEL_PX),
            legend=alt.LegendConfig(labelFontSize=12, titleFontSize=12, orient="bottom", labelLimit=LABEL_PX),
            view=alt.ViewConfig(stroke=None))


def _label(ctx: Ctx, subject: Any) -> str:
    """What a row of a chart is about, in full (tooltip and data table)."""
    if isinstance(subject, Figure):      # a platform-level Figure: its note, without the full stop
        return ctx.t(subject.note).rstrip("。.")
    if isinstance(subject, Group):       # many collectibles of one platform
        return ctx._("{platform}的 {n} 件藏品（范围）").format(platform=ctx.pname(subject.platform),
                                                         n=fmt.number(subject.count, ctx.lang))
    return ctx.t(subject.name)


def _short_label(ctx: Ctx, subject: Any) -> str:
    """A row's label on the chart: the record's chart label when it has one, else its full wording."""
    short = getattr(subject, "chart_label", None)
    return ctx.t(short) if short is not None else _label(ctx, subject)


# A chart draws at least this many marks: one or two figures read better as a sentence or a small table.
MIN_MARKS = 3
# A value axis is logarithmic only when the values span more than two powers of ten.
LOG_SPAN = 100


# A range chart shows at most this many rows. Beyond it, each platform's collectibles collapse into one row
# with their range and count (platform pages and the catalogue list them one by one), so that a chart, its
# data table and its page stay the same size at 10,000 collectibles as at 100.
MAX_CHART_ROWS = 40
# Row labels are short (model.ShortText), so the axis draws them whole: no length limit that would cut them.
LABEL_PX = 0
MAX_NOTE_NAMES = 10


@dataclass(frozen=True)
class Group:
    """Many collectibles of one platform, shown as one row of a chart."""

    platform: str
    count: int


def _grouped(ctx: Ctx, points: list[an.Point]) -> list[an.Point]:
    """Platform-level figures as they are, and one point per platform for its collectibles (their range)."""
    from generator.model.records import Quantity

    figures: dict[str, list[an.Point]] = {}
    groups: dict[str, list[an.Point]] = {}
    for p in points:
        (figures if isinstance(p.subject, Figure) else groups).setdefault(p.platform, []).append(p)
    out: list[an.Point] = []
    for pl in ctx.ds.platforms:
        out += figures.get(pl.id, [])
        group = groups.get(pl.id)
        if not group:
            continue
        lo, hi = min(p.low for p in group), max(p.high for p in group)
        exact = all(p.quantity.qualifier == "exact" for p in group)
        q = Quantity(value=lo) if lo == hi else Quantity(min=lo, max=hi)
        if not exact:
            q = q.model_copy(update={"qualifier": "about"})
        out.append(an.Point(pl.id, Group(pl.id, len(group)), q, False, an.union(*(p.cites for p in group))))
    return out


def _plotted(ctx: Ctx, points: list[an.Point]) -> tuple[list, list, tuple]:
    """What a range chart draws (grouped per platform beyond MAX_CHART_ROWS), what it leaves out (unlimited
    editions) and its citations: the same in both languages, so made once for a list of points."""
    def make() -> tuple[list, list, tuple]:
        plotted = [p for p in points if not p.unlimited and p.quantity is not None]
        left_out = [p for p in points if p.unlimited]
        if len(plotted) > MAX_CHART_ROWS:
            plotted = _grouped(ctx, plotted)
        return plotted, left_out, an.union(*(p.cites for p in points))

    return ctx.ds.derived(("plotted", id(points)), make, owner=points)


def _range_chart(ctx: Ctx, cid: str, points: list[an.Point], title: str, measure: str,
                 unit: str, axis_title: tuple[str, str], value_header: str) -> Chart | None:
    _ = ctx._
    plotted, left_out, cites = _plotted(ctx, points)
    if len(plotted) < MIN_MARKS:
        return None
    order = {pl.id: i for i, pl in enumerate(ctx.ds.platforms)}
    plotted = sorted(plotted, key=lambda p: (order[p.platform], -p.high, -p.low))
    rows = []
    for p in plotted:
        rows.append({
            "platform": ctx.pname(p.platform), "item": _short_label(ctx, p.subject), "detail": _label(ctx, p.subject),
            "low": float(p.low), "high": float(p.high),
            "value": fmt.quantity(p.quantity, ctx.lang, unit),
            "kind": _(QUALIFIER_KINDS[p.quantity.qualifier]),
            # Direct labels instead of legends: the figure as worded (its qualifier too) beside each row, and
            # the platform's name once, over the first row of its group.
            "figure": fmt.quantity(p.quantity.model_copy(update={"label": None, "reading": False}), ctx.lang, unit),
            "first": not rows or rows[-1]["platform"] != ctx.pname(p.platform),
        })
    ids = [pl.id for pl in ctx.ds.platforms if any(p.platform == pl.id for p in plotted)]
    lo = min(r["low"] for r in rows)
    hi = max(r["high"] for r in rows)
    log = hi > LOG_SPAN * max(lo, 1e-9)
    ranges = any(r["low"] != r["high"] for r in rows)
    number_axis = dict(title=axis_title[log], labelExpr=ctx.number_label_expr(), grid=True)
    # Room on the right for the figures written beside the rows: about a third of the axis.
    if log:
        start = max(lo / 2, 0.5)
        end = hi * 2 * (hi * 2 / start) ** 0.5
        scale = alt.Scale(type="log", domain=[start, end], nice=False)
        compact = [start, hi * 2]
        number_axis["values"] = [10 ** k for k in range(0, 12) if start <= 10 ** k <= hi * 2]
    else:
        scale = alt.Scale(type="linear", domain=[0, hi * 1.5], nice=False)
        compact = [0, hi * 1.05]
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("item:N", title=None, sort=None, axis=alt.Axis(labelLimit=LABEL_PX), scale=alt.Scale(padding=1)),
        color=alt.Color("platform:N", title=_("平台"), scale=ctx.platform_scale(ids), legend=None),
        tooltip=[alt.Tooltip("platform:N", title=_("平台")), alt.Tooltip("detail:N", title=_("项目")),
                 alt.Tooltip("value:N", title=value_header)],
    )
    axis = alt.Axis(**number_axis)
    shapes = dict(zip(dict.fromkeys(QUALIFIER_KINDS.values()), ("circle", "diamond", "triangle-right", "triangle-left")))
    used = [k for k in shapes if _(k) in {r["kind"] for r in rows}]
    shape = alt.Shape("kind:N", title=_("数字性质"), sort=[_(k) for k in used],
                      scale=alt.Scale(domain=[_(k) for k in used], range=[shapes[k] for k in used]),
                      legend=None)
    dots = base.mark_point(filled=True, size=70, opacity=1).encode(x=alt.X("low:Q", scale=scale, axis=axis), shape=shape)
    layers = [dots]
    if ranges:
        rule = base.mark_rule(strokeWidth=4, opacity=0.7).encode(x=alt.X("low:Q", scale=scale, axis=axis), x2="high:Q")
        ends = base.mark_point(filled=True, size=70, opacity=1).encode(x=alt.X("high:Q", scale=scale), shape=shape)
        layers = [rule, dots, ends]
    values = base.mark_text(align="left", baseline="middle", dx=9, fontSize=11).encode(
        x=alt.X("high:Q", scale=scale), text="figure:N")
    names = base.mark_text(align="left", baseline="bottom", dx=5, dy=-8, fontSize=11, fontWeight="bold").encode(
        x=alt.value(0), text="platform:N").transform_filter("datum.first")
    chart = alt.layer(*layers, values, names)
    height = max(120, 30 * len(rows))
    note = ""
    if left_out:
        shown = left_out[:MAX_NOTE_NAMES] if len(left_out) > MAX_NOTE_NAMES else left_out
        names = "、".join(_label(ctx, p.subject) for p in shown) if ctx.lang == "zh" else \
            "; ".join(_label(ctx, p.subject) for p in shown)
        if len(shown) < len(left_out):
            names += _("……共 {n} 项").format(n=fmt.number(len(left_out), ctx.lang))
        note = _("不限量的发行未画在图上：") + names
    # The caption says what is drawn: points, and lines only where a stated range is drawn; the scale.
    subtitle = measure + (_("；对数刻度") if log else "") + (_("；区间按来源原样保留") if ranges else "")
    drawn = _("每行一项，线段表示来源给出的区间，两端的点是区间的端点。") if ranges else _("每行一项，点表示来源给出的数字。")
    description = _("{title}。").format(title=title) + drawn + (_("横轴为对数刻度。") if log else "")
    spec = ctx.finish(chart, cid, title, subtitle, cites, height)
    # A phone has no room for the figures beside the rows (briefing.js drops them): the axis without their room.
    spec.usermeta = {**spec.usermeta.to_dict(), "compactDomain": compact} if hasattr(spec.usermeta, "to_dict") \
        else {**spec.usermeta, "compactDomain": compact}
    return Chart(cid, title, subtitle, description, spec,
                 [("platform", _("平台")), ("item", _("项目")), ("detail", _("说明")), ("value", value_header)],
                 rows, cites, note, extra={"log": log, "ranges": ranges})


def edition_chart(ctx: Ctx, platform: str | None = None) -> Chart | None:
    """Edition sizes by platform: values and ranges (log scale beyond two powers of ten)."""
    _ = ctx._
    cid = "edition" if platform is None else f"edition-{platform}"
    title = _("各平台藏品发行量") if platform is None else _("{name}：藏品发行量").format(name=ctx.pname(platform))
    return _range_chart(ctx, cid, ctx.an(an.edition_points_of, platform), title, _("每份藏品的发行份数"),
                        "copies", (_("发行量（份）"), _("发行量（份，对数刻度）")), _("发行量"))


def price_chart(ctx: Ctx, platform: str | None = None) -> Chart | None:
    """Known prices by platform (CNY): values and ranges (log scale beyond two powers of ten)."""
    _ = ctx._
    cid = "price" if platform is None else f"price-{platform}"
    title = _("各平台已披露的藏品价格") if platform is None else _("{name}：已披露的藏品价格").format(name=ctx.pname(platform))
    return _range_chart(ctx, cid, ctx.an(an.price_points_of, platform), title, _("人民币；只画来源给出的价格"),
                        "CNY", (_("价格（元）"), _("价格（元，对数刻度）")), _("价格"))


def partners_chart(ctx: Ctx) -> Chart | None:
    """Partners the source names, per platform and type (counts of named partners only), sorted by count."""
    _ = ctx._
    matrix = ctx.an(an.partners_by_type)
    rows, cites = [], []
    for pid, by_type in matrix.items():
        for t in PARTNER_TYPES:
            if t in by_type:
                names = [ctx.t(p.name) for p in by_type[t].value]
                rows.append({"platform": ctx.pname(pid), "type": _(TYPE_LABELS[t]), "count": len(names),
                             "names": ("、" if ctx.lang == "zh" else ", ").join(names)})
                cites.append(by_type[t].cites)
    if len(rows) < MIN_MARKS:
        return None
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["type"]] = totals.get(r["type"], 0) + r["count"]
    types = sorted(totals, key=lambda t: -totals[t])
    rows.sort(key=lambda r: (types.index(r["type"]), -r["count"]))
    cites_all = an.union(*cites)
    title, subtitle = _("各平台点名的合作方，按类型"), _("来源中点名的合作方个数（未点名的不计）")
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("type:N", title=None, sort=types),
        yOffset=alt.YOffset("platform:N", sort=[ctx.pname(p.id) for p in ctx.ds.platforms]),
        x=alt.X("count:Q", title=_("合作方个数"), axis=alt.Axis(tickMinStep=1, format="d"), scale=alt.Scale(zero=True)),
        tooltip=[alt.Tooltip("platform:N", title=_("平台")), alt.Tooltip("type:N", title=_("类型")),
                 alt.Tooltip("count:Q", title=_("个数")), alt.Tooltip("names:N", title=_("名称"))],
    )
    bars = base.mark_bar().encode(color=alt.Color("platform:N", title=_("平台"), scale=ctx.platform_scale(), legend=None))
    # Direct labels: each bar ends with its platform and count.
    labels = base.mark_text(align="left", dx=4, fontSize=11, color="#333333").encode(
        text=alt.Text("label:N")).transform_calculate(label="datum.platform + ' ' + datum.count")
    height = max(160, 22 * len(rows) + 40)
    return Chart("partners", title, subtitle, _("{title}。每个条形是一个平台在一类合作方中点名的个数，条形末端标出平台和个数。").format(title=title),
                 ctx.finish(alt.layer(bars, labels), "partners", title, subtitle, cites_all, height),
                 [("platform", _("平台")), ("type", _("类型")), ("count", _("个数")), ("names", _("名称"))],
                 rows, cites_all)


def _matrix_chart(ctx: Ctx, cid: str, title: str, subtitle: str, columns: list[str], cells: dict,
                  yes: str, no: str, col_header: str) -> Chart:
    _ = ctx._
    rows, cites = [], []
    for p in ctx.ds.platforms:
        for col in columns:
            cell = cells.get(p.id, {}).get(col)
            known = bool(cell and cell.value)
            # A known cell says so briefly; an unknown one is grey and blank (the legend names it): text
            # as long as "Not mentioned" does not fit a cell on a phone.
            rows.append({"platform": ctx.pname(p.id), "field": col_header_label(ctx, cid, col),
                         "state": yes if known else no, "mark": _("有") if known else "",
                         "colour_key": ctx.pname(p.id) if known else no,
                         "ink": text_on(ctx.colours[p.id]) if known else "#333333"})
            if cell:
                cites.append(cell.cites)
    cites_all = an.union(*cites)
    domain = [ctx.pname(p.id) for p in ctx.ds.platforms] + [no]
    colours = [ctx.colours[p.id] for p in ctx.ds.platforms] + ["#E0E0E0"]
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("platform:N", title=None, sort=[ctx.pname(p.id) for p in ctx.ds.platforms],
                axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("field:N", title=None, sort=[col_header_label(ctx, cid, c) for c in columns]),
        tooltip=[alt.Tooltip("platform:N", title=_("平台")), alt.Tooltip("field:N", title=col_header),
                 alt.Tooltip("state:N", title=_("状态"))],
    )
    rect = base.mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        color=alt.Color("colour_key:N", title=None, scale=alt.Scale(domain=domain, range=colours),
                        legend=alt.Legend(values=[domain[-1]], symbolType="square")))
    text = base.mark_text(fontSize=12).encode(text=alt.Text("mark:N"), color=alt.Color("ink:N", scale=None))
    height = 34 * len(columns)
    return Chart(cid, title, subtitle, _("{title}。每格是一个平台的一项：写着“有”的彩色格为{yes}，灰色空格为{no}。").format(
                     title=title, yes=yes, no=no),
                 ctx.finish(alt.layer(rect, text), cid, title, subtitle, cites_all, height),
                 [("platform", _("平台")), ("field", col_header), ("state", _("状态"))], rows, cites_all)


def col_header_label(ctx: Ctx, cid: str, col: str) -> str:
    _ = ctx._
    if cid == "mechanics":
        return _(MECHANIC_LABELS[col])
    if cid == "features":
        return _(FEATURE_LABELS[col])
    return _(DISCLOSURE_LABELS[col])


def mechanics_chart(ctx: Ctx) -> Chart:
    """How collectibles are obtained: platform x mechanic."""
    _ = ctx._
    return _matrix_chart(ctx, "mechanics", _("藏品如何获得：平台 × 方式"),
                         _("来源中出现的获取方式；空格表示来源未提及"), list(MECHANICS),
                         ctx.an(an.mechanics_matrix), _("有"), _("未提及"), _("获取方式"))


def disclosure_chart(ctx: Ctx) -> Chart:
    """What each platform discloses: platform x field."""
    _ = ctx._
    return _matrix_chart(ctx, "disclosure", _("各平台披露了什么"),
                         _("来源是否给出该项信息；灰色为未披露"), list(an.DISCLOSURE_FIELDS),
                         ctx.an(an.disclosure), _("已披露"), _("未披露"), _("信息项"))


def timeline_chart(ctx: Ctx) -> Chart | None:
    """Dated events on one time axis, one row per platform."""
    _ = ctx._
    events = ctx.an(an.timeline)
    if not events:
        return None
    other = _("行业与公司")
    rows = []
    for e in events:
        d = e.date
        iso = f"{d.year:04d}-{(d.month or 1):02d}-{(d.day or 1):02d}"
        rows.append({"date": iso, "when": fmt.date(d, ctx.lang), "precision": _(PRECISION_LABELS[d.precision]),
                     "platform": ctx.pname(e.platform) if e.platform else other, "event": ctx.t(e.title)})
    cites = an.union(*(an.cites_of(e) for e in events))
    domain = [ctx.pname(p.id) for p in ctx.ds.platforms] + [other]
    colours = [ctx.colours[p.id] for p in ctx.ds.platforms] + [NEUTRAL]
    title, subtitle = _("各平台的有日期事件"), _("按来源所给精度标注：日、月或年（月、年精度画在该期起点）")
    chart = alt.Chart(alt.Data(values=rows)).mark_point(filled=True, size=110, opacity=0.9).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y-%m", labelAngle=0, tickCount=8),
                scale=alt.Scale(padding=14)),
        y=alt.Y("platform:N", title=None, sort=domain),
        color=alt.Color("platform:N", title=_("平台"), scale=alt.Scale(domain=domain, range=colours), legend=None),
        shape=alt.Shape("precision:N", title=_("日期精度"),
                        sort=[_(PRECISION_LABELS[k]) for k in ("day", "month", "year")]),
        tooltip=[alt.Tooltip("when:N", title=_("日期")), alt.Tooltip("event:N", title=_("事件")),
                 alt.Tooltip("platform:N", title=_("平台"))],
    )
    height = 44 * len(set(r["platform"] for r in rows)) + 20
    return Chart("timeline", title, subtitle, _("{title}：共 {n} 个事件，每个一点，点的形状表示日期精度。").format(title=title, n=len(rows)),
                 ctx.finish(chart, "timeline", title, subtitle, cites, height),
                 [("when", _("日期")), ("platform", _("平台")), ("event", _("事件"))], rows, cites)


# Interface labels of closed vocabularies: message ids, marked with N_() for extraction and translated
# where they are shown.
TYPE_LABELS = {"ip": N_("IP"), "brand": N_("品牌"), "cultural_institution": N_("文博单位或店铺"),
               "virtual_human": N_("虚拟人"), "technology": N_("技术提供方"), "business_unit": N_("业务部门"),
               "company": N_("公司")}
MECHANIC_LABELS = {"gift_with_purchase": N_("买实物赠藏品"), "spend_threshold": N_("满额获赠或抽取"),
                   "tasks_lottery": N_("做任务抽取"), "direct_sale": N_("直接购买藏品"), "bundle_physical": N_("买藏品送实物"),
                   "free_claim": N_("参与活动领取")}
FEATURE_LABELS = {"ar": N_("AR 拍摄"), "gifting": N_("礼物赠送"), "display_space": N_("展示空间"),
                  "download": N_("下载高清素材"), "like_share": N_("点赞与分享"), "virtual_try_on": N_("虚拟穿戴照片"),
                  "creator_link": N_("直通创作者主页"), "product_link": N_("连通商品页")}
DISCLOSURE_LABELS = {"launch": N_("上线时间"), "entry": N_("入口"), "chain": N_("区块链/技术方"), "transfer": N_("转赠规则"),
                     "secondary": N_("二次交易规则"), "edition": N_("发行量"), "price": N_("价格"), "brands": N_("合作品牌数"),
                     "issued": N_("已发行藏品数")}
FIGURE_LABELS = {"collectibles_surveyed": N_("统计的藏品数"), "brands": N_("合作品牌数"),
                 "collectibles_issued": N_("已发行藏品数"), "edition": N_("发行量"), "price": N_("藏品价格"),
                 "goods_price": N_("搭配商品价格"), "spend_threshold": N_("获赠门槛（订单金额）"), "partners": N_("合作方数")}
QUALIFIER_LABELS = {"about": N_("约"), "nearly": N_("近"), "more_than": N_("超过"), "less_than": N_("不足"),
                    "at_least": N_("及以上"), "at_most": N_("至多")}
# How a stated figure is qualified, as a point shape: exact, approximate, a floor, a ceiling.
QUALIFIER_KINDS = {"exact": N_("确数"), "about": N_("约数"), "nearly": N_("约数"), "at_least": N_("下限（及以上）"),
                   "more_than": N_("下限（及以上）"), "at_most": N_("上限（及以下）"), "less_than": N_("上限（及以下）")}
PRECISION_LABELS = {"day": N_("日"), "month": N_("月"), "year": N_("年")}
CATEGORY_LABELS = {"brand_marketing": N_("品牌合作"), "ip": N_("IP 联名"), "public_welfare": N_("公益"),
                   "cultural": N_("文博文创"), "digital_toy": N_("数字潮玩"), "virtual_fashion": N_("虚拟时尚"),
                   "art": N_("数字艺术")}
RULE_LABELS = {"allowed": N_("允许"), "time_limited": N_("可赠送（通常有时间限制）"), "not_allowed": N_("不允许")}
ROLE_LABELS = {"issuer": N_("发行方"), "ip": N_("IP"), "brand": N_("品牌"), "host": N_("主理人"), "creator": N_("创作者"),
               "beneficiary": N_("受益方")}
KIND_LABELS = {"single": N_("单款"), "series": N_("系列"), "group": N_("一组")}
CORRECTION_LABELS = {"lost_hedge": N_("丢了来源的限定词"), "added_certainty": N_("比来源说得更肯定"),
                     "scope": N_("范围比来源说的大"), "inferred": N_("推断当作来源所说"),
                     "unlike_count": N_("把不同类的东西算在一起"), "method": N_("方法说明言过其实"),
                     "beyond_source": N_("分析超出来源"), "missing_fact": N_("漏记来源的事实"),
                     "contradiction": N_("网站自相矛盾"), "citation": N_("引文不支持所注内容"),
                     "translation": N_("译文与原文不符")}


SITE_CHARTS: tuple[Callable[[Ctx], Chart | None], ...] = (
    edition_chart, price_chart, mechanics_chart, partners_chart, disclosure_chart, timeline_chart)
# Platform pages draw no charts of their own: their figures are rows of the comparison charts, and the same
# fact is not plotted twice (the pages link to those charts and list the figures in a table).
PLATFORM_CHARTS: tuple[Callable[..., Chart | None], ...] = ()


def chart_jobs(ds: Dataset) -> list[tuple[str, Callable[[Ctx], Chart | None], str | None]]:
    """Every chart to make, in reading order: (key, function of a Ctx, the platform it is about or None).

    The site's comparison charts come first, then each platform's. A platform's charts need only that
    platform's records, which lets an incremental build make again just the charts an edit touches.
    """
    jobs: list[tuple[str, Callable[[Ctx], Chart | None], str | None]] = [
        (fn.__name__, fn, None) for fn in SITE_CHARTS]
    for p in ds.platforms:
        jobs += [(f"{fn.__name__}:{p.id}", functools.partial(fn, platform=p.id), p.id) for fn in PLATFORM_CHARTS]
    return jobs


def site_charts(ctx: Ctx) -> list[Chart]:
    """The comparison charts, in reading order."""
    made = [fn(ctx) for fn in SITE_CHARTS]
    return [c for c in made if c is not None]


def platform_charts(ctx: Ctx, platform: str) -> list[Chart]:
    """Charts on one platform's page."""
    made = [fn(ctx, platform=platform) for fn in PLATFORM_CHARTS]
    return [c for c in made if c is not None]


__all__ = ["Chart", "Ctx", "chart_jobs", "site_charts", "platform_charts", "FEATURES", "Decimal"]
