"""SmtpSender against the fake relay served for real on loopback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from email import message_from_string, policy
from email.message import EmailMessage

import pytest

from bot.channels.email.outbound import build_reply
from bot.channels.email.smtp import EmailSendError, SmtpSender
from bot.stack import pick_free_port
from devtools.fake_smtp import FakeSmtp, running_fake_smtp

HOTEL = "frontdesk@hotel.example"
GUEST = "guest.person@mail.example"
PARENT = "<parent-1@mail.example>"
GRANDPARENT = "<root-0@mail.example>"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSmtp]:
    async with running_fake_smtp() as f:
        yield f


def reply() -> EmailMessage:
    return build_reply(
        from_address=HOTEL,
        to_address=GUEST,
        subject="AW: Our stay in room 12",
        text="Thank you for your feedback.\n\nWarm regards, Hôtel Ümlaut",
        html_text=None,
        in_reply_to=PARENT,
        references=[GRANDPARENT],
        domain="hotel.example",
        loop_marker="rapport-loop-abc",
    )


def sender(fake: FakeSmtp, **kw) -> SmtpSender:
    return SmtpSender(fake.host, fake.smtp_port, **kw)


def assert_no_personal_data(text: str) -> None:
    assert GUEST not in text and HOTEL not in text and "Thank you" not in text


async def test_reply_is_delivered_with_its_threading_headers(fake, caplog):
    caplog.set_level(logging.INFO, logger="bot.channels.email.smtp")
    msg = reply()
    message_id = await sender(fake).send(msg)

    assert message_id == msg["Message-ID"]
    [got] = await fake.messages()
    assert got["mail_from"] == HOTEL
    assert got["rcpt_tos"] == [GUEST]
    assert got["message_id"] == message_id
    assert got["in_reply_to"] == PARENT
    assert got["references"] == f"{GRANDPARENT} {PARENT}"
    assert got["subject"] == "Re: Our stay in room 12"
    parsed = message_from_string(got["raw"], policy=policy.default)
    assert parsed["In-Reply-To"] == PARENT
    assert parsed["References"] == f"{GRANDPARENT} {PARENT}"
    assert parsed["Auto-Submitted"] == "auto-replied"
    assert "Hôtel Ümlaut" in parsed.get_body(("plain",)).get_content()
    assert "Hôtel Ümlaut" in parsed.get_body(("html",)).get_content()

    assert f"email.send.sent message_id={message_id}" in caplog.text
    assert_no_personal_data(caplog.text)


async def test_connection_refused_is_retryable(caplog):
    caplog.set_level(logging.INFO, logger="bot.channels.email.smtp")
    closed_port = pick_free_port()  # bound then released: nothing listens there
    with pytest.raises(EmailSendError) as err:
        await SmtpSender("127.0.0.1", closed_port, timeout=2).send(reply())
    assert err.value.retryable is True
    assert err.value.code is None
    assert "email.send.unreachable" in caplog.text


async def test_550_at_data_is_not_retryable_and_server_text_is_not_kept(fake, caplog):
    caplog.set_level(logging.INFO, logger="bot.channels.email.smtp")
    await fake.fault(550)  # through POST /_fake/faults
    with pytest.raises(EmailSendError) as err:
        await sender(fake).send(reply())
    assert err.value.retryable is False
    assert err.value.code == 550
    assert err.value.__cause__ is None and err.value.__context__ is not None  # `from None`
    assert err.value.__suppress_context__ is True
    assert "Mailbox unavailable" not in str(err.value)
    assert "email.send.rejected" in caplog.text and "smtp_code=550" in caplog.text
    assert_no_personal_data(caplog.text)
    assert await fake.messages() == []


async def test_550_on_recipient_set_on_the_handler_is_not_retryable(fake):
    fake.state.add_fault(550, stage="rcpt")  # the in-process flag, no HTTP
    with pytest.raises(EmailSendError) as err:
        await sender(fake).send(reply())
    assert (err.value.retryable, err.value.code) == (False, 550)


@pytest.mark.parametrize("stage", ["rcpt", "data"])
async def test_4xx_is_retryable(fake, stage, caplog):
    caplog.set_level(logging.INFO, logger="bot.channels.email.smtp")
    await fake.fault(451, stage=stage)
    with pytest.raises(EmailSendError) as err:
        await sender(fake).send(reply())
    assert (err.value.retryable, err.value.code) == (True, 451)
    assert "email.send.deferred" in caplog.text
    # The fault was used up: the resend goes through, once.
    await sender(fake).send(reply())
    assert len(await fake.messages()) == 1


async def test_timeout_after_data_is_uncertain_not_retryable(fake, caplog):
    caplog.set_level(logging.INFO, logger="bot.channels.email.smtp")
    await fake.fault(None, delay=0.6)  # DATA answered late, then accepted
    msg = reply()
    with pytest.raises(EmailSendError) as err:
        await sender(fake, timeout=0.2).send(msg)
    assert err.value.retryable is False
    uncertain = [r for r in caplog.records if r.getMessage().startswith("email.send.uncertain")]
    assert len(uncertain) == 1 and uncertain[0].levelno == logging.ERROR
    assert f"message_id={msg['Message-ID']}" in uncertain[0].getMessage()
    assert_no_personal_data(caplog.text)
    # ...and the relay did queue it: exactly why a blind resend would duplicate it.
    for _ in range(50):
        if await fake.messages():
            break
        await asyncio.sleep(0.05)
    assert [m["message_id"] for m in await fake.messages()] == [msg["Message-ID"]]


async def test_event_loop_stays_responsive_during_a_slow_send(fake):
    await fake.fault(None, delay=0.5)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await sender(fake, timeout=5).send(reply())
        elapsed = loop.time() - started
    finally:
        task.cancel()
    assert elapsed >= 0.5
    assert ticks >= 20  # ~50 expected; a blocking send would give ~0


async def test_concurrent_sends_all_arrive(fake):
    smtp = sender(fake)
    ids = await asyncio.gather(*(smtp.send(reply()) for _ in range(5)))
    assert sorted(m["message_id"] for m in await fake.messages()) == sorted(ids)


async def test_message_without_message_id_is_refused(fake):
    msg = reply()
    del msg["Message-ID"]
    with pytest.raises(ValueError):
        await sender(fake).send(msg)
    assert await fake.messages() == []


def test_constructor_checks_and_repr_hides_credentials():
    with pytest.raises(ValueError):
        SmtpSender("smtp.example", 0)
    with pytest.raises(ValueError):
        SmtpSender("smtp.example", 587, username="u@hotel.example")
    s = SmtpSender("smtp.example", 587, username="u@hotel.example", password="s3cret", starttls=True)
    assert "s3cret" not in repr(s) and "u@hotel.example" not in repr(s)
