"""Inbox and conversation API of the console (on bot.handover.store) against the
running stack: views, transcript, take (one winner), notes, replies, resolve, canned
replies, and the cross-tenant sweep over every conversation route."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from bot.console.conversations import CONVERSATION_ROUTES
from bot.handover.store import HandoverStore
from bot.storage.mongo import MongoStore
from tests.console.client import Browser, audit_records, clear_login_failures, make_staff, mongo

pytestmark = pytest.mark.stack
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
async def _fresh_ip(stack):
    await clear_login_failures(stack)


async def escalated(stack, tenant: str = "alpenhof") -> str:
    """A conversation waiting for staff, with a guest message in its transcript."""
    cid = f"conv-{uuid.uuid4().hex[:10]}"
    client = mongo(stack)
    try:
        store = HandoverStore(MongoStore(client, stack.settings.db_prefix), tenant)
        await store.escalate(cid, reason="low_rating", guest_ref="g-ref", channel="rest", language="en")
        await store.record(cid, "g-ref", [("guest", SCRIPT)])
    finally:
        client.close()
    return cid


async def agent(stack, tenant: str = "alpenhof") -> Browser:
    account = await make_staff(stack, {tenant: "agent"})
    b = Browser(stack)
    await b.login_ok(account, tenant)
    b.account = account  # type: ignore[attr-defined]
    return b


async def test_inbox_transcript_take_note_reply_resolve(stack):
    cid = await escalated(stack)
    b = await agent(stack)
    try:
        status, body = await b.request("GET", "/t/alpenhof/api/conversations?view=waiting")
        assert status == 200 and cid in [c["id"] for c in body["conversations"]]
        status, body = await b.request("GET", f"/t/alpenhof/api/conversations/{cid}")
        assert status == 200 and body["conversation"]["state"] == "waiting_for_staff"
        assert [(m["author"], m["text"]) for m in body["messages"]] == [("guest", SCRIPT)]  # data, not HTML
        assert (await b.request("POST", f"/t/alpenhof/api/conversations/{cid}/replies", {"text": "hi"}))[
            0
        ] == 409
        status, body = await b.request("POST", f"/t/alpenhof/api/conversations/{cid}/take")
        assert status == 200 and body["state"] == "with_staff" and body["assigned_to"] == b.account.id
        status, body = await b.request("GET", "/t/alpenhof/api/conversations?view=mine")
        assert [c["id"] for c in body["conversations"]] == [cid]
        assert (await b.request("POST", f"/t/alpenhof/api/conversations/{cid}/notes", {"text": "vip"}))[
            0
        ] == 200
        assert (await b.request("POST", f"/t/alpenhof/api/conversations/{cid}/replies", {"text": "Sorry!"}))[
            0
        ] == 200
        status, body = await b.request("GET", f"/t/alpenhof/api/conversations/{cid}?since=1")
        assert [(m["author"], m["text"]) for m in body["messages"]] == [("note", "vip"), ("staff", "Sorry!")]
        status, body = await b.request(
            "POST", f"/t/alpenhof/api/conversations/{cid}/resolve", {"ask_satisfaction": False}
        )
        assert status == 200 and body["state"] == "resolved"
        status, body = await b.request("GET", "/t/alpenhof/api/conversations?view=resolved")
        assert cid in [c["id"] for c in body["conversations"]]
    finally:
        await b.__aexit__()
    actions = [
        r["action"]
        for r in await audit_records(stack, stack.settings.db_prefix + "alpenhof", resource_id=cid)
    ]
    assert actions == [
        "conversation.read", "conversation.reply", "conversation.take", "conversation.note",
        "conversation.reply", "conversation.read", "conversation.resolve",
    ]  # fmt: skip


async def test_two_agents_take_at_once_exactly_one_wins(stack):
    cid = await escalated(stack)
    first, second = await agent(stack), await agent(stack)
    try:
        results = await asyncio.gather(
            first.request("POST", f"/t/alpenhof/api/conversations/{cid}/take"),
            second.request("POST", f"/t/alpenhof/api/conversations/{cid}/take"),
        )
    finally:
        await first.__aexit__()
        await second.__aexit__()
    assert sorted(status for status, _ in results) == [200, 409]


async def test_unknown_conversation_and_bad_input(stack):
    b = await agent(stack)
    try:
        assert (await b.request("GET", "/t/alpenhof/api/conversations/nope"))[0] == 404
        assert (await b.request("POST", "/t/alpenhof/api/conversations/nope/take"))[0] == 404
        assert (await b.request("GET", "/t/alpenhof/api/conversations?view=everything"))[0] == 400
        cid = await escalated(stack)
        await b.request("POST", f"/t/alpenhof/api/conversations/{cid}/take")
        status, body = await b.request(
            "POST", f"/t/alpenhof/api/conversations/{cid}/replies", {"text": "x" * 2001}
        )
        assert status == 413 and body["error"] == "too_large"
        status, body = await b.request(
            "POST", f"/t/alpenhof/api/conversations/{cid}/notes", {"text": {"$gt": ""}}
        )
        assert status == 400
    finally:
        await b.__aexit__()


async def test_canned_replies_in_the_requested_language(stack):
    b = await agent(stack)
    try:
        status, body = await b.request("GET", "/t/alpenhof/api/canned?lang=de")
        assert status == 200 and body["language"] == "de" and body["canned"]
        assert all(k.startswith("canned.") for k in body["canned"])
    finally:
        await b.__aexit__()


@pytest.mark.parametrize(("method", "path", "name"), CONVERSATION_ROUTES)
async def test_cross_tenant_sweep_over_conversation_routes(stack, method, path, name):
    cid = await escalated(stack, "alpenhof")  # exists in alpenhof: 404 must not depend on that
    b = await agent(stack, "laguna")
    try:
        url = path.replace("<tenant>", "alpenhof").replace("<conversation>", cid)
        status, body = await b.request(method, url, {"text": "x"} if method == "POST" else None)
        assert status == 404 and body == {"error": "not_found"}
    finally:
        await b.__aexit__()
    records = await audit_records(
        stack, stack.settings.db_prefix + "laguna", actor=b.account.id, tenant="alpenhof"
    )
    assert [r["outcome"] for r in records] == ["denied"]
    assert await audit_records(stack, stack.settings.db_prefix + "alpenhof", actor=b.account.id) == []
    client = mongo(stack)
    try:
        doc = await client[stack.settings.db_prefix + "alpenhof"].handovers.find_one({"_id": cid})
    finally:
        client.close()
    assert doc["state"] == "waiting_for_staff"  # nothing changed
