"""Faults the stack survives. These restart the session's own servers, so each test
leaves them running again."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time

import pytest

from bot.base.refs import guest_ref
from bot.base.sealing import Cipher
from bot.i18n import Catalog
from bot.inbox.queue import open_payload, payload_aad
from bot.stack import Stack
from tests.stack.client import Guest, conversation_ratings, mongo, post, tenant_db

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()


def _restart(stack: Stack, name: str, sig: int) -> None:
    child = next(c for c in stack.children if c.name == name)
    os.kill(child.process.pid, sig)
    child.process.wait(timeout=20)
    index = stack.children.index(child)
    start = {"redis": stack._start_redis, "mongo": stack._start_mongo}[name]
    start(lambda m: None)
    stack.children.insert(index, stack.children.pop())  # keep the stop order


async def test_conversation_state_survives_a_redis_crash(stack):
    if stack.settings.redis_url is not None:
        pytest.skip("uses the embedded Valkey")
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    assert await guest.say("4") == [CATALOG.render("en", "question.room", low=1, high=5)]
    time.sleep(1.5)  # appendfsync everysec: what was acknowledged a second ago is on disk
    _restart(stack, "redis", signal.SIGKILL)
    replies = []
    for _ in range(3):  # the first request after the crash may find a dead connection
        status, payload = await post(
            stack, {"sender": guest.sender, "message": "5", "metadata": guest.metadata}
        )
        if status == 200:
            replies = [m["text"] for m in payload]
            break
        assert status == 503 and payload["error"] == "processing_failed"
    assert replies == [CATALOG.render("en", "question.cleanliness", low=1, high=5)]
    docs = await conversation_ratings(
        stack, "alpenhof", guest_ref(stack.settings.guest_key, "alpenhof", guest.sender)
    )
    assert {k: d["value"] for k, d in docs.items()} == {"overall": 4, "room": 5}


async def test_mongodb_down_is_a_clear_temporary_error_and_nothing_advances(stack):
    if stack.settings.mongodb_url is not None:
        pytest.skip("uses the embedded nx-27017")
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    child = next(c for c in stack.children if c.name == "mongo")
    os.kill(child.process.pid, signal.SIGSTOP)  # unreachable, like a partitioned database
    try:
        replies = await guest.say("4")
    finally:
        os.kill(child.process.pid, signal.SIGCONT)
    assert replies == [CATALOG.render("en", "error.temporary")]
    # the answer was not taken: the same question is still open, and answering works again
    assert await guest.say("4") == [CATALOG.render("en", "question.room", low=1, high=5)]


async def test_redis_down_fails_the_turn_and_loses_nothing(stack):
    """While Redis is down a turn fails with 503 (a provider retries it); it never
    starts the guest's conversation afresh. Once Redis is back the guest goes on."""
    if stack.settings.redis_url is not None:
        pytest.skip("uses the embedded Valkey")
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    assert await guest.say("4") == [CATALOG.render("en", "question.room", low=1, high=5)]
    time.sleep(1.5)
    child = next(c for c in stack.children if c.name == "redis")
    os.kill(child.process.pid, signal.SIGKILL)
    child.process.wait(timeout=20)
    try:
        status, payload = await post(
            stack, {"sender": guest.sender, "message": "5", "metadata": guest.metadata}
        )
        assert (status, payload["error"]) == (503, "processing_failed")
    finally:
        index = stack.children.index(child)
        stack._start_redis(lambda m: None)
        stack.children.insert(index, stack.children.pop())
    assert await guest.say("5") == [CATALOG.render("en", "question.cleanliness", low=1, high=5)]


async def test_sms_turn_that_fails_after_the_ack_is_retried_once_redis_is_back(stack):
    """Twilio never resends an acknowledged message: the turn is a durable job that
    is retried with backoff, so the guest is answered once the fault is gone."""
    if stack.settings.redis_url is not None:
        pytest.skip("uses the embedded Valkey")
    from tests.stack.test_sms import HELLO, QUESTION_OVERALL, Phone

    phone = Phone(stack)
    sid = "SM" + "7" * 32
    child = next(c for c in stack.children if c.name == "redis")
    os.kill(child.process.pid, signal.SIGKILL)
    child.process.wait(timeout=20)
    try:
        status, _ = await phone.post(phone.form(HELLO, sid=sid))
        assert status == 200  # acknowledged: MongoDB holds the job
        client = mongo(stack)
        inbound = tenant_db(stack, client, "alpenhof").sms_inbound
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            doc = await inbound.find_one({"_id": sid})
            if doc and doc["state"] == "pending" and doc["due_at"] - time.time() < 60:
                break  # the first try failed and the retry is scheduled (not the lease)
            await asyncio.sleep(0.2)
        assert doc["state"] == "pending" and HELLO not in json.dumps(doc, default=str)  # sealed
        assert (
            open_payload(
                Cipher(stack.settings.data_keys), payload_aad("alpenhof", "sms_inbound", sid), doc["payload"]
            )["body"]
            == HELLO
        )
        assert await phone.sent_to_me() == []
    finally:
        index = stack.children.index(child)
        stack._start_redis(lambda m: None)
        stack.children.insert(index, stack.children.pop())
    await phone.wait_for_text(QUESTION_OVERALL, timeout=60)
    for _ in range(50):  # the job is marked done just after the reply went out
        doc = await inbound.find_one({"_id": sid})
        if doc["state"] != "pending":
            break
        await asyncio.sleep(0.1)
    client.close()
    assert doc["state"] == "done" and doc["attempts"] >= 2 and "payload" not in doc
    assert (await phone.text()).count(QUESTION_OVERALL) == 1


async def test_console_live_updates_survive_a_redis_restart_and_nothing_is_lost(stack):
    """A console's live socket is closed (1011) when Redis goes; the page reconnects,
    resyncs from MongoDB, and messages the guest sends afterwards arrive live."""
    if stack.settings.redis_url is not None:
        pytest.skip("uses the embedded Valkey")
    import json

    from websockets.exceptions import ConnectionClosed

    from bot.handover.store import HandoverStore
    from bot.storage.mongo import MongoStore
    from tests.console.client import Browser, clear_login_failures, make_staff
    from tests.stack.test_console_live import connect

    await clear_login_failures(stack)
    agent = await make_staff(stack, {"alpenhof": "agent"})
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    await guest.say("I want to talk to a human")
    time.sleep(1.5)  # appendfsync everysec: the session and tracker are on disk
    async with Browser(stack) as browser:
        await browser.login_ok(agent, "alpenhof")
        time.sleep(1.5)
        async with connect(stack, "alpenhof", browser.cookie()) as ws:
            assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == {"type": "ready"}
            _restart(stack, "redis", signal.SIGKILL)
            with pytest.raises(ConnectionClosed):  # closed by the server (1011): the page reconnects
                while True:
                    await asyncio.wait_for(ws.recv(), 15)
            assert ws.close_code in (1011, 1006)
        # the session survived (it is in Redis, persisted); the new socket resyncs
        async with connect(stack, "alpenhof", browser.cookie()) as ws:
            assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == {"type": "ready"}
            for _ in range(3):  # the first turn after the crash may find a dead connection
                status, _ = await post(
                    stack, {"sender": guest.sender, "message": "hello?", "metadata": guest.metadata}
                )
                if status == 200:
                    break
            event = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert event["type"] == "message"
    client = mongo(stack)
    try:
        store = HandoverStore(MongoStore(client, stack.settings.db_prefix), "alpenhof")
        texts = [m["text"] for m in await store.transcript(event["conversation"]) if m["author"] == "guest"]
    finally:
        client.close()
    assert texts[-2:] == ["I want to talk to a human", "hello?"]
