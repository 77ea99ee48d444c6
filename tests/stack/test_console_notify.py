"""On-duty staff hear of an escalation at once, by e-mail (and SMS where the tenant
allows it), with a link to the conversation and nothing of the guest's words."""

from __future__ import annotations

import asyncio
import email
import email.policy
import secrets
import time

import aiohttp
import pytest

from bot.base.refs import guest_ref
from bot.i18n import Catalog
from bot.staff.accounts import StaffStore
from tests.console.client import Browser, clear_login_failures, make_staff
from tests.console.client import mongo as console_mongo
from tests.stack.client import Guest, mongo, tenant_db

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()
SECRET_WORDS = "Ottoline Farquharson-Vey in room 12 says there is water everywhere, a leak"


async def _set(stack, staff_id: str, **fields) -> None:
    client = console_mongo(stack)
    try:
        await StaffStore(client[stack.settings.control_db]).collection.update_one(
            {"_id": staff_id}, {"$set": fields}
        )
    finally:
        client.close()


async def _mail_to(stack, address: str) -> list[dict]:
    async with aiohttp.ClientSession() as s, s.get(stack.fake_email.http_url + "/_fake/mail") as r:
        return [m for m in await r.json() if address in m["rcpt_tos"]]


async def _sms_to(stack, number: str) -> list[dict]:
    async with aiohttp.ClientSession() as s, s.get(stack.fake_twilio.base_url + "/_fake/messages") as r:
        return [m for m in await r.json() if m.get("to") == number]


async def _wait(fetch, count: int = 1, timeout: float = 15) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = await fetch()
        if len(got) >= count:
            return got
        await asyncio.sleep(0.2)
    return await fetch()


async def test_on_duty_staff_get_one_email_with_a_link_and_no_guest_data(stack):
    on_duty = await make_staff(stack, {"alpenhof": "agent"})
    off_duty = await make_staff(stack, {"alpenhof": "agent"})
    other_hotel = await make_staff(stack, {"laguna": "agent"})
    addresses = {
        a.id: f"staff-{secrets.token_hex(4)}@alpenhof.example" for a in (on_duty, off_duty, other_hotel)
    }
    await _set(stack, on_duty.id, email=addresses[on_duty.id], on_duty=True)
    await _set(stack, off_duty.id, email=addresses[off_duty.id], on_duty=False)
    await _set(stack, other_hotel.id, email=addresses[other_hotel.id], on_duty=True)

    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    await guest.say(SECRET_WORDS)
    mails = await _wait(lambda: _mail_to(stack, addresses[on_duty.id]))
    assert len(mails) == 1
    raw = mails[0]["raw"]
    message = email.message_from_string(raw, policy=email.policy.default)
    body = message.get_content()
    ref = guest_ref(stack.settings.guest_key, "alpenhof", guest.sender)
    client = mongo(stack)
    try:
        (handover,) = [
            d async for d in tenant_db(stack, client, "alpenhof").handovers.find({"guest_ref": ref})
        ]
    finally:
        client.close()
    assert f"/t/alpenhof/#conversation={handover['_id']}" in body
    assert CATALOG.render("de", "notify.reason.urgent") in body  # the tenant's language
    for word in ("Ottoline", "Farquharson", "room 12", "water everywhere", guest.sender):
        assert word not in raw and word not in body
    assert message["Auto-Submitted"] == "auto-generated"
    await asyncio.sleep(2.5)  # the notifier runs every second: nobody is told twice
    assert len(await _mail_to(stack, addresses[on_duty.id])) == 1
    assert await _mail_to(stack, addresses[off_duty.id]) == []
    assert await _mail_to(stack, addresses[other_hotel.id]) == []


async def test_a_tenant_that_allows_sms_texts_its_on_duty_staff(stack):
    agent = await make_staff(stack, {"laguna": "agent"})
    phone = "+39347" + str(secrets.randbelow(10**7)).zfill(7)
    await _set(stack, agent.id, phone=phone, on_duty=True)
    guest = Guest(stack, "laguna", locale="it")
    await guest.say("ciao")
    await guest.say("Vorrei parlare con una persona")
    texts = await _wait(lambda: _sms_to(stack, phone))
    assert len(texts) == 1 and texts[0]["from"] == "+390415200000"
    assert "/t/laguna/#conversation=c_" in texts[0]["body"]


async def test_staff_go_on_and_off_duty_themselves(stack):
    await clear_login_failures(stack)
    agent = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as browser:
        await browser.login_ok(agent, "alpenhof")
        assert await browser.request("POST", "/t/alpenhof/api/me/duty", {"on_duty": True}) == (
            200,
            {"on_duty": True},
        )
        assert (await browser.request("GET", "/t/alpenhof/api/me"))[1]["on_duty"]
        for bad in ({"on_duty": "yes"}, {}, [True]):
            status, body = await browser.request("POST", "/t/alpenhof/api/me/duty", bad)
            assert status == 400, body
        status, _ = await browser.request("POST", "/t/alpenhof/api/me/duty", {"on_duty": False}, csrf=False)
        assert status == 403  # no CSRF token: refused, unchanged
        assert (await browser.request("GET", "/t/alpenhof/api/me"))[1]["on_duty"]
        assert await browser.request("POST", "/t/alpenhof/api/me/duty", {"on_duty": False}) == (
            200,
            {"on_duty": False},
        )
        assert not (await browser.request("GET", "/t/alpenhof/api/me"))[1]["on_duty"]


async def test_an_alert_whose_mail_failed_is_sent_again_not_lost(stack):
    agent = await make_staff(stack, {"alpenhof": "agent"})
    address = f"staff-{secrets.token_hex(4)}@alpenhof.example"
    await _set(stack, agent.id, email=address, on_duty=True)
    client = console_mongo(stack)
    try:  # staff of earlier tests go off duty: the one refused mail must be this agent's
        await StaffStore(client[stack.settings.control_db]).collection.update_many(
            {"_id": {"$ne": agent.id}}, {"$set": {"on_duty": False}}
        )
    finally:
        client.close()
    async with aiohttp.ClientSession() as s:
        r = await s.post(
            stack.fake_email.http_url + "/_fake/faults", json={"code": 451, "stage": "rcpt", "count": 1}
        )
        assert r.status < 300
    try:
        guest = Guest(stack, "alpenhof", locale="en")
        await guest.say("hi")
        await guest.say("I want to talk to a human")
        mails = await _wait(lambda: _mail_to(stack, address), timeout=20)
        assert len(mails) == 1  # the relay refused the first try; the retry got through
    finally:
        async with aiohttp.ClientSession() as s:
            await s.delete(stack.fake_email.http_url + "/_fake/faults")
    ref = guest_ref(stack.settings.guest_key, "alpenhof", guest.sender)
    client = mongo(stack)
    try:
        (handover,) = [
            d async for d in tenant_db(stack, client, "alpenhof").handovers.find({"guest_ref": ref})
        ]
    finally:
        client.close()
    assert handover["notify_attempts"] == 2 and "notify_claim_until" not in handover
    assert isinstance(handover["notified_at"], float) and "notify_failed" not in handover
    await asyncio.sleep(2.5)  # and nobody is told twice
    assert len(await _mail_to(stack, address)) == 1
