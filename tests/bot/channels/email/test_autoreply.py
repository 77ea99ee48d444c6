"""Auto-reply and loop detection: one row per header and per client subject, and the
ordinary guest replies that must not be mistaken for them."""

from __future__ import annotations

import pytest

from bot.channels.email.autoreply import is_automatic, is_loop

GUEST = "anna.mueller@example.de"

AUTOMATIC_HEADERS = [
    ("auto_submitted_auto_replied", {"Auto-Submitted": "auto-replied"}, GUEST, "auto_submitted"),
    (
        "auto_submitted_generated",
        {"auto-submitted": "auto-generated; owner-email=x@y.example"},
        GUEST,
        "auto_submitted",
    ),
    ("precedence_bulk", {"Precedence": "bulk"}, GUEST, "precedence"),
    ("precedence_junk", {"Precedence": "junk"}, GUEST, "precedence"),
    ("precedence_list", {"Precedence": "list"}, GUEST, "precedence"),
    ("precedence_auto_reply", {"Precedence": "auto_reply"}, GUEST, "precedence"),
    ("x_autoreply", {"X-Autoreply": "yes"}, GUEST, "x_autoreply"),
    ("x_autorespond", {"X-Autorespond": "Out of office"}, GUEST, "x_autorespond"),
    ("suppress_all", {"X-Auto-Response-Suppress": "All"}, GUEST, "auto_response_suppress"),
    (
        "suppress_oof",
        {"X-Auto-Response-Suppress": "DR, RN, NRN, OOF, AutoReply"},
        GUEST,
        "auto_response_suppress",
    ),
    ("list_id", {"List-Id": "<offers.hotels.example>"}, GUEST, "mailing_list"),
    ("list_unsubscribe", {"List-Unsubscribe": "<mailto:u@news.example>"}, GUEST, "mailing_list"),
    ("null_return_path", {"Return-Path": "<>"}, GUEST, "null_return_path"),
    ("failed_recipients", {"X-Failed-Recipients": "guest@example.de"}, GUEST, "failed_recipients"),
    ("mailer_daemon", {}, "MAILER-DAEMON@mx.example.de", "system_sender"),
    ("postmaster", {}, "postmaster@example.de", "system_sender"),
    ("noreply", {}, "noreply@booking.example", "system_sender"),
    ("no_reply_tagged", {}, "no-reply+abc123@accounts.example", "system_sender"),
]


@pytest.mark.parametrize(
    "headers,sender,reason", [a[1:] for a in AUTOMATIC_HEADERS], ids=[a[0] for a in AUTOMATIC_HEADERS]
)
def test_automatic_by_header_or_sender(headers, sender, reason):
    assert is_automatic(headers, sender) == reason


AUTO_SUBJECTS = [
    "Out of Office: Re: Your stay at Hotel Aurora",
    "Automatic reply: Your stay at Hotel Aurora",
    "Abwesenheitsnotiz: Ihr Aufenthalt",
    "Automatische Antwort: Ihr Aufenthalt",
    "Réponse automatique : Votre séjour",
    "Absence du bureau",
    "Absence : Votre séjour",
    "Respuesta automática: Su estancia",
    "Risposta automatica: Il suo soggiorno",
    "Fuori sede",
    "AW: Out of office",
]


@pytest.mark.parametrize("subject", AUTO_SUBJECTS)
def test_automatic_by_subject(subject):
    assert is_automatic({"Subject": subject}, GUEST) == "auto_subject"
    assert is_automatic({}, GUEST, subject=subject) == "auto_subject"


HUMAN = [
    ("plain_reply", {"Subject": "Re: Your stay at Hotel Aurora"}),
    ("mentions_office", {"Subject": "Re: I was out of office hours when checking in"}),
    ("office_in_body_subject", {"Subject": "The business centre office was great"}),
    ("out_of_office_hours", {"Subject": "Out of office hours check-in"}),
    ("absence_of_towels", {"Subject": "Absence of towels in room 12"}),
    ("auto_submitted_no", {"Auto-Submitted": "no", "Subject": "Re: Your stay"}),
    ("precedence_first_class", {"Precedence": "first-class"}),
    ("suppress_rn_only", {"X-Auto-Response-Suppress": "RN, NRN"}),
    ("return_path_set", {"Return-Path": "<guest@example.de>"}),
    ("short_reply", {"Subject": "Re: stay"}),
]


@pytest.mark.parametrize("headers", [h[1] for h in HUMAN], ids=[h[0] for h in HUMAN])
def test_human_mail_is_not_automatic(headers):
    assert is_automatic(headers, GUEST) is None
    assert is_automatic(headers, "replyto.anna@example.de") is None


MARKER = "c2f1a9e0"
LOOPS = [
    ("own_marker", {"X-Rapport-Loop": MARKER}, 0, True),
    ("own_marker_lowercase_header", {"x-rapport-loop": MARKER}, 0, True),
    ("other_marker", {"X-Rapport-Loop": "someone-else"}, 0, False),
    ("no_marker", {"Subject": "Re: Your stay"}, 0, False),
    ("21_received_counted", {}, 21, True),
    ("20_received_counted", {}, 20, False),
    ("21_received_pairs", [("Received", f"from relay{i}.example by x") for i in range(21)], 0, True),
    ("20_received_pairs", [("Received", f"from relay{i}.example by x") for i in range(20)], 0, False),
]


@pytest.mark.parametrize("headers,received,loop", [x[1:] for x in LOOPS], ids=[x[0] for x in LOOPS])
def test_is_loop(headers, received, loop):
    assert is_loop(headers, MARKER, received_count=received) is loop


def test_is_loop_needs_a_marker():
    with pytest.raises(ValueError):
        is_loop({}, "")
