"""Shared fixtures: the shipped dataset, its generated files, and one strict site build in a temp folder."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The edition's date is the last commit's (generator/outputs/edition.py, through SOURCE_DATE_EPOCH, which
# `make` sets): the suite builds the edition of one fixed day instead, so that the golden pages, which cite
# it, do not change with every commit. 1796860800 is 2026-12-10 00:00 UTC, after the data's access dates.
TEST_EDITION_EPOCH = "1796860800"
TEST_EDITION_DATE = "2026-12-10"
os.environ["SOURCE_DATE_EPOCH"] = TEST_EDITION_EPOCH

# Builds that take a page cache (the build command, Regeneration) use one of the suite's own, not .cache/pages/.
_PAGE_CACHE = __import__("tempfile").TemporaryDirectory(prefix="briefing-test-pages-")
os.environ["BRIEFING_PAGE_CACHE"] = _PAGE_CACHE.name

from generator.pages.build import generate  # noqa: E402
from generator.site.site import build_site  # noqa: E402
from generator.model.validate import load_dataset  # noqa: E402
from generator.outputs.write import write_all  # noqa: E402


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", help="rewrite tests/goldens/ from the current output")


def hand_written_files() -> list[Path]:
    """Files under content/ that are committed (hand-written pages and their assets)."""
    out = subprocess.run(["git", "ls-files", "content"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / line for line in out.stdout.splitlines() if line]


def copy_hand_written(content: Path) -> None:
    for src in hand_written_files():
        dst = content / src.relative_to(ROOT / "content")
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)


def build_into(tmp: Path, data: Path = ROOT / "data", static: bool = True) -> SimpleNamespace:
    """Generate from a data folder into tmp/content and build the site into tmp/site (strict)."""
    content, site = tmp / "content", tmp / "site"
    copy_hand_written(content)
    files = generate(load_dataset(data), static=static)
    write_all(content, files)
    rc = build_site("mkdocs", quiet=True, content=content, site=site)
    assert rc == 0, "mkdocs build --strict failed (see output above)"
    return SimpleNamespace(content=content, site=site, files=files)


@pytest.fixture(scope="session")
def dataset():
    return load_dataset(ROOT / "data")


@pytest.fixture(scope="session")
def generated(dataset):
    """Every generated file of the shipped data (path relative to content/ -> bytes)."""
    return generate(dataset)


@pytest.fixture(scope="session")
def site_socket():
    """A listening socket on a free local port, taken before the build so that the site's URL can name it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield sock
    sock.close()


@pytest.fixture(scope="session")
def built(tmp_path_factory, site_socket):
    """The shipped data generated and built once, strictly, into a temp folder.

    The site is built for http://127.0.0.1:<port>/ of `site_socket`, where the browser tests serve it:
    Material's instant navigation only follows links to the `site_url` in the sitemap, port included.
    """
    url = "http://127.0.0.1:%d/" % site_socket.getsockname()[1]
    saved = {k: os.environ.get(k) for k in ("SITE_URL", "SITE_URL_EN")}
    os.environ.update(SITE_URL=url, SITE_URL_EN=url + "en/")
    try:
        out = build_into(tmp_path_factory.mktemp("built"))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    out.url = url
    return out
