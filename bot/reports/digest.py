"""The figures of a hotel's weekly digest e-mail (bot/jobs/digest.py sends it): one week
of the tenant's `ratings`, and the same for the week before, for the trend.

- conversations: conversations with at least one stored answer or comment;
- answers: answers to the hotel's configured questions (not comments, not unsolicited
  ratings), comments: free text given at any other point (counted, never read);
- the average per configured rating question (on its own scale);
- topics: per topic of bot/base/insight.py, how many conversations mention it, and the
  share of its mentions that are positive and negative, from the `topics` the pipeline
  stored with each text answer and comment (only `topic` and `polarity` are read: the
  query never asks for the text, and the mentions' words are dropped on arrival);
- the response rate of invitations sent in the week, when the hotel sends any.

Small groups are hidden as in reports (bot/reports/groups.py): a figure resting on fewer
than MIN_GROUP conversations or answers is None, a topic with fewer than MIN_GROUP
conversations is left out (counted in `hidden_topics`), and within a topic a polarity
share resting on 1..k-1 mentions is hidden with as many others as `protect` needs.
Ratings of restricted guests are left out by `base_filter`, as in every report.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo.errors import PyMongoError

from bot.base.errors import StorageError
from bot.base.insight import TOPICS
from bot.base.names import RATINGS
from bot.reports.groups import MIN_GROUP, protect
from bot.reports.outreach import response_rates
from bot.reports.period import Period
from bot.reports.report import base_filter, restricted_guests
from bot.tenants.registry import Tenant

# what the digest reads of a rating: never `raw` (the guest's text) nor the guest
PROJECTION = {
    "_id": 0,
    "conversation_id": 1,
    "question": 1,
    "kind": 1,
    "value": 1,
    "unsolicited": 1,
    "topics": 1,
}
TREND_POINTS = 5  # a change in the negative share under 5 points is "steady"


@dataclass
class WeekTally:
    conversations: set[str] = field(default_factory=set)
    answers: int = 0
    comments: int = 0
    values: dict[str, list[float]] = field(default_factory=dict)
    topic_conversations: dict[str, set[str]] = field(default_factory=dict)
    mentions: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, docs: Iterable[Mapping[str, Any]], configured: set[str]) -> None:
        for d in docs:
            conv, question, kind = d.get("conversation_id"), d.get("question"), d.get("kind")
            if not isinstance(conv, str) or not isinstance(question, str):
                continue
            self.conversations.add(conv)
            if kind == "comment" or d.get("unsolicited"):
                self.comments += kind == "comment"
            elif question in configured:
                self.answers += 1
                value = d.get("value")
                if kind == "rating" and isinstance(value, int | float) and not isinstance(value, bool):
                    self.values.setdefault(question, []).append(float(value))
            for m in mentions(d.get("topics")):
                topic, polarity = m["topic"], m["polarity"]
                if topic in TOPICS and polarity in ("positive", "negative", "neutral"):
                    self.topic_conversations.setdefault(topic, set()).add(conv)
                    self.mentions.setdefault(topic, Counter())[polarity] += 1


def figures(tally: WeekTally, tenant: Tenant, k: int = MIN_GROUP) -> dict[str, Any]:
    """The week's figures, small groups hidden (pure)."""
    total = len(tally.conversations)
    small = 0 < total < k
    questions = []
    for q in tenant.questions:
        if q.kind != "rating":
            continue
        values = tally.values.get(q.id, [])
        hidden = small or 0 < len(values) < k
        questions.append(
            {
                "id": q.id,
                "count": None if hidden else len(values),
                "mean": None if hidden or not values else round(sum(values) / len(values), 1),
                "high": q.scale.high if q.scale else None,
            }
        )
    topics, hidden_topics = {}, 0
    for topic in TOPICS:
        convs = len(tally.topic_conversations.get(topic, ()))
        if convs == 0:
            continue
        if small or convs < k:
            hidden_topics += 1
            continue
        counts = tally.mentions[topic]
        n = sum(counts.values())
        hidden = protect({p: counts.get(p, 0) for p in ("positive", "negative", "neutral")}, k)
        topics[topic] = {
            "conversations": convs,
            "positive": None if "positive" in hidden else round(counts["positive"] / n, 3),
            "negative": None if "negative" in hidden else round(counts["negative"] / n, 3),
        }
    return {
        "conversations": None if small else total,
        "answers": None if small or 0 < tally.answers < k else tally.answers,
        "comments": None if small or 0 < tally.comments < k else tally.comments,
        "suppressed": small,
        "questions": questions,
        "topics": topics,
        "hidden_topics": hidden_topics,
    }


def trend(now: Mapping[str, Any] | None, before: Mapping[str, Any] | None) -> str:
    """How a topic's negative share moved against the week before: "new" (not shown
    then), "unknown" (a share hidden), "better", "worse" or "steady" (pure)."""
    if now is None:
        return "unknown"
    if before is None:
        return "new"
    if now.get("negative") is None or before.get("negative") is None:
        return "unknown"
    delta = 100 * (now["negative"] - before["negative"])
    if delta <= -TREND_POINTS:
        return "better"
    if delta >= TREND_POINTS:
        return "worse"
    return "steady"


def mentions(raw: Any) -> list[dict[str, Any]]:
    """[{topic, polarity}] of a stored `topics` field: a list of subdocuments, or the
    JSON text nx-27017 returns for subdocuments written by `$set`; anything else: []."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    if not isinstance(raw, list):
        return []
    return [{"topic": m.get("topic"), "polarity": m.get("polarity")} for m in raw if isinstance(m, Mapping)]


async def week(
    db: AsyncIOMotorDatabase, tenant: Tenant, start: dt.datetime, end: dt.datetime, k: int = MIN_GROUP
) -> dict[str, Any]:
    """The figures of [start, end) (aware datetimes: the hotel's week in UTC)."""
    configured = {q.id for q in tenant.questions}
    tally = WeekTally()
    try:
        guests = await restricted_guests(db)
        cursor = db[RATINGS].find(base_filter(start, end, guests), PROJECTION, batch_size=100_000)
        docs = await cursor.to_list(None)
    except PyMongoError as e:
        raise StorageError("reading ratings for the digest failed") from e
    for d in docs:  # the mentions' words are the guest's own: dropped before anything else
        d["topics"] = mentions(d.get("topics"))
    tally.add(docs, configured)
    out = figures(tally, tenant, k)
    # invitations sent in the week's UTC days (bot/reports/outreach.py)
    days = Period(start.astimezone(dt.UTC).date(), (end - dt.timedelta(seconds=1)).astimezone(dt.UTC).date())
    try:
        rate = await response_rates(db, days, guests, k)
    except PyMongoError as e:
        raise StorageError("reading invitations for the digest failed") from e
    out["response_rate"] = rate.get("rate") if rate.get("invited") else None
    return out
