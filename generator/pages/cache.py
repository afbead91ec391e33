"""Rendered pages kept by a digest of their inputs, on disk, so that a build renders only pages whose inputs changed.

A page's key is a digest of what it is made from: the records its plan entry says it reads (Page.reads; the
whole dataset for a page that aggregates it, charts included), its file, template and context, the edition
(language, date, site address), the shared context, and the code that makes it (generator/, templates/,
locales/ and the rendering libraries' versions). A hit gives the page's bytes as a build without the cache
would have made them (tests/test_page_cache.py holds both builds side by side after edits of every kind).

Entries made by a build are stored only when it succeeds (a failed one may have rendered pages with a missing
translation, which a hit would then hide). The folder is .cache/pages/ (BRIEFING_PAGE_CACHE moves it);
deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def default_folder() -> Path:
    return Path(os.environ.get("BRIEFING_PAGE_CACHE") or ROOT / ".cache" / "pages")


def _tree(top: Path) -> bytes:
    h = hashlib.sha256()
    for path in sorted(top.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(top)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.digest()


# The generator's code as this process loaded it (read when it starts: a running `make serve` does not run
# code edited since, so its pages must not be stored under that code's digest).
_CODE = _tree(Path(__file__).resolve().parents[1])


def code_digest() -> str:
    """A digest of the generator's code, the templates and locales as they are now, and the rendering
    libraries' versions."""
    from importlib.metadata import version

    from generator.pages import i18n, render

    h = hashlib.sha256(repr([version(p) for p in ("babel", "jinja2", "markupsafe", "pydantic")]).encode() + _CODE)
    for top in (render.TEMPLATES, i18n.LOCALE_DIR):
        h.update(_tree(top))
    return h.hexdigest()


def record_digests(ds: Any) -> dict:
    """(kind, id) -> a digest of that record; (kind, None) -> of the kind's records in order; None -> of all."""
    from generator.model.records import KINDS

    def make() -> dict:
        out: dict = {}
        whole = hashlib.sha256()
        for kind in KINDS:
            of_kind = hashlib.sha256()
            for r in getattr(ds, kind):
                d = out[(kind, r.id)] = hashlib.sha256(r.model_dump_json().encode()).digest()
                of_kind.update(d)
            out[(kind, None)] = of_kind.digest()
            whole.update(kind.encode() + out[(kind, None)])
        out[None] = whole.digest()
        return out

    return ds.derived(("record_digests",), make)


def edition_key(code: str, lang: str, date: str, url: str, shared: dict) -> bytes:
    """What every page of an edition is made with."""
    return hashlib.sha256(repr((code, lang, date, url, sorted(shared.items()))).encode()).digest()


def page_key(edition: bytes, page: Any, digests: dict) -> str:
    h = hashlib.sha256(edition)
    context = json.dumps(page.context, default=lambda o: o.id, sort_keys=True, ensure_ascii=False)
    h.update(f"{page.file}\0{page.template}\0{page.title_key}\0{context}\0".encode())
    for read in (None,) if page.reads is None else page.reads:
        h.update(repr(read).encode() + digests.get(read, b"-"))  # an id of no record: b"-"
    return h.hexdigest()


class PageCache:
    """Pages by key: the last build's in memory (a serving process builds again and again), the rest on disk."""

    def __init__(self, folder: Path | None = None) -> None:
        from generator.pages.render import CompiledTemplates

        self.folder = Path(folder) if folder is not None else default_folder()
        self.compiled = CompiledTemplates()  # the templates, compiled once for every build made with this cache
        self.hits = self.misses = 0
        self._held: dict[str, bytes] = {}
        self._used: dict[str, bytes] = {}
        self._new: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        data = self._held.get(key)
        if data is None:
            try:
                data = (self.folder / key[:2] / key).read_bytes()
            except OSError:
                self.misses += 1
                return None
        self.hits += 1
        self._used[key] = data
        return data

    def put(self, key: str, data: bytes) -> None:
        self._used[key] = self._new[key] = data

    def state(self) -> tuple[dict[str, bytes], dict[str, bytes]]:
        """What this build used and made so far (for a build that renders an edition in another process)."""
        return self._used, self._new

    def absorb(self, state: tuple[dict[str, bytes], dict[str, bytes]]) -> None:
        """Count in what another process did with its copy of this cache (see state)."""
        self._used.update(state[0])
        self._new.update(state[1])

    def commit(self, prune: bool = False) -> None:
        """The build succeeded: store what it made, and hold its pages for the next build. With prune (a build
        of every edition), delete the entries it did not use, so that the folder holds one build's pages, not
        every build's since the code last changed."""
        from generator.outputs.write import _atomic_write

        made: set[str] = set()
        for key, data in self._new.items():
            _atomic_write(self.folder / key[:2] / key, data, made)
        if prune and self.folder.is_dir():
            for sub in os.scandir(self.folder):
                if sub.is_dir() and len(sub.name) == 2:
                    for entry in os.scandir(sub.path):
                        if entry.name not in self._used:
                            os.unlink(entry.path)
        self._held, self._used, self._new = self._used, {}, {}

    def discard(self) -> None:
        """The build failed: forget what it made."""
        self._used, self._new = {}, {}
