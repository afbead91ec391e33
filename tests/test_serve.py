"""make serve (generator/site/serve.py): the preview says where the search and the PDF are (the built site,
`make site`) instead of offering a search box with no index and links to PDFs it does not make."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from generator.site.serve import PREVIEW_PDF, preview_files, serve_config
from generator.site.site import CONFIGS

BIN = Path(sys.executable).parent
NOTES = {"zh": ("搜索在构建后的网站中：make site", "PDF 在构建后的网站中：make site"),
         "en": ("Search is in the built site: make site", "The PDF is in the built site: make site")}


def test_chart_pages_show_a_note_instead_of_the_pdf_link_in_preview(generated):
    pages = {rel: data for rel, data in generated.items() if rel.endswith(".html") and "charts/" in rel}
    assert pages and all(b'class="bf-pdf-link"' in data for data in pages.values())
    shown = preview_files(generated)
    for rel in pages:
        lang = "en" if rel.startswith("en/") else "zh"
        assert b"bf-pdf-link" not in shown[rel] and PREVIEW_PDF[lang].encode() in shown[rel], rel
    assert {k: v for k, v in shown.items() if k not in pages} == {k: v for k, v in generated.items() if k not in pages}


def test_served_pages_show_notes_in_place_of_the_search_box_and_the_pdf_link(built, tmp_path):
    """The zh and en editions built with the configs `make serve` gives MkDocs."""
    for lang, config in CONFIGS.items():
        text = serve_config(config, built.content).read_text(encoding="utf-8")
        assert re.search(r"(?m)^extra:\n  preview: true$", text)
        site = tmp_path / lang
        cfg = tmp_path / f"{lang}.yml"
        cfg.write_text(re.sub(r"(?m)^site_dir: .*$", f"site_dir: {site}", text), encoding="utf-8")
        subprocess.run([str(BIN / "mkdocs"), "build", "--quiet", "--config-file", str(cfg)], check=True,
                       env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"}, capture_output=True)
        search_note, pdf_note = NOTES[lang]
        for rel in ("index.html", "platforms/jd-lingxi/index.html", "about/index.html"):
            page = (site / rel).read_text(encoding="utf-8")
            assert "bf-pdf-link" not in page and "bf-search__input" not in page and 'role="search"' not in page, rel
            assert f'role="note">{search_note}</p>' in page and f'role="note">{pdf_note}</p>' in page, rel
        # The built site keeps both: the search box and the link.
        built_page = (built.site / ("en/" if lang == "en" else "") / "index.html").read_text(encoding="utf-8")
        assert "bf-search__input" in built_page and "bf-pdf-link" in built_page and search_note not in built_page


def _free_port() -> int:
    import socket

    for port in range(18400, 18600, 2):
        with socket.socket() as a, socket.socket() as b:
            try:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port
    raise RuntimeError("no two free ports")


def _wait_for(fetch, url: str, text: str, seconds: float = 240) -> str:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if text in page:
            return page
        time.sleep(0.2)
    raise AssertionError(f"{url} never held {text!r}")


def test_make_serve_shows_an_edit_then_the_whole_site_then_a_data_error_in_both_editions(tmp_path):
    """`python -m generator serve` on synthetic data: an edited description reaches the served page of both
    editions and then the downloads (made by the whole regeneration after the page); a hand-written page's
    edit is served; a data error reaches the banner's status file with file:line, and the page stays."""
    import json
    import os
    import shutil
    import urllib.request

    from generator.dev import synth

    def fetch(url: str) -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read().decode("utf-8", "replace")
        except OSError:
            return ""

    data, content = tmp_path / "data", tmp_path / "content"
    synth.write_synth(data, 60, platforms=3, seed=2)
    (content / "en").mkdir(parents=True)
    for name in ("about.md", "en/about.md"):
        shutil.copy2(Path(__file__).resolve().parents[1] / "content" / name, content / name)
    port = _free_port()
    zh, en = f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port + 1}/en/"
    page = "collectibles/synth-collectible-00042/"
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--data", str(data), "--out", str(content),
                             "--port", str(port)], cwd=Path(__file__).resolve().parents[1],
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        _wait_for(fetch, zh + page, "合成藏品 00042")
        _wait_for(fetch, en + page, "Synthetic collectible 00042")
        yaml_file = data / "collectibles.yaml"
        text = yaml_file.read_text(encoding="utf-8")
        yaml_file.write_text(text.replace("合成藏品 00042 是一件", "合成藏品 00042 是一件（编辑甲）", 1)
                             .replace("00042 is an invented", "00042 is an edited, invented", 1),
                             encoding="utf-8")
        _wait_for(fetch, zh + page, "编辑甲")
        _wait_for(fetch, en + page, "is an edited, invented")
        _wait_for(fetch, zh + "assets/generated/data/collectibles.csv", "编辑甲")  # the whole regeneration's
        about = content / "about.md"
        about.write_text(about.read_text(encoding="utf-8") + "\n手写页面的修改。\n", encoding="utf-8")
        _wait_for(fetch, zh + "about/", "手写页面的修改")
        text = yaml_file.read_text(encoding="utf-8")
        yaml_file.write_text(text.replace("price: {value: ", "price: {value: -", 1), encoding="utf-8")
        status = _wait_for(fetch, en + "assets/generated/serve-status.json", "collectibles.yaml:")
        assert any("price" in p for p in json.loads(status)["problems"])
        assert "编辑甲" in fetch(zh + page)  # the last good page stays
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_preview_renders_just_the_listed_pages_as_a_build_renders_them(built, tmp_path):
    """After an edit, the generator lists the pages it wrote first (PAGES in the signal folder): each edition's
    preview renders those pages and writes nothing else, and each page is what a build of the edited content
    makes. A listed page that the last build did not know is built by a dirty build."""
    import os
    import shutil
    import time

    from generator.site.serve import PAGES, PREFIX, WRITTEN, _Preview

    content = tmp_path / "content"
    shutil.copytree(built.content, content)
    signal = tmp_path / "signal"
    signal.mkdir()
    (signal / WRITTEN).write_text("0", encoding="utf-8")
    edited = {"zh": "collectibles/index.md", "en": "en/platforms/jd-lingxi/index.md"}
    url = "http://127.0.0.1:8000/"
    for lang, config in CONFIGS.items():
        cfg = str(serve_config(config, content))
        site = tmp_path / f"site-{lang}"
        preview = _Preview(cfg, str(site), url + PREFIX[lang], PREFIX[lang], str(signal))
        preview.build()
        before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
        page = content / edited[lang]
        page.write_text(page.read_text(encoding="utf-8") + "\n编辑后的一段 edited paragraph.\n", encoding="utf-8")
        time.sleep(0.01)
        (signal / PAGES).write_text(f'["{edited[lang]}", "{edited["en" if lang == "zh" else "zh"]}"]', encoding="utf-8")
        preview.build()
        html = site / edited[lang].removeprefix(PREFIX[lang]).replace("index.md", "index.html")
        changed = {p for p, t in before.items() if p.stat().st_mtime_ns != t}
        assert changed == {html}, (lang, sorted(changed))
        fresh = tmp_path / f"fresh-{lang}"
        _Preview(cfg, str(fresh), url + PREFIX[lang], PREFIX[lang], str(signal)).build()
        assert "edited paragraph" in html.read_text(encoding="utf-8")
        assert html.read_bytes() == (fresh / html.relative_to(site)).read_bytes(), lang
        # A new page: not in the last build, so a dirty build adds it.
        new = content / PREFIX[lang] / "collectibles" / "preview-new-page.md"
        new.write_text("# 新页面 New page\n", encoding="utf-8")
        (signal / PAGES).write_text(f'["{PREFIX[lang]}collectibles/preview-new-page.md"]', encoding="utf-8")
        os.utime(signal / PAGES, ns=(time.time_ns() + 10**9,) * 2)
        preview.build()
        assert "New page" in (site / "collectibles" / "preview-new-page" / "index.html").read_text(encoding="utf-8")
