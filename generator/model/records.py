"""Typed, cited records of the dataset, and the checks that run across records."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import (
    PrivateAttr,
    BaseModel,
    BeforeValidator,
    PlainValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

# --------------------------------------------------------------------------- scalars

Slug = Annotated[
    str,
    Field(pattern=SLUG_RE, min_length=2, max_length=64,
          description="Stable identifier (lowercase letters, digits, hyphens); page addresses derive from it and never change."),
]
Ref = Annotated[str, Field(pattern=SLUG_RE, description="The id of another record.")]


class PartialDate(str):
    """An ISO date at year, month or day precision: '2021', '2021-12' or '2021-12-17'."""

    precision: str

    def __new__(cls, text: str) -> "PartialDate":
        obj = super().__new__(cls, text)
        parts = text.split("-")
        obj.precision = {1: "year", 2: "month", 3: "day"}[len(parts)]
        return obj

    @property
    def year(self) -> int:
        return int(self.split("-")[0])

    @property
    def month(self) -> int | None:
        parts = self.split("-")
        return int(parts[1]) if len(parts) > 1 else None

    @property
    def day(self) -> int | None:
        parts = self.split("-")
        return int(parts[2]) if len(parts) > 2 else None

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    @property
    def number(self) -> int:
        """YYYYMMDD as one integer (missing parts as 00), for sorting in the browser."""
        return self.year * 10000 + (self.month or 0) * 100 + (self.day or 0)


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _parse_partial_date(value: Any) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.date):
        return PartialDate(value.isoformat())
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"must be an ISO date string (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
    m = _DATE_RE.match(value)
    if not m:
        raise ValueError(f"must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(f"is not a real date, got {value!r}") from None
    return PartialDate(value)


DateP = Annotated[
    PartialDate,
    PlainValidator(_parse_partial_date),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
                    "description": "ISO date; its length gives the precision (year, month or day)."}),
]


def _http_url(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a URL string, got {value!r}")
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.I):
        raise ValueError(f"must be an http or https URL, got {value!r}")
    return value


Url = Annotated[
    str,
    BeforeValidator(_http_url),
    WithJsonSchema({"type": "string", "pattern": "^https?://", "format": "uri"}),
]


class Strict(BaseModel):
    """Base of every record part: unknown keys are errors, not silent extras."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


# --------------------------------------------------------------------------- text

class Text(Strict):
    """A text in both editions' languages."""

    zh: str = Field(min_length=1, description="Simplified Chinese text.")
    en: str = Field(min_length=1, description="English text.")


# A chart's row label is short (the long wording goes in its tooltip and data table).
LABEL_LIMITS = {"zh": 16, "en": 28}


class ShortText(Text):
    """A short label for charts: at most 16 Chinese or 28 Latin characters."""

    zh: str = Field(min_length=1, max_length=LABEL_LIMITS["zh"], description="Simplified Chinese, at most 16 characters.")
    en: str = Field(min_length=1, max_length=LABEL_LIMITS["en"], description="English, at most 28 characters.")


class Name(Text):
    """A name in Chinese and English."""

    en_kind: Literal["official", "translation", "pinyin", "descriptive"] = Field(
        "official",
        description="Where the English name comes from: the official English name, our translation, our "
                    "pinyin, or a descriptive label of ours (for a collectible the source does not name).",
    )


# --------------------------------------------------------------------------- provenance

class Citation(Strict):
    """Where a fact comes from: a source, the paragraph, and a short verbatim quote."""

    source: Ref = Field(description="The id of a source.")
    para: int = Field(ge=1, description="Paragraph number in the source (1 = first paragraph of the body).")
    quote: str = Field(min_length=2, max_length=160,
                       description="A short verbatim quote from that paragraph that states the fact.")
    fields: list[str] | None = Field(
        None, description="Which fields of the record this citation supports; omitted = all of them.")


Cites = Annotated[list[Citation], Field(min_length=1, description="The citations that support this record.")]


# --------------------------------------------------------------------------- quantities

Qualifier = Literal["exact", "about", "nearly", "at_least", "at_most", "more_than", "less_than"]


# Bounds of a stated figure: below 10^15 (a thousand trillion) and at most 20 digits, so that a typing slip
# such as 99999999999999999999999999999 is a data error, not a crash where the figure is formatted.
MAX_FIGURE = 10**15
MAX_DIGITS = 20


class Quantity(Strict):
    """A stated figure: one value, or a range (min and max), with the source's qualifier."""

    value: Decimal | None = Field(None, ge=0, lt=MAX_FIGURE, max_digits=MAX_DIGITS,
                                  description="The figure when the source gives one number.")
    min: Decimal | None = Field(None, ge=0, lt=MAX_FIGURE, max_digits=MAX_DIGITS,
                                description="Lower end when the source gives a range.")
    max: Decimal | None = Field(None, ge=0, lt=MAX_FIGURE, max_digits=MAX_DIGITS,
                                description="Upper end when the source gives a range.")
    qualifier: Qualifier = Field(
        "exact", description="How the source qualifies the figure: exact, about (左右/多), nearly (近), "
                             "at_least (及以上), at_most, more_than (超), less_than (不足).")
    label: Text | None = Field(
        None, description="The source's own wording when it is vaguer than the numbers (几百至上千).")
    reading: bool = Field(
        False, description="True when the numbers are our reading of the source's words (几十 read as 10–99), "
                           "not numbers the source gives; shown as such wherever the figure appears.")

    @model_validator(mode="after")
    def _shape(self) -> "Quantity":
        if self.value is None and self.min is None and self.max is None:
            raise ValueError("needs value, or min and/or max")
        if self.value is not None and (self.min is not None or self.max is not None):
            raise ValueError("give either value or a range (min, max), not both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is greater than max {self.max}")
        return self

    @property
    def low(self) -> Decimal:
        return self.value if self.value is not None else (self.min if self.min is not None else self.max)

    @property
    def high(self) -> Decimal:
        return self.value if self.value is not None else (self.max if self.max is not None else self.min)

    @property
    def is_range(self) -> bool:
        return self.value is None


class Money(Quantity):
    """An amount of money with its currency."""

    currency: Literal["CNY", "USD"] = Field("CNY", description="ISO 4217 currency code.")


class Edition(Quantity):
    """How many copies of a collectible are issued (each copy a count >= 1)."""

    value: Decimal | None = Field(None, ge=1, lt=MAX_FIGURE, max_digits=MAX_DIGITS, description="Copies issued.")
    min: Decimal | None = Field(None, ge=1, lt=MAX_FIGURE, max_digits=MAX_DIGITS,
                                description="Lower end of a stated range of copies.")
    max: Decimal | None = Field(None, ge=1, lt=MAX_FIGURE, max_digits=MAX_DIGITS,
                                description="Upper end of a stated range of copies.")


EditionOrUnlimited = Union[Literal["unlimited"], Edition]

# --------------------------------------------------------------------------- vocabularies

Mechanic = Literal[
    "gift_with_purchase",   # 买实物赠藏品
    "spend_threshold",      # 订单满额获赠或抽取
    "tasks_lottery",        # 做任务、抽取
    "direct_sale",          # 直接发售（购买藏品本身）
    "bundle_physical",      # 买藏品送实物
    "free_claim",           # 参与官方活动领取
]
MECHANICS: tuple[str, ...] = Mechanic.__args__  # type: ignore[attr-defined]

Feature = Literal[
    "ar",                   # AR 拍摄/合影
    "gifting",              # 礼物赠送
    "display_space",        # 展示空间 (R-SPACE)
    "download",             # 下载高清素材
    "like_share",           # 点赞、分享海报
    "virtual_try_on",       # 真人虚拟佩戴/穿戴照片
    "creator_link",         # 详情页直通创作者主页
    "product_link",         # 藏品连通商品详情页/店铺
]
FEATURES: tuple[str, ...] = Feature.__args__  # type: ignore[attr-defined]

PartnerType = Literal["ip", "brand", "cultural_institution", "virtual_human", "technology", "business_unit", "company"]
PARTNER_TYPES: tuple[str, ...] = PartnerType.__args__  # type: ignore[attr-defined]

Category = Literal["brand_marketing", "ip", "public_welfare", "cultural", "digital_toy", "virtual_fashion", "art"]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]

Rule = Literal["allowed", "time_limited", "not_allowed"]


# --------------------------------------------------------------------------- records

class Source(Strict):
    """A publication the dataset cites."""

    id: Slug
    title: str = Field(min_length=1, description="Title as the outlet printed it (original language).")
    title_in_copy: str | None = Field(
        None, min_length=1, description="The title as the copy we hold gives it, where that differs from the printed one.")
    title_en: str = Field(min_length=1, description="English rendering of the title (ours).")
    publisher: Text = Field(description="Where this copy was published (the reprinting site).")
    outlet: Text | None = Field(None, description="The original outlet, when this is a reprint.")
    outlet_handle: str | None = Field(None, description="The outlet's account id (e.g. WeChat id).")
    author: str | None = Field(None, description="Author as credited; empty when not credited.")
    url: Url | None = Field(None, description="Address of this copy; empty when the copy we hold does not give it.")
    original_url: Url | None = Field(None, description="Address of the original publication.")
    published: DateP = Field(description="Publication date of this copy.")
    accessed: DateP = Field(description="When we read it.")
    language: Literal["zh", "en"] = Field(description="Language of the source.")
    licence: Text = Field(description="Licence or reprint note, as the source states it.")
    note: Text | None = Field(None, description="Anything an editor should know about the source.")


class Figure(Strict):
    """A figure the source states about a platform (counts, edition sizes, prices, thresholds)."""

    id: Slug
    measure: Literal["collectibles_surveyed", "brands", "collectibles_issued", "edition", "price",
                     "goods_price", "spend_threshold", "partners"] = Field(
        description="What the figure measures: price is a collectible's own price; goods_price the price of the "
                    "physical goods it comes with; spend_threshold the order amount that qualifies.")
    quantity: Quantity | None = Field(None, description="The figure (empty only for an unlimited edition).")
    unlimited: bool = Field(False, description="True when the source says the edition is unlimited (不限量).")
    unit: Literal["count", "copies", "CNY"] = Field(description="Unit of the figure.")
    note: Text = Field(description="What the figure is about, in our words.")
    scope: Text | None = Field(
        None, description="The group of items the source says it of, when narrower than the whole programme "
                          "(e.g. the 15 surveyed collectibles); shown beside the figure wherever it appears.")
    chart_label: ShortText | None = Field(None, description="Its row label on charts, when the note is too long for one.")
    cite: Citation = Field(description="Where the source states it.")

    @model_validator(mode="after")
    def _shape(self) -> "Figure":
        if self.unlimited == (self.quantity is not None):
            raise ValueError("give a quantity, or unlimited: true, not both")
        return self


class MechanicEntry(Strict):
    """One way a platform hands out its collectibles."""

    mechanic: Mechanic = Field(description="The mechanic.")
    note: Text = Field(description="How it works there, in our words.")
    cite: Citation = Field(description="Where the source states it.")


class FeatureEntry(Strict):
    """One thing owners can do with a collectible on the platform."""

    feature: Feature = Field(description="The feature.")
    note: Text = Field(description="How it works there, in our words.")
    upcoming: bool = Field(False, description="Announced but not yet live when the source was written.")
    cite: Citation = Field(description="Where the source states it.")


class TransferRules(Strict):
    """Whether collectibles can be given away or resold. Empty = not disclosed."""

    transfer: Rule | None = Field(None, description="Giving to another user (转赠/赠送).")
    secondary: Literal["allowed", "not_allowed"] | None = Field(None, description="Resale (二次交易).")
    note: Text | None = Field(None, description="Details, in our words.")
    cite: Citation | None = Field(None, description="Where the rule is stated.")


class Platform(Strict):
    """A platform's digital-collectible programme."""

    id: Slug
    name: Name = Field(description="Name of the programme (灵稀).")
    platform_name: Name = Field(description="The platform it belongs to (京东).")
    parent: Ref = Field(description="The company behind it: a partner id of type company.")
    launch: DateP | None = Field(None, description="When the programme launched; empty = not disclosed.")
    launch_note: Text | None = Field(None, description="How the launch date is known (e.g. resolved from 去年).")
    entry: Text | None = Field(None, description="How a user gets there.")
    chain: Ref | None = Field(None, description="Blockchain or technology provider (a partner id); empty = not disclosed.")
    positioning: Text = Field(description="The source's characterisation of the programme, in short.")
    model: Text = Field(description="The distribution model, in our words.")
    mechanics: list[MechanicEntry] = Field(default_factory=list, description="How collectibles are obtained.")
    features: list[FeatureEntry] = Field(default_factory=list, description="What owners can do with them.")
    transfer: TransferRules = Field(default_factory=TransferRules, description="Transfer and resale rules.")
    goods: list[Text] = Field(default_factory=list, description="Kinds of physical goods tied to collectibles.")
    domains: list[Text] = Field(default_factory=list, description="Kinds of collectible offered.")
    figures: list[Figure] = Field(default_factory=list, description="Figures stated about the programme.")
    cites: Cites


class CollectiblePartner(Strict):
    """A partner's role in a collectible."""

    partner: Ref = Field(description="The partner id.")
    role: Literal["issuer", "ip", "brand", "host", "creator", "beneficiary"] = Field(description="Its role.")


class Collectible(Strict):
    """A collectible, a series, or a group of collectibles the source describes together."""

    id: Slug
    platform: Ref = Field(description="The platform id.")
    name: Name = Field(description="Name (a descriptive name of ours when the source gives none).")
    kind: Literal["single", "series", "group"] = Field(description="One item, a named series, or a described group.")
    series: Ref | None = Field(None, description="The series it belongs to (a collectible id).")
    partners: list[CollectiblePartner] = Field(default_factory=list, description="Issuers, IPs, brands.")
    category: Category | None = Field(None, description="What kind of collectible it is; empty = the source does not say.")
    items: Quantity | None = Field(None, description="Number of distinct collectibles in a series or group.")
    price: Money | None = Field(None, description="Price of one collectible; empty = not disclosed or not sold.")
    edition: EditionOrUnlimited | None = Field(None, description="Copies issued of each; empty = not disclosed.")
    obtain: list[Mechanic] = Field(default_factory=list, description="How it is obtained.")
    threshold: Money | None = Field(None, description="Spend needed to qualify, when obtained by spending.")
    goods: Text | None = Field(None, description="Physical goods it comes with.")
    release: DateP | None = Field(None, description="Release date or period; empty = not disclosed.")
    transfer: Rule | None = Field(None, description="Whether it can be given away; empty = not disclosed.")
    description: Text = Field(description="What it is, in our words.")
    chart_label: ShortText | None = Field(None, description="Its row label on charts, when the name is too long for one.")
    cites: Cites


class PartnerLink(Strict):
    """A partner's work with a platform."""

    platform: Ref = Field(description="The platform id.")
    role: Text = Field(description="What it did with the platform, in our words.")
    cite: Citation = Field(description="Where the source states it.")


class Partner(Strict):
    """An IP, brand, cultural institution, virtual human, company or technology named in the sources."""

    id: Slug
    name: Name = Field(description="Name in Chinese and English.")
    type: PartnerType = Field(description="What kind of partner.")
    platforms: list[PartnerLink] = Field(default_factory=list, description="Platforms it worked with.")
    related: list[Ref] = Field(default_factory=list, description="Other partners it is tied to (partner ids).")
    group: Ref | None = Field(
        None, description="The company it belongs to (a partner id of type company) when it is that company's own "
                          "unit, service or staff; a platform's own group is not counted among its partners.")
    description: Text = Field(description="Who it is, in our words.")
    cites: Cites


class Event(Strict):
    """A dated event on the timeline."""

    id: Slug
    date: DateP = Field(description="When; its precision is its length.")
    date_note: Text | None = Field(None, description="How the date is known (e.g. 去年 read against the publication date).")
    platform: Ref | None = Field(None, description="The platform it concerns, if one.")
    title: Text = Field(description="A short title, in our words.")
    description: Text = Field(description="What happened, in our words.")
    partners: list[Ref] = Field(default_factory=list, description="Partners involved (partner ids).")
    collectibles: list[Ref] = Field(default_factory=list, description="Collectibles involved (collectible ids).")
    cites: Cites


class Metric(Strict):
    """A stated business figure."""

    id: Slug
    subject: Ref = Field(description="The platform or partner it is about.")
    name: Text = Field(description="What is measured.")
    period: DateP | None = Field(None, description="The period it covers; empty = not stated.")
    quantity: Quantity = Field(description="The figure as stated.")
    unit: Literal["percent", "CNY", "USD", "count"] = Field(description="Unit of the figure.")
    group: str | None = Field(None, description="Metrics with the same group are parts of one whole (a mix).")
    note: Text | None = Field(None, description="Context, in our words (e.g. who reported it).")
    cites: Cites


class Statement(Strict):
    """A short attributed quote from a company or person, as the source reports it."""

    id: Slug
    platform: Ref | None = Field(None, description="The platform it concerns, if one.")
    speaker: Text = Field(description="Who said it.")
    speaker_partner: Ref | None = Field(None, description="The speaker as a partner record, if any.")
    quote: str = Field(min_length=2, max_length=120, description="The words, verbatim and short.")
    translation: str = Field(min_length=2, description="Our English translation.")
    cite: Citation = Field(description="Where the source states it.")


CorrectionKind = Literal[
    "lost_hedge", "added_certainty", "scope", "inferred", "unlike_count", "method", "beyond_source",
    "missing_fact", "contradiction", "citation", "translation",
]


class Correction(Strict):
    """One entry of the corrections log: what the site said, what it says now, when."""

    id: Slug
    date: DateP = Field(description="When the correction was made.")
    kind: CorrectionKind = Field(description="What kind of error it was.")
    where: Text = Field(description="Where on the site the error was (page, table, chart), in our words.")
    was: Text = Field(description="What the site said.")
    now: Text = Field(description="What it says now.")
    records: list[Ref] = Field(default_factory=list, description="Records changed (ids), if any.")
    cite: Citation | None = Field(None, description="The passage of the source the correction rests on.")


class Dataset(BaseModel):
    """Every record of data/, checked across records."""

    sources: list[Source]
    platforms: list[Platform]
    collectibles: list[Collectible]
    partners: list[Partner]
    events: list[Event]
    metrics: list[Metric]
    statements: list[Statement]
    corrections: list[Correction] = []
    # Results derived from this dataset (analysis asked for by many charts and pages), kept with it: they live
    # as long as the dataset and never reach a build of other data.
    _derived: dict = PrivateAttr(default_factory=dict)

    def derived(self, key: tuple, make: Any, owner: Any = None) -> Any:
        """make(), once per key for this dataset; owner: an object the key names by id(), kept alive with the
        result so that its id is not reused. Callers must not mutate a result."""
        memo = self._derived
        if memo.get(None) is not self:  # a copy (model_copy shares the dict): results of its own
            memo = self._derived = {None: self}
        hit = memo.get(key)
        if hit is not None and hit[0] is owner:
            return hit[1]
        value = make()
        memo[key] = (owner, value)
        return value

    def index(self, kind: str) -> dict[str, Any]:
        return {r.id: r for r in getattr(self, kind)}


# kind -> (file name, model, one-line description)
KINDS: dict[str, tuple[str, type[Strict], str]] = {
    "sources": ("sources.yaml", Source, "Publications cited, with their provenance."),
    "platforms": ("platforms.yaml", Platform, "Digital-collectible programmes of platforms."),
    "collectibles": ("collectibles.yaml", Collectible, "Collectibles, series and described groups."),
    "partners": ("partners.yaml", Partner, "IPs, brands, institutions, virtual humans, companies, technology."),
    "events": ("events.yaml", Event, "The dated timeline."),
    "metrics": ("metrics.yaml", Metric, "Stated business figures."),
    "statements": ("statements.yaml", Statement, "Short attributed quotes."),
    "corrections": ("corrections.yaml", Correction, "The corrections log: what was wrong, what it says now, when."),
}
# Kinds whose file may be missing (an empty list then).
OPTIONAL_KINDS = frozenset({"corrections"})
