"""On-premises inbound e-mail end to end: real SMTP (smtplib, aiosmtplib) into the Rasa
server's SMTP receiver, replies out over SMTP to the local relay stand-in, threaded."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import smtplib
import time
from email.message import EmailMessage
from email.policy import SMTP

import aiosmtplib
import pytest

from bot.base.refs import guest_ref
from bot.i18n import Catalog
from bot.inbox.queue import keyed_job_id
from tests.stack.client import mongo, tenant_db
from tests.stack.test_email import INBOX, Mailbox

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()
HELLO = "Hello, I would like to tell you about my stay at your hotel."


def message(
    box: Mailbox, text: str = HELLO, *, message_id: str | None = None, **headers: str
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"Guest <{box.address}>"
    msg["To"] = INBOX
    msg["Subject"] = "My stay"
    msg["Message-ID"] = message_id or f"<{secrets.token_hex(8)}@example.org>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(text)
    return msg


async def deliver(
    stack, msg: EmailMessage | bytes, *, sender: str, to: str = INBOX, timeout: float = 30
) -> None:
    await aiosmtplib.send(
        msg,
        sender=sender,
        recipients=[to],
        hostname=stack.settings.smtp_inbound_host,
        port=stack.smtp_inbound_port,
        timeout=timeout,
    )


async def test_accepted_mail_is_stored_before_250_and_gets_a_threaded_reply(stack):
    box = Mailbox(stack)
    await deliver(stack, message(box, message_id="<smtp-first@example.org>"), sender=box.address)
    client = mongo(stack)
    try:  # 250 came after the durable insert: the record is there now, not "soon"
        job_id = keyed_job_id(stack.settings.guest_key.value, "alpenhof", "<smtp-first@example.org>")
        doc = await tenant_db(stack, client, "alpenhof").email_inbound.find_one({"_id": job_id})
    finally:
        client.close()
    assert doc is not None
    [reply] = await box.wait_for(1)
    assert reply["rcpt_tos"] == [box.address] and reply["mail_from"] == INBOX
    assert reply["in_reply_to"] == "<smtp-first@example.org>"
    assert "<smtp-first@example.org>" in reply["references"]
    assert reply["subject"] == "Re: My stay"
    assert CATALOG.render("en", "question.overall", low=1, high=5) in reply["raw"].replace("=\r\n", "")


def test_unknown_recipient_is_refused_with_550(stack):
    with smtplib.SMTP(stack.settings.smtp_inbound_host, stack.smtp_inbound_port, timeout=10) as client:
        client.ehlo()
        client.mail("guest@example.org")
        code, _ = client.rcpt("nobody@alpenhof.example")
    assert code == 550


async def test_oversize_mail_is_refused_with_552(stack):
    box = Mailbox(stack)
    limit = stack.settings.smtp_inbound_max_bytes
    big = message(box, ("x" * 76 + "\n") * (limit // 76 + 100)).as_bytes(policy=SMTP)

    def send_undeclared() -> tuple[str, int, int]:
        with smtplib.SMTP(stack.settings.smtp_inbound_host, stack.smtp_inbound_port, timeout=60) as client:
            client.ehlo()
            size = client.esmtp_features.get("size", "")
            client.mail(box.address)  # no SIZE=: refused while DATA streams in
            client.rcpt(INBOX)
            code, _ = client.data(big)
            declared, _ = client.mail(box.address, [f"SIZE={len(big)}"])
            return size, code, declared

    size, code, declared = await asyncio.to_thread(send_undeclared)
    assert size == str(limit)
    assert code == 552 and declared == 552
    await asyncio.sleep(1)
    assert await box.received() == []


async def test_duplicate_message_id_gets_one_reply(stack):
    box = Mailbox(stack)
    msg = message(box, message_id="<smtp-dup@example.org>")
    await asyncio.gather(deliver(stack, msg, sender=box.address), deliver(stack, msg, sender=box.address))
    await deliver(stack, msg, sender=box.address)  # and once more, later
    await box.wait_for(1)
    await asyncio.sleep(1.5)
    assert len(await box.received()) == 1


@pytest.mark.parametrize(
    "headers, envelope_sender",
    [({"Auto_Submitted": "auto-replied"}, None), ({"X_Rapport_Loop": "rapport"}, None), ({}, "")],
    ids=["auto-submitted", "our-own-loop", "bounce-null-sender"],
)
async def test_auto_replies_loops_and_bounces_are_never_answered(stack, headers, envelope_sender):
    box = Mailbox(stack)
    sender = box.address if envelope_sender is None else envelope_sender
    await deliver(stack, message(box, **headers), sender=sender)  # 250: nothing to retry
    await asyncio.sleep(2)
    assert await box.received() == []


async def test_mail_from_a_hotels_own_inbound_address_is_taken_and_never_answered(stack):
    """A hotel's inbox writing to a hotel (a forwarding rule, a misrouted reply): a reply
    would go back into an inbox we read. 250, nothing stored, nothing sent."""
    box = Mailbox(stack, address="feedback@laguna.example")
    msg = message(box, message_id="<smtp-own@example.org>")
    msg.replace_header("From", "Hotel Laguna <FEEDBACK@Laguna.Example>")
    await deliver(stack, msg, sender="feedback@laguna.example")
    client = mongo(stack)
    try:  # a mail that is taken is stored before 250
        doc = await tenant_db(stack, client, "alpenhof").email_inbound.find_one(
            {"_id": "<smtp-own@example.org>"}
        )
    finally:
        client.close()
    assert doc is None
    await asyncio.sleep(1.5)
    assert await box.received() == []


async def test_non_utf8_charset_is_decoded(stack):
    """ISO-8859-1 bytes on the wire: the answer "fünf" is only a rating once decoded."""
    box = Mailbox(stack)

    def latin1(text: str, n: int) -> bytes:
        return (
            f"From: {box.address}\r\nTo: {INBOX}\r\nSubject: Aufenthalt\r\n"
            f"Message-ID: <latin1-{n}-{secrets.token_hex(4)}@example.org>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            f"{text}\r\n"
        ).encode("iso-8859-1")

    await deliver(
        stack, latin1("Grüß Gott, ich möchte Ihnen von meinem Aufenthalt erzählen.", 1), sender=box.address
    )
    await box.wait_for(1)
    await deliver(stack, latin1("fünf", 2), sender=box.address)
    replies = await box.wait_for(2)
    assert len(replies) == 2
    guest = "email-" + guest_ref(stack.settings.guest_key, "alpenhof", box.address)[2:26]
    ref = guest_ref(stack.settings.guest_key, "alpenhof", guest)
    client = mongo(stack)
    try:
        ratings = [d async for d in tenant_db(stack, client, "alpenhof").ratings.find({"guest_ref": ref})]
    finally:
        client.close()
    assert [(d["question"], d["value"]) for d in ratings] == [("overall", 5)]


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\xff\xfe\r\n garbage \x01\x02 not a message\r\n",
        b"To: feedback@alpenhof.example\r\nSubject: x\r\n\r\nno From\r\n",
    ],
    ids=["garbage", "no-from"],
)
async def test_malformed_mail_is_refused_permanently_and_the_receiver_goes_on(stack, raw):
    with pytest.raises(aiosmtplib.SMTPDataError) as err:
        await deliver(stack, raw, sender="guest@example.org")
    assert err.value.code == 554
    box = Mailbox(stack)
    await deliver(stack, message(box), sender=box.address)
    assert len(await box.wait_for(1)) == 1


async def test_storage_down_is_451_and_the_mtas_retry_is_answered(stack):
    if stack.settings.mongodb_url is not None:
        pytest.skip("uses the embedded nx-27017")
    box = Mailbox(stack)
    msg = message(box, message_id="<smtp-451@example.org>")
    child = next(c for c in stack.children if c.name == "mongo")
    os.kill(child.process.pid, signal.SIGKILL)  # a dead server: the insert cannot land later
    child.process.wait(timeout=20)
    try:
        started = time.monotonic()
        with pytest.raises(aiosmtplib.SMTPDataError) as err:
            await deliver(stack, msg, sender=box.address)
        assert err.value.code == 451, err.value
        assert time.monotonic() - started < 25
    finally:
        index = stack.children.index(child)
        stack._start_mongo(lambda m: None)
        stack.children.insert(index, stack.children.pop())
    await deliver(stack, msg, sender=box.address)  # the MTA's retry
    [reply] = await box.wait_for(1, timeout=30)
    assert reply["in_reply_to"] == "<smtp-451@example.org>"


async def test_no_address_or_text_in_any_log(stack):
    box = Mailbox(stack, address="quokka.marmalade@example.org")
    text = "Hello, Mr Quokka-Marmalade writing about my stay at your hotel."
    await deliver(stack, message(box, text), sender=box.address)
    await box.wait_for(1)
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused):
        await deliver(stack, message(box, text), sender=box.address, to="quokka.unknown@alpenhof.example")
    with pytest.raises(aiosmtplib.SMTPDataError):
        await deliver(stack, b"From: Quokka <broken\r\n\r\nQuokka text\r\n", sender=box.address)
    logs = {p.name: p.read_text(errors="replace") for p in (stack.settings.data_dir / "logs").glob("*.log")}
    assert "email.smtp.rejected reason=unknown_recipient" in logs["rasa.log"]  # the log is written
    for name, content in logs.items():
        assert "quokka" not in content.lower(), f"personal data in {name}"
