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
