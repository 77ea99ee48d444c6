"""The evaluation metrics for labelled comments (eval/insights/<split>/<lang>.yml).

An item is `{text, topics: {topic: polarity}, polarity}` (CONTRACTS.md,
eval/insights/GUIDELINES.md). Topics are scored per comment: a topic counts as found when
any sentence mentions it; its comment-level polarity is the one its mentions hold most
often (the last judged one when tied; neutral only when no mention judges it).

- topic precision, recall and F1 per topic; macro-F1 is their mean over the topics that
  occur in the gold labels or the predictions of that file (a topic nobody mentions
  would otherwise count as 0 or 1 by convention only);
- mention polarity accuracy: over (comment, topic) pairs found and in the gold labels;
- comment polarity accuracy.
Pure: the caller loads the YAML (scripts/eval_insights.py, tests/bot/insights/).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.base.insight import TOPICS, Analysis


def comment_topics(analysis: Analysis) -> dict[str, str]:
    """topic -> its polarity over the whole comment (see the module docstring)."""
    votes: dict[str, list[str]] = {}
    for mention in analysis.topics:
        votes.setdefault(mention.topic, []).append(mention.polarity)
    out: dict[str, str] = {}
    for topic, polarities in votes.items():
        judged = [p for p in polarities if p != "neutral"]
        if not judged:
            out[topic] = "neutral"
            continue
        counts = Counter(judged)
        best = max(counts.values())
        out[topic] = next(p for p in reversed(judged) if counts[p] == best)
    return out


@dataclass
class Score:
    items: int = 0
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    mention_total: int = 0
    mention_right: int = 0
    polarity_right: int = 0
    errors: list[dict] = field(default_factory=list)

    def prf(self, topic: str) -> tuple[float, float, float]:
        tp, fp, fn = self.tp[topic], self.fp[topic], self.fn[topic]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def used_topics(self) -> list[str]:
        return [t for t in TOPICS if self.tp[t] + self.fp[t] + self.fn[t]]

    def macro(self) -> tuple[float, float, float]:
        topics = self.used_topics()
        if not topics:
            return 1.0, 1.0, 1.0
        rows = [self.prf(t) for t in topics]
        return tuple(sum(r[i] for r in rows) / len(rows) for i in range(3))  # type: ignore[return-value]

    @property
    def macro_f1(self) -> float:
        return self.macro()[2]

    @property
    def polarity_accuracy(self) -> float:
        return self.polarity_right / self.items if self.items else 1.0

    @property
    def mention_accuracy(self) -> float:
        return self.mention_right / self.mention_total if self.mention_total else 1.0


def score(items: Iterable[dict], lang: str, analyse: Callable[[str, str], Analysis]) -> Score:
    result = Score()
    for item in items:
        gold: dict[str, str] = item.get("topics") or {}
        analysis = analyse(item["text"], lang)
        found = comment_topics(analysis)
        result.items += 1
        wrong = False
        for topic in TOPICS:
            if topic in gold and topic in found:
                result.tp[topic] += 1
                result.mention_total += 1
                if gold[topic] == found[topic]:
                    result.mention_right += 1
                else:
                    wrong = True
            elif topic in found:
                result.fp[topic] += 1
                wrong = True
            elif topic in gold:
                result.fn[topic] += 1
                wrong = True
        if analysis.polarity == item.get("polarity"):
            result.polarity_right += 1
        else:
            wrong = True
        if wrong:
            result.errors.append(
                {
                    "text": item["text"],
                    "gold": gold,
                    "found": found,
                    "polarity": [item.get("polarity"), analysis.polarity],
                }
            )
    return result
