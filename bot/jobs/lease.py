"""A lease in Redis: one holder at a time for work nothing else claims atomically.

    take     SET <key> <token> NX PX <ttl>                        only if nobody holds it
    renew    if GET key == token then PEXPIRE key <ttl>           (Lua: compare, then act)
    release  if GET key == token then DEL key                     (Lua)
    settle   if GET key == token then SET key <outcome> PX <keep> (Lua: the key stays, as
             a record that the work is done or failed, until `keep` runs out)

The token is random per take, so a holder whose lease ran out and was taken by another
never renews, releases or settles the other's. `hold(work)` renews every ttl/3 while the
work runs and cancels the work when a renewal fails (the lease is lost, or Redis does
not answer): the work stops at its next await instead of running beside a new holder.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Awaitable
from typing import Any, TypeVar

T = TypeVar("T")

RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
SETTLE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
"""


class LeaseLost(Exception):
    """The lease ran out or was taken by another holder while the work ran."""


class Lease:
    def __init__(self, redis: Any, key: str, ttl: float = 60.0) -> None:
        """`redis`: a redis.asyncio client; `ttl`: seconds the lease lasts unless renewed."""
        self.redis = redis
        self.key = key
        self.ttl_ms = max(1, round(ttl * 1000))
        self.token = "t_" + secrets.token_hex(16)

    async def take(self) -> bool:
        return bool(await self.redis.set(self.key, self.token, nx=True, px=self.ttl_ms))

    async def renew(self) -> bool:
        return bool(await self.redis.eval(RENEW, 1, self.key, self.token, self.ttl_ms))

    async def release(self) -> bool:
        return bool(await self.redis.eval(RELEASE, 1, self.key, self.token))

    async def settle(self, outcome: str, keep: float) -> bool:
        """Replace the lease by `outcome` for `keep` seconds (nobody can take it then)."""
        keep_ms = max(1, round(keep * 1000))
        return bool(await self.redis.eval(SETTLE, 1, self.key, self.token, outcome, keep_ms))

    async def hold(self, work: Awaitable[T]) -> T:
        """Run `work` while renewing the lease; LeaseLost (and `work` cancelled) when a
        renewal fails."""
        task = asyncio.ensure_future(work)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.ttl_ms / 3000)
                if done:
                    return task.result()
                try:
                    renewed = await self.renew()
                except Exception:  # noqa: BLE001 - unanswered: another may take it once it runs out
                    renewed = False
                if not renewed:
                    raise LeaseLost(self.key)
        finally:  # lost, or the caller was cancelled: the work stops too
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
