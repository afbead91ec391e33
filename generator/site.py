"""Build the generated content into site/ with MkDocs (strict) for each edition, or with Zensical."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {"zh": ROOT / "mkdocs.yml", "en": ROOT / "mkdocs.en.yml"}


def build_site(builder: str = "mkdocs", quiet: bool = False) -> int:
    """Run the site builder for every edition whose config exists; stop at the first failure."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    bindir = Path(sys.executable).parent
    for lang, config in CONFIGS.items():
        if not config.exists():
            continue
        if builder == "mkdocs":
            cmd = [str(bindir / "mkdocs"), "build", "--strict", "--config-file", str(config)]
            if quiet:
                cmd.append("--quiet")
        else:
            cmd = [str(bindir / "zensical"), "build", "--config-file", str(config)]
        # The zh edition (site/, cleaned first) builds before the English one (site/en/).
        result = subprocess.run(cmd, cwd=ROOT, env=env)
        if result.returncode != 0:
            print(f"site build failed for the {lang} edition ({config.name})", file=sys.stderr)
            return result.returncode
    return 0
