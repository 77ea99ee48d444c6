"""Rasa trackers in Redis under pseudonymous, per-tenant keys, with async I/O.

Configured in endpoints.yml (`type: bot.rasa.tracker_store.RapportTrackerStore`).
Differences from Rasa 3.6's `RedisTrackerStore`:

- Keys are `<prefix>:tracker:<tenant>:<HMAC(guest key, sender id)>`: no phone number
  or e-mail address in a Redis key, and everything of one tenant is one SCAN pattern
  (tenant offboarding, erasure). `erase(sender_id)` deletes one conversation.
- `redis.asyncio` instead of the blocking client (Rasa's blocks the event loop on
  every get/set).
- One read and one write per turn. Rasa's store reads the tracker back and merges it
  on every save, to survive two processes writing one conversation at once; here the
  lock store (bot/rasa/lock_store.py) serialises the turns of a conversation across
  replicas, so the merge (about 8 % of the Rasa server's CPU under load) is not
  repeated. The write is fenced instead: inside a turn, the same script that SETs the
  tracker first checks that the turn's fencing token is still the conversation's
  latest, and refuses the whole write otherwise (`Fenced`: the turn fails with outcome
  "fenced" and keeps nothing; a later turn of another replica has the conversation).
  With the tracker it writes the inbound message's "turned" marker (exactly-once
  inbound) and stamps the token on the turn's user event (`rapport_fence`).
- `keys()` cannot list sender ids (the keys are one-way); it returns none, so Rasa's
  `/conversations` listing stays empty. Nothing in Rapport uses it.
- Every read that finds a tracker and every write is audited (issue 5: reads and writes
  of personal data by the system): the same server-side script that GETs or SETs the
  tracker pushes `{action: "tracker.read"|"tracker.write", resource_type: "tracker",
  resource_id: <the key's HMAC>}` onto the tenant's Redis audit inbox
  (`<prefix>:audit_inbox:<tenant>`, bot/audit/log.py), which the console's folder chains
  about once a second. No round trip is added, and a tracker is never read or written
  without its record. Senders without a tenant (`_`) have no audit log and are not
  recorded.

Durability: the embedded Valkey runs with an append-only file (fsync every second);
answers themselves are in MongoDB before the guest sees the next question. Transient
connection errors (a restarted Redis) are retried for about 2 s; after that the
error propagates and the channel answers 503, so the provider retries the message.
Rasa wraps every tracker store in `FailSafeTrackerStore`, which on an error returns
"no tracker" (the guest's conversation silently starts afresh) or saves to memory;
for this store the wrapper passes errors through instead (`_strict_failsafe`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import FailSafeTrackerStore, SerializedTrackerAsText, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

from bot.audit.log import SystemAccess, redis_inbox_entry, redis_inbox_key
from bot.base.logs import event
from bot.base.metrics import TURNS
from bot.base.names import REDIS_PREFIX, tracker_pattern
from bot.base.refs import NO_TENANT, tracker_key
from bot.base.settings import Settings
from bot.rasa import speedups, strict_actions
from bot.rasa.lock_store import FENCE, FENCE_FIELD, Fenced, channel_label, conversation_keys
from bot.rasa.redis_client import resilient_redis

speedups.apply()
strict_actions.apply()
logger = logging.getLogger(__name__)

# KEYS: tracker, audit inbox; ARGV: the inbox entry. Recorded only when a tracker was found.
_READ = "local v = redis.call('GET', KEYS[1]) if v then redis.call('RPUSH', KEYS[2], ARGV[1]) end return v"
# KEYS: tracker, audit inbox, fence, turned marker (unused ones: the tracker key)
# ARGV: the tracker, the inbox entry ('' for none), seconds to live ('' for none), the
# turn's fencing token ('' for an unfenced save), the marker's seconds ('' for none).
# 0 (nothing written) when the token is no longer the conversation's latest.
_WRITE = """
if ARGV[4] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[4] then return 0 end
if ARGV[2] ~= '' then redis.call('RPUSH', KEYS[2], ARGV[2]) end
if ARGV[3] ~= '' then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
else redis.call('SET', KEYS[1], ARGV[1]) end
if ARGV[5] ~= '' then redis.call('SET', KEYS[4], ARGV[4], 'EX', ARGV[5]) end
return 1
"""


class RapportTrackerStore(TrackerStore, SerializedTrackerAsText):
    def __init__(
        self,
        domain: Domain,
        host: str = "localhost",
        port: int | str = 6379,
        db: int | str = 0,
        password: str | None = None,
        key_prefix: str = REDIS_PREFIX,
        record_exp: float | None = None,
        event_broker: EventBroker | None = None,
        guest_key: str | None = None,
        **kwargs: Any,
    ) -> None:
        # a restarted server's dead pooled connections: reconnected and retried (bot/rasa/redis_client.py)
        self.redis = resilient_redis(host, port, db, password)
        self.prefix = key_prefix
        self.record_exp = float(record_exp) if record_exp else None
        self._key = (guest_key or Settings.from_env().guest_key.value).encode()
        self._read = self.redis.register_script(_READ)
        self._write = self.redis.register_script(_WRITE)
        super().__init__(domain, event_broker, **kwargs)

    def key(self, sender_id: str) -> str:
        return tracker_key(self._key, sender_id, self.prefix)

    def _audit(self, key: str, action: str) -> tuple[str, str] | None:
        """(the tenant's Redis audit inbox, the record) for an access to the tracker `key`."""
        _, _, tenant, digest = key.split(":")[-4:]
        if tenant == NO_TENANT:
            return None
        access = SystemAccess(f"tracker.{action}", "tracker", digest)
        writes, reads = ([access], []) if action == "write" else ([], [access])
        entry = redis_inbox_entry(writes, dt.datetime.now(dt.UTC), reads)
        return redis_inbox_key(self.prefix, tenant), entry

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        """Write the tracker, fenced by the token of the lock this turn holds
        (bot/rasa/lock_store.py: FENCE); raises Fenced, writing nothing, when another
        replica took the conversation's lock since."""
        fence = FENCE.get()
        if fence is not None and fence.sender_id != tracker.sender_id:
            fence = None
        if fence is not None:
            stamp_fence(tracker, fence.token)
        expiry = timeout or self.record_exp
        key = self.key(tracker.sender_id)
        value = self.serialise_tracker(tracker)
        audit = self._audit(key, "write")
        inbox, entry = audit if audit is not None else (key, "")
        # The inbound message's "turned" marker goes with the save that holds its turn.
        # Rasa also saves a new conversation's empty tracker when it creates it, before
        # the guest's message is logged (TrackerStore.create_tracker); marking the message
        # turned there would make the retry of a turn that then failed (the action server
        # died mid-call) a "duplicate", and the guest's first message would be lost
        # (`make faults`, an action server killed: one SMS guest's "Hello").
        turned_key = fence.turned_key if fence is not None and _has_user_event(tracker) else None
        keys = [key, inbox, fence.fence_key if fence else key, turned_key or key]
        args = [
            value,
            entry,
            str(int(expiry)) if expiry else "",
            str(fence.token) if fence else "",
            str(fence.turned_seconds) if fence and turned_key else "",
        ]
        if not await self._write(keys=keys, args=args):
            TURNS.labels(channel_label(), Fenced.outcome).inc()
            event(logger, "tracker.save.fenced", logging.WARNING, channel=channel_label())
            raise Fenced("a newer turn holds this conversation: this turn's save was refused")
        await self.stream_events(tracker)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        tracker = await self.retrieve_full_tracker(sender_id)
        if tracker is None:
            return None
        sessions = get_trackers_for_conversation_sessions(tracker)
        return tracker if len(sessions) <= 1 else sessions[-1]

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        key = self.key(sender_id)
        audit = self._audit(key, "read")
        if audit is None:
            stored = await self.redis.get(key)
        else:
            stored = await self._read(keys=[key, audit[0]], args=[audit[1]])
        return None if stored is None else self.deserialise_tracker(sender_id, stored)

    async def keys(self) -> Iterable[str]:
        return []

    async def erase(self, sender_id: str) -> bool:
        """Delete one conversation's tracker (data-subject erasure) and its fencing token."""
        deleted = await self.redis.delete(self.key(sender_id))
        await self.redis.delete(conversation_keys(self._key, sender_id, self.prefix).fence)
        return bool(deleted)

    async def tenant_keys(self, tenant_id: str) -> list[str]:
        return [k async for k in self.redis.scan_iter(match=tracker_pattern(tenant_id, self.prefix))]


def stamp_fence(tracker: DialogueStateTracker, token: int) -> None:
    """Record the turn's fencing token on its user event (the latest one not stamped)."""
    for e in reversed(tracker.events):
        if isinstance(e, UserUttered):
            if FENCE_FIELD not in (e.metadata or {}):
                e.metadata = {**(e.metadata or {}), FENCE_FIELD: token}
            return


def _has_user_event(tracker: DialogueStateTracker) -> bool:
    return any(isinstance(e, UserUttered) for e in reversed(tracker.events))


def _strict_failsafe() -> None:
    """Make Rasa's FailSafeTrackerStore pass our store's errors through."""
    originals = {
        name: getattr(FailSafeTrackerStore, name) for name in ("retrieve", "retrieve_full_tracker", "save")
    }

    def passthrough(name: str):  # noqa: ANN202
        async def method(self: FailSafeTrackerStore, arg: Any) -> Any:
            if isinstance(self._tracker_store, RapportTrackerStore):
                return await getattr(self._tracker_store, name)(arg)
            return await originals[name](self, arg)

        method.__name__ = name
        return method

    for name in originals:
        setattr(FailSafeTrackerStore, name, passthrough(name))


_strict_failsafe()
