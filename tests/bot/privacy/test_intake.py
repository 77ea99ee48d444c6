"""bot/privacy/intake.py: which messages read as a data-subject request (whatever the
model says about ordinary feedback and junk), and which replies are an explicit yes."""

from __future__ import annotations

import pytest

from bot.privacy.intake import is_yes, requested, runner_up
from tests.stack.test_privacy_dsr import REQUESTS

# Ordinary feedback and junk that the model classified as requests (issue 10, item 4),
# with the intent it gave them: none may read as a request, however confident the model.
NOT_REQUESTS = [
    ("Bonjour, nous avons passé trois nuits chez vous.", "dsr_restriction"),
    (
        "Bonjour, Nous avons passé trois nuits chez vous. Je donnerais 4 sur 5. Cordialement, Chloé",
        "dsr_rectification",
    ),
    ("Me he alojado por 2 dias, solo alojamiento.", "dsr_access"),
    ("Gutes Hotel für einen Städtetrip", "dsr_erasure"),
    ("Z " * 100, "dsr_restriction"),
    ("B" * 9000, "dsr_erasure"),
    ("I want to talk to a person now <script>alert('x')</script>", "dsr_objection"),
    ("Hello, we stayed three nights with you. I would give 4 out of 5.", "dsr_rectification"),
    ("Please change the towels in room 214.", "dsr_rectification"),
    ("The bill was wrong at first but they corrected it quickly.", "dsr_rectification"),
    ("Can you remove the extra bed from our room?", "dsr_erasure"),
]


@pytest.mark.parametrize(("text", "intent"), NOT_REQUESTS)
def test_feedback_and_junk_never_read_as_a_request(text, intent):
    assert requested(text, intent, 0.95, 0.02) is None


@pytest.mark.parametrize(("lang", "kind"), [(lang, kind) for lang in REQUESTS for kind in REQUESTS[lang]])
def test_real_requests_read_as_their_type(lang, kind):
    assert requested(REQUESTS[lang][kind], f"dsr_{kind}", 0.8, 0.1) == kind


# Requests in words the first cue lists missed: other verbs ("purge", "tilgen", "amend"),
# inflections ("geändert", "oubliiez", "emailing"), separable verbs ("werten ... aus"),
# regional forms ("m'texter"), and personal data or the GDPR named outright.
MORE_REQUESTS = [
    ("please purge my records", "erasure"),
    ("scrub my details from your files", "erasure"),
    ("I want off your database entirely", "erasure"),
    ("Tilgen Sie bitte alle Angaben zu meiner Person", "erasure"),
    ("je veux que vous oubliiez mes données", "erasure"),
    ("Welche Informationen habt ihr zu meiner Person?", "access"),
    ("please amend my email address to kim.lee@example.com", "rectification"),
    ("meine Handynummer hat sich geändert, neu: 0171 2233445", "rectification"),
    ("bitte werten Sie meine Antworten nicht aus", "restriction"),
    ("stop emailing me", "objection"),
    ("arrêtez de m'texter svp", "objection"),
    ("i withdraw my consent regarding my personal data", "objection"),
    ("ritiro il consenso al trattamento dei miei dati", "objection"),
    ("Ich will keine Mails mehr", "objection"),
    ("bitte nicht mehr anrufen", "objection"),
    ("plus de courriels svp", "objection"),
    ("basta de correos", "objection"),
    ("quiero desuscribirme", "objection"),
    ("lasciatemi in pace", "objection"),
    ("don't publish my review", "restriction"),
    ("meine Noten sollen nicht in den Durchschnitt einfließen", "restriction"),
    ("i miei voti non devono contare nella media", "restriction"),
]


@pytest.mark.parametrize(("text", "kind"), MORE_REQUESTS)
def test_requests_in_other_words_read_as_their_type(text, kind):
    assert requested(text, f"dsr_{kind}", 0.8, 0.1) == kind


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("J'ai oublié mon chargeur dans la chambre, pouvez-vous vérifier ?", "dsr_erasure"),
        ("We got off the train and the hotel was right there, my kids loved it.", "dsr_erasure"),
        ("Der Preis hat sich geändert, aber das Zimmer war super.", "dsr_rectification"),
        ("Wir werten den Aufenthalt als gelungen.", "dsr_restriction"),
        ("Le texte de bienvenue dans la chambre était charmant.", "dsr_objection"),
        ("Mi mujer y yo estuvimos cuatro noches con media pensión.", "dsr_restriction"),
        ("Quiero contar mi experiencia: todo perfecto.", "dsr_restriction"),
        ("Abbiamo potuto contare sul personale, grazie.", "dsr_restriction"),
        ("Das Schild 'Bitte nicht stören' wurde ignoriert.", "dsr_objection"),
        ("No more towels were left in the room, stop the cleaning at 7am please.", "dsr_objection"),
    ],
)
def test_the_new_words_alone_do_not_make_feedback_a_request(text, intent):
    assert requested(text, intent, 0.95, 0.02) is None


def test_confidence_and_margin_are_required():
    text = REQUESTS["en"]["erasure"]
    assert requested(text, "dsr_erasure", 0.8, 0.1) == "erasure"
    assert requested(text, "dsr_erasure", 0.25, 0.1) is None  # not confident
    # between MIN_CONFIDENCE_STRONG and MIN_CONFIDENCE only a strong cue will do
    assert requested("Werbemails", "dsr_objection", 0.35, 0.1) == "objection"
    assert requested("remove my details", "dsr_erasure", 0.35, 0.1) is None  # a weak cue
    assert requested("remove my details", "dsr_erasure", 0.45, 0.1) == "erasure"
    assert requested(text, "dsr_erasure", 0.5, 0.45) is None  # the runner-up is close
    assert requested(text, "comment", 0.9, 0.0) is None  # not a request intent


def test_a_formal_letter_reads_as_its_right_by_its_legal_markers():
    letter = "I am hereby requesting erasure of personal data concerning me according to Article 17 GDPR."
    assert requested(letter, "dsr_erasure", 0.3, 0.25) == "erasure"
    assert requested(letter, "dsr_access", 0.3, 0.25) is None  # the markers name another right


def test_markup_does_not_count_as_a_cue():
    assert requested("<p>send me a <b>copy</b> of my data</p>", "dsr_access", 0.9, 0.0) == "access"
    assert requested("nice room <img src='erase.png' alt='delete'>", "dsr_erasure", 0.9, 0.0) is None


def test_runner_up():
    ranking = [{"name": "dsr_erasure", "confidence": 0.6}, {"name": "comment", "confidence": 0.3}]
    assert runner_up(ranking, "dsr_erasure") == 0.3
    assert runner_up([], "dsr_erasure") == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "Yes!",
        "YES please",
        "y",
        "ja",
        "Ja, bitte.",
        "oui",
        "Oui, je confirme",
        "sí",
        "Si",
        "sì grazie",
    ],
)
def test_yes(text):
    assert is_yes(text)


@pytest.mark.parametrize(
    "text",
    ["no", "nein", "non", "ok", "yes but the room was cold", "maybe", "4", "", "yes " * 10, "si no"],
)
def test_not_yes(text):
    assert not is_yes(text)
