"""An SMS turn retried after its process died between saving the tracker and recording
the job done (kill -9 under load, found by scripts/bench_faults.py) does not run again:
the message is not taken as the answer to the next question, and its reply goes out
once — not again if it had, from the tracker if it had not."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time

import pytest

from bot.base.refs import channel_guest_id, guest_ref, make_sender, tracker_key
from bot.base.sealing import Cipher
from bot.channels.base import turn_replies, turned
from bot.channels.sms.inbound import parse_twilio_form
from bot.inbox.queue import payload_aad, seal_payload
from tests.stack.client import mongo, tenant_db
from tests.stack.test_sms import HELLO, QUESTION_OVERALL, QUESTION_ROOM, Phone

pytestmark = pytest.mark.stack


def test_turned_finds_the_user_event_of_a_message_id():
    tracker = json.dumps(
        {"events": [{"event": "user", "message_id": "SMa"}, {"event": "bot", "message_id": "SMb"}]}
    )
    assert turned(tracker, "SMa")
    assert not turned(tracker, "SMb")  # a bot event is no turn
    assert not turned(tracker, "SMc")
    assert not turned(None, "SMa") and not turned(tracker, "") and not turned("{not json", "SMa")
    two = json.dumps(
        {
            "events": [
                {"event": "user", "message_id": "SM1"},
                {"event": "bot", "text": "How was the room?"},
                {"event": "slot"},
                {"event": "bot", "text": "1 to 5"},
                {"event": "user", "message_id": "SM2"},
                {"event": "bot", "text": "Thanks"},
            ]
        }
    )
    assert turn_replies(two, "SM1") == ["How was the room?", "1 to 5"]
    assert turn_replies(two, "SM2") == ["Thanks"]
    assert turn_replies(two, "SM3") is None


async def _user_events(stack, number: str) -> list[dict]:
    import redis.asyncio as aioredis

    s = stack.settings
    sender = make_sender("alpenhof", channel_guest_id(s.guest_key, "alpenhof", "sms", number))
    r = aioredis.from_url(s.effective_redis_url.value)
    try:
        stored = await r.get(tracker_key(s.guest_key.value.encode(), sender))
    finally:
        await r.close()
    return [e for e in json.loads(stored)["events"] if e["event"] == "user"]


@pytest.mark.parametrize("reply_went_out", [True, False])
async def test_a_turn_that_ran_is_not_run_again_when_its_job_is_retried(stack, reply_went_out):
    phone = Phone(stack)
    assert (await phone.post(phone.form(HELLO)))[0] == 200
    await phone.wait_for_text(QUESTION_OVERALL, timeout=90)  # a cold stack on a busy machine
    form = phone.form("4")
    assert (await phone.post(form))[0] == 200
    await phone.wait_for_text(QUESTION_ROOM, timeout=60)
    sid = form["MessageSid"]
    assert [e.get("message_id") for e in await _user_events(stack, phone.number)][-1] == sid
    sent = await phone.sent_to_me()

    # the process died after the tracker was saved and before the job was recorded done
    # (after the reply went out, or before): the job is pending again, its lease run
    # out, its payload still sealed in it
    s = stack.settings
    aad = payload_aad("alpenhof", "sms_inbound", sid)
    payload = seal_payload(Cipher(s.data_keys), aad, dataclasses.asdict(parse_twilio_form(form)))
    client = mongo(stack)
    try:
        jobs = tenant_db(stack, client, "alpenhof").sms_inbound
        assert (await jobs.find_one({"_id": sid}))["replied"] == 1
        update = {"$set": {"state": "pending", "due_at": 0, "attempts": 1, "payload": payload}}
        if not reply_went_out:
            update["$unset"] = {"replied": ""}
        await jobs.update_one({"_id": sid}, update)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # a sweeper takes it (every 0.5 s in tests)
            doc = await jobs.find_one({"_id": sid})
            if doc["state"] == "done":
                break
            await asyncio.sleep(0.2)
        assert doc["state"] == "done" and doc["attempts"] == 2 and "payload" not in doc
        await asyncio.sleep(1.0)
        guest = channel_guest_id(s.guest_key, "alpenhof", "sms", phone.number)
        ref = guest_ref(s.guest_key, "alpenhof", guest)
        ratings = [d async for d in tenant_db(stack, client, "alpenhof").ratings.find({"guest_ref": ref})]
    finally:
        client.close()
    assert len(await _user_events(stack, phone.number)) == 2  # "Hello" and "4", once each
    assert {d["question"]: d["value"] for d in ratings} == {"overall": 4}  # not "room": 4
    now = await phone.sent_to_me()
    if reply_went_out:
        assert now == sent  # nothing sent twice
    else:  # the turn's reply, from the tracker, once
        assert len(now) == len(sent) + 1 and now[-1]["body"] == sent[-1]["body"] == QUESTION_ROOM
