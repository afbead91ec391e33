"""Check a built site offline: every in-site link and #anchor resolves; no javascript: or data: URLs.

MkDocs' `validation:` (with `strict: true`) checks the links and anchors written in Markdown, but not
raw HTML blocks (chart figures, citation markers), the theme's own markup, nor links to generated
assets, and Zensical checks even less. This check reads the built HTML instead, so it covers them all:

- every URL attribute (href, src, srcset, poster, action, object data, ...) and the `data-*-spec`,
  `-src`, `-href` and `-url` attributes that our scripts fetch from;
- a link inside the site must name a file in the site folder (a folder needs its index.html), and its
  #fragment an element id (or `<a name>`) in that page;
- root-relative links (`/x/`) and absolute ones on the site's own host must stay under the site's base
  path, taken from the canonical link of site/index.html (the `site_url` the site was built with), so a
  site published under a sub-path (GitHub Pages project sites) does not link out of itself;
- `javascript:`, `vbscript:` and `data:` URLs are refused wherever a URL goes.

Other hosts and schemes (https to elsewhere, mailto:) are not checked: no network request is made.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

URL_ATTRS = frozenset({"href", "src", "action", "formaction", "poster", "cite", "background", "longdesc",
                       "manifest", "xlink:href"})
SRCSET_ATTRS = frozenset({"srcset", "imagesrcset"})
DATA_URL_ATTR = re.compile(r"^data-[a-z0-9-]*-(spec|src|href|url)$")
BANNED_SCHEMES = frozenset({"javascript", "vbscript", "data"})
HTML_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class Link:
    page: str      # the page's path relative to the site folder (posix)
    line: int
    attr: str
    url: str


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    canonical: str | None = None


class _Parser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.result = Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {k: v for k, v in attrs if v is not None}
        if "id" in values:
            self.result.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.result.ids.add(values["name"])
        if tag == "link" and values.get("rel", "").lower() == "canonical" and "href" in values:
            self.result.canonical = values["href"].strip()
        if tag == "object" and "data" in values:
            self._add(line, "data", values["data"])
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            m = re.search(r"url\s*=\s*['\"]?([^'\"]+)", values.get("content", ""), re.I)
            if m:
                self._add(line, "http-equiv=refresh", m.group(1))
        for name, value in values.items():
            if name in URL_ATTRS or DATA_URL_ATTR.match(name):
                self._add(line, name, value)
            elif name in SRCSET_ATTRS:
                for candidate in value.split(","):
                    parts = candidate.split()
                    if parts:
                        self._add(line, name, parts[0])

    handle_startendtag = handle_starttag

    def _add(self, line: int, attr: str, url: str) -> None:
        self.result.links.append(Link(self.page, line, attr, url.strip()))


def _parse_file(job: tuple[Path, str]) -> Page:
    root, rel = job
    return parse_page((root / rel).read_text(encoding="utf-8", errors="replace"), rel)


def _parse_all(root: Path, rels: list[str]) -> list[Page]:
    """Every page parsed (most of the check's time, 3-7 ms a page): in two processes when there are many."""
    jobs = [(root, rel) for rel in rels]
    if len(jobs) < 2000:
        return [_parse_file(job) for job in jobs]
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(2) as pool:
        return pool.map(_parse_file, jobs, chunksize=250)


def parse_page(text: str, page: str) -> Page:
    """The ids and links of one HTML page."""
    parser = _Parser(page)
    parser.feed(text)
    parser.close()
    return parser.result


@dataclass(frozen=True)
class Base:
    """Where the site is published: scheme and host (if known) and the path it lives under."""

    scheme: str = ""
    netloc: str = ""
    path: str = "/"

    @classmethod
    def from_url(cls, url: str | None) -> "Base":
        if not url:
            return cls()
        parts = urlsplit(url)
        path = parts.path or "/"
        if not path.endswith("/"):
            path = path.rsplit("/", 1)[0] + "/"
        return cls(parts.scheme.lower(), parts.netloc.lower(), path)


class Site:
    """A built site folder, parsed once."""

    def __init__(self, root: Path, base_url: str | None = None):
        self.root = Path(root)
        rels = [p.relative_to(self.root).as_posix() for p in sorted(self.root.rglob("*"))
                if p.is_file() and p.suffix.lower() in HTML_SUFFIXES]
        parsed = _parse_all(self.root, rels)
        self.pages: dict[str, Page] = dict(zip(rels, parsed))
        self._targets: dict[str, str | None] = {}
        if base_url is None and "index.html" in self.pages:
            base_url = self.pages["index.html"].canonical
        self.base = Base.from_url(base_url)

    def resolve(self, link: Link) -> tuple[str | None, str | None, str | None]:
        """(target path relative to the site, fragment, problem); target None when not in the site."""
        url = link.url
        if not url:
            return link.page, None, None
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in BANNED_SCHEMES:
            return None, None, f"uses a {scheme}: URL"
        if scheme and scheme not in ("http", "https"):
            return None, None, None  # mailto:, tel:, ...: nothing to check offline
        if parts.netloc:
            if not self.base.netloc or parts.netloc.lower() != self.base.netloc:
                return None, None, None  # another host: not checked, no network
            if scheme and self.base.scheme and scheme != self.base.scheme:
                return None, None, None
        path = unquote(parts.path)
        if parts.netloc or path.startswith("/"):
            if not (path + "/").startswith(self.base.path):
                return None, None, f"points outside the site's base path {self.base.path}"
            rel = path[len(self.base.path):]
        elif path:
            rel = posixpath.join(posixpath.dirname(link.page), path)
        else:
            rel = link.page  # '#anchor' or '?query' on the page itself
        trailing = rel.endswith("/") or rel in ("", ".")
        norm = posixpath.normpath(rel) if rel else "."
        if norm == ".." or norm.startswith("../"):
            return None, None, "points above the site folder"
        fragment = unquote(parts.fragment) if parts.fragment else None
        return (norm + "/" if trailing and norm != "." else ("" if norm == "." else norm)), fragment, None

    def target_file(self, rel: str) -> str | None:
        """The file a resolved path is served from (a folder serves its index.html), if it exists."""
        if rel not in self._targets:
            self._targets[rel] = self._target_file(rel)
        return self._targets[rel]

    def _target_file(self, rel: str) -> str | None:
        if rel == "" or rel.endswith("/"):
            index = f"{rel}index.html"
            return index if (self.root / index).is_file() else None
        path = self.root / rel
        if path.is_file():
            return rel
        if path.is_dir() and (path / "index.html").is_file():
            return f"{rel}/index.html"
        return None

    def broken(self) -> list[tuple[Link, str]]:
        """Every broken link with its problem, in page order."""
        out: list[tuple[Link, str]] = []
        for page in self.pages.values():
            for link in page.links:
                problem = self.check(link)
                if problem:
                    out.append((link, problem))
        return out

    def problems(self) -> list[str]:
        """Every broken link, as 'page:line: attr="url": problem', in page order."""
        return [f"{link.page}:{link.line}: {link.attr}=\"{link.url}\": {problem}" for link, problem in self.broken()]

    def check(self, link: Link) -> str | None:
        rel, fragment, problem = self.resolve(link)
        if problem or rel is None:
            return problem
        target = self.target_file(rel)
        if target is None:
            if rel == "" or rel.endswith("/"):
                return f"no {rel}index.html in the site"
            if (self.root / rel).is_dir():
                return f"no {rel}/index.html in the site"
            return f"no file {rel} in the site"
        if fragment and target in self.pages and fragment not in self.pages[target].ids:
            return f"no element with id \"{fragment}\" in {target}"
        return None

    def link_count(self) -> int:
        return sum(len(p.links) for p in self.pages.values())


def check_site(root: Path, base_url: str | None = None) -> tuple[list[str], Site]:
    """Parse a built site and return its broken links (empty when every link resolves)."""
    site = Site(root, base_url)
    return site.problems(), site


def linkcheck_command(args) -> int:
    """The linkcheck command: print each problem, then a one-line summary; exit 1 on any problem."""
    import sys

    root = Path(args.site)
    if not (root / "index.html").is_file():
        print(f"{root}: no index.html here; build the site first (make site)", file=sys.stderr)
        return 1
    site = Site(root, args.base_url)
    broken = site.broken()
    # The same broken URL on many pages (a header link, say) is one problem: print it once, with a count.
    groups: dict[tuple[str, str, str], list[Link]] = {}
    for link, problem in broken:
        groups.setdefault((link.attr, link.url, problem), []).append(link)
    for (attr, url, problem), links in groups.items():
        first = links[0]
        more = f" (and {len(links) - 1} more)" if len(links) > 1 else ""
        print(f"{root / first.page}:{first.line}: {attr}=\"{url}\": {problem}{more}", file=sys.stderr)
    n = len(broken)
    summary = (f"{root}: {len(site.pages)} pages, {site.link_count()} links checked "
               f"(base path {site.base.path}), {n} broken link{'s' if n != 1 else ''}")
    print(summary, file=sys.stderr if broken else sys.stdout)
    return 1 if broken else 0
