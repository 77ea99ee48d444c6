"""The durable turn queue (bot/inbox/queue.py) against the session's real
MongoDB-wire server: exactly-once acceptance, leases, backoff, giving up."""

from __future__ import annotations

import asyncio
import secrets
import time

import pytest

from bot.base.sealing import Cipher
from bot.base.settings import Secret
from bot.inbox.queue import DONE, FAILED, PENDING, RetryPolicy, TurnQueue
from tests.stack.client import mongo, tenant_db

pytestmark = pytest.mark.stack

POLICY = RetryPolicy(base=10, factor=3, cap=100, max_attempts=3, lease=60)


@pytest.fixture()
async def queue(stack):
    client = mongo(stack)
    collection = tenant_db(stack, client, "alpenhof")["test_turns_" + secrets.token_hex(4)]
    yield TurnQueue(collection, POLICY, Cipher([Secret("k" * 32)]), "alpenhof")
    await collection.drop()
    client.close()


def test_backoff_grows_and_is_capped():
    assert [POLICY.delay(n) for n in (1, 2, 3, 4)] == [10, 30, 90, 100]


async def test_a_message_is_accepted_once_even_when_delivered_concurrently(queue):
    results = await asyncio.gather(*(queue.accept("SM1", {"body": "hi"}) for _ in range(6)))
    accepted = [r for r in results if r is not None]
    assert len(accepted) == 1 and accepted[0].attempts == 1
    assert await queue.accept("SM1", {"body": "hi"}) is None  # a later retry too


async def test_a_running_turn_is_not_taken_by_a_sweeper_until_its_lease_ends(queue):
    job = await queue.accept("SM2", {"body": "hi"})
    assert job is not None
    assert await queue.claim_due() is None  # leased to the process that accepted it
    later = await queue.claim_due(now=job_received_plus(queue, 61))
    assert later is not None and later.id == "SM2" and later.attempts == 2
    assert later.payload == {"body": "hi"}
    assert await queue.claim_due(now=job_received_plus(queue, 62)) is None  # leased again


async def test_a_renewed_lease_keeps_a_slow_turn_from_a_sweeper(queue):
    job = await queue.accept("SM2r", {"body": "hi"})
    assert job is not None
    await queue.renew(job, now=job_received_plus(queue, 50))  # still running at 50 s
    assert await queue.claim_due(now=job_received_plus(queue, 61)) is None  # not taken at 61 s
    later = await queue.claim_due(now=job_received_plus(queue, 111))  # its process died
    assert later is not None and later.attempts == 2
    await queue.done(later)
    await queue.renew(later, now=job_received_plus(queue, 200))  # a late renewal changes nothing
    assert await queue.claim_due(now=job_received_plus(queue, 400)) is None


def job_received_plus(queue: TurnQueue, seconds: float) -> float:
    """A moment `seconds` from now, as a sweeper would see it then."""
    return time.time() + seconds


async def test_a_failed_turn_is_due_after_its_backoff_and_claimed_once(queue):
    job = await queue.accept("SM3", {"body": "hi"})
    assert await queue.failed(job) is False
    assert await queue.claim_due(now=job_received_plus(queue, 5)) is None  # backoff is 10 s
    claims = await asyncio.gather(*(queue.claim_due(now=job_received_plus(queue, 11)) for _ in range(4)))
    assert [c.attempts for c in claims if c is not None] == [2]


async def test_the_last_failure_gives_up_and_forgets_the_message(queue):
    job = await queue.accept("SM4", {"body": "secret text"})
    for attempt in range(1, 3):
        assert await queue.failed(job) is False
        job = await queue.claim_due(now=job_received_plus(queue, POLICY.cap + 1))
        assert job.attempts == attempt + 1
    assert await queue.failed(job) is True
    doc = await queue.collection.find_one({"_id": "SM4"})
    assert doc["state"] == FAILED and "payload" not in doc
    assert await queue.claim_due(now=job_received_plus(queue, 10_000)) is None


async def test_done_keeps_no_message_text(queue):
    job = await queue.accept("SM5", {"body": "secret text"}, guest_ref="g_1")
    assert (await queue.collection.find_one({"_id": "SM5"}))["state"] == PENDING
    await queue.done(job)
    doc = await queue.collection.find_one({"_id": "SM5"})
    assert doc["state"] == DONE and "payload" not in doc and doc["guest_ref"] == "g_1"
    assert await queue.pending() == 0
