"""Benchmark generation and site build on synthetic data at several sizes, and an edit while previewing.

For each size N: write a synthetic data folder (generator/dev/synth.py) into a temporary folder, run
`python -m generator build` on it (chart cache empty, then filled), then `python -m generator site` (both
editions side by side with mkdocs build --strict, then the search index and the PDFs, each step timed), each
as its own process so that its time and peak memory are its own (os.wait4); the two editions again with plain
`mkdocs build`, one after the other, as the yardstick; the link check; a reader's search in Chromium. Then
what an edit costs: `python -m generator serve` runs, one collectible is edited, and the time until the
served page holds the new text is taken over HTTP. Figures are printed and written as JSON.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from generator.dev import search_bench
from generator.progress import progress

ROOT = Path(__file__).resolve().parents[2]

# The targets at the largest size.
TARGETS = {"generation_share": 0.10, "per_page_growth": 1.3, "median_page_kb": 40, "largest_page_mb": 1,
           "peak_memory_gb": 2, "edit_seconds": 3, "whole_build_share": 0.6}

# Edits of one collectible, applied in turn to the synthetic collectibles.yaml: (what, old text, new text).
EDITS = [
    ("description", "是一件虚构的", "是一件（已编辑）虚构的"),
    ("price", "price: {value: ", "price: {value: 1"),
    ("price, beyond its platform's range (its platform's price chart and the site's change)",
     "price: {value: ", "price: {value: 99999"),
]


@dataclass
class Run:
    """One process: wall time, CPU time (its own and its children's) and peak memory."""

    seconds: float
    cpu_seconds: float
    peak_mb: float
    returncode: int
    output: str = ""
    sys_seconds: float = 0.0  # of cpu_seconds, in the kernel (file creation is most of it)

    def figures(self) -> dict[str, float]:
        return {"seconds": round(self.seconds, 2), "cpu_seconds": round(self.cpu_seconds, 2),
                "sys_seconds": round(self.sys_seconds, 2), "peak_mb": round(self.peak_mb)}


def run_process(cmd: list[str], cwd: Path = ROOT, env: dict | None = None, capture: bool = False) -> Run:
    """Run a command; its time and resources as wait4 reports them (children it waited for included).

    Data still being written back from an earlier step is flushed first (os.sync), so that one step's disk
    writes are not counted in the next one's time.
    """
    if hasattr(os, "sync"):
        os.sync()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE if capture else None, text=True)
    out = proc.stdout.read() if capture and proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, out,
               usage.ru_stime)


def _env(chart_cache: Path | None = None) -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    if chart_cache is not None:
        env["BRIEFING_CHART_CACHE"] = str(chart_cache)
    return env


def _hand_written(content: Path) -> None:
    """Copy the committed hand-written pages (about.md …) into a content folder, as the build expects."""
    try:
        listed = subprocess.run(["git", "ls-files", "content"], cwd=ROOT, capture_output=True, text=True, check=True)
        paths = [ROOT / line for line in listed.stdout.splitlines() if line]
    except (OSError, subprocess.CalledProcessError):
        from generator.pages.render import MARKER

        paths = [p for p in (ROOT / "content").rglob("*.md") if MARKER not in p.read_text(encoding="utf-8")[:400]]
    for src in paths:
        if src.is_file():
            dst = content / src.relative_to(ROOT / "content")
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def _html_sizes(site: Path) -> list[tuple[int, str]]:
    return sorted((p.stat().st_size, str(p.relative_to(site))) for p in site.rglob("*.html"))


def _tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@dataclass
class Size:
    """Every figure for one number of collectibles."""

    collectibles: int
    platforms: int
    synth_seconds: float = 0.0
    generated_files: int = 0
    generation: dict[str, float] = field(default_factory=dict)        # chart cache empty (a fresh clone)
    generation_warm: dict[str, float] = field(default_factory=dict)   # again, the chart cache filled
    site_build: dict[str, float] = field(default_factory=dict)        # `python -m generator site`, every step
    site_steps: dict[str, float] = field(default_factory=dict)        # its steps: editions, search_index, pdf
    pages: int = 0
    pages_per_second: float = 0.0
    ms_per_page: float = 0.0
    generation_share: float = 0.0
    generation_share_warm: float = 0.0
    site_mb: float = 0.0
    median_page_kb: float = 0.0
    largest_page_kb: float = 0.0
    largest_page: str = ""
    catalogue_json_kb: float = 0.0
    search: dict[str, Any] = field(default_factory=dict)  # Pagefind bundles, bytes and time to a first result
    edits: list[dict[str, Any]] = field(default_factory=list)
    plain_mkdocs_seconds: float = 0.0   # the two editions built one after the other with plain mkdocs build
    linkcheck_seconds: float = 0.0
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # processor time of plain mkdocs and make site's steps
    whole_build_seconds: float = 0.0    # generation (chart cache empty), both editions, link check (issue 14's scope)
    full_build_seconds: float = 0.0     # all of make site: the above, the search index and the PDFs
    share: dict[str, float] = field(default_factory=dict)             # share images and citations (share_figures)
    pdf: dict[str, dict[str, float]] = field(default_factory=dict)   # per edition: seconds, MB, pages


def edit_to_browser(data: Path, content: Path, env: dict, port: int = 8765) -> list[dict[str, Any]]:
    """`python -m generator serve` on this data; each edit is saved, then timed until the served page (fetched
    over HTTP, as a browser does) holds the new text. Returns one figure per edit."""
    import urllib.request

    def fetch(url: str) -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read().decode("utf-8", "replace")
        except OSError:
            return ""

    cid = "synth-collectible-00042"
    url = f"http://127.0.0.1:{port}/collectibles/{cid}/"
    url_en = f"http://127.0.0.1:{port + 1}/en/collectibles/{cid}/"
    csv = f"http://127.0.0.1:{port}/assets/generated/data/collectibles.csv"
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--data", str(data), "--out", str(content),
                             "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    results: list[dict[str, Any]] = []
    try:
        started = time.perf_counter()
        while "合成藏品 00042" not in fetch(url) or "00042" not in fetch(url_en):
            if proc.poll() is not None or time.perf_counter() - started > 1800:
                raise RuntimeError("make serve did not come up")
            time.sleep(0.5)
        results.append({"edit": "serve started: both editions served", "seconds": round(time.perf_counter() - started, 1)})
        path = data / "collectibles.yaml"
        for i, (what, old, new) in enumerate(EDITS):
            text = path.read_text(encoding="utf-8")
            if old not in text:
                continue
            marker = f"（编辑{'甲乙丙丁戊'[i]}）"  # no digit: the typography would space it (编辑 1)
            time.sleep(1.0)  # a distinct mtime, and the watcher idle
            path.write_text(text.replace("合成藏品 00042 是一件", f"合成藏品 00042 是一件{marker}", 1)
                            .replace(old, new, 1), encoding="utf-8")
            saved = time.perf_counter()
            while marker not in fetch(url):
                if time.perf_counter() - saved > 600:
                    raise RuntimeError(f"make serve: the edit of {what} never reached {url}")
                time.sleep(0.05)
            shown = time.perf_counter() - saved
            # The pages that aggregate the dataset, the charts and the downloads follow (site/serve.py): the time
            # until the served CSV download holds the edit too.
            while marker not in fetch(csv):
                if time.perf_counter() - saved > 600:
                    raise RuntimeError(f"make serve: the edit of {what} never reached {csv}")
                time.sleep(0.05)
            results.append({"edit": f"one collectible's {what}: saved to served page (HTTP)",
                            "seconds": round(shown, 2), "whole_site_seconds": round(time.perf_counter() - saved, 2)})
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return results


def bench_size(n: int, platforms: int, seed: int, work: Path, static: bool = True) -> Size:
    """Synthesize, generate, build and edit at one size; figures in a Size."""
    from generator.dev.synth import write_synth

    size = Size(n, platforms)
    data, content, site = work / "data", work / "content", work / "site"
    started = time.perf_counter()
    write_synth(data, n, platforms, seed)
    size.synth_seconds = round(time.perf_counter() - started, 2)
    _hand_written(content)
    _hand_written(work / "content-warm")
    py = sys.executable
    # Static chart renderings are cached by spec: the first build fills an empty cache
    # (as on a fresh clone), a second build into a fresh folder finds it full (as an editor's next build).
    env = _env(work / "chart-cache")
    build_cmd = [py, "-m", "generator", "build", "--data", str(data), "--out", str(content), "--quiet"]
    if not static:
        build_cmd.append("--no-static")
    gen = run_process(build_cmd, env=env)
    if gen.returncode:
        raise RuntimeError(f"generation failed at N={n} (exit {gen.returncode})")
    size.generated_files = len(json.loads((content / ".generated.json").read_text(encoding="utf-8"))["files"])
    size.generation = gen.figures()
    warm_cmd = [str(work / "content-warm") if a == str(content) else a for a in build_cmd]
    warm = run_process(warm_cmd, env=env)
    if warm.returncode:
        raise RuntimeError(f"second generation failed at N={n} (exit {warm.returncode})")
    size.generation_warm = warm.figures()
    steps = work / "site-steps.json"
    built = run_process([py, "-m", "generator", "site", "--content", str(content), "--site", str(site), "--quiet",
                         "--timings", str(steps)], env=env)
    if built.returncode:
        raise RuntimeError(f"mkdocs build failed at N={n} (exit {built.returncode})")
    size.site_build = built.figures()
    size.site_steps = json.loads(steps.read_text(encoding="utf-8"))
    editions = size.site_steps["editions"]  # the two MkDocs builds side by side
    size.pdf = pdf_figures(site)
    from generator.site.site import CONFIGS, config_for

    plain = plain_cpu = 0.0
    for config in CONFIGS.values():  # plain MkDocs, one edition after the other (what make site is measured against)
        one = run_process([str(Path(py).parent / "mkdocs"), "build", "--strict", "--quiet", "--config-file",
                           str(config_for(config, content, work / "site-plain"))], env=env)
        plain += one.seconds
        plain_cpu += one.cpu_seconds
    size.plain_mkdocs_seconds = round(plain, 2)
    checked = run_process([py, "-m", "generator", "linkcheck", "--site", str(site)], env=env, capture=True)
    size.linkcheck_seconds = round(checked.seconds, 2)
    size.cpu_seconds = {"plain_mkdocs": round(plain_cpu, 1), "generation": round(gen.cpu_seconds, 1),
                        "editions": round(size.site_steps.get("editions_cpu", 0.0), 1), "linkcheck": round(checked.cpu_seconds, 1)}
    size.whole_build_seconds = round(gen.seconds + editions + checked.seconds, 2)
    size.full_build_seconds = round(gen.seconds + built.seconds + checked.seconds, 2)
    sizes = _html_sizes(site)
    size.pages = len(sizes)
    # Time per page from the steady-state build (chart cache full): the static renderings are a fixed cost
    # per chart (about 46 charts at either size), which would flatter the larger size.
    # Generation against the MkDocs builds alone (not the search index and PDFs made after them).
    total = warm.seconds + editions
    size.pages_per_second = round(size.pages / editions, 1)
    size.ms_per_page = round(1000 * total / size.pages, 2)
    size.generation_share = round(gen.seconds / editions, 3)
    size.generation_share_warm = round(warm.seconds / editions, 3)
    size.site_mb = round(_tree_bytes(site) / 1e6, 1)
    size.median_page_kb = round(statistics.median(s for s, _ in sizes) / 1024, 1)
    size.largest_page_kb = round(sizes[-1][0] / 1024, 1)
    size.largest_page = sizes[-1][1]
    size.search = search_bench.figures(site, data)  # a reader's search in Chromium (generator/dev/search_bench.py)
    catalogue = content / "assets" / "generated" / "data" / "catalogue.json"
    size.catalogue_json_kb = round(catalogue.stat().st_size / 1024, 1) if catalogue.exists() else 0.0
    # An edit while `make serve` runs: saved file to served page.
    size.edits = edit_to_browser(data, content, env)
    text = (data / "collectibles.yaml").read_text(encoding="utf-8")
    (data / "collectibles.yaml").write_text(text.replace("是一件", "是一件（再次编辑）", 1), encoding="utf-8")
    size.share = share_figures(data, work)
    again = run_process(build_cmd[:-1], env=env, capture=True)
    size.edits.append({"edit": "one collectible's description, then `python -m generator build` (a new process)",
                       "seconds": round(again.seconds, 2), "report": again.output.strip().splitlines()[-1:]})
    return size


def share_figures(data: Path, work: Path) -> dict[str, float]:
    """What sharing and citing cost at this size, in this process: the share images and chart pages of both
    editions with an empty image cache and a filled one, and the "cite this page" blocks of every page."""
    from generator.model.validate import load_dataset
    from generator.outputs.edition import edition_date
    from generator.outputs.share import ShareImages, edition_files, finish_page
    from generator.pages.build import _charts
    from generator.pages.context import indexes, source_line_factory
    from generator.pages.i18n import LANGS, translations
    from generator.pages.plan import plan
    from generator.pages.render import environment

    ds = load_dataset(data)
    idx, pages, source_line = indexes(ds), plan(ds), source_line_factory(ds)
    editions = {lang: (translations(lang), *_charts(ds, lang, translations(lang), source_line)) for lang in LANGS}
    out: dict[str, float] = {"pages": len(pages) * len(LANGS)}
    for run in ("cold", "warm"):
        images = ShareImages(work / "share-cache")
        started = time.perf_counter()
        for lang, (trans, charts, site_ids, _bytes, _specs) in editions.items():
            edition_files(lang, ds, idx, charts, site_ids, source_line, pages, {}, trans, images)
        out[f"images_{run}_seconds"] = round(time.perf_counter() - started, 2)
        out[f"images_{run}_made"] = images.made
    started = time.perf_counter()
    for lang, (trans, *_rest) in editions.items():
        env = environment()
        env.install_gettext_translations(trans, newstyle=True)  # type: ignore[attr-defined]
        env.globals["edition_date"] = edition_date()  # as render_edition sets it
        for page in pages:
            finish_page(env, "# t\n\nx\n", page, lang, ds, page.title_key)
    out["cite_blocks_seconds"] = round(time.perf_counter() - started, 2)
    return out


def pdf_figures(site: Path) -> dict[str, dict[str, float]]:
    """Each edition's PDF as the site build made it: megabytes, pages (generator/outputs/pdf.py)."""
    from generator.outputs.pdf import measure

    return measure(site, [lang for lang in ("zh", "en") if (site / ("en" if lang == "en" else "") / "index.html").exists()])


def check_targets(sizes: list[Size]) -> list[tuple[str, bool, str]]:
    """(target, met, figures) at the largest size (growth: largest against smallest)."""
    big, small = sizes[-1], sizes[0]
    out = [
        (f"generation <= {TARGETS['generation_share']:.0%} of the mkdocs build at N={big.collectibles} "
         "(chart cache filled, the steady state)",
         big.generation_share_warm <= TARGETS["generation_share"],
         f"{big.generation_warm['seconds']}s / {big.site_steps['editions']}s = {big.generation_share_warm:.1%}"),
        (f"generation <= {TARGETS['generation_share']:.0%} of the mkdocs build at N={big.collectibles} "
         "(chart cache empty, as on a fresh clone)",
         big.generation_share <= TARGETS["generation_share"],
         f"{big.generation['seconds']}s / {big.site_steps['editions']}s = {big.generation_share:.1%}"),
        (f"peak memory <= {TARGETS['peak_memory_gb']} GB",
         max(big.generation["peak_mb"], big.generation_warm["peak_mb"], big.site_build["peak_mb"])
         <= TARGETS["peak_memory_gb"] * 1024,
         f"generation {big.generation['peak_mb']} MB, mkdocs {big.site_build['peak_mb']} MB"),
        (f"median page <= {TARGETS['median_page_kb']} KB", big.median_page_kb <= TARGETS["median_page_kb"],
         f"{big.median_page_kb} KB"),
        (f"no page > {TARGETS['largest_page_mb']} MB", big.largest_page_kb <= TARGETS["largest_page_mb"] * 1024,
         f"{big.largest_page_kb} KB ({big.largest_page})"),
    ]
    met, fig = search_bench.meets_targets(big.search.get("searches", []))
    out.append((f"a search's first result after <= {search_bench.TARGETS['first_result_kb']} KB and "
                f"<= {search_bench.TARGETS['first_result_seconds']} s at N={big.collectibles}", met, fig))
    if len(sizes) > 1:
        growth = big.ms_per_page / small.ms_per_page
        out.append((f"time per page at N={big.collectibles} <= {TARGETS['per_page_growth']} x N={small.collectibles}",
                    growth <= TARGETS["per_page_growth"],
                    f"{big.ms_per_page} ms / {small.ms_per_page} ms = {growth:.2f}"))
    out.append((f"make site (generation, both editions, link check) <= {TARGETS['whole_build_share']:.0%} of two "
                f"plain mkdocs builds one after the other at N={big.collectibles}",
                big.whole_build_seconds <= TARGETS["whole_build_share"] * big.plain_mkdocs_seconds,
                f"{big.whole_build_seconds}s / {big.plain_mkdocs_seconds}s = "
                f"{big.whole_build_seconds / max(big.plain_mkdocs_seconds, 1e-9):.0%} (with the search index and "
                f"PDFs: {big.full_build_seconds}s = {big.full_build_seconds / max(big.plain_mkdocs_seconds, 1e-9):.0%})"))
    for edit in big.edits:
        if "served page" in str(edit.get("edit", "")):  # make serve's edits (not the build command's)
            out.append((f"make serve, edit to browser ({edit['edit']}) <= {TARGETS['edit_seconds']} s",
                        edit["seconds"] <= TARGETS["edit_seconds"], f"{edit['seconds']}s"))
    return out


def _floor(s: Size) -> str:
    """make site's steps in processor seconds, and the least wall-clock time they could take on this machine's cores
    (their processor time shared perfectly), against plain MkDocs' time."""
    c = s.cpu_seconds
    if not c:
        return "not measured"
    cores = os.cpu_count() or 1
    floor = (c["generation"] + c["editions"] + c["linkcheck"]) / cores
    return (f"generation {c['generation']}s + editions {c['editions']}s + link check {c['linkcheck']}s; on {cores} "
            f"cores no less than {floor:.1f}s = {floor / max(s.plain_mkdocs_seconds, 1e-9):.0%} of plain mkdocs "
            f"({c['plain_mkdocs']}s of processor time)")


def _warm_site(s: Size) -> str:
    """make site in the issue's scope with the page and chart caches a previous build filled (generation again)."""
    warm = s.generation_warm["seconds"] + s.site_steps["editions"] + s.linkcheck_seconds
    return f"{warm:.1f}s = {warm / max(s.plain_mkdocs_seconds, 1e-9):.0%} of plain mkdocs with the caches filled"


def _cpu(run: dict[str, float]) -> str:
    return (f"{run['seconds']:>8}s  (cpu {run['cpu_seconds']}s, of it in the kernel {run.get('sys_seconds', 0)}s, "
            f"peak {run['peak_mb']} MB")


def report(sizes: list[Size]) -> str:
    """The figures as text."""
    lines = []
    for s in sizes:
        lines += [
            f"N = {s.collectibles:,} collectibles ({s.platforms} platforms, SYNTHETIC data; synth {s.synth_seconds}s)",
            f"  generation       {_cpu(s.generation)}, {s.generated_files} files; chart cache empty)",
            f"  generation again {_cpu(s.generation_warm)}; chart cache filled)",
            f"  generator site   {_cpu(s.site_build)}: both editions side by side "
            f"{s.site_steps.get('editions')}s, search index {s.site_steps.get('search_index')}s, "
            f"PDFs {s.site_steps.get('pdf')}s)",
            f"  plain mkdocs     {s.plain_mkdocs_seconds:>8}s  the two editions one after the other",
            f"  make site        {s.whole_build_seconds:>8}s  generation + both editions + link check "
            f"({s.linkcheck_seconds}s); {s.full_build_seconds}s with the search index and the PDFs; "
            f"{_warm_site(s)}",
            f"  processor time   {_floor(s)}",
            f"  generation share {s.generation_share_warm:>8.1%}  of the two editions' build, chart cache filled "
            f"({s.generation_share:.1%} empty; wall clock)",
            f"  pages            {s.pages:>8}   {s.pages_per_second} pages/s (mkdocs), {s.ms_per_page} ms/page "
            f"(generation + build)",
            f"  site size        {s.site_mb:>8} MB  median page {s.median_page_kb} KB, largest {s.largest_page_kb} KB "
            f"({s.largest_page})",
            f"  catalogue.json   {s.catalogue_json_kb} KB",
        ]
        lines += search_bench.report_lines(s.search.get("bundles", {}), s.search.get("searches", []))
        if s.share:
            sh = s.share
            lines.append(f"  share images     {sh['images_cold_seconds']:>8}s  {sh['images_cold_made']} images and the chart "
                         f"pages, cache empty; {sh['images_warm_seconds']}s cache filled; cite blocks of "
                         f"{int(sh['pages'])} pages {sh['cite_blocks_seconds']}s")
        if s.pdf:
            lines.append(f"  PDFs             {s.site_steps.get('pdf')}s  side by side, " + "; ".join(
                f"{lang}: {f['mb']} MB, {f['pages']} pages" for lang, f in s.pdf.items()))
        for e in s.edits:
            whole = f" (every page, chart and download: {e['whole_site_seconds']}s)" if "whole_site_seconds" in e else ""
            lines.append(f"  edit: {e['edit']}: {e['seconds']}s{whole} {' '.join(e.get('report', []))}")
    lines.append("targets:")
    for name, met, figures in check_targets(sizes):
        lines.append(f"  [{'met' if met else 'MISSED'}] {name}: {figures}")
    return "\n".join(lines)


def bench_command(args: Any) -> int:
    """The bench command: every size, then the report and the JSON."""
    try:
        counts = [int(x) for x in str(args.sizes).split(",") if x.strip()]
    except ValueError:
        print(f"bench: --sizes must be comma-separated numbers, got {args.sizes!r}", file=sys.stderr)
        return 2
    platforms = getattr(args, "platforms", 8)
    seed = getattr(args, "seed", 1)
    static = not getattr(args, "no_static", False)
    results: list[Size] = []
    # Every size's folder is removed at the end, not before the next size: on an ext4 file system without a
    # journal (this machine's), creating files shortly after thousands were deleted makes the kernel skip each
    # recently deleted inode (recently_deleted() in ext4's inode allocator, for 60 s, 360 s if unwritten), and
    # writing the 10,000 size's 21,000 files took 10 s instead of 2 s after the 1,000 size's folder was removed.
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp, progress(len(counts), "sizes") as bar:
        for n in counts:
            print(f"bench: N = {n:,}: synthesizing, generating, building the site, editing…", file=sys.stderr)
            work = Path(tmp) / str(n)
            work.mkdir()
            results.append(bench_size(n, platforms, seed, work, static))
            bar.update(1)
    text = report(results)
    print(text)
    doc = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
           "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "targets": TARGETS,
           "sizes": [asdict(s) for s in results],
           "checks": [{"target": name, "met": met, "figures": fig} for name, met, fig in check_targets(results)]}
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"figures written to {out}")
    return 0
