"""The conversation lock and the fenced tracker save against a real embedded Valkey."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.base.metrics import LOCK_WAIT_SECONDS, TURNS
from bot.rasa.lock_store import (
    FENCE,
    FENCE_FIELD,
    ConversationBusy,
    DuplicateMessage,
    Fence,
    Fenced,
    RapportLockStore,
    inbound,
)
from bot.rasa.tracker_store import RapportTrackerStore
from tests.bot.rasa.test_tracker_store import DOMAIN, redis_server  # noqa: F401 - a fixture

SENDER = "alpenhof~+447700900123"


@pytest.fixture()
def valkey(redis_server):  # noqa: F811  (the imported fixture: a Valkey of this test's own)
    return redis_server


def _locks(stack, **kw) -> RapportLockStore:
    return RapportLockStore(
        host="127.0.0.1", port=str(stack.settings.redis_port), db="0", guest_key="k", **kw
    )


def _trackers(stack) -> RapportTrackerStore:
    return RapportTrackerStore(DOMAIN, host="127.0.0.1", port=str(stack.settings.redis_port), guest_key="k")


def _count(channel: str, outcome: str) -> float:
    return TURNS.labels(channel, outcome)._value.get()


async def _turn(locks, trackers, sender, text, log, hold=0.0, message_id=None, channel="test"):
    """One turn as Rasa runs it: lock, read, append, save."""
    with inbound(channel, message_id):
        async with locks.lock(sender):
            log.append(("start", text))
            tracker = await trackers.retrieve(sender) or DialogueStateTracker(sender, DOMAIN.slots)
            tracker.update(UserUttered(text))
            await asyncio.sleep(hold)
            tracker.update(ActionExecuted("action_listen"))
            await trackers.save(tracker)
            log.append(("end", text))


async def test_two_concurrent_acquirers_never_overlap_and_keep_every_turn(valkey):
    a, b, trackers = _locks(valkey), _locks(valkey), _trackers(valkey)
    log: list[tuple[str, str]] = []
    await asyncio.gather(
        *(_turn(a if i % 2 else b, trackers, SENDER, f"m{i}", log, hold=0.02) for i in range(8))
    )
    assert len(log) == 16
    assert all(log[i][0] == "start" and log[i + 1] == ("end", log[i][1]) for i in range(0, 16, 2))
    tracker = await trackers.retrieve(SENDER)
    users = [e for e in tracker.events if isinstance(e, UserUttered)]
    assert sorted(e.text for e in users) == sorted(f"m{i}" for i in range(8))  # no lost update
    tokens = [e.metadata[FENCE_FIELD] for e in users]
    assert tokens == sorted(tokens) and len(set(tokens)) == 8


async def test_waiters_are_served_in_arrival_order(valkey):
    locks, trackers = _locks(valkey), _trackers(valkey)
    log: list[tuple[str, str]] = []
    first = asyncio.create_task(_turn(locks, trackers, SENDER, "first", log, hold=0.3))
    await asyncio.sleep(0.05)
    tasks, queue = [], locks.keys(SENDER).queue
    for i in range(6):  # each arrives (has its ticket) while the ones before it wait
        tasks.append(asyncio.create_task(_turn(_locks(valkey), trackers, SENDER, f"w{i}", log)))
        while await locks.redis.zcard(queue) < i + 1:
            await asyncio.sleep(0.005)
    await asyncio.gather(first, *tasks)
    assert [t for kind, t in log if kind == "start"] == ["first"] + [f"w{i}" for i in range(6)]


async def test_other_conversations_do_not_wait(valkey):
    locks = _locks(valkey)
    async with locks.lock(SENDER):
        started = time.monotonic()
        async with locks.lock("alpenhof~someone-else"):
            pass
        assert time.monotonic() - started < 0.5


async def test_a_dead_holder_releases_by_expiry_and_its_save_is_fenced(valkey):
    """A holder whose lease ran out (its process stalled) loses the conversation to the
    next turn; its late save is refused and keeps nothing."""
    stale, fresh, trackers = (
        _locks(valkey, lease_seconds=0.4),
        _locks(valkey),
        _trackers(valkey),
    )
    log: list = []
    await _turn(fresh, trackers, SENDER, "before", log)
    keys = stale.keys(SENDER)
    token = await stale.acquire(keys)  # taken, then never renewed: as if its process died
    started = time.monotonic()
    fenced_before = _count("test", "fenced")
    await _turn(fresh, trackers, SENDER, "next", log)
    assert 0.2 < time.monotonic() - started < 3  # freed by expiry, not by release
    tracker = DialogueStateTracker(SENDER, DOMAIN.slots)
    tracker.update(UserUttered("stale"))
    reset = FENCE.set(Fence(SENDER, token, keys.fence, None, 60))  # the stale turn's context
    try:
        with inbound("test"), pytest.raises(Fenced):
            await trackers.save(tracker)
    finally:
        FENCE.reset(reset)
    assert _count("test", "fenced") == fenced_before + 1
    kept = [e.text for e in (await trackers.retrieve(SENDER)).events if isinstance(e, UserUttered)]
    assert kept == ["before", "next"]


async def test_a_holder_killed_mid_turn_frees_the_conversation_within_one_lease(valkey, tmp_path):
    """A real process takes the lock and is killed -9: the next turn waits one lease."""
    port = valkey.settings.redis_port
    script = textwrap.dedent(f"""
        import asyncio, sys
        from bot.rasa.lock_store import RapportLockStore
        async def main():
            s = RapportLockStore(host="127.0.0.1", port={port}, guest_key="k", lease_seconds=1)
            async with s.lock({SENDER!r}):
                print("held", flush=True)
                await asyncio.sleep(60)
        asyncio.run(main())
    """)
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        cwd=os.getcwd(),
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        assert child.stdout.readline().strip() == b"held"
        locks = _locks(valkey)
        waiting = asyncio.create_task(_turn(locks, _trackers(valkey), SENDER, "after", []))
        await asyncio.sleep(1.5)  # renewed while the holder lives
        assert not waiting.done()
        child.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        await asyncio.wait_for(waiting, 5)
        assert time.monotonic() - killed < 2.5
    finally:
        child.kill()
        child.wait()


async def test_a_turn_that_cannot_get_the_lock_in_time_is_busy(valkey):
    holder, waiter = _locks(valkey), _locks(valkey, wait_seconds=0.3)
    busy_before = _count("test", "busy")
    async with holder.lock(SENDER):
        with inbound("test"), pytest.raises(ConversationBusy):
            async with waiter.lock(SENDER):
                pass
    assert _count("test", "busy") == busy_before + 1
    async with waiter.lock(SENDER):  # its ticket was withdrawn: the line is not stuck
        pass


async def test_a_redelivered_message_runs_no_second_turn(valkey):
    locks, trackers = _locks(valkey), _trackers(valkey)
    dup_before = _count("test", "duplicate")
    log: list = []
    await _turn(locks, trackers, SENDER, "once", log, message_id="m-1")
    with pytest.raises(DuplicateMessage):
        await _turn(locks, trackers, SENDER, "once", log, message_id="m-1")
    await _turn(locks, trackers, "alpenhof~other", "once", log, message_id="m-1")  # other guest
    results = await asyncio.gather(
        *(_turn(_locks(valkey), trackers, SENDER, "twice", log, message_id="m-2") for _ in range(4)),
        return_exceptions=True,
    )
    assert sum(r is None for r in results) == 1
    assert all(isinstance(r, DuplicateMessage) for r in results if r is not None)
    texts = [e.text for e in (await trackers.retrieve(SENDER)).events if isinstance(e, UserUttered)]
    assert texts == ["once", "twice"]
    assert _count("test", "duplicate") == dup_before + 4


async def test_a_failed_turn_is_not_marked_turned(valkey):
    locks, trackers = _locks(valkey), _trackers(valkey)
    with pytest.raises(RuntimeError), inbound("test", "m-9"):
        async with locks.lock(SENDER):
            raise RuntimeError("the action server failed")
    await _turn(locks, trackers, SENDER, "retried", [], message_id="m-9")  # the retry runs


async def test_a_new_conversations_creation_save_does_not_mark_its_message_turned(valkey):
    """Rasa saves a new conversation's empty tracker when it creates it, inside the turn;
    if the turn then fails (the action server died), its retry must still run."""
    locks, trackers = _locks(valkey), _trackers(valkey)
    sender = "alpenhof~new-guest"
    with pytest.raises(RuntimeError), inbound("test", "first-1"):
        async with locks.lock(sender):
            await trackers.save(DialogueStateTracker(sender, DOMAIN.slots))  # create_tracker's save
            raise RuntimeError("the action server failed")
    log: list = []
    await _turn(locks, trackers, sender, "Hello", log, message_id="first-1")  # the retry runs
    assert log == [("start", "Hello"), ("end", "Hello")]
    users = [e.text for e in (await trackers.retrieve(sender)).events if isinstance(e, UserUttered)]
    assert users == ["Hello"]


async def test_wait_is_measured_and_keys_are_pseudonymous(valkey):
    locks = _locks(valkey)
    before = LOCK_WAIT_SECONDS._sum.get()
    async with locks.lock(SENDER):
        pass
    assert LOCK_WAIT_SECONDS._sum.get() > before
    await _turn(locks, _trackers(valkey), SENDER, "x", [], message_id="id-1")
    keys = [k async for k in locks.redis.scan_iter()]
    assert keys and not [k for k in keys if "7700900123" in k or "id-1" in k]
    assert {k.split(":")[1] for k in keys} >= {"lock", "turned", "tracker"}


async def test_takes_of_one_process_keep_their_order(valkey):
    """Turns that reach one replica in a burst draw tickets in the order they came."""
    locks, trackers = _locks(valkey), _trackers(valkey)
    log: list = []
    await asyncio.gather(*(_turn(locks, trackers, SENDER, f"b{i}", log) for i in range(10)))
    assert [t for kind, t in log if kind == "start"] == [f"b{i}" for i in range(10)]
    assert not locks._issuing


async def test_forget_deletes_an_idle_conversations_keys_only(valkey):
    locks = _locks(valkey)
    await _turn(locks, _trackers(valkey), SENDER, "x", [], message_id="m-1")
    async with locks.lock(SENDER):
        assert not await locks.forget(SENDER)  # held
    assert await locks.forget(SENDER)
    left = [k async for k in locks.redis.scan_iter() if k.split(":")[1] in ("lock", "turned")]
    assert left == []
    await _turn(locks, _trackers(valkey), SENDER, "again", [], message_id="m-1")  # a new turn
