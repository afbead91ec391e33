"""What every page template can look up: record indexes, derived tables and source lines."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from generator.analysis import figures as an
from generator.charts import charts as ch
from generator.model.records import KINDS, Dataset
from generator.pages import fmt
from generator.pages.i18n import NP_


# Interface labels of the record kinds (message ids in the context "plural": pgettext("plural", label)).
KIND_LABELS = {"sources": NP_("plural", "来源"), "platforms": NP_("plural", "平台"),
               "collectibles": NP_("plural", "藏品"), "partners": NP_("plural", "合作方"),
               "events": NP_("plural", "事件"), "metrics": NP_("plural", "业务数字"),
               "statements": NP_("plural", "说法"), "corrections": NP_("plural", "更正")}


def source_line_factory(ds: Dataset):
    sources = ds.index("sources")
    dates: dict[tuple[str, str], str] = {}  # a source's date, as printed in lang: the same on thousands of pages

    def source_line(cites: Any, lang: str, short: bool = False) -> str:
        """'来源：…' naming each source of the citations (with paragraphs unless short)."""
        ids = list(dict.fromkeys(c.source for c in cites))
        parts = []
        for sid in ids:
            s = sources[sid]
            paras = sorted({c.para for c in cites if c.source == sid})
            where = dates.get((sid, lang))
            if where is None:
                where = dates[sid, lang] = fmt.date(s.published, lang)
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


def indexes(ds: Dataset) -> dict[str, Any]:
    """Lookups every template needs, computed once for both editions."""
    idx: dict[str, Any] = {k: ds.index(k) for k in KINDS}
    idx.update((k, defaultdict(list)) for k in (
        "collectibles_by_platform", "collectibles_by_partner", "children", "partners_by_platform",
        "events_by_platform", "events_by_partner", "events_by_collectible", "statements_by_platform",
        "statements_by_partner", "metrics_by_subject", "partners_by_para", "related_back"))
    for c in ds.collectibles:
        idx["collectibles_by_platform"][c.platform].append(c)
        for cp in c.partners:
            idx["collectibles_by_partner"][cp.partner].append((c, cp.role))
        if c.series:
            idx["children"][c.series].append(c)
    for p in ds.partners:
        for link in p.platforms:
            idx["partners_by_platform"][link.platform].append((p, link))
        # partners a paragraph of a source names together (partner pages)
        for key in dict.fromkeys((c.source, c.para) for c in p.cites):
            idx["partners_by_para"][key].append(p)
        for r in p.related:
            idx["related_back"][r].append(p)
    for e in an.timeline(ds):
        idx["events_by_platform"][e.platform].append(e)
        for pid in e.partners:
            idx["events_by_partner"][pid].append(e)
        for cid in e.collectibles:
            idx["events_by_collectible"][cid].append(e)
    for s in ds.statements:
        idx["statements_by_platform"][s.platform].append(s)
        if s.speaker_partner:
            idx["statements_by_partner"][s.speaker_partner].append(s)
    for m in ds.metrics:
        idx["metrics_by_subject"][m.subject].append(m)
    idx["timeline"] = an.timeline(ds)
    idx["headline"] = an.headline(ds)
    idx["mechanics"] = an.mechanics_matrix(ds)
    idx["partners_by_type"] = an.partners_by_type(ds)
    idx["disclosure"] = an.disclosure(ds)
    idx["model_groups"] = an.model_groups(ds)
    idx["colours"] = ch.platform_colours(ds)
    return idx
