"""Regenerate after an edit without redoing everything: parse only changed records, render only pages whose
inputs changed, write only files whose bytes changed.

Used by the `mkdocs serve` hook and by the benchmark, which keep a Regenerator between runs. The output is
always the same as a full build's (tests compare them byte for byte):

- Loading: a data file whose text is unchanged keeps its records. In a changed file, each top-level record
  ("- id: ..." up to the next one) is looked up by its text; only new texts are parsed, validated and checked
  for references. Anything unusual (a problem in the data, ids added or removed, a file that does not split
  into records) falls back to the full validate.load_dataset, so errors are reported exactly as always.
  Changed records go through the model and validate._cross_checks (references, citation coverage); a new
  kind of check added to load_dataset outside those would need adding here too (tests compare both loads).
- Rendering: while a page renders, the data it reads is recorded: entries of the lookup tables (idx), record
  lists of the dataset (ds), charts, and shared values. Next time, the page is reused when none of those
  changed, its own record is the same, and templates, translations and generator code are the same.
- Writing: write_all() compares bytes as always, but skips reading a file it wrote itself last time when the
  file's size and modification time show it has not been touched since.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.load.read import LoadError, Pos, PosDict, PosList, gc_paused, load_yaml_text
from generator.model.records import KINDS, Dataset

ROOT = Path(__file__).resolve().parent.parent
MISSING = object()

from generator.pages.render import TRACKER_VAR  # noqa: E402,F401 - the render variable that carries a page's Tracker


# --------------------------------------------------------------------------- what a page reads

class Tracker:
    """The inputs one page read while rendering, as dependency keys (tuples)."""

    __slots__ = ("deps", "names")

    def __init__(self) -> None:
        self.deps: set[tuple] = set()
        self.names: set[str] = set()   # top-level template variables it resolved


class TrackedMapping:
    """A read-only view of a mapping that records which keys are read (or that all of it is)."""

    __slots__ = ("_m", "_name", "_t")

    def __init__(self, name: tuple, mapping: Any, tracker: Tracker):
        self._m, self._name, self._t = mapping, name, tracker

    def __getitem__(self, key: Any) -> Any:
        self._t.deps.add(self._name + (key,))
        return self._m[key]

    def get(self, key: Any, default: Any = None) -> Any:
        self._t.deps.add(self._name + (key,))
        return self._m.get(key, default)

    def __contains__(self, key: Any) -> bool:
        self._t.deps.add(self._name + (key,))
        return key in self._m

    def _all(self) -> Any:
        self._t.deps.add(self._name)
        return self._m

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __bool__(self) -> bool:
        return bool(self._all())

    def keys(self):
        return self._all().keys()

    def values(self):
        return self._all().values()

    def items(self):
        return self._all().items()


class TrackedIndex(TrackedMapping):
    """The idx lookup tables: an entry that is itself a mapping is tracked key by key."""

    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        value = self._m[key]
        if isinstance(value, dict):
            return TrackedMapping(self._name + (key,), value, self._t)
        self._t.deps.add(self._name + (key,))
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        if key in self._m:
            return self[key]
        self._t.deps.add(self._name + (key,))  # absent now: the page changes if it appears
        return default


class TrackedList:
    """A record list of the dataset: its length and its items are separate inputs."""

    __slots__ = ("_items", "_kind", "_t")

    def __init__(self, kind: str, items: list, tracker: Tracker):
        self._items, self._kind, self._t = items, kind, tracker

    def __len__(self) -> int:
        self._t.deps.add(("len", self._kind))
        return len(self._items)

    def __bool__(self) -> bool:
        return len(self) > 0

    def _all(self) -> list:
        self._t.deps.add(("ds", self._kind))
        return self._items

    def __iter__(self):
        return iter(self._all())

    def __reversed__(self):
        return reversed(self._all())

    def __getitem__(self, i: Any) -> Any:
        return self._all()[i]

    def __contains__(self, item: Any) -> bool:
        return item in self._all()


class TrackedDataset:
    """The dataset as templates see it: each kind's record list is tracked; anything else means all of it."""

    __slots__ = ("_ds", "_t", "_lists")

    def __init__(self, ds: Dataset, tracker: Tracker):
        self._ds, self._t, self._lists = ds, tracker, {}

    def __getattr__(self, name: str) -> Any:
        if name in KINDS:
            lst = self._lists.get(name)
            if lst is None:
                lst = self._lists[name] = TrackedList(name, getattr(self._ds, name), self._t)
            return lst
        self._t.deps.add(("ds", "*"))
        return getattr(self._ds, name)


@dataclass
class World:
    """The inputs of one build that pages may read, for comparing one build with the next."""

    ds: Dataset
    idx: dict[str, Any]
    shared: dict[str, Any]
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)   # lang -> chart id -> what pages see

    def value(self, dep: tuple) -> Any:
        kind = dep[0]
        if kind == "idx":
            table = self.idx.get(dep[1], MISSING)
            if len(dep) == 2 or table is MISSING:
                return table
            key = dep[2]
            if key in table:
                return table[key]
            factory = getattr(table, "default_factory", None)
            return factory() if factory is not None else MISSING
        if kind == "len":
            return len(getattr(self.ds, dep[1]))
        if kind == "ds":
            if dep[1] == "*":
                return tuple(tuple(getattr(self.ds, k)) for k in KINDS)
            return getattr(self.ds, dep[1])
        if kind == "chart":
            charts = self.charts.get(dep[1], {})
            return charts if len(dep) == 2 else charts.get(dep[2], MISSING)
        if kind == "shared":
            return self.shared.get(dep[1], MISSING)
        return MISSING


class Changes:
    """Whether an input differs between the previous build and this one (each input compared once)."""

    def __init__(self, old: World, new: World):
        self.old, self.new = old, new
        self._memo: dict[tuple, bool] = {}

    def changed(self, dep: tuple) -> bool:
        hit = self._memo.get(dep)
        if hit is not None:
            return hit
        a, b = self.old.value(dep), self.new.value(dep)
        try:
            out = not (a is b or a == b)
        except Exception:  # noqa: BLE001 - values that cannot be compared count as changed
            out = True
        self._memo[dep] = out
        return out


def _same(a: Any, b: Any) -> bool:
    try:
        return a is b or a == b
    except Exception:  # noqa: BLE001
        return False


@dataclass
class _Entry:
    template: str
    url: str
    title_key: str
    context: dict[str, Any]
    deps: frozenset
    data: bytes


def tree_digest(*folders: Path, suffixes: tuple[str, ...] = ()) -> str:
    """A digest of every file under some folders (names and bytes)."""
    h = hashlib.sha256()
    for folder in folders:
        if not folder.exists():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if suffixes and path.suffix not in suffixes:
                continue
            h.update(str(path.relative_to(folder)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


class RenderCache:
    """The previous build's pages (with what each read) and charts (with the record fields they read), and
    per-record pieces of the data files. One build: start, set_world, then per language charts_for /
    keep_charts, begin_edition, reuse / entry, kept_charts; then adopt each language's part and commit."""

    def __init__(self) -> None:
        self.base: Any = None                               # templates, code, translations, addresses, sources
        self.fingerprints: dict[str, Any] = {}              # lang -> base and the site charts' ids
        self.world: World | None = None
        self.pages: dict[tuple[str, str], _Entry] = {}
        self.charts: dict[str, _Charts] = {}
        self.reused = 0
        self.rendered = 0
        self.inputs: dict[str, set[tuple]] = {}             # lang -> every input its pages read last time
        self._inputs_next: dict[str, set[tuple]] = {}
        self.charts_made: list[str] = []                    # "lang:job key" of charts made anew in this build
        self.pages_rendered: list[str] = []                 # "lang:file" of pages rendered in this build
        self.renderer: Any = None                           # statics.Renderers kept between builds, if any
        self._diff: RecordDiff | None = None
        self._views: dict[str, ChartDataset] = {}
        self._same_analysis: dict[tuple, tuple[Any, bool]] = {}
        self._base: Any = None
        self._usable = False
        self._ds: Any = None
        self._world: World | None = None
        self._fingerprints: dict[str, Any] = {}
        self._changes: dict[str, frozenset | None] = {}   # lang -> inputs that changed since the last build
        self._next: dict[tuple[str, str], _Entry] = {}
        self._charts_next: dict[str, _Charts] = {}
        # Per-record memos (catalogue rows; dataset.json parts and CSV rows by list), valid while the records
        # they came from are the same objects: the incremental loader keeps unchanged records.
        self.rows: dict[tuple, tuple[tuple, Any]] = {}
        self.lists: dict[Any, tuple[list, dict[int, Any]]] = {}

    def start(self, base: Any, ds: Dataset) -> None:
        """Start a build: nothing from the last one is reused unless templates, code etc. (base) are the same."""
        self._base, self._ds = base, ds
        self._charts_next, self._next, self._fingerprints, self._changes = {}, {}, {}, {}
        self._inputs_next = {}
        self.reused = self.rendered = 0
        self.charts_made, self.pages_rendered = [], []
        self._diff, self._views, self._same_analysis = None, {}, {}
        self._usable = self.world is not None and base == self.base
        if not self._usable:
            self.rows.clear()
            self.lists.clear()

    def set_world(self, world: World) -> None:
        """The new build's inputs (its charts are added per language)."""
        self._world = world

    def chart_for(self, lang: str, key: str) -> _ChartJob | None:
        """One chart from the last build, if nothing it read has changed."""
        last = self.charts.get(lang)
        job = last.jobs.get(key) if last is not None else None
        if job is None or not self._usable or self.world is None:
            return None
        if self._diff is None:
            self._diff = RecordDiff(self.world.ds, self._ds)
        if not self._diff.still_valid(job.tracker):
            return None
        for (name, args), old in job.tracker.analysis.items():
            if not self._analysis_same(name, args, old):
                return None
        return job

    def _analysis_same(self, name: str, args: tuple, old: Any) -> bool:
        """Whether an analysis result of the last build is the same in this one (each compared once)."""
        from generator.analysis import figures as an

        key = (name, args, id(old))
        hit = self._same_analysis.get(key)
        if hit is None or hit[0] is not old:
            hit = self._same_analysis[key] = (old, old is not MISSING and
                                              _same(old, getattr(an, name)(self._ds, *args)))
        return hit[1]

    def analysis_for(self, tracker: FieldTracker) -> Any:
        """Ctx.an for a chart made in this build: the result for this build's dataset, noted in the tracker."""
        ds = self._ds

        def get(fn: Any, *args: Any) -> Any:
            value = fn(ds, *args)
            tracker.analysis[(fn.__name__, args)] = value
            return value

        return get

    def chart_dataset(self, key: str) -> ChartDataset:
        """The tracked view of this build's dataset for one chart: both editions' charts of a key share it (and
        so the analysis results memoized on it, and one record of what they read)."""
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = ChartDataset(self._ds, FieldTracker())
        return view

    def keep_charts(self, lang: str, made: _Charts) -> None:
        self._charts_next[lang] = made

    def kept_charts(self, lang: str) -> _Charts | None:
        return self._charts_next.get(lang)

    def begin_edition(self, lang: str, extra: Any, views: dict[str, Any]) -> None:
        """Start rendering a language: its pages are reused only under the same fingerprint (base, extra).

        Every input the language's pages read last time is compared once, here; a page is then reused when
        none of its inputs is among the changed ones.
        """
        assert self._world is not None
        self._world.charts[lang] = views
        fingerprint = self._fingerprints[lang] = (self._base, extra)
        ok = self._usable and self.world is not None and fingerprint == self.fingerprints.get(lang)
        if not ok:
            self._changes[lang] = None
            return
        changes = Changes(self.world, self._world)  # type: ignore[arg-type]
        inputs = self.inputs.get(lang)
        if inputs is None:
            inputs = set()
            for (page_lang, _file), entry in self.pages.items():
                if page_lang == lang:
                    inputs.update(entry.deps)
        self._changes[lang] = frozenset(dep for dep in inputs if changes.changed(dep))  # type: ignore[assignment]

    def reuse(self, lang: str, page: Any) -> _Entry | None:
        """The page as the previous build rendered it, if none of its inputs changed."""
        changed = self._changes.get(lang)
        entry = self.pages.get((lang, page.file))
        if entry is None or changed is None:
            return None
        if (entry.template, entry.url, entry.title_key) != (page.template, page.url, page.title_key):
            return None
        if entry.context.keys() != page.context.keys() or \
                not all(_same(entry.context[k], page.context[k]) for k in page.context):
            return None
        return entry if entry.deps.isdisjoint(changed) else None

    def entry(self, page: Any, tracker: Tracker, data: bytes) -> _Entry:
        """What to remember of a page just rendered."""
        deps = set(tracker.deps)
        shared = self._world.shared if self._world is not None else {}
        deps.update(("shared", name) for name in tracker.names if name in shared)
        return _Entry(page.template, page.url, page.title_key, dict(page.context), frozenset(deps), data)

    def adopt(self, lang: str, records: dict[tuple[str, str], tuple[_Entry, bool]], views: dict[str, Any],
              kept: _Charts | None, pages: dict[str, Any] | None = None) -> None:
        """Take one language's part of the build (possibly made in a forked process).

        pages: this build's pages by file. A page from a forked process holds copies of its records; it gets
        this process's own, so that the next build compares records by identity rather than field by field.
        """
        assert self._world is not None
        self._world.charts[lang] = views
        self._fingerprints.setdefault(lang, (self._base, tuple(kept.site_chart_ids) if kept else ()))
        if kept is not None:
            self._charts_next[lang] = kept
            from generator.analysis import figures as an

            for job in kept.jobs.values():  # results sent by a forked process come without values: ours
                t = job.tracker
                if any(v is MISSING for v in t.analysis.values()):
                    t.analysis = {k: getattr(an, k[0])(self._ds, *k[1]) for k in t.analysis}
        # Every input the language's pages read, for the next build to compare: the last build's (a reused
        # page read nothing new) and what the pages rendered now read. Pages no longer built may leave a few
        # inputs behind, which costs a comparison and nothing else.
        last = self.inputs.get(lang) if self._changes.get(lang) is not None else None
        inputs = self._inputs_next[lang] = set(last) if last is not None else set()
        for key, (entry, reused) in records.items():
            if pages is not None and key[1] in pages:
                entry.context = dict(pages[key[1]].context)
            self._next[key] = entry
            if reused:
                self.reused += 1
                if last is None:
                    inputs.update(entry.deps)
            else:
                self.rendered += 1
                self.pages_rendered.append(f"{key[0]}:{key[1]}")
                inputs.update(entry.deps)

    def commit(self) -> None:
        """The build succeeded: its pages and charts become the previous build."""
        self._views, self._same_analysis = {}, {}
        self.pages, self._next = self._next, {}
        self.inputs, self._inputs_next = self._inputs_next, {}
        self.charts, self._charts_next = self._charts_next, {}
        self.fingerprints, self.world, self.base = self._fingerprints, self._world, self._base
        if len(self.rows) > 2 * sum(len(getattr(self._ds, k)) for k in KINDS) + 1000:  # forget records gone
            self.rows.clear()

    def memo_list(self, key: Any, records: list, make: Any) -> list:
        """[make(r) for r in records], reusing what the last call under key made for the same objects (an edit
        replaces a record or two of thousands: comparing by identity is a hundred times cheaper than memo())."""
        hit = self.lists.get(key)
        made = hit[1] if hit is not None else {}
        values = []
        for r in records:
            value = made.get(id(r), made)
            values.append(make(r) if value is made else value)
        # Keep the records alive with their values, so that their ids stay theirs.
        self.lists[key] = (list(records), {id(r): v for r, v in zip(records, values)})
        return values

    def memo(self, table: dict, key: tuple, records: tuple, make: Any) -> Any:
        """make(), remembered under key while the records it came from are the same objects."""
        hit = table.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], records)):
            return hit[1]
        value = make()
        table[key] = (records, value)
        return value


# --------------------------------------------------------------------------- what the charts read

class FieldTracker:
    """What one chart read while it was made: analysis results (Ctx.an), and the record fields ((kind, id) ->
    names) and whole record lists it read directly."""

    __slots__ = ("fields", "lists", "everything", "analysis")

    def __init__(self) -> None:
        self.fields: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.lists: set[str] = set()
        self.everything = False
        # Analysis results the chart was made from (Ctx.an): (function name, arguments) -> result. A chart
        # is made again only if one of them is different, however many records the analysis read.
        self.analysis: dict[tuple[str, tuple], Any] = {}

    def __getstate__(self) -> dict:
        # Sent from a forked process without the results (they hold records): the parent fills them in again
        # from its own records (RenderCache.adopt), which also lets the next build compare them by identity.
        return {"fields": self.fields, "lists": self.lists, "everything": self.everything,
                "analysis": list(self.analysis)}

    def __setstate__(self, state: dict) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self.analysis = dict.fromkeys(state["analysis"], MISSING)  # this process's MISSING: to be filled in


class TrackedRecord:
    """A record whose field reads are noted (attributes it does not have raise as usual)."""

    __slots__ = ("_r", "_fields")

    def __init__(self, record: Any, fields: set[str]):
        object.__setattr__(self, "_r", record)
        object.__setattr__(self, "_fields", fields)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._r, name)
        self._fields.add(name)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("records are read-only")

    def __repr__(self) -> str:
        self._fields.add("*")
        return repr(self._r)


class ChartDataset:
    """The dataset as one chart function sees it, with every record field it reads noted."""

    def __init__(self, ds: Dataset, tracker: FieldTracker):
        self._ds, self._t = ds, tracker
        self._lists: dict[str, list] = {}

    def __getattr__(self, name: str) -> Any:
        if name in KINDS:
            self._t.lists.add(name)
            lst = self._lists.get(name)
            if lst is None:
                fields = self._t.fields
                lst = self._lists[name] = [TrackedRecord(r, fields[(name, r.id)]) for r in getattr(self._ds, name)]
            return lst
        self._t.everything = True
        return getattr(self._ds, name)

    def index(self, kind: str) -> dict[str, Any]:
        return {r._r.id: r for r in getattr(self, kind)}


@dataclass
class _ChartJob:
    """One chart as made last time (None when there was nothing to show), its files, and what it read."""

    tracker: FieldTracker
    chart: Any
    files: dict[str, bytes]


@dataclass
class _Charts:
    """A language's charts as built last time: chart job key -> _ChartJob, and the site-wide charts' ids."""

    jobs: dict[str, _ChartJob]
    site_chart_ids: list[str]


class RecordDiff:
    """How the records of one dataset differ from another's, worked out once for every chart to consult."""

    def __init__(self, old: Dataset, new: Dataset):
        self.same = True
        self.ids_changed: set[str] = set()                       # kinds whose ids (or their order) changed
        self.changed: dict[tuple[str, str], tuple[Any, Any]] = {}  # (kind, id) -> (old or None, new or None)
        for kind in KINDS:
            old_list, new_list = getattr(old, kind), getattr(new, kind)
            if old_list is new_list or (len(old_list) == len(new_list) and
                                        all(a is b for a, b in zip(old_list, new_list))):
                continue
            self.same = False
            if [r.id for r in old_list] != [r.id for r in new_list]:
                self.ids_changed.add(kind)
            old_map, new_map = _by_id(old, kind), _by_id(new, kind)
            for rid in old_map.keys() | new_map.keys():
                was, now = old_map.get(rid), new_map.get(rid)
                if was is not now:
                    self.changed[(kind, rid)] = (was, now)

    def still_valid(self, tracker: FieldTracker) -> bool:
        """Whether everything a chart read is the same in the new dataset."""
        if self.same:
            return True
        if tracker.everything or tracker.lists & self.ids_changed:
            return False
        for (kind, rid), (was, now) in self.changed.items():
            names = tracker.fields.get((kind, rid))
            if not names:
                continue
            if was is None or now is None or "*" in names:
                return False
            if any(not _same(getattr(was, n, MISSING), getattr(now, n, MISSING)) for n in names):
                return False
        return True


def _by_id(ds: Dataset, kind: str) -> dict[str, Any]:
    return {r.id: r for r in getattr(ds, kind)}


def wrap_for_page(ds: Dataset, idx: dict, charts: dict, lang: str) -> tuple[Tracker, Any, Any, Any]:
    """A tracker and tracked views of the dataset, lookup tables and charts, for one page."""
    tracker = Tracker()
    return (tracker, TrackedDataset(ds, tracker), TrackedIndex(("idx",), idx, tracker),
            TrackedMapping(("chart", lang), charts, tracker))


# --------------------------------------------------------------------------- loading only what changed

class _Fallback(Exception):
    """The incremental loader cannot decide: do a full load."""


def split_records(text: str) -> list[tuple[int, str]] | None:
    """(0-based line, text) of each top-level record of a block-sequence YAML file, or None if it is not one."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line[:1] == "-" and (len(line) == 1 or line[1] in " \t")]
    head = lines[:starts[0]] if starts else lines
    if any(line.strip() and not line.lstrip().startswith("#") for line in head):
        return None
    bounds = starts + [len(lines)]
    return [(bounds[i], "\n".join(lines[bounds[i]:bounds[i + 1]])) for i in range(len(starts))]


def _parse_record(chunk: str, line: int, display: str) -> PosDict:
    try:
        loaded = load_yaml_text("\n" * line + chunk, display)
    except LoadError:
        raise _Fallback from None
    if not isinstance(loaded, PosList) or len(loaded) != 1 or not isinstance(loaded[0], PosDict):
        raise _Fallback
    return loaded[0]


@dataclass
class _KindState:
    text: str | None
    records: list
    by_text: dict[str, Any] | None     # record text -> validated record


class IncrementalLoader:
    """validate.load_dataset with memory of the previous load."""

    def __init__(self, data_dir: Path, display_root: str | None = None):
        self.data_dir = Path(data_dir)
        self.display_root = display_root if display_root is not None else str(data_dir)
        self.state: dict[str, _KindState] | None = None
        self.full_loads = 0
        self.parsed = 0

    def _read(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for kind, (filename, _model, _doc) in KINDS.items():
            try:
                out[kind] = (self.data_dir / filename).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                out[kind] = None
        return out

    def load(self) -> Dataset:
        """The dataset; raises validate.DataError exactly as load_dataset does."""
        texts = self._read()
        if self.state is not None:
            try:
                return self._incremental(texts)
            except _Fallback:
                pass
        return self._full()

    def _full(self) -> Dataset:
        from generator.model.validate import load_dataset

        self.full_loads += 1
        for _attempt in range(3):  # an editor may save while we read: make sure texts and records match
            before = self._read()
            ds = load_dataset(self.data_dir, self.display_root)
            after = self._read()
            if before == after:
                break
        state = {}
        for kind in KINDS:
            records = list(getattr(ds, kind))
            text = after[kind]
            split = split_records(text) if text is not None else None
            by_text = dict(zip((chunk for _line, chunk in split), records)) \
                if split is not None and len(split) == len(records) else None
            state[kind] = _KindState(text, records, by_text)
        self.state = state
        return ds

    @gc_paused()
    def _incremental(self, texts: dict[str, str | None]) -> Dataset:
        from generator.model.validate import _cross_checks

        assert self.state is not None
        records: dict[str, list] = {}
        parsed: dict[str, list[tuple[PosDict, Any]]] = defaultdict(list)
        new_state: dict[str, _KindState] = {}
        root = self.display_root.rstrip("/")
        for kind, (filename, model, _doc) in KINDS.items():
            old = self.state[kind]
            text = texts[kind]
            if text == old.text:
                records[kind] = old.records
                new_state[kind] = old
                continue
            if text is None or old.by_text is None:
                raise _Fallback
            split = split_records(text)
            if split is None:
                raise _Fallback
            display = f"{root}/{filename}"
            out = []
            for line, chunk in split:
                record = old.by_text.get(chunk)
                if record is None:
                    item = _parse_record(chunk, line, display)
                    try:
                        record = model.model_validate(item)
                    except ValidationError:
                        raise _Fallback from None
                    parsed[kind].append((item, record))
                out.append(record)
            records[kind] = out
            new_state[kind] = _KindState(text, out, dict(zip((c for _l, c in split), out)))
            old_ids = [r.id for r in old.records]
            new_ids = [r.id for r in out]
            if len(set(new_ids)) != len(new_ids) or set(new_ids) != set(old_ids):
                raise _Fallback  # ids added, removed or repeated: every reference must be checked again
        # References and citation coverage of the parsed records, against every id (stand-ins for the others).
        raw: dict[str, list] = {}
        for kind in KINDS:
            fresh = {id(r) for _item, r in parsed.get(kind, ())}
            raw[kind] = [(_stub(r.id), None) for r in records[kind] if id(r) not in fresh] + list(parsed.get(kind, ()))
        if _cross_checks(raw, set()):
            raise _Fallback
        self.parsed += sum(len(v) for v in parsed.values())
        self.state = new_state
        return Dataset.model_construct(**records)


_STUB_POS = Pos("<unchanged>", 0, 0)


def _stub(rid: str) -> PosDict:
    """A loaded record that only says its id (for reference checks of the records around it)."""
    out = PosDict(id=rid)
    out.start = _STUB_POS
    out.key_pos = {"id": _STUB_POS}
    out.value_pos = {"id": _STUB_POS}
    return out


# --------------------------------------------------------------------------- the regenerator

@dataclass
class Result:
    """What one regeneration did."""

    written: list[str]
    unchanged: int
    removed: list[str]
    files: int
    rendered: int
    reused: int
    parsed: int
    seconds: float
    charts_made: list[str] = field(default_factory=list)     # "lang:chart" made anew (not reused)
    pages_rendered: list[str] = field(default_factory=list)  # "lang:file" rendered (not reused)


class Regenerator:
    """Keeps what the last build produced, so the next one after an edit does only what the edit needs."""

    def __init__(self, data: Path, out: Path, langs: tuple[str, ...] | None = None, static: bool = True,
                 display_root: str | None = None, parallel: bool = False):
        from generator.pages.i18n import LANGS

        self.out = Path(out)
        self.langs = tuple(langs or LANGS)
        self.static = static
        self.parallel = parallel
        self.loader = IncrementalLoader(data, display_root)
        self.cache = RenderCache()
        if static:  # chart-rendering processes for the whole session (see statics.py), one per core that
            # regenerating leaves free, up to two (on two cores, a second one slowed the regeneration it
            # worked beside more than it sped the renderings); they start during the first build, with font
            # subsets for its charts
            from generator.charts.statics import Renderer

            self.cache.renderer = [Renderer() for _ in range(max(1, min(2, (os.cpu_count() or 1) - 1)))]
        self.known: dict[str, tuple[bytes, int, int]] = {}

    def close(self) -> None:
        """Stop the chart-rendering process (it also stops by itself when this process ends)."""
        for renderer in self.cache.renderer or ():
            renderer.close()

    def run(self, show_progress: bool = False) -> Result:
        """Load, generate and write; raises DataError, BuildError or ClashError like a full build."""
        from generator.pages.build import generate
        from generator.outputs.write import write_all

        started = time.perf_counter()
        parsed_before = self.loader.parsed
        ds = self.loader.load()
        # Editions in parallel for the first build only: after an edit there is little to render, and forking
        # a process this size would cost more than it saves.
        files = generate(ds, self.langs, static=self.static, show_progress=show_progress,
                         parallel=self.parallel and self.cache.world is None, cache=self.cache)
        report = write_all(self.out, files, known=self.known)
        for renderer in self.cache.renderer or ():  # the rendering processes started by this build are ready
            renderer.settle()
        return Result(report.written, report.unchanged, report.removed, len(files), self.cache.rendered,
                      self.cache.reused, self.loader.parsed - parsed_before, time.perf_counter() - started,
                      list(self.cache.charts_made), sorted(self.cache.pages_rendered))
