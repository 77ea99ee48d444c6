"""The audit log: who read or changed what, when, and whether it was allowed.

One `AuditLog` writes every record, to a tenant database's `audit` collection or to the
control database's. Records carry ids only (staff ids, conversation ids, tenant ids),
never message text, names or contact data. Actors: a staff id, `"system"` (jobs of the
running processes), `"cli:<os uid>"` (the operator CLI, `cli_actor()`).

Tamper evidence (issue 5, DPA §11). Every entry of one database's `audit` collection is
chained to the one before it:

    {_id: seq, seq, at, actor, action, resource_type, resource_id, outcome, tenant,
     detail, prev, kid, hash}

`seq` counts 1, 2, 3 ... without gaps; `prev` is the previous entry's `hash` (64 zeros
for seq 1); `hash` is HMAC-SHA256 under the audit key `kid` over the canonical JSON
(sorted keys, no spaces, `at` as epoch milliseconds) of every other field. `verify()`
walks the chain: a modified entry fails its hash, a deleted one leaves a gap in `seq`,
a moved or inserted one breaks `prev`. Deleting the newest entries is caught by the head
hint (below) and, against someone who can also rewrite the head, only by comparing with
an earlier export's last hash (`export()` ends with it: keep it).

Why an HMAC and not a bare SHA-256: with a bare hash anyone who can write to MongoDB can
change an entry and recompute every later hash, and the chain still verifies. The HMAC
key lives in the processes' settings (RAPPORT_AUDIT_KEYS, else derived from the guest
key), not in the database, so a database-only attacker (a leaked MongoDB password, a
tampered backup) cannot forge a valid chain. The price: verifying needs the key (the
operator CLI has it); an auditor without it checks the export's structure only.

Concurrent writers (console and jobs processes, the CLI) without a lock: `seq` is
the document `_id`, so the database lets exactly one insert have each seq. A writer reads
the newest entry, builds seq + 1 on top of it and inserts; on a duplicate key another
writer won that seq, and it re-reads and retries (jittered back-off). Entries are never
changed after insert, so what a winner chained onto is exactly what is stored. A crash
leaves nothing half-done (the insert is the commit), unlike a counter allocated before
the insert, whose unused seq would read as a deleted entry. The `audit_chain` head
document ({_id: "head", seq, hash}) only says where to start looking for the newest
entry; it is moved forward with a conditional update (`seq < new`) and never back, so a
lagging head costs one more read, never correctness. The entry the head names always
exists (it was inserted before the head moved); if it is gone, the newest entries were
deleted, and writers continue after the head, so the gap stays visible to `verify()`.

Append-only: nothing here updates or deletes an entry; only offboarding a tenant drops
its whole database. Writes are durable (`w: majority, j: true`); a failed write raises
`StorageError`, and callers that audit access to personal data fail closed (no audit
record, no data). Entries written before chaining (no `seq`) are reported as legacy by
`verify()` when they are older than the first chained entry, as a break otherwise.

The inbox: the system's own reads and writes of personal data (a guest turn reading the
guest's flags and storing ratings, the conversation, transcript lines, a contact; the
delivery path opening a contact) are too many to chain one by one: a chained append
costs about four round trips and every writer contends on `seq`, which would serialise
turns. `system_access()` instead inserts one unchained document per turn into the
tenant's `audit_inbox` (one round trip, no contention, run alongside the turn's own
writes):

    {_id: "<epoch ms, 13 digits>-<12 hex>", at, actor: "system",
     writes: [{action, resource_type, resource_id, count?}], reads?: [same shape]}

The Rasa server's own reads and writes of trackers (the conversation's events, with the
guest's messages) go to a second inbox, a Redis list per tenant, `rapport:audit_inbox:
<tenant>`, pushed in the same server-side script as the tracker GET or SET (no round
trip added; bot/rasa/tracker_store.py). Its elements are the same documents as JSON
(`at` in epoch ms). The folder drains both.

The folder (bot/audit/folder.py, in every jobs process) appends each tenant's
pending inbox documents to the chain about once a second as one `system.batch` entry
whose `detail` lists them (`folded`: their ids; `records`: their writes) and whose
`resources` field holds the distinct resource ids (indexed for the erasure scan's
look-ups), and then deletes them. So a
system write is tamper-evident once folded, normally within about a second; until then
its inbox document is unprotected: someone who can write to MongoDB can change or
delete it unnoticed. `inbox_status()` counts what is pending (`audit verify` fails when
the oldest pending document is older than a threshold: the folder is not running), and
`export()` expands every batch into one `read` or `write` line per folded access.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import random
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorCollection
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError, PyMongoError

from bot.base.errors import StorageError
from bot.base.logs import event
from bot.base.names import AUDIT, AUDIT_CHAIN, AUDIT_INBOX, REDIS_PREFIX
from bot.base.settings import Secret
from bot.storage.mongo import DURABLE

logger = logging.getLogger(__name__)

Outcome = Literal["allowed", "denied"]
Clock = Callable[[], dt.datetime]
# What a record's `detail` may hold: JSON values without floats (the canonical form must
# be stable), ids and counts only. Lists and mappings came with the inbox's batches;
# entries with flat details hash exactly as before.
DetailValue = str | int | bool | None | Sequence["DetailValue"] | Mapping[str, "DetailValue"]
Detail = Mapping[str, DetailValue]
# raises to stop an append before its insert (a folder that lost its lease)
Fence = Callable[[], Awaitable[None]]
GENESIS = "0" * 64
SYSTEM = "system"
MAX_TRIES = 200
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# the fields the hash covers, besides the record's own
CHAINED = ("seq", "at", "prev", "kid")
INBOX = AUDIT_INBOX
BATCH = "system.batch"  # the action of a chained entry folding inbox documents


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def cli_actor() -> str:
    """The actor of records written by the operator CLI: `cli:<os user id>`."""
    return f"cli:{os.getuid()}"


@dataclass(frozen=True)
class AuditRecord:
    actor: str  # staff id, or "system" / "cli:<os user id>"
    action: str  # e.g. "staff.create", "conversation.read"
    resource_type: str
    resource_id: str | None
    outcome: Outcome
    tenant: str | None = None  # the tenant the request named (for denied cross-tenant tries)
    # counts and ids only (e.g. {"resealed": 12}); never personal data
    detail: Detail | None = None
    # the resource ids a `system.batch` entry concerns; a top-level field (stored only
    # when set, so other entries hash as before) because some MongoDB-wire servers do
    # not match an element of an array nested in a sub-document by equality
    resources: Sequence[str] | None = None

    def document(self, at: dt.datetime) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "at": at,
            "actor": self.actor,
            "action": self.action,
            "resource_type": self.resource_type,
            "resource_id": self.resource_id,
            "outcome": self.outcome,
            "tenant": self.tenant,
            "detail": dict(self.detail) if self.detail is not None else None,
        }
        if self.resources is not None:
            doc["resources"] = list(self.resources)
        return doc


@dataclass(frozen=True)
class SystemAccess:
    """One read or write of personal data by the system, for the inbox: ids and counts only."""

    action: str  # e.g. "rating.store", "transcript.append", "contact.read", "tracker.read"
    resource_type: str  # e.g. "rating", "transcript", "contact", "tracker"
    resource_id: str
    count: int | None = None  # e.g. the transcript lines appended

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "action": self.action,
            "resource_type": self.resource_type,
            "resource_id": self.resource_id,
        }
        if self.count is not None:
            doc["count"] = self.count
        return doc


def inbox_document(
    writes: Sequence[SystemAccess], at: dt.datetime, reads: Sequence[SystemAccess] = ()
) -> dict[str, Any]:
    """One turn's accesses as an inbox document; `_id` sorts by time (the folder's order)."""
    at = at.replace(microsecond=at.microsecond // 1000 * 1000)
    doc = {
        "_id": f"{epoch_millis(at):013d}-{secrets.token_hex(6)}",
        "at": at,
        "actor": SYSTEM,
        "writes": [w.document() for w in writes],
    }
    if reads:
        doc["reads"] = [r.document() for r in reads]
    return doc


def redis_inbox_key(prefix: str, tenant_id: str) -> str:
    """The tenant's Redis inbox (tracker accesses by the Rasa server): a list of JSON documents."""
    return f"{prefix}:{INBOX}:{tenant_id}"


def redis_inbox_entry(
    writes: Sequence[SystemAccess], at: dt.datetime, reads: Sequence[SystemAccess] = ()
) -> str:
    """An inbox document as the Redis inbox holds it: JSON, `at` in epoch ms."""
    doc = inbox_document(writes, at, reads)
    return json.dumps({**doc, "at": epoch_millis(doc["at"])}, separators=(",", ":"))


def parse_redis_entry(raw: str) -> dict[str, Any] | None:
    """A Redis inbox element as an inbox document (`at` a datetime); None if unreadable."""
    try:
        doc = json.loads(raw)
        if not isinstance(doc, dict) or not isinstance(doc.get("_id"), str):
            return None
        return {**doc, "at": EPOCH + dt.timedelta(milliseconds=int(doc.get("at") or 0))}
    except (ValueError, TypeError, OverflowError):
        return None


@dataclass(frozen=True)
class InboxStatus:
    pending: int
    oldest: dt.datetime | None  # when the oldest pending document was written

    def plus(self, other: "InboxStatus") -> "InboxStatus":
        """Both inboxes together (MongoDB's and Redis's)."""
        times = [t if t.tzinfo else t.replace(tzinfo=dt.UTC) for t in (self.oldest, other.oldest) if t]
        return InboxStatus(self.pending + other.pending, min(times, default=None))

    def age(self, now: dt.datetime) -> float:
        """Seconds the oldest pending document has waited (0 when none)."""
        if self.oldest is None:
            return 0.0
        oldest = self.oldest if self.oldest.tzinfo else self.oldest.replace(tzinfo=dt.UTC)
        return max(0.0, (now - oldest).total_seconds())


async def redis_inbox_status(redis: Any, prefix: str, tenant_id: str) -> InboxStatus:
    """How many tracker accesses wait in the tenant's Redis inbox, and since when."""
    key = redis_inbox_key(prefix, tenant_id)
    pending = int(await redis.llen(key))
    first = parse_redis_entry(await redis.lindex(key, 0)) if pending else None
    return InboxStatus(pending, first["at"] if first else None)


def expand_batch(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A `system.batch` entry's folded accesses, one `read` or `write` line each (for the export)."""
    detail = entry.get("detail") or {}
    lines = []
    for record in detail.get("records") or ():
        at = EPOCH + dt.timedelta(milliseconds=int(record.get("at") or 0))
        for kind, field in (("read", "reads"), ("write", "writes")):
            for w in record.get(field) or ():
                line = {"type": kind, "seq": entry.get("seq"), "inbox": record.get("id"), "at": at}
                line |= {"actor": entry.get("actor"), "tenant": entry.get("tenant")}
                line |= {k: w.get(k) for k in ("action", "resource_type", "resource_id", "count") if k in w}
                lines.append(line)
    return lines


def key_id(key: Secret) -> str:
    return hashlib.sha256(b"rapport-audit-key-id" + key.value.encode()).hexdigest()[:8]


def epoch_millis(at: Any) -> int:
    if isinstance(at, dt.datetime):
        aware = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
        return (aware - EPOCH) // dt.timedelta(milliseconds=1)
    raise TypeError("at must be a datetime")


def canonical(entry: Mapping[str, Any]) -> bytes:
    """The bytes the hash covers: every field but `_id` and `hash`, `at` as epoch ms."""
    body = {k: v for k, v in entry.items() if k not in ("_id", "hash")}
    body["at"] = epoch_millis(body["at"])
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def seal(entry: Mapping[str, Any], key: Secret) -> str:
    return hmac.new(key.value.encode(), canonical(entry), hashlib.sha256).hexdigest()


def chain_entry(record: AuditRecord, at: dt.datetime, seq: int, prev: str, key: Secret) -> dict[str, Any]:
    """The document stored for `record` as entry `seq` on top of `prev`."""
    at = at.replace(microsecond=at.microsecond // 1000 * 1000)  # MongoDB keeps milliseconds
    entry = {**record.document(at), "seq": seq, "prev": prev, "kid": key_id(key)}
    return {"_id": seq, **entry, "hash": seal(entry, key)}


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int  # chained entries checked
    broken_seq: int | None = None  # the first seq that does not verify
    reason: str = ""
    last_seq: int = 0
    last_hash: str = GENESIS
    legacy: int = 0  # entries from before chaining (no seq), older than the chain

    def summary(self) -> str:
        if self.ok:
            return f"ok: {self.entries} entries, last seq {self.last_seq}, last hash {self.last_hash}"
        return f"BROKEN at seq {self.broken_seq}: {self.reason} ({self.entries} entries checked)"


class ChainChecker:
    """Verifies entries fed in ascending `seq`, one at a time (constant memory)."""

    def __init__(self, keys: Sequence[Secret]) -> None:
        self.by_kid = {key_id(k): k for k in keys}
        self.expected, self.prev, self.count = 1, GENESIS, 0
        self.failure: Verification | None = None

    def _broken(self, seq: int, reason: str) -> bool:
        self.failure = Verification(False, self.count, seq, reason, self.expected - 1, self.prev)
        return False

    def feed(self, e: Mapping[str, Any]) -> bool:
        """False once the chain is broken (then `failure` says where and why)."""
        if self.failure is not None:
            return False
        seq = e.get("seq")
        if not isinstance(seq, int) or e.get("_id") != seq:
            return self._broken(self.expected, "entry whose _id and seq differ")
        if seq != self.expected:
            return self._broken(self.expected, f"seq {self.expected} is missing (next is {seq})")
        key = self.by_kid.get(e.get("kid", ""))
        if key is None:
            return self._broken(seq, "signed with an unknown audit key")
        try:
            mac = seal(e, key)
        except (TypeError, KeyError, ValueError):
            return self._broken(seq, "entry cannot be read")
        if not hmac.compare_digest(mac, str(e.get("hash", ""))):
            return self._broken(seq, "hash does not match the entry (modified)")
        if e.get("prev") != self.prev:
            return self._broken(seq, "prev does not match the previous entry (moved or inserted)")
        self.prev, self.expected, self.count = e["hash"], self.expected + 1, self.count + 1
        return True

    def result(self, head_seq: int = 0) -> Verification:
        if self.failure is not None:
            return self.failure
        n = self.count
        if head_seq > n:
            return Verification(False, n, n + 1, f"entries after seq {n} were deleted", n, self.prev)
        return Verification(True, n, None, "", n, self.prev)


def check_chain(
    entries: Iterable[Mapping[str, Any]], keys: Sequence[Secret], head_seq: int = 0
) -> Verification:
    """Verify entries given in ascending `seq` (pure)."""
    checker = ChainChecker(keys)
    for e in entries:
        if not checker.feed(e):
            break
    return checker.result(head_seq)


class AuditLog:
    def __init__(
        self,
        client: AsyncIOMotorClient,
        db_prefix: str,
        control_db: str,
        *,
        keys: Sequence[Secret] = (),
        clock: Clock = utcnow,
    ) -> None:
        if not keys or not all(k.value for k in keys):
            raise TypeError("AuditLog needs the audit keys: AuditLog.from_settings(client, settings)")
        self.client = client
        self.db_prefix = db_prefix
        self.control_db = control_db
        self.keys = tuple(keys)
        self.clock = clock
        self._indexed: set[str] = set()

    @classmethod
    def from_settings(cls, client: AsyncIOMotorClient, settings: Any, *, clock: Clock = utcnow) -> "AuditLog":
        return cls(client, settings.db_prefix, settings.control_db, keys=settings.audit_keys, clock=clock)

    def database_of(self, tenant_id: str) -> str:
        return self.db_prefix + tenant_id

    def _collection(self, database: str) -> AsyncIOMotorCollection:
        return self.client[database].get_collection(AUDIT, write_concern=DURABLE)

    def _head(self, database: str) -> AsyncIOMotorCollection:
        return self.client[database].get_collection(AUDIT_CHAIN, write_concern=DURABLE)

    async def _last(self, database: str) -> tuple[int, str]:
        head = await self._head(database).find_one({"_id": "head"})
        hint = int(head["seq"]) if head else 0
        newest = await self._collection(database).find_one(
            {"seq": {"$gte": hint}}, sort=[("seq", DESCENDING)], projection={"seq": 1, "hash": 1}
        )
        if newest is not None:
            return int(newest["seq"]), str(newest["hash"])
        if head:  # the entry the head points at is gone: continue after it, leaving the gap
            event(logger, "audit.chain.truncated", logging.ERROR, database=database, head=hint)
            return hint, str(head["hash"])
        return 0, GENESIS

    def _inbox(self, database: str) -> AsyncIOMotorCollection:
        return self.client[database].get_collection(INBOX, write_concern=DURABLE)

    async def _append(self, database: str, record: AuditRecord, fence: Fence | None = None) -> int:
        """The only writer of audit records; returns the entry's seq. `fence` runs before
        each insert and raises to stop (nothing is written then)."""
        try:
            if database not in self._indexed:
                collection = self._collection(database)
                await collection.create_index([("seq", ASCENDING)], name="seq", unique=True)
                # the erasure's verification scan looks records up by the id they concern
                await collection.create_index([("resource_id", ASCENDING)], name="resource")
                # (query it with $in: nx-27017 matches no element of an indexed array by equality)
                await collection.create_index([("resources", ASCENDING)], name="batch_resources")
                # the folder's check that an inbox document is not chained yet
                await collection.create_index([("detail.folded", ASCENDING)], name="batch_folded")
                self._indexed.add(database)
            for attempt in range(MAX_TRIES):
                seq, prev = await self._last(database)
                if fence is not None:
                    await fence()
                entry = chain_entry(record, self.clock(), seq + 1, prev, self.keys[0])
                try:
                    await self._collection(database).insert_one(entry)
                except DuplicateKeyError:  # another writer took this seq: build on theirs
                    await asyncio.sleep(random.uniform(0, 0.001 * 2 ** min(attempt, 6)))  # noqa: S311
                    continue
                await self._advance_head(database, entry["seq"], entry["hash"])
                return entry["seq"]
        except PyMongoError as e:
            raise StorageError("audit write failed") from e
        event(logger, "audit.append.contention", logging.ERROR, database=database, tries=MAX_TRIES)
        raise StorageError("audit write failed (contention)")

    async def _advance_head(self, database: str, seq: int, hash_: str) -> None:
        with contextlib.suppress(DuplicateKeyError):  # the head is already at or past this entry
            await self._head(database).update_one(
                {"_id": "head", "seq": {"$lt": seq}}, {"$set": {"seq": seq, "hash": hash_}}, upsert=True
            )

    async def tenant(self, tenant_id: str, record: AuditRecord, *, fence: Fence | None = None) -> int:
        """Record in the tenant's own database (`tenant_id` must be a known tenant); its seq."""
        return await self._append(self.database_of(tenant_id), record, fence)

    async def system_access(
        self, tenant_id: str, writes: Sequence[SystemAccess], reads: Sequence[SystemAccess] = ()
    ) -> None:
        """The system's reads and writes of personal data in one turn, into the tenant's
        inbox: one unchained insert (no contention), chained within about a second by the
        folder. Run it alongside the writes it describes (asyncio.gather): if either fails
        the turn fails and is retried, so a record may name a write that did not complete,
        never the other way round. A read is recorded before what it read is used."""
        if not writes and not reads:
            return
        try:
            doc = inbox_document(writes, self.clock(), reads)
            await self._inbox(self.database_of(tenant_id)).insert_one(doc)
        except PyMongoError as e:
            raise StorageError("audit write failed") from e

    async def inbox_status(self, database: str) -> InboxStatus:
        """How many inbox documents wait to be folded, and since when."""
        try:
            pending = await self._inbox(database).count_documents({})
            oldest = await self._inbox(database).find_one({}, sort=[("_id", ASCENDING)]) if pending else None
        except PyMongoError as e:
            raise StorageError("reading the audit inbox failed") from e
        return InboxStatus(pending, oldest.get("at") if oldest else None)

    async def control(self, record: AuditRecord) -> None:
        """Record in the control database (cross-tenant events, account changes by the CLI)."""
        await self._append(self.control_db, record)

    async def everywhere(self, tenant_ids: Iterable[str], record: AuditRecord) -> None:
        """Record in each of the tenants' databases and in the control database."""
        for tenant_id in sorted(set(tenant_ids)):
            await self.tenant(tenant_id, record)
        await self.control(record)

    async def verify(self, database: str) -> Verification:
        """Walk `database`'s chain from seq 1 (reads only)."""
        collection = self._collection(database)
        try:
            head = await self._head(database).find_one({"_id": "head"})
            first = await collection.find_one({"seq": 1})
            legacy = await collection.count_documents({"seq": {"$exists": False}})
            late = 0
            if legacy and first is not None:
                late = await collection.count_documents(
                    {"seq": {"$exists": False}, "at": {"$gt": first["at"]}}
                )
            checker = ChainChecker(self.keys)
            async for e in collection.find({"seq": {"$exists": True}}).sort("seq", ASCENDING):
                if not checker.feed(e):
                    break
        except PyMongoError as e:
            raise StorageError("reading the audit log failed") from e
        result = checker.result(int(head["seq"]) if head else 0)
        if result.ok and late:
            return Verification(False, result.entries, None, f"{late} unchained entries after seq 1")
        return Verification(**{**result.__dict__, "legacy": legacy - late})

    async def export(
        self, tenant_id: str, *, redis: Any = None, redis_prefix: str = REDIS_PREFIX
    ) -> AsyncIterator[str]:
        """The tenant's audit log as JSON lines (DPA §11): one `{"type": "entry", ...}` per
        entry in seq order, each `system.batch` entry followed by one `{"type": "read"|"write",
        ...}` per access it folded, then `{"type": "chain", ...}` with the verification
        result, the last hash (keep it: a later export must continue from it) and the
        inbox documents still pending (not in this export; with `redis`, the tenant's Redis
        inbox of tracker accesses is counted too)."""
        database = self.database_of(tenant_id)
        try:
            async for e in self._collection(database).find({"seq": {"$exists": True}}).sort("seq", ASCENDING):
                yield _line({"type": "entry", **{k: v for k, v in e.items() if k != "_id"}})
                if e.get("action") == BATCH and e.get("actor") == SYSTEM:
                    for line in expand_batch(e):
                        yield _line(line)
        except PyMongoError as e:
            raise StorageError("reading the audit log failed") from e
        result = await self.verify(database)
        inbox = await self.inbox_status(database)
        if redis is not None:
            inbox = inbox.plus(await redis_inbox_status(redis, redis_prefix, tenant_id))
        yield _line(
            {
                "type": "chain",
                "tenant": tenant_id,
                "ok": result.ok,
                "entries": result.entries,
                "broken_seq": result.broken_seq,
                "reason": result.reason,
                "last_seq": result.last_seq,
                "last_hash": result.last_hash,
                "pending": inbox.pending,
                "oldest_pending_at": inbox.oldest,
                "exported_at": self.clock(),
            }
        )


def _line(doc: Mapping[str, Any]) -> str:
    def default(v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return (v if v.tzinfo else v.replace(tzinfo=dt.UTC)).isoformat()
        return str(v)

    return json.dumps(doc, sort_keys=True, default=default, ensure_ascii=False)
