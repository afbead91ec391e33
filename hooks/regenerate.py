"""MkDocs hook for `mkdocs serve` only: regenerate content/ from data/ and templates/ before each rebuild.

A convenience, never required for a correct site: `make site` runs the generator as its own step, and
Zensical (which runs no hooks) builds the same content.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

log = logging.getLogger("mkdocs.hooks.regenerate")
_serving = False


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_pre_build(config) -> None:
    if not _serving:
        return
    if str(ROOT) not in sys.path:  # MkDocs restores sys.path after loading a hook, so add it here
        sys.path.insert(0, str(ROOT))
    from generator.build import BuildError, generate
    from generator.cli import DEFAULT_DATA, DEFAULT_OUT
    from generator.validate import DataError, load_dataset
    from generator.write import ClashError, write_all

    try:
        files = generate(load_dataset(DEFAULT_DATA, "data"))
        report = write_all(DEFAULT_OUT, files)
    except DataError as exc:
        for problem in exc.problems:
            log.error(str(problem))
        log.error("data/ has problems; the site shows the last good content")
        return
    except (BuildError, ClashError) as exc:
        log.error("regeneration failed: %s", exc)
        return
    if report.written or report.removed:
        log.info("regenerated: %d written, %d unchanged, %d removed",
                 len(report.written), report.unchanged, len(report.removed))
