"""A small token-bucket rate limiter: pure, with an injectable clock.

Each key (a socket id, a client IP) has a bucket of `burst` tokens that refills at
`rate` tokens per second; `allow(key)` takes one token or says no. Buckets live in
memory, per process, and idle ones are dropped once there are more than `max_keys`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Mapping

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


__all__ = ["RateLimiter", "client_ip"]
