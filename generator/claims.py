"""The site's claims checked against each other and against the data before anything is written.

Templates mark what they state: a value or an absence as <span class="bf-claim" data-claim="price:<platform>"
data-state="disclosed|nd">, a count as <span class="bf-count" data-count="<key>" data-value="<n>">. The
build refuses (BuildError, naming page and claim) when a page shows 未披露 for something the data has, when
the same count differs between pages or from the data, when a chart's title names a platform it does not
draw, or when a stated value has no citation mark.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from . import analysis as an
from .errors import BuildError
from .model import Dataset

CHARTS_DIR = "assets/generated/charts/"
_CLAIM = re.compile(r'<span class="bf-claim" data-claim="([^"]+)" data-state="(disclosed|nd)">')
_COUNT = re.compile(r'<span class="bf-count" data-count="([^"]+)" data-value="(\d+)">')
_SPAN = re.compile(r"<span\b|</span>")
_ND = re.compile(r'<span class="bf-nd">')
# Pages on which every 未披露 must be a marked claim (the first screen the issue found contradicting itself).
CHECKED_WHOLE = frozenset({"index.md", "en/index.md"})
# Fields of analysis.disclosure a claim may name (price and edition read every record of the platform).
_FIELDS = ("price", "edition", "launch", "entry", "chain", "transfer", "secondary")


@dataclass(frozen=True)
class Problem:
    page: str
    claim: str
    message: str

    def __str__(self) -> str:
        return f"{self.page}: {self.claim}: {self.message}"


def _span_end(text: str, start: int) -> int:
    """Where the span opened at `start` closes (nested spans counted)."""
    depth = 0
    for m in _SPAN.finditer(text, start):
        depth += 1 if m.group() != "</span>" else -1
        if depth == 0:
            return m.end()
    return len(text)


def _truth(ds: Dataset) -> dict[str, tuple[bool, str]]:
    """claim key -> (the data has it, what it has), for every platform."""
    out: dict[str, tuple[bool, str]] = {}
    stated = {"price": an.prices(ds), "edition": an.editions(ds)}
    disclosure, mechanics, partners = an.disclosure(ds), an.mechanics_matrix(ds), an.partners_by_type(ds)
    for p in ds.platforms:
        for name, values in stated.items():
            v = values[p.id]
            what = ", ".join(getattr(pt.subject, "id", "") for pt in v.figures + v.items)
            out[f"{name}:{p.id}"] = (v.disclosed, f"{v.count} stated value(s): {what}")
        for name in _FIELDS[2:]:
            out[f"{name}:{p.id}"] = (bool(disclosure[p.id][name].value), "a value in platforms.yaml")
        out[f"mechanics:{p.id}"] = (bool(mechanics[p.id]), "ways to obtain: " + ", ".join(mechanics[p.id]))
        out[f"features:{p.id}"] = (bool(p.features), f"{len(p.features)} feature(s)")
        out[f"partners-list:{p.id}"] = (bool(partners[p.id]), "named partners of types " + ", ".join(partners[p.id]))
    return out


def _counts(ds: Dataset) -> dict[str, int]:
    """count key -> the number the data gives."""
    out = {f"partners:{pid}": s.value for pid, s in an.partner_counts(ds).items()}
    out.update({f"collectibles:{p.id}": len(an.collectibles_of(ds, p.id)) for p in ds.platforms})
    head = an.headline(ds)
    out.update({"platforms": head.platforms.value, "collectibles": head.collectibles.value,
                "events": head.events.value, "partners-named": head.partners.value})
    out["platforms-priced"] = len(an.findings(ds).priced)
    return out


def check_pages(ds: Dataset, files: dict[str, Any]) -> list[Problem]:
    """Claims on the Markdown pages: absences against the data, counts across pages, values with citations."""
    problems: list[Problem] = []
    truth, expected = _truth(ds), _counts(ds)
    seen: dict[str, tuple[str, int]] = {}
    for path in sorted(files):
        if not path.endswith(".md"):
            continue
        data = files[path]
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        if "data-claim" not in text and "data-count" not in text and path not in CHECKED_WHOLE:
            continue
        for m in _CLAIM.finditer(text):
            key, state = m.group(1), m.group(2)
            has, what = truth.get(key, (None, ""))
            if state == "nd" and has:
                problems.append(Problem(path, key, f"shown as 未披露 (not disclosed), but the data has {what}"))
            elif state == "disclosed" and has is False:
                problems.append(Problem(path, key, "shown as a value, but the data has none"))
            if state == "disclosed":
                end = _span_end(text, m.start())
                line_end = text.find("\n", end)
                rest = text[m.start():line_end if line_end >= 0 else len(text)]
                if text[text.rfind("\n", 0, m.start()) + 1:].startswith("|"):  # a table cell: up to its end
                    cell = rest.find(" |", end - m.start())
                    rest = rest[:cell] if cell >= 0 else rest
                if 'class="bf-cite"' not in rest:
                    problems.append(Problem(path, key, "a stated value without a citation mark"))
        if path in CHECKED_WHOLE:  # the home page: every 未披露 on it is a claim the data can be checked against
            for m in _ND.finditer(text):
                if not text.endswith('data-state="nd">', 0, m.start()):
                    line = text.count("\n", 0, m.start()) + 1
                    problems.append(Problem(path, f"line {line}", "a 未披露 that is not marked as a claim "
                                            "(wrap it in h.claim(key, h.nd(), false) so the build can check it)"))
        for m in _COUNT.finditer(text):
            key, value = m.group(1), int(m.group(2))
            if key in expected and expected[key] != value:
                problems.append(Problem(path, key, f"says {value}, but the data gives {expected[key]}"))
            first = seen.setdefault(key, (path, value))
            if first[1] != value:
                problems.append(Problem(path, key, f"says {value}, but {first[0]} says {first[1]}"))
    return problems


def check_charts(ds: Dataset, files: dict[str, Any]) -> list[Problem]:
    """A chart's title and subtitle name only platforms it draws (its data has a row for them)."""
    problems: list[Problem] = []
    names = {getattr(p.platform_name, lang) for p in ds.platforms for lang in ("zh", "en")}
    for path in sorted(files):
        if not (path.endswith(".vl.json") and CHARTS_DIR in path):
            continue
        table = files.get(path[: -len(".vl.json")] + ".csv")
        if table is None:
            continue
        spec = json.loads(files[path])
        title = spec.get("title") or {}
        words = [title.get("text", "")] + list(title.get("subtitle", [])[:1]) if isinstance(title, dict) else [title]
        text = " ".join(w if isinstance(w, str) else " ".join(w) for w in words)
        rows = list(csv.reader(io.StringIO((table.decode("utf-8-sig") if isinstance(table, bytes) else table))))
        if not rows:
            continue
        col = next((i for i, h in enumerate(rows[0]) if h in ("平台", "Platform")), None)
        drawn = {r[col] for r in rows[1:] if col is not None and len(r) > col}
        for name in sorted(names):
            if name and name in text and col is not None and name not in drawn:
                problems.append(Problem(path, name, f"the chart's title names {name}, but it draws no mark for it"))
    return problems


def check(ds: Dataset, files: dict[str, Any]) -> None:
    """Refuse the build (BuildError) if the site contradicts itself or the data."""
    problems = check_pages(ds, files) + check_charts(ds, files)
    if problems:
        raise BuildError("the site contradicts itself or the data:\n" + "\n".join(f"  {p}" for p in problems))
