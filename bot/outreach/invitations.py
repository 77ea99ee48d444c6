"""The send schedule: one document per (stay, journey, reminder) in the tenant's
collection `invitations` (docs/SCHEMA.md; the shape is CONTRACTS §1). Only this module
writes it (and bot/outreach/opening.py, which sets `answered_at`).

    _id        "i_" + stay id without "s_" + "_" + journey + ("_r" for the reminder):
               planning twice inserts nothing new (insert-if-absent on the _id)
    status     planned -> claimed -> sent | failed | planned (a retry)
               planned -> suppressed | cancelled (with `reason`)

Claiming is exactly once: a process takes a due invitation with one conditional
`find_one_and_update` on {_id, status: "planned", due <= now}; a claim whose holder died
is taken over with a second, separate conditional update on {_id, status: "claimed",
claimed_until < now, sending_at: 0} (two passes: nx-27017 applies a write whose filter
has a top-level `$or` to the wrong document).

**At most once.** Before the provider is called the holder stamps `sending_at` (again
conditional on holding the claim). A claim that expires after that stamp is never sent
again: `expire_uncertain` marks it failed with reason "uncertain" (the provider may or
may not have taken it; the send log shows it for an operator). A process killed between
the provider's answer and `mark_sent` therefore costs at most one guest an invitation;
it never texts a guest twice. A claim that expires before the stamp (the holder died
while checking suppression) is taken over and sent by another process.

Retryable failures (the sending number at its rate, a provider refusal that created
nothing) go back to "planned" with a later `due` (exponential back-off), until
MAX_ATTEMPTS claims; then "failed".
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError, PyMongoError

from bot.base.errors import StorageError
from bot.base.names import INVITATIONS, OUTREACH_PLANNED
from bot.outreach.message import language_of
from bot.outreach.plan import SUPPRESSED_BY_STATUS, Planned, plan_stay
from bot.storage.mongo import DURABLE, MongoStore
from bot.tenants.outreach_policy import OutreachPolicy
from bot.tenants.registry import Tenant

PLANNED, CLAIMED, SENT, FAILED, SUPPRESSED, CANCELLED = (
    "planned",
    "claimed",
    "sent",
    "failed",
    "suppressed",
    "cancelled",
)
STATUSES = (PLANNED, CLAIMED, SENT, FAILED, SUPPRESSED, CANCELLED)
LEASE = 60.0  # seconds a claim holds; renewed while a send lasts
MAX_ATTEMPTS = 5
BACKOFF = 60.0  # seconds before the first retry, doubled each time (at most MAX_BACKOFF)
MAX_BACKOFF = 3600.0
INDEXES = [
    IndexModel([("due", ASCENDING)], name="due"),
    IndexModel([("status", ASCENDING)], name="status"),
    IndexModel([("stay", ASCENDING)], name="stay"),
    IndexModel([("guest_ref", ASCENDING)], name="guest"),
    IndexModel([("guest_refs", ASCENDING)], name="guests"),
    IndexModel([("claimed_until", ASCENDING)], name="lease"),
    # the console's send log and the response rate read by these (bot/reports/outreach.py)
    IndexModel([("sent_at", ASCENDING)], name="sent"),
    IndexModel([("updated_at", ASCENDING)], name="updated"),
]
CURSOR_FIELD = "~cursor"  # in the OUTREACH_PLANNED hash: the latest stay updated_at planned
SETTLE = 600.0  # seconds an import may take to write all its stays (one `updated_at`)
POLICY_FIELD = "~policy"  # ... and the fingerprint of the policy it was planned with


def invitation_id(stay_id: str, journey: str, reminder: int) -> str:
    return "i_" + stay_id.removeprefix("s_") + "_" + journey + ("_r" if reminder else "")


def backoff(attempts: int) -> float:
    return min(MAX_BACKOFF, BACKOFF * 2 ** max(0, attempts - 1))


class InvitationStore:
    def __init__(self, mongo: MongoStore, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self.collection = mongo.database(tenant_id).get_collection(INVITATIONS, write_concern=DURABLE)
        self._indexed = False

    async def ensure_indexes(self) -> None:
        if self._indexed:
            return
        try:
            await self.collection.create_indexes(INDEXES)
        except PyMongoError as e:
            raise StorageError("creating the invitations' indexes failed") from e
        self._indexed = True

    # ---- planning ---------------------------------------------------------------------

    @staticmethod
    def document(stay: Mapping[str, Any], plan: Planned, lang: str, now: float) -> dict[str, Any]:
        status = (
            PLANNED if plan.reason is None else (CANCELLED if plan.reason == "cancelled_stay" else SUPPRESSED)
        )
        doc: dict[str, Any] = {
            "_id": invitation_id(stay["_id"], plan.journey, plan.reminder),
            "stay": stay["_id"],
            "journey": plan.journey,
            "reminder": int(plan.reminder),
            "guest_ref": stay.get("guest_ref", ""),
            "guest_refs": list(stay.get("guest_refs") or [stay.get("guest_ref", "")]),
            "lang": lang,
            "due": float(plan.due) if plan.due is not None else 0.0,
            "status": status,
            "claimed_by": "",
            "claimed_until": 0.0,
            "sending_at": 0.0,
            "attempts": 0,
            "tried": [],
            "created_at": now,
            "updated_at": now,
        }
        if plan.reason is not None:
            doc["reason"] = plan.reason
        return doc

    async def plan(self, docs: Sequence[dict[str, Any]], now: float) -> dict[str, int]:
        """Insert new invitations; an existing one still "planned" takes the new due
        time, guest refs and language, or the new suppression (a changed stay). Nothing
        claimed, sent or settled changes. Returns {"new", "replanned", "cancelled"}."""
        counts = {"new": 0, "replanned": 0, "cancelled": 0}
        if not docs:
            return counts
        await self.ensure_indexes()
        existing: list[dict[str, Any]] = []
        try:
            result = await self.collection.insert_many(list(docs), ordered=False)
            counts["new"] = len(result.inserted_ids)
        except BulkWriteError as e:
            errors = e.details.get("writeErrors", [])
            if any(err.get("code") != 11000 for err in errors):
                raise StorageError("planning invitations failed") from e
            counts["new"] = e.details.get("nInserted", 0)
            existing = [docs[err["index"]] for err in errors]
        except PyMongoError as e:
            raise StorageError("planning invitations failed") from e
        for doc in existing:
            change = {k: doc[k] for k in ("due", "guest_ref", "guest_refs", "lang")}
            if doc["status"] != PLANNED:
                change.update(status=doc["status"], reason=doc.get("reason", ""))
            try:
                result = await self.collection.update_one(
                    {"_id": doc["_id"], "status": PLANNED}, {"$set": {**change, "updated_at": now}}
                )
            except PyMongoError as e:
                raise StorageError("replanning an invitation failed") from e
            if result.modified_count:
                counts["cancelled" if doc["status"] != PLANNED else "replanned"] += 1
        return counts

    async def plan_one(self, doc: dict[str, Any]) -> bool:
        """Insert one invitation (a reminder) if absent; True when it is new."""
        await self.ensure_indexes()
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError:
            return False
        except PyMongoError as e:
            raise StorageError("planning an invitation failed") from e
        return True

    async def cancel_stay(self, stay_id: str, reason: str, now: float) -> int:
        """Every still-planned invitation of the stay -> cancelled (the stay was
        cancelled or erased)."""
        result = await self.collection.update_many(
            {"stay": stay_id, "status": PLANNED},
            {"$set": {"status": CANCELLED, "reason": reason, "updated_at": now}},
        )
        return result.modified_count

    # ---- claiming ---------------------------------------------------------------------

    async def claim_due(
        self,
        owner: str,
        now: float,
        *,
        limit: int = 100,
        lease: float = LEASE,
        due_by: float | None = None,
    ) -> list[dict]:
        """Up to `limit` invitations due by `due_by` (default `now`), each claimed for
        `owner` until now + lease: first the planned ones (oldest due first), then claims
        whose holder let the lease run out before it began sending. Each claim is one
        conditional update; a document another process claimed first is skipped. `now`
        is the wall clock every process shares (leases); `due_by` may be another time
        (`send-due --now`)."""
        due_by = now if due_by is None else due_by
        claim = {
            "$set": {"status": CLAIMED, "claimed_by": owner, "claimed_until": now + lease, "updated_at": now},
            "$inc": {"attempts": 1},
        }
        claimed: list[dict[str, Any]] = []
        passes = (
            ({"status": PLANNED, "due": {"$lte": due_by}}, [("due", ASCENDING)]),
            (
                {"status": CLAIMED, "claimed_until": {"$lt": now}, "sending_at": 0.0},
                [("claimed_until", ASCENDING)],
            ),
        )
        try:
            for query, order in passes:
                if len(claimed) >= limit:
                    break
                ids = [
                    d["_id"]
                    async for d in self.collection.find(query, {"_id": 1}).sort(order).limit(2 * limit)
                ]
                for inv_id in ids:
                    if len(claimed) >= limit:
                        break
                    doc = await self.collection.find_one_and_update(
                        {"_id": inv_id, **query}, claim, return_document=ReturnDocument.AFTER
                    )
                    if doc is not None:
                        claimed.append(doc)
        except PyMongoError as e:
            raise StorageError("claiming invitations failed") from e
        return claimed

    def _held(self, inv_id: str, owner: str) -> dict[str, Any]:
        return {"_id": inv_id, "status": CLAIMED, "claimed_by": owner}

    async def renew(self, inv_id: str, owner: str, now: float, lease: float = LEASE) -> bool:
        result = await self.collection.update_one(
            self._held(inv_id, owner), {"$set": {"claimed_until": now + lease, "updated_at": now}}
        )
        return bool(result.matched_count)

    async def begin_send(self, inv_id: str, owner: str, now: float, lease: float = LEASE) -> bool:
        """Stamp `sending_at` before the provider is called (and renew the lease); False
        when the claim is no longer this process's (then nothing may be sent). From here
        on the invitation is never claimed again (at most once)."""
        result = await self.collection.update_one(
            {**self._held(inv_id, owner), "sending_at": 0.0},
            {"$set": {"sending_at": now, "claimed_until": now + lease, "updated_at": now}},
        )
        return bool(result.matched_count)

    async def _settle(self, inv_id: str, owner: str, fields: dict[str, Any]) -> bool:
        try:
            result = await self.collection.update_one(self._held(inv_id, owner), {"$set": fields})
        except PyMongoError as e:
            raise StorageError("recording an invitation's outcome failed") from e
        return bool(result.matched_count)

    async def mark_sent(
        self, inv_id: str, owner: str, channel: str, tried: Iterable[Sequence[str]], now: float
    ) -> bool:
        return await self._settle(
            inv_id,
            owner,
            {
                "status": SENT,
                "channel": channel,
                "tried": [list(t) for t in tried],
                "sent_at": now,
                "claimed_until": 0.0,
                "updated_at": now,
            },
        )

    async def mark_suppressed(self, inv_id: str, owner: str, reason: str, now: float) -> bool:
        """Not sent, for `reason`; a cancelled stay's invitation is "cancelled"."""
        status = CANCELLED if reason == "cancelled_stay" else SUPPRESSED
        return await self._settle(
            inv_id, owner, {"status": status, "reason": reason, "claimed_until": 0.0, "updated_at": now}
        )

    async def mark_failed(
        self, inv_id: str, owner: str, reason: str, tried: Iterable[Sequence[str]], now: float
    ) -> bool:
        return await self._settle(
            inv_id,
            owner,
            {
                "status": FAILED,
                "reason": reason,
                "tried": [list(t) for t in tried],
                "claimed_until": 0.0,
                "updated_at": now,
            },
        )

    async def release(
        self,
        inv_id: str,
        owner: str,
        due: float,
        now: float,
        *,
        reason: str = "",
        tried: Iterable[Sequence[str]] = (),
        counted: bool = True,
    ) -> bool:
        """Back to "planned" at `due` (the cap moved it, a retry after a failure that sent
        nothing): the send stamp is cleared, so it may be claimed again. Not `counted`:
        the claim does not count as an attempt (the cap or a rate moved it)."""
        fields: dict[str, Any] = {
            "status": PLANNED,
            "due": float(due),
            "claimed_by": "",
            "claimed_until": 0.0,
            "sending_at": 0.0,
            "updated_at": now,
        }
        if reason:
            fields["reason"] = reason
        if tried:
            fields["tried"] = [list(t) for t in tried]
        update: dict[str, Any] = {"$set": fields}
        if not counted:
            update["$inc"] = {"attempts": -1}
        try:
            result = await self.collection.update_one(self._held(inv_id, owner), update)
        except PyMongoError as e:
            raise StorageError("releasing an invitation failed") from e
        return bool(result.matched_count)

    async def expire_uncertain(self, now: float) -> int:
        """Claims that began sending and whose holder let the lease run out: failed,
        reason "uncertain" (never sent again; see the module's docstring)."""
        n = 0
        query = {"status": CLAIMED, "claimed_until": {"$lt": now}, "sending_at": {"$gt": 0.0}}
        try:
            ids = [d["_id"] async for d in self.collection.find(query, {"_id": 1})]
            for inv_id in ids:
                result = await self.collection.update_one(
                    {"_id": inv_id, **query},
                    {"$set": {"status": FAILED, "reason": "uncertain", "updated_at": now}},
                )
                n += result.modified_count
        except PyMongoError as e:
            raise StorageError("expiring invitations failed") from e
        return n

    # ---- reads for the scheduler's checks ------------------------------------------------

    async def of_stay(self, stay_id: str) -> list[dict[str, Any]]:
        return [d async for d in self.collection.find({"stay": stay_id})]

    async def sent_to(self, guest_refs: Sequence[str], since: float) -> list[float]:
        """When the guest (any of their refs) was last sent an invitation, since `since`."""
        times: set[float] = set()
        for ref in guest_refs:
            async for d in self.collection.find(
                {"guest_refs": {"$in": [ref]}, "status": SENT}, {"sent_at": 1}
            ):
                at = d.get("sent_at")
                if isinstance(at, int | float) and at >= since:
                    times.add(float(at))
        return sorted(times)

    async def get(self, inv_id: str) -> dict[str, Any] | None:
        return await self.collection.find_one({"_id": inv_id})

    async def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        async for d in self.collection.find({}, {"status": 1}):
            out[d.get("status", "")] = out.get(d.get("status", ""), 0) + 1
        return out


# ---- planning from the stays store --------------------------------------------------


async def plan_from_stays(
    invitations: InvitationStore,
    stays: Any,
    redis: Any,
    tenant: Tenant,
    policy: OutreachPolicy,
    now: float,
    *,
    batch: int = 1000,
) -> dict[str, int]:
    """(Re)plan the invitations of every stay that is new or changed since the last
    round: stays whose `updated_at` is at or after the tenant's cursor (Redis
    OUTREACH_PLANNED + tenant, a hash of stay id -> digest planned, and the cursor), and
    whose digest differs from the one planned. A changed policy (journeys, quiet hours,
    check-out time, zone) replans every stay; a settled invitation stays as it is. A
    cancelled stay cancels its planned invitations. Losing the hash replans everything,
    which inserts nothing twice. `stays`: the tenant's `stays` collection."""
    key = OUTREACH_PLANNED + tenant.id
    raw, planned_with = await redis.hmget(key, [CURSOR_FIELD, POLICY_FIELD])
    fingerprint = policy_fingerprint(policy, tenant.timezone)
    cursor = float(raw) if raw and _text(planned_with) == fingerprint else 0.0  # new policy: every stay
    counts = {"stays": 0, "new": 0, "replanned": 0, "cancelled": 0}
    fields = {"status": 1, "arrival": 1, "departure": 1, "checked_out_at": 1, "guest_ref": 1}
    fields.update(guest_refs=1, language=1, digest=1, updated_at=1)
    seen = cursor
    chunk: list[dict[str, Any]] = []

    async def flush() -> None:
        known = await redis.hmget(key, [d["_id"] for d in chunk])
        fresh = [
            d for d, planned in zip(chunk, known, strict=True) if _text(planned) != _mark(d, fingerprint)
        ]
        docs = []
        for stay in fresh:
            lang = language_of(tenant, stay.get("language"))
            docs += [
                InvitationStore.document(stay, p, lang, now)
                for p in plan_stay(stay, policy, tenant.timezone, now)
            ]
            if stay.get("status") in SUPPRESSED_BY_STATUS:
                counts["cancelled"] += await invitations.cancel_stay(
                    stay["_id"], SUPPRESSED_BY_STATUS[stay["status"]], now
                )
        got = await invitations.plan(docs, now)
        for name in ("new", "replanned", "cancelled"):
            counts[name] += got[name]
        counts["stays"] += len(fresh)
        if fresh:
            await redis.hset(key, mapping={d["_id"]: _mark(d, fingerprint) for d in fresh})
        chunk.clear()

    try:
        async for stay in stays.find({"updated_at": {"$gte": cursor}}, fields):
            chunk.append(stay)
            at = stay.get("updated_at")
            if isinstance(at, int | float):
                seen = max(seen, float(at))
            if len(chunk) >= batch:
                await flush()
        if chunk:
            await flush()
    except PyMongoError as e:
        raise StorageError("reading the stays failed") from e
    # the cursor stops SETTLE seconds before the wall clock: an import still writing stays
    # stamped with its start time is read again (and compared by digest) until it is done
    settled = max(cursor, min(seen, time.time() - SETTLE))
    if settled > cursor or _text(planned_with) != fingerprint:
        await redis.hset(key, mapping={CURSOR_FIELD: repr(settled), POLICY_FIELD: fingerprint})
    return counts


def policy_fingerprint(policy: OutreachPolicy, timezone: str) -> str:
    """What planning depends on: journeys, quiet hours, check-out time, the zone."""
    public = policy.public()
    basis = {k: public.get(k) for k in ("journeys", "quiet_hours", "checkout_time")}
    canonical = json.dumps([basis, timezone], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _mark(stay: Mapping[str, Any], fingerprint: str) -> str:
    return f"{stay.get('digest', '')}|{fingerprint}"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")
