"""Console sessions, in Redis (shared by every console process; the login limits are
in bot/console/login_limit.py).

A session id is 256 random bits (43 url-safe characters), sent only in the session
cookie; Redis holds it under the SHA-256 of the id (a copy of Redis's data does not
hold usable ids):

    rapport:console:session:<sha256 hex>  hash {staff, csrf, created, epoch}

Each use moves the key's expiry to min(idle, absolute - age): 8 h after the last use,
24 h after login at most. Login always makes a new session (the old one, if the
browser had one, is deleted), so an id planted before login is worthless after it.
Tenant offboarding ends every session of the accounts it deletes (`end_all_of`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass

import redis.asyncio as aioredis

from bot.base.names import CONSOLE_SESSION

SESSION_PREFIX = CONSOLE_SESSION
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")
IDLE_SECONDS = 8 * 3600
ABSOLUTE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Session:
    id: str
    staff_id: str
    csrf: str
    created: float
    epoch: int


def session_key(session_id: str) -> str:
    return SESSION_PREFIX + hashlib.sha256(session_id.encode()).hexdigest()


class SessionStore:
    def __init__(
        self,
        redis: aioredis.Redis,
        *,
        idle: int = IDLE_SECONDS,
        absolute: int = ABSOLUTE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.redis = redis
        self.idle = idle
        self.absolute = absolute
        self.clock = clock

    async def create(self, staff_id: str, epoch: int) -> Session:
        session = Session(
            id=secrets.token_urlsafe(32),
            staff_id=staff_id,
            csrf=secrets.token_urlsafe(32),
            created=self.clock(),
            epoch=epoch,
        )
        key = session_key(session.id)
        fields = {"staff": staff_id, "csrf": session.csrf, "created": repr(session.created), "epoch": epoch}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)
            pipe.expire(key, self.idle)
            await pipe.execute()
        return session

    async def get(self, session_id: str | None) -> Session | None:
        """The live session with this id (and its idle expiry renewed), or None."""
        if not session_id or not SESSION_ID.fullmatch(session_id):
            return None
        key = session_key(session_id)
        raw = await self.redis.hgetall(key)
        if not raw:
            return None
        try:
            data = {k.decode(): v.decode() for k, v in raw.items()}
            session = Session(
                session_id, data["staff"], data["csrf"], float(data["created"]), int(data["epoch"])
            )
        except (KeyError, ValueError, UnicodeDecodeError):
            await self.redis.delete(key)
            return None
        left = self.absolute - (self.clock() - session.created)
        if left <= 0:
            await self.redis.delete(key)
            return None
        await self.redis.expire(key, int(min(self.idle, left)) or 1)
        return session

    async def delete(self, session_id: str | None) -> None:
        if session_id and SESSION_ID.fullmatch(session_id):
            await self.redis.delete(session_key(session_id))

    async def keys_of(self, staff_ids: Iterable[str]) -> AsyncIterator[str]:
        """The Redis keys of every session of these staff members (found by the
        session's `staff` field; a key holds no usable session id)."""
        wanted = set(staff_ids)
        if not wanted:
            return
        async for key in self.redis.scan_iter(match=SESSION_PREFIX + "*", count=1000):
            staff = await self.redis.hget(key, "staff")
            if (staff.decode("utf-8", "replace") if isinstance(staff, bytes) else staff) in wanted:
                yield key.decode() if isinstance(key, bytes) else key

    async def end_all_of(self, staff_ids: Iterable[str]) -> int:
        """Delete every session of these staff members (their accounts are being
        deleted); how many were deleted."""
        return sum([int(await self.redis.delete(key)) async for key in self.keys_of(staff_ids)])
