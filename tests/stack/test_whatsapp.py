"""WhatsApp end to end: a guest's WhatsApp message posted by the Twilio stand-in to the
running stack's SMS webhook (signed as Twilio signs it, `whatsapp:` addresses), the
bot's reply out through the stand-in on WhatsApp; the same number by SMS is the same
guest; STOP on WhatsApp stops further messages; status callbacks on WhatsApp records."""

from __future__ import annotations

import asyncio
import secrets
import time

import aiohttp
import pytest

from bot.base.refs import guest_ref
from bot.i18n import Catalog
from tests.stack.client import mongo, tenant_db
from tests.stack.test_sms import HELLO, HOTEL_NUMBER, QUESTION_OVERALL, QUESTION_ROOM, Phone

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()
WA = "whatsapp:"
HOTEL = WA + HOTEL_NUMBER  # alpenhof's WhatsApp sender (config/tenants.yml whatsapp_numbers)
QUESTION_CLEANLINESS = CATALOG.render("en", "question.cleanliness", low=1, high=5)


class WhatsappPhone:
    """A guest on WhatsApp: writes through the stand-in, which posts to the webhook."""

    def __init__(self, stack, number: str | None = None, to: str = HOTEL) -> None:
        fake = stack.fake_twilio
        assert fake is not None, "the stack runs the Twilio stand-in"
        self.stack, self.fake, self.to = stack, fake, to
        self.number = number or "+49151" + str(secrets.randbelow(10**8)).zfill(8)
        self.address = WA + self.number

    async def write(self, body: str) -> int:
        spec = {
            "url": self.stack.settings.public_url + "/webhooks/sms/inbound",
            "from": self.address,
            "to": self.to,
            "body": body,
        }
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.fake.base_url + "/_fake/inbound", json=spec) as r,
        ):
            assert r.status == 200, await r.text()
            return (await r.json())["http_status"]

    async def received(self) -> list[dict]:
        async with (
            aiohttp.ClientSession() as http,
            http.get(self.fake.base_url + "/_fake/messages") as r,
        ):
            return [m for m in await r.json() if m.get("to") == self.address]

    async def text(self) -> str:
        return "".join(m["body"] for m in await self.received())

    async def wait_for_text(self, needle: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in (text := await self.text()):
                return text
            await asyncio.sleep(0.1)
        raise AssertionError(f"{needle!r} never sent on WhatsApp; got {await self.text()!r}")


def refs(stack, number: str) -> str:
    guest = "sms-" + guest_ref(stack.settings.guest_key, "alpenhof", number)[2:26]
    return guest_ref(stack.settings.guest_key, "alpenhof", guest)


async def find(stack, collection: str, query: dict) -> list[dict]:
    client = mongo(stack)
    try:
        return [d async for d in tenant_db(stack, client, "alpenhof")[collection].find(query)]
    finally:
        client.close()


async def test_a_guest_on_whatsapp_gets_the_bots_replies_on_whatsapp(stack):
    phone = WhatsappPhone(stack)
    assert await phone.write(HELLO) == 200
    text = await phone.wait_for_text(QUESTION_OVERALL)
    assert text.startswith(CATALOG.render("en", "greeting", hotel="Hotel Alpenhof")[:40])
    sent = await phone.received()
    assert {m["from"] for m in sent} == {HOTEL} and all(m["error_code"] is None for m in sent)
    assert await phone.write("4") == 200
    await phone.wait_for_text(QUESTION_ROOM)
    gref = refs(stack, phone.number)
    ratings = await find(stack, "ratings", {"guest_ref": gref})
    assert [(d["question"], d["value"], d["channel"]) for d in ratings] == [("overall", 4, "whatsapp")]
    assert phone.number not in str(ratings) and phone.number[1:] not in str(ratings)
    [window] = await find(stack, "whatsapp_window", {"guest_ref": gref})
    assert window["via"] == HOTEL_NUMBER and isinstance(window["last_inbound_at"], float)
    assert time.time() - window["last_inbound_at"] < 60
    records = await find(stack, "sms_outbound", {"guest_ref": gref})
    assert {r["medium"] for r in records} == {"whatsapp"}
    assert sorted(r["_id"] for r in records) == sorted(m["sid"] for m in await phone.received())


async def test_the_same_number_by_sms_continues_as_the_same_guest(stack):
    wa = WhatsappPhone(stack)
    await wa.write(HELLO)
    await wa.wait_for_text(QUESTION_OVERALL)
    await wa.write("4")
    await wa.wait_for_text(QUESTION_ROOM)
    sms = Phone(stack, number=wa.number)
    await sms.post(sms.form("5"))  # the room question, answered by SMS
    await sms.wait_for_text(QUESTION_CLEANLINESS)
    ratings = await find(stack, "ratings", {"guest_ref": refs(stack, wa.number)})
    # one conversation: its ratings carry the channel it began on
    assert sorted((d["question"], d["value"], d["channel"]) for d in ratings) == [
        ("overall", 4, "whatsapp"),
        ("room", 5, "whatsapp"),
    ]
    assert len({d["conversation_id"] for d in ratings}) == 1
    assert QUESTION_CLEANLINESS not in await wa.text()  # the reply went where the guest wrote


async def test_stop_on_whatsapp_is_confirmed_there_and_stops_further_messages(stack):
    phone = WhatsappPhone(stack)
    await phone.write(HELLO)
    await phone.wait_for_text(QUESTION_OVERALL)
    await phone.write("STOP")
    # Twilio answers no keyword on WhatsApp: the bot confirms, in English for "STOP"
    await phone.wait_for_text(CATALOG.render("en", "sms.stopped", hotel="Hotel Alpenhof"))
    before = len(await phone.received())
    await phone.write("4")
    sms = Phone(stack, number=phone.number)
    await sms.post(sms.form("4"))  # one guest, one STOP: not by SMS either
    await asyncio.sleep(1.5)
    assert len(await phone.received()) == before and await sms.sent_to_me() == []
    assert await find(stack, "ratings", {"guest_ref": refs(stack, phone.number)}) == []
    await phone.write("START")
    await phone.wait_for_text(CATALOG.render("en", "sms.started", hotel="Hotel Alpenhof"))
    await phone.write("4")
    await phone.wait_for_text(QUESTION_ROOM)


async def test_stop_in_german_on_whatsapp_is_answered_in_german(stack):
    phone = WhatsappPhone(stack)
    await phone.write("Stopp")
    await phone.wait_for_text(CATALOG.render("de", "sms.stopped", hotel="Hotel Alpenhof"))


async def test_whatsapp_status_callbacks_reach_the_record_up_to_read(stack):
    phone = WhatsappPhone(stack)
    await phone.write(HELLO)
    await phone.wait_for_text(QUESTION_OVERALL)
    sid = (await phone.received())[0]["sid"]
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{phone.fake.base_url}/_fake/deliver/{sid}", json={"statuses": ["sent", "delivered", "read"]}
        ) as r,
    ):
        callbacks = (await r.json())["callbacks"]
    assert [c["http_status"] for c in callbacks] == [204, 204, 204]
    [doc] = await find(stack, "sms_outbound", {"_id": sid})
    assert doc["status"] == "read" and {"sent", "delivered", "read"} <= set(doc["history"])


async def test_a_whatsapp_message_to_an_unknown_sender_is_refused(stack):
    phone = WhatsappPhone(stack, to=WA + "+14155550100")
    assert await phone.write("hi") == 404
    await asyncio.sleep(0.5)
    assert await phone.received() == []


async def test_a_mis_signed_whatsapp_message_is_refused(stack):
    phone = Phone(stack)  # signs with a wrong token, WhatsApp addresses
    form = {**phone.form("hi"), "From": WA + phone.number, "To": HOTEL}
    status, _ = await phone.post(form, token="0" * 32)
    assert status == 403
