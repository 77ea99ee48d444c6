"""Staff messages to the guest, on the guest's own channel.

- SMS: the guest's number from `contacts` (sealed), split and sent through Twilio's
  async client from the hotel number the guest wrote to; never to a guest who sent
  STOP.
- E-mail: a reply in the guest's thread (In-Reply-To / References of their last mail),
  from the hotel inbox they wrote to, over SMTP.
- Web widget: an event to the socket.io room of the guest (named after the guest
  reference, joined by every socket of that guest session), published through Redis
  so whichever Rasa server process holds the socket delivers it. The widget
  acknowledges what it showed; what was not acknowledged is sent again when the guest
  reconnects (bot/channels/webchat/channel.py). So `deliver` returns False: delivered means
  acknowledged.
- REST (loopback test channel): nothing can be pushed; the message waits in the
  transcript.

Nothing goes to a guest who objected (bot/storage/flags.py): `DeliveryFailed("objected")`,
except a message the guest asked for themselves (`essential`: a verification code, the
confirmation of the objection, a receipt).

`Delivery` is the `deliver` callable of `HandoverStore`; it returns True when the
message is with the provider.

Opening the guest's sealed contact is a read of personal data by the system: it is
recorded in the tenant's audit inbox (`contact.read`, bot/audit/log.py) alongside the read,
and the message is not sent if the record cannot be written.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import socketio

from bot.audit.log import AuditLog, SystemAccess
from bot.base.errors import RapportError
from bot.base.logs import event
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.channels.email.outbound import build_reply
from bot.channels.email.smtp import EmailSendError, SmtpSender
from bot.channels.sms.outbound import send_text, twilio_sender
from bot.channels.sms.store import SmsStore
from bot.channels.sms.twilio import SmsSendError, TwilioSender
from bot.channels.webchat.session import SOCKETIO_CHANNEL, STAFF_EVENT, guest_room
from bot.storage.contacts import ContactStore
from bot.storage.flags import FlagStore
from bot.storage.mongo import MongoStore

logger = logging.getLogger(__name__)

LOOP_MARKER = "rapport"  # the same loop marker as bot/channels/email/channel.py


class DeliveryFailed(RapportError):
    """The message is stored but could not be handed to the guest's channel."""

    def __init__(self, code: str, *, retryable: bool = False) -> None:
        super().__init__(code)
        self.code = code
        self.retryable = retryable


class Delivery:
    def __init__(self, settings: Settings, mongo: MongoStore) -> None:
        self.settings = settings
        self.mongo = mongo
        self.cipher = Cipher(settings.data_keys)
        self.audit = AuditLog.from_settings(mongo.client, settings)
        self._twilio: TwilioSender | None = None
        self._socketio: socketio.AsyncRedisManager | None = None

    async def close(self) -> None:
        if self._twilio is not None:
            await self._twilio.close()

    def socketio(self) -> socketio.AsyncRedisManager:
        if self._socketio is None:
            self._socketio = socketio.AsyncRedisManager(
                self.settings.effective_redis_url.value, channel=SOCKETIO_CHANNEL, write_only=True
            )
        return self._socketio

    async def __call__(
        self, tenant_id: str, handover: dict[str, Any], message: dict[str, Any], *, essential: bool = False
    ) -> bool:
        """`essential`: a message the guest asked for (a verification code, a receipt)
        that goes out even to a guest who objected to being contacted."""
        channel = handover.get("channel")
        gref = handover["guest_ref"]
        if not essential and (await FlagStore(self.mongo, tenant_id).get(gref)).objected:
            event(logger, "handover.delivery_refused", tenant=tenant_id, reason="objected")
            raise DeliveryFailed("objected")  # GDPR Art. 21: no further messages on any channel
        if channel == "webchat":
            await self.socketio().emit(
                STAFF_EVENT,
                {"id": message["_id"], "text": message["text"], "from": message["author"]},
                room=guest_room(tenant_id, gref),
                namespace="/",
            )
            event(logger, "handover.delivered", tenant=tenant_id, channel=channel, pending_ack=True)
            return False
        if channel not in ("sms", "email"):
            event(logger, "handover.delivery_skipped", tenant=tenant_id, channel=channel or "-")
            return False
        contact, _ = await asyncio.gather(
            ContactStore(self.mongo, tenant_id, self.cipher).get(gref),
            self.audit.system_access(tenant_id, [], [SystemAccess("contact.read", "contact", gref)]),
        )
        if contact is None:
            raise DeliveryFailed("no_contact")
        if channel == "sms":
            await self._sms(tenant_id, gref, contact.address, contact.via, message["text"])
        else:
            await self._email(tenant_id, contact.address, contact.via, contact.thread, message["text"])
        event(logger, "handover.delivered", tenant=tenant_id, channel=channel)
        return True

    async def _sms(self, tenant_id: str, gref: str, number: str, via: str, text: str) -> None:
        store = SmsStore(self.mongo, tenant_id)
        if await store.opted_out(gref):
            raise DeliveryFailed("opted_out")
        if self._twilio is None:
            self._twilio = twilio_sender(self.settings)
        try:
            await send_text(
                self.settings,
                self._twilio,
                store,
                tenant_id=tenant_id,
                guest_ref=gref,
                to=number,
                from_=via,
                text=text,
            )
        except SmsSendError as e:
            raise DeliveryFailed("provider_failed", retryable=e.retryable) from None

    async def _email(self, tenant_id: str, address: str, via: str, thread: dict[str, Any], text: str) -> None:
        references = list(thread.get("references") or [])
        reply = build_reply(
            from_address=via,
            to_address=address,
            subject=thread.get("subject") or "",
            text=text,
            html_text=None,
            in_reply_to=thread.get("message_id"),
            references=references,
            domain=via.split("@", 1)[1],
            loop_marker=LOOP_MARKER,
        )
        try:
            await SmtpSender.from_settings(self.settings).send(reply)
        except EmailSendError as e:
            raise DeliveryFailed("provider_failed", retryable=e.retryable) from None
