"""What the outbox hands a transport, and what a transport promises.

A transport is one provider's send, wrapped: SMS and WhatsApp over Twilio
(bot/channels/sms/transport.py),
e-mail over SMTP (bot/channels/email/transport.py), socket.io events to a guest's widget
(bot/channels/webchat/transport.py). It turns one `Envelope` into the provider's message
and sends it: no decisions (whom, whether, how many parts: the outbox's), no storage. A
provider's failure comes back as `TransportFailed`; only bot/outbox calls `transmit`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from bot.base.errors import RapportError

Medium = Literal["sms", "whatsapp", "email", "webchat"]

# What an envelope is, which decides its shape on the wire:
#   reply    the bot's answer in the conversation (web chat: `bot_uttered`)
#   message  a staff or system message to the guest outside the turn (web chat: the staff
#            event the widget acknowledges by `message_id`)
#   notice   a message to staff or an operator (e-mail: auto-generated, not in a thread)
Kind = Literal["reply", "message", "notice"]


@dataclass(frozen=True)
class Envelope:
    """One provider message. E-mail replies and messages are threaded from `thread`
    (subject, message_id, references of the guest's last mail); web chat goes to the
    socket `to` of this process, or, when `to` is empty, to the room of `guest_ref`."""

    medium: Medium
    kind: Kind
    tenant: str
    text: str
    to: str = ""  # a number, an address, or a socket id in this process
    sender: str = ""  # the hotel's number or inbox the guest wrote to; no-reply for notices
    guest_ref: str = ""  # "" for staff
    subject: str = ""  # notices
    thread: Mapping[str, Any] | None = None
    tracked: bool = False  # SMS: the provider reports statuses back (signed callback)
    message_id: str = ""  # web chat messages: what the widget acknowledges
    author: str = ""  # web chat messages: "staff" or "system"
    # WhatsApp templates (outside the 24-hour window): the approved content's SID
    # ("HX" + 32 hex) and its variables; `text` is then empty
    content_sid: str = ""
    variables: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Sent:
    """The provider's id of what was sent (SMS sid, Message-ID, the message id)."""

    id: str
    status: str = ""
    segments: int | None = None


class TransportFailed(RapportError):
    """The provider did not take the message. `retryable`: sending it again later cannot
    duplicate it (the provider's own error says why; see the transport). `code`: the
    provider's error code when it gave one (Twilio: 63016 outside WhatsApp's window)."""

    def __init__(self, medium: str, *, retryable: bool, code: int | None = None) -> None:
        super().__init__(f"{medium} provider failed (retryable={retryable}, code={code})")
        self.medium = medium
        self.retryable = retryable
        self.code = code


class Transport(Protocol):
    async def transmit(self, envelope: Envelope) -> Sent:
        """Send one envelope; raises TransportFailed when the provider did not take it."""
        ...

    async def close(self) -> None:
        """Release per-process clients (a transport opens them on first use)."""
        ...
