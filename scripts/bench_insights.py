#!/usr/bin/env python
"""Cost of `bot.insights.analyse` per comment: median, p95 and max microseconds.

Runs every comment of eval/insights/dev/<lang>.yml (short guest comments) and a set of
long ones (2,000 characters, markup, emoji) --rounds times each, after one warm-up pass
(which also builds the lexicon indexes; their one-off build time is printed apart).

    .venv/bin/python scripts/bench_insights.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.insights import analyse  # noqa: E402
from bot.insights.lexicon import LANGUAGES  # noqa: E402

LONG = [
    ("The room was fine but the breakfast was cold and the staff rude. " * 31)[:2000],
    ("Das Zimmer war sauber, aber das Frühstücksbuffet war leider nicht gut. " * 29)[:2000],
    ("<p>La chambre n'était pas propre</p> 😡 " * 50)[:2000],
    "x" * 2000,
    "🙂" * 2000,
]


def comments() -> list[tuple[str, str]]:
    out = []
    for lang in LANGUAGES:
        path = ROOT / "eval" / "insights" / "dev" / f"{lang}.yml"
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            out += [(item["text"], lang) for item in data["comments"]]
    return out


def measure(pairs: list[tuple[str, str]], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for text, lang in pairs:
            start = time.perf_counter()
            analyse(text, lang)
            times.append(time.perf_counter() - start)
    return times


def report(name: str, times: list[float]) -> None:
    us = sorted(t * 1e6 for t in times)
    p95 = us[int(len(us) * 0.95) - 1]
    median = statistics.median(us)
    print(f"{name:32} n={len(us):6}  median {median:7.1f} µs  p95 {p95:7.1f} µs  max {us[-1]:8.1f} µs")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    start = time.perf_counter()
    for lang in LANGUAGES:
        analyse("warm up", lang)
    print(f"index build (once per process): {(time.perf_counter() - start) * 1e3:.1f} ms")
    short = comments()
    measure(short, 1)
    report("dev comments (5 languages)", measure(short, args.rounds))
    report(
        "long (2,000 chars)",
        measure([(t, lang) for t in LONG for lang in LANGUAGES], max(1, args.rounds // 4)),
    )
    report("unknown language (all five)", measure([(t, "xx") for t, _ in short[:40]], args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
