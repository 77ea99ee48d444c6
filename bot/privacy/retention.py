"""Retention (DPA, per tenant `retention_days` in config/tenants.yml).

A conversation expires when nothing happened in it for `retention_days`: its summary,
ratings and, if it was escalated, its handover (unless staff still hold it), transcript,
history and counter are deleted. Before its ratings go, they are folded into
`rating_aggregates` — one document per month, question, channel and language with a
count and a sum of normalised scores, no guest reference, no conversation id — so the
hotel keeps its statistics and nothing in them identifies a guest (DPA annex 1:
anonymised aggregates). Ratings of guests who restricted processing are not folded in.

Also expired: the hotel's stays whose departure (or check-out) is older than the
period (bot/outreach/stays.py), contacts of guests who have not written within the period, finished
inbound jobs, SMS delivery records, and Rasa trackers whose last event is older.
Consent (STOP) records are kept: forgetting a STOP would allow messaging again.

What happens to each collection is declared once, beside its store, in the registry
(bot/privacy/stores.py `Retention`, collected in `RETENTION`): this module reads the
rules and knows no collection but the ratings it folds and the handovers staff hold.

`run_retention` is a dry run (counts) unless `confirm`; each confirmed run writes an
audit record in the tenant's database. The jobs process (bot/jobs) runs `run_all` once
a day, on one process only; `python -m bot.privacy retention run` on demand.
A run interrupted between folding and deleting may count those ratings twice in the
aggregates; a retried run deletes what is left.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Iterable
from typing import Any

from bot.audit.log import AuditLog, AuditRecord
from bot.base.logs import event
from bot.base.names import GUEST_FLAGS, HANDOVERS, RATING_AGGREGATES, RATINGS
from bot.handover.store import HELD
from bot.privacy.stores import RETENTION, PrivacyContext, Retention, tenant_trackers
from bot.storage.mongo import DURABLE

logger = logging.getLogger(__name__)

DAY = 86_400.0
AGGREGATES = RATING_AGGREGATES


def epoch(value: Any) -> float | None:
    """A stored time as epoch seconds: datetimes, numbers, and the ISO strings a
    MongoDB-wire server may turn datetimes written by update operators into."""
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
        except ValueError:
            return None
        return epoch(parsed)
    return None


def _rules(expire: str) -> list[tuple[str, Retention]]:
    """The registered collections (bot/privacy/stores.py RETENTION) expired this way,
    ratings first (they are folded into the aggregates before they go)."""
    rules = [(name, rule) for name, rule in RETENTION.items() if rule.expire == expire]
    return sorted(rules, key=lambda item: item[0] != RATINGS)


def _latest(doc: dict[str, Any], fields: Iterable[str]) -> float | None:
    times = [t for t in (epoch(doc.get(f)) for f in fields) if t is not None]
    return max(times) if times else None


async def _old(
    coll: Any, fields: tuple[str, ...], cutoff: float, query: dict[str, Any] | None = None
) -> list[Any]:
    """Ids of documents whose latest time field is before the cutoff (parsed here: the
    stored type differs between servers)."""
    projection = dict.fromkeys(fields, 1)
    found = []
    async for doc in coll.find(query or {}, projection):
        latest = _latest(doc, fields)
        if latest is not None and latest < cutoff:
            found.append(doc["_id"])
    return found


async def _delete(coll: Any, field: str, values: list[Any], confirm: bool) -> int:
    if not values:
        return 0
    if not confirm:
        return await coll.count_documents({field: {"$in": values}})
    n = 0
    for i in range(0, len(values), 1000):
        n += (await coll.delete_many({field: {"$in": values[i : i + 1000]}})).deleted_count
    return n


async def _fold(db: Any, conversations: list[str]) -> int:
    """Expired ratings into anonymous monthly aggregates."""
    restricted = {
        d["_id"] async for d in db[GUEST_FLAGS].find({"restricted": {"$in": [True, 1]}}, {"_id": 1})
    }
    sums: dict[str, dict[str, Any]] = {}
    for i in range(0, len(conversations), 1000):
        query = {"conversation_id": {"$in": conversations[i : i + 1000]}, "kind": "rating"}
        async for r in db[RATINGS].find(query):
            if r.get("guest_ref") in restricted or r.get("restricted") or r.get("score") is None:
                continue
            at = epoch(r.get("answered_at")) or time.time()
            month = dt.datetime.fromtimestamp(at, dt.UTC).strftime("%Y-%m")
            key = f"{month}:{r.get('question')}:{r.get('channel')}:{r.get('language')}"
            agg = sums.setdefault(key, {"count": 0, "score_sum": 0.0})
            agg["count"] += 1
            agg["score_sum"] += float(r["score"])
    coll = db.get_collection(AGGREGATES, write_concern=DURABLE)
    for key, agg in sums.items():
        month, question, channel, language = key.split(":")
        await coll.update_one(
            {"_id": key},
            {
                "$inc": {"count": agg["count"], "score_sum": round(agg["score_sum"], 6)},
                "$set": {"month": month, "question": question, "channel": channel, "language": language},
            },
            upsert=True,
        )
    return sum(a["count"] for a in sums.values())


async def run_retention(
    ctx: PrivacyContext,
    tenant: str,
    days: int,
    *,
    confirm: bool = False,
    now: float | None = None,
    actor: str = "system",
    audit: AuditLog | None = None,
) -> dict[str, Any]:
    now = time.time() if now is None else now
    cutoff = now - days * DAY
    db = ctx.db(tenant)
    c = {name: db.get_collection(name, write_concern=DURABLE) for name in RETENTION}
    held = {d["_id"] async for d in c[HANDOVERS].find({"state": {"$in": list(HELD)}}, {"_id": 1})}
    # the last activity of each conversation, from every place it is recorded
    last: dict[str, float] = {}
    for name, rule in _rules("conversation"):
        if rule.activity:
            async for d in c[name].find({}, dict.fromkeys((rule.key, *rule.activity), 1)):
                cid, at = d.get(rule.key), _latest(d, rule.activity)
                if isinstance(cid, str) and at is not None:
                    last[cid] = max(last.get(cid, 0.0), at)
    expired = sorted(cid for cid, at in last.items() if at < cutoff and cid not in held)

    counts: dict[str, int] = {}
    counts["aggregated_ratings"] = await _fold(db, expired) if confirm and expired else 0
    for name, rule in _rules("conversation"):  # ratings first: folded just above
        n = await _delete(c[name], rule.key, expired, confirm)
        if rule.counted:
            counts[name] = n
    for name, rule in _rules("age"):
        old = await _old(c[name], rule.activity, cutoff, dict(rule.only) if rule.only else None)
        counts[name] = await _delete(c[name], "_id", old, confirm)
    old_trackers = []
    for key, tracker in await tenant_trackers(ctx, tenant):
        events = tracker.get("events") or []
        at = epoch(events[-1].get("timestamp")) if events else None
        if at is not None and at < cutoff:
            old_trackers.append(key)
    if confirm and old_trackers:
        await ctx.redis.delete(*old_trackers)
    counts["trackers"] = len(old_trackers)

    report = {
        "kind": "rapport.retention.v1",
        "tenant": tenant,
        "retention_days": days,
        "cutoff": cutoff,
        "confirmed": confirm,
        "at": now,
        ("deleted" if confirm else "would_delete"): counts,
    }
    if confirm:
        audit = audit or AuditLog.from_settings(ctx.mongo.client, ctx.settings)
        await audit.tenant(
            tenant,
            AuditRecord(
                actor, "retention.run", "tenant", tenant, "allowed", tenant, {**counts, "days": days}
            ),
        )
        event(logger, "privacy.retention.run", tenant=tenant, records=sum(counts.values()))
    return report


async def run_all(
    ctx: PrivacyContext, tenants: Iterable[Any], *, confirm: bool = True, actor: str = "system"
) -> list[dict[str, Any]]:
    """Every tenant with a retention period (Tenant objects from bot/tenants/registry.py)."""
    reports = []
    for tenant in tenants:
        if tenant.retention_days:
            reports.append(
                await run_retention(ctx, tenant.id, tenant.retention_days, confirm=confirm, actor=actor)
            )
    return reports


def dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, sort_keys=True, default=str)
