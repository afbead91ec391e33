"""The whole build in order: load, validate, generate (analysis, charts, pages, outputs), write."""

from __future__ import annotations

import sys
import time
from typing import Any

from generator.errors import BuildError
from generator.model.records import Dataset
from generator.outputs.write import ClashError, write_all
from generator.pages.build import generate
from generator.pages.cache import PageCache
from generator.pages.i18n import LANGS


def command_langs(args: Any) -> tuple[str, ...]:
    """The editions the build command makes (--lang)."""
    return LANGS if args.lang == "all" else (args.lang,)


def build(ds: Dataset, args) -> int:
    """The build command: generate everything in memory, then write once."""
    langs = command_langs(args)
    started = time.perf_counter()
    show = sys.stderr.isatty() and not args.quiet
    try:
        files = generate(ds, langs, static=not args.no_static, show_progress=show,
                         cache=None if getattr(args, "no_cache", False) else PageCache())
    except BuildError as exc:
        print(exc, file=sys.stderr)
        print("nothing was written.", file=sys.stderr)
        return 1
    try:
        report = write_all(args.out, files)
    except ClashError as exc:
        for rel in exc.args[0]:
            print(f"{args.out / rel}: a hand-written file is in the way of a generated one; "
                  "rename or move it (the generator never overwrites hand-written pages)", file=sys.stderr)
        print("nothing was written.", file=sys.stderr)
        return 1
    took = time.perf_counter() - started
    if not args.quiet:
        print(f"generated {len(files)} files into {args.out}: {len(report.written)} written, "
              f"{report.unchanged} unchanged, {len(report.removed)} removed ({took:.2f}s)")
    return 0
