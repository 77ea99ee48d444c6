"""The token-bucket rate limiters (in memory; shared through a real embedded Valkey)
and the client address of a socket."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest

from bot.inbox.ratelimit import RateLimiter, SharedRateLimiter, client_ip, limits_redis
from tests.bot.rasa.test_tracker_store import redis_server  # noqa: F401  (fixture)
from tests.conftest import free_port


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refused_then_refilled():
    clock = Clock()
    limiter = RateLimiter.per(5, 10, clock=clock)  # 5 per 10 s, burst 5
    assert [limiter.allow("s") for _ in range(8)] == [True] * 5 + [False] * 3
    clock.now += 1.9
    assert not limiter.allow("s")
    clock.now += 0.2  # 2.1 s: one token back
    assert limiter.allow("s") and not limiter.allow("s")
    clock.now += 100  # refills to the burst, not beyond
    assert [limiter.allow("s") for _ in range(6)] == [True] * 5 + [False]


def test_refused_attempts_do_not_use_tokens():
    clock = Clock()
    limiter = RateLimiter.per(1, 1, clock=clock)
    assert limiter.allow("k")
    for _ in range(50):
        clock.now += 0.01
        assert not limiter.allow("k")
    clock.now += 0.6
    assert limiter.allow("k")


def test_keys_are_independent():
    clock = Clock()
    limiter = RateLimiter.per(60, 60, clock=clock)
    assert all(limiter.allow("1.2.3.4") for _ in range(60))
    assert not limiter.allow("1.2.3.4")
    assert limiter.allow("5.6.7.8")


def test_burst_can_differ_from_the_rate():
    clock = Clock()
    limiter = RateLimiter.per(30, 60, burst=2, clock=clock)
    assert [limiter.allow("k") for _ in range(3)] == [True, True, False]
    clock.now += 2
    assert limiter.allow("k") and not limiter.allow("k")


def test_forget_and_pruning_bound_the_memory():
    clock = Clock()
    limiter = RateLimiter.per(1, 1, burst=2, clock=clock, max_keys=10)
    for i in range(10):
        limiter.allow(i)
    limiter.forget(0)
    assert len(limiter) == 9
    clock.now += 10  # all buckets full again: pruned at the next insert beyond the limit
    limiter.allow("a")
    limiter.allow("b")
    assert len(limiter) <= 10
    for i in range(100):  # none refilled: the oldest go
        limiter.allow(f"x{i}")
    assert len(limiter) <= 10


@pytest.mark.parametrize("rate, burst", [(0, 1), (-1, 1), (1, 0)])
def test_bad_parameters(rate, burst):
    with pytest.raises(ValueError):
        RateLimiter(rate, burst)


def test_client_ip():
    request = SimpleNamespace(ip="203.0.113.9")
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "sanic.request": request,
        "HTTP_X_FORWARDED_FOR": "1.1.1.1, 2.2.2.2",
    }
    assert client_ip(environ) == "203.0.113.9"  # the forwarded header is not trusted by default
    assert client_ip(environ, trust_proxy=True) == "1.1.1.1"
    assert client_ip({"REMOTE_ADDR": "10.0.0.1"}) == "10.0.0.1"
    assert client_ip({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": " "}, trust_proxy=True) == "10.0.0.1"
    assert client_ip({}) == "unknown"


def test_webchat_settings(tmp_path):
    from bot.base.errors import ConfigError
    from bot.base.settings import Settings

    base = {"RAPPORT_DATA_DIR": str(tmp_path)}
    s = Settings.from_env(base)
    assert s.webchat_origins == () and s.webchat_trust_proxy is False and s.webchat_token_days == 30
    assert (s.webchat_socket_messages_per_10s, s.webchat_ip_messages_per_min) == (5, 60)
    assert s.webchat_ip_connects_per_min == 30 and s.webchat_ip_sessions_per_min == 30
    s = Settings.from_env(
        {
            **base,
            "RAPPORT_WEBCHAT_ORIGINS": " https://Hotel.example/ ,http://127.0.0.1:8000,",
            "RAPPORT_WEBCHAT_TRUST_PROXY": "true",
            "RAPPORT_WEBCHAT_TOKEN_DAYS": "7",
        }
    )
    assert s.webchat_origins == ("https://hotel.example", "http://127.0.0.1:8000")
    assert s.webchat_trust_proxy is True and s.webchat_token_days == 7
    for name, value in [
        ("RAPPORT_WEBCHAT_ORIGINS", "*"),
        ("RAPPORT_WEBCHAT_ORIGINS", "hotel.example"),
        ("RAPPORT_WEBCHAT_ORIGINS", "https://hotel.example/path"),
        ("RAPPORT_WEBCHAT_TRUST_PROXY", "maybe"),
        ("RAPPORT_WEBCHAT_TOKEN_DAYS", "0"),
        ("RAPPORT_WEBCHAT_IP_CONNECTS_PER_MIN", "-1"),
    ]:
        with pytest.raises(ConfigError):
            Settings.from_env({**base, name: value})


# --- shared through Redis ----------------------------------------------------------------


@pytest.fixture()
def redis_url(redis_server) -> str:  # noqa: F811  (the imported fixture)
    """A real embedded Valkey (the tracker store tests' fixture)."""
    return redis_server.settings.effective_redis_url.value


class Worker:
    """One Sanic worker's view: its own Redis client and its own limiter."""

    def __init__(self, url: str, count: int, seconds: float, **kwargs) -> None:
        self.client = limits_redis(url)
        self.limiter = SharedRateLimiter.per(
            lambda: self.client, "test", count, seconds, secret=b"k", **kwargs
        )

    async def allow(self, key: str) -> bool:
        return await self.limiter.allow(key)

    async def close(self) -> None:
        await self.client.close()


async def test_two_workers_share_one_budget_per_ip(redis_url):
    a, b = Worker(redis_url, 6, 60), Worker(redis_url, 6, 60)
    try:
        results = [await (a if i % 2 else b).allow("203.0.113.9") for i in range(10)]
        assert results == [True] * 6 + [False] * 4  # 6 in all, not 6 each
        assert not await a.allow("203.0.113.9") and not await b.allow("203.0.113.9")
        assert await a.allow("198.51.100.1")  # another IP has its own budget
    finally:
        await a.close()
        await b.close()


async def test_concurrent_requests_from_two_workers_never_exceed_the_budget(redis_url):
    a, b = Worker(redis_url, 10, 60), Worker(redis_url, 10, 60)
    try:
        results = await asyncio.gather(*((a if i % 2 else b).allow("ip") for i in range(60)))
        assert sum(results) == 10
    finally:
        await a.close()
        await b.close()


async def test_shared_budget_refills_at_the_rate(redis_url):
    a, b = Worker(redis_url, 4, 1), Worker(redis_url, 4, 1)  # 4 per second, burst 4
    try:
        assert [await a.allow("ip") for _ in range(5)] == [True] * 4 + [False]
        await asyncio.sleep(0.3)  # one token back (0.25 s each), not two
        assert await b.allow("ip") and not await a.allow("ip")
    finally:
        await a.close()
        await b.close()


async def test_redis_keys_are_hmacs_that_expire(redis_url):
    a = Worker(redis_url, 60, 60)
    try:
        await a.allow("203.0.113.9")
        keys = [k.decode() for k in await a.client.keys("*")]
        assert len(keys) == 1 and keys[0].startswith("rapport:ratelimit:test:")
        assert "203.0.113.9" not in keys[0]
        assert 0 < await a.client.pttl(keys[0]) <= 1000  # full again after one token's time
    finally:
        await a.close()


async def test_without_redis_the_process_limit_applies_and_one_event_is_logged(redis_url, caplog):
    """Redis down: no exception, the in-process budget decides, one event per outage;
    Redis is not asked again for `retry_after` seconds; when it is back, it decides."""
    clock = Clock()
    dead = limits_redis(f"redis://127.0.0.1:{free_port()}/0")
    live = limits_redis(redis_url)
    current = [dead]
    calls = []

    def client():
        calls.append(current[0])
        return current[0]

    limiter = SharedRateLimiter.per(client, "test", 3, 60, secret=b"k", clock=clock, retry_after=5)
    try:
        with caplog.at_level(logging.INFO, logger="bot.inbox.ratelimit"):
            assert [await limiter.allow("ip") for _ in range(5)] == [True] * 3 + [False] * 2
            assert len(calls) == 1  # asked once, then not again within retry_after
            events = [r.getMessage() for r in caplog.records]
            assert events == ["ratelimit.redis.unavailable error=ConnectionError limit=test"]

            current[0] = live
            clock.now += 4
            assert not await limiter.allow("ip") and len(calls) == 1  # still the fallback
            clock.now += 2
            assert await limiter.allow("ip")  # Redis again: a fresh shared bucket
            assert [r.getMessage() for r in caplog.records][1:] == ["ratelimit.redis.restored limit=test"]
            assert [k.decode() for k in await live.keys("*")] == [limiter.key("ip")]
    finally:
        await dead.close()
        await live.close()
