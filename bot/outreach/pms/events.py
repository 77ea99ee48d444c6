"""PMS webhook events (tenant collection `pms_events`): recorded once, processed once.

    _id          "<kind>:<the PMS's event id>"   (a replayed event finds it: duplicate)
    kind         "apaleo"                         type   "reservation/checked-out"
    entity       the PMS's reservation id (re-fetched; the body's data is never used)
    stay         the stay's _id (keyed hash of the reference: erasure finds events by it)
    status       "pending" | "processing" | "done" | "failed" | "gave_up"
    attempts     int            error   the last failure's code ("timeout", "http_503", ...)
    outcome      "new" | "changed" | "unchanged" | "skipped" (done)
    lease_until, next_at, received_at, updated_at   epoch floats

No guest data: ids, codes, counts and times. Processing: the console answers the
webhook at once and processes the event in a task of its own (`process`); the fetch is
retried with back-off (base.py); an event that still fails is `failed` with `next_at`
= now + 30 s x 4^(attempts-1) (at most 6 h) and the jobs' `poll_round` retries it
(`retry_due`), as it does a `pending` event older than a minute (the console died before
processing it) and a `processing` one whose lease ran out. After MAX_ATTEMPTS it is
`gave_up` (reported; `python -m bot.outreach pms sync` catches up by modification time).
Claims are conditional updates, one condition at a time (nx-27017 and `$or` in writes).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError, PyMongoError

from bot.base.errors import StorageError
from bot.base.logs import event
from bot.base.names import PMS_EVENTS
from bot.outreach.pms.base import PmsConnector, PmsError
from bot.outreach.stays import StayStore
from bot.storage.mongo import DURABLE, MongoStore

logger = logging.getLogger(__name__)

LEASE = 120.0
STALE_PENDING = 60.0  # a pending event this old was not processed by the console
MAX_ATTEMPTS = 8
RETRY_BASE = 30.0
RETRY_CAP = 6 * 3600.0
INDEXES = [IndexModel([("status", ASCENDING)], name="status"), IndexModel([("stay", ASCENDING)], name="stay")]
_INDEXED: set[tuple[int, str]] = set()  # (client, tenant) whose indexes this process made


@dataclass(frozen=True)
class WebhookEvent:
    """What Rapport keeps of a PMS's webhook: its id, type and the entity to re-fetch."""

    id: str
    type: str
    entity: str


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ValueError("bad field")
    return value.strip()


def event_fields(payload: Any) -> tuple[str, str, str, Any]:
    """(id, topic, type, data) of a webhook body shaped like apaleo's; raises ValueError."""
    if not isinstance(payload, dict):
        raise ValueError("not an object")
    return (
        _text(payload.get("id"), 100),
        _text(payload.get("topic"), 64),
        _text(payload.get("type"), 64),
        payload.get("data"),
    )


def retry_delay(attempts: int) -> float:
    return min(RETRY_CAP, RETRY_BASE * 4 ** max(0, attempts - 1))


class EventStore:
    def __init__(self, mongo: MongoStore, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self.collection = mongo.database(tenant_id).get_collection(PMS_EVENTS, write_concern=DURABLE)

    async def record(self, kind: str, ev: WebhookEvent, stay: str, now: float) -> str | None:
        """The event's _id if it is new, None if it was seen before (a replay)."""
        doc_id = f"{kind}:{ev.id}"
        doc = {
            "_id": doc_id,
            "kind": kind,
            "type": ev.type,
            "entity": ev.entity,
            "stay": stay,
            "status": "pending",
            "attempts": 0,
            "received_at": now,
            "updated_at": now,
        }
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError:
            return None
        except PyMongoError as e:
            raise StorageError("recording the PMS event failed") from e
        key = (id(self.collection.database.client), self.tenant_id)
        if key not in _INDEXED:
            try:
                await self.collection.create_indexes(INDEXES)
                _INDEXED.add(key)
            except PyMongoError:
                event(logger, "outreach.pms.indexes_failed", logging.WARNING, tenant=self.tenant_id)
        return doc_id

    async def _claim(self, query: Mapping[str, Any], now: float) -> dict[str, Any] | None:
        try:
            return await self.collection.find_one_and_update(
                dict(query),
                {"$set": {"status": "processing", "lease_until": now + LEASE, "updated_at": now}},
                return_document=ReturnDocument.AFTER,
            )
        except PyMongoError as e:
            raise StorageError("claiming the PMS event failed") from e

    async def claim(self, doc_id: str, now: float) -> dict[str, Any] | None:
        """Take one event to process: pending, failed and due, or processing with its lease over."""
        for query in (
            {"_id": doc_id, "status": "pending"},
            {"_id": doc_id, "status": "failed", "next_at": {"$lte": now}},
            {"_id": doc_id, "status": "processing", "lease_until": {"$lt": now}},
        ):
            doc = await self._claim(query, now)
            if doc is not None:
                return doc
        return None

    async def due(self, now: float, limit: int = 100) -> list[str]:
        """Events a round should (re)try."""
        ids: list[str] = []
        try:
            for query in (
                {"status": "failed", "next_at": {"$lte": now}},
                {"status": "pending", "received_at": {"$lt": now - STALE_PENDING}},
                {"status": "processing", "lease_until": {"$lt": now}},
            ):
                async for d in self.collection.find(query, {"_id": 1}).limit(limit):
                    ids.append(d["_id"])
        except PyMongoError as e:
            raise StorageError("reading the PMS events failed") from e
        return ids[:limit]

    async def finish(self, doc_id: str, outcome: str, now: float) -> None:
        await self._set(doc_id, {"status": "done", "outcome": outcome, "updated_at": now})

    async def fail(self, doc: Mapping[str, Any], code: str, now: float) -> str:
        attempts = int(doc.get("attempts") or 0) + 1
        status = "gave_up" if attempts >= MAX_ATTEMPTS else "failed"
        await self._set(
            doc["_id"],
            {
                "status": status,
                "attempts": attempts,
                "error": code,
                "next_at": now + retry_delay(attempts),
                "updated_at": now,
            },
        )
        return status

    async def _set(self, doc_id: str, fields: Mapping[str, Any]) -> None:
        try:
            await self.collection.update_one({"_id": doc_id}, {"$set": dict(fields)})
        except PyMongoError as e:
            raise StorageError("updating the PMS event failed") from e

    async def get(self, doc_id: str) -> dict[str, Any] | None:
        return await self.collection.find_one({"_id": doc_id})

    async def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        async for d in self.collection.find({}, {"status": 1}):
            out[d.get("status", "?")] = out.get(d.get("status", "?"), 0) + 1
        return out


async def process(
    events: EventStore, stays: StayStore, connector: PmsConnector, doc_id: str, now: float | None = None
) -> str:
    """Claim one event, re-fetch its reservation, upsert the stay. Returns what happened:
    "new" | "changed" | "unchanged" | "skipped" (done), "failed" | "gave_up", or "busy"
    (another process holds it, or it is done already)."""
    now = time.time() if now is None else now
    doc = await events.claim(doc_id, now)
    if doc is None:
        return "busy"
    try:
        stay = await connector.stay(doc["entity"])
    except PmsError as e:
        status = await events.fail(doc, e.code, time.time())
        event(
            logger,
            "outreach.pms.event_failed",
            logging.WARNING,
            tenant=events.tenant_id,
            pms=connector.name,
            stay=doc.get("stay"),
            error=e.code,
            status=status,
        )
        return status
    if stay is None:
        outcome = "skipped"
    else:
        import_id = f"pms_{connector.name}_{secrets.token_hex(4)}"
        result = await stays.upsert([stay], source=connector.name, import_id=import_id, now=time.time())
        outcome = next((k for k in ("new", "changed", "unchanged") if result[k]), "unchanged")
    await events.finish(doc_id, outcome, time.time())
    event(
        logger,
        "outreach.pms.event_done",
        tenant=events.tenant_id,
        pms=connector.name,
        stay=doc.get("stay"),
        outcome=outcome,
    )
    return outcome
