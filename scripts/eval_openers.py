#!/usr/bin/env python
"""First-reply language on the opener sets in eval/openers (issue 13 part 1).

Each item is sent as the first message of a fresh conversation through the real
engine (bot/feedback/engine.py `step`, real tenants from config/tenants.yml, the real
lingua detector, intent None), once against Hotel Alpenhof (default de) and once
against Albergo Laguna (default it), so German and Italian openers also meet a foreign
default. An item is right when the conversation's language after that step
(`state["lang"]`, the language of the first reply) is:

* unambiguous items (`lang: fr`): the guest's language;
* ambiguous items (`ambiguous: true`): the weak prior's language when the item has a
  `phone_region` / `language_hint` that gives one (bot/language/priors.py), else the
  hotel's default.

Prints one table per set -- dev = eval/openers/*.yml, seen = eval/openers/seen/*.yml and
seen2 = eval/openers/seen2/*.yml (the first and second held-out sets, since tuned on),
heldout = eval/openers/heldout/*.yml (never tuned on) -- then the unambiguous figure of
every set and of all sets together, and the time per first-message resolution.

    .venv/bin/python scripts/eval_openers.py            # every set present
    .venv/bin/python scripts/eval_openers.py --show-misses
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.base.turn import Turn  # noqa: E402
from bot.feedback import engine  # noqa: E402
from bot.i18n import Catalog  # noqa: E402
from bot.language import make_detector, prior_language  # noqa: E402
from bot.tenants.registry import Tenants  # noqa: E402

EVAL_DIR = ROOT / "eval" / "openers"
TENANTS = ("alpenhof", "laguna")  # default de, default it


@dataclass(frozen=True)
class Item:
    file: str  # "dev/fr" or "heldout/fr"
    text: str
    lang: str | None
    ambiguous: bool
    phone_region: str | None = None
    language_hint: str | None = None


@dataclass(frozen=True)
class Outcome:
    item: Item
    tenant: str
    expected: str
    got: str
    source: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.expected == self.got


def load(path: Path, set_name: str) -> list[Item]:
    """Items of one file: a YAML list of mappings (or a mapping with `items`)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(data, Mapping):
        data = data.get("items") or []
    items = []
    for raw in data:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("text"), str):
            raise ValueError(f"{path}: every item needs a text: {raw!r}")
        ambiguous = bool(raw.get("ambiguous"))
        lang = raw.get("lang")
        if not ambiguous and lang is None:
            raise ValueError(f"{path}: {raw!r} has neither lang nor ambiguous")
        items.append(
            Item(
                f"{set_name}/{path.stem}",
                raw["text"],
                str(lang) if lang is not None else None,
                ambiguous,
                raw.get("phone_region"),
                raw.get("language_hint"),
            )
        )
    return items


SUBSETS = ("seen", "seen2", "heldout")


def sets(root: Path = EVAL_DIR) -> dict[str, list[Item]]:
    """{"dev": items, "seen": items, "seen2": items, "heldout": items} for the files
    present: dev is eval/openers/*.yml, seen and seen2 (the first two held-out sets, now
    tuned on) and heldout (never tuned on) are the files of the folders of those names."""
    out = {"dev": [i for p in sorted(root.glob("*.yml")) for i in load(p, "dev")]}
    for name in SUBSETS:
        files = sorted((root / name).glob("*.yml"))
        if files:
            out[name] = [i for p in files for i in load(p, name)]
    return out


@cache
def _world() -> tuple[Catalog, Tenants, Any, dict[str, str]]:
    catalog = Catalog.load()
    tenants = Tenants.load(ROOT / "config" / "tenants.yml", catalog.languages)
    detector = make_detector("lingua", catalog.languages)
    names = {lang: catalog.render(lang, "language.name") for lang in catalog.languages}
    return catalog, tenants, detector, names


def run(item: Item, tenant_id: str) -> Outcome:
    _, tenants, detector, names = _world()
    tenant = tenants.get(tenant_id)
    ctx = engine.Context(tenant, detector, names, "c_eval")
    turn = Turn(text=item.text, phone_region=item.phone_region, language_hint=item.language_hint)
    started = time.perf_counter()
    result = engine.step(None, turn, ctx)
    seconds = time.perf_counter() - started
    if item.ambiguous:
        prior = prior_language(
            tenant.languages, phone_region=item.phone_region, language_hint=item.language_hint
        )
        expected = prior or tenant.default_language
    else:
        expected = str(item.lang)
    return Outcome(item, tenant_id, expected, result.state["lang"], result.state["lang_source"], seconds)


def evaluate(items: Iterable[Item]) -> list[Outcome]:
    return [run(item, tenant) for item in items for tenant in TENANTS]


def rate(outcomes: list[Outcome]) -> tuple[int, int]:
    return sum(o.ok for o in outcomes), len(outcomes)


def table(outcomes: list[Outcome]) -> list[str]:
    """Per file: unambiguous right/total (%), of them with a foreign default, ambiguous kept."""
    lines = [f"{'file':<14}{'unambiguous':>20}{'foreign default':>20}{'ambiguous kept':>20}"]
    files = sorted({o.item.file for o in outcomes})

    def cell(group: list[Outcome]) -> str:
        ok, n = rate(group)
        return f"{ok}/{n} ({100 * ok / n:.1f} %)" if n else "-"

    for name in [*files, "all"]:
        group = [o for o in outcomes if name == "all" or o.item.file == name]
        plain = [o for o in group if not o.item.ambiguous]
        foreign = [o for o in plain if o.expected != _world()[1].get(o.tenant).default_language]
        amb = [o for o in group if o.item.ambiguous]
        lines.append(f"{name:<14}{cell(plain):>20}{cell(foreign):>20}{cell(amb):>20}")
    return lines


def timing(outcomes: list[Outcome]) -> str:
    ms = sorted(o.seconds * 1000 for o in outcomes)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return f"first-message step: median {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms (n={len(ms)})"


def summary(results: Mapping[str, list[Outcome]]) -> list[str]:
    """One line per set and one for all sets together: unambiguous right/total (%),
    ambiguous kept (%)."""
    lines = []
    everything = [o for group in results.values() for o in group]
    for name, group in [*results.items(), ("all sets", everything)]:
        ok, n = rate([o for o in group if not o.item.ambiguous])
        kept, m = rate([o for o in group if o.item.ambiguous])
        amb = f"{kept}/{m} ({100 * kept / m:.1f} %)" if m else "-"
        plain = f"{ok}/{n} ({100 * ok / max(n, 1):.1f} %)"
        lines.append(f"{name:<10} unambiguous {plain}, ambiguous kept {amb}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--set", choices=("dev", *SUBSETS), default=None)
    args = parser.parse_args(argv)
    run(Item("warm", "Guten Morgen", "de", False), "alpenhof")  # load lingua's models once
    results: dict[str, list[Outcome]] = {}
    for name, items in sets().items():
        if args.set and name != args.set:
            continue
        outcomes = results[name] = evaluate(items)
        print(f"== {name}: {len(items)} items x {len(TENANTS)} hotels ({', '.join(TENANTS)})")
        print("\n".join(table(outcomes)))
        print(timing(outcomes))
        if args.show_misses:
            for o in outcomes:
                if not o.ok:
                    want = f"want {o.expected} got {o.got} ({o.source})"
                    print(f"  MISS {o.item.file} {o.tenant}: {o.item.text!r} {want}")
    print("== summary")
    print("\n".join(summary(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
