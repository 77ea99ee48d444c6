"""The console's login limits (bot/console/login_limit.py) against a real embedded
Valkey, with a test clock: counted before verifying (parallel attempts cannot pass
together), per IP and per account, exponential back-off that ends, never a permanent
lock, and no usable address or username in Redis."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.console.login_limit import PREFIX, LoginLimiter
from tests.bot.rasa.test_tracker_store import redis_server  # noqa: F401  (fixture)
from tests.conftest import free_port


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
async def client(redis_server):  # noqa: F811  (the imported fixture)
    r = aioredis.from_url(redis_server.settings.effective_redis_url.value)
    yield r
    await r.close()


def limiter(client: aioredis.Redis, clock: Clock, **kwargs) -> LoginLimiter:
    return LoginLimiter(client, b"k" * 32, clock=clock, **kwargs)


async def test_parallel_attempts_from_one_ip_pass_only_up_to_the_limit(client):
    lim = limiter(client, Clock())
    attempts = await asyncio.gather(*(lim.attempt("203.0.113.9", f"user{i}") for i in range(30)))
    assert [a.refused for a in attempts].count(None) == 5
    assert {a.refused for a in attempts} == {None, "ip"}
    assert (await lim.attempt("198.51.100.1", "user0")).refused is None  # another IP


async def test_ip_window_slides(client):
    clock = Clock()
    lim = limiter(client, clock)
    for _ in range(5):
        assert (await lim.attempt("203.0.113.9", "alice")).refused is None
        clock.now += 10
    assert (await lim.attempt("203.0.113.9", "alice")).refused == "ip"
    clock.now += 300 - 50 + 1  # the first attempt has left the window, the others not
    assert (await lim.attempt("203.0.113.9", "alice")).refused is None
    assert (await lim.attempt("203.0.113.9", "alice")).refused == "ip"


async def test_parallel_attempts_on_one_account_from_many_ips_pass_only_the_free_ones(client):
    lim = limiter(client, Clock())
    attempts = await asyncio.gather(*(lim.attempt(f"203.0.113.{i}", "alice") for i in range(40)))
    assert [a.refused for a in attempts].count(None) == 10
    assert {a.refused for a in attempts} == {None, "account"}
    # the username is normalised like the staff store does; another account is untouched
    assert (await lim.attempt("198.51.100.1", "  ALICE ")).refused == "account"
    assert (await lim.attempt("198.51.100.1", "bob")).refused is None


async def test_account_back_off_doubles_then_caps_and_then_lets_the_user_in(client):
    clock = Clock()
    lim = limiter(client, clock, account_free=3, account_base=30, account_cap=240)
    ips = (f"192.0.2.{i}" for i in range(1000))
    for _ in range(3):
        assert (await lim.attempt(next(ips), "alice")).refused is None
    waits = []
    for _ in range(6):  # an attacker who tries again the moment each back-off ends
        wait = 0
        while (await lim.attempt(next(ips), "alice")).refused == "account":
            clock.now += 1
            wait += 1
        waits.append(wait)
    assert waits == [30, 60, 120, 240, 240, 240]  # never more than the cap
    # the attacker stops: at most the cap later the real user's attempt is verified
    clock.now += 240
    real = await lim.attempt(next(ips), "alice")
    assert real.refused is None
    await lim.succeeded(real)  # the right password: the back-off is forgotten
    assert [(await lim.attempt(next(ips), "alice")).refused for _ in range(4)] == [None] * 3 + ["account"]


async def test_refused_attempts_do_not_extend_the_back_off(client):
    clock = Clock()
    lim = limiter(client, clock, account_free=2, account_base=60, account_cap=600)
    for i in range(2):
        assert (await lim.attempt(f"192.0.2.{i}", "alice")).refused is None
    for i in range(500):  # hammering during the back-off changes nothing
        assert (await lim.attempt(f"198.51.100.{i % 250}", "alice")).refused == "account"
    clock.now += 60
    assert (await lim.attempt("203.0.113.1", "alice")).refused is None


async def test_a_successful_login_takes_back_only_its_own_attempt_from_the_ip(client):
    clock = Clock()
    lim = limiter(client, clock)
    for _ in range(4):
        assert (await lim.attempt("203.0.113.9", "mallory-guess")).refused is None
    ok = await lim.attempt("203.0.113.9", "alice")
    assert ok.refused is None
    assert (await lim.attempt("203.0.113.9", "alice")).refused == "ip"  # 5 counted while in flight
    await lim.succeeded(ok)
    assert (await lim.attempt("203.0.113.9", "alice")).refused is None  # its own slot came back
    assert (await lim.attempt("203.0.113.9", "alice")).refused == "ip"  # the 4 failures stay


async def test_redis_holds_keyed_hashes_that_expire(client):
    lim = limiter(client, Clock())
    await lim.attempt("203.0.113.9", "alice")
    keys = sorted(k.decode() for k in await client.keys(PREFIX + "*"))
    assert len(keys) == 2 and all(k.startswith(PREFIX) for k in keys)
    assert not any("203.0.113.9" in k or "alice" in k for k in keys)
    raw = b"".join([await client.dump(k) for k in keys])
    assert b"alice" not in raw and b"203.0.113.9" not in raw
    assert all(0 < ttl <= 3600 for ttl in [await client.ttl(k) for k in keys])
    other = LoginLimiter(client, b"j" * 32)  # another installation's key: other names
    assert other.account_key("alice") != lim.account_key("alice")


async def test_without_redis_the_limiter_raises_it_never_lets_an_attempt_through():
    """Fail closed: the console answers 503 (ConsoleErrors) and verifies nothing."""
    dead = aioredis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.5)
    try:
        with pytest.raises((RedisConnectionError, OSError)):
            await LoginLimiter(dead, b"k" * 32).attempt("203.0.113.9", "alice")
    finally:
        await dead.close()


def test_limits_are_checked():
    with pytest.raises(ValueError):
        LoginLimiter(None, b"k", account_base=60, account_cap=30)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        LoginLimiter(None, b"k", account_cap=3600, account_forget=3600)  # type: ignore[arg-type]
