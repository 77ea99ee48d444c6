"""The token-bucket rate limiter and the client address of a socket."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.channels.ratelimit import RateLimiter, client_ip


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
    from bot.errors import ConfigError
    from bot.settings import Settings

    base = {"RAPPORT_DATA_DIR": str(tmp_path)}
    s = Settings.from_env(base)
    assert s.webchat_origins == () and s.webchat_trust_proxy is False and s.webchat_token_days == 30
    assert (s.webchat_socket_messages_per_10s, s.webchat_ip_messages_per_min) == (5, 60)
    assert s.webchat_ip_connects_per_min == 30
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
