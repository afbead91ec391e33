"""Interface strings: Chinese message ids, translated through gettext catalogs read with Babel."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGS = ("zh", "en")


class MissingTranslation(Exception):
    """An interface string has no translation in a catalog."""


class Translations:
    """gettext/ngettext for one language; Chinese is the source language."""

    def __init__(self, lang: str, catalog: dict[str, str]):
        self.lang = lang
        self.catalog = catalog
        self.missing: set[str] = set()

    def gettext(self, message: str) -> str:
        if self.lang == "zh":
            return message
        text = self.catalog.get(message)
        if not text:
            self.missing.add(message)
            return message
        return text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if self.lang == "zh":
            return singular
        text = self.catalog.get(singular)
        if not text:
            self.missing.add(singular)
            return singular
        forms = text if isinstance(text, tuple) else (text, text)
        return forms[0] if n == 1 else forms[-1]

    # Jinja's i18n extension calls these names with new-style formatting.
    def pgettext(self, context: str, message: str) -> str:  # pragma: no cover - unused
        return self.gettext(message)

    def npgettext(self, context: str, s: str, p: str, n: int) -> str:  # pragma: no cover - unused
        return self.ngettext(s, p, n)


@lru_cache(maxsize=None)
def _catalog(lang: str) -> dict[str, str]:
    if lang == "zh":
        return {}
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}  # every string then counts as missing, and the build says which
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    out: dict = {}
    for msg in catalog:
        if not msg.id:
            continue
        key = msg.id[0] if isinstance(msg.id, tuple) else msg.id
        if msg.fuzzy:
            continue
        out[key] = tuple(msg.string) if isinstance(msg.string, (tuple, list)) else msg.string
    return out


def translations(lang: str) -> Translations:
    """A fresh Translations for lang (tracks the strings it could not translate)."""
    return Translations(lang, _catalog(lang))
