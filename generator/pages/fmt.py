"""Locale-aware formatting of numbers, money, quantities and dates (Babel), and escaping for Markdown."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from babel.dates import format_date, format_skeleton
from babel.numbers import format_compact_decimal, format_decimal, format_percent
from markupsafe import Markup

from generator.model.records import Edition, Money, PartialDate, Quantity

LOCALES = {"zh": "zh_Hans_CN", "en": "en_US"}

# Characters Python-Markdown can backslash-escape (its ESCAPED_CHARS, plus '|' from tables). The site
# enables no extension that gives meaning to others (no magiclink, emoji, tilde, caret or mark).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")


# Chinese characters (CJK ideographs, CJK and full-width punctuation).
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# A Chinese term inside English text: Chinese characters with any digits, Latin letters or # joined to them
# (去年11月11日, 雷报Pro, #数字藏品#).
_ZH_TERM = re.compile(f"[#0-9A-Za-z]*(?:[{CJK}]+[#0-9A-Za-z]*)+")


_HAS_CJK = re.compile(f"[{CJK}]")
# House style (EDITORIAL.md, 中文文案排版指北): a space between a Chinese character and a Latin letter or a digit.
_IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ZH_THEN_LATIN = re.compile(f"([{_IDEOGRAPH}])([0-9A-Za-z¥$])")
_LATIN_THEN_ZH = re.compile(f"([0-9A-Za-z%])([{_IDEOGRAPH}])")


def name_like(text: str) -> bool:
    """A short label without punctuation (雷报Pro, 36氪): a name as its owner spells it, left unspaced."""
    return len(text) <= 6 and not re.search(r"[\s\u3000-\u303f\uff00-\uffef]", text)


def spaced(text: str) -> str:
    """Chinese text of ours with a space between Chinese and Latin letters or digits: 9.9 元, 2022 年 6 月."""
    return _LATIN_THEN_ZH.sub(r"\1 \2", _ZH_THEN_LATIN.sub(r"\1 \2", text))


def has_cjk(text: str) -> bool:
    return _HAS_CJK.search(text) is not None


class EnglishText(str):
    """English text from data, which may quote Chinese terms beside their English (数字藏品 (digital
    collectibles), Xiaoyan (晓艳)). Escaping marks each such term lang="zh"; a Chinese term that stands
    beside no English is left as it is, for the English edition's tests to find."""


def _zh_segments(text: str) -> list[tuple[bool, str]]:
    """Split text into (is a glossed Chinese term, segment): a term followed by '(' or inside parentheses."""
    if _HAS_CJK.search(text) is None:  # most English text: one quick scan instead of the term pattern's
        return [(False, text)] if text else []
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _ZH_TERM.finditer(text):
        glossed = re.match(r"\s*\(", text[m.end():]) is not None or \
            text[:m.start()].count("(") > text[:m.start()].count(")")
        if glossed:
            out += [(False, text[pos:m.start()]), (True, m.group())]
            pos = m.end()
    out.append((False, text[pos:]))
    return [(zh, seg) for zh, seg in out if seg]


def _md_plain(text: str) -> str:
    # Quotes need no escaping in Markdown text, and &#x27; would get its # escaped by the next line.
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # A line break in data must not start a new Markdown block.
    return re.sub(r"\s*\n\s*", " ", text)


def md(value: object) -> Markup:
    """Escape text for Markdown and HTML so that it shows literally wherever it lands."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, EnglishText):
        return Markup("".join(f'<span lang="zh">{_md_plain(seg)}</span>' if zh else _md_plain(seg)
                              for zh, seg in _zh_segments(value)))
    return Markup(_md_plain(str(value)))


def attr(value: object) -> Markup:
    """Escape text for an HTML attribute or raw HTML element (no Markdown there)."""
    return Markup(html.escape(str(value), quote=True))


def html_text(value: object) -> Markup:
    """Escape text for the content of a raw HTML element, marking glossed Chinese terms in English text."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, EnglishText):
        return Markup("".join(f'<span lang="zh">{html.escape(seg, quote=True)}</span>' if zh
                              else html.escape(seg, quote=True) for zh, seg in _zh_segments(value)))
    return attr(value)


def label_in_text(label: str) -> str:
    """A label as used inside a sentence: 'Issuer' -> 'issuer'; acronyms ('IP', 'AR photos') and Chinese stay."""
    first = label.split(" ", 1)[0]
    if not label or first.isupper() or not first[:1].isupper():
        return label
    return label[:1].lower() + label[1:]


def number(value: Decimal | int | float, lang: str, compact: bool = True) -> str:
    """10000 -> '1万' in Chinese and '10,000' in English; small numbers (or compact=False) as they are."""
    value = Decimal(str(value))
    if not compact:
        return format_decimal(value, locale=LOCALES[lang], decimal_quantization=False)
    if lang == "zh" and value >= 10000 and value % 1000 == 0:
        return spaced(format_compact_decimal(value, locale=LOCALES[lang], fraction_digits=1))
    if lang == "zh" and value >= 100_000_000:
        return spaced(format_compact_decimal(value, locale=LOCALES[lang], fraction_digits=2))
    if lang == "en" and value >= 1_000_000:
        return format_compact_decimal(value, format_type="long", locale=LOCALES[lang], fraction_digits=1)
    return format_decimal(value, locale=LOCALES[lang], decimal_quantization=False)


_QUAL = {
    "zh": {"exact": "{}", "about": "约{}", "nearly": "近{}", "at_least": "{}及以上", "at_most": "至多{}",
           "more_than": "超过{}", "less_than": "不足{}"},
    "en": {"exact": "{}", "about": "about {}", "nearly": "nearly {}", "at_least": "{} or more",
           "at_most": "at most {}", "more_than": "more than {}", "less_than": "less than {}"},
}
_RANGE = {"zh": "{}–{}", "en": "{}–{}"}
# The scale word of a compact number, said once for both ends of a range when they share it.
_SCALE = re.compile(r"\s*(?:thousand|million|billion|trillion|万亿|万|亿)$")


def _parts(v: Decimal, unit: str, lang: str, compact: bool = True) -> tuple[str, str, str]:
    """One end of a figure as (prefix, number, suffix): ('US$', '600 million', ''), ('', '6亿', '美元')."""
    if unit in ("CNY", "USD"):
        if lang == "zh":
            return "", number(v, lang, compact), "元" if unit == "CNY" else "美元"
        return {"CNY": "¥", "USD": "US$"}[unit], number(v, lang, compact), ""
    if unit == "percent":
        text = format_percent(v / 100, locale=LOCALES[lang], decimal_quantization=False)
        m = re.match(r"^(.*?)(\s*%)$", text)
        return ("", m.group(1), m.group(2)) if m else ("", text, "")
    if unit == "copies":
        return "", number(v, lang, compact), "份" if lang == "zh" else " copies"
    return "", number(v, lang, compact), ""


def _range(low: Decimal, high: Decimal, unit: str, lang: str) -> str:
    """Both ends with the unit said once: US$600–800 million, 6–8亿美元, ¥9.9–19.9, 1,000–10,000份."""
    prefix, lo, _ = _parts(low, unit, lang)
    _, hi, suffix = _parts(high, unit, lang)
    lo_scale, hi_scale = _SCALE.search(lo), _SCALE.search(hi)
    if bool(lo_scale) != bool(hi_scale) and unit != "percent":
        # One end compact (1万) and the other not (99,999): write both in full, 10,000–99,999.
        prefix, lo, _ = _parts(low, unit, lang, compact=False)
        _, hi, suffix = _parts(high, unit, lang, compact=False)
        lo_scale = hi_scale = None
    if lo_scale and hi_scale and lo_scale.group() == hi_scale.group():
        lo = lo[:lo_scale.start()]
    return prefix + _RANGE[lang].format(lo, hi) + suffix


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
        return "".join(_parts(v, unit, lang))

    if q.value is not None:
        core = one(q.value)
    elif q.min is not None and q.max is not None:
        core = _range(q.min, q.max, unit, lang)
    else:
        core = one(q.min if q.min is not None else q.max)
        if q.qualifier == "exact":
            return (spaced(f"{core}起") if lang == "zh" else f"from {core}") if q.min is not None else \
                (spaced(f"至多{core}") if lang == "zh" else f"up to {core}")
    text = _QUAL[lang][q.qualifier].format(core)
    if lang == "zh":
        text = spaced(text)
    if q.label is not None:
        label = getattr(q.label, lang)
        if q.reading:
            # The source's words give no numbers (几十, 几百至上千): the numbers are our reading of them.
            text = f"{label}（{spaced('我们读作' + text)}）" if lang == "zh" else f"{label} (our reading: {text})"
        elif lang == "zh":
            text = f"{label}（{text}）"
        # In English the label is a translation of words that state the number (限量万份: "limited to ten
        # thousand copies"), so beside the number it says the same thing twice: the number alone.
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
        text = format_date(real, format="long", locale=loc)
    elif d.precision == "month":
        text = format_skeleton("yMMMM", real, locale=loc)
    else:
        text = format_skeleton("y", real, locale=loc)
    return spaced(text) if lang == "zh" else text
