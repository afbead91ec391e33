"""Static renderings of the charts (SVG), made by vl-convert in a process of its own.

The SVG is what a page shows when JavaScript is off, and a download. The PNG download is drawn from it in
the reader's browser (briefing.js), at twice its size: rasterizing 46 charts here cost a third of the
renderings' time at 10,000 collectibles, for a file that readers with JavaScript can have for a click.

vl-convert holds the GIL while it converts (a page-rendering loop beside it ran 80 times slower), and its
runtime's threads do not survive a fork. So conversions run in a separate Python process started with
`python -m generator.charts.statics`: it never forks and works beside page rendering on another core.

A process renders with small subsets of the fonts its specs name, found first through FONTCONFIG_FILE
(generator/charts/fonts.py): with the full Noto CJK files, vl-convert's reopening of the font for every glyph was
half of the cost. Specs that need characters a process's subsets lack go to a new process.

Each rendering is cached in .cache/charts by a digest of its spec, the vl-convert version and how renderings
are made (RENDERING); only specs that are not there are sent to a process. Protocol: frames of a 4-byte
big-endian length and a pickle. The parent sends batches [(key, spec), ...]; the process answers one frame
per item, (key, files, error), in order.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, BinaryIO

from generator.errors import BuildError

ROOT = Path(__file__).resolve().parents[2]
# Renderings (and font subsets, the vega bundle when not made at set-up) kept between builds;
# BRIEFING_CHART_CACHE moves it (the benchmark measures a build with an empty one, as on a fresh clone).
CACHE = Path(os.environ.get("BRIEFING_CHART_CACHE") or ROOT / ".cache" / "charts")
STATIC_WIDTH = 640
SUFFIXES = (".svg",)


class StaticsError(BuildError):
    """A static rendering failed (the message says why)."""


def static_spec(spec: dict) -> dict:
    """The spec as rendered for the static images: a fixed width and a white background."""
    return dict(spec, width=STATIC_WIDTH, background="#ffffff")


@functools.cache
def converter_version() -> str:
    """vl-convert's version, which pins the Vega it bundles (part of every cache key), asked once per process.
    From the package's metadata: asking vl_convert itself would start its runtime here."""
    import importlib.metadata

    return "vl-convert-python " + importlib.metadata.version("vl-convert-python")


# How renderings are made, beside the converter's version: with font subsets (generator/charts/fonts.py).
RENDERING = "font subsets 1"


def cache_key(spec: dict) -> str:
    made = json.dumps(static_spec(spec), sort_keys=True) + converter_version() + RENDERING
    return hashlib.sha256(made.encode()).hexdigest()[:32]


def cached(key: str) -> dict[str, bytes] | None:
    """The renderings of a spec from an earlier build, if both are in the cache."""
    out = {}
    for suffix in SUFFIXES:
        path = CACHE / f"{key}{suffix}"
        try:
            out[suffix] = path.read_bytes()
        except OSError:
            return None
    return out


def store(key: str, files: dict[str, bytes]) -> None:
    """Keep renderings in the cache (atomically: several builds may share it)."""
    from generator.outputs.write import _atomic_write  # here: the rendering process never needs it (nor what it imports)

    for suffix, data in files.items():
        _atomic_write(CACHE / f"{key}{suffix}", data)


# --------------------------------------------------------------------------- frames

def _send(stream: BinaryIO, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack(">I", len(data)) + data)
    stream.flush()


def _receive(stream: BinaryIO) -> Any:
    head = stream.read(4)
    if len(head) < 4:
        raise EOFError
    (size,) = struct.unpack(">I", head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


# --------------------------------------------------------------------------- the process

def render(spec: dict) -> dict[str, bytes]:
    """The static SVG of one chart spec."""
    import vl_convert as vlc

    return {".svg": vlc.vegalite_to_svg(static_spec(spec)).encode("utf-8")}


def register_fonts() -> None:
    """The system's Noto CJK fonts, with which vl-convert measures Chinese text (the SVG's layout)."""
    import vl_convert as vlc

    for folder in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts"):
        if Path(folder).is_dir():
            vlc.register_font_directory(folder)
            break


def serve(stdin: BinaryIO, stdout: BinaryIO) -> None:
    """The process's loop: a batch in, one answer per item out, until its input ends."""
    register_fonts()
    while True:
        try:
            batch = _receive(stdin)
        except EOFError:
            return
        for key, spec in batch:
            try:
                _send(stdout, (key, render(spec), None))
            except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
                _send(stdout, (key, None, f"{type(exc).__name__}: {exc}"))


# --------------------------------------------------------------------------- the parent's side

class _Batch:
    """Specs sent together, and their answers as they arrive."""

    def __init__(self, keys: list[str], sizes: dict[str, int] | None = None):
        self.keys = keys
        self.sizes = sizes or dict.fromkeys(keys, 1)
        self.results: dict[str, dict[str, bytes]] = {}
        self.error: str | None = None
        self.answered = 0
        self.done = threading.Event()


class _Process:
    """One rendering process, the characters and font lists its fonts were subset for (None: the system's
    fonts, no subsets), and its batches not answered yet."""

    def __init__(self, chars: frozenset[str] | None, lists: tuple[str, ...], subset: bool):
        from generator.charts import fonts

        conf = None
        if subset and chars is not None:
            try:
                conf = fonts.font_config(list(lists), set(chars), CACHE)
            except Exception:  # noqa: BLE001 - no subsets (an odd font file, a full disk): the system's fonts
                conf = None
        self.chars = chars if conf is not None else None
        self.lists = lists
        self.pending: list[_Batch] = []
        self.ended = False  # its answers ended (the process stopped)
        self.popen = _start_process(conf)

    def covers(self, chars: set[str], lists: tuple[str, ...]) -> bool:
        if self.ended or self.popen.poll() is not None:
            return False
        return self.chars is None or (chars <= self.chars and set(lists) <= set(self.lists))

    def retire(self) -> None:
        """No more batches: the process answers those it has, then ends."""
        try:
            if self.popen.stdin:
                self.popen.stdin.close()
        except OSError:
            pass


class Renderer:
    """Rendering processes, started on first use. Batches go in; a thread per process files the answers,
    which come back in order, under their batch. Submit, go on with other work, then wait for the batch.

    A process renders with subsets of the fonts its specs name (generator/charts/fonts.py); specs that need a
    character or a font list its subsets lack go to a new process (subset for both), while the old one
    finishes what it was given.
    """

    def __init__(self, subset_fonts: bool = True) -> None:
        self.subset_fonts = subset_fonts
        self.current: _Process | None = None
        self._live: list[_Process] = []
        self._lock = threading.Lock()

    @property
    def proc(self) -> subprocess.Popen | None:
        """The process new batches go to."""
        return self.current.popen if self.current is not None else None

    @property
    def waiting(self) -> int:
        """How much work is waiting here: the JSON size of the specs not answered yet."""
        with self._lock:
            return sum(b.sizes[k] for p in self._live for b in p.pending for k in b.keys if k not in b.results)

    def prepare(self, specs: list[dict], warm: bool = False) -> _Process:
        """The process for these specs: the current one if its fonts cover them, else a new one, whose
        subsets also cover what the current one's did (so that the next batches stay with it). warm: have a
        new one render a small chart at once, so that the next batch does not wait for its runtime to load."""
        from generator.charts.fonts import characters, spec_fonts

        chars = characters(specs)
        lists = tuple(dict.fromkeys(f for spec in specs for f in spec_fonts(spec)))
        current = self.current
        if current is not None and current.covers(chars, lists):
            return current
        if current is not None:
            if current.popen.poll() is None:
                chars |= current.chars or set()
                lists = tuple(dict.fromkeys(current.lists + lists))
            current.retire()
        started = _Process(frozenset(chars) if self.subset_fonts else None, lists, self.subset_fonts)
        with self._lock:
            self._live = [p for p in self._live if p.popen.poll() is None or p.pending] + [started]
        self.current = started
        threading.Thread(target=self._receive, args=(started,), name="static-charts", daemon=True).start()
        if warm:  # the smallest of the specs: its fonts are loaded too
            self._post(started, {"warm-up": min(specs, key=lambda spec: len(json.dumps(spec)))})
        return started

    def _receive(self, proc: _Process) -> None:
        """Read a process's answers until its output ends; then fail whatever it still had to answer."""
        try:
            while True:
                key, files, error = _receive(proc.popen.stdout)  # type: ignore[arg-type]
                with self._lock:
                    batch = proc.pending[0]
                    if error is not None and batch.error is None:
                        batch.error = f"static rendering of a chart failed: {error}"
                    elif files is not None:
                        batch.results[key] = files
                    batch.answered += 1
                    if batch.answered == len(batch.keys):
                        proc.pending.pop(0)
                        batch.done.set()
        except (EOFError, OSError, IndexError, ValueError) as exc:
            proc.ended = True
            with self._lock:
                for batch in proc.pending:
                    batch.error = batch.error or (f"the chart rendering process stopped "
                                                  f"({type(exc).__name__}; exit {proc.popen.poll()})")
                    batch.done.set()
                proc.pending.clear()

    def submit(self, items: dict[str, dict]) -> _Batch:
        """Render these specs (cache key -> spec) beside the caller's work."""
        batch = _Batch(list(items), {k: len(json.dumps(v)) for k, v in items.items()})
        if not items:
            batch.done.set()
            return batch
        return self._post(self.prepare(list(items.values())), items, batch)

    def _post(self, proc: _Process, items: dict[str, dict], batch: _Batch | None = None) -> _Batch:
        batch = batch or _Batch(list(items))
        with self._lock:
            proc.pending.append(batch)
        try:
            _send(proc.popen.stdin, list(items.items()))  # type: ignore[arg-type]
        except OSError as exc:
            with self._lock:
                if batch in proc.pending:
                    proc.pending.remove(batch)
            batch.error = f"the chart rendering process stopped ({exc})"
            batch.done.set()
        return batch

    @staticmethod
    def wait(batch: _Batch) -> dict[str, dict[str, bytes]]:
        """The renderings of a batch (cache key -> suffix -> bytes); raises StaticsError on failure."""
        batch.done.wait()
        if batch.error is not None:
            raise StaticsError(batch.error)
        return batch.results

    def close(self) -> None:
        with self._lock:
            live, self._live, self.current = self._live, [], None
        for proc in live:
            proc.retire()
            _reap(proc.popen, 10)


class StaticCharts:
    """One edition's static renderings: cached ones at once, the others from Renderers beside page rendering.

    chart id -> spec in; result() gives chart id -> {".svg": ...}. Given several renderers (an
    editor's `make serve` may keep two), the specs are shared out among them; given none, one is started for
    these specs alone (when any is not cached) and stopped when they are done.
    """

    def __init__(self, specs: dict[str, dict], renderers: "Renderer | list[Renderer] | None" = None):
        self.keys = {cid: cache_key(spec) for cid, spec in specs.items()}
        self.files: dict[str, dict[str, bytes]] = {}
        todo: dict[str, dict] = {}
        for cid, key in self.keys.items():
            hit = cached(key)
            if hit is not None:
                self.files[cid] = hit
            else:
                todo[key] = specs[cid]
        if isinstance(renderers, Renderer):
            renderers = [renderers]
        self.own = not renderers and bool(todo)
        self.renderers: list[Renderer] = list(renderers or ([Renderer()] if todo else []))
        self.batches: list[tuple[Renderer, _Batch]] = []
        if todo and self.renderers:
            # Shared out by size (a spec's JSON length stands for its rendering time), largest first, each to
            # the renderer with the least work waiting, this edition's or another's.
            shares: list[dict[str, dict]] = [{} for _ in self.renderers]
            load = [r.waiting for r in self.renderers]
            size = {key: len(json.dumps(spec)) for key, spec in todo.items()}
            for key in sorted(todo, key=lambda k: -size[k]):
                i = min(range(len(load)), key=load.__getitem__)
                shares[i][key] = todo[key]
                load[i] += size[key]
            self.batches = [(r, r.submit(share)) for r, share in zip(self.renderers, shares) if share]

    @property
    def renderer(self) -> "Renderer | None":
        """The renderer at work for these specs, if any (None when every rendering was cached)."""
        return self.batches[0][0] if self.batches else None

    def result(self) -> dict[str, dict[str, bytes]]:
        made: dict[str, dict[str, bytes]] = {}
        try:
            for renderer, batch in self.batches:
                made.update(renderer.wait(batch))
        finally:
            if self.own:
                for renderer in self.renderers:
                    renderer.close()
        for key, files in made.items():
            store(key, files)
        for cid, key in self.keys.items():
            if cid not in self.files:
                self.files[cid] = made[key]
        self.batches = []
        return self.files

    def close(self) -> None:
        """Stop the renderers started for these specs (the build failed before their results were needed)."""
        if self.own:
            for renderer in self.renderers:
                renderer.close()
        self.batches = []


def _start_process(fonts: str | None = None) -> subprocess.Popen:
    """A rendering process (`python -m generator.charts.statics`), with this fontconfig file if given."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    if fonts is not None:
        env["FONTCONFIG_FILE"] = fonts
    return subprocess.Popen([sys.executable, "-m", "generator.charts.statics"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT, env=env)


def _reap(popen: Any, timeout: float) -> None:
    """Wait for a process to end (killed after timeout seconds)."""
    try:
        popen.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        popen.kill()
        popen.wait()


# Where `python -m generator vendor` (run by `make setup`) puts the vega bundle: the virtual environment whose
# vl-convert made it, so that a new environment makes it again.
VENDOR = Path(sys.prefix) / "share" / "briefing-site"


def bundle_name() -> str:
    """The vega bundle's file name, for the vl-convert version that makes it."""
    return "vega-bundle-" + hashlib.sha256((converter_version() + BUNDLE_WRAPPING).encode()).hexdigest()[:16] + ".js"


BUNDLE_WRAPPING = " wrapped 2"  # changed with wrap_bundle's bytes, so that no older bundle is taken for it


def wrap_bundle(js: bytes) -> bytes:
    """vl-convert's bundle declares top-level consts: wrapped, it can be loaded twice (instant navigation)."""
    return (b"/* vega, vega-lite, vega-embed: bundled by vl-convert-python */\n"
            b"if (!window.vegaEmbed) { (function(){\n" + js + b"\n})(); }\n")


def vendor_bundle(folder: Path | None = None) -> Path:
    """Make the vega bundle into VENDOR (or folder) unless it is there already; its path."""
    from generator.outputs.write import _atomic_write

    path = (folder or VENDOR) / bundle_name()
    if not path.exists():
        _atomic_write(path, wrap_bundle(JavascriptBundle().result()))
    return path


class JavascriptBundle:
    """vega, vega-lite and vega-embed as one script, from vl-convert in a short-lived process of its own
    (bundling costs it about two seconds): started at once, so that it is made beside other work."""

    def __init__(self) -> None:
        code = "import sys, vl_convert as v; sys.stdout.buffer.write(v.javascript_bundle().encode('utf-8'))"
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def result(self) -> bytes:
        out, err = self.proc.communicate()
        if self.proc.returncode or not out:
            raise StaticsError("vl-convert could not make the vega bundle: " + err.decode("utf-8", "replace")[-500:])
        return out

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


if __name__ == "__main__":
    # Frames go to a private copy of stdout; anything the converter prints goes to stderr instead.
    frames = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    serve(sys.stdin.buffer, frames)
