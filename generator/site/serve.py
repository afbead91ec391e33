"""Preview both editions while editing: regenerate content/ when data/ or templates/ change, and let
`mkdocs serve --dirty` (one process per edition) rebuild only the pages whose files changed.

The generator writes only files whose bytes changed, so a dirty rebuild (MkDocs 1.6 skips reading and
rendering every page whose Markdown is older than its HTML) renders just those pages. A data error leaves
every page as it was and sets a status file that a small script on every page polls: it shows a banner
naming file:line until the data is good again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from generator.errors import BuildError
from generator.outputs.write import ClashError, WriteReport, _atomic_write, write_all
from generator.pages.cache import PageCache
from generator.site.site import CONFIGS, ROOT, config_for

STATUS = "assets/generated/serve-status.json"
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
        # Its preview reads a folder of links to content/'s entries but en/ instead, and watches content/.
        docs = ROOT / ".cache" / "serve-docs" / hashlib.sha256(str(content).encode()).hexdigest()[:12]
        shutil.rmtree(docs, ignore_errors=True)
        docs.mkdir(parents=True)
        for entry in Path(content).resolve().iterdir():
            if entry.name != "en":
                (docs / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
        text = re.sub(r"(?m)^docs_dir: .*$", f"docs_dir: {docs}\nwatch:\n  - {Path(content).resolve()}", text)
    out = ROOT / ".cache" / "configs" / f"{config.stem}.{hashlib.sha256(str(content).encode()).hexdigest()[:12]}.serve.yml"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def _mtimes(folders: list[Path]) -> dict[str, int]:
    out = {}
    for folder in folders:
        for dirpath, _dirs, names in os.walk(folder):
            for name in names:
                path = os.path.join(dirpath, name)
                try:
                    out[path] = os.stat(path).st_mtime_ns
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

    def run(self) -> tuple[list[str], WriteReport | None]:
        """(problems, what was written: None on a problem)."""
        from generator.model.validate import DataError, load_dataset
        from generator.pages.build import generate

        try:
            ds = load_dataset(self.data, self.display, reuse=self.reuse)
            files = generate(ds, static=self.static, cache=self.cache)
        except DataError as exc:
            return self._fail([str(p) for p in exc.problems])
        except BuildError as exc:
            return self._fail(str(exc).splitlines())
        if self.preview:
            files = preview_files(files)
        files.update(serve_files([]))
        try:
            report = write_all(self.content, files, known=self.known)
        except ClashError as exc:
            return self._fail([f"{self.content / rel}: a hand-written file is in the way" for rel in exc.args[0]])
        return [], report

    def _fail(self, problems: list[str]) -> tuple[list[str], None]:
        for rel, data in serve_files(problems).items():
            if rel.endswith(".json"):
                _atomic_write(self.content / rel, data)
                self.known.pop(rel, None)
        return problems, None


def serve(data: Path, content: Path, port: int = 8000, interval: float = 0.2) -> int:
    """Preview the Chinese edition on port and the English one on port + 1 until interrupted."""
    import signal

    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))  # stop the servers too
    regen = Regeneration(data, content, preview=True)
    problems, _ = regen.run()
    for line in problems:
        print(line, file=sys.stderr)
    from generator.outputs.edition import site_env

    env = site_env(dict(os.environ, NO_MKDOCS_2_WARNING="1"))  # the edition's date in the footer, as built
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    servers = []
    for i, (lang, config) in enumerate(CONFIGS.items()):
        cmd = [mkdocs, "serve", "--dirty", "-a", f"127.0.0.1:{port + i}", "--config-file", str(serve_config(config, content))]
        servers.append(subprocess.Popen(cmd, cwd=ROOT, env=env))
        print(f"{lang}: http://127.0.0.1:{port + i}/{PREFIX[lang]}", file=sys.stderr)
    watched = [Path(data), ROOT / "templates", ROOT / "locales"]
    seen = _mtimes(watched)
    try:
        while all(s.poll() is None for s in servers):
            time.sleep(interval)
            now = _mtimes(watched)
            if now == seen:
                continue
            seen = now
            started = time.perf_counter()
            problems, report = regen.run()
            for line in problems:
                print(line, file=sys.stderr)
            if report is not None:
                print(f"regenerated in {time.perf_counter() - started:.2f}s: {len(report.written)} files written",
                      file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        for s in servers:
            s.terminate()
        for s in servers:
            try:
                s.wait(timeout=10)
            except subprocess.TimeoutExpired:
                s.kill()
                s.wait()
    return 0
