"""The outbox: every message to a guest, and the staff notices sent over the same
providers, with the decisions each kind of send takes (see bot/outbox/__init__.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from bot.audit.log import AuditLog, SystemAccess
from bot.base.errors import RapportError
from bot.base.logs import event
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.outbox.segments import split_message
from bot.outbox.sms_store import SmsStore
from bot.outbox.transport import Envelope, Kind, Sent, Transport, TransportFailed
from bot.storage.contacts import Contact, ContactStore
from bot.storage.flags import FlagStore
from bot.storage.mongo import MongoStore
from bot.tenants.registry import Tenant

logger = logging.getLogger(__name__)


class DeliveryFailed(RapportError):
    """The message could not be handed to the channel: `code` says why ("objected",
    "opted_out", "no_contact", "provider_failed"); `retryable` whether sending it again
    later cannot duplicate it."""

    def __init__(self, code: str, *, retryable: bool = False) -> None:
        super().__init__(code)
        self.code = code
        self.retryable = retryable


class Outbox:
    """One per process: `transports` are the media's (bot/channels/transports.py builds
    them from the settings), keyed by medium; `close()` releases them."""

    def __init__(self, settings: Settings, mongo: MongoStore, transports: Mapping[str, Transport]) -> None:
        self.settings = settings
        self.mongo = mongo
        self.transports = dict(transports)
        self.cipher = Cipher(settings.data_keys)
        self.audit = AuditLog.from_settings(mongo.client, settings)

    async def close(self) -> None:
        for transport in self.transports.values():
            await transport.close()

    async def _transmit(self, envelope: Envelope) -> Sent:
        try:
            transport = self.transports[envelope.medium]
        except KeyError:
            raise DeliveryFailed("no_transport") from None
        try:
            return await transport.transmit(envelope)
        except TransportFailed as e:
            raise DeliveryFailed("provider_failed", retryable=e.retryable) from None

    # ---- the bot's replies in the conversation -------------------------------------------

    async def reply(
        self,
        tenant_id: str,
        guest_ref: str,
        medium: str,
        *,
        to: str,
        via: str,
        text: str,
        thread: Mapping[str, Any] | None = None,
    ) -> None:
        """The bot's answer to the SMS or mail a guest just sent, to the number or address
        it came from (`via`: the hotel's number or inbox it was sent to; `thread`: the
        mail's subject, message_id and references). No flags are read: the turn already
        decided (a guest who objected gets no texts, a STOP is answered). SMS: split
        within the segment budget, each part tracked and recorded. Raises
        DeliveryFailed("provider_failed"); the channel logs it and does not retry blindly
        (the provider may have taken it)."""
        if medium == "sms":
            await self._sms(tenant_id, guest_ref, to, via, text, "reply")
        elif medium != "email":
            raise ValueError(f"no reply by {medium}: web chat answers on its socket (on_socket)")
        else:
            await self._transmit(
                Envelope(
                    "email", "reply", tenant_id, text, to=to, sender=via, guest_ref=guest_ref, thread=thread
                )
            )

    async def on_socket(
        self, tenant_id: str, socket_id: str, text: str, *, message_id: str = "", author: str = ""
    ) -> None:
        """To one web-chat socket held by this process: the bot's reply (no `message_id`),
        or a staff message the widget has not acknowledged yet, sent again."""
        kind = "message" if message_id else "reply"
        envelope = Envelope(
            "webchat", kind, tenant_id, text, to=socket_id, message_id=message_id, author=author
        )
        await self._transmit(envelope)

    # ---- messages to a guest outside the turn ----------------------------------------------

    async def to_guest(
        self,
        tenant_id: str,
        channel: str,
        guest_ref: str,
        message: Mapping[str, Any],
        *,
        essential: bool = False,
    ) -> bool:
        """A staff reply or a system message ({"_id", "text", "author"}) on the guest's own
        channel. True when the provider has it; False when it waits: for the widget's
        acknowledgement (web chat, sent to every socket of the guest in any process) or
        for the guest's next request (REST, nothing to push).

        Nothing goes to a guest who objected (bot/storage/flags.py): DeliveryFailed
        ("objected"), unless the guest asked for it themselves (`essential`: a
        verification code, the confirmation of the objection, a request's result). SMS
        and e-mail open the guest's sealed contact (the read is recorded in the audit
        inbox alongside; nothing is sent if that fails): "no_contact" without one; no SMS
        to a guest who sent STOP ("opted_out")."""
        if not essential and (await FlagStore(self.mongo, tenant_id).get(guest_ref)).objected:
            event(logger, "handover.delivery_refused", tenant=tenant_id, reason="objected")
            raise DeliveryFailed("objected")  # GDPR Art. 21: no further messages on any channel
        if channel == "webchat":
            await self._transmit(
                Envelope(
                    "webchat",
                    "message",
                    tenant_id,
                    message["text"],
                    guest_ref=guest_ref,
                    message_id=message["_id"],
                    author=message["author"],
                )
            )
            event(logger, "handover.delivered", tenant=tenant_id, channel=channel, pending_ack=True)
            return False
        if channel not in ("sms", "email"):
            event(logger, "handover.delivery_skipped", tenant=tenant_id, channel=channel or "-")
            return False
        contact, _ = await asyncio.gather(
            ContactStore(self.mongo, tenant_id, self.cipher).get(guest_ref),
            self.audit.system_access(tenant_id, [], [SystemAccess("contact.read", "contact", guest_ref)]),
        )
        if contact is None:
            raise DeliveryFailed("no_contact")
        if channel == "sms":
            if await SmsStore(self.mongo, tenant_id).opted_out(guest_ref):
                raise DeliveryFailed("opted_out")
            await self._sms(tenant_id, guest_ref, contact.address, contact.via, message["text"], "message")
        else:
            await self._transmit(
                Envelope(
                    "email",
                    "message",
                    tenant_id,
                    message["text"],
                    to=contact.address,
                    sender=contact.via,
                    guest_ref=guest_ref,
                    thread=contact.thread,
                )
            )
        event(logger, "handover.delivered", tenant=tenant_id, channel=channel)
        return True

    async def from_memory(
        self,
        tenant_id: str,
        channel: str,
        guest_ref: str,
        contact: Contact | None,
        opted_out: bool,
        message_id: str,
        text: str,
    ) -> None:
        """A message to a guest whose data is already erased (the erasure receipt), from
        the contact and STOP state read before: nothing of the guest is read or written
        (no flags, no record, no status callback). DeliveryFailed: "no_contact" (neither
        web chat nor a contact), "opted_out", "provider_failed"."""
        if channel == "webchat":
            await self._transmit(
                Envelope(
                    "webchat",
                    "message",
                    tenant_id,
                    text,
                    guest_ref=guest_ref,
                    message_id=message_id,
                    author="system",
                )
            )
            return
        if channel not in ("sms", "email") or contact is None:
            raise DeliveryFailed("no_contact")
        if channel == "sms":
            if opted_out:
                raise DeliveryFailed("opted_out")
            for part in split_message(text, self.settings.sms_max_segments):
                await self._transmit(
                    Envelope("sms", "message", tenant_id, part, to=contact.address, sender=contact.via)
                )
            return
        await self._transmit(
            Envelope(
                "email",
                "message",
                tenant_id,
                text,
                to=contact.address,
                sender=contact.via,
                thread=contact.thread,
            )
        )

    async def _sms(self, tenant_id: str, guest_ref: str, to: str, via: str, text: str, kind: Kind) -> None:
        """`text` in as many parts as it needs, each tracked and recorded (sms_outbound).
        The first part that fails raises; nothing after it is sent."""
        store = SmsStore(self.mongo, tenant_id)
        for part in split_message(text, self.settings.sms_max_segments):
            envelope = Envelope(
                "sms", kind, tenant_id, part, to=to, sender=via, guest_ref=guest_ref, tracked=True
            )
            try:
                sent = await self._transmit(envelope)
            except DeliveryFailed as e:
                event(logger, "sms.send.failed", logging.ERROR, tenant=tenant_id, retryable=e.retryable)
                raise
            await store.record_sent(sent.id, guest_ref=guest_ref, status=sent.status, segments=sent.segments)

    # ---- staff and operators ---------------------------------------------------------------

    async def to_staff(self, tenant: Tenant, medium: str, to: str, text: str, *, subject: str = "") -> None:
        """A notice to a member of staff or an admin of the tenant (no guest, so no consent
        to ask): e-mail from the no-reply address of the tenant's inbox domain, marked
        auto-generated; SMS from the tenant's first number, in one message. Raises
        DeliveryFailed("provider_failed")."""
        if medium == "email":
            envelope = Envelope(
                "email", "notice", tenant.id, text, to=to, sender=tenant.notice_sender, subject=subject
            )
        else:
            envelope = Envelope("sms", "notice", tenant.id, text, to=to, sender=tenant.sms_numbers[0])
        await self._transmit(envelope)
