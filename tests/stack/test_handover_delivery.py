"""Staff replies reach the guest on the guest's own channel: SMS through the Twilio
stand-in, e-mail in the guest's thread through the SMTP stand-in, the web widget
through Redis to the process holding the socket (and again after a reconnect until the
widget acknowledges). Contact data is sealed at rest."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.base.refs import guest_ref
from bot.base.settings import Settings
from bot.channels.transports import build_outbox
from bot.handover.delivery import Delivery
from bot.handover.store import HandoverStore
from bot.outbox import DeliveryFailed
from bot.storage.mongo import MongoStore
from tests.stack.client import mongo, tenant_db
from tests.stack.test_email import Mailbox
from tests.stack.test_sms import Phone
from tests.stack.test_webchat import Chat

pytestmark = pytest.mark.stack

ASK_PERSON = "I would like to talk to a person please"


@pytest.fixture()
async def staff(stack):
    """The console's view: the handover store with real delivery."""
    client = mongo(stack)
    settings = Settings.from_env(stack.child_env())  # as the console process sees them
    delivery = Delivery(build_outbox(settings, MongoStore(client, stack.settings.db_prefix)))

    def make(tenant: str = "alpenhof") -> HandoverStore:
        return HandoverStore(MongoStore(client, stack.settings.db_prefix), tenant, deliver=delivery)

    yield make
    await delivery.close()
    client.close()


async def _escalated(staff, ref: str, tenant: str = "alpenhof", timeout: float = 20) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        docs = [d async for d in staff(tenant).handovers.find({"guest_ref": ref})]
        if docs:
            return docs[0]
        await asyncio.sleep(0.2)
    raise AssertionError("the conversation was never escalated")


def _sms_ref(stack, number: str) -> str:
    guest = "sms-" + guest_ref(stack.settings.guest_key, "alpenhof", number)[2:26]
    return guest_ref(stack.settings.guest_key, "alpenhof", guest)


async def test_staff_reply_reaches_an_sms_guest_from_the_hotel_number(stack, staff):
    phone = Phone(stack)
    await phone.post(phone.form("Hello, I would like to give some feedback about my stay"))
    await phone.post(phone.form(ASK_PERSON))
    doc = await _escalated(staff, _sms_ref(stack, phone.number))
    await staff().take(doc["_id"], "agent-1")
    message = await staff().staff_reply(doc["_id"], "agent-1", "Hello, this is Anna from reception.")
    text = await phone.wait_for_text("this is Anna from reception")
    assert text.endswith("Hello, this is Anna from reception.")
    sent = [m for m in await phone.sent_to_me() if "Anna" in m["body"]]
    assert [m["from"] for m in sent] == ["+49882112345"]
    stored = await staff().messages.find_one({"_id": message["_id"]})
    assert stored["delivered"]  # with the provider


async def test_contact_data_is_sealed_at_rest(stack, staff):
    phone = Phone(stack)
    await phone.post(phone.form("Hello, I would like to give some feedback about my stay"))
    await phone.wait_for(1)
    client = mongo(stack)
    try:
        contact = await tenant_db(stack, client, "alpenhof").contacts.find_one(
            {"_id": _sms_ref(stack, phone.number)}
        )
    finally:
        client.close()
    assert contact is not None and contact["channel"] == "sms"
    assert phone.number not in str(contact) and phone.number[1:] not in str(contact)
    assert contact["address"].startswith("v1.")


async def test_no_staff_sms_to_a_guest_who_sent_stop(stack, staff):
    phone = Phone(stack)
    await phone.post(phone.form("Hello, I would like to give some feedback about my stay"))
    await phone.post(phone.form(ASK_PERSON))
    doc = await _escalated(staff, _sms_ref(stack, phone.number))
    await phone.post(phone.form("STOP"))
    await asyncio.sleep(1.0)
    await staff().take(doc["_id"], "agent-1")
    before = len(await phone.sent_to_me())
    with pytest.raises(DeliveryFailed) as failed:
        await staff().staff_reply(doc["_id"], "agent-1", "Are you still there?")
    assert failed.value.code == "opted_out"
    assert len(await phone.sent_to_me()) == before
    transcript = await staff().transcript(doc["_id"])
    assert transcript[-1]["text"] == "Are you still there?" and not transcript[-1]["delivered"]


async def test_staff_reply_reaches_an_email_guest_in_the_same_thread(stack, staff):
    box = Mailbox(stack)
    assert await box.post(box.form("Hello, I would like to tell you about my stay at your hotel.")) == 200
    await box.wait_for(1)
    form = box.form(ASK_PERSON, message_id="<ask-person-1@example.org>", subject="My stay")
    assert await box.post(form) == 200
    guest = "email-" + guest_ref(stack.settings.guest_key, "alpenhof", box.address)[2:26]
    doc = await _escalated(staff, guest_ref(stack.settings.guest_key, "alpenhof", guest))
    await staff().take(doc["_id"], "agent-1")
    await staff().staff_reply(doc["_id"], "agent-1", "Dear guest, I am on it. Anna")
    mails = await box.wait_for(3)
    reply = mails[-1]
    assert reply["in_reply_to"] == "<ask-person-1@example.org>"
    assert "<ask-person-1@example.org>" in reply["references"]
    assert reply["subject"] == "Re: My stay" and reply["mail_from"] == "feedback@alpenhof.example"
    assert "I am on it" in reply["raw"].replace("=\r\n", "")


class StaffChat(Chat):
    """A widget tab that also records staff messages and acknowledges them as the
    widget does (unless told not to)."""

    def __init__(self, stack, ack: bool = True) -> None:
        super().__init__(stack)
        self.staff: list[dict[str, Any]] = []
        self.ack = ack

        async def on_staff(data: Any) -> None:
            self.staff.append(data)
            if self.ack:
                await self.sio.emit("staff_received", {"id": data["id"]})

        self.sio.on("staff_uttered", on_staff)

    async def wait_staff(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.staff) < count and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        return self.staff


async def _webchat_escalated(stack, staff, chat: StaffChat) -> dict:
    await chat.connect()
    await chat.session()
    await chat.say("/start", 2)
    await chat.sio.emit("user_uttered", {"message": ASK_PERSON, "locale": "en"})
    return await _escalated(staff, chat.ref)


async def test_staff_reply_reaches_the_guests_widget_and_no_other(stack, staff):
    guest, other = StaffChat(stack), StaffChat(stack)
    try:
        doc = await _webchat_escalated(stack, staff, guest)
        await other.connect()
        await other.session()
        await staff().take(doc["_id"], "agent-1")
        message = await staff().staff_reply(doc["_id"], "agent-1", "Hi, Anna here. How can I help?")
        got = await guest.wait_staff(1)
        assert [(m["text"], m["from"], m["id"]) for m in got] == [
            ("Hi, Anna here. How can I help?", "staff", message["_id"])
        ]
        await asyncio.sleep(0.5)
        assert other.staff == []
        stored = await staff().messages.find_one({"_id": message["_id"]})
        assert stored["delivered"]  # acknowledged by the widget
    finally:
        await guest.close()
        await other.close()


async def test_a_staff_reply_sent_while_the_widget_was_closed_arrives_on_reconnect(stack, staff):
    guest = StaffChat(stack)
    doc = await _webchat_escalated(stack, staff, guest)
    token = guest.token
    await guest.close()
    await staff().take(doc["_id"], "agent-1")
    message = await staff().staff_reply(doc["_id"], "agent-1", "Sorry for the wait — are you still there?")
    assert not (await staff().messages.find_one({"_id": message["_id"]}))["delivered"]

    again = StaffChat(stack)
    try:
        await again.connect()
        await again.session(token)
        got = await again.wait_staff(1)
        assert [m["id"] for m in got] == [message["_id"]]
        await asyncio.sleep(0.5)
        assert (await staff().messages.find_one({"_id": message["_id"]}))["delivered"]
    finally:
        await again.close()
    third = StaffChat(stack)
    try:  # acknowledged: not sent a third time
        await third.connect()
        await third.session(token)
        await asyncio.sleep(1.0)
        assert third.staff == []
    finally:
        await third.close()


async def test_a_widget_cannot_acknowledge_another_guests_message(stack, staff):
    guest, intruder = StaffChat(stack, ack=False), StaffChat(stack)
    try:
        doc = await _webchat_escalated(stack, staff, guest)
        await staff().take(doc["_id"], "agent-1")
        message = await staff().staff_reply(doc["_id"], "agent-1", "Only for you")
        await guest.wait_staff(1)
        await intruder.connect()
        await intruder.session()
        await intruder.sio.emit("staff_received", {"id": message["_id"]})
        await intruder.sio.emit("staff_received", {"id": {"$ne": ""}})
        await asyncio.sleep(0.5)
        assert not (await staff().messages.find_one({"_id": message["_id"]}))["delivered"]
    finally:
        await guest.close()
        await intruder.close()
