"""Locale-aware formatting of numbers, money, quantities and dates (Babel), and escaping for Markdown."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from babel.dates import format_date, format_skeleton
from babel.numbers import format_compact_decimal, format_decimal, format_percent
from markupsafe import Markup

from .model import Edition, Money, PartialDate, Quantity

LOCALES = {"zh": "zh_Hans_CN", "en": "en_US"}

# Characters Python-Markdown can backslash-escape (its ESCAPED_CHARS, plus '|' from tables). The site
# enables no extension that gives meaning to others (no magiclink, emoji, tilde, caret or mark).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")


def md(value: object) -> Markup:
    """Escape text for Markdown and HTML so that it shows literally wherever it lands."""
    if isinstance(value, Markup):
        return value
    text = html.escape(str(value), quote=True)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # A line break in data must not start a new Markdown block.
    return Markup(re.sub(r"\s*\n\s*", " ", text))


def attr(value: object) -> Markup:
    """Escape text for an HTML attribute or raw HTML element (no Markdown there)."""
    return Markup(html.escape(str(value), quote=True))


def number(value: Decimal | int | float, lang: str) -> str:
    """10000 -> '1万' in Chinese and '10,000' in English; small numbers as they are."""
    value = Decimal(str(value))
    if lang == "zh" and value >= 10000 and value % 1000 == 0:
        return format_compact_decimal(value, locale=LOCALES[lang], fraction_digits=1)
    if lang == "zh" and value >= 100_000_000:
        return format_compact_decimal(value, locale=LOCALES[lang], fraction_digits=2)
    if lang == "en" and value >= 1_000_000:
        return format_compact_decimal(value, format_type="long", locale=LOCALES[lang], fraction_digits=1)
    return format_decimal(value, locale=LOCALES[lang], decimal_quantization=False)


def money_amount(value: Decimal, currency: str, lang: str) -> str:
    """9.9 CNY -> '9.9元' / '¥9.9'; 600000000 USD -> '6亿美元' / 'US$600 million'."""
    n = number(value, lang)
    if lang == "zh":
        return f"{n}{'元' if currency == 'CNY' else '美元'}"
    symbol = {"CNY": "¥", "USD": "US$"}[currency]
    return f"{symbol}{n}"


_QUAL = {
    "zh": {"exact": "{}", "about": "约{}", "nearly": "近{}", "at_least": "{}及以上", "at_most": "至多{}",
           "more_than": "超过{}", "less_than": "不足{}"},
    "en": {"exact": "{}", "about": "about {}", "nearly": "nearly {}", "at_least": "{} or more",
           "at_most": "at most {}", "more_than": "more than {}", "less_than": "less than {}"},
}
_RANGE = {"zh": "{}–{}", "en": "{}–{}"}


def quantity(q: Quantity | str | None, lang: str, unit: str = "count") -> str:
    """A stated figure in words: range, qualifier and unit kept; None -> not disclosed."""
    if q is None:
        return not_disclosed(lang)
    if q == "unlimited":
        return "不限量" if lang == "zh" else "unlimited"
    assert isinstance(q, Quantity)
    if isinstance(q, Money):
        unit = q.currency

    def one(v: Decimal) -> str:
        if unit in ("CNY", "USD"):
            return money_amount(v, unit, lang)
        if unit == "percent":
            return format_percent(v / 100, locale=LOCALES[lang], decimal_quantization=False)
        text = number(v, lang)
        if unit == "copies":
            return f"{text}份" if lang == "zh" else f"{text} copies"
        return text

    if q.value is not None:
        core = one(q.value)
    elif q.min is not None and q.max is not None:
        if unit in ("CNY", "USD") and lang == "zh":
            core = _RANGE[lang].format(number(q.min, lang), one(q.max))
        elif unit == "copies":
            core = _RANGE[lang].format(number(q.min, lang), one(q.max))
        else:
            core = _RANGE[lang].format(one(q.min), one(q.max))
    else:
        core = one(q.min if q.min is not None else q.max)
        if q.qualifier == "exact":
            return (f"{core}起" if lang == "zh" else f"from {core}") if q.min is not None else \
                (f"至多{core}" if lang == "zh" else f"up to {core}")
    text = _QUAL[lang][q.qualifier].format(core)
    if q.label is not None:
        label = getattr(q.label, lang)
        text = f"{label}（{text}）" if lang == "zh" else f"{label} ({text})"
    return text


def not_disclosed(lang: str) -> str:
    return "未披露" if lang == "zh" else "not disclosed"


def date(d: PartialDate | None, lang: str) -> str:
    """A partial date at its own precision: 2021年12月17日 / December 17, 2021; 2021年12月 / December 2021."""
    if d is None:
        return not_disclosed(lang)
    import datetime as dt

    loc = LOCALES[lang]
    real = dt.date(d.year, d.month or 1, d.day or 1)
    if d.precision == "day":
        return format_date(real, format="long", locale=loc)
    if d.precision == "month":
        return format_skeleton("yMMMM", real, locale=loc)
    return format_skeleton("y", real, locale=loc)
