"""Browser fixtures: the built site served on 127.0.0.1, one headless Debian chromium, recorded pages.

Every page a test opens records console errors, uncaught exceptions, failed requests, HTTP errors and any
request to a host other than the local server (those are aborted: the site must work offline). A test's
page fixture fails at teardown when anything was recorded, so every browser test also proves a clean run.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.pages.plan import plan
from generator.site.site import CONFIGS
from generator.model.validate import load_dataset

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("BRIEFING_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "tests" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 812}
RENDER_TIMEOUT = 2000  # ms: every chart is drawn within two seconds of the page opening
PREFIX = {"zh": "", "en": "en/"}

# --------------------------------------------------------------------------- the pages of the site


def editions() -> list[str]:
    """The editions the site build produces: one per MkDocs config that exists."""
    return [lang for lang, config in CONFIGS.items() if config.exists()]


def hand_written_urls() -> dict[str, list[str]]:
    """URLs of the hand-written pages (content/about.md -> about/), by edition."""
    import subprocess

    out = subprocess.run(["git", "ls-files", "content"], cwd=ROOT, capture_output=True, text=True, check=True)
    urls: dict[str, list[str]] = {lang: [] for lang in PREFIX}
    for line in out.stdout.splitlines():
        rel = Path(line).relative_to("content")
        if rel.suffix != ".md":
            continue
        lang = "en" if rel.parts[0] == "en" else "zh"
        rel = rel.relative_to("en") if lang == "en" else rel
        stem = rel.with_suffix("").as_posix()
        url = "" if stem == "index" else (stem[: -len("/index")] + "/" if stem.endswith("/index") else stem + "/")
        urls[lang].append(url)
    return urls


@dataclass(frozen=True)
class SitePage:
    """One page of the built site: its edition, URL path under the server root and kind."""

    lang: str
    path: str      # e.g. "en/platforms/jd-lingxi/" ("" is the Chinese home)
    kind: str      # home, platform, collectible, partner, catalogue, comparisons, ...

    @property
    def id(self) -> str:
        return f"{self.lang}:/{self.path}"


def site_pages() -> list[SitePage]:
    """Every page of every edition, derived from the page plan (the same plan the generator writes)."""
    ds = load_dataset(ROOT / "data")
    hand = hand_written_urls()
    pages = []
    for lang in editions():
        for p in plan(ds):
            kind = p.title_key.split(":")[0].split("-")[0]
            pages.append(SitePage(lang, PREFIX[lang] + p.url, kind))
        for url in hand[lang]:
            pages.append(SitePage(lang, PREFIX[lang] + url, url.strip("/") or "home"))
    return pages


PAGES = site_pages()


def pages_of_kind(kind: str) -> list[SitePage]:
    return [p for p in PAGES if p.kind == kind]


def first_of_each_kind() -> list[SitePage]:
    seen: dict[tuple[str, str], SitePage] = {}
    for p in PAGES:
        seen.setdefault((p.lang, p.kind), p)
    return list(seen.values())


# --------------------------------------------------------------------------- server and browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".json": "application/json",
                      ".js": "text/javascript", ".svg": "image/svg+xml", ".csv": "text/csv"}

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser left before the response was sent (a request it cancelled)


@pytest.fixture(scope="session")
def site_dir(built) -> Path:
    return built.site


@pytest.fixture(scope="session")
def server(built, site_socket):
    """The built site at its own URL, http://127.0.0.1:<free port>/ (a small threaded http.server)."""
    handler = functools.partial(_QuietHandler, directory=str(built.site))
    httpd = http.server.ThreadingHTTPServer(site_socket.getsockname(), handler, bind_and_activate=False)
    httpd.socket.close()
    httpd.socket = site_socket  # bound and listening since before the build, which named its port
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    yield built.url
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium)"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@dataclass
class Recorder:
    """What went wrong on a page: console errors, exceptions, failed requests, offsite requests."""

    origin: str
    problems: list[str] = field(default_factory=list)

    def attach(self, context, page) -> None:
        # A regular expression is matched by Playwright's driver: requests to the site are never held up here.
        context.route(re.compile("^(?!" + re.escape(self.origin) + "|data:|blob:)"), self._offsite)
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text} ({m.location.get('url', '')})")
                if m.type in ("error", "assert") else None)
        page.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def _offsite(self, route) -> None:
        self.problems.append(f"request to another host: {route.request.url}")
        route.abort()

    def _failed(self, request) -> None:
        if not request.url.startswith(self.origin):
            return  # recorded as a request to another host
        if request.failure == "net::ERR_ABORTED":
            return  # cancelled by the browser: the page moved on, an element was replaced, a download began
        self.problems.append(f"request failed ({request.failure}): {request.url}")

    def take(self) -> list[str]:
        """The problems recorded so far, clearing the list."""
        out, self.problems = self.problems, []
        return out


class Tab:
    """A page with its recorder and the helpers every browser test uses."""

    def __init__(self, context, origin: str):
        self.context, self.origin = context, origin
        self.page = context.new_page()
        self.rec = Recorder(origin)
        self.rec.attach(context, self.page)

    def open(self, path: str, wait_charts: bool = True) -> None:
        """Load a page fully (not by instant navigation) and wait for its charts."""
        self.page.goto(self.origin + path, wait_until="domcontentloaded")
        if wait_charts:
            wait_for_charts(self.page)

    def url(self, path: str) -> str:
        return self.origin + path


def wait_for_charts(page, theme: str | None = None, ids: list[str] | None = None) -> None:
    """Wait (at most two seconds) until every chart figure holds a drawn Vega view (in a theme; these figures)."""
    page.wait_for_function(
        """([theme, ids]) => {
             const figs = Array.from(document.querySelectorAll('figure.bf-chart'));
             return (!ids || JSON.stringify(figs.map(f => f.id)) === JSON.stringify(ids)) && figs.every(f =>
               f.querySelector('.bf-chart-view svg.marks, .bf-chart-view canvas.marks') &&
               (!theme || f.getAttribute('data-theme') === theme));
           }""",
        arg=[theme, ids], timeout=RENDER_TIMEOUT)


def _context(browser, viewport=DESKTOP, scheme: str = "light", **options):
    context = browser.new_context(viewport=viewport, color_scheme=scheme, locale="zh-CN", **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture(scope="session")
def shared_tabs(browser, server):
    """One long-lived tab per viewport (warm cache, like a reader browsing): for tests that change no state."""
    tabs: dict[str, Tab] = {}

    def get(name: str, viewport: dict) -> Tab:
        if name not in tabs:
            tabs[name] = Tab(_context(browser, viewport), server)
        return tabs[name]

    yield get
    for t in tabs.values():
        t.context.close()


def _settle(tabs: list[Tab]) -> None:
    problems = [p for t in tabs for p in t.rec.take()]
    assert not problems, "the browser recorded problems:\n" + "\n".join(problems)


def _recorded(shared_tabs, name: str, viewport) -> Tab:
    """A shared tab, its earlier records dropped; the test fails if the browser records a problem during it."""
    t = shared_tabs(name, viewport)
    t.rec.take()
    yield t
    _settle([t])


@pytest.fixture
def desktop(shared_tabs) -> Tab:
    """The shared desktop tab (1280 px, light palette)."""
    yield from _recorded(shared_tabs, "desktop", DESKTOP)


@pytest.fixture
def mobile(shared_tabs) -> Tab:
    """The shared mobile tab (375 px, light palette)."""
    yield from _recorded(shared_tabs, "mobile", MOBILE)


@pytest.fixture
def new_tab(browser, server):
    """A factory of recorded tabs, each in a browser context of its own (palette, JavaScript, downloads)."""
    tabs: list[Tab] = []

    def make(viewport=DESKTOP, scheme: str = "light", **options) -> Tab:
        t = Tab(_context(browser, viewport, scheme, **options), server)
        tabs.append(t)
        return t

    yield make
    try:
        _settle(tabs)
    finally:
        for t in tabs:
            t.context.close()


# --------------------------------------------------------------------------- page helpers

CHART_GEOMETRY = """() => {
  const art = document.querySelector('article.md-content__inner');
  const cs = getComputedStyle(art);
  const column = art.getBoundingClientRect();
  const left = column.left + parseFloat(cs.paddingLeft), right = column.right - parseFloat(cs.paddingRight);
  return Array.from(document.querySelectorAll('figure.bf-chart')).map(f => {
    const view = f.querySelector('.bf-chart-view svg.marks, .bf-chart-view canvas.marks');
    const r = view ? view.getBoundingClientRect() : null;
    // Text the chart draws outside its own box is cut off (axis labels, legends, titles running off).
    const cut = !r ? [] : Array.from(view.querySelectorAll('text')).filter(t => {
      const b = t.getBoundingClientRect();
      return b.width > 0 && (b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 || b.bottom > r.bottom + 1);
    }).map(t => t.textContent);
    return {id: f.id, column: [left, right], chart: r ? [r.left, r.right, r.height] : null, cut};
  });
}"""


def chart_geometry(page) -> list[dict]:
    return page.evaluate(CHART_GEOMETRY)


def toggle_palette(page) -> None:
    """Click Material's palette toggle (the visible one of its two buttons)."""
    page.locator("form[data-md-component=palette] label.md-header__button:not([hidden])").click()


def scheme(page) -> str:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")
