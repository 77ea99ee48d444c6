"""Sending one text to a guest's phone: split within the segment budget, each part
through Twilio's async client with a signed status callback, each provider id stored.
Used by the SMS channel (bot replies) and by staff replies (bot/handover/delivery.py)."""

from __future__ import annotations

import logging

from bot.base.logs import event
from bot.base.settings import Settings
from bot.channels.sms.segments import split_message
from bot.channels.sms.signature import public_url
from bot.channels.sms.store import SmsStore
from bot.channels.sms.twilio import SmsSendError, TwilioSender

logger = logging.getLogger(__name__)


def twilio_sender(settings: Settings) -> TwilioSender:
    return TwilioSender(
        settings.twilio_account_sid, settings.twilio_auth_token.value, api_base=settings.twilio_api_base
    )


async def send_text(
    settings: Settings,
    sender: TwilioSender,
    store: SmsStore,
    *,
    tenant_id: str,
    guest_ref: str,
    to: str,
    from_: str,
    text: str,
) -> int:
    """Send `text` in as many parts as it needs; how many parts went out. Raises
    SmsSendError for the first part that failed (nothing after it is sent)."""
    callback = public_url(settings.public_url, "/webhooks/sms/status", f"tenant={tenant_id}")
    sent_parts = 0
    for part in split_message(text, settings.sms_max_segments):
        try:
            sent = await sender.send(to=to, from_=from_, body=part, status_callback=callback)
        except SmsSendError as e:
            event(logger, "sms.send.failed", logging.ERROR, tenant=tenant_id, retryable=e.retryable)
            raise
        await store.record_sent(sent.sid, guest_ref=guest_ref, status=sent.status, segments=sent.segments)
        sent_parts += 1
    return sent_parts
