#!/usr/bin/env python
"""Topic F1 / precision / recall and polarity accuracy of `bot.insights.analyse`, per language.

Reads eval/insights/dev/<lang>.yml (tuned on; also dev2/ and own/ with --split) and
eval/insights/heldout/<lang>.yml (never tuned on; skipped when absent) and prints one block
per split: per language topic macro-F1, macro precision, macro recall, mention polarity
accuracy (topics found) and comment polarity accuracy, against the CI floors (F1 >= 0.80, polarity >= 0.85).
Metrics: bot/insights/scoring.py.

    .venv/bin/python scripts/eval_insights.py                 # dev and heldout
    .venv/bin/python scripts/eval_insights.py --split dev --errors   # dev mistakes too
    .venv/bin/python scripts/eval_insights.py --topics        # per-topic rows
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.insights import analyse  # noqa: E402
from bot.insights.lexicon import LANGUAGES  # noqa: E402
from bot.insights.scoring import Score, score  # noqa: E402

EVAL = ROOT / "eval" / "insights"
F1_FLOOR = 0.80
POLARITY_FLOOR = 0.85


def load(split: str, lang: str) -> list[dict] | None:
    path = EVAL / split / f"{lang}.yml"
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["comments"] if isinstance(data, dict) else data)


def run(split: str, langs: list[str], errors: bool, topics: bool) -> bool:
    print(f"== {split} ==")
    print(f"{'lang':5} {'n':>4} {'F1':>6} {'P':>6} {'R':>6} {'mention':>8} {'polarity':>9}")
    ok = True
    for lang in langs:
        items = load(split, lang)
        if items is None:
            print(f"{lang:5} (no eval/insights/{split}/{lang}.yml)")
            continue
        s: Score = score(items, lang, analyse)
        p, r, f = s.macro()
        passed = f >= F1_FLOOR and s.polarity_accuracy >= POLARITY_FLOOR
        ok = ok and passed
        print(
            f"{lang:5} {s.items:4} {f:6.3f} {p:6.3f} {r:6.3f} {s.mention_accuracy:8.3f} "
            f"{s.polarity_accuracy:9.3f}  {'ok' if passed else 'BELOW FLOOR'}"
        )
        if topics:
            for topic in s.used_topics():
                tp, tr, tf = s.prf(topic)
                counts = f"tp {s.tp[topic]} fp {s.fp[topic]} fn {s.fn[topic]}"
                print(f"      {topic:12} P {tp:.2f} R {tr:.2f} F1 {tf:.2f}  ({counts})")
        if errors:
            for e in s.errors:
                print(f"    - {e['text']!r}")
                print(f"      gold {e['gold']} {e['polarity'][0]}")
                print(f"      got  {e['found']} {e['polarity'][1]}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "dev2", "own", "heldout", "both"), default="both")
    parser.add_argument("--lang", choices=LANGUAGES, action="append")
    parser.add_argument("--errors", action="store_true", help="print every comment scored wrong")
    parser.add_argument("--topics", action="store_true", help="per-topic precision/recall/F1")
    args = parser.parse_args(argv)
    langs = args.lang or list(LANGUAGES)
    splits = ("dev", "heldout") if args.split == "both" else (args.split,)
    ok = True
    for split in splits:
        ok = run(split, langs, args.errors, args.topics) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
