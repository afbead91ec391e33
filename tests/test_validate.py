"""The validator: every kind of bad input gets `file:line:col: field: message`, exit 1, no traceback."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.validate import DataError, load_dataset

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A writable copy of data/."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def mutate(data: Path, name: str, old: str, new: str) -> tuple[int, int]:
    """Replace the first `old` in data/<name> with `new`; return (line, column) where `new` starts."""
    path = data / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    at = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    return line, col


@contextlib.contextmanager
def split_any_size():
    """The two-halves path (validate._load_split) taken for a file of any size, such as data/'s."""
    from generator import validate

    was = validate.SPLIT_BYTES
    validate.SPLIT_BYTES = 0
    try:
        yield validate
    finally:
        validate.SPLIT_BYTES = was


def problems(data: Path) -> list[str]:
    """The problems found in a data folder; the two-halves path gives up on it (and leaves them to the
    one-process path, which says where each is)."""
    with pytest.raises(DataError) as info:
        load_dataset(data, "data")
    with split_any_size() as validate:
        assert validate._load_split(data, "data") is None
    with split_any_size(), pytest.raises(DataError) as again:
        load_dataset(data, "data", split=True)
    assert again.value.problems == info.value.problems
    return [str(p) for p in info.value.problems]


def test_shipped_data_is_valid():
    ds = load_dataset(ROOT / "data", "data")
    assert len(ds.platforms) == 3
    assert {p.id for p in ds.platforms} == {"jd-lingxi", "tmall-digital-collectibles", "xiaohongshu-r-space"}


def test_malformed_yaml(data):
    line, _ = mutate(data, "sources.yaml", '  author: 晓艳\n', '  author: [晓艳\n')
    found = problems(data)
    assert len(found) == 1
    assert found[0].startswith("data/sources.yaml:")
    assert ": YAML: " in found[0]


def test_missing_file(data):
    (data / "events.yaml").unlink()
    assert "data/events.yaml:1:1: file not found" in problems(data)


def test_wrong_type(data):
    line, col = mutate(data, "collectibles.yaml", "price: {value: 9.9, currency: CNY}",
                       "price: {value: cheap, currency: CNY}")
    assert problems(data) == [f"data/collectibles.yaml:{line}:{col + 15}: price.value: must be a number, got 'cheap'"]


def test_unknown_key_with_hint(data):
    line, col = mutate(data, "collectibles.yaml", "  price: {value: 9.9", "  prise: {value: 9.9")
    found = problems(data)
    assert f"data/collectibles.yaml:{line}:3: prise: unknown field (did you mean 'price'?)" in found


def test_duplicate_id(data):
    first, _ = mutate(data, "collectibles.yaml", "- id: joy-doga\n", "- id: joy-doga\n")
    line, col = mutate(data, "collectibles.yaml", "- id: manhua-sanguo\n", "- id: joy-doga\n")
    found = problems(data)
    assert f"data/collectibles.yaml:{line}:7: id: duplicate id 'joy-doga' (first used at line {first})" in found


def test_dangling_reference(data):
    line, col = mutate(data, "events.yaml", "platform: jd-lingxi", "platform: jd-lingxy")
    assert problems(data) == [
        f"data/events.yaml:{line}:{col + 10}: platform: 'jd-lingxy' is not an id in platforms.yaml (did you mean 'jd-lingxi'?)"]


def test_impossible_date(data):
    line, col = mutate(data, "platforms.yaml", 'launch: "2021-12-17"', 'launch: "2021-02-30"')
    assert problems(data) == [f"data/platforms.yaml:{line}:{col + 8}: launch: is not a real date, got '2021-02-30'"]


def test_date_must_be_iso(data):
    line, col = mutate(data, "platforms.yaml", 'launch: "2021-12-17"', 'launch: "17/12/2021"')
    assert problems(data) == [
        f"data/platforms.yaml:{line}:{col + 8}: launch: must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), got '17/12/2021'"]


def test_negative_price(data):
    line, col = mutate(data, "collectibles.yaml", "price: {value: 9.9, currency: CNY}",
                       "price: {value: -5, currency: CNY}")
    assert problems(data) == [f"data/collectibles.yaml:{line}:{col + 15}: price.value: must be >= 0, got -5"]


def test_an_absurd_figure_is_a_data_error_not_a_crash(data):
    line, col = mutate(data, "collectibles.yaml", "price: {value: 9.9, currency: CNY}",
                       "price: {value: 99999999999999999999999999999.9, currency: CNY}")
    assert problems(data) == [f"data/collectibles.yaml:{line}:{col + 15}: price.value: "
                              f"decimal input should have no more than 20 digits in total, got 1e+29"]
    mutate(data, "collectibles.yaml", "price: {value: 99999999999999999999999999999.9, currency: CNY}",
           "price: {value: 5000000000000000, currency: CNY}")
    assert problems(data) == [f"data/collectibles.yaml:{line}:{col + 15}: price.value: "
                              f"must be < 1000000000000000, got 5000000000000000"]


def test_edition_must_be_at_least_one(data):
    line, col = mutate(data, "collectibles.yaml", "edition: {value: 300}", "edition: {value: 0}")
    found = problems(data)
    assert f"data/collectibles.yaml:{line}:{col + 17}: edition.value: must be >= 1, got 0" in found


def test_javascript_url(data):
    line, col = mutate(data, "sources.yaml", 'original_url: "https://mp.weixin.qq.com/s?__biz=MzI4',
                       'original_url: "javascript:alert(1)"\n  x_old: "')
    found = problems(data)
    assert f"data/sources.yaml:{line}:{col + 14}: original_url: must be an http or https URL, got 'javascript:alert(1)'" in found


def test_range_min_above_max(data):
    line, col = mutate(data, "metrics.yaml", "min: 600000000", "min: 900000000")
    found = problems(data)
    assert any(p.startswith("data/metrics.yaml:") and "min 900000000 is greater than max 800000000" in p for p in found)


def test_uncited_field(data):
    # A citation limited to some fields leaves another fact field without support.
    path = data / "collectibles.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: xhs-2021-11-11-with-physical-goods")
    block = text[start:]
    old = "    - {source: leibao-2022-06-03, para: 46, quote: \"如其去年11月11日发行的9款藏品，均包含实体商品\"}"
    assert old in block
    new = old[:-1] + ", fields: [items]}"
    path.write_text(text[:start] + block.replace(old, new, 1), encoding="utf-8")
    found = problems(data)
    assert any(p.startswith("data/collectibles.yaml:") and ": goods: no citation supports this field" in p for p in found)


def test_every_problem_reported_at_once(data):
    mutate(data, "events.yaml", "platform: jd-lingxi", "platform: nowhere")
    mutate(data, "collectibles.yaml", "price: {value: 9.9", "price: {value: -1")
    mutate(data, "platforms.yaml", 'launch: "2021-12-17"', 'launch: "2021-13-01"')
    assert len(problems(data)) == 3


def test_cli_reports_and_exits_1_without_traceback(data):
    mutate(data, "collectibles.yaml", "price: {value: 9.9", "price: {value: -5")
    out = data.parent / "out"
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(data), "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{data}/collectibles.yaml:" in result.stderr
    assert "price.value: must be >= 0, got -5" in result.stderr
    assert not out.exists(), "nothing may be written when the data is invalid"


def test_cli_validate_success_prints_counts():
    result = subprocess.run([sys.executable, "-m", "generator", "validate"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("data: valid: ")
    assert "3 platforms" in result.stdout


# --------------------------------------------------------------------------- the two YAML loaders

TRICKY_YAML = """\
- id: tricky
  yes_no: [yes, no, on, off, Yes, NO, y, n, true, False]
  nulls: [~, null, Null, '', ""]
  numbers: [0, -1, +2, 1_000, 0o17, 017, 0x1F, 0b101, 1.5, .5, -.5, 1e3, 6.02e+23, .inf, -.Inf, .nan, 190:20:30]
  dates: [2022-06-03, 2022-06, 2022, '2022-06-03', 2001-12-14t21:59:43.10-05:00]
  text: [plain, "double", 'single', 合成电商, '=', <<x, '- x', 12abc, 1.2.3, 0.1.0]
  block: |
    line one
    line two
  folded: >-
    folded
    text
  nested: {a: {b: [1, {c: d}]}, "quoted key": 1, 2: two, 3.5: x, true: t}
  empty_map: {}
  empty_list: []
"""


def _same(fast, slow, where: str = "") -> None:
    """Equal values of equal types, with equal positions throughout."""
    from generator.load import PosDict, PosList

    assert type(fast) is type(slow), where
    if isinstance(fast, float) and fast != fast:
        assert slow != slow, where
        return
    assert fast == slow, where
    if isinstance(fast, PosDict):
        assert (fast.start, fast.key_pos, fast.value_pos) == (slow.start, slow.key_pos, slow.value_pos), where
        for key in fast:
            _same(fast[key], slow[key], f"{where}.{key}")
    elif isinstance(fast, PosList):
        assert (fast.start, fast.item_pos) == (slow.start, slow.item_pos), where
        for i, (a, b) in enumerate(zip(fast, slow)):
            _same(a, b, f"{where}[{i}]")


@pytest.mark.parametrize("name", ["tricky", *sorted(p.name for p in (ROOT / "data").glob("*.yaml"))])
def test_libyaml_path_reads_what_the_python_loader_reads(name: str) -> None:
    """The fast path (libyaml, with its quicker tag resolution) gives the same values, types and positions as
    PyYAML's pure-Python loader, for the data files and for scalars whose type YAML 1.1 guesses."""
    from generator import load

    text = TRICKY_YAML if name == "tricky" else (ROOT / "data" / name).read_text(encoding="utf-8")
    assert load._CLoader is not None, "PyYAML without libyaml: the fast path is not tested"
    fast = load._load_fast(text, name)
    loader = load._Loader(text)
    loader.path = name
    try:
        slow = loader.get_single_data()
    finally:
        loader.dispose()
    _same(fast, slow)


# --------------------------------------------------------------------------- one file in two halves

def test_split_path_reads_the_same_dataset(tmp_path: Path) -> None:
    """The largest file read in two halves, the second in a forked process, gives the Dataset the one-process
    path gives, record for record and in order."""
    from generator.synth import write_synth

    write_synth(tmp_path / "data", 300, platforms=3, seed=5)
    for folder in (ROOT / "data", tmp_path / "data"):
        with split_any_size() as validate:
            split = validate._load_split(folder, "data")
            assert split is not None, folder
        assert split == load_dataset(folder, "data")
        assert [c.id for c in split.collectibles] == [c.id for c in load_dataset(folder, "data").collectibles]


def _halves(data: Path) -> tuple[str, str]:
    """data/collectibles.yaml's first and second halves, cut as _load_split cuts it."""
    from generator import validate

    text = (data / "collectibles.yaml").read_text(encoding="utf-8")
    cut = validate._cut(text)
    assert cut is not None and text[cut:].startswith("- id: ")
    return text[:cut], text[cut:]


@pytest.mark.parametrize("case", ["duplicate across halves", "dangling in the second half", "alias across halves",
                                  "bad value in the second half"])
def test_split_path_gives_up_on_problems_across_its_halves(data: Path, case: str, monkeypatch) -> None:
    """Problems that only the two halves together show, or that only the forked half meets, are found and
    reported with their places by the one-process path."""
    head, tail = _halves(data)
    first_id = head[head.index("- id: ") + 6:].split("\n", 1)[0]
    second_id = tail[6:].split("\n", 1)[0]
    if case == "duplicate across halves":
        tail = tail.replace(f"- id: {second_id}\n", f"- id: {first_id}\n", 1)
    elif case == "dangling in the second half":
        tail = tail.replace("  platform: ", "  platform: no-such-", 1)
    elif case == "alias across halves":
        head = head.replace("  kind: ", "  kind: &k ", 1)
        tail = re.sub(r"\n  kind: \w+", "\n  kind: *k", tail, count=1)
    else:
        tail = tail.replace("  kind: ", "  kind: 7", 1)
    (data / "collectibles.yaml").write_text(head + tail, encoding="utf-8")
    from generator import validate

    monkeypatch.setattr(validate, "_cut", lambda text: len(head))  # the halves as edited above
    if case == "alias across halves":  # valid YAML, valid data: read the same either way, one process or not
        with split_any_size() as validate:
            assert validate._load_split(data, "data") is None
            assert load_dataset(data, "data", split=True) == load_dataset(data, "data")
        return
    found = [p for p in problems(data) if p.startswith("data/collectibles.yaml:")]
    line = head.count("\n") + 1  # the second half's first line
    if case == "duplicate across halves":
        assert f"data/collectibles.yaml:{line}:7: id: duplicate id '{first_id}' (first used at line 3)" in found
    else:
        assert found and all(int(p.split(":")[1]) >= line for p in found), found


def test_a_correction_of_an_unknown_kind(data):
    line, col = mutate(data, "corrections.yaml", "kind: contradiction", "kind: typo")
    found = problems(data)
    assert len(found) == 1 and found[0].startswith(f"data/corrections.yaml:{line}:{col + 6}: kind: ")


def test_a_correction_naming_a_record_that_does_not_exist(data):
    line, col = mutate(data, "corrections.yaml", "records: [joy-doga]", "records: [joy-dogo]")
    found = problems(data)
    assert len(found) == 1 and found[0].startswith(f"data/corrections.yaml:{line}:{col + 10}: records")


def test_the_corrections_file_may_be_missing(data):
    (data / "corrections.yaml").unlink()
    assert load_dataset(data, "data").corrections == []
