"""On-premises inbound e-mail: an SMTP receiver (aiosmtpd) that a mail route (MX or a
relay's transport) delivers the hotels' mail to.

It runs on the event loop of the process that owns the channel (the Rasa server) and
hands each parsed message to `accept`, the same entry point as the Mailgun webhook.
What the sending MTA hears:

    RCPT to an address no tenant receives          550 5.1.1  (permanent: bounce)
    more than MAX_RECIPIENTS recipients             452 4.5.3  (send the rest later)
    MAIL ... SIZE= over the limit / DATA over it    552        (aiosmtpd's SIZE extension)
    message that can never be parsed (no From ...) 554 5.6.0  (permanent)
    storage unavailable, or any failure of ours     451 4.3.0  (temporary: the MTA retries)
    stored (or already stored, or an auto-reply)    250        only after the durable insert

Auto-replies, bounces (null reverse path) and loops get 250 and are dropped, never
answered. Log events carry reasons, counts and tenant ids; never an address, subject
or text. aiosmtpd's own `mail.log` logger writes envelope addresses at INFO, so
`start_receiver` raises it to WARNING.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.base.errors import InvalidInput, StorageError
from bot.base.logs import event
from bot.channels.email.message import InboundEmail, normalise_address, parse_mime

logger = logging.getLogger(__name__)

MAX_RECIPIENTS = 10
GREETING_HOST = "rapport"  # fixed: aiosmtpd's default (socket.getfqdn) may query DNS

# accept(mail, null_sender) -> "accepted" | "duplicate" | "ignored"; raises StorageError
Accept = Callable[[InboundEmail, bool], Awaitable[str]]


class InboundHandler:
    """aiosmtpd handler: recipients checked at RCPT, the message parsed off the loop and
    accepted once per recipient before DATA is answered."""

    def __init__(self, knows_recipient: Callable[[str], bool], accept: Accept, max_bytes: int) -> None:
        self.knows_recipient = knows_recipient
        self.accept = accept
        self.max_bytes = max_bytes

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        try:
            known = self.knows_recipient(normalise_address(address))
        except InvalidInput:
            known = False
        if not known:
            event(logger, "email.smtp.rejected", logging.WARNING, reason="unknown_recipient")
            return "550 5.1.1 No such mailbox here"
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address.lower())
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):  # only with decode_data=True, which we do not set
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            mail = await asyncio.to_thread(parse_mime, raw, max_bytes=self.max_bytes)
        except InvalidInput as e:
            event(logger, "email.smtp.rejected", logging.WARNING, reason=e.code, size=len(raw))
            if e.code == "too_large":
                return "552 5.3.4 Message too big"
            return "554 5.6.0 Message not understood"
        except Exception as e:  # noqa: BLE001 - a parser bug must not become aiosmtpd's 500 with details
            event(logger, "email.smtp.rejected", logging.ERROR, reason="parser_error", error=type(e).__name__)
            return "554 5.6.0 Message not understood"
        null_sender = not (envelope.mail_from or "").strip("<>")
        outcomes = []
        try:
            for rcpt in envelope.rcpt_tos:
                outcomes.append(await self.accept(replace(mail, to_address=rcpt), null_sender))
        except StorageError:
            event(logger, "email.smtp.deferred", logging.WARNING, reason="storage")
            return "451 4.3.0 Temporarily unable to store the message, try again later"
        except Exception as e:  # noqa: BLE001 - anything of ours is temporary for the sender
            event(logger, "email.smtp.deferred", logging.ERROR, reason="error", error=type(e).__name__)
            return "451 4.3.0 Temporary local error, try again later"
        event(
            logger, "email.smtp.received", recipients=len(outcomes), outcome=",".join(sorted(set(outcomes)))
        )
        return "250 2.0.0 Message accepted"


def tls_context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    """A server context for STARTTLS (TLS 1.2 or later)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(cert_file), str(key_file))
    return context


async def start_receiver(
    handler: InboundHandler,
    host: str,
    port: int,
    *,
    tls: ssl.SSLContext | None = None,
    timeout: float = 300,
) -> asyncio.base_events.Server:
    """Listen on host:port on the running loop. SO_REUSEPORT lets several Sanic
    workers share the port (the kernel spreads connections). Close the returned server
    on shutdown."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    loop = asyncio.get_running_loop()

    def protocol() -> Any:
        return SMTP(
            handler,
            data_size_limit=handler.max_bytes,
            enable_SMTPUTF8=True,
            hostname=GREETING_HOST,
            ident="Rapport",
            tls_context=tls,
            timeout=timeout,
            loop=loop,
        )

    return await loop.create_server(protocol, host, port, reuse_port=True)
