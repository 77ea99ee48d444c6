"""The Twilio transports: an outbox envelope as one Twilio message
(bot/channels/sms/twilio.py), from the hotel's number, with the signed status callback of
the tenant when the outbox tracks it. `SmsTransport` sends SMS; `WhatsappTransport` the
same Messages API with `whatsapp:` addresses, free text or a template (ContentSid and
ContentVariables). One of each per process; the Twilio session opens on the first send."""

from __future__ import annotations

import json

from bot.base.settings import Settings
from bot.channels.sms.signature import public_url
from bot.channels.sms.twilio import SmsSendError, TwilioSender
from bot.channels.sms.whatsapp import address
from bot.outbox.transport import Envelope, Sent, TransportFailed

STATUS_PATH = "/webhooks/sms/status"  # SMS and WhatsApp statuses alike


class SmsTransport:
    medium = "sms"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._sender: TwilioSender | None = None

    def sender(self) -> TwilioSender:
        if self._sender is None:
            s = self.settings
            self._sender = TwilioSender(
                s.twilio_account_sid, s.twilio_auth_token.value, api_base=s.twilio_api_base
            )
        return self._sender

    def callback(self, envelope: Envelope) -> str | None:
        if not envelope.tracked:
            return None
        return public_url(self.settings.public_url, STATUS_PATH, f"tenant={envelope.tenant}")

    async def transmit(self, envelope: Envelope) -> Sent:
        try:
            sent = await self.sender().send(
                to=envelope.to,
                from_=envelope.sender,
                body=envelope.text,
                status_callback=self.callback(envelope),
            )
        except SmsSendError as e:
            raise TransportFailed(self.medium, retryable=e.retryable, code=e.code) from None
        return Sent(sent.sid, sent.status, sent.segments)

    async def close(self) -> None:
        sender, self._sender = self._sender, None
        if sender is not None:
            await sender.close()


class WhatsappTransport(SmsTransport):
    """WhatsApp over Twilio: `to` and `sender` are E.164 numbers, sent as `whatsapp:+...`;
    an envelope with a `content_sid` is a template (no Body; its variables as the JSON
    object Twilio's ContentVariables expects)."""

    medium = "whatsapp"

    async def transmit(self, envelope: Envelope) -> Sent:
        content = {}
        if envelope.content_sid:
            content = {
                "content_sid": envelope.content_sid,
                "content_variables": json.dumps(dict(envelope.variables or {}), ensure_ascii=False),
            }
        try:
            sent = await self.sender().send(
                to=address(envelope.to),
                from_=address(envelope.sender),
                body=None if envelope.content_sid else envelope.text,
                status_callback=self.callback(envelope),
                **content,
            )
        except SmsSendError as e:
            raise TransportFailed(self.medium, retryable=e.retryable, code=e.code) from None
        return Sent(sent.sid, sent.status, None)  # WhatsApp has no SMS segments
