"""Twilio's inbound-SMS webhook form parsed into a typed value.

Only the fields the bot uses are read (MessageSid, AccountSid, From, To, Body, NumMedia);
everything else Twilio sends (SmsSid, MessagingServiceSid, NumSegments, FromCountry, ...)
is ignored. Verify the request's signature (`bot.channels.sms.signature`) before calling this.

Works with a plain `dict[str, str]` and with framework multi-dicts whose `.get` returns
the first value (Sanic's `RequestParameters`, Starlette's `FormData`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import phonenumbers

from bot.base.errors import InvalidInput
from bot.inbox.text import clean_text

MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-fA-F]{32}")  # MM: an MMS
ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
# What a number may look like before phonenumbers reads it. phonenumbers alone would
# accept "whatsapp:+14155552671" or "+14155552671 ext. 12" and quietly drop the rest.
PHONE_SHAPE = re.compile(r"\+[0-9 ().\-]{1,32}")
NUM_MEDIA = re.compile(r"[0-9]{1,3}")
MAX_BODY_CHARS = 10_000  # Twilio delivers at most 1,600; anything far beyond is not Twilio


@dataclass(frozen=True)
class InboundSms:
    message_sid: str  # "SM" + 32 hex ("MM" for an MMS)
    account_sid: str  # "AC" + 32 hex
    from_number: str  # E.164, e.g. "+4915123456789" (personal data: never logged)
    to_number: str  # E.164: the hotel's Twilio number
    body: str | None  # None when there is no text (MMS only, location); control chars removed
    num_media: int


def normalise_e164(raw: str) -> str:
    """`raw` ("+49 151 2345-6789") as E.164 ("+4915123456789"), or InvalidInput("bad_number")
    unless it is an international number phonenumbers considers valid."""
    if not isinstance(raw, str) or not PHONE_SHAPE.fullmatch(raw.strip()):
        raise InvalidInput("bad_number", "expected an international number starting with +")
    try:
        number = phonenumbers.parse(raw.strip(), None)
    except phonenumbers.NumberParseException:
        raise InvalidInput("bad_number", "not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput("bad_number", "not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _field(form: Mapping[str, str], name: str, pattern: re.Pattern[str]) -> str:
    value = form.get(name)
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InvalidInput("bad_sms", f"{name} is missing or malformed")
    return value


def _number(form: Mapping[str, str], name: str) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        raise InvalidInput("bad_sms", f"{name} is missing")
    try:
        return normalise_e164(value)
    except InvalidInput:
        raise InvalidInput("bad_sms", f"{name} is not a valid E.164 number") from None


def parse_twilio_form(form: Mapping[str, str]) -> InboundSms:
    """The webhook's form fields -> InboundSms, or InvalidInput: "bad_sms" (a required
    field missing or malformed), "too_large" (Body over MAX_BODY_CHARS characters).
    A missing or empty Body gives `body=None`; NumMedia defaults to 0."""
    if not isinstance(form, Mapping):
        raise InvalidInput("bad_sms", "form must be a mapping")
    message_sid = _field(form, "MessageSid", MESSAGE_SID)
    account_sid = _field(form, "AccountSid", ACCOUNT_SID)
    from_number, to_number = _number(form, "From"), _number(form, "To")
    body = form.get("Body")
    if body is not None:
        if not isinstance(body, str):
            raise InvalidInput("bad_sms", "Body must be text")
        if len(body) > MAX_BODY_CHARS:
            raise InvalidInput("too_large", f"Body longer than {MAX_BODY_CHARS} characters")
        body = clean_text(body) or None
    num_media = form.get("NumMedia", "0")
    if not isinstance(num_media, str) or not NUM_MEDIA.fullmatch(num_media):
        raise InvalidInput("bad_sms", "NumMedia must be a small non-negative integer")
    return InboundSms(message_sid, account_sid, from_number, to_number, body, int(num_media))
