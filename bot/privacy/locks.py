"""Holding a guest's conversations still while they are erased.

Rasa serialises the turns of one conversation with its lock store (endpoints.yml
`lock_store: redis`, keys `rapport:lock:<sender id>`): a turn takes a ticket and runs
when its ticket is served, and everything the turn writes — the action server's
MongoDB writes and the tracker — happens while it holds the lock. The erasure takes a
ticket in the same lock for each of the guest's sender ids (Rasa's own
`RedisLockStore`, so the format and the queueing are Rasa's), so:

- a turn already running finishes, and its writes land, before anything is deleted;
- a turn arriving during the erasure waits, and starts afterwards on an empty tracker
  (it is a new message of the guest: new data, which a later request covers).

Locks are taken in sorted order, and a turn holds one sender's lock only, so this
cannot deadlock. If a lock is not obtained within `wait` seconds (a turn stuck in a
crashed process holds it until its ticket expires, 60 s by default),
`ConversationBusy` is raised and nothing is erased; the DSR worker retries later.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Iterable

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from redis.connection import parse_url

from bot.base.errors import RapportError
from bot.base.names import REDIS_PREFIX


class ConversationBusy(RapportError):
    """A conversation of the guest stayed locked by a running turn."""


def lock_store(redis_url: str) -> RedisLockStore:
    """Rasa's Redis lock store for the same server and prefix as the Rasa processes."""
    options = parse_url(redis_url)
    return RedisLockStore(
        host=options.get("host", "localhost"),
        port=int(options.get("port", 6379)),
        db=int(options.get("db", 0)),
        username=options.get("username"),
        password=options.get("password"),
        key_prefix=REDIS_PREFIX,
        socket_timeout=5,
    )


def live(raw: str | None) -> bool:
    """Whether a stored lock still has an unexpired ticket (a turn runs or waits)."""
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
    store: RedisLockStore, sender_ids: Iterable[str], *, wait: float = 30.0, poll: float = 0.05
) -> AsyncIterator[None]:
    """Hold the Rasa lock of every sender id (in sorted order) for the block.

    Rasa's lock store is synchronous; its calls are single loopback round trips, run
    in a thread so the console's event loop never blocks on them."""
    held: list[tuple[str, int]] = []
    try:
        for sender in sorted(set(sender_ids)):
            ticket = await asyncio.to_thread(store.issue_ticket, sender, max(LOCK_LIFETIME, wait + 30))
            held.append((sender, ticket))
            deadline = time.monotonic() + wait
            while True:
                lock = await asyncio.to_thread(store.get_lock, sender)
                if lock is None or not lock.is_locked(ticket):
                    break
                if time.monotonic() > deadline:
                    raise ConversationBusy("a conversation of the guest stayed locked by a running turn")
                await asyncio.sleep(poll)
                await asyncio.to_thread(store.update_lock, sender)
        yield
    finally:
        for sender, ticket in reversed(held):
            with contextlib.suppress(Exception):  # an unreachable Redis: the ticket expires
                await asyncio.to_thread(store.cleanup, sender, ticket)
