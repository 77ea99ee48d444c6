"""Token-bucket rate limits: in process memory, or shared by every process through Redis.

`RateLimiter`: each key (a socket id, a client IP) has a bucket of `burst` tokens that
refills at `rate` tokens per second; `allow(key)` takes one token or says no. Pure, with
an injectable clock; buckets live in memory, per process, and idle ones are dropped
once there are more than `max_keys`. Right for per-socket limits (a socket lives in
one process).

`SharedRateLimiter`: the same bucket, kept in Redis, so that N Sanic workers (or
replicas) share one budget per client IP instead of having N. One Lua script per
decision (atomic, no read-modify-write race between workers) implements GCRA, the
token bucket stored as one number per key, the "theoretical arrival time": the
moment the bucket would be full again. It reads Redis's own clock (`TIME`), so the
workers' clocks need not agree, and the key expires when the bucket is full again.
Keys are HMACs of the client address, never the address itself.

If Redis is unavailable (down, timing out) the decision is taken by an in-process
`RateLimiter` of the same rate and burst instead, an event is logged
(`ratelimit.redis.unavailable`, once per outage) and Redis is not asked again for
`retry_after` seconds (so a dead Redis costs one timeout per 5 s, not one per message).
The limit then holds per process: with N workers a client gets up to N times the
budget until Redis is back (`ratelimit.redis.restored`). Never an exception to the
caller.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.base.logs import event
from bot.base.names import REDIS_PREFIX

logger = logging.getLogger(__name__)

Clock = Callable[[], float]


class RateLimiter:
    def __init__(
        self, rate: float, burst: float, *, clock: Clock = time.monotonic, max_keys: int = 100_000
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = float(burst)
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[Hashable, tuple[float, float]] = {}  # key -> (tokens, at)

    @classmethod
    def per(cls, count: int, seconds: float, *, burst: int | None = None, **kwargs) -> "RateLimiter":
        """`count` events per `seconds`, bursts of up to `burst` (default: `count`)."""
        return cls(count / seconds, count if burst is None else burst, **kwargs)

    def _tokens(self, key: Hashable, now: float) -> float:
        tokens, at = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + max(0.0, now - at) * self.rate)

    def allow(self, key: Hashable) -> bool:
        now = self.clock()
        tokens = self._tokens(key, now)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > self.max_keys:
            self._prune(now)
        return allowed

    def forget(self, key: Hashable) -> None:
        self._buckets.pop(key, None)

    def _prune(self, now: float) -> None:
        """Drop full buckets (same as no bucket); if still too many, the oldest."""
        for key in [k for k in self._buckets if self._tokens(k, now) >= self.burst]:
            del self._buckets[key]
        if len(self._buckets) > self.max_keys:
            by_age = sorted(self._buckets, key=lambda k: self._buckets[k][1])
            for key in by_age[: len(self._buckets) - self.max_keys]:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


# GCRA. KEYS[1]: the bucket; ARGV[1]: microseconds per token; ARGV[2]: burst.
# The stored value is the instant (µs, Redis clock) at which the bucket is full again;
# allowing one more event moves it one interval later, unless that is more than
# `burst` intervals ahead of now. Whole microseconds keep the arithmetic exact.
GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local new_tat = tat + interval
if new_tat - now > interval * tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return 1
"""

REDIS_ERRORS = (RedisError, OSError)


def limits_redis(url: str) -> aioredis.Redis:
    """A client for rate limits: short timeouts, one quick retry on a dropped
    connection (a restarted Redis leaves dead pooled connections), then give up: a
    limit check must not hold a guest's message for seconds."""
    return aioredis.from_url(
        url,
        socket_timeout=0.5,
        socket_connect_timeout=0.5,
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), retries=1),
        retry_on_error=[RedisConnectionError, RedisTimeoutError, ConnectionResetError],
    )


class SharedRateLimiter:
    """`rate` events per second per key, bursts of `burst`, one budget for all processes."""

    def __init__(
        self,
        redis: Callable[[], aioredis.Redis],
        name: str,
        rate: float,
        burst: float,
        *,
        secret: bytes,
        prefix: str = REDIS_PREFIX,
        retry_after: float = 5.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.fallback = RateLimiter(rate, burst, clock=clock)  # validates rate and burst
        self.redis = redis
        self.name = name
        self.interval_us = max(1, round(1_000_000 / rate))
        self.burst = int(burst)
        self.secret = secret
        self.prefix = f"{prefix}:ratelimit:{name}:"
        self.retry_after = retry_after
        self.clock = clock
        self._down_until: float | None = None  # set while Redis is considered unavailable
        self._script: tuple[aioredis.Redis, Any] | None = None  # (client, its GCRA script)

    @classmethod
    def per(
        cls, redis: Callable[[], aioredis.Redis], name: str, count: int, seconds: float, **kwargs
    ) -> "SharedRateLimiter":
        """`count` events per `seconds`, bursts of up to `count`."""
        return cls(redis, name, count / seconds, count, **kwargs)

    def key(self, key: str) -> str:
        return self.prefix + hmac.new(self.secret, key.encode(), hashlib.sha256).hexdigest()[:32]

    def _gcra(self) -> Any:
        """The script, sent by its SHA (EVALSHA; loaded again after a Redis restart)."""
        client = self.redis()
        if self._script is None or self._script[0] is not client:
            self._script = (client, client.register_script(GCRA))
        return self._script[1]

    async def allow(self, key: str) -> bool:
        if self._down_until is not None and self.clock() < self._down_until:
            return self.fallback.allow(key)
        try:
            allowed = await self._gcra()(keys=[self.key(key)], args=[self.interval_us, self.burst])
        except REDIS_ERRORS as e:
            if self._down_until is None:
                event(
                    logger,
                    "ratelimit.redis.unavailable",
                    logging.ERROR,
                    limit=self.name,
                    error=type(e).__name__,
                )
            self._down_until = self.clock() + self.retry_after
            return self.fallback.allow(key)
        if self._down_until is not None:
            event(logger, "ratelimit.redis.restored", logging.WARNING, limit=self.name)
            self._down_until = None
        return bool(allowed)


def client_ip(environ: Mapping[str, object], trust_proxy: bool = False) -> str:
    """The client address of a socket.io connection. python-engineio's Sanic driver
    always sets REMOTE_ADDR to 127.0.0.1, so the Sanic request's peer address is taken
    when present. Behind a trusted proxy: the first X-Forwarded-For hop."""
    if trust_proxy:
        forwarded = environ.get("HTTP_X_FORWARDED_FOR")
        if isinstance(forwarded, str) and forwarded.split(",")[0].strip():
            return forwarded.split(",")[0].strip()
    request = environ.get("sanic.request")
    ip = getattr(request, "ip", None)
    if isinstance(ip, str) and ip:
        return ip
    remote = environ.get("REMOTE_ADDR")
    return remote if isinstance(remote, str) and remote else "unknown"


__all__ = ["RateLimiter", "SharedRateLimiter", "client_ip", "limits_redis"]
