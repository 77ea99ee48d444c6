"""Invitations through the outbox (`Outbox.invite`) against the real parts: an embedded
MongoDB-wire server and Valkey, the real Twilio and SMTP transports talking to the
stand-ins. Channel fallback in the journey's order, consent and suppression, WhatsApp's
window and templates, e-mail threading, the send rate per number shared by two
outboxes, and Twilio's 429."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace

import pytest
import redis.asyncio as aioredis

from bot.base.settings import Settings
from bot.channels.transports import build_outbox
from bot.i18n import Catalog
from bot.outbox import DeliveryFailed, Outbox
from bot.outbox.sms_store import SmsStore
from bot.outbox.throttle import Throttle
from bot.outbox.whatsapp_window import WhatsappWindow
from bot.stack import Stack
from bot.storage.flags import FlagStore
from bot.storage.mongo import MongoStore, connect
from bot.tenants.registry import Tenants
from devtools.fake_smtp import FakeSmtp, running_fake_smtp
from devtools.fake_twilio import FakeTwilio, running_fake
from tests.bot.outbox.test_outbox import ACCOUNT, TOKEN, fresh_ref, mongo_server, settings_for
from tests.conftest import free_port

__all__ = ["mongo_server"]

GUEST = "+4915112345678"
MAIL = "guest.person@mail.example"
TEMPLATE = "HX" + "ab" * 16


@dataclass(frozen=True)
class Text:
    text: str = "Hello Anna! How was your stay at Alpenhof? Reply 1-5.\n\nSTOP to opt out"
    email_text: str = "Hello Anna! How was your stay at Alpenhof? Reply 1-5."
    subject: str = "Your stay at Alpenhof"
    template_variables: dict[str, str] = field(
        default_factory=lambda: {"1": "Anna", "2": "Alpenhof", "3": ""}
    )


@pytest.fixture(scope="module")
def valkey(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("throttle")
    settings = Settings.from_env({"RAPPORT_DATA_DIR": str(data_dir), "RAPPORT_REDIS_PORT": str(free_port())})
    stack = Stack(settings, progress=lambda m: None)
    stack._start_redis(lambda m: None)
    yield settings.effective_redis_url.value
    stack.stop()


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    async with running_fake({ACCOUNT: TOKEN}) as fake:
        yield fake


@pytest.fixture
async def smtp() -> AsyncIterator[FakeSmtp]:
    async with running_fake_smtp() as fake:
        yield fake


@pytest.fixture
async def redis(valkey) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(valkey)
    await client.flushdb()
    yield client
    await client.close()


@pytest.fixture
async def outbox(mongo_server, twilio, smtp, redis) -> AsyncIterator[Outbox]:
    settings = settings_for(mongo_server, twilio, smtp.smtp_port)
    mongo = MongoStore(connect(settings.effective_mongodb_url.value), settings.db_prefix)
    box = build_outbox(settings, mongo, redis=redis)
    yield box
    await box.close()
    mongo.client.close()


@pytest.fixture(scope="module")
def tenant():
    return Tenants.load(Settings.from_env({}).tenants_file, Catalog.load().languages).get("alpenhof")


async def invite(outbox, tenant, gref, channels, *, phone=GUEST, email=MAIL, template=None, rates=None):
    return await outbox.invite(
        tenant,
        gref,
        channels=channels,
        phone=phone,
        email=email,
        message=Text(),
        template_sid=template,
        rates=rates,
    )


# ---- fallback ---------------------------------------------------------------------------


async def test_whatsapp_outside_the_window_without_a_template_falls_back_to_sms(outbox, tenant, twilio):
    gref = fresh_ref()
    done = await invite(outbox, tenant, gref, ["whatsapp", "sms", "email"])
    assert done.channel == "sms" and done.tried == [("whatsapp", "outside_window")]
    [sms] = await twilio.messages()
    assert sms["to"] == GUEST and sms["from"] == tenant.sms_numbers[0] and sms["body"] == Text().text
    [record] = [d async for d in SmsStore(outbox.mongo, "alpenhof").outbound.find({"guest_ref": gref})]
    assert record["_id"] == done.message_id


async def test_whatsapp_outside_the_window_sends_the_template(outbox, tenant, twilio):
    done = await invite(outbox, tenant, fresh_ref(), ["whatsapp", "sms"], template=TEMPLATE)
    assert done.channel == "whatsapp" and done.tried == []
    [wa] = await twilio.messages()
    assert wa["to"] == f"whatsapp:{GUEST}" and wa["from"] == f"whatsapp:{tenant.whatsapp_numbers[0]}"
    assert wa["content_sid"] == TEMPLATE and wa["content_variables"] == Text().template_variables
    assert wa["body"] == ""


async def test_whatsapp_within_the_window_sends_free_text(outbox, tenant, twilio):
    gref = fresh_ref()
    await WhatsappWindow(outbox.mongo, "alpenhof").opened(gref, tenant.whatsapp_numbers[0], time.time() - 60)
    done = await invite(outbox, tenant, gref, ["whatsapp"], template=TEMPLATE)
    [wa] = await twilio.messages()
    assert done.channel == "whatsapp" and wa["body"] == Text().text and "content_sid" not in wa


async def test_a_stop_skips_sms_and_whatsapp_and_mail_still_goes(outbox, tenant, twilio, smtp):
    gref = fresh_ref()
    await SmsStore(outbox.mongo, "alpenhof").set_consent(gref, opted_out=True, keyword="stop")
    done = await invite(outbox, tenant, gref, ["whatsapp", "sms", "email"], template=TEMPLATE)
    assert done.channel == "email" and done.tried == [("whatsapp", "opted_out"), ("sms", "opted_out")]
    assert await twilio.messages() == []
    [mail] = await smtp.messages()
    assert mail["subject"] == "Your stay at Alpenhof" and not mail["subject"].startswith("Re:")
    assert mail["mail_from"] == tenant.email_addresses[0] and mail["rcpt_tos"] == [MAIL]
    assert mail["message_id"] == done.message_id and mail["message_id"].endswith("@alpenhof.example>")
    assert "STOP" not in mail["raw"]


async def test_missing_contacts_and_senders_are_skipped(outbox, tenant, twilio, smtp):
    no_whatsapp = replace(tenant, whatsapp_numbers=())
    done = await invite(outbox, no_whatsapp, fresh_ref(), ["whatsapp", "sms", "email"], phone=None)
    assert done.channel == "email" and done.tried == [("whatsapp", "no_contact"), ("sms", "no_contact")]
    done = await invite(outbox, no_whatsapp, fresh_ref(), ["whatsapp", "email"], template=TEMPLATE)
    assert done.channel == "email" and done.tried == [("whatsapp", "no_sender")]
    with pytest.raises(DeliveryFailed) as none:
        await invite(outbox, tenant, fresh_ref(), ["sms", "email"], phone=None, email=None)
    assert none.value.code == "no_channel" and none.value.tried == [
        ("sms", "no_contact"),
        ("email", "no_contact"),
    ]


@pytest.mark.parametrize("flag", ["objected", "restricted"])
async def test_nothing_to_a_guest_who_objected_or_restricted(outbox, tenant, twilio, smtp, flag):
    gref = fresh_ref()
    await FlagStore(outbox.mongo, "alpenhof").set(gref, **{flag: True})
    with pytest.raises(DeliveryFailed) as refused:
        await invite(outbox, tenant, gref, ["sms", "email"])
    assert refused.value.code == flag
    assert await twilio.messages() == [] and await smtp.messages() == []


async def test_a_provider_refusal_falls_back_but_an_uncertain_failure_does_not(outbox, tenant, twilio, smtp):
    await twilio.fault(400)  # refused: nothing created
    done = await invite(outbox, tenant, fresh_ref(), ["sms", "email"])
    assert done.channel == "email" and done.tried == [("sms", "provider_failed")]
    await twilio.fault(500)  # Twilio may have created it: the guest must not get a mail as well
    with pytest.raises(DeliveryFailed) as uncertain:
        await invite(outbox, tenant, fresh_ref(), ["sms", "email"])
    assert uncertain.value.uncertain and uncertain.value.code == "provider_failed"
    assert len(await smtp.messages()) == 1


# ---- rates -----------------------------------------------------------------------------------


async def test_twilios_429_is_rate_limited_and_retryable_and_slows_every_process(
    outbox, tenant, twilio, redis
):
    await twilio.fault(429, count=10, retry_after=0)  # outlasts the Twilio client's own retries
    with pytest.raises(DeliveryFailed) as limited:
        await invite(outbox, tenant, fresh_ref(), ["sms", "email"])
    assert limited.value.code == "rate_limited" and limited.value.retryable
    assert limited.value.retry_after and limited.value.retry_after > 0
    assert limited.value.tried == []  # not sent by mail instead: the same channel, later
    wait = await Throttle(redis).take("sms", tenant.sms_numbers[0], 1.0)
    assert wait > 1.0  # the number's bucket was pushed back for every process


async def test_two_outboxes_share_the_numbers_rate(outbox, mongo_server, twilio, smtp, valkey, tenant):
    """Rate 4/s on one number, the stand-in refusing anything over 5 in any second (a
    margin for the requests' jitter on a loaded machine; unthrottled, 7 of the 12 would
    be refused): 12 invitations from two outboxes (two Redis clients) take ~3 s and none
    is refused."""
    await twilio.rate(5)
    settings = settings_for(mongo_server, twilio, smtp.smtp_port)
    other_redis = aioredis.from_url(valkey)  # another process's client
    mongo = MongoStore(connect(settings.effective_mongodb_url.value), settings.db_prefix)
    other = build_outbox(settings, mongo, redis=other_redis)
    rates = {"sms": 4.0}
    started = time.monotonic()

    async def one(box):
        return await invite(box, tenant, fresh_ref(), ["sms"], rates=rates)

    boxes = [outbox, other] * 6
    results = await asyncio.gather(*(one(b) for b in boxes), return_exceptions=True)
    took = time.monotonic() - started
    limited = [r for r in results if isinstance(r, DeliveryFailed)]
    sent = [r for r in results if not isinstance(r, BaseException)]
    # each waits at most MAX_RATE_WAIT for its slot; the rest are told to come back later
    assert all(e.code == "rate_limited" and e.retry_after for e in limited)
    assert len(sent) + len(limited) == 12 and len(sent) >= 9
    assert len(await twilio.messages()) == len(sent)
    assert took >= (len(sent) - 1) / 4 - 0.05
    attempts = await twilio.attempts()
    assert attempts == len(sent)  # the stand-in refused nothing: the outboxes kept the rate
    await other.close()
    await other_redis.close()
    mongo.client.close()


async def test_a_long_invitation_goes_as_one_sms_beyond_the_reply_budget(outbox, tenant, twilio):
    """Replies are cut at RAPPORT_SMS_MAX_SEGMENTS (3 by default, 1 here); an invitation in
    Spanish (UCS-2 for its "á", 67 characters a segment) with its link is 7 segments: one
    message all the same."""
    from bot.outreach.message import compose

    assert outbox.settings.sms_max_segments < 7
    link = "https://feedback.hotel-alpenhof.example/webhooks/webchat/i/" + "A" * 78
    message = compose(Catalog.load(), tenant, "post_stay", language="es", first_name="Lucía", link=link)
    assert len(message.text) > 3 * 67
    done = await outbox.invite(
        tenant, fresh_ref(), channels=["sms"], phone=GUEST, email=None, message=message, template_sid=None
    )
    [sms] = await twilio.messages()
    assert done.channel == "sms" and sms["body"] == message.text
