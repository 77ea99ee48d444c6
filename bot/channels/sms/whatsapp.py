"""WhatsApp over Twilio: its webhook form parsed into a typed value, and its addresses.

Twilio posts an incoming WhatsApp message to the same Messaging webhook as an SMS, in
the same form, signed the same way; what differs is the address: `From` and `To` are
`whatsapp:+<E.164>` (the guest's WhatsApp number and the hotel's WhatsApp sender).
WhatsApp adds fields the bot does not read (`ProfileName`, the guest's WhatsApp profile
name, personal data never stored; `WaId`, the number without "+"; `MessageType`;
`ButtonPayload`, ...). Sending uses the same Messages API with `whatsapp:` addresses.

Pure: verify the request's signature (`bot.channels.sms.signature`) before parsing.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from bot.base.errors import InvalidInput
from bot.channels.sms.inbound import InboundSms, normalise_e164, parse_twilio_form

PREFIX = "whatsapp:"


@dataclass(frozen=True)
class InboundWhatsapp(InboundSms):
    """An InboundSms whose numbers came as `whatsapp:+...` (stored without the prefix),
    and when it arrived (epoch seconds): the guest's 24-hour window opens then."""

    received_at: float = 0.0


def is_whatsapp(form: Mapping[str, str]) -> bool:
    """True when Twilio's form is a WhatsApp message (its `From` is `whatsapp:...`)."""
    sender = form.get("From") if isinstance(form, Mapping) else None
    return isinstance(sender, str) and sender.strip().lower().startswith(PREFIX)


def address(number: str) -> str:
    """The Twilio address of an E.164 number on WhatsApp: "+4915..." -> "whatsapp:+4915..."."""
    return PREFIX + number


def number_of(raw: str) -> str:
    """ "whatsapp:+49 151 ..." -> "+49151..." (E.164), or InvalidInput("bad_whatsapp")."""
    if not isinstance(raw, str) or not raw.strip().lower().startswith(PREFIX):
        raise InvalidInput("bad_whatsapp", "expected a whatsapp:+<number> address")
    try:
        return normalise_e164(raw.strip()[len(PREFIX) :])
    except InvalidInput:
        raise InvalidInput("bad_whatsapp", "not a valid WhatsApp number") from None


def parse_whatsapp_form(form: Mapping[str, str], *, now: float | None = None) -> InboundWhatsapp:
    """Twilio's form of an incoming WhatsApp message -> InboundWhatsapp, or InvalidInput:
    "bad_whatsapp" (From or To not a `whatsapp:` number, or a field missing or malformed),
    "too_large" (as for SMS). `now`: the arrival time (default: the clock)."""
    if not isinstance(form, Mapping):
        raise InvalidInput("bad_whatsapp", "form must be a mapping")
    from_number, to_number = number_of(form.get("From", "")), number_of(form.get("To", ""))
    try:
        sms = parse_twilio_form({**form, "From": from_number, "To": to_number})
    except InvalidInput as e:
        if e.code == "too_large":
            raise
        raise InvalidInput("bad_whatsapp", "a field is missing or malformed") from None
    return InboundWhatsapp(
        sms.message_sid,
        sms.account_sid,
        sms.from_number,
        sms.to_number,
        sms.body,
        sms.num_media,
        time.time() if now is None else now,
    )
