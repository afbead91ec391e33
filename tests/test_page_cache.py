"""The page cache (generator/pages/cache.py): a build given it makes exactly the files a build without it makes,
after an edit of any record, a template or a locale string; a page plan that leaves out a record a page reads
is caught."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from pydantic import ValidationError

from generator.model.records import KINDS, Dataset
from generator.model.validate import _REFS
from generator.pages import i18n, plan, render
from generator.pages.build import generate
from generator.pages.cache import PageCache

_FIXED = {"id", "quote", "source", "fields"}  # a quote needs its translation, a source its archive; fields
# name what a citation supports (the build checks every stated value has one): not edited here


def _candidates(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, (int, float)):
        return [value + 1]
    if not isinstance(value, str):
        return []
    out = []
    if re.fullmatch(r"\d{4}(-\d\d){0,2}", value):
        out.append(str(int(value[:4]) - 1) + value[4:])
    try:
        out.append(str(Decimal(value) + 1))
    except InvalidOperation:
        pass
    return out + [value + "（改）"]


def _edited(record: Any, kind: str, ds: Dataset) -> Any:
    """The record with every field it can take changed (each leaf in turn, kept when the record stays valid):
    texts marked, numbers and dates moved, choices and references switched to another value."""
    model, data = type(record), record.model_dump(mode="json")
    refs = dict(_REFS.get(kind, {}))
    ids = {k: [r.id for r in getattr(ds, k)] for k in KINDS}

    def valid() -> bool:
        try:
            model.model_validate(data)
            return True
        except ValidationError as exc:
            return False

    def choices(parent: Any, key: Any) -> list[Any]:
        """Another allowed value of a choice, from the model's complaint about an unknown one."""
        old = parent[key]
        parent[key] = "\0"
        try:
            model.model_validate(data)
            return []
        except ValidationError as exc:
            found = [c for e in exc.errors() if e["type"] == "literal_error"
                     for c in re.findall(r"'([^']*)'", e["ctx"]["expected"])]
            return [c for c in found if c != old]
        finally:
            parent[key] = old

    def walk(node: Any, name: Any) -> None:
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        for key, value in items:
            field = key if isinstance(key, str) else name
            if isinstance(value, (dict, list)):
                walk(value, field)
                continue
            if field in _FIXED or value is None:
                continue
            if field in refs:
                pool = [i for k in refs[field].split("|") for i in ids.get(k, []) if i not in (value, record.id)]
                options = pool[:2]
            else:
                options = _candidates(value) + (choices(node, key) if isinstance(value, str) else [])
            for option in options:
                node[key] = option
                if valid():
                    break
                node[key] = value

    walk(data, None)
    assert data != record.model_dump(mode="json")
    return model.model_validate(data)


def _most_referenced(ds: Dataset, kind: str) -> Any:
    """The record of a kind whose id the rest of the data names most often (the most pages read it)."""
    text = ds.model_dump_json()
    return max(getattr(ds, kind), key=lambda r: text.count(f'"{r.id}"'))


def _most_printed(ds: Dataset, kind: str, files: dict[str, bytes], rank: int) -> Any:
    """The record of a kind whose name (or quote, or title) the most pages print (rank 0), the next (1), …"""
    def shown(r: Any) -> bytes:
        text = getattr(r, "name", None) or getattr(r, "title", None) or getattr(r, "quote", None) or r.id
        return (text if isinstance(text, str) else text.zh).encode()

    pages = [data for rel, data in files.items() if rel.endswith(".md")]
    ranked = sorted(getattr(ds, kind), key=lambda r: -sum(shown(r) in page for page in pages))
    return ranked[min(rank, len(ranked) - 1)]


def _with(ds: Dataset, kind: str, record: Any) -> Dataset:
    return Dataset(**{k: [record if k == kind and r.id == record.id else r for r in getattr(ds, k)] for k in KINDS})


def _stale(ds: Dataset, cache: PageCache) -> list[str]:
    """Files where a build given the cache differs from one without it."""
    cached, fresh = generate(ds, static=False, cache=cache), generate(ds, static=False)
    return sorted(k for k in fresh.keys() | cached.keys() if cached.get(k) != fresh.get(k))


@pytest.fixture
def filled(dataset, tmp_path):
    cache = PageCache(tmp_path / "pages")
    cache.files = generate(dataset, static=False, cache=cache)
    return cache


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("pick", ["most referenced", 0])  # or the most printed
def test_a_cached_build_after_an_edit_of_every_field_of_a_record_is_an_uncached_build(dataset, filled, kind, pick):
    if not getattr(dataset, kind):
        pytest.fail(f"the shipped data has no {kind}: this test needs one")
    record = _most_referenced(dataset, kind) if pick == "most referenced" else _most_printed(dataset, kind, filled.files, pick)
    hits = filled.hits
    assert _stale(_with(dataset, kind, _edited(record, kind, dataset)), filled) == []
    assert filled.hits > hits or kind == "sources"  # pages that do not read it came from the cache (all read sources)


def _marked(record: Any, kind: str, tag: str) -> Any:
    """The record with tag after each of its texts (each kept when the record stays valid)."""
    model, data = type(record), record.model_dump(mode="json")
    refs = _REFS.get(kind, {})

    def walk(node: Any, name: Any) -> None:
        for key, value in list(node.items()) if isinstance(node, dict) else list(enumerate(node)):
            field = key if isinstance(key, str) else name
            if isinstance(value, (dict, list)):
                walk(value, field)
            elif isinstance(value, str) and field not in _FIXED and field not in refs:
                node[key] = value + tag
                try:
                    model.model_validate(data)
                except ValidationError:
                    node[key] = value

    walk(data, None)
    return model.model_validate(data)


def _printed_without_reading(ds: Dataset) -> list[str]:
    """Pages that print a text of a record their plan entry does not say they read: every text of every
    record is marked with a tag of its own, the site built once, and each page's tags looked up."""
    owner, lists = {}, {}
    for kind in KINDS:
        lists[kind] = []
        for r in getattr(ds, kind):
            tag = f"〔{chr(0x4E00 + len(owner))}〕"
            owner[tag] = (kind, r.id)
            lists[kind].append(_marked(r, kind, tag))
    marked = Dataset(**lists)
    files = generate(marked, static=False)
    problems = []
    for page in plan.plan(marked):
        if page.reads is None:
            continue
        for prefix in ("", "en/"):
            for tag in set(re.findall("〔.〕", files[prefix + page.file].decode("utf-8"))):
                kind, rid = owner[tag]
                if (kind, rid) not in page.reads and (kind, None) not in page.reads:
                    problems.append(f"{prefix}{page.file}: prints {kind} {rid}")
    return sorted(set(problems))


def test_every_page_reads_each_record_it_prints(dataset):
    assert _printed_without_reading(dataset) == []


def test_a_page_plan_that_leaves_out_a_record_its_page_reads_is_caught(dataset, filled, monkeypatch):
    """The comparison above fails when a page's reads miss what it prints (here: a collectible's platform)."""
    real = plan._collectible_reads
    monkeypatch.setattr(plan, "_collectible_reads", lambda c, idx: tuple(r for r in real(c, idx) if r[0] != "platforms"))
    generate(dataset, static=False, cache=filled)  # the cache filled under the broken plan
    platform = _most_referenced(dataset, "platforms")
    edited = _edited(platform, "platforms", dataset)
    stale = _stale(_with(dataset, "platforms", edited), filled)
    assert any(f.startswith(("collectibles/", "en/collectibles/")) for f in stale), stale
    assert any(" prints platforms " in p for p in _printed_without_reading(dataset))


def test_a_cached_build_after_a_template_or_a_locale_edit_is_an_uncached_build(dataset, filled, tmp_path, monkeypatch):
    shutil.copytree(render.TEMPLATES, tmp_path / "templates")
    shutil.copytree(i18n.LOCALE_DIR, tmp_path / "locales")
    monkeypatch.setattr(render, "TEMPLATES", tmp_path / "templates")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locales")
    template = tmp_path / "templates" / "partials" / "macros.md.j2"  # every page's references
    template.write_text(template.read_text(encoding="utf-8").replace("## {{ _(\"引用\") }}", "## {{ _(\"引用\") }} ·"),
                        encoding="utf-8")
    assert _stale(dataset, filled) == []
    po = tmp_path / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "Citations"' in text
    po.write_text(text.replace('msgstr "Citations"', 'msgstr "Our citations"'), encoding="utf-8")
    cached = generate(dataset, static=False, cache=filled)
    assert b"## Our citations" in cached["en/collectibles/jd-qinglv-coin/index.md"]
    assert _stale(dataset, filled) == []


def test_a_failed_build_stores_nothing(dataset, tmp_path, monkeypatch):
    """A build that fails (here: a translation missing) leaves the cache as it was, so that the next build
    renders those pages again and fails again rather than finding them."""
    from generator.errors import BuildError

    shutil.copytree(i18n.LOCALE_DIR, tmp_path / "locales")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locales")
    po = tmp_path / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Citations"', 'msgstr ""'), encoding="utf-8")
    cache = PageCache(tmp_path / "pages")
    for _ in range(2):
        with pytest.raises(BuildError, match="missing en translation: '引用'"):
            generate(dataset, static=False, cache=cache)
    assert not (tmp_path / "pages").exists()


def test_the_cache_folder_holds_one_build_s_pages_not_every_build_s(dataset, tmp_path):
    """After a build of both editions the folder holds the pages that build used: the entries of pages whose
    inputs have changed since are gone (the folder does not grow with every edit)."""
    folder = tmp_path / "pages"
    entries = lambda: {p.name for p in folder.rglob("*") if p.is_file()}  # noqa: E731
    generate(dataset, static=False, cache=PageCache(folder))
    first = entries()
    c = dataset.collectibles[0]
    edited = _with(dataset, "collectibles", c.model_copy(
        update={"description": c.description.model_copy(update={"zh": "（编辑甲）" + c.description.zh})}))
    generate(edited, static=False, cache=PageCache(folder))
    second = entries()
    assert len(second) == len(first) and second != first  # the edited pages' new entries replaced the old
    generate(edited, static=False, langs=("zh",), cache=PageCache(folder))
    assert entries() == second  # one edition's build leaves the other's entries
