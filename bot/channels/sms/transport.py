"""The SMS transport: an outbox envelope as one Twilio message (bot/channels/sms/twilio.py),
from the hotel's number, with the signed status callback of the tenant when the outbox
tracks it. One per process; the Twilio session opens on the first send."""

from __future__ import annotations

from bot.base.settings import Settings
from bot.channels.sms.signature import public_url
from bot.channels.sms.twilio import SmsSendError, TwilioSender
from bot.outbox.transport import Envelope, Sent, TransportFailed

STATUS_PATH = "/webhooks/sms/status"


class SmsTransport:
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

    async def transmit(self, envelope: Envelope) -> Sent:
        callback = None
        if envelope.tracked:
            callback = public_url(self.settings.public_url, STATUS_PATH, f"tenant={envelope.tenant}")
        try:
            sent = await self.sender().send(
                to=envelope.to, from_=envelope.sender, body=envelope.text, status_callback=callback
            )
        except SmsSendError as e:
            raise TransportFailed("sms", retryable=e.retryable) from None
        return Sent(sent.sid, sent.status, sent.segments)

    async def close(self) -> None:
        sender, self._sender = self._sender, None
        if sender is not None:
            await sender.close()
