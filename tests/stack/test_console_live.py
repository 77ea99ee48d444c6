"""The console's live websocket against the running stack (websockets 10.4 client):
refused without a session, from another origin and for another tenant's staff; a
message published on the tenant's Redis channel reaches the browser, another tenant's
does not."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from websockets.exceptions import InvalidStatusCode

from tests.console.client import Browser, audit_records, clear_login_failures, make_staff, redis

pytestmark = pytest.mark.stack


@pytest.fixture(autouse=True)
async def _fresh_ip(stack):
    await clear_login_failures(stack)


def ws_url(stack, tenant: str) -> str:
    return stack.settings.console_url.replace("http", "ws", 1) + f"/t/{tenant}/live"


def connect(stack, tenant: str, cookie: str | None, origin: str | None = None):
    headers = {"Origin": origin or stack.settings.console_url}
    if cookie:
        headers["Cookie"] = f"rapport_console={cookie}"
    return websockets.connect(ws_url(stack, tenant), extra_headers=headers, open_timeout=10)


async def refused(stack, tenant: str, cookie: str | None, origin: str | None = None) -> int:
    with pytest.raises(InvalidStatusCode) as e:
        async with connect(stack, tenant, cookie, origin):
            pass
    return e.value.status_code


async def test_websocket_without_session_is_refused(stack):
    assert await refused(stack, "alpenhof", None) == 401
    assert await refused(stack, "alpenhof", "A" * 43) == 401


async def test_websocket_from_another_origin_is_refused(stack):
    agent = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        await b.login_ok(agent, "alpenhof")
        assert await refused(stack, "alpenhof", b.cookie(), origin="http://evil.example") == 403


async def test_websocket_of_tenant_a_with_staff_of_b_is_refused_and_audited(stack):
    staff_b = await make_staff(stack, {"laguna": "agent"})
    async with Browser(stack) as b:
        await b.login_ok(staff_b, "laguna")
        assert await refused(stack, "alpenhof", b.cookie()) == 404
    records = await audit_records(stack, stack.settings.db_prefix + "laguna", actor=staff_b.id)
    assert [(r["action"], r["outcome"], r["tenant"]) for r in records if r["outcome"] == "denied"] == [
        ("live.subscribe", "denied", "alpenhof")
    ]
    control = await audit_records(stack, stack.settings.control_db, actor=staff_b.id)
    assert [r["action"] for r in control] == ["live.subscribe"]


async def test_published_message_reaches_its_tenants_console_only(stack):
    agent = await make_staff(stack, {"alpenhof": "agent"})
    r = redis(stack)
    try:
        async with Browser(stack) as b:
            await b.login_ok(agent, "alpenhof")
            async with connect(stack, "alpenhof", b.cookie()) as ws:
                assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == {"type": "ready"}
                mine = {"type": "conversation", "conversation": "c-1", "state": "waiting_for_staff"}
                other = {"type": "message", "conversation": "c-laguna", "seq": 7}
                assert await r.publish("rapport:console:laguna", json.dumps(other)) >= 0
                assert await r.publish("rapport:console:alpenhof", "not json") == 1
                assert await r.publish("rapport:console:alpenhof", json.dumps(mine)) == 1
                assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == mine
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(ws.recv(), 1.5)  # laguna's message never comes
                # still alive: a further message arrives (and ping/pong works)
                await asyncio.wait_for(await ws.ping(), 5)
                second = {"type": "message", "conversation": "c-1", "seq": 8}
                await r.publish("rapport:console:alpenhof", json.dumps(second))
                assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == second
    finally:
        await r.close()


async def test_closing_the_websocket_unsubscribes(stack):
    agent = await make_staff(stack, {"alpenhof": "agent"})
    r = redis(stack)
    try:
        async with Browser(stack) as b:
            await b.login_ok(agent, "alpenhof")
            before = dict(await r.pubsub_numsub("rapport:console:alpenhof"))
            async with connect(stack, "alpenhof", b.cookie()) as ws:
                await asyncio.wait_for(ws.recv(), 10)
                during = dict(await r.pubsub_numsub("rapport:console:alpenhof"))
            for _ in range(50):
                after = dict(await r.pubsub_numsub("rapport:console:alpenhof"))
                if after == before:
                    break
                await asyncio.sleep(0.1)
        key = b"rapport:console:alpenhof"
        assert during[key] == before[key] + 1 and after[key] == before[key]
    finally:
        await r.close()
