"""The audit folder: chains the system's pending inbox records (bot/audit/log.py).

Every jobs process (bot/jobs) runs one `InboxFolder` for every tenant: about once a
second (`fold_all`) it takes the tenant's `audit_inbox` documents in `_id` order (time,
then random) and appends them to the tenant's chain as ONE `system.batch` entry, then
deletes them:

    detail: {entries: n, writes: m, reads?: k,
             folded: [inbox ids],                      # what this batch holds
             records: [{id, at (epoch ms), writes: [{action, resource_type, resource_id,
                                                     count?}], reads?: [same]}]}
    resources: [distinct resource ids]                 # for the erasure scan's look-ups

Then the same for the tenant's Redis inbox (the Rasa server's tracker reads and writes,
`rapport:audit_inbox:<tenant>`, a list): the oldest elements are read with LRANGE,
chained, and removed with LTRIM (new elements are pushed at the other end, so the trim
removes exactly what was chained).

At most `batch` documents per entry, so an entry stays small (about 100 kB at most).

Exactly once:

- Several processes: a lease in the tenant's `audit_chain` collection
  (`{_id: "folder", owner, until}`, epoch seconds) taken with a conditional upsert; only
  its owner folds, and right before inserting a batch it renews the lease with a
  conditional update that requires at least `lease / 3` seconds left (the fence), so a
  folder that stalled and lost the lease stops without writing.
- A crash between the append and the delete: before folding, the folder looks the
  documents' ids up in the chain (`detail.folded`, indexed) and deletes, without
  folding them again, those a batch already holds.

What remains: a folder that stalls for longer than the lease's remaining third between
its fence and its insert (a single insert) could fold documents another folder is
folding; each write would then appear in two batches, never in none.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError, PyMongoError

from bot.audit.log import (
    BATCH,
    INBOX,
    SYSTEM,
    AuditLog,
    AuditRecord,
    epoch_millis,
    parse_redis_entry,
    redis_inbox_key,
)
from bot.base.errors import StorageError
from bot.base.logs import event
from bot.base.names import AUDIT, AUDIT_CHAIN, REDIS_PREFIX
from bot.storage.mongo import DURABLE

logger = logging.getLogger(__name__)

LEASE = "folder"
WRITE_FIELDS = ("action", "resource_type", "resource_id", "count")


class LeaseLost(Exception):
    """Another folder holds the tenant's lease now: stop before writing."""


def batch_record(tenant_id: str, docs: Sequence[Mapping[str, Any]]) -> AuditRecord:
    """The chained entry folding `docs` (inbox documents, in order). Only the known
    fields are copied: an inbox document is unprotected until folded."""
    records, resources = [], set()
    for doc in docs:
        at = doc.get("at")
        record: dict[str, Any] = {"id": str(doc["_id"]), "at": epoch_millis(at) if at else 0}
        for field in ("writes", "reads"):
            accesses = []
            for w in doc.get(field) or ():
                if isinstance(w, Mapping):
                    access = {k: w[k] for k in WRITE_FIELDS if isinstance(w.get(k), str | int)}
                    accesses.append(access)
                    if isinstance(access.get("resource_id"), str):
                        resources.add(access["resource_id"])
            if field == "writes" or accesses:  # entries without reads hash as before
                record[field] = accesses
        records.append(record)
    detail: dict[str, Any] = {
        "entries": len(records),
        "writes": sum(len(r["writes"]) for r in records),
        "folded": [r["id"] for r in records],
        "records": records,
    }
    reads = sum(len(r.get("reads", ())) for r in records)
    if reads:
        detail["reads"] = reads
    return AuditRecord(
        SYSTEM, BATCH, INBOX, None, "allowed", tenant=tenant_id, detail=detail, resources=sorted(resources)
    )


class InboxFolder:
    def __init__(
        self,
        audit: AuditLog,
        *,
        lease: float = 30.0,
        batch: int = 250,
        owner: str | None = None,
        clock: Callable[[], float] = time.time,
        redis: Any = None,
        redis_prefix: str = REDIS_PREFIX,
    ) -> None:
        """`redis`: a redis.asyncio client, to drain the Redis inboxes too (None: only MongoDB's)."""
        self.audit = audit
        self.redis = redis
        self.redis_prefix = redis_prefix
        self.lease = lease
        self.batch = batch
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.clock = clock

    def _db(self, tenant_id: str) -> Any:
        return self.audit.client[self.audit.database_of(tenant_id)]

    async def _take_lease(self, tenant_id: str) -> bool:
        """Renew our lease, take an expired one, or create it; False while another holds it.
        Conditional updates one at a time, not one `$or` filter: nx-27017 applies a write
        whose filter has a top-level `$or` to the first document matching the `$or`
        alone, ignoring `_id`."""
        now = self.clock()
        chain = self._db(tenant_id).get_collection(AUDIT_CHAIN, write_concern=DURABLE)
        mine = {"$set": {"owner": self.owner, "until": now + self.lease}}
        for held in ({"owner": self.owner}, {"until": {"$lt": now}}):
            if (await chain.update_one({"_id": LEASE, **held}, mine)).matched_count:
                return True
        try:
            await chain.insert_one({"_id": LEASE, "owner": self.owner, "until": now + self.lease})
        except DuplicateKeyError:  # held by another folder
            return False
        return True

    async def _fence(self, tenant_id: str) -> None:
        """Renew the lease if it still has a third left, else stop (LeaseLost)."""
        now = self.clock()
        renewed = await (
            self._db(tenant_id)
            .get_collection(AUDIT_CHAIN, write_concern=DURABLE)
            .update_one(
                {"_id": LEASE, "owner": self.owner, "until": {"$gt": now + self.lease / 3}},
                {"$set": {"until": now + self.lease}},
            )
        )
        if renewed.matched_count != 1:
            raise LeaseLost(tenant_id)

    async def _chained(self, tenant_id: str, ids: list[str]) -> set[str]:
        """Which of these inbox ids a batch in the chain already holds."""
        found: set[str] = set()
        cursor = self._db(tenant_id)[AUDIT].find({"detail.folded": {"$in": ids}}, {"detail.folded": 1})
        async for e in cursor:
            # MongoDB answers {detail: {folded}}; nx-27017 answers {"detail.folded": ...}
            found |= set(e.get("detail.folded") or (e.get("detail") or {}).get("folded") or ())
        return found & set(ids)

    async def _append_new(self, tenant_id: str, docs: list[dict[str, Any]]) -> int:
        """Chain, as one batch, those of `docs` no batch holds yet (a folder that crashed
        between its append and the removal left some chained); how many were appended.
        The caller then removes all of `docs` from its inbox."""
        done = await self._chained(tenant_id, [d["_id"] for d in docs])
        if done:
            event(logger, "audit.fold.recovered", logging.WARNING, tenant=tenant_id, entries=len(done))
        todo = [d for d in docs if d["_id"] not in done]
        if todo:
            fence = lambda: self._fence(tenant_id)  # noqa: E731
            seq = await self.audit.tenant(tenant_id, batch_record(tenant_id, todo), fence=fence)
            event(logger, "audit.fold.appended", logging.DEBUG, tenant=tenant_id, seq=seq, entries=len(todo))
        return len(todo)

    async def fold_once(self, tenant_id: str) -> int:
        """Fold the tenant's pending inbox documents; how many were folded (0 without the lease)."""
        if not await self._take_lease(tenant_id):
            return 0
        inbox = self._db(tenant_id).get_collection(INBOX, write_concern=DURABLE)
        folded = 0
        while True:
            docs = await inbox.find({}).sort("_id", ASCENDING).limit(self.batch).to_list(self.batch)
            if not docs:
                break
            folded += await self._append_new(tenant_id, docs)
            await inbox.delete_many({"_id": {"$in": [d["_id"] for d in docs]}})
            if len(docs) < self.batch:
                break
        if self.redis is not None:
            folded += await self._fold_redis(tenant_id)
        return folded

    async def _fold_redis(self, tenant_id: str) -> int:
        """Chain the tenant's Redis inbox, oldest first. Unreadable elements are chained
        as what they are (an id, no accesses) rather than dropped silently."""
        key = redis_inbox_key(self.redis_prefix, tenant_id)
        folded = 0
        while True:
            raw = await self.redis.lrange(key, 0, self.batch - 1)
            if not raw:
                break
            docs = []
            for i, element in enumerate(raw):
                doc = parse_redis_entry(element)
                if doc is None:
                    event(logger, "audit.fold.unreadable", logging.WARNING, tenant=tenant_id)
                    doc = {"_id": f"unreadable-{secrets.token_hex(6)}-{i}", "writes": []}
                docs.append(doc)
            folded += await self._append_new(tenant_id, docs)
            await self.redis.ltrim(key, len(raw), -1)  # new elements were pushed at the other end
            if len(raw) < self.batch:
                break
        return folded

    async def fold_all(self, tenant_ids: Iterable[str]) -> int:
        """One round: fold every tenant's inbox (a tenant that fails is retried next
        round, the others go on); how many were folded."""
        folded = 0
        for tenant_id in sorted(set(tenant_ids)):
            try:
                folded += await self.fold_once(tenant_id)
            except LeaseLost:
                event(logger, "audit.fold.lease_lost", logging.WARNING, tenant=tenant_id)
            except (PyMongoError, StorageError) as e:  # the next round retries
                event(logger, "audit.fold.failed", logging.WARNING, tenant=tenant_id, error=type(e).__name__)
        return folded
