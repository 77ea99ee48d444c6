"""The SMTP receiver served for real on loopback, with a recording `accept` in place of
the channel; driven with smtplib (in a thread) and aiosmtplib as an MTA would."""

from __future__ import annotations

import asyncio
import logging
import smtplib
from collections.abc import AsyncIterator
from email.message import EmailMessage
from email.policy import SMTP

import aiosmtplib
import pytest

from bot.base.errors import StorageError
from bot.channels.email.message import InboundEmail
from bot.channels.email.smtp_inbound import InboundHandler, start_receiver, tls_context
from devtools.fake_smtp import self_signed

INBOX = "feedback@hotel.example"
GUEST = "zanzibar.quill@mail.example"
LIMIT = 50_000


class Recorder:
    def __init__(self) -> None:
        self.accepted: list[tuple[InboundEmail, bool]] = []
        self.fail: Exception | None = None
        self.gate: asyncio.Event | None = None

    async def accept(self, mail: InboundEmail, null_sender: bool) -> str:
        if self.gate is not None:
            await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        self.accepted.append((mail, null_sender))
        return "accepted"


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Recorder, int]]:
    rec = Recorder()
    handler = InboundHandler(lambda a: a == INBOX, rec.accept, LIMIT)
    server = await start_receiver(handler, "127.0.0.1", 0)
    try:
        yield rec, server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


def mail(text: str = "Hello, Mrs Zanzibar writing about my stay.", **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"Zanzibar Quill <{GUEST}>"
    msg["To"] = INBOX
    msg["Subject"] = "My stay"
    msg["Message-ID"] = "<m-1@mail.example>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(text)
    return msg


async def send(port: int, message: EmailMessage | bytes, *, sender: str = GUEST, to: str = INBOX) -> None:
    await aiosmtplib.send(
        message, sender=sender, recipients=[to], hostname="127.0.0.1", port=port, timeout=10
    )


async def test_accepted_mail_is_parsed_and_addressed_to_the_envelope_recipient(receiver):
    rec, port = receiver
    await send(port, mail(), to="Feedback@Hotel.example")
    [(got, null_sender)] = rec.accepted
    assert got.to_address == INBOX and got.from_address == GUEST
    assert got.message_id == "<m-1@mail.example>" and "writing about my stay" in got.text
    assert null_sender is False


async def test_unknown_recipient_is_550_at_rcpt(receiver):
    rec, port = receiver
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as err:
        await send(port, mail(), to="someone.else@hotel.example")
    assert [r.code for r in err.value.recipients] == [550]
    assert rec.accepted == []


async def test_size_is_advertised_and_oversize_is_552(receiver):
    rec, port = receiver
    big = mail(("x" * 70 + "\n") * (LIMIT // 70 + 10))

    def declared() -> smtplib.SMTPSenderRefused:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.ehlo()
            assert client.esmtp_features["size"] == str(LIMIT)
            with pytest.raises(smtplib.SMTPSenderRefused) as err:  # smtplib sends SIZE=
                client.sendmail(GUEST, [INBOX], big.as_bytes(policy=SMTP))
            return err.value

    assert (await asyncio.to_thread(declared)).smtp_code == 552

    def undeclared() -> int:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.ehlo()
            client.mail(GUEST)  # no SIZE: the limit is enforced while DATA streams in
            client.rcpt(INBOX)
            code, _ = client.data(big.as_bytes(policy=SMTP))
            return code

    assert await asyncio.to_thread(undeclared) == 552
    assert rec.accepted == []


async def test_storage_failure_is_451_so_the_mta_retries(receiver):
    rec, port = receiver
    rec.fail = StorageError("down")
    with pytest.raises(aiosmtplib.SMTPDataError) as err:
        await send(port, mail())
    assert err.value.code == 451
    rec.fail = None
    await send(port, mail())  # the retry
    assert len(rec.accepted) == 1


async def test_unexpected_error_is_451_without_details(receiver):
    rec, port = receiver
    rec.fail = RuntimeError(f"boom {GUEST}")
    with pytest.raises(aiosmtplib.SMTPDataError) as err:
        await send(port, mail())
    assert err.value.code == 451 and GUEST not in err.value.message and "boom" not in err.value.message


async def test_250_only_after_accept_returned(receiver):
    rec, port = receiver
    rec.gate = asyncio.Event()
    sending = asyncio.create_task(send(port, mail()))
    await asyncio.sleep(0.5)
    assert not sending.done()  # the MTA still waits for its answer to DATA
    rec.gate.set()
    await asyncio.wait_for(sending, 5)
    assert len(rec.accepted) == 1


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\xff\xfe garbage that is not a message\r\n\r\n\x01",
        b"To: feedback@hotel.example\r\nSubject: no from\r\n\r\nHello\r\n",
        b"From: not an address\r\nTo: feedback@hotel.example\r\n\r\nHello\r\n",
    ],
)
async def test_malformed_message_is_554_and_the_server_goes_on(receiver, raw):
    rec, port = receiver
    with pytest.raises(aiosmtplib.SMTPDataError) as err:
        await send(port, raw)
    assert err.value.code == 554
    await send(port, mail())
    assert len(rec.accepted) == 1


async def test_null_reverse_path_is_flagged(receiver):
    rec, port = receiver
    await send(port, mail(), sender="")
    [(_, null_sender)] = rec.accepted
    assert null_sender is True


async def test_non_utf8_charset_is_decoded(receiver):
    rec, port = receiver
    raw = (
        "From: gast@mail.example\r\nTo: feedback@hotel.example\r\nSubject: Aufenthalt\r\n"
        "Message-ID: <latin-1@mail.example>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Grüße, das Frühstück war fünf Sterne wert.\r\n"
    ).encode("iso-8859-1")
    await send(port, raw, sender="gast@mail.example")
    [(got, _)] = rec.accepted
    assert got.text == "Grüße, das Frühstück war fünf Sterne wert."


async def test_starttls_is_offered_when_configured(tmp_path):
    cert, key = self_signed("127.0.0.1")
    (tmp_path / "c.pem").write_bytes(cert)
    (tmp_path / "k.pem").write_bytes(key)
    rec = Recorder()
    server = await start_receiver(
        InboundHandler(lambda a: a == INBOX, rec.accept, LIMIT),
        "127.0.0.1",
        0,
        tls=tls_context(tmp_path / "c.pem", tmp_path / "k.pem"),
    )
    try:
        port = server.sockets[0].getsockname()[1]
        await aiosmtplib.send(
            mail(),
            sender=GUEST,
            recipients=[INBOX],
            hostname="127.0.0.1",
            port=port,
            start_tls=True,
            cert_bundle=str(tmp_path / "c.pem"),
        )
    finally:
        server.close()
        await server.wait_closed()
    assert len(rec.accepted) == 1


async def test_no_address_or_text_in_logs(receiver, caplog):
    caplog.set_level(logging.DEBUG)
    rec, port = receiver
    await send(port, mail())
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused):
        await send(port, mail(), to="zanzibar.other@hotel.example")
    with pytest.raises(aiosmtplib.SMTPDataError):
        await send(port, b"From: Zanzibar <broken\r\n\r\nZanzibar text")
    assert "email.smtp.received" in caplog.text and "email.smtp.rejected" in caplog.text
    assert "zanzibar" not in caplog.text.lower()
