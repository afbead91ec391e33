"""Build the generated content into a site with MkDocs (strict) for each edition, or with Zensical."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = {"zh": ROOT / "mkdocs.yml", "en": ROOT / "mkdocs.en.yml"}
DEFAULT_CONTENT = ROOT / "content"
DEFAULT_SITE = ROOT / "site"


def config_for(config: Path, content: Path, site: Path) -> Path:
    """The edition's config, pointed at another content and site folder (for tests and benchmarks).

    The repository's configs name `content` and `site`; a copy with absolute paths is written beside them
    under .cache/ so that every other relative path in the config keeps its meaning.
    """
    content, site = Path(content).resolve(), Path(site).resolve()
    if content == DEFAULT_CONTENT.resolve() and site == DEFAULT_SITE.resolve():
        return config
    text = config.read_text(encoding="utf-8")
    edition_site = site / "en" if config.name == "mkdocs.en.yml" else site
    edition_docs = content / "en" if config.name == "mkdocs.en.yml" else content
    text = re.sub(r"(?m)^docs_dir: .*$", f"docs_dir: {edition_docs}", text)
    text = re.sub(r"(?m)^site_dir: .*$", f"site_dir: {edition_site}", text)
    text = re.sub(r"(?m)^  custom_dir: .*$", f"  custom_dir: {ROOT / 'overrides'}", text)
    text = text.replace("content/assets/generated/", f"{content}/assets/generated/")
    text = text.replace("content/en/assets/generated/", f"{content}/en/assets/generated/")
    key = hashlib.sha256(f"{config}:{content}:{site}".encode()).hexdigest()[:16]
    out = ROOT / ".cache" / "configs" / f"{config.stem}.{key}.yml"
    out.parent.mkdir(parents=True, exist_ok=True)
    # Relative paths in a config resolve against its folder: keep the copy's folder-relative paths valid.
    text = re.sub(r"(?m)^(\s*-\s*)(hooks/)", lambda m: f"{m.group(1)}{ROOT}/{m.group(2)}", text)
    text = re.sub(r"(?m)^(\s*custom_dir:\s*)(?!/)(\S+)", lambda m: f"{m.group(1)}{ROOT}/{m.group(2)}", text)
    text = re.sub(r"(?m)^watch:\n((?:\s+-\s*.+\n)+)",
                  lambda m: "watch:\n" + re.sub(r"(?m)^(\s+-\s*)(?!/)(.+)$", lambda w: f"{w.group(1)}{ROOT}/{w.group(2)}",
                                                 m.group(1)), text)
    out.write_text(text, encoding="utf-8")
    return out


ZENSICAL_PLUGINS = "plugins:\n  - search:\n      enabled: false"


def zensical_config_for(config: Path, content: Path, site: Path) -> Path:
    """The edition's config for Zensical (its own search off), pointed at the content and site folders.

    Zensical (0.0.73) takes the config file's folder as the project root, refuses a docs_dir or site_dir
    outside it, and panics on absolute ones: the copy goes into the folder that holds both, with paths
    relative to it.
    """
    content, site = Path(content).resolve(), Path(site).resolve()
    text = config_for(config, content, site).read_text(encoding="utf-8")
    # Zensical turns its own search on when a config names no search plugin (MkDocs' `plugins: []` means none):
    # its button would sit in the header beside our Pagefind box (overrides/partials/search.html).
    text, found = re.subn(r"(?m)^plugins: \[\]$", ZENSICAL_PLUGINS, text)
    if not found:
        raise ValueError(f"{config}: expected `plugins: []` (the theme's search stays off; Pagefind indexes the site)")
    folder = Path(os.path.commonpath([content, site]))
    if folder == Path(folder.anchor):
        raise ValueError(f"Zensical needs {content} and {site} in one folder below the file system's root")
    edition_site = site / "en" if config.name == "mkdocs.en.yml" else site
    edition_docs = content / "en" if config.name == "mkdocs.en.yml" else content
    text = re.sub(r"(?m)^docs_dir: .*$", f"docs_dir: {os.path.relpath(edition_docs, folder)}", text)
    text = re.sub(r"(?m)^  custom_dir: .*$", f"  custom_dir: {os.path.relpath(ROOT / 'overrides', folder)}", text)
    text = re.sub(r"(?m)^site_dir: .*$", f"site_dir: {os.path.relpath(edition_site, folder)}", text)
    out = folder / f".{config.stem}.zensical.yml"
    out.write_text(text, encoding="utf-8")
    return out


def build_site(builder: str = "mkdocs", quiet: bool = False, content: Path = DEFAULT_CONTENT,
               site: Path = DEFAULT_SITE, timings: dict[str, float] | None = None) -> int:
    """Run the site builder for every edition whose config exists, the editions side by side (one process
    each, one per core); the English one builds into a folder of its own, moved to site/en/ at the end, since
    the Chinese one cleans site/ first (Zensical builds them one after the other). Then the steps that read
    the built site: the search index, the PDFs. `timings`, when given, gets each step's seconds (for the bench)."""
    import resource
    import shutil
    import tempfile
    import time

    from generator.outputs.edition import site_env
    from generator.outputs.pdf import write_pdfs

    # The edition's date for the footer and printed pages (overrides/partials/), the same as the PDF's and the
    # citations' (generator/outputs/edition.py), under either builder; MkDocs' sitemap dates follow it too.
    env = site_env(dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    # The English edition lives at SITE_URL/en/ (mkdocs.en.yml reads SITE_URL_EN, as YAML cannot join strings).
    if env.get("SITE_URL") and not env.get("SITE_URL_EN"):
        env["SITE_URL_EN"] = env["SITE_URL"].rstrip("/") + "/en/"
    bindir = Path(sys.executable).parent
    site = Path(site).resolve()
    site.parent.mkdir(parents=True, exist_ok=True)
    aside = Path(tempfile.mkdtemp(prefix=".site-", dir=site.parent))
    timings = {} if timings is None else timings
    started, used = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        running = {}
        for lang, config in CONFIGS.items():
            if not config.exists():
                continue
            target = aside if lang != "zh" else site
            if builder == "mkdocs":
                cfg = config_for(config, content, target)
                cmd = [str(bindir / "mkdocs"), "build", "--strict", "--config-file", str(cfg)]
                if quiet:
                    cmd.append("--quiet")
            else:
                # --clean: start from an empty build cache, so that the output depends on the sources alone.
                cfg = zensical_config_for(config, content, target)
                cmd = [str(bindir / "zensical"), "build", "--strict", "--clean", "--config-file", str(cfg)]
            running[lang] = (config, subprocess.Popen(cmd, cwd=ROOT, env=env))
            if builder != "mkdocs":  # Zensical's build cache is one per project folder: one edition at a time
                running[lang][1].wait()
        failed = 0
        for lang, (config, proc) in running.items():
            if proc.wait() != 0:
                print(f"site build failed for the {lang} edition ({config.name})", file=sys.stderr)
                failed = failed or proc.returncode
        if failed:
            return failed
        for edition in aside.iterdir():  # en/
            shutil.rmtree(site / edition.name, ignore_errors=True)
            edition.rename(site / edition.name)
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    timings["editions"] = time.perf_counter() - started
    now = resource.getrusage(resource.RUSAGE_CHILDREN)  # the builders' processor time, for the bench
    timings["editions_cpu"] = now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime
    from generator.site.search import index_site

    started = time.perf_counter()
    if index_site(site, quiet):  # Pagefind: one index per edition, from the built HTML, under either builder
        return 1
    timings["search_index"] = time.perf_counter() - started
    # The briefing as one PDF per edition, from the built pages.
    started = time.perf_counter()
    status = write_pdfs(site, [lang for lang, config in CONFIGS.items() if config.exists()], quiet=quiet)
    timings["pdf"] = time.perf_counter() - started
    return status
