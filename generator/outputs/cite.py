"""Citations of a page, of the dataset and of a source: GB/T 7714-2015, APA 7, BibTeX (biblatex), CSL-JSON.

Pure functions from a Work to a string. The accessed date of a citation is the reader's: the page shows
it with the build's date and briefing.js puts today's in its place (the part `accessed_part` returns).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

# GB/T 7714-2015 4.5 / table B: document type marks; OL is the online carrier.
GBT_TYPES = {"webpage": "EB", "dataset": "DS", "article": "EB", "report": "R"}
CSL_TYPES = {"webpage": "webpage", "dataset": "dataset", "article": "webpage", "report": "report"}
BIBTEX_TYPES = {"webpage": "online", "dataset": "dataset", "article": "online", "report": "report"}
LANG_TAGS = {"zh": "zh-CN", "en": "en"}
BIBLATEX_LANGIDS = {"zh": "chinese", "en": "english"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass(frozen=True)
class Author:
    """A person (family and given names) or an organisation (literal)."""

    family: str = ""
    given: str = ""
    literal: str = ""

    @property
    def organisation(self) -> bool:
        return bool(self.literal)


@dataclass(frozen=True)
class Work:
    """What a citation names. Dates are ISO strings at the precision known: YYYY, YYYY-MM or YYYY-MM-DD."""

    key: str                      # BibTeX key and CSL-JSON id
    kind: str                     # webpage | dataset | article | report
    title: str
    authors: tuple[Author, ...]
    accessed: str                 # YYYY-MM-DD
    published: str | None = None
    url: str | None = None
    site: str | None = None       # the website (APA site name, biblatex organization, CSL container-title)
    publisher: str | None = None
    version: str | None = None
    lang: str = "zh"
    changes: bool = False         # content that changes over time: APA gives a retrieval date


def _date_parts(iso: str) -> list[int]:
    return [int(p) for p in iso.split("-")]


# --------------------------------------------------------------------------- GB/T 7714-2015

def _gbt_name(a: Author) -> str:
    if a.organisation:
        return a.literal
    if re.fullmatch(r"[\u3400-\u9fff·]+", a.family + a.given):  # Chinese names: family then given, no space
        return a.family + a.given
    initials = " ".join(part[0].upper() for part in re.split(r"[\s\-]+", a.given) if part)
    return f"{a.family.upper()} {initials}".strip()  # 8.1.2: family name in capitals, given names as initials


def gbt7714(w: Work) -> str:
    """GB/T 7714-2015 (电子资源, 8.1 / A.8): 主要责任者. 题名[类型/OL]. (发布日期)[引用日期]. 获取和访问路径."""
    names = [_gbt_name(a) for a in w.authors]
    if len(names) > 3:  # 8.1.2: the first three, then 等 / et al.
        names = names[:3] + ["等" if w.lang == "zh" else "et al"]
    head = ", ".join(names)
    out = (f"{head}{'' if head.endswith('.') else '.'} " if head else "") + f"{w.title}[{GBT_TYPES[w.kind]}/OL]. "
    out += (f"({w.published})" if w.published else "") + accessed_part("gbt", w.accessed) + "."
    if w.url:
        out += f" {w.url}."
    return out


# --------------------------------------------------------------------------- APA 7

def _apa_name(a: Author) -> str:
    if a.organisation:
        return a.literal
    if re.fullmatch(r"[\u3400-\u9fff·]+", a.family + a.given):
        return a.family + a.given
    initials = " ".join(f"{p[0].upper()}." for p in a.given.split() if p)
    return f"{a.family}, {initials}" if initials else a.family


def _apa_authors(authors: tuple[Author, ...]) -> str:
    names = [_apa_name(a) for a in authors]
    if len(names) <= 1:
        return "".join(names)
    if len(names) <= 20:
        return ", ".join(names[:-1]) + ", & " + names[-1]
    return ", ".join(names[:19]) + ", . . . " + names[-1]


def _apa_date(iso: str | None) -> str:
    if not iso:
        return "n.d."
    year, *rest = _date_parts(iso)
    return f"{year}, {MONTHS[rest[0] - 1]}" + "".join(f" {d}" for d in rest[1:]) if rest else str(year)


def apa(w: Work, italic=lambda s: s) -> str:
    """APA 7 (webpage, 10.16; data set, 10.9): Author. (Date). Title. Site. Retrieved Month D, YYYY, from URL

    The site name is left out when it is the author (APA 7, 9.8 / 10.16 group-author example). The title
    is in italics (italic wraps it; plain text by default). A retrieval date only for content that changes.
    """
    author = _apa_authors(w.authors)
    title = italic(w.title)
    if w.version:
        title += f" (Version {w.version})"
    if w.kind == "dataset":
        title += " [Data set]"
    end = "" if title.endswith(("?", "!", "？", "！")) else "."  # a title's own ? or ! ends it
    parts = []
    if author:
        parts.append(f"{author}{'' if author.endswith('.') else '.'} ({_apa_date(w.published)}). {title}{end}")
    else:
        parts.append(f"{title}{end} ({_apa_date(w.published)}).")
    site = w.site if w.kind != "dataset" else (w.publisher or w.site)
    if site and site not in {a.literal for a in w.authors}:
        parts.append(f"{site}.")
    if w.url:
        parts.append(f"{accessed_part('apa', w.accessed)} {w.url}" if w.changes else w.url)
    return " ".join(parts)


# --------------------------------------------------------------------------- BibTeX (biblatex)

_BIB_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


def bib_escape(text: str) -> str:
    """Text for a BibTeX field: LaTeX's special characters escaped."""
    def one(m: re.Match) -> str:
        ch = m.group(1)
        return {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}.get(ch, "\\" + ch)
    return _BIB_SPECIAL.sub(one, text)


def bibtex(w: Work) -> str:
    """A biblatex entry: @online for pages and articles, @dataset for the data (fields as biblatex 3 names them)."""
    names = " and ".join("{" + bib_escape(a.literal) + "}" if a.organisation
                         else f"{bib_escape(a.family)}, {bib_escape(a.given)}" if a.given else bib_escape(a.family)
                         for a in w.authors)
    fields = {"author": names or None, "title": bib_escape(w.title), "date": w.published or None,
              "version": bib_escape(w.version) if w.version else None,
              "organization": bib_escape(w.site) if w.site and w.kind != "dataset" else None,
              "publisher": bib_escape(w.publisher) if w.publisher else None,
              "url": w.url.replace("{", "%7B").replace("}", "%7D") if w.url else None,
              "urldate": w.accessed, "langid": BIBLATEX_LANGIDS.get(w.lang, w.lang)}
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value is not None)
    return f"@{BIBTEX_TYPES[w.kind]}{{{w.key},\n{body}\n}}"


# --------------------------------------------------------------------------- CSL-JSON

def csl(w: Work) -> dict:
    """One CSL-JSON item (citation-style-language/schema csl-data.json)."""
    item = {"id": w.key, "type": CSL_TYPES[w.kind], "title": w.title,
            "author": [{"literal": a.literal} if a.organisation else {"family": a.family, "given": a.given}
                       for a in w.authors] or None,
            "container-title": w.site if w.site and w.kind != "dataset" else None,
            "publisher": w.publisher or None, "version": w.version or None,
            "issued": {"date-parts": [_date_parts(w.published)]} if w.published else None,
            "accessed": {"date-parts": [_date_parts(w.accessed)]}, "URL": w.url or None,
            "language": LANG_TAGS.get(w.lang, w.lang)}
    return {k: v for k, v in item.items() if v is not None}


def csl_json(w: Work) -> str:
    """The CSL-JSON document (an array of one item): one field a line, each value compact."""
    lines = [f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in csl(w).items()]
    return "[\n  {\n" + ",\n".join(lines) + "\n  }\n]"


# --------------------------------------------------------------------------- the accessed date

def accessed_part(fmt: str, iso: str) -> str:
    """The part of a citation that holds its accessed date, which briefing.js rewrites with today's date."""
    y, m, d = _date_parts(iso)
    if fmt == "gbt":
        return f"[{iso}]"
    if fmt == "apa":
        return f"Retrieved {MONTHS[m - 1]} {d}, {y}, from"
    if fmt == "bibtex":
        return f"urldate = {{{iso}}}"
    if fmt == "csl":
        return f'"accessed": {{"date-parts": [[{y}, {m}, {d}]]}}'
    raise ValueError(fmt)


def formats(w: Work) -> dict[str, str]:
    """Every format of a work, by the names the page and briefing.js use."""
    return {"gbt": gbt7714(w), "apa": apa(w), "bibtex": bibtex(w), "csl": csl_json(w)}
