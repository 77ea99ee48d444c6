"""`parse_twilio_form` and `normalise_e164`: real webhook payloads (as Twilio POSTs them,
decoded the way the channel decodes them), then one row per rejected condition."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest
from sanic.request import RequestParameters

from bot.base.errors import InvalidInput
from bot.channels.sms.inbound import InboundSms, normalise_e164, parse_twilio_form

SID = "SM" + "0123456789abcdef" * 2
MMS_SID = "MM" + "fedcba9876543210" * 2
ACCOUNT = "AC" + "a1b2c3d4e5f60718" * 2
HOTEL = "+14155552671"

# Twilio's inbound SMS webhook body, field for field (values vary per row).
WIRE = (
    "ToCountry=US&ToState=CA&SmsMessageSid={sid}&NumMedia=0&ToCity=SAN+FRANCISCO"
    "&FromZip=&SmsSid={sid}&FromState=&SmsStatus=received&FromCity=&Body={body}"
    "&FromCountry={country}&To=%2B14155552671&MessagingServiceSid=MG" + "0" * 32 + "&ToZip=94105"
    "&NumSegments=1&ReferralNumMedia=0&MessageSid={sid}&AccountSid={account}"
    "&From={sender}&ApiVersion=2010-04-01"
)


def wire_form(body: str, sender: str, country: str, sid: str = SID) -> dict[str, str]:
    raw = WIRE.format(
        sid=sid,
        body=urlencode({"b": body})[2:],
        country=country,
        account=ACCOUNT,
        sender=urlencode({"f": sender})[2:],
    )
    return dict(parse_qsl(raw, keep_blank_values=True))


def form(**fields: str) -> dict[str, str]:
    """A minimal valid form with `fields` replaced (value None removes the field)."""
    base = {"MessageSid": SID, "AccountSid": ACCOUNT, "From": "+4915123456789", "To": HOTEL}
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


PAYLOADS = [
    ("Room was great, 5 stars!", "+447400123456", "GB"),
    ("Das Zimmer war schön, 4 von 5", "+4915123456789", "DE"),
    ("Très bien, merci ! 5/5", "+33612345678", "FR"),
    ("¡Muy bien! ¿Cuatro estrellas?", "+34612345678", "ES"),
    ("Perché no? È stato ottimo 😀", "+393123456789", "IT"),
    ("1+1 = 2 & 100%20 done", "+41781234567", "CH"),
]


@pytest.mark.parametrize(("body", "sender", "country"), PAYLOADS)
def test_real_payload_in_each_language(body, sender, country):
    sms = parse_twilio_form(wire_form(body, sender, country))
    assert sms == InboundSms(SID, ACCOUNT, sender, HOTEL, body, 0)


def test_mms_without_text_has_no_body():
    fields = wire_form("", "+4915123456789", "DE", sid=MMS_SID) | {
        "NumMedia": "2",
        "MediaUrl0": "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME1",
        "MediaContentType0": "image/jpeg",
    }
    sms = parse_twilio_form(fields)
    assert (sms.message_sid, sms.body, sms.num_media) == (MMS_SID, None, 2)


ACCEPTED = [
    # (fields, attribute, expected)
    ({"Body": None}, "body", None),  # no Body at all (location message)
    ({"Body": ""}, "body", None),
    ({"Body": "Hi\x00\x07 there\n\tok"}, "body", "Hi there\n\tok"),
    ({"Body": "\x00"}, "body", None),
    ({"Body": "x" * 1600}, "body", "x" * 1600),  # Twilio's maximum
    ({"Body": "x" * 10_000}, "body", "x" * 10_000),
    ({"NumMedia": None}, "num_media", 0),
    ({"NumMedia": "10"}, "num_media", 10),
    ({"From": "+49 151 2345-6789"}, "from_number", "+4915123456789"),
    ({"To": "+1 (415) 555-2671"}, "to_number", HOTEL),
    ({"MessageSid": "SM" + "0123456789ABCDEF" * 2}, "message_sid", "SM" + "0123456789ABCDEF" * 2),
    ({"SmsSid": "SM" + "f" * 32, "Unknown": "x", "FromCountry": "??"}, "message_sid", SID),
]


@pytest.mark.parametrize(("fields", "attribute", "expected"), ACCEPTED)
def test_accepted(fields, attribute, expected):
    assert getattr(parse_twilio_form(form(**fields)), attribute) == expected


def test_framework_multidict_form():
    fields = RequestParameters({k: [v] for k, v in form(Body="Hallo").items()})
    assert parse_twilio_form(fields).body == "Hallo"


REJECTED = [
    # (fields, code)
    ({"MessageSid": None}, "bad_sms"),
    ({"MessageSid": None, "SmsSid": SID}, "bad_sms"),
    ({"MessageSid": "XX" + "0" * 32}, "bad_sms"),
    ({"MessageSid": "SM" + "0" * 31}, "bad_sms"),
    ({"MessageSid": "SM" + "g" * 32}, "bad_sms"),
    ({"MessageSid": SID + "\n"}, "bad_sms"),
    ({"MessageSid": ""}, "bad_sms"),
    ({"AccountSid": None}, "bad_sms"),
    ({"AccountSid": "AC" + "0" * 33}, "bad_sms"),
    ({"AccountSid": SID}, "bad_sms"),
    ({"From": None}, "bad_sms"),
    ({"From": ""}, "bad_sms"),
    ({"From": "015123456789"}, "bad_sms"),  # national format: no country
    ({"From": "+1415555267"}, "bad_sms"),  # one digit short
    ({"From": "whatsapp:+4915123456789"}, "bad_sms"),
    ({"From": "+4915123456789 ext. 12"}, "bad_sms"),
    ({"To": None}, "bad_sms"),
    ({"To": "12345"}, "bad_sms"),  # short code
    ({"NumMedia": ""}, "bad_sms"),
    ({"NumMedia": "-1"}, "bad_sms"),
    ({"NumMedia": "1.0"}, "bad_sms"),
    ({"NumMedia": "٣"}, "bad_sms"),  # a digit, but not an ASCII one
    ({"NumMedia": "1000"}, "bad_sms"),
    ({"Body": ["a", "b"]}, "bad_sms"),
    ({"From": ["+4915123456789"]}, "bad_sms"),
    ({"Body": "x" * 10_001}, "too_large"),
]


@pytest.mark.parametrize(("fields", "code"), REJECTED)
def test_rejected(fields, code):
    with pytest.raises(InvalidInput) as e:
        parse_twilio_form(form(**fields))
    assert e.value.code == code
    assert "+49" not in str(e.value)  # no phone number in the message


def test_not_a_mapping():
    with pytest.raises(InvalidInput) as e:
        parse_twilio_form("MessageSid=SM...")  # type: ignore[arg-type]
    assert e.value.code == "bad_sms"


NUMBERS = [
    ("+14155552671", "+14155552671"),
    ("+44 7400 123456", "+447400123456"),
    ("+49 (0)151 2345 6789", "+4915123456789"),
    ("+33 6 12 34 56 78", "+33612345678"),
    ("+34 612-34-56-78", "+34612345678"),
    ("+39 312 345 6789", "+393123456789"),
    ("  +41 78 123 45 67\n", "+41781234567"),
]


@pytest.mark.parametrize(("raw", "e164"), NUMBERS)
def test_normalise_e164(raw, e164):
    assert normalise_e164(raw) == e164


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "4155552671",
        "+1415555267",
        "+999",
        "+",
        "+49 151 CALL ME",
        "whatsapp:+14155552671",
        "tel:+14155552671",
        "+14155552671;ext=12",
        "+１４１５５５５２６７１",
        "+1" + "5" * 40,
        None,
    ],
)
def test_normalise_e164_rejects(raw):
    with pytest.raises(InvalidInput) as e:
        normalise_e164(raw)
    assert e.value.code == "bad_number"
