"""TwilioSender against the fake Twilio served for real on loopback: twilio's own
async client, real HTTP, injected 429 / 5xx / slow answers."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from twilio.request_validator import RequestValidator

from bot.channels.sms.twilio import SentSms, SmsSendError, TwilioSender
from bot.stack import pick_free_port
from devtools.fake_twilio import FakeTwilio, running_fake

ACCOUNT = "AC" + "a1" * 16
TOKEN = "fake-auth-token"
GUEST = "+15005550006"
HOTEL = "+15005550001"
BODY = "Comment s'est passé votre séjour ? Répondez de 1 à 5."


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    async with running_fake({ACCOUNT: TOKEN}) as f:
        yield f


def make_sender(fake: FakeTwilio, **kwargs) -> TwilioSender:
    kwargs = {"backoff_base": 0.01, "timeout": 5.0, **kwargs}
    return TwilioSender(ACCOUNT, kwargs.pop("token", TOKEN), api_base=fake.url, **kwargs)


async def send(sender: TwilioSender, **kwargs) -> SentSms:
    try:
        return await sender.send(**{"to": GUEST, "from_": HOTEL, "body": BODY, **kwargs})
    finally:
        await sender.close()


async def test_send_is_recorded_by_the_fake_with_its_fields(fake):
    sent = await send(make_sender(fake))

    [msg] = await fake.messages()
    assert (msg["to"], msg["from"], msg["body"]) == (GUEST, HOTEL, BODY)
    assert sent == SentSms(sid=msg["sid"], status="queued", segments=1)


async def test_wrong_token_is_not_retryable_and_sends_nothing(fake):
    with pytest.raises(SmsSendError) as err:
        await send(make_sender(fake, token="wrong"))

    assert (err.value.retryable, err.value.status, err.value.code) == (False, 401, 20003)
    assert await fake.messages() == []
    assert await fake.attempts() == 1


async def test_rejected_request_is_not_retried(fake, caplog):
    caplog.set_level(logging.INFO, logger="bot.channels.sms.twilio")

    with pytest.raises(SmsSendError) as err:
        await send(make_sender(fake), body="")

    assert (err.value.retryable, err.value.status, err.value.code) == (False, 400, 21602)
    assert await fake.attempts() == 1
    assert "sms.send.rejected" in caplog.text


async def test_429_twice_then_ok_sends_once_after_backing_off(fake, caplog):
    caplog.set_level(logging.INFO, logger="bot.channels.sms.twilio")
    await fake.fault(429, count=2, retry_after=0)
    start = time.monotonic()

    sent = await send(make_sender(fake, backoff_base=0.1, max_attempts=4))

    assert time.monotonic() - start >= 0.1 + 0.2  # backoff 0.1 s, then 0.2 s
    assert [m["sid"] for m in await fake.messages()] == [sent.sid]
    assert await fake.attempts() == 3
    assert caplog.text.count("sms.send.throttled") == 2


async def test_retry_after_is_honoured(fake):
    await fake.fault(429, count=1, retry_after=1)
    start = time.monotonic()

    await send(make_sender(fake, backoff_base=0.01))

    assert time.monotonic() - start >= 1.0
    assert len(await fake.messages()) == 1


async def test_retry_after_is_capped_by_max_delay(fake):
    await fake.fault(429, count=1, retry_after=3600)
    start = time.monotonic()

    await send(make_sender(fake, backoff_base=0.01, max_delay=0.2))

    assert 0.2 <= time.monotonic() - start < 2.0
    assert len(await fake.messages()) == 1


async def test_429_forever_gives_up_after_max_attempts_as_retryable(fake, caplog):
    await fake.fault(429, count=100, retry_after=0)

    with pytest.raises(SmsSendError) as err:
        await send(make_sender(fake, max_attempts=3))

    assert (err.value.retryable, err.value.status) == (True, 429)
    assert await fake.attempts() == 3
    assert await fake.messages() == []
    assert "sms.send.gave_up" in caplog.text


@pytest.mark.parametrize("status", [500, 503])
async def test_5xx_is_not_retried_and_logged_as_uncertain(fake, caplog, status):
    await fake.fault(status, count=100)

    with pytest.raises(SmsSendError) as err:
        await send(make_sender(fake, max_attempts=4))

    assert (err.value.retryable, err.value.status) == (False, status)
    assert await fake.attempts() == 1
    [record] = [r for r in caplog.records if "sms.send.uncertain" in r.message]
    assert record.levelno == logging.ERROR
    assert "reason=http_5xx" in record.message


async def test_timeout_is_not_retried_because_twilio_may_have_sent_it(fake, caplog):
    await fake.fault(delay=0.6)
    start = time.monotonic()

    with pytest.raises(SmsSendError) as err:
        await send(make_sender(fake, timeout=0.15, max_attempts=4))

    assert time.monotonic() - start < 0.5
    assert (err.value.retryable, err.value.status) == (False, None)
    assert "sms.send.uncertain" in caplog.text and "reason=timeout" in caplog.text
    assert await fake.attempts() == 1
    # The slow call still went through: a resend would have texted the guest twice.
    for _ in range(40):
        if await fake.messages():
            break
        await asyncio.sleep(0.05)
    assert len(await fake.messages()) == 1


async def test_unreachable_twilio_is_retryable(caplog):
    sender = TwilioSender(ACCOUNT, TOKEN, api_base=f"http://127.0.0.1:{pick_free_port()}", timeout=2.0)

    with pytest.raises(SmsSendError) as err:
        await send(sender)

    assert (err.value.retryable, err.value.status) == (True, None)
    assert "sms.send.unreachable" in caplog.text


async def test_event_loop_keeps_running_during_a_slow_send(fake):
    await fake.fault(delay=0.5)
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)

    task = asyncio.create_task(ticker())
    try:
        await send(make_sender(fake))
    finally:
        task.cancel()

    assert len(ticks) >= 20
    assert max(b - a for a, b in zip(ticks, ticks[1:], strict=False)) < 0.1


async def test_status_callback_reaches_our_endpoint_signed(fake):
    received: list[tuple[dict[str, str], str]] = []

    async def handle(request: web.Request) -> web.Response:
        received.append((dict(await request.post()), request.headers["X-Twilio-Signature"]))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/sms/status", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/sms/status"
        sent = await send(make_sender(fake), status_callback=url)
        await fake.deliver(sent.sid)
    finally:
        await runner.cleanup()

    assert [(form["MessageSid"], form["MessageStatus"]) for form, _ in received] == [
        (sent.sid, "queued"),
        (sent.sid, "sent"),
        (sent.sid, "delivered"),
    ]
    assert all(RequestValidator(TOKEN).validate(url, form, sig) for form, sig in received)


async def test_concurrent_sends_share_one_sender(fake):
    sender = make_sender(fake)
    try:
        results = await asyncio.gather(*(sender.send(to=GUEST, from_=HOTEL, body=f"n{i}") for i in range(5)))
    finally:
        await sender.close()

    assert len({r.sid for r in results}) == 5
    assert sorted(m["body"] for m in await fake.messages()) == [f"n{i}" for i in range(5)]


async def test_unicode_body_reports_its_segments(fake):
    sent = await send(make_sender(fake), body="Спасибо! " * 10)

    assert sent.segments == 2


async def test_logs_carry_sid_and_ref_but_no_phone_number_or_text(fake, caplog):
    caplog.set_level(logging.DEBUG)
    await fake.fault(429, count=1, retry_after=0)

    sent = await send(make_sender(fake), ref="g_0123abcd")
    with pytest.raises(SmsSendError):
        await send(make_sender(fake), body="")

    assert f"sid={sent.sid}" in caplog.text and "ref=g_0123abcd" in caplog.text
    for secret in (GUEST, HOTEL, "15005550006", BODY, "séjour", TOKEN):
        assert secret not in caplog.text


def test_invalid_settings_are_refused():
    with pytest.raises(ValueError):
        TwilioSender(ACCOUNT, TOKEN, max_attempts=0)
    with pytest.raises(ValueError):
        TwilioSender(ACCOUNT, TOKEN, timeout=0)


def test_repr_hides_the_token():
    assert TOKEN not in repr(TwilioSender(ACCOUNT, TOKEN))


async def test_without_credentials_a_send_fails_clearly_and_retryably():
    sender = TwilioSender("", "")
    with pytest.raises(SmsSendError) as e:
        await sender.send(to="+4915112345678", from_="+49882112345", body="hi", ref="g_1")
    assert e.value.retryable and "TWILIO_ACCOUNT_SID" in str(e.value)
    await sender.close()


def test_an_operators_cli_on_make_run_gets_the_stand_ins_the_stack_gives_its_children():
    from bot.base.settings import Settings
    from bot.stack import fake_twilio_for, with_local_standins

    bare = Settings.from_env({})
    local = with_local_standins(bare)
    fake = fake_twilio_for(bare)
    assert (local.twilio_account_sid, local.twilio_auth_token.value, local.twilio_api_base) == (
        fake.account_sid,
        fake.auth_token,
        fake.base_url,
    )
    assert (local.smtp_host, local.smtp_port) == (bare.host, bare.fake_smtp_port)
    real = Settings.from_env(
        {"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t", "SMTP_HOST": "mail.example"}
    )
    assert with_local_standins(real) == real
