"""The Twilio stand-in speaks WhatsApp's shapes: `whatsapp:` addresses, templates
(ContentSid + ContentVariables), the 24-hour window and its error 63016, and the
signed incoming-message webhook with WhatsApp's fields."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp import web
from twilio.request_validator import RequestValidator

from devtools.fake_twilio import OUTSIDE_WINDOW, FakeTwilio, running_fake
from tests.devtools.test_fake_twilio import ACCOUNT, TOKEN, callback_receiver, post_message

GUEST = "whatsapp:+4915112345678"
HOTEL = "whatsapp:+49882112345"
TEMPLATE = "HX" + "c3" * 16


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    async with running_fake({ACCOUNT: TOKEN}) as f:
        yield f


async def test_a_free_form_message_within_the_window_is_queued_like_an_sms(fake):
    assert await fake.session(GUEST, HOTEL, age=60) is True
    status, _, msg = await post_message(fake, {"To": GUEST, "From": HOTEL, "Body": "Danke!"})
    assert status == 201 and msg["status"] == "queued" and msg["error_code"] is None
    assert (msg["to"], msg["from"], msg["body"], msg["num_segments"]) == (GUEST, HOTEL, "Danke!", "1")
    [stored] = await fake.messages()
    assert stored["status"] == "queued" and stored["error_code"] is None


async def test_a_free_form_message_outside_the_window_is_taken_then_fails_with_63016(fake):
    assert await fake.session(GUEST, HOTEL, age=24 * 3600 + 1) is False
    async with callback_receiver() as (url, received):
        status, _, msg = await post_message(
            fake, {"To": GUEST, "From": HOTEL, "Body": "Hello again", "StatusCallback": url}
        )
        assert status == 201 and msg["status"] == "queued"  # Twilio takes it, WhatsApp refuses it
        [stored] = await fake.messages()
        assert (stored["status"], stored["error_code"]) == ("failed", OUTSIDE_WINDOW) == ("failed", 63016)
        assert "outside the allowed window" in stored["error_message"]
        await fake.deliver(msg["sid"])
    assert [(f["MessageStatus"], f.get("ErrorCode")) for f, _ in received] == [
        ("queued", None),
        ("failed", "63016"),
    ]
    form, signature = received[-1]
    assert RequestValidator(TOKEN).validate(url, form, signature)


async def test_a_guest_who_never_wrote_gets_no_free_form_message_either(fake):
    await post_message(fake, {"To": GUEST, "From": HOTEL, "Body": "Hi"})
    [stored] = await fake.messages()
    assert stored["error_code"] == 63016


async def test_a_template_goes_out_at_any_time_with_its_variables(fake):
    variables = {"1": "Anna", "2": "Hotel Alpenhof"}
    form = {"To": GUEST, "From": HOTEL, "ContentSid": TEMPLATE, "ContentVariables": json.dumps(variables)}
    status, _, msg = await post_message(fake, form)
    assert status == 201 and msg["status"] == "queued"
    [stored] = await fake.messages()
    assert (stored["content_sid"], stored["content_variables"]) == (TEMPLATE, variables)
    assert stored["error_code"] is None


async def test_whatsapp_shapes_twilio_refuses_at_once(fake):
    cases = [
        ({"To": GUEST, "From": "+49882112345", "Body": "x"}, 21910),  # mixed channels
        ({"To": GUEST, "From": HOTEL}, 21619),  # nothing to send
        ({"To": GUEST, "From": HOTEL, "ContentSid": "HXnot-a-sid"}, 21655),
        ({"To": GUEST, "From": HOTEL, "ContentSid": TEMPLATE, "ContentVariables": "[1]"}, 21656),
        ({"To": GUEST, "From": HOTEL, "ContentSid": TEMPLATE, "ContentVariables": '{"1": 2}'}, 21656),
    ]
    for form, code in cases:
        status, _, error = await post_message(fake, form)
        assert (status, error["code"]) == (400, code), form
    assert await fake.messages() == []


@asynccontextmanager
async def webhook() -> AsyncIterator[tuple[str, list[tuple[dict[str, str], str]]]]:
    received: list[tuple[dict[str, str], str]] = []

    async def handle(request: web.Request) -> web.Response:
        received.append((dict(await request.post()), request.headers.get("X-Twilio-Signature", "")))
        return web.Response(text="<Response></Response>", content_type="text/xml")

    app = web.Application()
    app.router.add_post("/webhooks/sms/inbound", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/webhooks/sms/inbound", received
    finally:
        await runner.cleanup()


async def test_an_inbound_whatsapp_message_is_posted_signed_and_opens_the_window(fake):
    async with webhook() as (url, received):
        result = await fake.inbound(url, GUEST, HOTEL, "Hallo")
    assert result["http_status"] == 200
    [(form, signature)] = received
    assert RequestValidator(TOKEN).validate(url, form, signature)
    assert (form["From"], form["To"], form["Body"], form["AccountSid"]) == (GUEST, HOTEL, "Hallo", ACCOUNT)
    assert form["WaId"] == "4915112345678" and form["ProfileName"] and form["MessageType"] == "text"
    assert re.fullmatch(r"SM[0-9a-f]{32}", form["MessageSid"]) and form["MessageSid"] == result["sid"]
    await post_message(fake, {"To": GUEST, "From": HOTEL, "Body": "Willkommen!"})
    [stored] = await fake.messages()
    assert stored["error_code"] is None  # within the window the guest just opened


async def test_an_inbound_sms_has_no_whatsapp_fields_and_opens_no_window(fake):
    async with webhook() as (url, received):
        await fake.inbound(url, "+4915112345678", "+49882112345", "Hallo")
    [(form, _)] = received
    assert "WaId" not in form and "ProfileName" not in form and form["From"] == "+4915112345678"
    assert await fake.session(GUEST, HOTEL, age=None) is False


async def test_erasing_a_number_forgets_its_whatsapp_messages_too(fake):
    await fake.session(GUEST, HOTEL, age=1)
    await post_message(fake, {"To": GUEST, "From": HOTEL, "Body": "x"})
    await post_message(fake, {"To": "+4915112345678", "From": "+49882112345", "Body": "y"})
    async with fake._http.post(f"{fake.url}/_fake/erase", json={"addresses": ["+4915112345678"]}) as resp:
        assert (await resp.json())["erased"] == 2
    assert await fake.messages() == []
