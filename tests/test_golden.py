"""Golden pages: the rendered Markdown of the seed edition, compared with a readable diff.

After an intended change, refresh them with `make goldens` (pytest --update-goldens) and review the diff in git.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

GOLDENS = Path(__file__).resolve().parent / "goldens"
PAGES = [
    "index.md",
    "platforms/index.md",
    "platforms/jd-lingxi/index.md",
    "platforms/xiaohongshu-r-space/index.md",
    "collectibles/index.md",
    "collectibles/joy-doga/index.md",
    "partners/ayayi/index.md",
    "timeline/index.md",
    "comparisons/index.md",
    "methodology/index.md",
    "en/index.md",
    "en/platforms/tmall-digital-collectibles/index.md",
    "en/collectibles/xu-xingyou-toy-32-4/index.md",
]


@pytest.mark.parametrize("page", PAGES)
def test_golden_page(page, generated, request):
    actual = generated[page].decode("utf-8")
    golden = GOLDENS / page
    if request.config.getoption("--update-goldens"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.exists(), f"no golden for {page}: run `make goldens` and review it"
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            f"goldens/{page}", f"generated/{page}", n=2))
        pytest.fail(f"{page} differs from its golden (run `make goldens` if the change is intended):\n{diff}",
                    pytrace=False)


def test_every_golden_is_still_a_page(generated):
    stale = [p.relative_to(GOLDENS).as_posix() for p in GOLDENS.rglob("*.md")
             if p.relative_to(GOLDENS).as_posix() not in generated]
    assert not stale, f"goldens for pages that no longer exist: {stale}"
