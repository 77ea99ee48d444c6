"""The outbox's decisions against the real parts: its own embedded MongoDB-wire server,
the real SMS and e-mail transports talking to the Twilio and SMTP stand-ins
(devtools/) on loopback. Suppressed guests get nothing and the reason; long SMS are
split and each part recorded; provider failures come back as one typed failure."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import pytest

from bot.base.settings import Settings
from bot.channels.transports import build_outbox
from bot.i18n import Catalog
from bot.outbox import DeliveryFailed, Outbox
from bot.outbox.segments import segment_count
from bot.outbox.sms_store import SmsStore
from bot.stack import Stack
from bot.storage.contacts import Contact, ContactStore
from bot.storage.flags import FlagStore
from bot.storage.mongo import MongoStore, connect
from bot.tenants.registry import Tenants
from devtools.fake_smtp import FakeSmtp, running_fake_smtp
from devtools.fake_twilio import FakeTwilio, running_fake
from tests.conftest import free_port

ACCOUNT = "AC" + "b2" * 16
TOKEN = "fake-auth-token"
TENANT = "alpenhof"
GUEST_NUMBER = "+4915112345678"
HOTEL_NUMBER = "+49882112345"
GUEST_MAIL = "guest.person@mail.example"
HOTEL_MAIL = "feedback@alpenhof.example"
LONG = " ".join(f"Sentence number {i} of a long answer from the front desk." for i in range(8))


@pytest.fixture(scope="module")
def mongo_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("outbox")
    settings = Settings.from_env({"RAPPORT_DATA_DIR": str(data_dir), "RAPPORT_MONGO_PORT": str(free_port())})
    stack = Stack(settings, progress=lambda m: None)
    stack._start_mongo(lambda m: None)
    yield stack
    stack.stop()


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    async with running_fake({ACCOUNT: TOKEN}) as fake:
        yield fake


@pytest.fixture
async def smtp() -> AsyncIterator[FakeSmtp]:
    async with running_fake_smtp() as fake:
        yield fake


def settings_for(mongo_server: Stack, twilio: FakeTwilio, smtp_port: int) -> Settings:
    return Settings.from_env(
        {
            "RAPPORT_DATA_DIR": str(mongo_server.settings.data_dir),
            "RAPPORT_MONGO_PORT": str(mongo_server.settings.mongo_port),
            "RAPPORT_DB_PREFIX": "rapport_outbox_",
            "RAPPORT_SMS_MAX_SEGMENTS": "1",
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_API_BASE": twilio.url,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
        }
    )


@pytest.fixture
async def outbox(mongo_server, twilio, smtp) -> AsyncIterator[Outbox]:
    settings = settings_for(mongo_server, twilio, smtp.smtp_port)
    mongo = MongoStore(connect(settings.effective_mongodb_url.value), settings.db_prefix)
    box = build_outbox(settings, mongo)
    yield box
    await box.close()
    mongo.client.close()


def fresh_ref() -> str:
    return "g_" + secrets.token_hex(8)


async def sms_guest(outbox: Outbox) -> str:
    gref = fresh_ref()
    contacts = ContactStore(outbox.mongo, TENANT, outbox.cipher)
    await contacts.remember(Contact(gref, "sms", GUEST_NUMBER, HOTEL_NUMBER))
    return gref


async def email_guest(outbox: Outbox) -> str:
    gref = fresh_ref()
    thread = {"subject": "Our stay", "message_id": "<m-1@mail.example>", "references": ["<m-0@mail.example>"]}
    contacts = ContactStore(outbox.mongo, TENANT, outbox.cipher)
    await contacts.remember(Contact(gref, "email", GUEST_MAIL, HOTEL_MAIL, thread))
    return gref


def message(text: str = "Hello, this is Anna from reception.") -> dict[str, str]:
    return {"_id": "m_" + fresh_ref(), "text": text, "author": "staff"}


async def records(outbox: Outbox, gref: str) -> list[dict]:
    return [d async for d in SmsStore(outbox.mongo, TENANT).outbound.find({"guest_ref": gref})]


# ---- suppression: nothing sent, and the reason ---------------------------------------------


async def test_a_guest_who_objected_gets_no_staff_message_but_what_they_asked_for(outbox, twilio):
    gref = await sms_guest(outbox)
    await FlagStore(outbox.mongo, TENANT).set(gref, objected=True)
    with pytest.raises(DeliveryFailed) as refused:
        await outbox.to_guest(TENANT, "sms", gref, message())
    assert refused.value.code == "objected" and await twilio.messages() == []
    assert await outbox.to_guest(TENANT, "sms", gref, message("Your code: 123456"), essential=True)
    assert [m["body"] for m in await twilio.messages()] == ["Your code: 123456"]


async def test_no_sms_to_a_guest_who_sent_stop_even_when_essential(outbox, twilio):
    gref = await sms_guest(outbox)
    await SmsStore(outbox.mongo, TENANT).set_consent(gref, opted_out=True, keyword="stop")
    for essential in (False, True):
        with pytest.raises(DeliveryFailed) as refused:
            await outbox.to_guest(TENANT, "sms", gref, message(), essential=essential)
        assert refused.value.code == "opted_out"
    assert await twilio.messages() == [] and await records(outbox, gref) == []


async def test_a_guest_without_a_stored_contact_cannot_be_reached(outbox, twilio, smtp):
    for channel in ("sms", "email"):
        with pytest.raises(DeliveryFailed) as failed:
            await outbox.to_guest(TENANT, channel, fresh_ref(), message())
        assert failed.value.code == "no_contact"
    assert await twilio.messages() == [] and await smtp.messages() == []


async def test_a_rest_guest_gets_nothing_pushed(outbox, twilio, smtp):
    assert await outbox.to_guest(TENANT, "rest", fresh_ref(), message()) is False
    assert await twilio.messages() == [] and await smtp.messages() == []


async def test_opening_the_sealed_contact_is_audited(outbox, twilio):
    gref = await sms_guest(outbox)
    inbox = outbox.mongo.client[outbox.audit.database_of(TENANT)]["audit_inbox"]
    before = await inbox.count_documents({})
    await outbox.to_guest(TENANT, "sms", gref, message())
    assert await inbox.count_documents({}) == before + 1
    assert gref in str(await inbox.find_one({}, sort=[("_id", -1)]))


# ---- splitting and the delivery record -----------------------------------------------------


async def test_a_long_sms_is_split_and_every_part_recorded_with_the_guest(outbox, twilio):
    gref = await sms_guest(outbox)
    assert await outbox.to_guest(TENANT, "sms", gref, message(LONG))
    sent = await twilio.messages()
    assert len(sent) > 1 and all(segment_count(m["body"]) == 1 for m in sent)
    assert " ".join(m["body"] for m in sent) == LONG
    assert all(m["to"] == GUEST_NUMBER and m["from"] == HOTEL_NUMBER for m in sent)
    stored = await records(outbox, gref)
    assert sorted(d["_id"] for d in stored) == sorted(m["sid"] for m in sent)
    assert all(d["status"] == "queued" for d in stored)


async def test_a_bot_reply_goes_to_the_number_it_answers_and_is_recorded(outbox, twilio):
    gref = fresh_ref()  # no contact and no flags needed: the turn already decided
    await outbox.reply(TENANT, gref, "sms", to=GUEST_NUMBER, via=HOTEL_NUMBER, text="Thank you!")
    [sent] = await twilio.messages()
    assert (sent["to"], sent["from"], sent["body"]) == (GUEST_NUMBER, HOTEL_NUMBER, "Thank you!")
    assert [d["_id"] for d in await records(outbox, gref)] == [sent["sid"]]


async def test_a_message_from_memory_leaves_no_record(outbox, twilio):
    gref = fresh_ref()
    contact = Contact(gref, "sms", GUEST_NUMBER, HOTEL_NUMBER)
    await outbox.from_memory(TENANT, "sms", gref, contact, False, "r_1:receipt", LONG)
    assert len(await twilio.messages()) > 1 and await records(outbox, gref) == []
    with pytest.raises(DeliveryFailed) as stopped:
        await outbox.from_memory(TENANT, "sms", gref, contact, True, "r_1:receipt", "Erased.")
    assert stopped.value.code == "opted_out"
    with pytest.raises(DeliveryFailed) as nobody:
        await outbox.from_memory(TENANT, "email", gref, None, False, "r_1:receipt", "Erased.")
    assert nobody.value.code == "no_contact"


# ---- e-mail: threaded to guests, notices to staff ------------------------------------------


async def test_a_staff_reply_by_email_lands_in_the_guests_thread(outbox, smtp):
    gref = await email_guest(outbox)
    assert await outbox.to_guest(TENANT, "email", gref, message("Dear guest, I am on it."))
    [mail] = await smtp.messages()
    assert mail["mail_from"] == HOTEL_MAIL and mail["rcpt_tos"] == [GUEST_MAIL]
    assert mail["subject"] == "Re: Our stay" and mail["in_reply_to"] == "<m-1@mail.example>"
    assert "<m-0@mail.example>" in mail["references"] and "X-Rapport-Loop: rapport" in mail["raw"]


async def test_a_staff_notice_comes_from_no_reply_and_is_auto_generated(outbox, smtp, twilio):
    tenant = Tenants.load(outbox.settings.tenants_file, Catalog.load().languages).get(TENANT)
    await outbox.to_staff(tenant, "email", "anna@alpenhof.example", "A guest waits.", subject="Escalation")
    [mail] = await smtp.messages()
    domain = tenant.email_addresses[0].split("@", 1)[1]
    assert mail["mail_from"] == f"no-reply@{domain}" and mail["subject"] == "Escalation"
    assert "Auto-Submitted: auto-generated" in mail["raw"] and mail["in_reply_to"] is None
    await outbox.to_staff(tenant, "sms", "+4917000000001", "Escalation: " + LONG)
    [sms] = await twilio.messages()  # one message: staff notices are not split
    assert sms["from"] == tenant.sms_numbers[0] and sms["body"] == "Escalation: " + LONG


# ---- provider failures: one typed failure --------------------------------------------------


async def test_a_provider_failure_is_one_typed_failure_and_nothing_is_recorded(outbox, twilio):
    gref = await sms_guest(outbox)
    await twilio.fault(503)
    with pytest.raises(DeliveryFailed) as failed:
        await outbox.to_guest(TENANT, "sms", gref, message())
    # Twilio may have taken it: not safe to resend blindly
    assert failed.value.code == "provider_failed" and failed.value.retryable is False
    assert await records(outbox, gref) == []


async def test_an_unreachable_relay_is_a_retryable_failure(mongo_server, twilio):
    settings = settings_for(mongo_server, twilio, free_port())  # nothing listens there
    mongo = MongoStore(connect(settings.effective_mongodb_url.value), settings.db_prefix)
    box = build_outbox(settings, mongo)
    try:
        gref = await email_guest(box)
        with pytest.raises(DeliveryFailed) as failed:
            await box.to_guest(TENANT, "email", gref, message())
        assert failed.value.code == "provider_failed" and failed.value.retryable is True
    finally:
        await box.close()
        mongo.client.close()
