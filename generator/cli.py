"""The command line: a thin shell over the pipeline's stages."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import __version__

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "data"
DEFAULT_OUT = ROOT / "content"


def _display(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _load(data: Path):
    from generator.model.validate import DataError, load_dataset

    try:
        return load_dataset(data, _display(data))
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        n = len(exc.problems)
        print(f"{n} problem{'s' if n != 1 else ''} in {_display(data)}; nothing was written.", file=sys.stderr)
        return None


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a data folder and report every problem."""
    from generator.model.records import KINDS

    dataset = _load(args.data)
    if dataset is None:
        return 1
    counts = ", ".join(f"{len(getattr(dataset, k))} {k}" for k in KINDS)
    print(f"{_display(args.data)}: valid: {counts}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Write data/schema/*.schema.json and the data dictionary of data/README.md from the models."""
    from generator.model.schema import refresh_readme, schemas

    out = args.data / "schema"
    out.mkdir(parents=True, exist_ok=True)
    changed = 0
    for name, text in schemas().items():
        target = out / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed += 1
    print(f"{_display(out)}: {changed} schema file(s) written, {len(schemas()) - changed} unchanged")
    readme = args.data / "README.md"
    if readme.exists():
        text = readme.read_text(encoding="utf-8")
        new = refresh_readme(text)
        if new != text:
            readme.write_text(new, encoding="utf-8")
            print(f"{_display(readme)}: data dictionary refreshed")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Validate the data, then generate pages, charts and assets."""
    from generator.pipeline import build

    dataset = _load(args.data)
    return 1 if dataset is None else build(dataset, args)


def cmd_vendor(args: argparse.Namespace) -> int:
    """Make the vega bundle the site serves (vl-convert's vega, vega-lite and vega-embed) once, at set-up."""
    from generator.charts.statics import StaticsError, vendor_bundle

    try:
        path = vendor_bundle(args.into)
    except (OSError, StaticsError) as exc:
        print(f"vendor: {exc}", file=sys.stderr)
        return 1
    print(f"vega bundle: {_display(path)}")
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    """Write a synthetic data folder for scale tests."""
    from generator.dev.synth import synth_command

    return synth_command(args)


def cmd_bench(args: argparse.Namespace) -> int:
    """Measure generation and site build at several sizes."""
    from generator.dev.bench import bench_command

    return bench_command(args)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(func):
        c = sub.add_parser(func.__name__.removeprefix("cmd_"), help=func.__doc__, description=func.__doc__)
        c.set_defaults(func=func)
        return c

    data = {"type": Path, "default": DEFAULT_DATA, "help": "data folder (default: data/)"}
    command(cmd_validate).add_argument("--data", **data)
    command(cmd_schema).add_argument("--data", **data)
    b = command(cmd_build)
    b.add_argument("--data", **data)
    b.add_argument("--out", type=Path, default=DEFAULT_OUT, help="content folder to write into (default: content/)")
    b.add_argument("--lang", choices=["zh", "en", "all"], default="all", help="which edition(s) to generate")
    b.add_argument("--no-static", action="store_true", help="skip static SVG chart renderings (faster)")
    b.add_argument("--no-cache", action="store_true",
                   help="render every page, neither reading nor filling the page cache (.cache/pages/)")
    b.add_argument("--quiet", action="store_true", help="print nothing but errors")
    w = command(cmd_serve)
    w.add_argument("--data", **data)
    w.add_argument("--out", type=Path, default=DEFAULT_OUT, help="content folder (default: content/)")
    w.add_argument("--port", type=int, default=8000, help="the Chinese edition's port; the English one's is the next")
    y = command(cmd_synth)
    y.add_argument("--collectibles", type=int, required=True, help="number of collectibles")
    y.add_argument("--platforms", type=int, default=8, help="number of platforms (default 8)")
    y.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    y.add_argument("--out", type=Path, required=True, help="folder to write (never data/)")
    t = command(cmd_site)
    t.add_argument("--builder", choices=["mkdocs", "zensical"], default="mkdocs", help="site builder (default mkdocs)")
    t.add_argument("--content", type=Path, default=DEFAULT_OUT, help="generated content folder (default: content/)")
    t.add_argument("--site", type=Path, default=ROOT / "site", help="output folder (default: site/)")
    t.add_argument("--quiet", action="store_true", help="print nothing but errors")
    t.add_argument("--timings", type=Path, default=None,
                   help="write each step's seconds (editions, search_index, pdf) as JSON to this file (for the bench)")
    i = command(cmd_i18n)
    i.add_argument("action", choices=["extract", "check"],
                   help="extract: update locales/ from templates/ and generator/ (babel.cfg); "
                        "check: exit 1 unless every message has a translation")
    c = command(cmd_linkcheck)
    c.add_argument("--site", type=Path, default=ROOT / "site", help="built site folder (default: site/)")
    c.add_argument("--base-url", default=None,
                   help="URL the site is published at (default: the canonical link of the site's index.html)")
    command(cmd_clean)
    e = command(cmd_vendor)
    e.add_argument("--into", type=Path, default=None,
                   help="folder to write it into (default: the virtual environment's share/briefing-site/)")
    n = command(cmd_bench)
    n.add_argument("--sizes", default="1000,10000", help="comma-separated collectible counts")
    n.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json", help="where to write figures")
    n.add_argument("--platforms", type=int, default=8, help="number of platforms (default 8)")
    n.add_argument("--seed", type=int, default=1, help="random seed of the synthetic data (default 1)")
    n.add_argument("--no-static", action="store_true", help="skip static SVG chart renderings")
    return p


def cmd_serve(args: argparse.Namespace) -> int:
    """Preview both editions (MkDocs' live-reload server, dirty builds), regenerating content/ when data/ or templates/ change."""
    from generator.site.serve import serve

    return serve(args.data, args.out, args.port)


def cmd_site(args: argparse.Namespace) -> int:
    """Build the site from content/ into site/ (both editions) with mkdocs build --strict, or with Zensical."""
    import json

    from generator.site.site import build_site

    timings: dict[str, float] = {}
    status = build_site(args.builder, quiet=args.quiet, content=args.content, site=args.site, timings=timings)
    if args.timings is not None:
        args.timings.write_text(json.dumps({k: round(v, 2) for k, v in timings.items()}) + "\n", encoding="utf-8")
    return status


def cmd_i18n(args: argparse.Namespace) -> int:
    """Extract interface strings into the message catalogs, or check that they are complete."""
    from generator.pages import i18n

    if args.action == "extract":
        for line in i18n.update():
            print(line)
        return 0
    problems = i18n.check()
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the message catalogs; "
              "run `python -m generator i18n extract`, then translate", file=sys.stderr)
        return 1
    print("message catalogs complete")
    return 0


def cmd_linkcheck(args: argparse.Namespace) -> int:
    """Check the built site offline: every in-site link and #anchor resolves, no javascript: or data: URLs."""
    from generator.site.linkcheck import linkcheck_command

    return linkcheck_command(args)


def cmd_clean(args: argparse.Namespace) -> int:
    """Remove every file the generator wrote into content/ (hand-written pages stay)."""
    from generator.outputs.write import write_all

    report = write_all(DEFAULT_OUT, {})
    print(f"removed {len(report.removed)} generated files from {_display(DEFAULT_OUT)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)
