"""Mailgun webhook signature, replay guard and route-form parsing. Requests are signed in
the test the way Mailgun documents it: hex HMAC-SHA256(signing key, timestamp + token)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from bot.base.errors import InvalidInput
from bot.channels.email.mailgun import InMemoryReplayGuard, parse_mailgun_form, replay_ttl, verify_signature

KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"  # a made-up signing key
NOW = 1_772_532_000.0  # 2026-03-03 10:00 UTC
TOKEN = "3c8ff5e4a3f6b1e0d9c2a7b8e5f4d3c2b1a0f9e8d7c6b5a4f3"


def sign(timestamp: str, token: str, key: str = KEY) -> str:
    return hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()


TS = str(int(NOW))
SIG = sign(TS, TOKEN)

SIGNATURES = [
    # id, key, timestamp, token, signature, expected
    ("valid", KEY, TS, TOKEN, SIG, True),
    ("valid_uppercase_hex", KEY, TS, TOKEN, SIG.upper(), True),
    ("valid_299s_old", KEY, str(int(NOW) - 299), TOKEN, sign(str(int(NOW) - 299), TOKEN), True),
    ("valid_59s_ahead", KEY, str(int(NOW) + 59), TOKEN, sign(str(int(NOW) + 59), TOKEN), True),
    ("wrong_key", "key-other", TS, TOKEN, SIG, False),
    ("tampered_token", KEY, TS, TOKEN[:-1] + "0", SIG, False),
    ("tampered_timestamp", KEY, str(int(NOW) - 1), TOKEN, SIG, False),
    ("stale", KEY, str(int(NOW) - 301), TOKEN, sign(str(int(NOW) - 301), TOKEN), False),
    ("future", KEY, str(int(NOW) + 61), TOKEN, sign(str(int(NOW) + 61), TOKEN), False),
    ("non_numeric_timestamp", KEY, "yesterday", TOKEN, sign("yesterday", TOKEN), False),
    ("float_timestamp", KEY, TS + ".5", TOKEN, sign(TS + ".5", TOKEN), False),
    ("negative_timestamp", KEY, "-" + TS, TOKEN, sign("-" + TS, TOKEN), False),
    ("empty_signature", KEY, TS, TOKEN, "", False),
    ("non_ascii_signature", KEY, TS, TOKEN, "é" * 64, False),
    ("empty_key", "", TS, TOKEN, sign(TS, TOKEN, ""), False),
    ("missing_token", KEY, TS, None, SIG, False),
]


@pytest.mark.parametrize(
    "key,timestamp,token,signature,expected", [s[1:] for s in SIGNATURES], ids=[s[0] for s in SIGNATURES]
)
def test_verify_signature(key, timestamp, token, signature, expected):
    assert verify_signature(key, timestamp, token, signature, now=NOW) is expected


def test_max_age_is_configurable():
    old = str(int(NOW) - 600)
    assert verify_signature(KEY, old, TOKEN, sign(old, TOKEN), now=NOW, max_age=900)
    assert not verify_signature(KEY, old, TOKEN, sign(old, TOKEN), now=NOW)


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


async def test_replayed_token_1s_later_is_refused():
    clock = Clock()
    guard = InMemoryReplayGuard(clock)
    assert await guard.first_use(TOKEN, replay_ttl())
    clock.t += 1
    assert not await guard.first_use(TOKEN, replay_ttl())
    assert await guard.first_use("another-token", replay_ttl())


async def test_replayed_token_10min_later_is_refused_by_the_window():
    """After the guard forgets the token (ttl = whole window) the timestamp is stale."""
    clock = Clock()
    guard = InMemoryReplayGuard(clock)
    assert verify_signature(KEY, TS, TOKEN, SIG, now=NOW) and await guard.first_use(TOKEN, replay_ttl())
    clock.t += 600
    assert await guard.first_use(TOKEN, replay_ttl())  # forgotten...
    assert not verify_signature(KEY, TS, TOKEN, SIG, now=NOW + 600)  # ...but no longer valid


def test_ttl_covers_the_whole_window():
    assert replay_ttl(300) >= 300 + 60


HEADERS = [
    ["Received", "from mail-wr1-f41.google.com by mxa.mailgun.org with SMTP"],
    ["Received", "by mail-wr1-f41.google.com with SMTP id x3so"],
    ["From", "Anna Müller <Anna.Mueller@Example.DE>"],
    ["To", "feedback@hotel-aurora.example"],
    ["Subject", "Re: Wie war Ihr Aufenthalt?"],
    ["Message-Id", "<CAF=abc123@mail.gmail.com>"],
    ["In-Reply-To", "<rapport.1.2@hotel-aurora.example>"],
    ["Content-Type", 'multipart/alternative; boundary="000000000000b1"'],
]

FORM = {
    "recipient": "feedback@hotel-aurora.example",
    "sender": "anna.mueller@example.de",
    "from": "Anna Müller <Anna.Mueller@Example.DE>",
    "subject": "Re: Wie war Ihr Aufenthalt?",
    "body-plain": (
        "Das Zimmer war wunderschön, danke!\r\n\r\n"
        "Am Mo., 3. März 2026 um 10:00 schrieb Hotel Aurora <feedback@hotel-aurora.example>:\r\n"
        "> Wie war Ihr Aufenthalt?\r\n"
    ),
    "stripped-text": "Das Zimmer war wunderschön, danke!",
    "body-html": '<div dir="ltr">Das Zimmer war wunderschön, danke!</div>',
    "Message-Id": "<CAF=abc123@mail.gmail.com>",
    "In-Reply-To": "<rapport.1.2@hotel-aurora.example>",
    "References": "<rapport.1.1@hotel-aurora.example> <rapport.1.2@hotel-aurora.example>",
    "message-headers": json.dumps(HEADERS),
    "attachment-count": "1",
    "timestamp": TS,
    "token": TOKEN,
    "signature": SIG,
}


def test_parse_form():
    mail = parse_mailgun_form(FORM)
    assert mail.message_id == "<CAF=abc123@mail.gmail.com>"
    assert mail.in_reply_to == "<rapport.1.2@hotel-aurora.example>"
    assert mail.references == ("<rapport.1.1@hotel-aurora.example>", "<rapport.1.2@hotel-aurora.example>")
    assert mail.from_address == "anna.mueller@example.de"
    assert mail.to_address == "feedback@hotel-aurora.example"
    assert mail.subject == "Re: Wie war Ihr Aufenthalt?"
    assert mail.text == "Das Zimmer war wunderschön, danke!"
    assert mail.attachment_count == 1
    assert mail.received_count == 2
    assert mail.headers == {}


def test_parse_form_keeps_autoreply_headers():
    headers = [*HEADERS, ["Auto-Submitted", "auto-replied"], ["X-Rapport-Loop", "m1"]]
    mail = parse_mailgun_form({**FORM, "message-headers": json.dumps(headers)})
    assert mail.headers == {"auto-submitted": "auto-replied", "x-rapport-loop": "m1"}


@pytest.mark.parametrize(
    "fields,text",
    [
        ({"body-plain": ""}, "Das Zimmer war wunderschön, danke!"),  # stripped-text
        ({"body-plain": "", "stripped-text": ""}, "Das Zimmer war wunderschön, danke!"),  # HTML
        ({"body-plain": "", "stripped-text": "", "body-html": ""}, ""),
    ],
    ids=["stripped_text_fallback", "html_fallback", "no_body"],
)
def test_parse_form_body_fallbacks(fields, text):
    assert parse_mailgun_form({**FORM, **fields}).text == text


def test_parse_form_without_message_id_gets_a_stable_synthetic_one():
    form = {k: v for k, v in FORM.items() if k != "Message-Id"}
    first, second = parse_mailgun_form(form), parse_mailgun_form(dict(form))
    assert first.message_id == second.message_id
    assert first.message_id.endswith("@rapport.invalid>")


def test_parse_form_falls_back_to_envelope_sender():
    form = {k: v for k, v in FORM.items() if k != "from"}
    assert parse_mailgun_form(form).from_address == "anna.mueller@example.de"


BAD_FORMS = [
    ("not_a_mapping", ["recipient", "x"], "unparseable_email"),
    ("missing_sender_and_from", {k: v for k, v in FORM.items() if k not in ("sender", "from")}, None),
    ("missing_recipient", {k: v for k, v in FORM.items() if k != "recipient"}, None),
    ("bad_from", {**FORM, "from": "Anna Müller", "sender": ""}, None),
    ("two_from_addresses", {**FORM, "from": "a@example.de, b@example.de"}, None),
    ("header_injection", {**FORM, "from": "a@example.de\r\nBcc: x@example.de"}, None),
    ("headers_not_json", {**FORM, "message-headers": "[[From"}, None),
    ("headers_not_list", {**FORM, "message-headers": '{"From": "x"}'}, None),
    ("headers_bad_pair", {**FORM, "message-headers": '[["From"]]'}, None),
    ("attachment_count_text", {**FORM, "attachment-count": "many"}, None),
    ("field_not_text", {**FORM, "subject": ["a", "b"]}, None),
    ("too_large", {**FORM, "body-plain": "x" * 10_000_001}, "too_large"),
]


@pytest.mark.parametrize("form,code", [b[1:] for b in BAD_FORMS], ids=[b[0] for b in BAD_FORMS])
def test_parse_form_rejects(form, code):
    with pytest.raises(InvalidInput) as info:
        parse_mailgun_form(form)
    assert info.value.code == (code or "unparseable_email")


@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_deeply_nested_message_headers_are_unparseable_not_a_crash(depth):
    """A JSON string nested deeper than the interpreter recurses gave RecursionError (a
    500 after the replay token was spent); it can never be headers: 406."""
    with pytest.raises(InvalidInput) as info:
        parse_mailgun_form({**FORM, "message-headers": "[" * depth + "]" * depth})
    assert info.value.code == "unparseable_email"


def test_attachments_keep_only_count_types_and_size():
    attachments = [("image/JPEG", 2_000_000), ("application/pdf", 300), ("<script>/x", 5)]
    mail = parse_mailgun_form({**FORM, "attachment-count": "3"}, attachments)
    assert mail.attachment_count == 3
    assert mail.attachment_types == ("image/jpeg", "application/pdf", "application/octet-stream")
    assert mail.attachment_bytes == 2_000_305


def test_attachment_parts_count_when_the_count_field_is_missing():
    form = {k: v for k, v in FORM.items() if k != "attachment-count"}
    assert parse_mailgun_form(form, [("image/png", 10)]).attachment_count == 1
