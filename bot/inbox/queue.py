"""A durable queue for turns that run after a provider has been answered.

Twilio and the mail provider get their answer at once; the turn runs afterwards. If
that turn fails (Redis down, a crash, a deploy), the provider will not send again, so
the inbound record itself is the job: the webhook inserts it with what the turn needs
(`payload`) and a lease, runs it, and marks it done. A sweeper in every server process
picks up jobs whose lease ran out (the process died mid-turn) or whose retry time has
come, so a guest's message is answered once the fault is gone.

Document (in the channel's inbound collection, `_id` is the provider's message id, so
the insert is also the exactly-once gate):

    state      "pending" | "done" | "failed"
    attempts   how many times a turn was started
    due_at     when a sweeper may take it (epoch seconds; a lease while running)
    guest_ref  the guest's keyed reference (erasure finds their jobs by it)
    payload    what the turn needs, sealed (bot/base/sealing.py: AES-GCM, bound to
               tenant, collection and job id), so the number, address and text never
               sit in the database or its history in the clear; removed when the job
               ends, so a finished job keeps nothing of the message

A payload stored as a plain subdocument by a version before sealing is still run
(upgrade with jobs in flight); one that no key opens any more (a data key retired
while the job was pending) is given up at once (`Job.payload` None).

Claiming uses `find_one_and_update` on `state` + `due_at`, so two processes never run
the same attempt; the process running a turn renews its lease every third of it
(`renew`), so a sweeper takes a job only when that process died, not when its turn is
slow (a turn waiting behind a dead replica's conversation lock ran two, three times
under `make faults` before). A retried SMS turn first looks for its message in the
tracker (bot/channels/sms/channel.py `turned_before`). A turn that failed after it
wrote to the tracker can run again; Rasa turns here are retried only when the turn
raised, i.e. when the tracker was not saved (bot/rasa/tracker_store.py fails the turn
instead of starting afresh).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError, PyMongoError

from bot.base.errors import StorageError
from bot.base.sealing import Cipher, DecryptionError
from bot.base.states import JobState

PENDING, DONE, FAILED = JobState


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: base, base*factor, ... capped; then give up."""

    base: float = 5.0
    factor: float = 3.0
    cap: float = 900.0
    max_attempts: int = 6
    lease: float = 120.0  # longest a turn may take before another process may retry it

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failed try (attempts >= 1)."""
        return min(self.cap, self.base * self.factor ** max(0, attempts - 1))


@dataclass(frozen=True)
class Job:
    id: str
    attempts: int
    payload: dict[str, Any] | None  # None: sealed under a key no longer configured


def payload_aad(tenant: str, collection: str, job_id: str) -> str:
    """What a sealed payload is bound to: moved to another job, tenant or queue it
    does not open."""
    return f"{tenant}|{collection}|{job_id}|payload"


def keyed_job_id(key: str, tenant: str, provider_id: str) -> str:
    """A job id for a provider id that may itself say something about the sender (an
    e-mail Message-Id often names the sender's host or mailbox): a keyed hash, the same
    for every delivery of the message, so it still de-duplicates."""
    digest = hmac.new(key.encode(), f"{tenant}|{provider_id}".encode(), hashlib.sha256).hexdigest()
    return "k_" + digest[:40]


def seal_payload(cipher: Cipher, aad: str, payload: Mapping[str, Any]) -> str:
    return cipher.seal(json.dumps(dict(payload), ensure_ascii=False), aad)


def open_payload(cipher: Cipher, aad: str, stored: Any) -> dict[str, Any] | None:
    """A stored payload as the turn needs it: opened from its seal, or as stored by a
    version before sealing (a subdocument, or its JSON string after an update
    operator). None when nothing is stored or no configured key opens it."""
    if isinstance(stored, dict):
        return stored
    if not isinstance(stored, str) or not stored:
        return None
    if stored.startswith("{"):
        try:
            legacy = json.loads(stored)
        except ValueError:
            return None
        return legacy if isinstance(legacy, dict) else None
    try:
        opened = json.loads(cipher.open(stored, aad))
    except (DecryptionError, ValueError):
        return None
    return opened if isinstance(opened, dict) else None


class TurnQueue:
    """The jobs of one channel of one tenant (`scope`: the tenant id, bound into each
    sealed payload)."""

    def __init__(
        self, collection: AsyncIOMotorCollection, policy: RetryPolicy, cipher: Cipher, scope: str
    ) -> None:
        self.collection = collection
        self.policy = policy
        self.cipher = cipher
        self.scope = scope

    def _aad(self, job_id: str) -> str:
        return payload_aad(self.scope, self.collection.name, job_id)

    async def accept(self, job_id: str, payload: Mapping[str, Any], **fields: Any) -> Job | None:
        """Record a new inbound message as a job leased to the caller (attempt 1).
        None when the id was seen before (a provider retry or duplicate delivery)."""
        now = time.time()
        doc = {
            "_id": job_id,
            "state": PENDING,
            "attempts": 1,
            "received_at": now,
            "due_at": now + self.policy.lease,
            "payload": seal_payload(self.cipher, self._aad(job_id), payload),
            **fields,
        }
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError:
            return None
        except PyMongoError as e:
            raise StorageError("recording an inbound message failed") from e
        return Job(job_id, 1, dict(payload))

    async def claim_due(self, now: float | None = None) -> Job | None:
        """Lease the oldest due job to this process, or None."""
        now = time.time() if now is None else now
        doc = await self.collection.find_one_and_update(
            {"state": PENDING, "due_at": {"$lte": now}},
            {"$set": {"due_at": now + self.policy.lease}, "$inc": {"attempts": 1}},
            sort=[("due_at", 1)],
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            return None
        return Job(
            doc["_id"], doc["attempts"], open_payload(self.cipher, self._aad(doc["_id"]), doc.get("payload"))
        )

    async def renew(self, job: Job, now: float | None = None) -> None:
        """Extend the lease of a job whose turn is still running (called every third of
        the lease while it runs), so only a job whose process died is taken by a
        sweeper; a slow turn (waiting for the conversation's lock) is not started twice."""
        now = time.time() if now is None else now
        await self.collection.update_one(
            {"_id": job.id, "state": PENDING}, {"$set": {"due_at": now + self.policy.lease}}
        )

    async def done(self, job: Job) -> None:
        await self.collection.update_one(
            {"_id": job.id},
            {"$set": {"state": DONE, "ended_at": time.time()}, "$unset": {"payload": ""}},
        )

    async def failed(self, job: Job, now: float | None = None) -> bool:
        """Schedule the next attempt; True when this was the last one (the job is
        given up and its payload removed)."""
        now = time.time() if now is None else now
        if job.attempts >= self.policy.max_attempts:
            await self.give_up(job, now)
            return True
        await self.collection.update_one(
            {"_id": job.id, "state": PENDING},
            {"$set": {"due_at": now + self.policy.delay(job.attempts)}},
        )
        return False

    async def give_up(self, job: Job, now: float | None = None) -> None:
        """End the job as failed and remove its payload."""
        await self.collection.update_one(
            {"_id": job.id},
            {
                "$set": {"state": FAILED, "ended_at": time.time() if now is None else now},
                "$unset": {"payload": ""},
            },
        )

    async def pending(self) -> int:
        return await self.collection.count_documents({"state": PENDING})
