"""Weak language priors from the channels (issue 13 part 1): the SMS/WhatsApp sender's
country (region only, never the number), an e-mail's Content-Language/Accept-Language
(Mailgun form and raw MIME), and the REST channel's metadata, validated strictly."""

from __future__ import annotations

import json

import pytest

from bot.base.errors import InvalidInput
from bot.channels.email.channel import turn_metadata as email_metadata
from bot.channels.email.mailgun import parse_mailgun_form
from bot.channels.email.message import language_hint, parse_mime
from bot.channels.rest.parse import parse_metadata
from bot.channels.sms.channel import turn_metadata as sms_metadata


def mime(*headers: str) -> bytes:
    head = [
        "From: Guest <guest@example.com>",
        "To: feedback@alpenhof.example",
        "Subject: Re: Ihr Aufenthalt",
        "Message-ID: <m1@example.com>",
        *headers,
        "Content-Type: text/plain; charset=utf-8",
    ]
    return ("\r\n".join(head) + "\r\n\r\nBonjour\r\n").encode()


def test_mime_content_language_then_accept_language():
    assert language_hint(parse_mime(mime("Content-Language: fr-CH")).headers) == "fr-CH"
    mail = parse_mime(mime("Accept-Language: es-ES, en;q=0.5", "Content-Language: it"))
    assert language_hint(mail.headers) == "it"
    assert language_hint(parse_mime(mime("Accept-Language: es-ES, en;q=0.5")).headers) == "es-ES, en;q=0.5"
    assert language_hint(parse_mime(mime()).headers) is None


@pytest.mark.parametrize("junk", ["x" * 500, "<script>alert(1)</script>", "fr;q=abc", "de fr it", ";;"])
def test_mime_junk_language_header_is_dropped(junk):
    assert language_hint(parse_mime(mime(f"Content-Language: {junk}")).headers) is None


def test_mailgun_message_headers_carry_the_hint():
    form = {
        "recipient": "feedback@alpenhof.example",
        "sender": "guest@example.com",
        "from": "Guest <guest@example.com>",
        "subject": "Re: Ihr Aufenthalt",
        "body-plain": "Hola",
        "message-headers": json.dumps([["Message-Id", "<m2@example.com>"], ["Content-Language", "es-MX"]]),
    }
    assert language_hint(parse_mailgun_form(form).headers) == "es-MX"


def test_email_turn_metadata():
    assert email_metadata("fr-CH") == {"channel": "email", "language_hint": "fr-CH"}
    assert email_metadata(None) == {"channel": "email"}  # records stored before the hint was kept
    assert email_metadata("y" * 500) == {"channel": "email"}
    assert email_metadata({"$gt": ""}) == {"channel": "email"}


@pytest.mark.parametrize(
    "number, region",
    [
        ("+33612345678", "FR"),
        ("+41445551234", "CH"),
        ("whatsapp:+393471234567", "IT"),
        ("+12125551234", "US"),
    ],
)
def test_sms_metadata_has_the_region_never_the_number(number, region):
    metadata = sms_metadata("sms", number)
    assert metadata == {"channel": "sms", "phone_region": region}
    assert number.removeprefix("whatsapp:")[1:] not in json.dumps(metadata)


@pytest.mark.parametrize("number", ["", "12345", "+999", "not a number", "+" + "9" * 60])
def test_sms_metadata_without_a_parseable_number(number):
    assert sms_metadata("whatsapp", number) == {"channel": "whatsapp"}


def test_rest_metadata_accepts_the_priors():
    out = parse_metadata({"phone_region": "CH", "language_hint": "fr-CH, fr;q=0.9"}, default_channel="rest")
    assert out == {"channel": "rest", "phone_region": "CH", "language_hint": "fr-CH, fr;q=0.9"}
    assert parse_metadata({"phone_region": "", "language_hint": None}, default_channel="rest") == {
        "channel": "rest"
    }


@pytest.mark.parametrize("key", ["phone_region", "language_hint"])
@pytest.mark.parametrize(
    "value", ["x" * 500, "ch\n", "<b>", "fr;q=abc", {"$gt": ""}, ["CH"], 41, 1.5, True, "12"], ids=repr
)
def test_rest_metadata_refuses_junk_priors(key, value):
    with pytest.raises(InvalidInput) as e:
        parse_metadata({key: value}, default_channel="rest")
    assert e.value.code == "bad_metadata"
    assert key in e.value.detail
