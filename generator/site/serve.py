"""Preview both editions while editing: regenerate content/ when data/ or templates/ change, and let MkDocs'
live-reload server (one process per edition, edition_server) rebuild only the pages whose files changed.
The edited records' own pages are written first, the whole regeneration after them (Regeneration.first/rest).

The generator writes only files whose bytes changed, so a dirty rebuild (MkDocs 1.6 skips reading and
rendering every page whose Markdown is older than its HTML) renders just those pages. A data error leaves
every page as it was and sets a status file that a small script on every page polls: it shows a banner
naming file:line until the data is good again.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from generator.errors import BuildError
from generator.load.read import gc_paused
from generator.outputs.write import ClashError, WriteReport, _atomic_write, _write_files, write_all
from generator.pages.cache import PageCache
from generator.site.site import CONFIGS, ROOT, config_for

STATUS = "assets/generated/serve-status.json"
WRITTEN, PAGES = "written", "pages.json"  # in the signal folder: the generator wrote files; it wrote just these pages
SCRIPT = "assets/generated/js/serve.js"
PREFIX = {"zh": "", "en": "en/"}

# Polls the status file beside this script; shows the problems as a banner on top of the page.
_JS = """(function () {
  var src = document.currentScript && document.currentScript.src;
  if (!src) return;
  var url = src.replace(/js\\/serve\\.js.*$/, "serve-status.json");
  function show(problems) {
    var box = document.getElementById("bf-serve-error");
    if (!problems.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "bf-serve-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:10000;background:#b00020;color:#fff;" +
        "font:14px/1.4 monospace;padding:8px 12px;white-space:pre-wrap;max-height:40vh;overflow:auto";
      document.body.appendChild(box);
    }
    box.textContent = "data/ has problems (the pages show the last good data):\\n" + problems.join("\\n");
  }
  function poll() {
    fetch(url + "?t=" + Date.now(), {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (s) { show(s.problems || []); }).catch(function () {});
  }
  poll();
  setInterval(poll, 1000);
})();
"""


def serve_files(problems: list[str]) -> dict[str, bytes]:
    """The banner script and the status file, for both editions."""
    status = json.dumps({"problems": problems}, ensure_ascii=False).encode("utf-8")
    out = {}
    for prefix in PREFIX.values():
        out[prefix + SCRIPT] = _JS.encode("utf-8")
        out[prefix + STATUS] = status
    return out


PDF_LINK = re.compile(rb'<a href="(?:\.\./)*briefing-(zh|en)\.pdf" class="bf-pdf-link" download>[^<]*</a>')
PREVIEW_PDF = {"zh": "PDF 在构建后的网站中：make site", "en": "The PDF is in the built site: make site"}


def preview_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """The generated files as the preview shows them: a chart page's PDF link, which would point at a file only
    `make site` makes, becomes a note saying so (as the theme's page actions do under extra.preview)."""
    def note(m: re.Match) -> bytes:
        return f'<span class="bf-pdf-preview" role="note">{PREVIEW_PDF[m.group(1).decode()]}</span>'.encode("utf-8")

    return {rel: PDF_LINK.sub(note, data) if rel.endswith(".html") and "/charts/" in f"/{rel}" else data
            for rel, data in files.items()}


def serve_config(config: Path, content: Path) -> Path:
    """The edition's config for this content folder, with the banner script added (under .cache/configs/)."""
    text = config_for(config, content, ROOT / ".cache" / "serve-site").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^strict: true$", "strict: false", text)  # MkDocs warns of every dirty build
    text = re.sub(r"(?m)^extra_javascript:\n", f"extra_javascript:\n  - {SCRIPT}\n", text, count=1)
    # The theme shows notes where the built site has its search box and PDF link (overrides/partials/).
    text, found = re.subn(r"(?m)^extra:\n", "extra:\n  preview: true\n", text, count=1)
    assert found, f"{config}: no extra: block"
    text = re.sub(r"(?m)^docs_dir: (?!/)(.*)$", lambda m: f"docs_dir: {ROOT / m.group(1)}", text)
    text = re.sub(r"(?m)^site_dir: (?!/)(.*)$", lambda m: f"site_dir: {ROOT / m.group(1)}", text)
    text = re.sub(r"(?m)^(\s*-\s*|\s*\w+: )content/", lambda m: f"{m.group(1)}{Path(content).resolve()}/", text)
    if config.name == "mkdocs.yml":
        # The Chinese edition's docs_dir is content/, which holds the English edition too: MkDocs walks and
        # files all of it on every dirty rebuild (half its time at 10,000 collectibles) before excluding en/.
        # Its preview reads a folder of links to content/'s entries but en/ instead.
        docs = ROOT / ".cache" / "serve-docs" / hashlib.sha256(str(content).encode()).hexdigest()[:12]
        shutil.rmtree(docs, ignore_errors=True)
        docs.mkdir(parents=True)
        for entry in Path(content).resolve().iterdir():
            if entry.name != "en":
                (docs / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
        text = re.sub(r"(?m)^docs_dir: .*$", f"docs_dir: {docs}", text)
    out = ROOT / ".cache" / "configs" / f"{config.stem}.{hashlib.sha256(str(content).encode()).hexdigest()[:12]}.serve.yml"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def _mtimes(folders: list[Path]) -> dict[str, tuple[int, int]]:
    out = {}
    for folder in folders:
        for dirpath, _dirs, names in os.walk(folder):
            for name in names:
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                    out[path] = (st.st_mtime_ns, st.st_size)  # a file being written may keep its mtime a while
                except OSError:
                    pass
    return out


class Regeneration:
    """Regenerate content/ from data/: on success every changed file is written and the banner cleared; on a
    data error only the status files change (the last good pages stay)."""

    def __init__(self, data: Path, content: Path, display: str = "data", static: bool = True, preview: bool = False):
        self.data, self.content, self.display, self.static = Path(data), Path(content), display, static
        self.preview = preview  # chart pages with a note for their PDF link (preview_files), as `make serve` shows them
        self.known: dict[str, Any] = {}  # what write_all wrote or found last time, so it need not read it again
        self.cache = PageCache()  # pages whose inputs did not change are not rendered again (pages/cache.py)
        from generator.model.validate import Reuse

        self.reuse = Reuse()  # records whose text did not change are not parsed again (model/validate.py)
        self.digests: dict = {}  # each record's digest at the last load (pages/cache.py)
        self.write_started: Any = lambda: None  # called before rest() writes (see _Background)
        self.first_pages: list[str] = []  # what the last first() wrote

    def run(self, data_only: bool = False) -> tuple[list[str], WriteReport | None]:
        """(problems, what was written: None on a problem): first() and then rest()."""
        problems, ds = self.first(data_only)
        return (problems, None) if ds is None else self.rest(ds)

    def first(self, data_only: bool = False) -> tuple[list[str], Any]:
        """Load data/ and, when only data/ changed since the last run (data_only), write the pages that print
        just the edited records (pages_printing): what an editor looks at, shown before the pages that
        aggregate the dataset, the charts and the downloads are made. (problems, the dataset or None)."""
        from generator.model.validate import DataError, load_dataset
        from generator.pages.build import pages_printing
        from generator.pages.cache import record_digests

        self.first_pages = []
        try:
            with gc_paused():  # the collector's scans of every live object (a gigabyte at 10,000 collectibles)
                ds = load_dataset(self.data, self.display, reuse=self.reuse)
        except DataError as exc:
            return self._fail([str(p) for p in exc.problems])[0], None
        digests = record_digests(ds)
        changed = {key for key in digests.keys() | self.digests.keys()
                   if key is not None and key[1] is not None and digests.get(key) != self.digests.get(key)}
        if data_only and changed and changed <= self.digests.keys() & digests.keys():
            with gc_paused():
                first = pages_printing(ds, changed, compiled=self.cache.compiled)
            if self.preview:
                first = preview_files(first)
            # Only files written before (the rest may be a hand-written page in the way: rest() says so).
            self.first_pages = sorted(rel for rel in first if rel in self.known)
            _write_files(self.content, first, self.first_pages, self.known)
        self.digests = digests
        return [], ds

    def rest(self, ds: Any) -> tuple[list[str], WriteReport | None]:
        """Generate everything from the dataset and write what changed; (problems, what was written)."""
        from generator.pages.build import generate

        try:
            files = generate(ds, static=self.static, cache=self.cache)
        except BuildError as exc:
            return self._fail(str(exc).splitlines())
        if self.preview:
            files = preview_files(files)
        files.update(serve_files([]))
        self.write_started()
        try:
            report = write_all(self.content, files, known=self.known)
        except ClashError as exc:
            return self._fail([f"{self.content / rel}: a hand-written file is in the way" for rel in exc.args[0]])
        return [], report

    def _fail(self, problems: list[str]) -> tuple[list[str], None]:
        self.write_started()
        for rel, data in serve_files(problems).items():
            if rel.endswith(".json"):
                _atomic_write(self.content / rel, data)
                self.known.pop(rel, None)
        return problems, None


class _Preview:
    """One edition's builds for the preview. A full build, then dirty builds (MkDocs 1.6 renders only the pages
    whose Markdown is newer than their HTML, but still files, navigates and templates the whole site: 1.3 s at
    10,000 collectibles). When the generator has written only pages that the last build knew (`PAGES` lists
    them), those pages are rendered alone with the last build's files, navigation and theme, as its dirty build
    would have rendered them; anything else (the whole regeneration, a hand-written page, overrides/) gets a
    dirty build."""

    def __init__(self, config_file: str, site_dir: str, url: str, prefix: str, signal_dir: str) -> None:
        self.config_file, self.site_dir, self.url, self.prefix = config_file, site_dir, url, prefix
        self.signal_dir = Path(signal_dir)
        self.state: tuple | None = None  # (config, files, nav, env) of the last build
        self.nav: Any = None
        self.kept: tuple = ()
        self.seen = (self._stamp(WRITTEN), self._stamp(PAGES))

    def _stamp(self, name: str) -> int:
        try:
            return (self.signal_dir / name).stat().st_mtime_ns
        except OSError:
            return 0

    def build(self) -> None:
        written, pages = self._stamp(WRITTEN), self._stamp(PAGES)
        quick = self.state is not None and written == self.seen[0] and pages != self.seen[1]
        self.seen = (written, pages)
        if not (quick and self._pages()):
            self._dirty()

    def _dirty(self) -> None:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.plugins import BasePlugin

        preview = self

        class Keep(BasePlugin):  # the build's files, navigation and theme, for _pages()
            def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
                preview.nav = nav
                return nav

            def on_env(self, env: Any, config: Any, files: Any) -> Any:
                preview.kept = (config, files, env)
                return env

        config = load_config(config_file=self.config_file, site_dir=self.site_dir)
        config.site_url = self.url
        config.plugins["briefing-preview"] = Keep()
        self.state = None
        build(config, serve_url=self.url, dirty=True)
        config, files, env = self.kept
        self.state = (config, files, self.nav, env)
        for file in files.documentation_pages():
            if file.page is not None:  # kept for the next pages' navigation, not their text
                file.page.content = file.page.markdown = None

    def _pages(self) -> bool:
        """Render the pages listed in PAGES alone; False when one of them is not a page of the last build."""
        from mkdocs.commands.build import _build_page, _populate_page
        from mkdocs.structure.files import InclusionLevel

        config, files, nav, env = self.state
        try:
            listed = json.loads((self.signal_dir / PAGES).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        mine = [rel[len(self.prefix):] for rel in listed if rel.startswith(self.prefix)
                and not any(p and p != self.prefix and rel.startswith(p) for p in PREFIX.values())]
        found = [files.get_file_from_path(uri) for uri in mine]
        if not all(f is not None and f.page is not None and f.is_documentation_page() for f in found):
            return False
        started = time.perf_counter()
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        for file in found:
            _populate_page(file.page, config, files)
            _build_page(file.page, config, doc_files, nav, env)
            file.page.content = file.page.markdown = None
        logging.getLogger("mkdocs").info(f"{len(found)} pages rendered in {time.perf_counter() - started:.2f} seconds")
        return True


def edition_server(config_file: str, host: str, port: int, signal: str, prefix: str = "") -> None:
    """One edition's preview: MkDocs' live-reload server and dirty builds, as `mkdocs serve --dirty` has them,
    but rebuilding when the generator signals after writing an edit's files rather than when MkDocs'
    observer sees them: that observer polls every file of content/ twice a second (21,000 at 10,000
    collectibles, a core's worth of work for both servers) and rebuilt as each batch of files arrived. The
    generator's first files for an edit, the edited records' pages, are rendered alone (_Preview)."""
    import tempfile
    from urllib.parse import urlsplit

    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer, _serve_url

    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    logging.getLogger("mkdocs.livereload").setLevel(logging.WARNING)  # a line per request otherwise
    site_dir = tempfile.mkdtemp(prefix="mkdocs_")
    config = load_config(config_file=config_file, site_dir=site_dir)
    url = _serve_url(host, port, urlsplit(config.site_url or "/").path)
    preview = _Preview(config_file, site_dir, url, prefix, signal)
    server = LiveReloadServer(builder=preview.build, host=host, port=port, root=site_dir,
                              mount_path=urlsplit(url).path, polling_interval=0.1)
    server.build_delay = 0.01  # the generator signals once per batch of files: no need to wait for more

    def error_page(code: int) -> bytes | None:
        page = Path(site_dir) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = error_page
    try:
        preview.build()
        gc.collect()
        gc.freeze()  # what the first build left alive is not scanned again by each rebuild's collections
        for path in (signal, config_file, ROOT / "overrides"):
            server.watch(str(path))
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)


def _hand_written(content: Path) -> list[Path]:
    """The pages in content/ that the generator did not write (about.md, ...)."""
    from generator.outputs.write import _is_ours, read_manifest

    manifest = read_manifest(content)
    return [p for p in content.rglob("*.md") if not _is_ours(p, p.relative_to(content).as_posix(), manifest)]


class _Background:
    """rest() of a regeneration in a child process (at a lower priority than the servers, which rebuild the
    edited pages meanwhile), so that a new edit is seen at once: the child is stopped unless it is writing."""

    def __init__(self, regen: Regeneration, ds: Any, signal: Path) -> None:
        read, write = os.pipe()
        self.pid, self.pipe = os.fork(), read
        if self.pid == 0:  # the child
            os.close(read)
            os.nice(10)
            code = 0
            try:
                started = time.perf_counter()
                regen.write_started = lambda: os.write(write, b"w")
                problems, report = regen.rest(ds)
                for line in problems:
                    print(line, file=sys.stderr)
                if report is not None:
                    print(f"regenerated in {time.perf_counter() - started:.2f}s: {len(report.written)} files "
                          "written", file=sys.stderr)
                _touch(signal)
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                sys.stderr.flush()
                os._exit(code)
        os.close(write)
        os.set_blocking(read, False)

    def running(self) -> bool:
        pid, _status = os.waitpid(self.pid, os.WNOHANG)
        if pid:
            os.close(self.pipe)
        return not pid

    def stop(self) -> None:
        """Wait for a child that is writing; stop one that is not."""
        try:
            writing = bool(os.read(self.pipe, 1))
        except BlockingIOError:
            writing = False
        if not writing:
            os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        os.close(self.pipe)


def _touch(path: Path) -> None:
    path.write_text(str(time.time_ns()), encoding="utf-8")


def serve(data: Path, content: Path, port: int = 8000, interval: float = 0.1) -> int:
    """Preview the Chinese edition on port and the English one on port + 1 until interrupted."""
    import signal as signals

    signals.signal(signals.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))  # stop the servers too
    regen = Regeneration(data, content, preview=True)
    problems, _ = regen.run()
    for line in problems:
        print(line, file=sys.stderr)
    from generator.outputs.edition import site_env

    env = site_env(dict(os.environ, NO_MKDOCS_2_WARNING="1"))  # the edition's date in the footer, as built
    signal_dir = ROOT / ".cache" / "serve-signal" / hashlib.sha256(str(Path(content).resolve()).encode()).hexdigest()[:12]
    signal_dir.mkdir(parents=True, exist_ok=True)
    signal = signal_dir / WRITTEN
    _touch(signal)
    servers = []
    for i, (lang, config) in enumerate(CONFIGS.items()):
        cmd = [sys.executable, "-c", "import sys; from generator.site.serve import edition_server; "
               "edition_server(sys.argv[1], '127.0.0.1', int(sys.argv[2]), sys.argv[3], sys.argv[4])",
               str(serve_config(config, content)), str(port + i), str(signal_dir), PREFIX[lang]]
        servers.append(subprocess.Popen(cmd, cwd=ROOT, env=env))
        print(f"{lang}: http://127.0.0.1:{port + i}/{PREFIX[lang]}", file=sys.stderr)
    watched = [Path(data), ROOT / "templates", ROOT / "locales"]
    data_dir = os.path.join(str(Path(data)), "")
    pages = _hand_written(Path(content))  # edited while serving: the servers rebuild, nothing is generated
    seen, seen_pages = _mtimes(watched), _stamps(pages)
    background: _Background | None = None
    # The collector runs when nothing else does: a collection scans every live object (a gigabyte at 10,000
    # collectibles, over a second), and one falling inside an edit's first pages delayed them by as much.
    gc.disable()
    collect_at: float | None = None
    try:
        while all(s.poll() is None for s in servers):
            time.sleep(interval)
            if background is not None and not background.running():
                background = None
            if collect_at is not None and background is None and time.monotonic() > collect_at:
                gc.collect()
                collect_at = None
            if _stamps(pages) != seen_pages:
                seen_pages = _stamps(pages)
                _touch(signal)
            now = _mtimes(watched)
            if now == seen:
                continue
            if background is not None:
                background.stop()
                background = None
            while True:  # a file still being written (truncated, then filled): wait until it stays as it is
                time.sleep(0.1)
                if (again := _mtimes(watched)) == now:
                    break
                now = again
            data_only = all(path.startswith(data_dir) for path in now.keys() | seen.keys() if now.get(path) != seen.get(path))
            seen = now
            problems, ds = regen.first(data_only)
            collect_at = time.monotonic() + 2
            if problems:
                _touch(signal)  # the banner's status file
            elif regen.first_pages:  # the servers render these pages alone
                _atomic_write(signal_dir / PAGES, json.dumps(regen.first_pages).encode("utf-8"))
            for line in problems:
                print(line, file=sys.stderr)
            if ds is not None:
                background = _Background(regen, ds, signal)
    except KeyboardInterrupt:
        pass
    finally:
        if background is not None:
            background.stop()
        for s in servers:
            s.terminate()
        for s in servers:
            try:
                s.wait(timeout=10)
            except subprocess.TimeoutExpired:
                s.kill()
                s.wait()
    return 0


def _stamps(paths: list[Path]) -> list[int]:
    return [p.stat().st_mtime_ns if p.exists() else 0 for p in paths]
