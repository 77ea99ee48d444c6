"""Replies: threading headers, subject, both parts carrying the same escaped text, and
the markers that keep other robots (and ourselves) from answering."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import pytest

from bot.channels.email.autoreply import is_automatic, is_loop
from bot.channels.email.message import html_to_text, parse_mime
from bot.channels.email.outbound import build_reply, reply_subject, thread_references

TEXT = "Vielen Dank für Ihr Feedback!\n\nWir freuen uns auf Ihren nächsten Besuch.\nIhr Hotel Aurora"


def reply(**overrides):
    args = dict(
        from_address="Hotel Aurora <feedback@hotel-aurora.example>",
        to_address="anna.mueller@example.de",
        subject="Re: AW: Ihr Aufenthalt",
        text=TEXT,
        html_text=None,
        in_reply_to="<CAF=abc123@mail.gmail.com>",
        references=["<rapport.1.1@hotel-aurora.example>", "<rapport.1.2@hotel-aurora.example>"],
        domain="hotel-aurora.example",
        loop_marker="c2f1a9e0",
        date=datetime(2026, 3, 3, 10, 0, tzinfo=UTC),
    )
    return build_reply(**{**args, **overrides})


def on_the_wire(msg):
    """The message as the SMTP sender transmits it, parsed back."""
    return email.message_from_bytes(msg.as_bytes(policy=email.policy.SMTP), policy=email.policy.default)


def test_threading_headers():
    msg = on_the_wire(reply())
    assert msg["In-Reply-To"] == "<CAF=abc123@mail.gmail.com>"
    assert msg["References"].split() == [
        "<rapport.1.1@hotel-aurora.example>",
        "<rapport.1.2@hotel-aurora.example>",
        "<CAF=abc123@mail.gmail.com>",
    ]
    assert msg["Message-ID"].endswith("@hotel-aurora.example>")
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["X-Rapport-Loop"] == "c2f1a9e0"
    assert msg["Date"] == "Tue, 03 Mar 2026 10:00:00 +0000"
    assert msg.get_content_type() == "multipart/alternative"


def test_fresh_message_id_each_time():
    assert reply()["Message-ID"] != reply()["Message-ID"]


def test_first_message_has_no_threading_headers():
    msg = reply(in_reply_to=None, references=[])
    assert msg["In-Reply-To"] is None and msg["References"] is None


def test_references_deduplicated_and_capped():
    refs = [f"<m{i}@x.example>" for i in range(30)] + ["<m3@x.example>", "junk", ""]
    result = thread_references(refs, "<m29@x.example>")
    assert result == [f"<m{i}@x.example>" for i in range(10, 30)]
    assert len(set(result)) == len(result) == 20


@pytest.mark.parametrize(
    "subject,expected",
    [
        ("Ihr Aufenthalt", "Re: Ihr Aufenthalt"),
        ("Re: Ihr Aufenthalt", "Re: Ihr Aufenthalt"),
        ("RE: Re: re: Your stay", "Re: Your stay"),
        ("AW: Re: Ihr Aufenthalt", "Re: Ihr Aufenthalt"),
        ("R: Il suo soggiorno", "Re: Il suo soggiorno"),
        ("Re[2]: Your stay", "Re: Your stay"),
        ("Regarding your stay", "Re: Regarding your stay"),
        ("", "Re:"),
        ("Your\r\n stay", "Re: Your stay"),
    ],
)
def test_reply_subject(subject, expected):
    assert reply_subject(subject) == expected
    assert reply(subject=subject)["Subject"] == expected


def parts(msg):
    plain = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    unix = (plain.get_content().replace("\r\n", "\n"), html.get_content().replace("\r\n", "\n"))
    return *unix, plain, html


def test_both_parts_carry_the_same_text_in_utf8():
    plain, html, plain_part, html_part = parts(on_the_wire(reply()))
    assert plain.rstrip("\n") == TEXT
    assert html_to_text(html) == TEXT
    assert "<p>Vielen Dank für Ihr Feedback!</p>" in html
    assert plain_part.get_content_charset() == html_part.get_content_charset() == "utf-8"
    assert reply().as_bytes(policy=email.policy.SMTP).isascii()  # 7-bit safe on the wire


def test_html_is_escaped():
    text = "Thanks <script>alert('x')</script> & see you"
    plain, html, _, _ = parts(on_the_wire(reply(text=text)))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; see you" in html
    assert plain.rstrip("\n") == text
    assert html_to_text(html) == text


def test_ready_html_is_used_as_given():
    _, html, _, _ = parts(reply(html_text="<p>Danke</p>"))
    assert html.strip() == "<p>Danke</p>"


@pytest.mark.parametrize(
    "field", ["from_address", "to_address", "loop_marker", "domain"], ids=lambda f: f"newline_in_{f}"
)
def test_header_injection_refused(field):
    with pytest.raises(ValueError):
        reply(**{field: "x@example.de\r\nBcc: victim@example.de"})


def test_our_reply_coming_back_is_recognised():
    """Bounced back to us (e.g. a forwarding loop): both checks stop it."""
    raw = reply().as_bytes(policy=email.policy.SMTP)
    mail = parse_mime(raw)
    assert is_automatic(mail.headers, mail.from_address) == "auto_submitted"
    assert is_loop(mail.headers, "c2f1a9e0")
    assert mail.text == TEXT
