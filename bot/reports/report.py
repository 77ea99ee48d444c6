"""A tenant's report over a period, from its `ratings` collection, and the response
rate of its invitations (`response_rate`, from `invitations`: bot/reports/outreach.py).

Restriction of processing (GDPR Art. 18) is honoured by construction: `included()` is
the only reader of ratings here and every query it sends is built by `base_filter()`,
which leaves out ratings flagged `restricted` (true, or 1 as the embedded nx-27017
reads back a boolean written by `$set`) and every rating of a guest whose `guest_flags`
document says restricted, even one stored before the flag (bot/storage/flags.py).

Small groups are hidden: a figure resting on fewer than `MIN_GROUP` (5) answers or
responses is replaced by `null` with `"suppressed": true`, and within each table a
further cell is hidden until the hidden cells of a row or column add up to 5 or more,
so a hidden figure cannot be recovered from a total and its neighbours. Text answers
are counted; their text is never read.

How it reads: one find per 14-day window of the period (answered_at range on the
`time` index, projection, one batch), aggregated here. On nx-27017 the aggregation
pipeline gives wrong groups (`$group` by a field returns nothing) and
`count_documents`/`distinct` read the whole collection; one find over 100,000 ratings
holds the single-threaded server (and every chat turn) for ~2.5 s before its first
batch, a window for under 1 s. 100,000 ratings in a 90-day period: 5.4 s (docs/HOTELS.md,
"Reports").
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo.errors import PyMongoError

from bot.base.errors import StorageError
from bot.base.names import GUEST_FLAGS, RATINGS
from bot.reports.groups import MIN_GROUP, protect
from bot.reports.outreach import response_rates
from bot.reports.period import Period
from bot.reports.topics import FREE_TEXT, TOPIC_PROJECTION, TopicTally, previous_period
from bot.tenants.registry import Tenant

WINDOW_DAYS = 14
BATCH = 100_000  # a window in one reply: nx-27017 is slow to page a cursor in small batches
RESTRICTED = [True, 1]  # how guest_flags.restricted reads back (bool or nx-27017's 1)
NE_LIMIT = 100
PROJECTION = {
    "_id": 0,
    "conversation_id": 1,
    "guest_ref": 1,
    "question": 1,
    "kind": 1,
    "value": 1,
    "score": 1,
    "channel": 1,
    "language": 1,
    "answered_at": 1,
    "unsolicited": 1,
    "topics": 1,
}
DIMENSIONS = ("month", "channel", "language")
NPS_QUESTION = "recommend"  # a 0-10 "would you recommend us" question
NOTES = (
    "Ratings of guests who restricted the processing of their data are not included.",
    f"Figures resting on fewer than {MIN_GROUP} answers are hidden (with as many others as needed"
    " so that they cannot be worked out from the totals).",
    "Answers to text questions are counted here; staff of the hotel can open the comments"
    " behind a topic's figures.",
)


# ---- reading: the one place ratings are queried ----------------------------------------


async def restricted_guests(db: AsyncIOMotorDatabase) -> list[str]:
    """guest_refs whose `guest_flags` say restricted."""
    cursor = db[GUEST_FLAGS].find({"restricted": {"$in": RESTRICTED}}, {"_id": 1})
    return sorted([d["_id"] async for d in cursor])


def base_filter(start: dt.datetime, end: dt.datetime, restricted: Iterable[str]) -> dict[str, Any]:
    """Ratings answered in [start, end) that may be used for analytics.

    A rating carrying `restricted` at all is left out (`$exists: false`): writers only
    ever set it true (nx-27017 reads that back as 1), so this is `$nin: [true, 1]` and
    fails safe; on nx-27017 it is a plain SQL test, where `$nin` costs a json_each
    subquery per row (0.8 s against 1.9 s for a 14-day window of 15,000 ratings) and
    `$ne: true` wrongly matches nothing. Lifting a restriction must `$unset` the field.
    Flagged guests' ratings are left out by guest_ref: up to `NE_LIMIT` as `$ne`
    clauses (SQL on nx-27017; more would pass SQLite's expression depth), beyond that
    with `$nin` (3 s a window with 1,000 guests)."""
    query: dict[str, Any] = {"answered_at": {"$gte": start, "$lt": end}, "restricted": {"$exists": False}}
    guests = sorted(set(restricted))
    if len(guests) > NE_LIMIT:
        query["guest_ref"] = {"$nin": guests}
    elif guests:
        query["$and"] = [{"guest_ref": {"$ne": g}} for g in guests]
    return query


async def included(
    db: AsyncIOMotorDatabase,
    period: Period,
    projection: Mapping[str, int] = PROJECTION,
    kinds: tuple[str, ...] = (),
    match: Mapping[str, Any] | None = None,
) -> AsyncIterator[list[dict[str, Any]]]:
    """The period's usable ratings, a window at a time (the fields of `projection`);
    with `kinds`, only those kinds (one equality find per kind: `$in` on a scalar field
    reads the whole collection on nx-27017); with `match`, only those also matching it."""
    try:
        guests = await restricted_guests(db)
        for start, end in period.windows(WINDOW_DAYS):
            found: list[dict[str, Any]] = []
            for kind in kinds or (None,):
                query = base_filter(start, end, guests)
                if kind is not None:
                    query["kind"] = kind
                query.update(match or {})
                found += await db[RATINGS].find(query, dict(projection), batch_size=BATCH).to_list(None)
            yield found
    except PyMongoError as e:
        raise StorageError("reading ratings for a report failed") from e


async def build_report(
    db: AsyncIOMotorDatabase, tenant: Tenant, period: Period, *, min_group: int = MIN_GROUP
) -> dict[str, Any]:
    tally, topics, before = Tally(), TopicTally(), TopicTally()
    async for docs in included(db, period):
        tally.add(docs)
        topics.add(docs)
    async for docs in included(db, previous_period(period), TOPIC_PROJECTION, FREE_TEXT):
        before.add(docs)  # for the topics' trend
    report = tally.report(tenant, period, min_group)
    # what guests talk about, and their ratings of topics the hotel does not ask about
    report["topics"] = topics.report(before, period, min_group)
    try:
        restricted = await restricted_guests(db)
    except PyMongoError as e:
        raise StorageError("reading guest flags for a report failed") from e
    # invitations sent in the period and how many guests answered (bot/reports/outreach.py)
    report["response_rate"] = await response_rates(db, period, restricted, min_group)
    return report


# ---- aggregating (pure) -----------------------------------------------------------------


@dataclass
class Cell:
    count: int = 0
    score_sum: float = 0.0
    value_sum: float = 0.0

    def add(self, score: float | None, value: float | None) -> None:
        self.count += 1
        if score is not None and value is not None:
            self.score_sum += score
            self.value_sum += value


@dataclass
class Row:
    conversations: set[str] = field(default_factory=set)
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class Tally:
    conversations: set[str] = field(default_factory=set)
    kinds: dict[str, str] = field(default_factory=dict)
    totals: dict[str, Cell] = field(default_factory=dict)
    values: dict[str, Counter[float]] = field(default_factory=dict)
    rows: dict[str, dict[str, Row]] = field(default_factory=lambda: {d: {} for d in DIMENSIONS})

    def add(self, docs: Iterable[Mapping[str, Any]]) -> None:
        for d in docs:
            question, conv = d.get("question"), d.get("conversation_id")
            if not isinstance(question, str) or not isinstance(conv, str):
                continue
            if not answers_a_question(d):
                continue  # comments and unsolicited ratings have tables of their own (topics.py)
            kind = "rating" if d.get("kind") == "rating" else "text"
            score, value = _number(d.get("score")), _number(d.get("value"))
            if kind == "rating" and (score is None or value is None):
                continue  # a rating without a value says nothing
            if kind == "text":
                score = value = None
            self.kinds.setdefault(question, kind)
            self.conversations.add(conv)
            self.totals.setdefault(question, Cell()).add(score, value)
            if value is not None:
                self.values.setdefault(question, Counter())[value] += 1
            keys = {
                "month": _month(d.get("answered_at")),
                "channel": d.get("channel"),
                "language": d.get("language"),
            }
            for dim, key in keys.items():
                row = self.rows[dim].setdefault(key if isinstance(key, str) and key else "unknown", Row())
                row.conversations.add(conv)
                row.cells.setdefault(question, Cell()).add(score, value)

    def report(self, tenant: Tenant, period: Period, k: int = MIN_GROUP) -> dict[str, Any]:
        base: dict[str, Any] = {
            "tenant": tenant.id,
            "period": period.public(),
            "min_group_size": k,
            "notes": list(NOTES),
        }
        total = len(self.conversations)
        if 0 < total < k:  # nothing at all can be shown
            return {
                **base,
                "responses": None,
                "suppressed": True,
                "questions": [],
                "nps": None,
                "breakdowns": {},
            }
        order = _question_order(tenant, self.kinds)
        questions = [self._question(tenant, q, k) for q in order]
        breakdowns = {dim: self._breakdown(dim, order, period, k) for dim in DIMENSIONS}
        return {
            **base,
            "responses": total,
            "suppressed": False,
            "questions": questions,
            "nps": self._nps(tenant, k),
            "breakdowns": breakdowns,
        }

    def _question(self, tenant: Tenant, qid: str, k: int) -> dict[str, Any]:
        kind = self.kinds.get(qid) or _configured_kind(tenant, qid)
        cell = self.totals.get(qid, Cell())
        out: dict[str, Any] = {"id": qid, "kind": kind, "scale": _scale(tenant, qid)}
        if 0 < cell.count < k:
            return {**out, "count": None, "suppressed": True}
        out.update(_figures(cell, kind), suppressed=False)
        if kind == "rating":
            counts = dict.fromkeys(_steps(tenant, qid), 0)
            counts.update(self.values.get(qid, {}))
            hidden = protect(counts, k)
            out["distribution"] = [
                {"value": _plain(v), "count": None if v in hidden else n, "suppressed": v in hidden}
                for v, n in sorted(counts.items())
            ]
        return out

    def _breakdown(self, dim: str, order: list[str], period: Period, k: int) -> list[dict[str, Any]]:
        rows = dict(self.rows[dim])
        if dim == "month":  # every month of the period, in order
            rows = {m: rows.get(m, Row()) for m in _months(period)}
        else:
            rows = dict(sorted(rows.items()))
        hidden_rows = protect({key: len(r.conversations) for key, r in rows.items()}, k)
        hidden_cells = {
            q: protect({key: r.cells.get(q, Cell()).count for key, r in rows.items()}, k) for q in order
        }
        out = []
        for key, r in rows.items():
            suppressed = key in hidden_rows
            cells = {}
            for q in order:
                if suppressed or key in hidden_cells[q]:
                    cells[q] = {"count": None, "suppressed": True}
                else:
                    cells[q] = {
                        **_figures(r.cells.get(q, Cell()), self.kinds.get(q, "rating")),
                        "suppressed": False,
                    }
            out.append(
                {
                    "key": key,
                    "responses": None if suppressed else len(r.conversations),
                    "suppressed": suppressed,
                    "questions": cells,
                }
            )
        return out

    def _nps(self, tenant: Tenant, k: int) -> dict[str, Any] | None:
        """Net Promoter Score of a 0-10 recommend question: % 9-10 minus % 0-6."""
        scale = _scale(tenant, NPS_QUESTION)
        if scale is None or (scale["low"], scale["high"]) != (0, 10):
            return None
        values = self.values.get(NPS_QUESTION, Counter())
        n = sum(values.values())
        if n == 0:
            return {"question": NPS_QUESTION, "count": 0, "score": None, "suppressed": False}
        if n < k:
            return {"question": NPS_QUESTION, "count": None, "score": None, "suppressed": True}
        groups = {
            "promoters": sum(c for v, c in values.items() if v >= 9),
            "passives": sum(c for v, c in values.items() if 7 <= v < 9),
            "detractors": sum(c for v, c in values.items() if v < 7),
        }
        score = round(100 * (groups["promoters"] - groups["detractors"]) / n, 1)
        # with the score and the count known, one group shown gives the others away
        small = any(0 < c < k for c in groups.values())
        shown: dict[str, int | None] = {g: None if small else c for g, c in groups.items()}
        return {"question": NPS_QUESTION, "count": n, "score": score, **shown, "groups_suppressed": small}


def answers_a_question(doc: Mapping[str, Any]) -> bool:
    """A rating or text answer to a question the hotel asks: not a comment given at
    another point (kind "comment"), not a rating of a topic it does not ask about
    (`unsolicited`, 1 as stored)."""
    return doc.get("kind") != "comment" and not doc.get("unsolicited")


def _figures(cell: Cell, kind: str) -> dict[str, Any]:
    if kind != "rating":
        return {"count": cell.count}
    if cell.count == 0:
        return {"count": 0, "mean_score": None, "mean_value": None}
    return {
        "count": cell.count,
        "mean_score": round(cell.score_sum / cell.count, 4),
        "mean_value": round(cell.value_sum / cell.count, 3),
    }


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _plain(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def _month(at: Any) -> str | None:
    if isinstance(at, dt.datetime):
        return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m")
    return None


def _months(period: Period) -> list[str]:
    months, day = [], period.first.replace(day=1)
    while day <= period.last:
        months.append(day.strftime("%Y-%m"))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _question_order(tenant: Tenant, seen: Mapping[str, str]) -> list[str]:
    configured = [q.id for q in tenant.questions]
    return configured + sorted(q for q in seen if q not in configured)


def _configured_kind(tenant: Tenant, qid: str) -> str:
    try:
        return tenant.question(qid).kind
    except KeyError:
        return "text"


def _scale(tenant: Tenant, qid: str) -> dict[str, Any] | None:
    try:
        s = tenant.question(qid).scale
    except KeyError:
        return None
    return None if s is None else {"low": s.low, "high": s.high, "halves": s.halves}


def _steps(tenant: Tenant, qid: str) -> list[float]:
    scale = _scale(tenant, qid)
    if scale is None:
        return []
    step = 0.5 if scale["halves"] else 1.0
    n = int((scale["high"] - scale["low"]) / step)
    return [scale["low"] + i * step for i in range(n + 1)]
