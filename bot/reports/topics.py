"""What guests talk about: the topic table and the unsolicited ratings of a report.

**Topics** (`TopicTally.topics`): every free-text answer (kind "text" or "comment")
carries `topics: [{topic, polarity, words, sentence}]` (bot/insights, stored by the
engine). Per topic of `TOPICS`, over the period: its mentions (one per sentence that
names it), the share of them that is positive and negative, and the trend against the
previous period of the same length (`previous_period`): the change in mentions and in
the negative share (in share points, -1..1). A topic whose mentions come from fewer than
`MIN_GROUP` distinct guests shows no figures (`suppressed`), and a trend needs both
periods to show theirs. Topics do not add up to a shown total (a comment can name
several), so no further cell is hidden.

**Unsolicited ratings** (`TopicTally.unsolicited_table`): ratings a guest gave for a
topic the hotel does not ask about (kind "rating", `unsolicited: 1`, question = the
topic): per topic, the count and the mean value, hidden below `MIN_GROUP` guests.

Both come from the same reads as the report (bot/reports/report.py `included`, which
leaves restricted guests out); the previous period is read once more, its free text only
(kinds "text" and "comment", `TOPIC_PROJECTION`).
Pure here except `previous_topics`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.base.insight import TOPICS
from bot.reports.groups import MIN_GROUP
from bot.reports.period import Period

FREE_TEXT = ("text", "comment")
MENTION_POLARITIES = ("positive", "negative", "neutral")
TOPIC_PROJECTION = {"_id": 0, "conversation_id": 1, "guest_ref": 1, "kind": 1, "topics": 1}  # the trend's
NOTE = (
    "Topics: mentions in guests' comments (one per sentence that names the topic), the share"
    " of them that is positive or negative, and the change against the previous period of the"
    " same length. A topic mentioned by fewer than {k} guests shows no figures."
)


def previous_period(period: Period) -> Period:
    """The period of the same length that ends the day before `period` starts."""
    last = period.first - dt.timedelta(days=1)
    return Period(last - dt.timedelta(days=period.days - 1), last)


def mentions_of(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The stored mentions of a free-text answer that name a known topic (a mention
    written back by an update operator may read back as a JSON string on nx-27017)."""
    raw = doc.get("topics")
    if not isinstance(raw, list):
        return []
    out = []
    for m in raw:
        if isinstance(m, str):
            try:
                m = json.loads(m)
            except ValueError:
                continue
        if isinstance(m, dict) and m.get("topic") in TOPICS:
            words = m.get("words")
            out.append(
                {
                    "topic": m["topic"],
                    "polarity": m.get("polarity") if m.get("polarity") in MENTION_POLARITIES else "neutral",
                    "words": [w for w in words if isinstance(w, str)] if isinstance(words, list) else [],
                }
            )
    return out


def who(doc: Mapping[str, Any]) -> str | None:
    """The guest a document counts for (distinct guests decide what is shown)."""
    for key in ("guest_ref", "conversation_id"):
        if isinstance(doc.get(key), str) and doc[key]:
            return doc[key]
    return None


def is_unsolicited(doc: Mapping[str, Any]) -> bool:
    return doc.get("kind") == "rating" and bool(doc.get("unsolicited"))


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


@dataclass
class TopicTally:
    mentions: Counter[str] = field(default_factory=Counter)
    polarities: dict[str, Counter[str]] = field(default_factory=dict)
    guests: dict[str, set[str]] = field(default_factory=dict)
    rated: dict[str, list[float]] = field(default_factory=dict)  # unsolicited: topic -> values
    rated_guests: dict[str, set[str]] = field(default_factory=dict)

    def add(self, docs: Iterable[Mapping[str, Any]]) -> None:
        for d in docs:
            guest = who(d)
            if guest is None:
                continue
            if d.get("kind") in FREE_TEXT:
                for m in mentions_of(d):
                    self.mentions[m["topic"]] += 1
                    self.polarities.setdefault(m["topic"], Counter())[m["polarity"]] += 1
                    self.guests.setdefault(m["topic"], set()).add(guest)
            elif is_unsolicited(d) and isinstance(d.get("question"), str):
                value = _number(d.get("value"))
                if value is not None:
                    self.rated.setdefault(d["question"], []).append(value)
                    self.rated_guests.setdefault(d["question"], set()).add(guest)

    def shown(self, topic: str, k: int) -> bool:
        """Whether the topic's figures may be shown: none, or from k guests or more."""
        return self.mentions[topic] == 0 or len(self.guests.get(topic, ())) >= k

    def share(self, topic: str, polarity: str) -> float | None:
        n = self.mentions[topic]
        return round(self.polarities.get(topic, Counter())[polarity] / n, 4) if n else None

    def topics(self, previous: TopicTally, k: int = MIN_GROUP) -> list[dict[str, Any]]:
        rows = []
        for topic in TOPICS:
            if not self.shown(topic, k):
                rows.append(
                    {
                        "topic": topic,
                        "mentions": None,
                        "positive_share": None,
                        "negative_share": None,
                        "suppressed": True,
                        "trend": {"mentions": None, "negative_share": None, "suppressed": True},
                    }
                )
                continue
            trend: dict[str, Any] = {"mentions": None, "negative_share": None, "suppressed": True}
            if previous.shown(topic, k):
                before, now = previous.share(topic, "negative"), self.share(topic, "negative")
                trend = {
                    "mentions": self.mentions[topic] - previous.mentions[topic],
                    "negative_share": None if before is None or now is None else round(now - before, 4),
                    "suppressed": False,
                }
            rows.append(
                {
                    "topic": topic,
                    "mentions": self.mentions[topic],
                    "positive_share": self.share(topic, "positive"),
                    "negative_share": self.share(topic, "negative"),
                    "suppressed": False,
                    "trend": trend,
                }
            )
        return rows

    def unsolicited_table(self, k: int = MIN_GROUP) -> list[dict[str, Any]]:
        rows = []
        for topic in sorted(self.rated, key=lambda t: (TOPICS.index(t) if t in TOPICS else len(TOPICS), t)):
            values = self.rated[topic]
            if len(self.rated_guests.get(topic, ())) < k:
                rows.append({"topic": topic, "count": None, "mean_value": None, "suppressed": True})
            else:
                mean = round(sum(values) / len(values), 3)
                rows.append({"topic": topic, "count": len(values), "mean_value": mean, "suppressed": False})
        return rows

    def report(self, previous: TopicTally, period: Period, k: int = MIN_GROUP) -> dict[str, Any]:
        """The report's `topics` part: this period against `previous`."""
        return {
            "previous_period": previous_period(period).public(),
            "note": NOTE.format(k=k),
            "topics": self.topics(previous, k),
            "unsolicited": self.unsolicited_table(k),
        }
