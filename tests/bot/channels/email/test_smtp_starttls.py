"""SmtpSender with STARTTLS and AUTH, against the fake relay offering a self-signed
certificate made at startup and requiring AUTH after TLS (served on loopback)."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import AsyncIterator

import pytest

from bot.channels.email.outbound import build_reply
from bot.channels.email.smtp import EmailSendError, SmtpSender
from devtools.fake_smtp import FakeSmtp, running_fake_smtp

USER, PASSWORD = "relay-user", "correct horse battery"


@pytest.fixture
async def relay() -> AsyncIterator[FakeSmtp]:
    async with running_fake_smtp(starttls=True, credentials=(USER, PASSWORD)) as f:
        yield f


def reply():
    return build_reply(
        from_address="frontdesk@hotel.example",
        to_address="guest.person@mail.example",
        subject="Our stay",
        text="Thank you for your feedback.",
        html_text=None,
        in_reply_to="<parent-1@mail.example>",
        references=[],
        domain="hotel.example",
        loop_marker="rapport",
    )


def tls_sender(relay: FakeSmtp, password: str = PASSWORD) -> SmtpSender:
    """Trusting the relay's self-signed certificate, as with SMTP_CA_FILE."""
    return SmtpSender(
        relay.host,
        relay.smtp_port,
        username=USER,
        password=password,
        starttls=True,
        ca_file=str(relay.ca_file),
    )


async def test_sends_over_starttls_with_auth(relay, caplog):
    caplog.set_level(logging.INFO, logger="bot.channels.email.smtp")
    message_id = await tls_sender(relay).send(reply())
    [got] = await relay.messages()
    assert got["message_id"] == message_id
    assert got["tls"] is True and got["login"] == USER
    assert PASSWORD not in caplog.text and USER not in caplog.text


async def test_relay_refuses_mail_without_auth(relay):
    sender = SmtpSender(relay.host, relay.smtp_port, starttls=True, ca_file=str(relay.ca_file))
    with pytest.raises(EmailSendError) as err:
        await sender.send(reply())
    assert (err.value.retryable, err.value.code) == (False, 530)
    assert await relay.messages() == []


async def test_wrong_password_is_not_retryable(relay, caplog):
    caplog.set_level(logging.INFO, logger="bot.channels.email.smtp")
    with pytest.raises(EmailSendError) as err:
        await tls_sender(relay, password="wrong").send(reply())
    assert err.value.retryable is False
    assert err.value.code == 535
    assert "email.send.rejected" in caplog.text and "smtp_code=535" in caplog.text
    assert await relay.messages() == []


async def test_untrusted_certificate_fails_before_auth(relay, caplog):
    caplog.set_level(logging.INFO, logger="bot.channels.email.smtp")
    sender = SmtpSender(relay.host, relay.smtp_port, username=USER, password=PASSWORD, starttls=True)
    with pytest.raises(EmailSendError) as err:
        await sender.send(reply())  # the self-signed certificate is not in the system CAs
    assert err.value.retryable is False
    assert "reason=tls_failed" in caplog.text
    assert await relay.messages() == []


class PlainRelay:
    """A relay that offers AUTH but no STARTTLS, and records every byte a client sends:
    whatever reaches it would have crossed the network in plain text."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.server: asyncio.base_events.Server | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 plain.example ESMTP\r\n")
        while line := await reader.readline():
            self.received += line
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                writer.write(b"250-plain.example\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n")
            elif verb == b"AUTH":
                writer.write(b"235 2.7.0 Authentication successful\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                break
            else:
                writer.write(b"250 OK\r\n")
            await writer.drain()
        writer.close()

    async def __aenter__(self) -> int:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()


async def test_required_starttls_missing_fails_clearly_without_sending_credentials(caplog):
    caplog.set_level(logging.INFO, logger="bot.channels.email.smtp")
    relay = PlainRelay()
    async with relay as port:
        sender = SmtpSender("127.0.0.1", port, username=USER, password=PASSWORD, starttls=True)
        with pytest.raises(EmailSendError) as err:
            await sender.send(reply())
    assert err.value.retryable is False
    assert "STARTTLS" in str(err.value)
    assert "reason=starttls_unavailable" in caplog.text
    assert relay.received.startswith(b"EHLO")  # the session did reach the relay
    plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode())
    for leaked in (b"AUTH", plain, base64.b64encode(PASSWORD.encode()), PASSWORD.encode(), b"MAIL FROM"):
        assert leaked not in bytes(relay.received)


def test_credentials_without_starttls_are_refused_for_a_remote_relay():
    with pytest.raises(ValueError, match="STARTTLS"):
        SmtpSender("smtp.example", 587, username=USER, password=PASSWORD)
    SmtpSender("127.0.0.1", 2525, username=USER, password=PASSWORD)  # a loopback relay may
