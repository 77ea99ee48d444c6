"""The gauges that describe shared state, refreshed every RAPPORT_METRICS_REFRESH
seconds (default 15) by the jobs process (`metrics` in the job table, bot/jobs/runner.py) for every tenant:

    rapport_inbound_queue_depth / _oldest_seconds {tenant, channel}   sms_inbound, email_inbound
    rapport_escalations_waiting / _oldest_waiting_seconds {tenant}    handovers
    rapport_dsr_requests {tenant, state}, rapport_dsr_nearest_deadline_seconds {tenant}
    rapport_audit_inbox_oldest_seconds {tenant}                        audit_inbox + Redis inbox

Cheap queries only: per tenant one aggregation per collection (`$match` on the indexed
state, `$group` with `$sum`/`$min`: nx-27017 answers them; no `$or` anywhere), the open
DSR requests' two deadline fields, the audit inbox's count and first document, and the
Redis inbox's LLEN and LINDEX 0. Tenants run concurrently, CONCURRENCY at a time. The
"sms" channel counts WhatsApp too (one webhook, one queue). A tenant whose query fails
keeps its last values and the round logs `metrics.refresh_failed` (tenant, error type).
Every jobs process refreshes (Prometheus takes max() across them); the other processes
do not export these gauges.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Sequence
from typing import Any

from bot.audit.log import AuditLog, redis_inbox_status
from bot.base.logs import event
from bot.base.metrics import (
    AUDIT_INBOX_AGE,
    DSR_NEAREST_DEADLINE,
    DSR_REQUESTS,
    ESCALATIONS_OLDEST,
    ESCALATIONS_WAITING,
    INBOUND_QUEUE_AGE,
    INBOUND_QUEUE_DEPTH,
)
from bot.base.names import DSR_REQUESTS as DSR_COLLECTION
from bot.base.names import EMAIL_INBOUND, HANDOVERS, REDIS_PREFIX, SMS_INBOUND
from bot.base.states import DsrStatus, HandoverState, JobState
from bot.storage.mongo import MongoStore

logger = logging.getLogger(__name__)

CONCURRENCY = 4  # tenants refreshed at once (more would crowd guest turns on the store)
INBOUND = {"sms": SMS_INBOUND, "email": EMAIL_INBOUND}
OPEN_DSR = [DsrStatus.RECEIVED, DsrStatus.PENDING, DsrStatus.VERIFIED, DsrStatus.AWAITING]


async def _count_and_oldest(collection: Any, match: dict[str, Any], field: str) -> tuple[int, float | None]:
    rows = await collection.aggregate(
        [{"$match": match}, {"$group": {"_id": None, "n": {"$sum": 1}, "oldest": {"$min": f"${field}"}}}]
    ).to_list(1)
    if not rows:
        return 0, None
    oldest = rows[0].get("oldest")
    return int(rows[0]["n"]), float(oldest) if isinstance(oldest, (int, float)) else None


def _age(now: float, oldest: float | None) -> float:
    return max(0.0, now - oldest) if oldest is not None else 0.0


class MetricsRefresher:
    def __init__(
        self,
        mongo: MongoStore,
        redis: Any,
        audit: AuditLog,
        tenant_ids: Sequence[str],
        redis_prefix: str = REDIS_PREFIX,
    ) -> None:
        self.mongo = mongo
        self.redis = redis
        self.audit = audit
        self.tenant_ids = list(tenant_ids)
        self.redis_prefix = redis_prefix
        self.last_seconds = 0.0  # how long the last round took (docs/OPERATIONS.md)

    async def run_once(self) -> None:
        started = time.perf_counter()
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(tenant_id: str) -> None:
            async with gate:
                try:
                    await self.refresh(tenant_id)
                except Exception as e:  # noqa: BLE001 - the last values stay; the next round tries again
                    event(
                        logger,
                        "metrics.refresh_failed",
                        logging.WARNING,
                        tenant=tenant_id,
                        error=type(e).__name__,
                    )

        await asyncio.gather(*(one(t) for t in self.tenant_ids))
        self.last_seconds = time.perf_counter() - started

    async def refresh(self, tenant_id: str) -> None:
        db = self.mongo.database(tenant_id)
        now = time.time()
        parts = await asyncio.gather(
            *(_count_and_oldest(db[c], {"state": JobState.PENDING}, "received_at") for c in INBOUND.values()),
            _count_and_oldest(db[HANDOVERS], {"state": HandoverState.WAITING}, "escalated_at"),
            self._dsr(db),
            self._audit_inbox(tenant_id),
        )
        for channel, (depth, oldest) in zip(INBOUND, parts[: len(INBOUND)], strict=True):
            INBOUND_QUEUE_DEPTH.labels(tenant_id, channel).set(depth)
            INBOUND_QUEUE_AGE.labels(tenant_id, channel).set(_age(now, oldest))
        waiting, oldest = parts[len(INBOUND)]
        ESCALATIONS_WAITING.labels(tenant_id).set(waiting)
        ESCALATIONS_OLDEST.labels(tenant_id).set(_age(now, oldest))
        counts, deadline = parts[len(INBOUND) + 1]
        for state in DsrStatus:
            DSR_REQUESTS.labels(tenant_id, state.value).set(counts.get(state.value, 0))
        # no open request: no deadline to meet (a large value, not 0, which would read "due now")
        DSR_NEAREST_DEADLINE.labels(tenant_id).set(deadline - now if deadline is not None else float("inf"))
        AUDIT_INBOX_AGE.labels(tenant_id).set(parts[-1])

    async def _dsr(self, db: Any) -> tuple[dict[str, int], float | None]:
        collection = db[DSR_COLLECTION]
        rows = await collection.aggregate([{"$group": {"_id": "$status", "n": {"$sum": 1}}}]).to_list(None)
        counts = {str(r["_id"]): int(r["n"]) for r in rows}
        deadline = None
        if any(counts.get(s.value) for s in OPEN_DSR):
            projection = {"deadline_at": 1, "extended_until": 1}
            async for doc in collection.find({"status": {"$in": [s.value for s in OPEN_DSR]}}, projection):
                due = doc.get("extended_until") or doc.get("deadline_at")
                if isinstance(due, (int, float)) and (deadline is None or due < deadline):
                    deadline = float(due)
        return counts, deadline

    async def _audit_inbox(self, tenant_id: str) -> float:
        status = await self.audit.inbox_status(self.audit.database_of(tenant_id))
        if self.redis is not None:
            status = status.plus(await redis_inbox_status(self.redis, self.redis_prefix, tenant_id))
        return status.age(dt.datetime.now(dt.UTC))
