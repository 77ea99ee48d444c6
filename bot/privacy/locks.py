"""Holding a guest's conversations still while they are erased.

Rasa serialises the turns of one conversation with the lock store
(bot/rasa/lock_store.py, `RapportLockStore`: FIFO tickets, a fencing token per holder,
keys `rapport:lock:<tenant>:<HMAC of the sender id>:*`). Everything a turn writes —
the action server's MongoDB writes and the tracker — happens while it holds the lock.
The erasure takes the same lock for each of the guest's sender ids, so:

- a turn already running finishes, and its writes land, before anything is deleted;
- a turn arriving during the erasure waits, and starts afterwards on an empty tracker
  (it is a new message of the guest: new data, which a later request covers).
- a turn whose holder stalled past its lease while the erasure deleted its tracker
  cannot write it back: its token is no longer the conversation's latest (fenced).

Locks are taken in sorted order, and a turn holds one sender's lock only, so this
cannot deadlock. If a lock is not obtained within `wait` seconds (a turn of a live
process holds it; a dead process's lock frees within one lease, 10 s),
`ConversationBusy` is raised and nothing is erased; the DSR worker retries later.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Iterable

from rasa.core.lock import TicketLock
from redis.connection import parse_url

from bot.base.errors import RapportError
from bot.base.names import REDIS_PREFIX
from bot.rasa import lock_store as conversation_locks
from bot.rasa.lock_store import RapportLockStore


class ConversationBusy(RapportError):
    """A conversation of the guest stayed locked by a running turn."""


def lock_store(redis_url: str, guest_key: str) -> RapportLockStore:
    """The Rasa processes' lock store, for the same server, prefix and guest key."""
    options = parse_url(redis_url)
    return RapportLockStore(
        host=options.get("host", "localhost"),
        port=int(options.get("port", 6379)),
        db=int(options.get("db", 0)),
        password=options.get("password"),
        key_prefix=REDIS_PREFIX,
        guest_key=guest_key,
    )


def live(raw: str | None) -> bool:
    """Whether a lock left by Rasa's own RedisLockStore (`rapport:lock:<sender id>`,
    before bot/rasa/lock_store.py) still has an unexpired ticket."""
    if not raw:
        return False
    try:
        lock = TicketLock.from_dict(json.loads(raw))
    except (ValueError, KeyError, TypeError, AttributeError):
        return False
    lock.remove_expired_tickets()
    return bool(lock.tickets)


@contextlib.asynccontextmanager
async def holding(
    store: RapportLockStore, sender_ids: Iterable[str], *, wait: float = 30.0
) -> AsyncIterator[None]:
    """Hold the conversation lock of every sender id (in sorted order) for the block;
    afterwards delete their lock keys and turned markers unless a turn took them."""
    senders = sorted(set(sender_ids))
    async with contextlib.AsyncExitStack() as held:
        for sender in senders:
            try:
                await held.enter_async_context(store.lock(sender, wait_seconds=wait))
            except conversation_locks.ConversationBusy:
                raise ConversationBusy(
                    "a conversation of the guest stayed locked by a running turn"
                ) from None
        yield
    # released: the lock keys and turned markers carry the conversation's keyed digest
    for sender in senders:
        with contextlib.suppress(Exception):  # a turn arrived meanwhile: the scan reports it
            await store.forget(sender)
