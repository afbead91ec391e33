"""Search: marks on each generated page for Pagefind, and the Pagefind index of each built edition.

Pagefind (the extended binary, which segments Chinese) reads the built HTML after the site builder is done,
so the same step serves MkDocs and Zensical. Each edition gets its own bundle: site/pagefind/ holds the
Chinese pages only, site/en/pagefind/ the English ones. The reader's browser fetches the bundle's small
entry files and then only the index chunks its query needs (templates/assets/search.js).
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

# Only the article is indexed: not the header, the navigation or the footer (both builders name it so).
ROOT_SELECTOR = "article.md-content__inner"
BUNDLE = "pagefind"
# Not words of the page: heading permalinks (¶), citation numbers ([1]), the address and date printed pages show.
EXCLUDE = ".headerlink, .bf-cite, .bf-print-meta"
# Top-level entries of an edition's folder that hold no page to find.
NOT_INDEXED = {BUNDLE, "en", "assets", "404.html", "search"}
KIND_OF_PAGE = {"platform": "platform", "collectible": "collectible", "partner": "partner", "timeline": "event"}
# How much more a word in a page's own name counts than one in its text (Pagefind's default is 1; h1 is 7).
NAME_WEIGHT = 10
NAME_SEP = " | "
FENCE = ("⟦", "⟧")  # around the hidden names (templates/assets/search.js removes them from excerpts)


CJK = re.compile(r"([\u3400-\u9fff\uf900-\ufaff])")


def spaced(name: str) -> str:
    """The name with a space either side of each Chinese character (京东云 -> 京 东 云); other words kept."""
    return " ".join(CJK.sub(r" \1 ", name).split())


def fenced(words: str) -> str:
    """Indexed words between the fences that search.js cuts out of Pagefind's excerpts (the excerpt is taken
    from the page's indexed text, hidden names included: "京东. 京东 京 东 JD.com")."""
    return f"{FENCE[0]} {html.escape(words)} {FENCE[1]}"


def page_kind(title_key: str) -> str:
    """The search kind of a page from its plan key: platform, collectible, partner, event or page."""
    return KIND_OF_PAGE.get(title_key.split(":")[0].split("-")[0], "page")


def page_marks(title_key: str, lang: str, idx: dict[str, Any]) -> str:
    """The HTML block that tells Pagefind a page's kind, its platforms and its name in both languages.

    Filters and metadata are attributes of an empty element (Pagefind reads them; nothing shows). On an
    page the record's name in the other language is indexed too, so that a reader who knows only 灵稀 finds
    Lingxi on the English edition, and one who knows only Lingxi finds 灵稀 on the Chinese one.
    """
    kind = page_kind(title_key)
    record = None
    platforms: list[Any] = []
    if ":" in title_key:
        rid = title_key.split(":", 1)[1]
        record = idx[f"{kind}s"].get(rid)
        if kind == "platform":
            platforms = [record]
        elif kind == "collectible":
            platforms = [idx["platforms"][record.platform]]
        elif kind == "partner":
            platforms = [idx["platforms"][link.platform] for link in record.platforms if link.platform in idx["platforms"]]
    attr = lambda s: html.escape(s, quote=True)  # noqa: E731
    parts = [f'<span data-pagefind-filter="kind[data-v]" data-pagefind-meta="kind[data-v]" data-v="{kind}"></span>']
    parts += [f'<span data-pagefind-filter="platform[data-v]" data-v="{attr(name)}"></span>'
              for name in dict.fromkeys(getattr(p.name, lang) for p in platforms)]
    if record is not None:
        other = record.name.zh if lang != "zh" else record.name.en  # 灵稀 on /en/ finds Lingxi; Lingxi on / too
        names = [getattr(record.name, lang)] + ([other] if other else [])
        names = list(dict.fromkeys(n for n in names if n))
        # The names as metadata: search.js puts a result named exactly as the query first (京东 is the partner
        # 京东 before 京东云 and 京东图书).
        parts.append(f'<span data-pagefind-meta="names[data-v]" data-v="{attr(NAME_SEP.join(names))}"></span>')
        # The names as words of the page, weighted, whole and one Chinese character a word: Pagefind's
        # segmenter and the browser's (Intl.Segmenter, on the query) cut a rare name such as 热中子工作室
        # differently, so search.js asks again one character a word when a Chinese query finds no page so
        # named. On an English page the Chinese name is words too: 灵稀 on /en/ finds Lingxi.
        own = getattr(record.name, lang)
        words = [n for n in names if lang == "zh" and n == own or n == record.name.zh] + [spaced(n) for n in names
                                                                                           if n == own or lang != "zh"]
        text = " ".join(dict.fromkeys(w for w in words if w.strip()))
        parts.append(f'<span data-pagefind-weight="{NAME_WEIGHT}">{fenced(text)}</span>')
        if lang == "zh" and record.name.en and record.name.en != own:  # Lingxi finds 灵稀, at an ordinary weight
            parts.append(f"<span>{fenced(record.name.en)}</span>")
    return '<div class="bf-search-marks" hidden>' + "".join(parts) + "</div>"


def with_marks(text: str, title_key: str, lang: str, idx: dict[str, Any]) -> str:
    """The page's Markdown with its search marks after the first line (the H1)."""
    head, nl, rest = text.partition("\n")
    return f"{head}{nl}\n{page_marks(title_key, lang, idx)}\n\n{rest.lstrip(chr(10))}"


def edition_glob(folder: Path) -> str:
    """Pagefind's glob for one edition's pages: every HTML file but those of another edition or of no page."""
    names = sorted(p.name for p in folder.iterdir() if p.name not in NOT_INDEXED and not p.name.startswith("."))
    parts = [f"{n}/**/*.html" if (folder / n).is_dir() else n for n in names if (folder / n).is_dir() or n.endswith(".html")]
    return "{" + ",".join(parts) + "}"


def pagefind_command() -> list[str]:
    """The extended Pagefind binary (it segments Chinese), from the pagefind-bin-extended package."""
    from pagefind_bin_extended import get_executable

    return [str(get_executable())]


def index_site(site: Path, quiet: bool = False) -> int:
    """Index each built edition with Pagefind, the two side by side: site/ (Chinese, not site/en/) and site/en/."""
    site = Path(site)
    running = []
    for folder in (site, site / "en"):
        if not (folder / "index.html").exists():
            continue
        cmd = pagefind_command() + ["--site", str(folder), "--root-selector", ROOT_SELECTOR,
                                    "--exclude-selectors", EXCLUDE, "--glob", edition_glob(folder), "--output-subdir", BUNDLE]
        if quiet:
            cmd.append("--silent")
        running.append((folder, subprocess.Popen(cmd)))
    status = 0
    for folder, proc in running:
        if proc.wait() != 0:
            print(f"search index failed for {folder}", file=sys.stderr)
            status = status or proc.returncode
    return status
