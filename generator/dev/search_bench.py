"""What a reader's search costs on a built site: bytes fetched and time until the first results show.

`make bench` calls measure_search() on each synthetic site it builds. A headless Debian chromium (Playwright)
opens each edition's home page with an empty cache, types a query into the search box, and counts every byte
the browser fetched from the moment the box is focused until the first result is on screen (Pagefind's
script, its WebAssembly, the entry and metadata files, the index chunks and fragments the query needs).
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import time
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("BRIEFING_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
# The targets at 10,000 collectibles.
TARGETS = {"first_result_kb": 500, "first_result_seconds": 1.0}


def bundle_sizes(site: Path) -> dict[str, dict[str, float]]:
    """Each edition's Pagefind bundle: its size on disk (MB) and number of files."""
    out = {}
    for edition, folder in (("zh", site), ("en", site / "en")):
        bundle = folder / "pagefind"
        files = [p for p in bundle.rglob("*") if p.is_file()] if bundle.exists() else []
        out[edition] = {"mb": round(sum(p.stat().st_size for p in files) / 1e6, 1), "files": len(files)}
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".json": "application/json", ".wasm": "application/wasm"}

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def measure_search(site: Path, queries: dict[str, list[str]]) -> list[dict[str, Any]]:
    """For each edition and query: bytes fetched and seconds from focusing the box to the first result.

    queries: edition ("zh", "en") -> queries, each typed on that edition's home page in a fresh browser
    context (nothing cached), as a reader opening the site and searching once.
    """
    from playwright.sync_api import sync_playwright

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{httpd.server_port}/"
    results = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
            for lang, qs in queries.items():
                for q in qs:
                    results.append(_one(browser, origin + ("en/" if lang == "en" else ""), lang, q))
            browser.close()
    finally:
        httpd.shutdown()
    return results


def _one(browser: Any, url: str, lang: str, query: str) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    fetched: list[Any] = []
    counting = [False]
    # Only note each request here: asking for its size in the handler holds up this script (Playwright's
    # synchronous API), which made the wait for the result seconds longer than the reader's.
    page.on("requestfinished", lambda request: fetched.append(request) if counting[0] else None)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)  # let the page's own scripts settle: only the search is counted
    # The moment the first result is in the page, taken by the page itself.
    started = page.evaluate("""() => {
        window.__bfFirst = null;
        const list = document.querySelector('.bf-search__results');
        new MutationObserver(() => {
          if (window.__bfFirst === null && list.querySelector('li')) window.__bfFirst = performance.now();
        }).observe(list, {childList: true});
        return performance.now(); }""")
    box = page.locator("input.bf-search__input")
    counting[0] = True
    box.click()
    box.fill(query)
    box.press("End")  # typed CJK sends no key events: fill, then a key, as the browser tests do
    page.locator(".bf-search__results > li").first.wait_for(timeout=30_000)
    seconds = (page.evaluate("() => window.__bfFirst") - started) / 1000
    counting[0] = False
    first = page.evaluate("() => new URL(document.querySelector('.bf-search__results a').href).pathname")
    sizes = [r.sizes() for r in fetched]
    context.close()
    return {"edition": lang, "query": query, "first_result": first, "seconds": round(seconds, 3),
            "kb": round(sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes) / 1024, 1),
            "requests": len(fetched)}


def report_lines(bundles: dict[str, dict[str, float]], measured: list[dict[str, Any]]) -> list[str]:
    """The figures as lines of the bench report."""
    lines = ["  search index     " + ", ".join(f"{k}: {v['mb']} MB in {v['files']} files (Pagefind)"
                                             for k, v in bundles.items())]
    for m in measured:
        lines.append(f"  search {m['edition']} {m['query']!r}: first result in {m['seconds']}s after "
                     f"{m['kb']} KB ({m['requests']} requests) -> {m['first_result']}")
    return lines


def meets_targets(measured: list[dict[str, Any]]) -> tuple[bool, str]:
    """Whether every search met the issue's targets, and the worst figures."""
    if not measured:
        return False, "not measured"
    kb = max(m["kb"] for m in measured)
    seconds = max(m["seconds"] for m in measured)
    ok = kb <= TARGETS["first_result_kb"] and seconds <= TARGETS["first_result_seconds"]
    return ok, (f"worst {kb} KB (target {TARGETS['first_result_kb']} KB), {seconds}s "
                f"(target {TARGETS['first_result_seconds']}s)")


def figures(site: Path, data: Path) -> dict[str, Any]:
    """The bench's search figures for a synthetic site built from data/: bundle sizes, then searches for a
    collectible in the middle of the catalogue by its name (and, on /en/, by its Chinese name)."""
    from generator.model.validate import load_dataset

    ds = load_dataset(Path(data))
    c = ds.collectibles[len(ds.collectibles) // 2]
    queries = {"zh": [c.name.zh, ds.platforms[0].name.zh], "en": [c.name.en, c.name.zh]}
    return {"bundles": bundle_sizes(site), "searches": measure_search(site, queries)}
