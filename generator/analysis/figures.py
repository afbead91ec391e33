"""Pure functions from the dataset to derived figures; each derived figure carries its inputs' citations."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from generator.model.records import (
    FEATURES, MECHANICS, PARTNER_TYPES, Citation, Collectible, Dataset, Edition, Figure, Platform, Quantity,
)


_NO_CITES: Any = object()


def cites_of(record: Any, field_name: str | None = None) -> tuple[Citation, ...]:
    """The citations of a record that support one field (or all of the record's)."""
    cites = getattr(record, "cites", _NO_CITES)  # records with a list of citations first: the common case
    if cites is _NO_CITES:
        cite = getattr(record, "cite", None)
        return (cite,) if cite is not None else ()
    return tuple(c for c in cites or () if field_name is None or c.fields is None or field_name in c.fields)


def explicit_cites(record: Any, field_name: str) -> tuple[Citation, ...]:
    """The record-level citations that name this field explicitly (not the ones covering everything)."""
    return tuple(c for c in getattr(record, "cites", ()) or () if c.fields and field_name in c.fields)


def union(*groups: Iterable[Citation]) -> tuple[Citation, ...]:
    """Citations of several inputs, each once, in first-seen order."""
    seen: dict[tuple, Citation] = {}
    for group in groups:
        for c in group:
            seen.setdefault((c.source, c.para, c.quote), c)
    return tuple(seen.values())


@dataclass(frozen=True)
class Sourced:
    """A value with the citations it derives from."""

    value: Any
    cites: tuple[Citation, ...] = ()


# --------------------------------------------------------------------------- figures per platform

@dataclass(frozen=True)
class Point:
    """One stated figure placed on a chart: a value or a range, about one platform."""

    platform: str
    subject: Any = field(compare=False)   # a Figure or a Collectible (compared by what charts show of it)
    quantity: Quantity | None = None
    unlimited: bool = False
    cites: tuple[Citation, ...] = ()
    shown: Any = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        # What a chart shows of the subject: a platform's figure whole, a collectible's id and name. Two
        # points are equal when the charts they feed are, so that editing a collectible's description leaves
        # the price points equal (an incremental build compares them to decide which charts to make again).
        subject = self.subject
        shown = subject if isinstance(subject, Figure) else (getattr(subject, "id", None), getattr(subject, "name", None))
        object.__setattr__(self, "shown", shown)

    @property
    def low(self) -> Decimal | None:
        return None if self.quantity is None else self.quantity.low

    @property
    def high(self) -> Decimal | None:
        return None if self.quantity is None else self.quantity.high


def _per_dataset(fn):
    """A function's result kept with the dataset (Dataset.derived), per further arguments: charts, the
    disclosure table and the pages ask for the same analysis many times. Callers must not mutate a result."""
    @functools.wraps(fn)
    def wrapper(ds: Dataset, *args: Any):
        return ds.derived((fn.__qualname__, *args), lambda: fn(ds, *args))

    return wrapper


@_per_dataset
def edition_points(ds: Dataset) -> list[Point]:
    """Every stated edition size: platform-level figures and individual collectibles."""
    return [Point(p.id, f, f.quantity, f.unlimited, (f.cite,)) for p in ds.platforms for f in p.figures
            if f.measure == "edition"] + [_record_point("edition", c) for c in ds.collectibles if c.edition is not None]


def _record_point(measure: str, c: Collectible) -> Point:
    """A collectible's point on an edition or price chart."""
    if measure == "edition":
        unlimited = c.edition == "unlimited"
        return Point(c.platform, c, None if unlimited else c.edition, unlimited, cites_of(c, "edition"))
    return Point(c.platform, c, c.price, False, cites_of(c, "price"))


@_per_dataset
def price_points(ds: Dataset) -> list[Point]:
    """Every stated price in CNY: platform-level figures and individual collectibles."""
    return [Point(p.id, f, f.quantity, False, (f.cite,)) for p in ds.platforms for f in p.figures
            if f.measure == "price" and f.quantity is not None] + \
        [_record_point("price", c) for c in ds.collectibles if c.price is not None and c.price.currency == "CNY"]


@_per_dataset
def edition_points_of(ds: Dataset, platform: str | None = None) -> list[Point]:
    """edition_points, of one platform (or all of them)."""
    every = edition_points(ds)
    return every if platform is None else [p for p in every if p.platform == platform]


@_per_dataset
def price_points_of(ds: Dataset, platform: str | None = None) -> list[Point]:
    """price_points, of one platform (or all of them)."""
    every = price_points(ds)
    return every if platform is None else [p for p in every if p.platform == platform]


# --------------------------------------------------------------------------- cross tabs

@_per_dataset
def mechanics_matrix(ds: Dataset) -> dict[str, dict[str, Sourced]]:
    """platform -> mechanic -> Sourced(what shows it, as (kind, id) pairs) for mechanics the sources state.

    Records are named by id, so that editing, say, a collectible's price leaves the matrix equal (an
    incremental build compares it to decide which pages to render again)."""
    out: dict[str, dict[str, list]] = {p.id: defaultdict(list) for p in ds.platforms}
    cites: dict[tuple[str, str], list] = defaultdict(list)
    for p in ds.platforms:
        for m in p.mechanics:
            out[p.id][m.mechanic].append(("platforms", p.id))
            cites[(p.id, m.mechanic)].append(m.cite)
    for c in ds.collectibles:
        for m in c.obtain:
            out[c.platform][m].append(("collectibles", c.id))
            cites[(c.platform, m)].extend(cites_of(c, "obtain"))
    return {pid: {m: Sourced(tuple(v), union(cites[(pid, m)])) for m, v in row.items()} for pid, row in out.items()}


@_per_dataset
def partners_by_type(ds: Dataset) -> dict[str, dict[str, Sourced]]:
    """platform -> partner type -> Sourced(partners), leaving out the platform's own parent company."""
    out: dict[str, dict[str, list]] = {p.id: defaultdict(list) for p in ds.platforms}
    parents = {p.id: p.parent for p in ds.platforms}
    cites: dict[tuple[str, str], list] = defaultdict(list)
    for partner in ds.partners:
        for link in partner.platforms:
            if parents.get(link.platform) in (partner.id, partner.group):
                continue  # the company behind a platform, and its own units, are not its partners
            out[link.platform][partner.type].append(partner)
            cites[(link.platform, partner.type)].append(link.cite)
    return {pid: {t: Sourced(tuple(v), union(cites[(pid, t)])) for t, v in row.items()} for pid, row in out.items()}


@_per_dataset
def own_units(ds: Dataset) -> dict[str, Sourced]:
    """platform -> Sourced(its own group's units, services and staff named with it): kept apart from partners."""
    parents = {p.id: p.parent for p in ds.platforms}
    out: dict[str, list] = {p.id: [] for p in ds.platforms}
    cites: dict[str, list] = defaultdict(list)
    for partner in ds.partners:
        for link in partner.platforms:
            if partner.group is not None and parents.get(link.platform) == partner.group:
                out[link.platform].append(partner)
                cites[link.platform].append(link.cite)
    return {pid: Sourced(tuple(v), union(cites[pid])) for pid, v in out.items()}


@_per_dataset
def partner_counts(ds: Dataset) -> dict[str, Sourced]:
    """platform -> Sourced(number of named partners, the platform's own group left out)."""
    by = partners_by_type(ds)
    return {pid: Sourced(sum(len(s.value) for s in row.values()), union(*(s.cites for s in row.values())))
            for pid, row in by.items()}


def partners_of(ds: Dataset, platform_id: str) -> list[tuple[Any, Any]]:
    """(partner, link) pairs for one platform, in data order."""
    return [(p, link) for p in ds.partners for link in p.platforms if link.platform == platform_id]


def collectibles_of(ds: Dataset, platform_id: str) -> list[Collectible]:
    return [c for c in ds.collectibles if c.platform == platform_id]


# What "disclosed" means for each field of the disclosure chart.
DISCLOSURE_FIELDS = ("launch", "entry", "chain", "transfer", "secondary", "edition", "price", "brands", "issued")


@_per_dataset
def disclosure(ds: Dataset) -> dict[str, dict[str, Sourced]]:
    """platform -> field -> Sourced(True/False): what the sources disclose about each platform."""
    out: dict[str, dict[str, Sourced]] = {}
    editions: dict[str, list[Point]] = defaultdict(list)
    prices: dict[str, list[Point]] = defaultdict(list)
    for pt in edition_points(ds):
        editions[pt.platform].append(pt)
    for pt in price_points(ds):
        prices[pt.platform].append(pt)
    for p in ds.platforms:
        figs = {f.measure: f for f in p.figures}
        row = {
            "launch": Sourced(p.launch is not None, cites_of(p, "launch") if p.launch else ()),
            "entry": Sourced(p.entry is not None, cites_of(p, "entry") if p.entry else ()),
            "chain": Sourced(p.chain is not None, cites_of(p, "chain") if p.chain else ()),
            "transfer": Sourced(p.transfer.transfer is not None, (p.transfer.cite,) if p.transfer.cite else ()),
            "secondary": Sourced(p.transfer.secondary is not None, (p.transfer.cite,) if p.transfer.cite else ()),
        }
        ed, pr = editions.get(p.id, ()), prices.get(p.id, ())
        row["edition"] = Sourced(bool(ed), union(*(pt.cites for pt in ed)))
        row["price"] = Sourced(bool(pr), union(*(pt.cites for pt in pr)))
        row["brands"] = Sourced("brands" in figs, (figs["brands"].cite,) if "brands" in figs else ())
        issued = figs.get("collectibles_issued")  # a partial survey's count is not the number issued
        row["issued"] = Sourced(issued is not None, (issued.cite,) if issued else ())
        out[p.id] = row
    return out


@_per_dataset
def revenue_mix(ds: Dataset) -> dict[str, list]:
    """group -> metrics that are parts of one whole (percent), in data order."""
    groups: dict[str, list] = defaultdict(list)
    for m in ds.metrics:
        if m.group and m.unit == "percent":
            groups[m.group].append(m)
    return dict(groups)


@_per_dataset
def timeline(ds: Dataset) -> list:
    """Events by date (year-, month- and day-precision dates sort by their start)."""
    return sorted(ds.events, key=lambda e: (e.date.sort_key(), e.id))


GIFT_MECHANICS = ("gift_with_purchase", "spend_threshold")
SALE_MECHANICS = ("bundle_physical",)


def model_groups(ds: Dataset) -> dict[str, list[Sourced]]:
    """Platforms that give collectibles with goods ('gift') and those that sell them with goods ('sale')."""
    matrix = mechanics_matrix(ds)
    out: dict[str, list[Sourced]] = {"gift": [], "sale": []}
    for p in ds.platforms:
        row = matrix[p.id]
        for group, mechanics in (("gift", GIFT_MECHANICS), ("sale", SALE_MECHANICS)):
            present = [row[m] for m in mechanics if m in row]
            if present:
                out[group].append(Sourced(p, union(*(s.cites for s in present))))
    return out


# --------------------------------------------------------------------------- headline

@dataclass(frozen=True)
class Headline:
    """Counts of what the dataset holds, with the citations of the records counted."""

    platforms: Sourced
    collectibles: Sourced
    partners: Sourced
    events: Sourced
    partner_types: dict[str, int] = field(default_factory=dict)
    own: Sourced = Sourced(0)  # the companies behind the platforms and their own units, not counted as partners


def headline(ds: Dataset) -> Headline:
    """What the dataset holds. Partners are counted apart from the companies behind the platforms and their
    own units (partner_types still counts every record by type)."""
    parents = {p.id: p.parent for p in ds.platforms}
    # Own: a company behind a platform, or a unit of its group on every platform it is named with.
    own = set(parents.values()) | {
        u.id for u in ds.partners
        if u.group is not None and u.platforms and all(parents.get(link.platform) == u.group for link in u.platforms)}
    named = [p for p in ds.partners if p.id not in own]
    return Headline(
        platforms=Sourced(len(ds.platforms), union(*(cites_of(p) for p in ds.platforms))),
        collectibles=Sourced(len(ds.collectibles), union(*(cites_of(c) for c in ds.collectibles))),
        partners=Sourced(len(named), union(*(cites_of(p) for p in named))),
        events=Sourced(len(ds.events), union(*(cites_of(e) for e in ds.events))),
        partner_types=dict(Counter(p.type for p in ds.partners)),
        own=Sourced(len(ds.partners) - len(named), union(*(cites_of(p) for p in ds.partners if p.id in own))),
    )


def figure(platform: Platform, measure: str) -> list[Figure]:
    return [f for f in platform.figures if f.measure == measure]


def stated_quantities(ds: Dataset) -> list[tuple[Any, str, tuple[Citation, ...]]]:
    """Every stated quantity with its unit and citations: platform figures, metrics, prices, editions."""
    out: list[tuple[Any, str, tuple[Citation, ...]]] = []
    for p in ds.platforms:
        for f in p.figures:
            out.append(("unlimited" if f.unlimited else f.quantity, f.unit, (f.cite,)))
    for m in ds.metrics:
        out.append((m.quantity, m.unit, cites_of(m)))
    for c in ds.collectibles:
        if c.price is not None:
            out.append((c.price, c.price.currency, cites_of(c, "price")))
        if c.edition is not None:
            out.append((c.edition, "copies", cites_of(c, "edition")))
    return out


def notation_examples(ds: Dataset) -> dict[str, Sourced]:
    """One real example from the data of each notation the site uses (ranges, qualifiers, precisions)."""
    found: dict[str, Sourced] = {}
    for q, unit, cites in stated_quantities(ds):
        if q == "unlimited":
            found.setdefault("unlimited", Sourced((q, unit), cites))
            continue
        if q.value is None and q.min is not None and q.max is not None:
            current = found.get("range")  # prefer a range given as plain numbers, without the source's wording
            if current is None or (current.value[0].label is not None and q.label is None):
                found["range"] = Sourced((q, unit), cites)
        if q.qualifier != "exact":
            found.setdefault(q.qualifier, Sourced((q, unit), cites))
    for e in timeline(ds):
        found.setdefault(e.date.precision, Sourced(e.date, cites_of(e, "date")))
    return found


__all__ = [
    "FEATURES", "MECHANICS", "PARTNER_TYPES", "Edition", "Point", "Sourced", "cites_of", "union",
]


# --------------------------------------------------------------------------- findings (the home page's claims)

# A platform's stated values of one measure are listed one by one up to this many; beyond, the range and a count.
LIST_MAX = 4


@dataclass(frozen=True)
class Values:
    """What the dataset states of one measure for one platform: its own figures and its collectibles'."""

    platform: str
    figures: tuple[Point, ...]          # platform-level figures (each may carry a scope)
    items: tuple[Point, ...]            # collectibles with a stated value
    cites: tuple[Citation, ...]

    @property
    def disclosed(self) -> bool:
        return bool(self.figures or self.items)

    @property
    def count(self) -> int:
        return len(self.figures) + len(self.items)

    @property
    def shown_items(self) -> tuple[Point, ...]:
        return self.items[:LIST_MAX]

    @property
    def more_items(self) -> int:
        return max(0, len(self.items) - LIST_MAX)

    def item_range(self) -> Quantity | None:
        """From the lowest to the highest number stated for its collectibles (unlimited ones left out)."""
        stated = [pt.quantity for pt in self.items if pt.quantity is not None]
        if len(stated) == 1:
            return stated[0]
        if not stated:
            return None
        lo, hi = min(q.low for q in stated), max(q.high for q in stated)
        # The range keeps the vaguest of its parts: "about" if any is, "our reading" if any is.
        qualifier = "exact" if all(q.qualifier == "exact" for q in stated) else "about"
        reading = any(q.reading for q in stated)
        return Quantity(value=lo, qualifier=qualifier, reading=reading) if lo == hi else \
            Quantity(min=lo, max=hi, qualifier=qualifier, reading=reading)


def _values(ds: Dataset, points: list[Point]) -> dict[str, Values]:
    figs: dict[str, list[Point]] = defaultdict(list)
    items: dict[str, list[Point]] = defaultdict(list)
    for pt in points:
        (figs if isinstance(pt.subject, Figure) else items)[pt.platform].append(pt)
    out = {}
    for p in ds.platforms:
        f, i = tuple(figs.get(p.id, ())), tuple(items.get(p.id, ()))
        out[p.id] = Values(p.id, f, i, union(*(pt.cites for pt in f + i)))
    return out


@_per_dataset
def prices(ds: Dataset) -> dict[str, Values]:
    """platform -> every stated collectible price (CNY): its figures and its collectibles'."""
    return _values(ds, price_points(ds))


@_per_dataset
def editions(ds: Dataset) -> dict[str, Values]:
    """platform -> every stated edition size: its figures and its collectibles'."""
    return _values(ds, edition_points(ds))


@dataclass(frozen=True)
class Findings:
    """The home page's findings, as values: templates only word them."""

    gift: tuple[Sourced, ...]           # platforms that give collectibles with goods (value: platform)
    sale: tuple[Sourced, ...]           # platforms that sell collectibles with goods
    direct_sale_too: tuple[Sourced, ...]  # gift platforms that also sell some collectibles outright
    prices: dict[str, Values]
    priced: tuple[str, ...]             # platforms with a stated price
    unpriced: tuple[str, ...]           # platforms without one
    editions: dict[str, Values]
    partners: dict[str, Sourced]        # platform -> named partners (count), own group left out
    own: dict[str, Sourced]             # platform -> its own units named with it
    cites: dict[str, tuple[Citation, ...]]  # finding key -> its one citation group


@_per_dataset
def findings(ds: Dataset) -> Findings:
    """Every value, count, comparison and absence the home page states, from all of each platform's records."""
    groups = model_groups(ds)
    matrix = mechanics_matrix(ds)
    gift_ids = {s.value.id for s in groups["gift"]}
    direct = tuple(Sourced(p, matrix[p.id]["direct_sale"].cites) for p in ds.platforms
                   if p.id in gift_ids and "direct_sale" in matrix[p.id])
    pr, ed = prices(ds), editions(ds)
    partners, own = partner_counts(ds), own_units(ds)
    cites = {
        "model": union(*(s.cites for s in groups["gift"] + groups["sale"]), *(s.cites for s in direct)),
        "prices": union(*(v.cites for v in pr.values())),
        "editions": union(*(v.cites for v in ed.values())),
        "partners": union(*(s.cites for s in partners.values())),
    }
    return Findings(
        gift=tuple(groups["gift"]), sale=tuple(groups["sale"]), direct_sale_too=direct,
        prices=pr, priced=tuple(pid for pid, v in pr.items() if v.disclosed),
        unpriced=tuple(pid for pid, v in pr.items() if not v.disclosed),
        editions=ed, partners=partners, own=own, cites=cites,
    )


@dataclass(frozen=True)
class MainFinding:
    """The headline: which platforms give collectibles away with goods and which sell them, as of when."""

    gift: tuple[Platform, ...]
    sale: tuple[Platform, ...]
    platforms: int
    as_of: Any                          # the newest source's publication date
    sources: int
    cites: tuple[Citation, ...]


@_per_dataset
def main_finding(ds: Dataset) -> MainFinding:
    groups = model_groups(ds)
    cited = {c.source for kind in ("platforms", "collectibles", "partners", "events", "metrics", "statements")
             for r in getattr(ds, kind) for c in cites_of(r)}
    dates = [s.published for s in ds.sources if s.id in cited]
    return MainFinding(
        gift=tuple(s.value for s in groups["gift"]), sale=tuple(s.value for s in groups["sale"]),
        platforms=len(ds.platforms), as_of=max(dates, key=lambda d: d.sort_key()) if dates else None,
        sources=len(dates), cites=union(*(s.cites for s in groups["gift"] + groups["sale"])),
    )
