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
_regenerator = None  # kept across rebuilds: MkDocs keeps a hook that has on_startup for the whole serve


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_pre_build(config) -> None:
    global _regenerator
    if not _serving:
        return
    if str(ROOT) not in sys.path:  # MkDocs restores sys.path after loading a hook, so add it here
        sys.path.insert(0, str(ROOT))
    from generator.pages.build import BuildError
    from generator.cli import DEFAULT_DATA, DEFAULT_OUT
    from generator.incremental import Regenerator
    from generator.model.validate import DataError
    from generator.outputs.write import ClashError

    # One Regenerator for the whole serve session: after an edit it parses only the changed records,
    # renders only the pages whose inputs changed and writes only the files whose bytes changed.
    if _regenerator is None:
        _regenerator = Regenerator(DEFAULT_DATA, DEFAULT_OUT, display_root="data")
    try:
        result = _regenerator.run()
    except DataError as exc:
        for problem in exc.problems:
            log.error(str(problem))
        log.error("data/ has problems; the site shows the last good content")
        return
    except (BuildError, ClashError) as exc:
        log.error("regeneration failed: %s", exc)
        return
    if result.written or result.removed:
        log.info("regenerated in %.2fs: %d written, %d unchanged, %d removed (%d pages rendered, %d reused)",
                 result.seconds, len(result.written), result.unchanged, len(result.removed),
                 result.rendered, result.reused)
