"""One lock per conversation across every Rasa replica: FIFO, fenced, exactly once.

Configured in endpoints.yml (`lock_store: type: bot.rasa.lock_store.RapportLockStore`).
Rasa wraps every turn in `lock_store.lock(sender_id)` (Agent.handle_message, the
conversation endpoints of rasa/server.py, reminders). Rasa 3.6's `RedisLockStore`
reads the lock, appends a ticket in Python and writes it back: two replicas reading
at once both get the same ticket and both run (RasaHQ/rasa#11256); its lifetime
(TICKET_LOCK_LIFETIME, default 60 s) is shorter than Rasa's action call timeout
(rasa.core.constants.DEFAULT_REQUEST_TIMEOUT, 300 s), so a slow action lets the next
turn in; it polls once a second and blocks the event loop on every call.

Here, per conversation (keys under `<prefix>:lock:<tenant>:<HMAC of the sender id>`,
the tracker key's digest: no phone number or address in a key):

- `:t` a ticket counter and `:q` the waiting tickets (a sorted set): tickets are served
  in arrival order. `:a` holds each waiter's liveness deadline; a waiter refreshes it
  on every poll, and one that stopped polling (its process died) is dropped from the
  queue after WAITER_SECONDS.
- `:h` the holder: its fencing token, with a lease (`lease_seconds`, default 10 s) that
  a task of the holder renews every third of it while the turn runs. A holder that died
  releases by expiry within one lease. Renewal stops after `max_hold_seconds` (default
  TICKET_LOCK_LIFETIME if set, else 330 s: Rasa's 300 s action call timeout plus 30 s),
  so the lock outlives any action call of a live turn, and a turn stuck beyond it
  lets the conversation go on; its late save is then refused (below).
- `:f` the fencing token: INCR on every acquisition (kept, never expires; erasure of the
  conversation may delete it). The tracker store saves only while the token it was
  given is still the conversation's latest (bot/rasa/tracker_store.py, one Lua script
  with the write): a holder whose lease ran out and whose conversation was taken by
  another replica is refused (`Fenced`, outcome "fenced"), and nothing of its turn is
  kept.

Every step is one Lua script, run atomically by Redis, timed by the server's clock
(`TIME`), so replicas' clocks do not matter. Uncontended, a turn costs two round trips
(take, release); a waiter polls every 2 ms doubling to 50 ms.

The token travels from the lock to the save in a context variable (`FENCE`): Rasa
saves the tracker inside the `async with lock(...)` block in the same asyncio task,
which sees the variable; other tasks and processes do not. A save outside any lock (a
script, a test) is not fenced.

Exactly once for at-least-once inbound: a channel that knows the inbound message's id
(REST `message_id`, web chat `message_id`) runs the turn inside `inbound(channel, id)`.
The take script then refuses, while holding the queue's head, a message whose id was
already turned (`DuplicateMessage`, outcome "duplicate"); the tracker store writes the
`<prefix>:turned:<tenant>:<digest>:<sha256(id)>` marker in the same script as the
tracker, so "turned" means "its tracker was saved". Markers live `dedupe_seconds`
(default 7 days).

The token of each turn is stamped on its user event's metadata (`rapport_fence`, an
integer, no personal data), so tests and operators can check that tokens strictly
increase along a conversation across replicas.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import time
from collections.abc import AsyncGenerator, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import RedisError

from bot.base.logs import event
from bot.base.metrics import LOCK_WAIT_SECONDS, TURNS
from bot.base.names import REDIS_PREFIX
from bot.base.refs import tracker_key
from bot.base.settings import Settings
from bot.rasa.redis_client import resilient_redis

logger = logging.getLogger(__name__)

LEASE_SECONDS = 10.0
# Rasa's action call timeout (rasa/core/actions/action.py passes DEFAULT_REQUEST_TIMEOUT,
# 300 s, to the action endpoint) plus a margin; TICKET_LOCK_LIFETIME overrides it.
MAX_HOLD_SECONDS = float(os.environ.get("TICKET_LOCK_LIFETIME") or 0) or DEFAULT_REQUEST_TIMEOUT + 30.0
WAIT_SECONDS = 60.0  # then the turn fails as "busy" (the channel answers 503, SMS retries)
WAITER_SECONDS = 5.0  # a waiter not seen polling for this long is dropped from the queue
DEDUPE_SECONDS = 7 * 24 * 3600
FENCE_FIELD = "rapport_fence"  # the user event's metadata key holding the turn's token

_NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) "
# KEYS: tickets, queue, alive, holder, fence, turned marker
# ARGV: ticket ('' for a new one), waiter ms, lease ms, keys ms, '1' to check the marker
# -> {ticket, token}: token > 0 taken, 0 wait, -1 dropped (take a new ticket), -2 duplicate
_TAKE = (
    _NOW
    + """
local dead = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, d in ipairs(dead) do
  redis.call('ZREM', KEYS[2], d)
  redis.call('ZREM', KEYS[3], d)
end
local ticket = ARGV[1]
if ticket == '' then
  ticket = tostring(redis.call('INCR', KEYS[1]))
  redis.call('ZADD', KEYS[2], ticket, ticket)
elseif not redis.call('ZSCORE', KEYS[2], ticket) then
  return {ticket, -1}
end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ticket)
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
if redis.call('EXISTS', KEYS[4]) == 1 then return {ticket, 0} end
if redis.call('ZRANGE', KEYS[2], 0, 0)[1] ~= ticket then return {ticket, 0} end
redis.call('ZREM', KEYS[2], ticket)
redis.call('ZREM', KEYS[3], ticket)
if ARGV[5] == '1' and redis.call('EXISTS', KEYS[6]) == 1 then return {ticket, -2} end
local token = redis.call('INCR', KEYS[5])
redis.call('SET', KEYS[4], token, 'PX', ARGV[3])
return {ticket, token}
"""
)
# KEYS: queue, alive; ARGV: ticket (a waiter that gives up)
_WITHDRAW = "redis.call('ZREM', KEYS[1], ARGV[1]) return redis.call('ZREM', KEYS[2], ARGV[1])"
# KEYS: holder; ARGV: token, lease ms
_RENEW = (
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
)
# KEYS: tickets, queue, alive, holder, fence: a conversation no turn holds or waits for
_FORGET = (
    "if redis.call('EXISTS', KEYS[4]) == 1 or redis.call('ZCARD', KEYS[2]) > 0 then return 0 end "
    "redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[5]) return 1"
)
# KEYS: holder; ARGV: token
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


class TurnRefused(LockError):
    """A turn that must not run or must not be kept; `outcome` is its TURNS label,
    counted where it is refused (bot/rasa/ops.py's turn timer does not count it again)."""

    outcome = "error"
    counted_at_source = True


class ConversationBusy(TurnRefused):
    outcome = "busy"


class DuplicateMessage(TurnRefused):
    outcome = "duplicate"


class Fenced(TurnRefused):
    outcome = "fenced"


@dataclass(frozen=True)
class Inbound:
    """What a channel knows about the message whose turn runs in this context."""

    channel: str
    message_id: str | None = None


@dataclass(frozen=True)
class Fence:
    """The lock held by this context's turn, for the tracker store's save."""

    sender_id: str
    token: int
    fence_key: str
    turned_key: str | None  # the inbound message's marker, written with the tracker
    turned_seconds: int


INBOUND: ContextVar[Inbound | None] = ContextVar("rapport_inbound", default=None)
FENCE: ContextVar[Fence | None] = ContextVar("rapport_fence", default=None)


@contextlib.contextmanager
def inbound(channel: str, message_id: str | None = None) -> Iterator[None]:
    """Run a turn (`await on_new_message(...)`) inside this to name its channel and
    the inbound message's id (deduplicated) to the lock store."""
    reset = INBOUND.set(Inbound(channel, message_id or None))
    try:
        yield
    finally:
        INBOUND.reset(reset)


def channel_label() -> str:
    current = INBOUND.get()
    return current.channel if current else "api"


@dataclass(frozen=True)
class Keys:
    tickets: str
    queue: str
    alive: str
    holder: str
    fence: str
    base: str  # <prefix>:<kind>:<tenant>:<digest> without the kind

    def turned(self, message_id: str) -> str:
        digest = hashlib.sha256(message_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return f"{self.base.replace(':lock:', ':turned:', 1)}:{digest}"


def conversation_keys(guest_key: bytes, sender_id: str, prefix: str = REDIS_PREFIX) -> Keys:
    base = tracker_key(guest_key, sender_id, prefix).replace(":tracker:", ":lock:", 1)
    return Keys(f"{base}:t", f"{base}:q", f"{base}:a", f"{base}:h", f"{base}:f", base)


class RapportLockStore(LockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **overrides: Any) -> None:
        cfg: dict[str, Any] = {}
        if endpoint_config is not None:
            cfg.update(endpoint_config.kwargs)
            cfg["host"] = endpoint_config.url
        cfg.update(overrides)
        self.redis = resilient_redis(
            cfg.get("host") or "localhost", cfg.get("port") or 6379, cfg.get("db") or 0, cfg.get("password")
        )
        self.prefix = cfg.get("key_prefix") or REDIS_PREFIX
        self.lease = float(cfg.get("lease_seconds") or LEASE_SECONDS)
        self.max_hold = float(cfg.get("max_hold_seconds") or MAX_HOLD_SECONDS)
        self.wait = float(cfg.get("wait_seconds") or WAIT_SECONDS)
        self.waiter = max(float(cfg.get("waiter_seconds") or WAITER_SECONDS), 0.5)
        self.dedupe = int(cfg.get("dedupe_seconds") or DEDUPE_SECONDS)
        self._key = (cfg.get("guest_key") or Settings.from_env().guest_key.value).encode()
        self._take = self.redis.register_script(_TAKE)
        self._withdraw = self.redis.register_script(_WITHDRAW)
        self._renew = self.redis.register_script(_RENEW)
        self._release = self.redis.register_script(_RELEASE)
        self._forget = self.redis.register_script(_FORGET)
        self._issuing: dict[str, list[Any]] = {}  # [lock, turns using it] per conversation
        super().__init__()

    def keys(self, sender_id: str) -> Keys:
        return conversation_keys(self._key, sender_id, self.prefix)

    @contextlib.asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = 0,
        wait_time_in_seconds: float = 0,
        *,
        wait_seconds: float | None = None,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock for the block; Rasa's lifetime and polling
        arguments are ignored (lease, renewal and polling are this store's own)."""
        keys = self.keys(conversation_id)
        current = INBOUND.get()
        turned = keys.turned(current.message_id) if current and current.message_id else None
        token = await self.acquire(keys, turned, wait_seconds=wait_seconds)
        keeper = asyncio.create_task(self._keep(keys, token), name="rapport-lock-lease")
        reset = FENCE.set(Fence(conversation_id, token, keys.fence, turned, self.dedupe))
        try:
            yield TicketLock(conversation_id)
        finally:
            FENCE.reset(reset)
            keeper.cancel()
            with contextlib.suppress(RedisError, OSError):
                await self._release(keys=[keys.holder], args=[token])

    async def acquire(
        self, keys: Keys, turned: str | None = None, *, wait_seconds: float | None = None
    ) -> int:
        """Wait in line for the lock; its fencing token. Raises ConversationBusy after
        `wait_seconds` (default: the store's) and DuplicateMessage when `turned` (a
        marker key) exists."""
        started = time.monotonic()
        wait = self.wait if wait_seconds is None else wait_seconds
        delay = 0.002
        args = [int(self.waiter * 1000), int(self.lease * 1000), int(max(self.waiter, self.lease) * 4000)]
        check = "1" if turned else ""
        redis_keys = [keys.tickets, keys.queue, keys.alive, keys.holder, keys.fence, turned or keys.fence]
        # the first take draws the ticket: in this process, in the order the turns came
        # (one conversation's takes in flight at once could reach Redis out of order)
        issuing = self._issuing.setdefault(keys.base, [asyncio.Lock(), 0])
        issuing[1] += 1
        try:
            async with issuing[0]:
                ticket, token = await self._take(keys=redis_keys, args=["", *args, check])
        finally:
            issuing[1] -= 1
            if not issuing[1]:
                del self._issuing[keys.base]
        while True:
            token = int(token)
            if token > 0:
                LOCK_WAIT_SECONDS.observe(time.monotonic() - started)
                return token
            if token == -2:
                TURNS.labels(channel_label(), DuplicateMessage.outcome).inc()
                event(logger, "lock.duplicate", channel=channel_label())
                raise DuplicateMessage("this message was already turned")
            if token == -1:
                ticket = ""  # dropped from the line (this process stalled): queue again
            if time.monotonic() - started > wait:
                with contextlib.suppress(RedisError, OSError):
                    await self._withdraw(keys=[keys.queue, keys.alive], args=[ticket])
                TURNS.labels(channel_label(), ConversationBusy.outcome).inc()
                event(logger, "lock.busy", logging.WARNING, channel=channel_label(), waited=round(wait, 1))
                raise ConversationBusy(f"the conversation stayed locked for {wait:.1f} s")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)
            ticket, token = await self._take(keys=redis_keys, args=[ticket, *args, check])

    async def _keep(self, keys: Keys, token: int) -> None:
        """Renew the lease every third of it, up to `max_hold` seconds."""
        until = time.monotonic() + self.max_hold
        while True:
            await asyncio.sleep(self.lease / 3)
            remaining = until - time.monotonic()
            if remaining <= 0:
                event(logger, "lock.max_hold", logging.WARNING, held=round(self.max_hold))
                return
            lease_ms = int(min(self.lease, remaining) * 1000) or 1
            try:
                kept = await self._renew(keys=[keys.holder], args=[token, lease_ms])
            except (RedisError, OSError):
                continue  # the lease may still run out; the save is fenced then
            if not kept:
                event(logger, "lock.lease_lost", logging.WARNING)
                return

    async def forget(self, sender_id: str) -> bool:
        """Delete a conversation's lock keys and turned markers (erasure), unless a turn
        holds or waits for it; whether they were deleted."""
        keys = self.keys(sender_id)
        if not await self._forget(keys=[keys.tickets, keys.queue, keys.alive, keys.holder, keys.fence]):
            return False
        pattern = keys.turned("x").rsplit(":", 1)[0] + ":*"
        markers = [k async for k in self.redis.scan_iter(match=pattern, count=1000)]
        if markers:
            await self.redis.delete(*markers)
        return True

    async def close(self) -> None:
        await self.redis.close()
