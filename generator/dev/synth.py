"""Write a synthetic data folder for scale tests: same files and layout as data/, every record marked SYNTHETIC.

The records are invented. Every citation points to one source record whose title and note say SYNTHETIC, and
every name says 合成 / Synthetic, so synthetic data cannot pass for facts. The output is deterministic for a seed.
The YAML is formatted by hand (block records, flow mappings for small parts, JSON-quoted strings), which is
valid YAML and many times faster than a YAML emitter at 10,000 records.
"""

from __future__ import annotations

import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.model.records import CATEGORIES, FEATURES, KINDS, MECHANICS
from generator.progress import progress

ROOT = Path(__file__).resolve().parents[2]
REPO_DATA = ROOT / "data"
SOURCE_ID = "synthetic-source"
MARK = "SYNTHETIC"


class SynthError(Exception):
    """A synthetic data folder cannot be written where asked."""


# --------------------------------------------------------------------------- YAML text

def q(text: str) -> str:
    """A double-quoted YAML scalar (JSON string syntax is a subset of YAML's double-quoted style)."""
    return json.dumps(text, ensure_ascii=False)


def txt(zh: str, en: str, kind: str | None = None) -> str:
    """A Text or Name as a flow mapping."""
    tail = f", en_kind: {kind}" if kind else ""
    return f"{{zh: {q(zh)}, en: {q(en)}{tail}}}"


def cite(para: int, quote: str, fields: list[str] | None = None) -> str:
    tail = f", fields: [{', '.join(fields)}]" if fields else ""
    return f"{{source: {SOURCE_ID}, para: {para}, quote: {q(quote)}{tail}}}"


def modeline(kind: str) -> str:
    return f"# yaml-language-server: $schema=schema/{kind}.schema.json\n"


# --------------------------------------------------------------------------- vocabulary

_ZH_ADJ = ["限定", "周年", "联名", "典藏", "星空", "山海", "国潮", "像素", "未来", "复古", "青绿", "琉璃", "锦绣", "霓虹"]
_EN_ADJ = ["limited", "anniversary", "co-branded", "heritage", "starry", "mountain-and-sea", "guochao", "pixel",
           "future", "retro", "green", "glaze", "brocade", "neon"]
_ZH_THEME = ["节日", "城市", "动物", "神话", "四季", "书画", "文物", "运动", "音乐", "美食", "航天", "海洋"]
_EN_THEME = ["festival", "city", "animal", "myth", "four-seasons", "calligraphy", "relic", "sport", "music",
             "food", "spaceflight", "ocean"]
_ZH_GOODS = ["图书", "文创产品", "玩具", "美妆", "服饰", "数码产品", "食品饮料"]
_EN_GOODS = ["Books", "Cultural products", "Toys", "Cosmetics", "Apparel", "Electronics", "Food and drink"]
_PARTNER_TYPES = ["ip", "brand", "brand", "cultural_institution", "virtual_human", "ip", "brand"]
_PARTNER_ZH = {"ip": "IP", "brand": "品牌", "cultural_institution": "文博机构", "virtual_human": "虚拟人"}
_PARTNER_EN = {"ip": "IP", "brand": "brand", "cultural_institution": "cultural institution",
               "virtual_human": "virtual human"}


@dataclass
class Plan:
    """Sizes of a synthetic dataset, derived from the number of collectibles and platforms."""

    collectibles: int
    platforms: int

    @property
    def partners(self) -> int:  # IPs, brands, institutions, virtual humans: about 30 collectibles each, at any N
        return max(2, self.collectibles // 20)

    @property
    def events(self) -> int:
        return 2 * self.platforms + self.collectibles // 200


def _date(rng: random.Random) -> str:
    y, m, d = rng.randint(2021, 2024), rng.randint(1, 12), rng.randint(1, 28)
    r = rng.random()
    if r < 0.6:
        return f"{y:04d}-{m:02d}-{d:02d}"
    if r < 0.9:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}"


# --------------------------------------------------------------------------- records

def _sources(seed: int) -> str:
    note_zh = (f"{MARK}：本数据由 python -m generator synth 生成（种子 {seed}），全部记录均为虚构，仅用于规模测试，"
               "不是事实，不得发布。")
    note_en = (f"{MARK}: written by python -m generator synth (seed {seed}). Every record is invented, for scale "
               "tests only; none of it is fact and it must never be published.")
    return modeline("sources") + "\n".join([
        f"- id: {SOURCE_ID}",
        f"  title: {q(f'{MARK} 合成数据：仅用于规模测试')}",
        f"  title_en: {q(f'{MARK} data: for scale tests only')}",
        f"  publisher: {txt('合成数据生成器（SYNTHETIC）', 'Synthetic data generator (SYNTHETIC)')}",
        "  outlet: null",
        "  outlet_handle: null",
        "  author: null",
        "  url: null",
        "  original_url: null",
        '  published: "2024-01-01"',
        '  accessed: "2024-01-01"',
        "  language: zh",
        f"  licence: {txt('合成数据，非真实来源（SYNTHETIC）', 'Synthetic data, not a real source (SYNTHETIC)')}",
        f"  note: {txt(note_zh, note_en)}",
    ]) + "\n"


def _pid(i: int) -> str:
    return f"synth-platform-{i + 1:02d}"


def _platforms(plan: Plan, rng: random.Random, counts: list[int]) -> str:
    out = [modeline("platforms")]
    for i in range(plan.platforms):
        n = f"{i + 1:02d}"
        mechs = rng.sample(MECHANICS, k=rng.randint(1, 3))
        feats = rng.sample(FEATURES, k=rng.randint(0, 3))
        goods = rng.sample(range(len(_ZH_GOODS)), k=rng.randint(1, 3))
        lines = [
            f"- id: {_pid(i)}",
            f"  name: {txt(f'合成平台 {n}', f'Synthetic platform {n}', 'descriptive')}",
            f"  platform_name: {txt(f'合成电商 {n}', f'Synthetic shop {n}', 'descriptive')}",
            f"  parent: synth-company-{n}",
            f"  launch: {q(_date(rng))}",
            f"  entry: {txt(f'在合成电商 {n} 的应用中搜索“数字藏品”（合成数据）。', f'Search for digital collectibles in the Synthetic shop {n} app (synthetic data).')}",
            f"  chain: synth-chain-{(i % 3) + 1:02d}",
            f"  positioning: {txt(f'合成平台 {n}：虚构的定位描述，仅用于规模测试。', f'Synthetic platform {n}: an invented positioning, for scale tests only.')}",
            f"  model: {txt('藏品随实体商品赠送或单独发售（合成数据，仅用于规模测试）。', 'Collectibles come with physical goods or are sold on their own (synthetic data, for scale tests only).')}",
            "  mechanics:",
        ]
        for m in mechs:
            lines += [f"    - mechanic: {m}",
                      f"      note: {txt(f'合成平台 {n} 的获取方式（合成数据）。', f'How Synthetic platform {n} hands out collectibles (synthetic data).')}",
                      f"      cite: {cite(rng.randint(1, 50), f'{MARK} 合成平台 {n} 获取方式')}"]
        lines.append("  features:" + ("" if feats else " []"))
        for f in feats:
            lines += [f"    - feature: {f}",
                      f"      note: {txt(f'合成平台 {n} 的玩法（合成数据）。', f'A feature of Synthetic platform {n} (synthetic data).')}",
                      f"      upcoming: {'true' if rng.random() < 0.2 else 'false'}",
                      f"      cite: {cite(rng.randint(1, 50), f'{MARK} 合成平台 {n} 玩法')}"]
        rule = rng.choice(["allowed", "time_limited", "not_allowed"])
        lines += [
            "  transfer:",
            f"    transfer: {rule}",
            f"    secondary: {rng.choice(['allowed', 'not_allowed'])}",
            f"    note: {txt('合成的转赠规则（合成数据）。', 'Invented transfer rules (synthetic data).')}",
            f"    cite: {cite(rng.randint(1, 50), f'{MARK} 合成平台 {n} 转赠规则')}",
            "  goods:",
            *[f"    - {txt(_ZH_GOODS[g], _EN_GOODS[g])}" for g in goods],
            "  domains:",
            f"    - {txt('合成藏品品类', 'Synthetic collectible kinds')}",
            "  figures:",
            f"    - id: synth-platform-{n}-issued",
            "      measure: collectibles_issued",
            f"      quantity: {{value: {counts[i]}}}",
            "      unit: count",
            f"      note: {txt('合成数据中该平台的藏品数。', 'Collectibles of this platform in the synthetic data.')}",
            f"      cite: {cite(1, f'{MARK} 合成平台 {n} 藏品数')}",
            f"    - id: synth-platform-{n}-edition",
            "      measure: edition",
            f"      quantity: {{value: {rng.choice([500, 1000, 2000, 5000, 10000])}, qualifier: about}}",
            "      unit: copies",
            f"      note: {txt('合成的常见发行量。', 'An invented usual edition size.')}",
            f"      cite: {cite(2, f'{MARK} 合成平台 {n} 发行量')}",
            f"    - id: synth-platform-{n}-price",
            "      measure: price",
            f"      quantity: {{min: {rng.choice([1, 5, 9.9])}, max: {rng.choice([99, 199, 999])}}}",
            "      unit: CNY",
            f"      note: {txt('合成的价格区间。', 'An invented price range.')}",
            f"      cite: {cite(3, f'{MARK} 合成平台 {n} 价格')}",
            "  cites:",
            f"    - {cite(1, f'{MARK} 合成平台 {n}：虚构的平台记录')}",
        ]
        out.append("\n".join(lines) + "\n\n")
    return "".join(out)


def _cid(i: int, width: int) -> str:
    return f"synth-collectible-{i + 1:0{width}d}"


def _collectibles(plan: Plan, rng: random.Random, width: int, platform_of: list[int],
                  partner_ids: list[str], bar) -> tuple[str, list[list[int]]]:
    """The collectibles file, and each collectible's partner indexes (for the events)."""
    out = [modeline("collectibles")]
    series_by_platform: dict[int, list[int]] = {}
    partners_of: list[list[int]] = []
    roles = ["issuer", "ip", "brand", "creator"]
    for i in range(plan.collectibles):
        p = platform_of[i]
        n = f"{i + 1:0{width}d}"
        cid = _cid(i, width)
        r = rng.random()
        kind = "series" if r < 0.08 else ("group" if r < 0.12 else "single")
        lines = [f"- id: {cid}", f"  platform: {_pid(p)}",
                 f"  name: {txt(f'合成藏品 {n}', f'Synthetic collectible {n}', 'descriptive')}",
                 f"  kind: {kind}"]
        recent = series_by_platform.setdefault(p, [])
        if kind == "single" and recent and rng.random() < 0.25:
            lines.append(f"  series: {_cid(rng.choice(recent[-20:]), width)}")
        if kind == "series":
            recent.append(i)
        picked = sorted(set(rng.randrange(len(partner_ids)) for _ in range(rng.randint(1, 2))))
        partners_of.append(picked)
        lines.append("  partners:")
        lines += [f"    - {{partner: {partner_ids[k]}, role: {rng.choice(roles)}}}" for k in picked]
        category = rng.choice(CATEGORIES) if rng.random() < 0.9 else None
        lines.append(f"  category: {category or 'null'}")
        if kind != "single":
            lines.append(f"  items: {{value: {rng.randint(2, 12)}}}")
        if rng.random() < 0.6:
            price = rng.choice(["9.9", "19.9", "29", "39.9", "59", "99", "199"])
            lines.append(f"  price: {{value: {price}, currency: CNY}}")
        e = rng.random()
        if e < 0.6:
            lines.append(f"  edition: {{value: {rng.choice([100, 500, 1000, 2000, 3000, 5000, 10000])}}}")
        elif e < 0.7:
            lines.append(f"  edition: {{min: {rng.choice([500, 1000])}, max: {rng.choice([2000, 5000])}, qualifier: about}}")
        elif e < 0.75:
            lines.append("  edition: unlimited")
        mech = rng.sample(MECHANICS, k=rng.randint(0, 2))
        lines.append(f"  obtain: [{', '.join(mech)}]")
        if "spend_threshold" in mech:
            lines.append(f"  threshold: {{value: {rng.choice([99, 199, 299])}, qualifier: at_least, currency: CNY}}")
        if "gift_with_purchase" in mech or "bundle_physical" in mech:
            g = rng.randrange(len(_ZH_GOODS))
            lines.append(f"  goods: {txt(_ZH_GOODS[g], _EN_GOODS[g])}")
        if rng.random() < 0.8:
            lines.append(f"  release: {q(_date(rng))}")
        if rng.random() < 0.3:
            lines.append(f"  transfer: {rng.choice(['allowed', 'time_limited', 'not_allowed'])}")
        a, t = rng.randrange(len(_ZH_ADJ)), rng.randrange(len(_ZH_THEME))
        zh = (f"合成藏品 {n} 是一件虚构的{_ZH_ADJ[a]}{_ZH_THEME[t]}主题数字藏品，由合成合作方发行，"
              f"在合成平台 {p + 1:02d} 上线。本记录仅用于规模测试（SYNTHETIC），不是事实。")
        en = (f"Synthetic collectible {n} is an invented {_EN_ADJ[a]} {_EN_THEME[t]}-themed digital collectible "
              f"issued by a synthetic partner on Synthetic platform {p + 1:02d}. This record is for scale tests only "
              f"(SYNTHETIC); it is not a fact.")
        lines.append(f"  description: {txt(zh, en)}")
        lines.append("  cites:")
        lines.append(f"    - {cite(rng.randint(1, 50), f'{MARK} 合成藏品 {n}：虚构的记录')}")
        out.append("\n".join(lines) + "\n\n")
        bar.update(1)
    return "".join(out), partners_of


def _partners(plan: Plan, rng: random.Random, width: int) -> tuple[str, list[str]]:
    """Companies behind the platforms, chain providers, and the IP/brand pool; returns the pool's ids."""
    out = [modeline("partners")]
    for i in range(plan.platforms):
        n = f"{i + 1:02d}"
        out.append("\n".join([
            f"- id: synth-company-{n}",
            f"  name: {txt(f'合成公司 {n}', f'Synthetic company {n}', 'descriptive')}",
            "  type: company",
            "  platforms:",
            f"    - platform: {_pid(i)}",
            f"      role: {txt(f'运营合成平台 {n}（合成数据）。', f'Runs Synthetic platform {n} (synthetic data).')}",
            f"      cite: {cite(1, f'{MARK} 合成公司 {n} 运营平台')}",
            f"  description: {txt(f'合成公司 {n}：虚构的公司，仅用于规模测试。', f'Synthetic company {n}: an invented company, for scale tests only.')}",
            "  cites:",
            f"    - {cite(1, f'{MARK} 合成公司 {n}：虚构的记录')}",
        ]) + "\n\n")
    chains = min(3, plan.platforms)
    for j in range(chains):
        n = f"{j + 1:02d}"
        links = [i for i in range(plan.platforms) if i % 3 == j]
        lines = [f"- id: synth-chain-{n}",
                 f"  name: {txt(f'合成链 {n}', f'Synthetic chain {n}', 'descriptive')}",
                 "  type: technology",
                 "  platforms:"]
        for i in links:
            lines += [f"    - platform: {_pid(i)}",
                      f"      role: {txt('提供区块链技术服务（合成数据）。', 'Provides the blockchain service (synthetic data).')}",
                      f"      cite: {cite(4, f'{MARK} 合成链 {n} 技术服务')}"]
        lines += [f"  description: {txt(f'合成链 {n}：虚构的区块链技术方。', f'Synthetic chain {n}: an invented blockchain provider.')}",
                  "  cites:", f"    - {cite(4, f'{MARK} 合成链 {n}：虚构的记录')}"]
        out.append("\n".join(lines) + "\n\n")
    pool: list[str] = []
    pw = max(4, len(str(plan.partners)))
    for k in range(plan.partners):
        n = f"{k + 1:0{pw}d}"
        pid = f"synth-partner-{n}"
        ptype = rng.choice(_PARTNER_TYPES)
        links = sorted(set(rng.randrange(plan.platforms) for _ in range(rng.randint(1, 2))))
        lines = [f"- id: {pid}",
                 f"  name: {txt(f'合成合作方 {n}', f'Synthetic partner {n}', 'descriptive')}",
                 f"  type: {ptype}",
                 "  platforms:"]
        for i in links:
            lines += [f"    - platform: {_pid(i)}",
                      f"      role: {txt(f'与合成平台 {i + 1:02d} 联合发行藏品（合成数据）。', f'Co-issues collectibles with Synthetic platform {i + 1:02d} (synthetic data).')}",
                      f"      cite: {cite(rng.randint(1, 50), f'{MARK} 合成合作方 {n} 合作')}"]
        if pool and rng.random() < 0.3:
            lines.append(f"  related: [{rng.choice(pool[-50:])}]")
        lines += [f"  description: {txt(f'合成合作方 {n}：虚构的{_PARTNER_ZH[ptype]}，仅用于规模测试。', f'Synthetic partner {n}: an invented {_PARTNER_EN[ptype]}, for scale tests only.')}",
                  "  cites:", f"    - {cite(rng.randint(1, 50), f'{MARK} 合成合作方 {n}：虚构的记录')}"]
        out.append("\n".join(lines) + "\n\n")
        pool.append(pid)
    return "".join(out), pool


def _events(plan: Plan, rng: random.Random, width: int, platform_of: list[int], pool: list[str]) -> str:
    out = [modeline("events")]
    for k in range(plan.events):
        n = f"{k + 1:04d}"
        lines = [f"- id: synth-event-{n}", f"  date: {q(_date(rng))}"]
        platform = rng.randrange(plan.platforms) if rng.random() < 0.8 else None
        if platform is not None:
            lines.append(f"  platform: {_pid(platform)}")
        lines += [f"  title: {txt(f'合成事件 {n}', f'Synthetic event {n}')}",
                  f"  description: {txt(f'合成事件 {n}：虚构的事件，仅用于规模测试（SYNTHETIC）。', f'Synthetic event {n}: an invented event, for scale tests only (SYNTHETIC).')}"]
        partners = sorted(set(rng.choice(pool) for _ in range(rng.randint(0, 2))))
        lines.append(f"  partners: [{', '.join(partners)}]")
        own = [i for i in rng.sample(range(plan.collectibles), k=min(3, plan.collectibles))
               if platform is None or platform_of[i] == platform]
        lines.append(f"  collectibles: [{', '.join(_cid(i, width) for i in sorted(own))}]")
        lines += ["  cites:", f"    - {cite(rng.randint(1, 50), f'{MARK} 合成事件 {n}：虚构的记录')}"]
        out.append("\n".join(lines) + "\n\n")
    return "".join(out)


def _metrics(plan: Plan, rng: random.Random) -> str:
    out = [modeline("metrics")]
    for i in range(plan.platforms):
        n = f"{i + 1:02d}"
        out.append("\n".join([
            f"- id: synth-metric-{n}-users",
            f"  subject: {_pid(i)}",
            f"  name: {txt('合成用户数', 'Synthetic user count')}",
            f"  period: {q(str(rng.randint(2021, 2024)))}",
            f"  quantity: {{value: {rng.randint(1, 500) * 10000}, qualifier: about}}",
            "  unit: count",
            f"  note: {txt('合成数据。', 'Synthetic data.')}",
            "  cites:", f"    - {cite(5, f'{MARK} 合成平台 {n} 用户数')}",
        ]) + "\n\n")
    for i in range(min(2, plan.platforms)):
        n = f"{i + 1:02d}"
        share = rng.randint(55, 85)
        for part, value, zh, en in (("ads", share, "合成广告收入占比", "Synthetic advertising share"),
                                    ("shop", 100 - share, "合成电商收入占比", "Synthetic e-commerce share")):
            out.append("\n".join([
                f"- id: synth-metric-{n}-{part}",
                f"  subject: synth-company-{n}",
                f"  name: {txt(zh, en)}",
                '  period: "2023"',
                f"  quantity: {{value: {value}}}",
                "  unit: percent",
                f"  group: synth-{n}-revenue-mix",
                "  cites:", f"    - {cite(6, f'{MARK} 合成公司 {n} 营收构成')}",
            ]) + "\n\n")
    return "".join(out)


def _statements(plan: Plan) -> str:
    out = [modeline("statements")]
    for i in range(plan.platforms):
        n = f"{i + 1:02d}"
        out.append("\n".join([
            f"- id: synth-statement-{n}",
            f"  platform: {_pid(i)}",
            f"  speaker: {txt(f'合成公司 {n}', f'Synthetic company {n}')}",
            f"  speaker_partner: synth-company-{n}",
            f"  quote: {q(f'这是一句虚构的说法（SYNTHETIC {n}），仅用于规模测试。')}",
            f"  translation: {q(f'An invented statement (SYNTHETIC {n}), for scale tests only.')}",
            f"  cite: {cite(7, f'{MARK} 合成公司 {n} 说法')}",
        ]) + "\n\n")
    return "".join(out)


# --------------------------------------------------------------------------- the command

def synth_files(collectibles: int, platforms: int = 8, seed: int = 1, show_progress: bool = False) -> dict[str, str]:
    """Every file of a synthetic data folder (name -> text), schema/ included."""
    if collectibles < 1:
        raise SynthError("--collectibles must be at least 1")
    if platforms < 1:
        raise SynthError("--platforms must be at least 1")
    plan = Plan(collectibles, platforms)
    rng = random.Random(seed)
    width = max(5, len(str(collectibles)))
    platform_of = [rng.randrange(platforms) for _ in range(collectibles)]
    counts = [platform_of.count(i) for i in range(platforms)]
    files = {KINDS["sources"][0]: _sources(seed),
             KINDS["platforms"][0]: _platforms(plan, random.Random(seed * 7 + 1), counts)}
    partners_text, pool = _partners(plan, random.Random(seed * 7 + 2), width)
    files[KINDS["partners"][0]] = partners_text
    with progress(collectibles, "records", enabled=show_progress) as bar:
        files[KINDS["collectibles"][0]], _ = _collectibles(plan, random.Random(seed * 7 + 3), width, platform_of,
                                                           pool, bar)
    files[KINDS["events"][0]] = _events(plan, random.Random(seed * 7 + 4), width, platform_of, pool)
    files[KINDS["metrics"][0]] = _metrics(plan, random.Random(seed * 7 + 5))
    files[KINDS["statements"][0]] = _statements(plan)
    from generator.model.schema import schemas

    for name, text in schemas().items():
        files[f"schema/{name}"] = text
    return files


def check_target(out: Path) -> None:
    """Refuse the repository's data/ (and anything inside it)."""
    target = Path(out).resolve()
    data = REPO_DATA.resolve()
    if target == data or data in target.parents:
        raise SynthError(f"{out}: refusing to write synthetic data into the repository's data/ folder; "
                         "choose another folder with --out (e.g. a temporary one)")
    if target.exists() and not target.is_dir():
        raise SynthError(f"{out}: exists and is not a folder")


def write_synth(out: Path, collectibles: int, platforms: int = 8, seed: int = 1,
                show_progress: bool = False) -> dict[str, str]:
    """Write a synthetic data folder into out (never data/); return the files written."""
    check_target(out)
    files = synth_files(collectibles, platforms, seed, show_progress)
    out = Path(out)
    for name, text in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return files


def synth_command(args: Any) -> int:
    """The synth command: write the folder, report what it holds."""
    started = time.perf_counter()
    try:
        write_synth(args.out, args.collectibles, args.platforms, args.seed, show_progress=sys.stderr.isatty())
    except SynthError as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 1
    plan = Plan(args.collectibles, args.platforms)
    print(f"{args.out}: SYNTHETIC data for scale tests: {args.collectibles} collectibles, {args.platforms} platforms, "
          f"{plan.partners + args.platforms + min(3, args.platforms)} partners, {plan.events} events "
          f"(seed {args.seed}, {time.perf_counter() - started:.2f}s)")
    return 0
