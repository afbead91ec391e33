"""Interface strings: Chinese message ids, translated through gettext catalogs read with Babel."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locales"
LANGS = ("zh", "en")


class MessageKey(str):
    """A message id that went untranslated; its repr names its context, if it has one."""

    context: str | None = None

    def __new__(cls, message: str, context: str | None = None) -> "MessageKey":
        obj = super().__new__(cls, message)
        obj.context = context
        return obj

    def __repr__(self) -> str:
        text = super().__repr__()
        return f"{text} (context {self.context!r})" if self.context else text


class Translations:
    """gettext, ngettext and pgettext for one language; Chinese is the source language.

    The catalog maps a message id, or (context, message id), to its translation: a string, or a tuple
    of plural forms. What is not there is recorded in `missing` (the build refuses to finish).
    """

    def __init__(self, lang: str, catalog: dict):
        self.lang = lang
        self.catalog = catalog
        self.missing: set[str] = set()

    def _lookup(self, message: str, context: str | None = None):
        text = self.catalog.get((context, message) if context else message)
        if not text:
            self.missing.add(MessageKey(message, context))
        return text

    def _get(self, message: str, context: str | None, plural: str | None = None, n: int = 1) -> str:
        text = None if self.lang == "zh" else self._lookup(message, context)
        if not text:
            return message
        forms = text if isinstance(text, tuple) else (text, text)
        return forms[0] if plural is None or n == 1 else forms[-1]

    def gettext(self, message: str) -> str:
        return self._get(message, None)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._get(singular, None, plural, n)

    # Jinja's i18n extension calls these names with new-style formatting.
    def pgettext(self, context: str, message: str) -> str:
        return self._get(message, context)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self._get(singular, context, plural, n)


def _key(msg) -> str | tuple[str, str]:
    """How a catalog entry is looked up: its (singular) id, with its context when it has one."""
    message = msg.id[0] if isinstance(msg.id, tuple) else msg.id
    return (msg.context, message) if msg.context else message


@lru_cache(maxsize=None)
def _catalog(lang: str, _mtime: int | None = None) -> dict:
    """lang's translations (keyed by the file's mtime too, so that a long-lived `make serve` sees an edit)."""
    if lang == "zh":
        return {}
    path = po_path(lang)
    if not path.exists():
        return {}  # every string then counts as missing, and the build says which
    out: dict = {}
    for msg in _read_catalog(path, lang):
        if not msg.id or msg.fuzzy:
            continue  # a fuzzy entry is a guess awaiting review: it counts as missing
        strings = tuple(msg.string) if isinstance(msg.string, (tuple, list)) else (msg.string,)
        if not all(s and s.strip() for s in strings):
            continue
        out[_key(msg)] = strings if len(strings) > 1 else strings[0]
    return out


def translations(lang: str) -> Translations:
    """A fresh Translations for lang (tracks the strings it could not translate)."""
    path = po_path(lang)
    return Translations(lang, _catalog(lang, path.stat().st_mtime_ns if path.exists() else None))


def N_(message: str) -> str:
    """Mark a message id for extraction without translating it (for label tables looked up later)."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark a message id with its context for extraction (looked up later with pgettext(context, id))."""
    return message


# --------------------------------------------------------------------------- the catalog

ROOT = LOCALE_DIR.parent
BABEL_CFG = ROOT / "babel.cfg"
TEMPLATE_POT = LOCALE_DIR / "messages.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "NP_": ((1, "c"), 2)}
_DATE_LINE = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.M)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def extract() -> Catalog:
    """Every message id in templates/ and generator/ (as babel.cfg maps them), as a template catalog."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with BABEL_CFG.open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(BABEL_CFG))
    template = Catalog(project="Digital collectibles briefing", copyright_holder="the briefing's authors",
                       charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, comment_tags=("Translators:",),
            strip_comment_tags=True):
        template.add(message, None, [(Path(filename).as_posix(), lineno)], auto_comments=comments,
                     context=context)
    return template


def _write_if_changed(path: Path, catalog: Catalog) -> bool:
    """Write a catalog (file names, no line numbers); skip it when only its dates would change."""
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, include_lineno=False)
    new = buf.getvalue()
    if path.exists() and _DATE_LINE.sub(b"", path.read_bytes()) == _DATE_LINE.sub(b"", new):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)
    return True


def _read_catalog(path: Path, lang: str, **fresh: Any) -> Catalog:
    """The catalog at path, or a new one (with these header fields) when there is none."""
    if not path.exists():
        return Catalog(locale=lang, fuzzy=False, **fresh)
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def _merge(path: Path, lang: str, template: Catalog, **fresh: Any) -> str:
    """Merge template's messages into the catalog at path, written if changed; a line saying where it stands."""
    catalog = _read_catalog(path, lang, **fresh)
    catalog.update(template, update_header_comment=False)
    written = _write_if_changed(path, catalog)
    status = catalog_status(catalog)
    return (f"{_rel(path)}: {len(catalog)} messages, {len(status['untranslated'])} untranslated, "
            f"{len(status['fuzzy'])} fuzzy, {len(catalog.obsolete)} obsolete{'' if written else ' (unchanged)'}")


def _show(key: str | tuple[str, str]) -> str:
    return f"{key[1]!r} (context {key[0]!r})" if isinstance(key, tuple) else repr(key)


def catalog_status(catalog: Catalog) -> dict[str, list]:
    """Keys of a catalog's messages that are untranslated or fuzzy (neither counts as translated)."""
    out: dict[str, list] = {"untranslated": [], "fuzzy": []}
    for msg in catalog:
        if not msg.id:
            continue
        key = _key(msg)
        strings = msg.string if isinstance(msg.string, (tuple, list)) else (msg.string,)
        if msg.fuzzy:
            out["fuzzy"].append(key)
        elif not all(s and s.strip() for s in strings):
            out["untranslated"].append(key)
    return out


def update(langs: tuple[str, ...] = tuple(lang for lang in LANGS if lang != "zh")) -> list[str]:
    """Extract messages into locales/messages.pot and merge them into each language's messages.po."""
    template = extract()
    lines = []
    written = _write_if_changed(TEMPLATE_POT, template)
    lines.append(f"{_rel(TEMPLATE_POT)}: {len(template)} messages"
                 f"{'' if written else ' (unchanged)'}")
    lines += [_merge(po_path(lang), lang, template, project=template.project,
                     copyright_holder=template.copyright_holder) for lang in langs]
    lines.append(_merge(dictionary_po(), "zh", dictionary_messages(), project="Digital collectibles briefing"))
    _read_dictionary.cache_clear()
    _catalog.cache_clear()
    return lines


def check(langs: tuple[str, ...] = tuple(lang for lang in LANGS if lang != "zh")) -> list[str]:
    """Every way the catalogs fall short of the messages in the code: one line per problem."""
    ids = {_key(m) for m in extract() if m.id}
    problems = []
    for lang in langs:
        path = po_path(lang)
        rel = _rel(path)
        if not path.exists():
            problems.append(f"{rel}: missing ({len(ids)} messages to translate)")
            continue
        catalog = _read_catalog(path, lang)
        have = {_key(m) for m in catalog if m.id}
        status = catalog_status(catalog)
        problems += [f"{rel}: not in the catalog: {_show(key)}" for key in sorted(ids - have, key=str)]
        problems += [f"{rel}: untranslated: {_show(key)}" for key in status["untranslated"] if key in ids]
        problems += [f"{rel}: fuzzy (needs review): {_show(key)}" for key in status["fuzzy"] if key in ids]
    problems += dictionary_problems()
    return problems


# --------------------------------------------------------------------------- quote translations

# Our English for every quote cited in data/, kept beside the message catalog rather than in the records:
# a mapping from the exact Chinese quote to its translation. Synthetic quotes (scale tests) need none.
SYNTHETIC_MARK = "SYNTHETIC"


def quotes_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "quotes.yaml"


class QuoteFileError(ValueError):
    """The quote translations file cannot be read as a mapping of quotes to translations."""


def quote_translations(lang: str) -> dict[str, str]:
    """Quote -> our translation of it for lang ({} for Chinese, or when the file is missing); read again when
    the file changes (a long-lived `make serve` sees an added translation)."""
    path = quotes_path(lang)
    if lang == "zh" or not path.exists():
        return {}
    return _read_quotes(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _read_quotes(path: Path, _mtime: int) -> dict[str, str]:
    import yaml

    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{_rel(path)}:{mark.line + 1}:{mark.column + 1}" if mark else _rel(path)
        raise QuoteFileError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(loaded, dict):
        raise QuoteFileError(f"{_rel(path)}: must map each Chinese quote to its translation")
    out = {}
    for quote, text in loaded.items():
        if not isinstance(quote, str) or not isinstance(text, str):
            raise QuoteFileError(f"{_rel(path)}: {quote!r}: quote and translation must both be text")
        if text.strip():
            out[quote] = text.strip()
    return out


def cited_quotes(ds: Any) -> dict[str, list[str]]:
    """Every quote the dataset cites -> where (kind/id, paragraph), in file order."""
    from generator.model.records import KINDS, Citation

    out: dict[str, list[str]] = {}

    def walk(value: Any, where: str) -> None:
        if isinstance(value, Citation):
            out.setdefault(value.quote, []).append(f"{where}, para {value.para}")
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, where)
        elif hasattr(type(value), "model_fields"):
            for name in type(value).model_fields:
                walk(getattr(value, name), where)

    for kind in KINDS:
        for record in getattr(ds, kind):
            walk(record, f"{kind}/{record.id}")
    return out


def missing_quotes(ds: Any, lang: str) -> list[str]:
    """One line per quote the dataset cites that has no translation into lang (none for Chinese)."""
    if lang == "zh":
        return []
    have = quote_translations(lang)
    return [f"missing {lang} translation of a quote: {quote!r} ({'; '.join(where[:3])})"
            for quote, where in cited_quotes(ds).items()
            if quote not in have and SYNTHETIC_MARK not in quote]


# --------------------------------------------------------------------------- the data dictionary in Chinese

# The models describe their fields in English (the JSON Schema, data/README.md and the English edition use
# that text). The Chinese edition's data dictionary reads its descriptions, types and part names from a
# catalog of their own: English message ids, Chinese translations. `i18n extract` adds new ones, `i18n
# check` reports what lacks a translation.
def dictionary_po() -> Path:
    return LOCALE_DIR / "zh" / "LC_MESSAGES" / "dictionary.po"


def dictionary_messages() -> Catalog:
    """Every text of the data dictionary (descriptions, types, part names) as a template catalog."""
    from generator.model.schema import dictionary

    template = Catalog(project="Digital collectibles briefing", fuzzy=False)
    for entry in dictionary():
        texts = [entry["doc"]] + ([] if entry["file"].startswith("data/") else [entry["file"]])
        for f in entry["fields"]:
            texts += [f["type"], f["description"]]
        for text in texts:
            if text:
                template.add(text, None, [(entry["file"], 0)])
    return template


def dictionary_translations() -> dict[str, str]:
    """English dictionary text -> its Chinese (translated, not fuzzy); read again when the file changes (a
    long-lived `make serve` sees an added translation)."""
    path = dictionary_po()
    return _read_dictionary(path, path.stat().st_mtime_ns) if path.exists() else {}


@lru_cache(maxsize=8)
def _read_dictionary(path: Path, _mtime: int) -> dict[str, str]:
    return {m.id: m.string for m in _read_catalog(path, "zh") if m.id and not m.fuzzy and m.string and m.string.strip()}


def dictionary_problems() -> list[str]:
    """One line per dictionary text without its Chinese."""
    rel, have = _rel(dictionary_po()), dictionary_translations()
    return [f"{rel}: untranslated: {m.id!r}" for m in dictionary_messages() if m.id and m.id not in have]
