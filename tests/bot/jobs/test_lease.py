"""The Redis lease and the once-per-period claim (bot/jobs/lease.py, periodic.py) against
a real embedded Valkey: one holder at a time, only the holder renews, releases or
settles, a lost lease stops the work, and a period's work runs once however many
processes try, with failures retried and a holder that stops leaving it to another."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis

from bot.base.errors import ConfigError
from bot.base.settings import Settings
from bot.jobs.lease import Lease, LeaseLost
from bot.jobs.periodic import RETRY_AFTER, Periodic
from tests.bot.rasa.test_tracker_store import redis_server  # noqa: F401  (fixture)


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
async def client(redis_server):  # noqa: F811  (the imported fixture)
    r = aioredis.from_url(redis_server.settings.effective_redis_url.value)
    yield r
    await r.close()


async def test_one_holder_at_a_time_and_only_the_holder_renews_or_releases(client):
    a, b = Lease(client, "rapport:jobs:t1", ttl=0.3), Lease(client, "rapport:jobs:t1", ttl=0.3)
    assert await a.take()
    assert not await b.take()
    assert not await b.renew() and not await b.release()
    assert await a.renew()
    await asyncio.sleep(0.4)  # ran out
    assert not await a.renew()
    assert await b.take()
    assert not await a.release()  # a's token no longer holds the key: b's lease stays
    assert await client.get("rapport:jobs:t1") == b.token.encode()
    assert await b.release()
    assert await client.get("rapport:jobs:t1") is None


async def test_settle_replaces_the_lease_by_an_outcome_that_keeps_others_out(client):
    a, b = Lease(client, "rapport:jobs:t2", ttl=5), Lease(client, "rapport:jobs:t2", ttl=5)
    assert await a.take()
    assert not await b.settle("done", 10)
    assert await a.settle("done", 0.3)
    assert await client.get("rapport:jobs:t2") == b"done"
    assert not await b.take()
    await asyncio.sleep(0.4)
    assert await b.take()


async def test_hold_renews_while_the_work_lasts(client):
    lease = Lease(client, "rapport:jobs:t3", ttl=0.3)
    assert await lease.take()
    assert await lease.hold(asyncio.sleep(1.0, "finished")) == "finished"  # > 3 times the ttl
    assert await client.get("rapport:jobs:t3") == lease.token.encode()


async def test_a_lost_lease_cancels_the_work(client):
    lease = Lease(client, "rapport:jobs:t4", ttl=0.3)
    assert await lease.take()
    reached = []

    async def work() -> None:
        await asyncio.sleep(1.0)
        reached.append("end")

    async def steal() -> None:
        await asyncio.sleep(0.05)
        await client.set("rapport:jobs:t4", "another holder")

    with pytest.raises(LeaseLost):
        await asyncio.gather(lease.hold(work()), steal())
    await asyncio.sleep(1.0)
    assert reached == []
    assert await client.get("rapport:jobs:t4") == b"another holder"


def periodic(client, clock: Clock, work, *, every: float = 86_400.0) -> Periodic:
    return Periodic("test_" + str(id(clock)), work, client, every=every, at=11_820.0, clock=clock)


async def test_periods_start_at_the_given_time_of_day(client):
    clock = Clock(datetime(2026, 12, 7, 10, 0, tzinfo=UTC).timestamp())
    job = periodic(client, clock, None)
    assert job.period_start(clock.now) == datetime(2026, 12, 7, 3, 17, tzinfo=UTC).timestamp()
    before = datetime(2026, 12, 7, 3, 16, tzinfo=UTC).timestamp()
    assert job.period_start(before) == datetime(2026, 12, 6, 3, 17, tzinfo=UTC).timestamp()
    assert job.tick == 30.0


async def test_many_processes_run_each_period_once(client):
    """Six "processes" (each its own Periodic, as each jobs process has) try every period
    at once; the work is slow enough to overlap them. Each period's work runs once."""
    clock = Clock(datetime(2026, 12, 7, 10, 0, tzinfo=UTC).timestamp())
    runs: list[float] = []

    async def work() -> None:
        runs.append(clock.now)
        await asyncio.sleep(0.05)

    name = f"many_{id(clock)}"
    jobs = [Periodic(name, work, client, every=86_400.0, at=11_820.0, clock=clock) for _ in range(6)]
    for _day in range(3):
        for _round in range(3):
            results = await asyncio.gather(*(j.run_once() for j in jobs))
            assert results.count(True) <= 1
        clock.now += 86_400.0
    assert len(runs) == 3


async def test_a_failed_run_is_retried_by_any_process_after_a_while(client):
    clock = Clock(datetime(2026, 12, 7, 10, 0, tzinfo=UTC).timestamp())
    attempts: list[str] = []

    async def flaky() -> None:
        attempts.append("try")
        if len(attempts) == 1:
            raise OSError("the store went away")

    name = f"flaky_{id(clock)}"
    a, b = (Periodic(name, flaky, client, every=86_400.0, at=0.0, clock=clock) for _ in range(2))
    with pytest.raises(OSError):
        await a.run_once()
    ttl = await client.pttl(f"rapport:jobs:{name}:{round(a.period_start(clock.now) * 1000)}")
    assert 0 < ttl <= RETRY_AFTER * 1000
    assert not await b.run_once() and not await a.run_once()  # not before RETRY_AFTER
    await client.pexpire(f"rapport:jobs:{name}:{round(a.period_start(clock.now) * 1000)}", 1)
    await asyncio.sleep(0.05)
    assert await b.run_once()
    assert attempts == ["try", "try"]
    assert not await a.run_once()  # done for this period


async def test_a_process_stopped_mid_run_leaves_the_period_to_another(client):
    clock = Clock(datetime(2026, 12, 7, 10, 0, tzinfo=UTC).timestamp())
    runs: list[str] = []

    async def slow() -> None:
        runs.append("start")
        await asyncio.sleep(10)
        runs.append("end")

    async def quick() -> None:
        runs.append("quick")

    name = f"stop_{id(clock)}"
    first = asyncio.create_task(Periodic(name, slow, client, every=86_400.0, clock=clock).run_once())
    await asyncio.sleep(0.1)
    other = Periodic(name, quick, client, every=86_400.0, clock=clock)
    assert not await other.run_once()  # held
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await other.run_once()  # released at once, not after the lease ran out
    assert runs == ["start", "quick"]


def test_retention_time_of_day_setting(tmp_path):
    def settings(**env: str) -> Settings:
        return Settings.from_env({"RAPPORT_DATA_DIR": str(tmp_path), **env})

    assert settings(RAPPORT_RETENTION_AT="03:17").retention_at == 11_820.0
    assert settings().retention_at == 11_820.0 and settings().retention_every == 86_400
    assert settings(RAPPORT_RETENTION_AT="00:00").retention_at == 0.0
    assert settings(RAPPORT_RETENTION_EVERY="2").retention_every == 2.0
    for bad in ("24:00", "soon", "-1"):
        with pytest.raises(ConfigError):
            settings(RAPPORT_RETENTION_AT=bad)
