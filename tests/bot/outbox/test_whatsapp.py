"""WhatsApp through the outbox, against the real parts: an embedded MongoDB-wire
server, the real WhatsApp transport talking to the Twilio stand-in on loopback, and a
clock the test moves. Free text only within 24 hours of the guest's last message
(refused with "outside_window" otherwise, nothing sent); a template at any time; STOP
and objection as for SMS."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator

import pytest

from bot.channels.transports import build_transports
from bot.outbox import DeliveryFailed, Outbox
from bot.outbox.outbox import WHATSAPP_MAX_CHARS
from bot.outbox.sms_store import SmsStore
from bot.outbox.whatsapp_window import WINDOW_SECONDS, WhatsappWindow, within_window
from bot.storage.contacts import Contact, ContactStore
from bot.storage.flags import FlagStore
from bot.storage.mongo import MongoStore, connect
from devtools.fake_twilio import FakeTwilio, running_fake
from tests.bot.outbox.test_outbox import ACCOUNT, TOKEN, mongo_server, settings_for
from tests.conftest import free_port

__all__ = ["mongo_server"]  # the module's embedded MongoDB-wire server, shared

TENANT = "alpenhof"
GUEST = "+4915112345678"
HOTEL = "+49882112345"
TEMPLATE = "HX" + "d4" * 16
T0 = 1_765_000_000.0


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    async with running_fake({ACCOUNT: TOKEN}) as fake:
        yield fake


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
async def outbox(mongo_server, twilio, clock) -> AsyncIterator[Outbox]:
    settings = settings_for(mongo_server, twilio, free_port())
    mongo = MongoStore(connect(settings.effective_mongodb_url.value), settings.db_prefix)
    box = Outbox(settings, mongo, build_transports(settings), clock=clock)
    yield box
    await box.close()
    mongo.client.close()


def fresh_ref() -> str:
    return "g_" + secrets.token_hex(8)


async def guest_wrote(outbox: Outbox, at: float) -> str:
    """A WhatsApp guest whose last message reached the hotel at `at` (as the channel
    records it), and the stand-in's own session opened then too."""
    gref = fresh_ref()
    await ContactStore(outbox.mongo, TENANT, outbox.cipher).remember(Contact(gref, "whatsapp", GUEST, HOTEL))
    await WhatsappWindow(outbox.mongo, TENANT).opened(gref, HOTEL, at)
    return gref


def message(text: str = "Hello, this is Anna from reception.") -> dict[str, str]:
    return {"_id": "m_" + fresh_ref(), "text": text, "author": "staff"}


async def records(outbox: Outbox, gref: str) -> list[dict]:
    return [d async for d in SmsStore(outbox.mongo, TENANT).outbound.find({"guest_ref": gref})]


# ---- the rule, pure ---------------------------------------------------------------------


def test_the_window_is_24_hours_from_the_guests_last_message():
    assert within_window(T0, T0) and within_window(T0, T0 + WINDOW_SECONDS - 0.001)
    assert not within_window(T0, T0 + WINDOW_SECONDS) and not within_window(T0, T0 + 3 * WINDOW_SECONDS)
    assert not within_window(None, T0)
    assert within_window(T0 + 5, T0)  # a clock slightly behind the writer's: just now


# ---- the store ----------------------------------------------------------------------------


async def test_the_window_keeps_the_latest_time_as_an_epoch_float(outbox):
    window = WhatsappWindow(outbox.mongo, TENANT, lambda: T0 + 60)
    gref = fresh_ref()
    assert await window.last_inbound(gref, HOTEL) is None and not await window.is_open(gref, HOTEL)
    await window.opened(gref, HOTEL, T0)
    await window.opened(gref, HOTEL, T0 - 3600)  # a turn retried late: never backwards
    assert await window.last_inbound(gref, HOTEL) == T0
    await window.opened(gref, HOTEL, T0 + 30)  # a newer message (written by $set)
    stored = await window.collection.find_one({"_id": window.key(gref, HOTEL)})
    assert stored["last_inbound_at"] == T0 + 30 and isinstance(stored["last_inbound_at"], float)
    assert stored["guest_ref"] == gref and stored["via"] == HOTEL and GUEST not in str(stored)
    assert await window.is_open(gref, HOTEL) and not await window.is_open(gref, "+49882199999")


# ---- free text: only within the window ----------------------------------------------------


async def test_a_reply_within_the_window_goes_out_on_whatsapp_and_is_recorded(outbox, twilio, clock):
    gref = await guest_wrote(outbox, T0)
    await twilio.session("whatsapp:" + GUEST, "whatsapp:" + HOTEL, age=1)
    clock.now = T0 + WINDOW_SECONDS - 60
    await outbox.reply(TENANT, gref, "whatsapp", to=GUEST, via=HOTEL, text="Thank you!")
    [sent] = await twilio.messages()
    assert (sent["to"], sent["from"], sent["body"]) == (
        "whatsapp:" + GUEST,
        "whatsapp:" + HOTEL,
        "Thank you!",
    )
    assert sent["error_code"] is None
    [record] = await records(outbox, gref)
    assert (record["_id"], record["medium"], record["status"]) == (sent["sid"], "whatsapp", "queued")


async def test_free_text_outside_the_window_is_refused_and_nothing_is_sent(outbox, twilio, clock):
    gref = await guest_wrote(outbox, T0)
    clock.now = T0 + WINDOW_SECONDS
    with pytest.raises(DeliveryFailed) as refused:
        await outbox.reply(TENANT, gref, "whatsapp", to=GUEST, via=HOTEL, text="Still there?")
    assert refused.value.code == "outside_window" and refused.value.retryable is False
    with pytest.raises(DeliveryFailed) as staff:
        await outbox.to_guest(TENANT, "whatsapp", gref, message())
    assert staff.value.code == "outside_window"
    with pytest.raises(DeliveryFailed) as never:  # a guest who never wrote on WhatsApp
        await outbox.reply(TENANT, fresh_ref(), "whatsapp", to=GUEST, via=HOTEL, text="Hi")
    assert never.value.code == "outside_window"
    assert await twilio.messages() == [] and await records(outbox, gref) == []


async def test_a_staff_reply_on_whatsapp_uses_the_stored_contact_and_is_split_by_characters(
    outbox, twilio, clock
):
    gref = await guest_wrote(outbox, T0)
    clock.now = T0 + 3600
    long = " ".join(f"Sentence {i} of a long answer from the front desk." for i in range(60))
    assert len(long) > WHATSAPP_MAX_CHARS
    assert await outbox.to_guest(TENANT, "whatsapp", gref, message(long))
    sent = await twilio.messages()
    assert len(sent) == 2 and all(len(m["body"]) <= WHATSAPP_MAX_CHARS for m in sent)
    assert " ".join(m["body"] for m in sent) == long
    assert {m["to"] for m in sent} == {"whatsapp:" + GUEST} and len(await records(outbox, gref)) == 2


async def test_a_staff_reply_goes_where_the_guest_last_wrote(outbox, twilio, clock):
    gref = await guest_wrote(outbox, T0)  # the conversation began by SMS, the guest now writes on WhatsApp
    clock.now = T0 + 60
    assert await outbox.to_guest(TENANT, "sms", gref, message("On WhatsApp."))
    [sent] = await twilio.messages()
    assert sent["to"] == "whatsapp:" + GUEST and sent["body"] == "On WhatsApp."


async def test_stop_and_objection_hold_on_whatsapp(outbox, twilio):
    stopped = await guest_wrote(outbox, T0)
    await SmsStore(outbox.mongo, TENANT).set_consent(stopped, opted_out=True, keyword="stop")
    objected = await guest_wrote(outbox, T0)
    await FlagStore(outbox.mongo, TENANT).set(objected, objected=True)
    for gref, code in ((stopped, "opted_out"), (objected, "objected")):
        with pytest.raises(DeliveryFailed) as refused:
            await outbox.to_guest(TENANT, "whatsapp", gref, message())
        assert refused.value.code == code
        with pytest.raises(DeliveryFailed) as template:
            await outbox.whatsapp_template(TENANT, gref, to=GUEST, via=HOTEL, content_sid=TEMPLATE)
        assert template.value.code == code
    assert await twilio.messages() == []


# ---- templates: at any time ----------------------------------------------------------------


async def test_a_template_goes_out_outside_the_window_with_its_variables(outbox, twilio, clock):
    gref = fresh_ref()  # never wrote: a business-initiated message
    clock.now = T0 + 10 * WINDOW_SECONDS
    variables = {"1": "Anna", "2": "Hotel Alpenhof"}
    sid = await outbox.whatsapp_template(
        TENANT, gref, to=GUEST, via=HOTEL, content_sid=TEMPLATE, variables=variables
    )
    [sent] = await twilio.messages()
    assert sent["sid"] == sid and sent["to"] == "whatsapp:" + GUEST and sent["from"] == "whatsapp:" + HOTEL
    assert (sent["content_sid"], sent["content_variables"]) == (TEMPLATE, variables)
    assert sent["error_code"] is None  # Twilio's window rule lets a template through
    [record] = await records(outbox, gref)
    assert record["_id"] == sid and record["medium"] == "whatsapp"
    assert "Anna" not in json.dumps(record, default=str)


@pytest.mark.parametrize(
    ("content_sid", "variables"),
    [
        ("HX123", {}),
        ("", {}),
        (TEMPLATE, {"a key": "x"}),
        (TEMPLATE, {"1": 2}),
        (TEMPLATE, {"k" * 17: "x"}),
        (TEMPLATE, {str(i): "x" for i in range(101)}),
        (TEMPLATE, {"1": "x" * (WHATSAPP_MAX_CHARS + 1)}),
    ],
)
async def test_a_malformed_template_is_refused_before_twilio(outbox, twilio, content_sid, variables):
    with pytest.raises(DeliveryFailed) as refused:
        await outbox.whatsapp_template(
            TENANT, fresh_ref(), to=GUEST, via=HOTEL, content_sid=content_sid, variables=variables
        )
    assert refused.value.code == "bad_template"
    assert await twilio.attempts() == 0


async def test_an_erasure_receipt_on_whatsapp_needs_the_window_read_before(outbox, twilio):
    contact = Contact("g_erased", "whatsapp", GUEST, HOTEL)
    with pytest.raises(DeliveryFailed) as refused:
        await outbox.from_memory(TENANT, "whatsapp", "g_erased", contact, False, "r:receipt", "Erased.")
    assert refused.value.code == "outside_window"
    await twilio.session("whatsapp:" + GUEST, "whatsapp:" + HOTEL, age=1)
    await outbox.from_memory(
        TENANT, "whatsapp", "g_erased", contact, False, "r:receipt", "Erased.", window_open=True
    )
    [sent] = await twilio.messages()
    assert sent["body"] == "Erased." and sent["to"] == "whatsapp:" + GUEST
    assert await records(outbox, "g_erased") == []
