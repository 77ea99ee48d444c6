"""`parse_whatsapp_form`, `is_whatsapp` and the addresses: Twilio's incoming WhatsApp
webhook body as it is POSTed (the same webhook and form as an SMS, with `whatsapp:`
addresses and WhatsApp's own fields), then one row per rejected condition."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest

from bot.base.errors import InvalidInput
from bot.channels.sms.inbound import parse_twilio_form
from bot.channels.sms.whatsapp import (
    InboundWhatsapp,
    address,
    is_whatsapp,
    number_of,
    parse_whatsapp_form,
)

SID = "SM" + "0123456789abcdef" * 2
ACCOUNT = "AC" + "a1b2c3d4e5f60718" * 2
HOTEL = "+49882112345"
GUEST = "+4915123456789"
NOW = 1_765_000_000.5

# Twilio's incoming WhatsApp message, field for field.
WIRE = (
    "SmsMessageSid={sid}&NumMedia=0&ProfileName=Anna&MessageType=text&SmsSid={sid}"
    "&WaId=4915123456789&SmsStatus=received&Body={body}&To=whatsapp%3A%2B49882112345"
    "&NumSegments=1&ReferralNumMedia=0&MessageSid={sid}&AccountSid={account}"
    "&From=whatsapp%3A%2B4915123456789&ApiVersion=2010-04-01"
)


def wire_form(body: str) -> dict[str, str]:
    raw = WIRE.format(sid=SID, body=urlencode({"b": body})[2:], account=ACCOUNT)
    return dict(parse_qsl(raw, keep_blank_values=True))


def form(**fields: str | None) -> dict[str, str]:
    base = {"MessageSid": SID, "AccountSid": ACCOUNT, "From": address(GUEST), "To": address(HOTEL)}
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


@pytest.mark.parametrize("body", ["Das Zimmer war schön, 4 von 5", "STOP", "😀 5/5"])
def test_a_real_whatsapp_payload_gives_the_numbers_without_the_prefix(body):
    message = parse_whatsapp_form(wire_form(body), now=NOW)
    assert message == InboundWhatsapp(SID, ACCOUNT, GUEST, HOTEL, body, 0, NOW)
    assert "Anna" not in repr(message)  # the WhatsApp profile name is not kept


def test_a_whatsapp_form_is_told_from_an_sms_form_by_its_sender():
    assert is_whatsapp(wire_form("hi")) and is_whatsapp(form(From="WhatsApp:+4915123456789"))
    assert not is_whatsapp(form(From=GUEST)) and not is_whatsapp(form(From=None)) and not is_whatsapp({})
    assert not is_whatsapp("From=whatsapp:+49")  # type: ignore[arg-type]


def test_the_sms_parser_still_refuses_whatsapp_addresses():
    with pytest.raises(InvalidInput) as refused:
        parse_twilio_form(wire_form("hi"))
    assert refused.value.code == "bad_sms"


def test_the_arrival_time_defaults_to_the_clock():
    import time

    before = time.time()
    message = parse_whatsapp_form(form(Body="4"))
    assert before <= message.received_at <= time.time()


def test_a_media_only_message_has_no_body():
    message = parse_whatsapp_form(form(NumMedia="1", Body=""), now=NOW)
    assert (message.body, message.num_media) == (None, 1)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"From": GUEST}, "bad_whatsapp"),  # an SMS sender on a WhatsApp form
        ({"To": HOTEL}, "bad_whatsapp"),  # mixed channels
        ({"To": None}, "bad_whatsapp"),
        ({"From": "whatsapp:"}, "bad_whatsapp"),
        ({"From": "whatsapp:+49"}, "bad_whatsapp"),
        ({"From": "whatsapp:+4915123456789 ext. 1"}, "bad_whatsapp"),
        ({"From": "whatsapp:4915123456789"}, "bad_whatsapp"),  # WaId, not E.164
        ({"MessageSid": "SMxyz"}, "bad_whatsapp"),
        ({"AccountSid": None}, "bad_whatsapp"),
        ({"NumMedia": "-1"}, "bad_whatsapp"),
        ({"Body": "x" * 10_001}, "too_large"),
    ],
)
def test_a_malformed_whatsapp_form_is_refused(fields, code):
    with pytest.raises(InvalidInput) as refused:
        parse_whatsapp_form(form(**fields), now=NOW)
    assert refused.value.code == code


def test_addresses_round_trip():
    assert address(GUEST) == "whatsapp:+4915123456789"
    assert number_of(" whatsapp:+49 151 2345 6789") == GUEST
    with pytest.raises(InvalidInput):
        number_of(GUEST)
