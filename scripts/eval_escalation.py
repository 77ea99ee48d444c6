#!/usr/bin/env python
"""Escalation precision and recall of the complaint trigger (bot/handover/triggers.py).

Each conversation of eval/escalation/<set>.yml (`{lang, turns, escalate, why}`, format
in docs/INSIGHTS.md "Escalation") is replayed turn by turn through the trigger; the
conversation is predicted to escalate when any turn does. Three variants:

  words        the old word lists only (NEGATIVE with NEGATORS)
  model        the sentiment model only (`bot.insights.analyse`: negative about a topic)
  model+words  what runs: the real `escalation_reason`, with a policy whose only
               trigger is `complaint`, in the conversation's language

The NLU intent is None for every turn (running Rasa's NLU here would need a trained
model and a minute to load); the trigger then treats a bare number as text, which the
three-word minimum already keeps out of the complaint trigger.

    .venv/bin/python scripts/eval_escalation.py                 # dev and heldout
    .venv/bin/python scripts/eval_escalation.py --sets dev -v   # with the misses
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.handover.triggers import complaint_signals, escalation_reason  # noqa: E402
from bot.tenants.handover_policy import HandoverPolicy  # noqa: E402

DATA = ROOT / "eval" / "escalation"
COMPLAINT_ONLY = HandoverPolicy(triggers=frozenset({"complaint"}))


def _words(text: str, lang: str) -> bool:
    return complaint_signals(text, None, lang)[1]


def _model(text: str, lang: str) -> bool:
    return complaint_signals(text, None, lang)[0]


def _both(text: str, lang: str) -> bool:
    reason = escalation_reason(COMPLAINT_ONLY, text=text, intent=None, events=(), misses=0, lang=lang)
    return reason == "complaint"


VARIANTS: dict[str, Callable[[str, str], bool]] = {"words": _words, "model": _model, "model+words": _both}


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int
    tn: int
    misses: tuple[str, ...] = ()  # "fn: ..." / "fp: ..." lines

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = data.get("conversations", data) if isinstance(data, dict) else data
    return [c for c in items if isinstance(c, dict) and "turns" in c]


def score(conversations: Iterable[dict], fires: Callable[[str, str], bool]) -> Score:
    tp = fp = fn = tn = 0
    misses = []
    for c in conversations:
        lang = str(c.get("lang") or "")
        predicted = any(fires(str(turn), lang) for turn in c["turns"])
        wanted = bool(c["escalate"])
        tp += predicted and wanted
        fp += predicted and not wanted
        fn += wanted and not predicted
        tn += not wanted and not predicted
        if predicted != wanted:
            misses.append(f"{'fp' if predicted else 'fn'} [{lang}] {' | '.join(map(str, c['turns']))}")
    return Score(tp, fp, fn, tn, tuple(misses))


def measure(path: Path) -> dict[str, Score]:
    conversations = load(path)
    return {name: score(conversations, fires) for name, fires in VARIANTS.items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sets", nargs="+", default=["dev", "heldout"])
    p.add_argument("-v", "--verbose", action="store_true", help="list the misclassified conversations")
    args = p.parse_args(argv)
    for name in args.sets:
        path = DATA / f"{name}.yml"
        if not path.exists():
            print(f"{name}: {path} is missing")
            continue
        n = len(load(path))
        for variant, s in measure(path).items():
            print(
                f"{name:8} n={n:3} {variant:12} precision {s.precision:.3f} recall {s.recall:.3f}"
                f"  (tp {s.tp} fp {s.fp} fn {s.fn} tn {s.tn})"
            )
            if args.verbose:
                for line in s.misses:
                    print("    " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
