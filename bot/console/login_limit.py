"""The console's login limits, in Redis (shared by every console process).

Every login attempt is counted *before* its password is verified, in one Lua script
(atomic, so parallel attempts cannot all pass the check while the first ones are still
in argon2), against two limits:

- per client IP: at most `ip_max` attempts within `ip_window` seconds (a sorted set of
  attempt times in `rapport:console:login_failures:ip:<hmac of the address>`); the next
  one is refused until the oldest leaves the window;
- per account (credential stuffing comes from many addresses): the first
  `account_free` attempts on one username pass, then one attempt at a time after an
  exponential back-off of `account_base` · 2^k seconds, at most `account_cap` (a hash
  {n, next} in `rapport:console:login_failures:account:<hmac of the normalised
  username>`; the username itself is never stored). Refused attempts do not extend the
  back-off, so an account is locked at most `account_cap` seconds after the last
  attempt that was let through; the counter is forgotten `account_forget` seconds after
  it. Unknown usernames are counted and locked exactly like real ones, so neither the
  answer nor its timing says whether an account exists.

A refused attempt costs no verification and counts against neither limit. A successful
login takes its own attempt back from the IP's count (the other attempts stay: a
password that works must not clear an attacker's failures from the same address) and
forgets the account's counter (whoever logged in knows the password).

While Redis is down the limiter raises (RedisError/OSError) and the console answers
503 before any verification: unlike the guest channels (bot/inbox/ratelimit.py,
which fall back to a per-process budget because guests' messages must flow), the
console keeps its sessions in Redis, so no login could succeed anyway, and verifying
passwords without a limit would hand out an unlimited guessing oracle.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import redis.asyncio as aioredis

from bot.base.names import LOGIN_FAILURES

PREFIX = LOGIN_FAILURES  # tests clear every limit under this prefix

# KEYS[1]: the IP's sorted set, KEYS[2]: the account's hash.
# ARGV: now, ip_max, ip_window, attempt token, account_free, account_base, account_cap,
# account_forget. Returns 0 (go on and verify), 1 (IP limit) or 2 (account back-off).
ATTEMPT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 1 end
local next_at = tonumber(redis.call('HGET', KEYS[2], 'next') or '0')
if now < next_at then return 2 end
local n = redis.call('HINCRBY', KEYS[2], 'n', 1)
local free = tonumber(ARGV[5])
if n >= free then
  local wait = math.min(tonumber(ARGV[6]) * 2 ^ (n - free), tonumber(ARGV[7]))
  redis.call('HSET', KEYS[2], 'next', string.format('%.3f', now + wait))
end
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[8]))
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], window)
return 0
"""

Refusal = Literal["ip", "account"]


@dataclass(frozen=True)
class Attempt:
    """One counted login attempt; `refused` says which limit stopped it (None: verify)."""

    ip_key: str
    account_key: str
    token: str
    refused: Refusal | None


class LoginLimiter:
    def __init__(
        self,
        redis: aioredis.Redis,
        key: bytes,
        *,
        ip_max: int = 5,
        ip_window: int = 300,
        account_free: int = 10,
        account_base: float = 30.0,
        account_cap: float = 900.0,
        account_forget: int = 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if min(ip_max, ip_window, account_free) < 1 or not 0 < account_base <= account_cap < account_forget:
            raise ValueError("limits must be positive and account_base <= account_cap < account_forget")
        self.redis = redis
        self.key = key
        self.ip_max = ip_max
        self.ip_window = ip_window
        self.account_free = account_free
        self.account_base = account_base
        self.account_cap = account_cap
        self.account_forget = account_forget
        self.clock = clock
        self._script: Any = None

    def _hmac(self, kind: str, value: str) -> str:
        digest = hmac.new(self.key, f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()[:32]
        return f"{PREFIX}{kind}:{digest}"

    def ip_key(self, ip: str) -> str:
        return self._hmac("ip", ip)

    def account_key(self, username: str) -> str:
        """Keyed by the username as the staff store normalises it (strip, lower case)."""
        return self._hmac("account", username.strip().lower())

    async def attempt(self, ip: str, username: str) -> Attempt:
        """Count an attempt from `ip` on `username` (atomically, before verifying)."""
        if self._script is None:
            self._script = self.redis.register_script(ATTEMPT)
        ip_key, account_key, token = self.ip_key(ip), self.account_key(username), secrets.token_hex(8)
        args = [
            repr(self.clock()),
            self.ip_max,
            self.ip_window,
            token,
            self.account_free,
            repr(float(self.account_base)),
            repr(float(self.account_cap)),
            self.account_forget,
        ]
        code = int(await self._script(keys=[ip_key, account_key], args=args))
        refused: Refusal | None = {0: None, 1: "ip", 2: "account"}[code]
        return Attempt(ip_key, account_key, token, refused)

    async def succeeded(self, attempt: Attempt) -> None:
        """The password was right: this attempt no longer counts for its IP, and the
        account's back-off is forgotten."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(attempt.ip_key, attempt.token)
            pipe.delete(attempt.account_key)
            await pipe.execute()
