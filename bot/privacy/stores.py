"""The one registry of every place Rapport keeps data about a guest.

Each store can export, erase and count (scan) one guest of one tenant, and declares
the tenant collections it covers with their retention rule (`collections`: expired by
conversation, by age, or kept, read by bot/privacy/retention.py). Export, erasure
(bot/privacy/erasure.py), the verification scan and retention walk `STORES`, so a new
store is added here once and nothing is missed. A new collection that holds
guest data and is missing here makes the exhaustive scan of erasure.py fail.

| store              | where                                   | keyed by                    |
|--------------------|-----------------------------------------|-----------------------------|
| ratings            | tenant db `ratings`                     | guest_ref                   |
| conversations      | tenant db `conversations`               | guest_ref                   |
| handovers          | `handovers`, `messages`, `message_seq`  | guest_ref (HandoverStore)   |
| handover_history   | `handover_history`                      | conversation id             |
| contacts           | `contacts` (sealed, base/sealing.py)  | _id = guest_ref             |
| sms (and WhatsApp) | `sms_inbound` (queued turns, sealed), `sms_outbound`, `sms_consent` | guest_ref |
| whatsapp_window    | `whatsapp_window` (last inbound time)   | guest_ref                   |
| email_inbound      | `email_inbound` (queued turns, sealed)  | guest_ref                   |
| flags              | `guest_flags`                           | _id = guest_ref             |
| stays              | `stays` (contact, first name sealed)    | guest_refs (phone's, address's) |
| pms                | `pms_events` (ids, codes), `pms_cursors` | the guest's stays' ids     |
| invitations        | `invitations` (the send schedule: ids, times, channel, reason) | guest_refs |
| dsr_questions      | `dsr_questions` (unconfirmed requests)  | _id = guest_ref             |
| dsr_requests       | `dsr_requests` (evidence: stripped, kept) | guest_ref                 |
| trackers           | Redis `rapport:tracker:<tenant>:<HMAC>` | HMAC of the sender id       |
| locks              | Redis `rapport:lock:<sender id>`        | sender id                   |
| twilio / smtp      | local provider stand-ins (devtools/)    | phone number / address      |

`audit` and `audit_inbox` (tenant and control db) and the control db's `dsr_register`
keep ids and keyed hashes only and are never erased per guest (evidence, DPA §10.2).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp
import redis.asyncio as aioredis
from motor.motor_asyncio import AsyncIOMotorDatabase

from bot.base import refs
from bot.base.errors import RapportError
from bot.base.names import (
    AUDIT,
    AUDIT_INBOX,
    CONTACTS,
    CONVERSATIONS,
    DELETION_CERTIFICATES,
    DSR_EXPORTS,
    DSR_HISTORY,
    DSR_QUESTIONS,
    DSR_REGISTER,
    DSR_REQUESTS,
    EMAIL_INBOUND,
    GUEST_FLAGS,
    HANDOVER_HISTORY,
    HANDOVERS,
    INVITATIONS,
    LOCK,
    MESSAGE_SEQ,
    MESSAGES,
    PMS_CURSORS,
    PMS_EVENTS,
    RATINGS,
    REDIS_PREFIX,
    SMS_CONSENT,
    SMS_INBOUND,
    SMS_OUTBOUND,
    STAYS,
    WHATSAPP_WINDOW,
    tracker_pattern,
)
from bot.base.refs import SENDER_SEPARATOR, tracker_key
from bot.base.refs import guest_ref as make_guest_ref
from bot.base.sealing import Cipher, DecryptionError
from bot.base.settings import Settings
from bot.base.states import Channel, JobState
from bot.handover.store import HandoverStore
from bot.inbox.queue import open_payload, payload_aad
from bot.outbox.sms_store import SmsStore
from bot.outreach.stays import StayStore
from bot.privacy import locks
from bot.storage.contacts import ContactStore
from bot.storage.mongo import DURABLE, MongoStore, connect, delete_matching

SEPARATOR = SENDER_SEPARATOR  # sender id = <tenant>~<guest id> (bot/base/refs.py make_sender)
# collections that keep evidence with ids and keyed hashes only (never erased per guest)
EVIDENCE = frozenset({AUDIT, AUDIT_INBOX, DSR_REQUESTS, DSR_HISTORY, DSR_REGISTER, DELETION_CERTIFICATES})
CERTIFICATES = DELETION_CERTIFICATES  # control db: one per offboarded tenant (offboard.py)
# what a request document keeps once its guest is erased (DPA §10.2)
DSR_EVIDENCE_FIELDS = (
    "_id",
    "type",
    "status",
    "guest_ref",
    "channel",
    "language",
    "created_at",
    "deadline_at",
    "extended_until",
    "updated_at",
    "acted_by",
    "outcome",
    "tenant_informed",
)


class StandInError(RapportError):
    """A local provider stand-in did not answer (its records could not be erased or scanned)."""


@dataclass(frozen=True)
class Subject:
    """One guest of one tenant and every identifier we know for them."""

    tenant: str
    guest_ref: str
    sender_ids: tuple[str, ...] = ()  # Rasa sender ids "<tenant>~<guest id>"
    addresses: tuple[str, ...] = ()  # phone numbers and e-mail addresses
    conversations: tuple[str, ...] = ()  # conversation ids (keyed hashes)
    names: tuple[str, ...] = ()  # given by the operator, never stored


@dataclass
class PrivacyContext:
    """The resources every store needs; `open()` makes them from the settings."""

    settings: Settings
    mongo: MongoStore
    redis: aioredis.Redis
    cipher: Cipher
    http: aiohttp.ClientSession | None = None
    standins: dict[str, str] = field(default_factory=dict)  # name -> base URL on loopback

    @classmethod
    async def open(cls, settings: Settings) -> "PrivacyContext":
        client = connect(settings.effective_mongodb_url.value)
        redis = aioredis.from_url(settings.effective_redis_url.value, decode_responses=True)
        return cls(
            settings=settings,
            mongo=MongoStore(client, settings.db_prefix),
            redis=redis,
            cipher=Cipher(settings.data_keys),
            http=aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)),
            standins=standins_of(settings),
        )

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()
        await self.redis.close()
        self.mongo.client.close()

    def db(self, tenant: str) -> AsyncIOMotorDatabase:
        return self.mongo.database(tenant)

    def tracker_key(self, sender_id: str) -> str:
        """bot/rasa/tracker_store.py RapportTrackerStore.key, same key and prefix."""
        return tracker_key(self.settings.guest_key.value.encode(), sender_id)


def _loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


def standins_of(settings: Settings) -> dict[str, str]:
    """The local provider stand-ins this deployment talks to: as bot/stack.py starts
    them when no provider is configured (none in production)."""
    found = {}
    if settings.twilio_api_base and _loopback(settings.twilio_api_base):
        found["twilio"] = settings.twilio_api_base.rstrip("/")
    elif not settings.twilio_account_sid:
        found["twilio"] = f"http://{settings.host}:{settings.fake_twilio_port}"
    local_smtp = (
        settings.smtp_host in ("127.0.0.1", "localhost") and settings.smtp_port == settings.fake_smtp_port
    )
    if not settings.smtp_host or local_smtp:
        found["smtp"] = f"http://{settings.host}:{settings.fake_smtp_http_port}"
    return found


# ---- who is the guest ---------------------------------------------------------------


def channel_guest_id(ctx: PrivacyContext, tenant: str, channel: str, address: str) -> str:
    """The guest id the SMS and e-mail channels derive from a number or address (WhatsApp:
    the number's, as by SMS: one guest)."""
    return refs.channel_guest_id(ctx.settings.guest_key, tenant, channel, address)


def ref_of_sender(ctx: PrivacyContext, tenant: str, sender_id: str) -> str | None:
    owner, sep, guest = sender_id.partition(SEPARATOR)
    if not sep or owner != tenant:
        return None
    return make_guest_ref(ctx.settings.guest_key, tenant, guest)


def sender_of(tracker: Any) -> str:
    """The sender id of a stored tracker (Rasa's serialised dialogue calls it `name`)."""
    if not isinstance(tracker, dict):
        return ""
    sender = tracker.get("name") or tracker.get("sender_id")
    return sender if isinstance(sender, str) else ""


async def tenant_trackers(ctx: PrivacyContext, tenant: str) -> list[tuple[str, dict[str, Any]]]:
    """Every tracker of a tenant as (key, parsed value)."""
    found = []
    async for key in ctx.redis.scan_iter(match=tracker_pattern(tenant), count=500):
        raw = await ctx.redis.get(key)
        if raw is None:
            continue
        try:
            found.append((key, json.loads(raw)))
        except ValueError:
            found.append((key, {}))
    return found


async def redis_keys(ctx: PrivacyContext, tenant: str) -> list[str]:
    """Every key of the tenant: a segment equal to its id, or a sender id of it."""
    found = []
    async for key in ctx.redis.scan_iter(count=1000):
        if tenant in key.split(":") or f":{tenant}{SEPARATOR}" in key:
            found.append(key)
    return sorted(found)


# Rasa stores a tracker as json.dumps(Dialogue.as_dict()) = {"events": [...], "name": <sender>}:
# the sender id is the last field, so reading a key's tail is enough to know whose it is.
_TAIL = 256
_NAME_AT_END = re.compile(r'"name":\s*("(?:[^"\\]|\\.)*")\s*}\s*$')
# the tails of a batch of keys in one command (one round trip, one reply to parse)
_TAILS = (
    "local out = {} for i, k in ipairs(KEYS) do out[i] = redis.call('GETRANGE', k, ARGV[1], -1) end "
    "return out"
)


async def tracker_senders(ctx: PrivacyContext, tenant: str, batch: int = 2000) -> dict[str, str]:
    """{tracker key: sender id} of every tracker of a tenant, reading only each value's
    tail, so a tenant with 20,000 trackers is resolved in about 0.2 s instead of
    transferring every conversation."""
    keys = [k async for k in ctx.redis.scan_iter(match=tracker_pattern(tenant), count=5000)]
    found: dict[str, str] = {}
    for i in range(0, len(keys), batch):
        chunk = keys[i : i + batch]
        tails = await ctx.redis.eval(_TAILS, len(chunk), *chunk, -_TAIL)
        for key, tail in zip(chunk, tails, strict=True):
            match = _NAME_AT_END.search(tail or "")
            if match:
                found[key] = json.loads(match.group(1))
                continue
            raw = await ctx.redis.get(key)  # a sender id longer than the tail, or another layout
            with contextlib.suppress(ValueError, TypeError):
                found[key] = sender_of(json.loads(raw)) if raw else ""
    return found


async def conversations_of(ctx: PrivacyContext, tenant: str, guest_ref: str) -> set[str]:
    """The ids of the guest's conversations (indexed look-ups by guest_ref)."""
    db = ctx.db(tenant)
    conversations: set[str] = set()
    for name in (CONVERSATIONS, HANDOVERS):
        conversations |= {d["_id"] async for d in db[name].find({"guest_ref": guest_ref}, {"_id": 1})}
    for name, fld in ((RATINGS, "conversation_id"), (MESSAGES, "conversation")):
        cursor = db[name].find({"guest_ref": guest_ref}, {fld: 1})
        conversations |= {c for c in [d.get(fld) async for d in cursor] if isinstance(c, str) and c}
    return conversations


async def resolve(
    ctx: PrivacyContext,
    tenant: str,
    guest_ref: str,
    *,
    sender_ids: Iterable[str] = (),
    addresses: Iterable[str] = (),
    names: Iterable[str] = (),
) -> Subject:
    """Everything that identifies the guest: the contact's opened address, the sender
    ids of their trackers (found by their sender id's keyed reference) and their
    conversation ids."""
    senders, known = set(sender_ids), set(addresses)
    contact = None
    with contextlib.suppress(DecryptionError):  # a retired key: still erased by guest_ref
        contact = await ContactStore(ctx.mongo, tenant, ctx.cipher).get(guest_ref)
    if contact is not None:
        known.add(contact.address)
    known.update(await stays(ctx, tenant).addresses_of(guest_ref))  # a retired key: skipped
    for name, fld in ((SMS_INBOUND, "from_number"), (EMAIL_INBOUND, "from_address")):
        async for job in ctx.db(tenant)[name].find({"guest_ref": guest_ref, "payload": {"$exists": True}}):
            payload = opened_job(ctx, tenant, name, job).get("payload")
            if isinstance(payload, dict) and payload.get(fld):
                known.add(str(payload[fld]))
    for address in list(known):
        for channel in (Channel.SMS, Channel.EMAIL):
            guest = channel_guest_id(ctx, tenant, channel, address)
            if make_guest_ref(ctx.settings.guest_key, tenant, guest) == guest_ref:
                senders.add(f"{tenant}{SEPARATOR}{guest}")
    for sender in (await tracker_senders(ctx, tenant)).values():
        if sender and ref_of_sender(ctx, tenant, sender) == guest_ref:
            senders.add(sender)
    async for key in ctx.redis.scan_iter(match=f"{REDIS_PREFIX}:{LOCK}:{tenant}{SEPARATOR}*", count=500):
        sender = key.split(":", 2)[2]
        if ref_of_sender(ctx, tenant, sender) == guest_ref:
            senders.add(sender)
    conversations = await conversations_of(ctx, tenant, guest_ref)
    return Subject(
        tenant=tenant,
        guest_ref=guest_ref,
        sender_ids=tuple(sorted(senders)),
        addresses=tuple(sorted(known)),
        conversations=tuple(sorted(conversations)),
        names=tuple(n for n in names if n),
    )


def opened_job(ctx: PrivacyContext, tenant: str, collection: str, job: dict[str, Any]) -> dict[str, Any]:
    """An inbound job (bot/inbox/queue.py) with its sealed payload opened; a payload
    no configured key opens is shown as `{"sealed": true}`."""
    if "payload" not in job:
        return job
    payload = open_payload(ctx.cipher, payload_aad(tenant, collection, str(job["_id"])), job["payload"])
    return {**job, "payload": payload if payload is not None else {"sealed": True}}


async def present(coll: Any, queries: Iterable[dict[str, Any]]) -> int:
    """How many documents match any of `queries` (equality look-ups, one find each).

    Not `count_documents` or `$or`: the embedded MongoDB-wire server answers both by
    reading the whole collection (2 s for 100,000 ratings), but an equality find on an
    indexed field in milliseconds."""
    ids: set[Any] = set()
    for query in queries:
        ids |= {d["_id"] async for d in coll.find(query, {"_id": 1})}
    return len(ids)


# ---- retention: how long each registered collection keeps its documents -------------


@dataclass(frozen=True)
class Retention:
    """How retention (bot/privacy/retention.py) expires a registered collection.

    - "conversation": the documents of a conversation in which nothing happened for the
      tenant's period; `key` holds the conversation id, and the latest of the
      `activity` fields is the conversation's last activity in this collection.
    - "age": documents (matching `only`) whose latest `activity` field is older than
      the period.
    - "keep": never expired by retention, for the reason `why`.
    `counted`: the report counts what was deleted (False for bookkeeping)."""

    expire: str  # "conversation" | "age" | "keep"
    key: str = "_id"
    activity: tuple[str, ...] = ()
    only: Mapping[str, Any] | None = None
    counted: bool = True
    why: str = ""


def by_conversation(key: str, *activity: str, counted: bool = True) -> Retention:
    return Retention("conversation", key=key, activity=activity, counted=counted)


def by_age(*activity: str, only: Mapping[str, Any] | None = None) -> Retention:
    return Retention("age", activity=activity, only=only)


def kept(why: str) -> Retention:
    return Retention("keep", why=why)


FINISHED = {"state": {"$ne": JobState.PENDING}}  # inbound jobs: a pending turn still runs

# ---- the stores ------------------------------------------------------------------------


class Store(Protocol):
    name: str
    # the tenant collections the store covers, each with its retention (none: Redis, providers)
    collections: Mapping[str, Retention]

    async def export(self, ctx: PrivacyContext, s: Subject) -> Any: ...

    async def erase(self, ctx: PrivacyContext, s: Subject) -> int: ...

    async def scan(self, ctx: PrivacyContext, s: Subject) -> int:
        """How many records of the guest this store still holds (keyed look-up)."""


@dataclass(frozen=True)
class ByGuestRef:
    """A tenant collection whose documents carry `guest_ref`."""

    name: str
    collection: str
    retention: Retention

    @property
    def collections(self) -> Mapping[str, Retention]:
        return {self.collection: self.retention}

    async def export(self, ctx: PrivacyContext, s: Subject) -> list[dict[str, Any]]:
        return [d async for d in ctx.db(s.tenant)[self.collection].find({"guest_ref": s.guest_ref})]

    async def erase(self, ctx: PrivacyContext, s: Subject) -> int:
        coll = ctx.db(s.tenant).get_collection(self.collection, write_concern=DURABLE)
        return await delete_matching(coll, {"guest_ref": s.guest_ref})

    async def scan(self, ctx: PrivacyContext, s: Subject) -> int:
        return await present(
            ctx.db(s.tenant)[self.collection], ({"guest_ref": s.guest_ref}, {"_id": s.guest_ref})
        )


class Handovers:
    """handovers + messages (transcripts, staff replies, private notes) + message_seq."""

    name = "handovers"
    collections: Mapping[str, Retention] = MappingProxyType(
        {
            HANDOVERS: by_conversation("_id", "updated_at", "escalated_at"),
            MESSAGES: by_conversation("conversation", "at"),
            MESSAGE_SEQ: by_conversation("_id", counted=False),
        }
    )

    async def export(self, ctx: PrivacyContext, s: Subject) -> dict[str, list[dict[str, Any]]]:
        return await HandoverStore(ctx.mongo, s.tenant).export_guest(s.guest_ref)

    async def erase(self, ctx: PrivacyContext, s: Subject) -> int:
        n = await HandoverStore(ctx.mongo, s.tenant).erase_guest(s.guest_ref)
        db = ctx.db(s.tenant)
        messages = db.get_collection(MESSAGES, write_concern=DURABLE)
        seq = db.get_collection(MESSAGE_SEQ, write_concern=DURABLE)
        for conversation in s.conversations:  # transcripts whose guest_ref was lost, and counters
            n += await delete_matching(messages, {"conversation": conversation})
            await seq.delete_one({"_id": conversation})
        return n

    async def scan(self, ctx: PrivacyContext, s: Subject) -> int:
        db = ctx.db(s.tenant)
        ids = list(s.conversations)
        n = await present(db[HANDOVERS], [{"guest_ref": s.guest_ref}] + [{"_id": c} for c in ids])
        n += await present(db[MESSAGES], [{"guest_ref": s.guest_ref}] + [{"conversation": c} for c in ids])
        return n + await present(db[MESSAGE_SEQ], [{"_id": c} for c in ids])


class HandoverHistory:
    """One document per transition, keyed by conversation (no guest_ref)."""

    name = "handover_history"
    collections: Mapping[str, Retention] = MappingProxyType(
        {HANDOVER_HISTORY: by_conversation("conversation")}
    )

    async def export(self, ctx: PrivacyContext, s: Subject) -> list[dict[str, Any]]:
        coll = ctx.db(s.tenant)[HANDOVER_HISTORY]
        return [d for c in s.conversations async for d in coll.find({"conversation": c})]

    async def erase(self, ctx: PrivacyContext, s: Subject) -> int:
        coll = ctx.db(s.tenant).get_collection(HANDOVER_HISTORY, write_concern=DURABLE)
        return sum([await delete_matching(coll, {"conversation": c}) for c in s.conversations])

    async def scan(self, ctx: PrivacyContext, s: Subject) -> int:
        return await present(
            ctx.db(s.tenant)[HANDOVER_HISTORY], [{"conversation": c} for c in s.conversations]
        )


class Contacts:
    name = "contacts"
    # a contact of a guest who has not written within the period
    collections: Mapping[str, Retention] = MappingProxyType({CONTACTS: by_age("updated_at")})

    async def export(self, ctx: PrivacyContext, s: Subject) -> list[dict[str, Any]]:
        try:
            return await ContactStore(ctx.mongo, s.tenant, ctx.cipher).export_guest(s.guest_ref)
        except DecryptionError:
            return [{"guest_ref": s.guest_ref, "sealed": True}]

    async def erase(self, ctx: PrivacyContext, s: Subject) -> int:
        return await ContactStore(ctx.mongo, s.tenant, ctx.cipher).erase_guest(s.guest_ref)

    async def scan(self, ctx: PrivacyContext, s: Subject) -> int:
        return await present(ctx.db(s.tenant)[CONTACTS], [{"_id": s.guest_ref}])


def stays(ctx: PrivacyContext, tenant: str) -> StayStore:
    return StayStore(ctx.mongo, tenant, ctx.cipher, ctx.settings.guest_key)


class Stays:
    """The hotel's stays (bot/outreach/stays.py): found by either of the guest's refs
    (the phone number's and the address's), exported with the contact opened, deleted
    whole. Expired `retention_days` after departure (or check-out, if later)."""

    name = "stays"
    collections: Mapping[str, Retention] = MappingProxyType({STAYS: by_age("departure", "checked_out_at")})

    async def export(self, ctx: PrivacyContext, s: Subject) -> list[dict[str, Any]]:
        return await stays(ctx, s.tenant).export_guest(s.guest_ref)

    async def erase(self, ctx: PrivacyContext, s: Subject) -> int:
        return await stays(ctx, s.tenant).erase_guest(s.guest_ref)

    async def scan(self, ctx: PrivacyContext, s: Subject) -> int:
        coll = ctx.db(s.tenant)[STAYS]
        return await present(coll, ({"guest_refs": {"$in": [s.guest_ref]}}, {"guest_ref": s.guest_ref}))


class PmsRecords:
    """PMS webhook events (bot/outreach/pms/events.py) and polling cursors: no guest data
    (event, reservation and stay ids, codes, times), but an event names one stay, so a
    guest's erasure deletes the events of their stays (found through the stays, hence
    before `Stays` in STORES). Events expire with the tenant's period after their last
    update; the cursors (one per connector: a time) are kept."""

    name = "pms"
    collections: Mapping[str, Retention] = MappingProxyType(
        {
            PMS_EVENTS: by_age("updated_at", "received_at"),
            PMS_CURSORS: kept("where a polling PMS connector got to: a time per connector, no guest data"),
        }
    )

    async def _stays(self, ctx: PrivacyContext, s: Subject) -> list[str]:
        coll = ctx.db(s.tenant)[STAYS]
        return [d["_id"] async for d in coll.find({"guest_refs": {"$in": [s.guest_ref]}}, {"_id": 1})]

    async def export(self, ctx: PrivacyContext, s: Subject) -> list[dict[str, Any]]:
        coll = ctx.db(s.tenant)[PMS_EVENTS]
        return [d for stay in await self._stays(ctx, s) async for d in coll.find({"stay": stay})]

    async def erase(self, ctx: PrivacyContext, s: Subject) -> int:
        coll = ctx.db(s.tenant).get_collection(PMS_EVENTS, write_concern=DURABLE)
        return sum([await delete_matching(coll, {"stay": stay}) for stay in await self._stays(ctx, s)])

    async def scan(self, ctx: PrivacyContext, s: Subject) -> int:
        return await present(
            ctx.db(s.tenant)[PMS_EVENTS], [{"stay": stay} for stay in await self._stays(ctx, s)]
        )


class Invitations:
    """The send schedule (bot/outreach/invitations.py): ids, times, channel and reason,
    no contact data; found by either of the guest's refs, deleted whole (an erased
    guest is never invited again: their stays go too). Expired with the stays: its
    latest time (`due`, `updated_at`) older than the period."""

    name = "invitations"
    collections: Mapping[str, Retention] = MappingProxyType({INVITATIONS: by_age("due", "updated_at")})

    @staticmethod
    def _of(s: Subject) -> dict[str, Any]:
        return {"guest_refs": {"$in": [s.guest_ref]}}  # nx-27017: an array element by $in

    async def export(self, ctx: PrivacyContext, s: Subject) -> list[dict[str, Any]]:
        return [d async for d in ctx.db(s.tenant)[INVITATIONS].find(self._of(s))]

    async def erase(self, ctx: PrivacyContext, s: Subject) -> int:
        coll = ctx.db(s.tenant).get_collection(INVITATIONS, write_concern=DURABLE)
        return await delete_matching(coll, self._of(s))

    async def scan(self, ctx: PrivacyContext, s: Subject) -> int:
        return await present(ctx.db(s.tenant)[INVITATIONS], (self._of(s), {"guest_ref": s.guest_ref}))


class Sms:
    """sms_inbound (queued turns: number and text while pending), sms_outbound, sms_consent."""

    name = "sms"
    collections: Mapping[str, Retention] = MappingProxyType(
        {
            SMS_INBOUND: by_age("ended_at", "received_at", only=FINISHED),
            SMS_OUTBOUND: by_age("sent_at", "updated_at"),
            SMS_CONSENT: kept("forgetting a STOP would allow messaging the guest again"),
        }
    )

    async def export(self, ctx: PrivacyContext, s: Subject) -> dict[str, list[dict[str, Any]]]:
        store = SmsStore(ctx.mongo, s.tenant)
        inbound = store.inbound.find({"guest_ref": s.guest_ref})
        return {
            "inbound": [opened_job(ctx, s.tenant, SMS_INBOUND, d) async for d in inbound],
            "outbound": [d async for d in store.outbound.find({"guest_ref": s.guest_ref})],
            "consent": [d async for d in store.consent.find({"guest_ref": s.guest_ref})],
        }

    async def erase(self, ctx: PrivacyContext, s: Subject) -> int:
        return await SmsStore(ctx.mongo, s.tenant).erase_guest(s.guest_ref)

    async def scan(self, ctx: PrivacyContext, s: Subject) -> int:
        store = SmsStore(ctx.mongo, s.tenant)
        queries = ({"guest_ref": s.guest_ref}, {"_id": s.guest_ref})
        return sum([await present(c, queries) for c in (store.inbound, store.outbound, store.consent)])


class EmailInbound(ByGuestRef):
    """Queued e-mail turns (sealed payload: address, subject and text while pending)."""

    async def export(self, ctx: PrivacyContext, s: Subject) -> list[dict[str, Any]]:
        return [opened_job(ctx, s.tenant, self.collection, d) for d in await super().export(ctx, s)]


class DsrRequests:
    """The guest's requests: exported in full; on erasure stripped to evidence (keyed
    hash, dates, outcome) and kept."""

    name = "dsr_requests"
    collections: Mapping[str, Retention] = MappingProxyType(
        {DSR_REQUESTS: kept("evidence of the request (DPA §10.2); stripped when the guest is erased")}
    )

    async def export(self, ctx: PrivacyContext, s: Subject) -> list[dict[str, Any]]:
        docs = [d async for d in ctx.db(s.tenant)[DSR_REQUESTS].find({"guest_ref": s.guest_ref})]
        return [{k: v for k, v in d.items() if k not in ("code_hash", "details")} for d in docs]

    async def erase(self, ctx: PrivacyContext, s: Subject) -> int:
        coll = ctx.db(s.tenant).get_collection(DSR_REQUESTS, write_concern=DURABLE)
        n = 0
        async for doc in coll.find({"guest_ref": s.guest_ref}):
            kept = {k: doc[k] for k in DSR_EVIDENCE_FIELDS if k in doc}
            if kept != doc:
                await coll.replace_one({"_id": doc["_id"]}, kept)
                n += 1
        return n

    async def scan(self, ctx: PrivacyContext, s: Subject) -> int:
        """Requests still carrying more than evidence."""
        extra = ("details", "code_hash", "code_expires_at", "extension_reason")
        docs = ctx.db(s.tenant)[DSR_REQUESTS].find({"guest_ref": s.guest_ref})
        return len([d async for d in docs if any(k in d for k in extra)])


class DsrExports:
    """One-time export download links (bot/privacy/links.py): the worker purges them when
    used or expired (24 h); an erasure, by request or from the CLI, removes the guest's at
    once. The export lists the links, not their sealed content (the export itself)."""

    name = "dsr_exports"
    collections: Mapping[str, Retention] = MappingProxyType({DSR_EXPORTS: by_age("expires_at", "created_at")})

    async def export(self, ctx: PrivacyContext, s: Subject) -> list[dict[str, Any]]:
        fields = {"request": 1, "created_at": 1, "expires_at": 1, "used_at": 1}
        return [d async for d in ctx.db(s.tenant)[DSR_EXPORTS].find({"guest_ref": s.guest_ref}, fields)]

    async def erase(self, ctx: PrivacyContext, s: Subject) -> int:
        coll = ctx.db(s.tenant).get_collection(DSR_EXPORTS, write_concern=DURABLE)
        return await delete_matching(coll, {"guest_ref": s.guest_ref})

    async def scan(self, ctx: PrivacyContext, s: Subject) -> int:
        return await present(ctx.db(s.tenant)[DSR_EXPORTS], ({"guest_ref": s.guest_ref},))


class Trackers:
    """Rasa trackers in Redis (events with the guest's messages)."""

    name = "trackers"
    collections: Mapping[str, Retention] = MappingProxyType({})  # Redis: retention reads their events

    async def export(self, ctx: PrivacyContext, s: Subject) -> list[dict[str, Any]]:
        out = []
        for sender in s.sender_ids:
            raw = await ctx.redis.get(ctx.tracker_key(sender))
            if raw is not None:
                out.append(json.loads(raw))
        return out

    async def erase(self, ctx: PrivacyContext, s: Subject) -> int:
        keys = [ctx.tracker_key(sender) for sender in s.sender_ids]
        return int(await ctx.redis.delete(*keys)) if keys else 0

    async def scan(self, ctx: PrivacyContext, s: Subject) -> int:
        keys = [ctx.tracker_key(sender) for sender in s.sender_ids]
        return int(await ctx.redis.exists(*keys)) if keys else 0


class Locks:
    """Rasa's RedisLockStore keys `rapport:lock:<sender id>` (short-lived).

    Only stale locks (no unexpired ticket) are deleted: a live one is held by the
    erasure itself (bot/privacy/locks.py), which Rasa's cleanup removes on release, or
    by a turn that arrived meanwhile and waits for it — deleting that would fail the
    turn. The scan after the release reports any lock still there."""

    name = "locks"
    collections: Mapping[str, Retention] = MappingProxyType({})

    @staticmethod
    def keys(s: Subject) -> list[str]:
        return [f"{REDIS_PREFIX}:{LOCK}:{sender}" for sender in s.sender_ids]

    async def export(self, ctx: PrivacyContext, s: Subject) -> list[str]:
        return []  # locks hold no data of the guest beyond the sender id

    async def erase(self, ctx: PrivacyContext, s: Subject) -> int:
        stale = [key for key in self.keys(s) if not locks.live(await ctx.redis.get(key))]
        return int(await ctx.redis.delete(*stale)) if stale else 0

    async def scan(self, ctx: PrivacyContext, s: Subject) -> int:
        keys = self.keys(s)
        return int(await ctx.redis.exists(*keys)) if keys else 0


@dataclass(frozen=True)
class StandIn:
    """A local provider stand-in's records (devtools/fake_twilio.py, fake_smtp.py)."""

    name: str
    records: str  # GET path listing the records
    collections: Mapping[str, Retention] = field(default_factory=lambda: MappingProxyType({}))

    def _url(self, ctx: PrivacyContext, path: str) -> str | None:
        base = ctx.standins.get(self.name)
        return None if base is None or ctx.http is None else base + path

    async def _records(self, ctx: PrivacyContext) -> list[dict[str, Any]]:
        url = self._url(ctx, self.records)
        if url is None:
            return []
        assert ctx.http is not None
        try:
            async with ctx.http.get(url) as resp:
                resp.raise_for_status()
                return list(await resp.json())
        except (aiohttp.ClientError, TimeoutError) as e:
            raise StandInError(f"the {self.name} stand-in did not answer") from e

    async def export(self, ctx: PrivacyContext, s: Subject) -> list[dict[str, Any]]:
        return [r for r in await self._records(ctx) if _mentions(r, s.addresses)]

    async def erase(self, ctx: PrivacyContext, s: Subject) -> int:
        url = self._url(ctx, "/_fake/erase")
        if url is None or not s.addresses:
            return 0
        assert ctx.http is not None
        try:
            async with ctx.http.post(url, json={"addresses": list(s.addresses)}) as resp:
                resp.raise_for_status()
                return int((await resp.json())["erased"])
        except (aiohttp.ClientError, TimeoutError) as e:
            raise StandInError(f"the {self.name} stand-in did not answer") from e

    async def scan(self, ctx: PrivacyContext, s: Subject) -> int:
        return len(await self.export(ctx, s))


def _mentions(record: dict[str, Any], addresses: Iterable[str]) -> bool:
    text = json.dumps(record, default=str).lower()
    return any(a.lower() in text for a in addresses if a)


# Queued inbound turns first, so no pending turn of the guest runs after the erasure.
STORES: tuple[Store, ...] = (
    Sms(),
    EmailInbound("email_inbound", EMAIL_INBOUND, by_age("ended_at", "received_at", only=FINISHED)),
    ByGuestRef("ratings", RATINGS, by_conversation("conversation_id", "updated_at", "answered_at")),
    ByGuestRef("conversations", CONVERSATIONS, by_conversation("_id", "updated_at", "started_at")),
    Handovers(),
    HandoverHistory(),
    Contacts(),
    PmsRecords(),  # before Stays: finds the events through the guest's stays
    Stays(),
    Invitations(),
    # WhatsApp's 24-hour window: when the guest last wrote, dropped with old contacts
    ByGuestRef("whatsapp_window", WHATSAPP_WINDOW, by_age("last_inbound_at")),
    ByGuestRef("flags", GUEST_FLAGS, kept("a restriction or objection holds until the guest lifts it")),
    # a question is answered or dropped at the guest's next message; one never answered
    # goes after the tenant's period
    ByGuestRef("dsr_questions", DSR_QUESTIONS, by_age("asked_at")),
    DsrRequests(),
    DsrExports(),
    Trackers(),
    Locks(),
    StandIn("twilio", "/_fake/messages"),
    StandIn("smtp", "/_fake/mail"),
)

# How the verification scan searches a registered collection too large to read whole
# after every erasure (bot/privacy/erasure.py EXHAUSTIVE_LIMIT): equality look-ups of
# the guest's keyed identifiers on these fields, each indexed. Their free text (a text
# answer, a transcript line) belongs to the guest named by their `guest_ref`, whose
# documents the look-ups find; contacts hold only sealed values. The deep scan reads
# every document of these too.
KEYED_FIELDS: dict[str, tuple[str, ...]] = {
    RATINGS: ("guest_ref", "conversation_id"),
    CONVERSATIONS: ("_id", "guest_ref"),
    MESSAGES: ("guest_ref", "conversation"),
    HANDOVERS: ("_id", "guest_ref"),
    HANDOVER_HISTORY: ("conversation",),
    CONTACTS: ("_id",),
    STAYS: ("guest_ref", "guest_refs"),  # contacts and first names sealed
    INVITATIONS: ("guest_ref", "guest_refs"),  # ids, times and codes only
    AUDIT: ("resource_id", "resources"),  # `resources`: the ids a system.batch entry names
    AUDIT_INBOX: ("writes.resource_id",),
}
ARRAY_FIELDS = frozenset({"resources", "guest_refs"})  # indexed arrays: looked up with $in (see erasure.py)

# Tenant collections the registry covers, each with its retention rule (the exhaustive
# scan treats any other collection holding the guest as a store missing from this registry).
RETENTION: Mapping[str, Retention] = MappingProxyType(
    {c: r for st in STORES for c, r in st.collections.items()}
)
COVERED = frozenset(RETENTION)


def with_names(subject: Subject, names: Iterable[str]) -> Subject:
    return replace(subject, names=tuple(n for n in names if n))
