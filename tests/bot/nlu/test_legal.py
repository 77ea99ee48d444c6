"""bot/nlu/legal.py: which GDPR right a message names by its legal markers, and when
that may set the intent. One table row per distinct condition; every text is our own."""

from __future__ import annotations

import re

import pytest

from bot.nlu import legal
from bot.nlu.legal import assess, decide, find_markers, is_long, reweigh

# --- article references --------------------------------------------------------------------

ARTICLES = [
    ("Art. 15 DSGVO", "access"),
    ("Art. 15 Abs. 3 DSGVO", "access"),
    ("Art. 16 DS-GVO", "rectification"),
    ("Art. 17 Abs. 1 lit. a DSGVO", "erasure"),
    ("Artikel 18 der Datenschutz-Grundverordnung", "restriction"),
    ("Art. 21 Abs. 2 DSGVO", "objection"),
    ("Article 15(1) GDPR", "access"),
    ("Art 16 GDPR", "rectification"),
    ("Article 17 of the General Data Protection Regulation", "erasure"),
    ("Art. 18(1)(a) UK GDPR", "restriction"),
    ("Article 21(2) GDPR", "objection"),
    ("Article 18 of Regulation (EU) 2016/679", "restriction"),
    ("GDPR Article 15", "access"),
    ("DSGVO, Art. 16", "rectification"),
    ("Article 20 GDPR", "access"),  # portability: answered with the access export
    ("l'article 15 du RGPD", "access"),
    ("l’article 17, paragraphe 1, du RGPD", "erasure"),
    ("article 21 du règlement général sur la protection des données", "objection"),
    ("artículo 15 del RGPD", "access"),
    ("artículo 16 del Reglamento General de Protección de Datos", "rectification"),
    ("art. 17 RGPD", "erasure"),
    ("articolo 17 del GDPR", "erasure"),
    ("art. 18 del Regolamento generale sulla protezione dei dati", "restriction"),
    ("Articolo 21(1) del GDPR", "objection"),
]


@pytest.mark.parametrize(("reference", "right"), ARTICLES)
def test_article_reference_names_its_right(reference, right):
    finding = assess(f"I refer to {reference}.")
    assert finding is not None
    assert finding.right == right
    assert finding.strong


@pytest.mark.parametrize(
    "text",
    [
        "Art. 5 GDPR",  # principles: no request
        "Article 4(1) GDPR",  # a definition
        "Art. 12 Abs. 3 DSGVO",  # the deadline
        "Art. 77 DSGVO",  # a complaint to the authority
        "Art. 15-22 GDPR",  # a range of rights, not one of them
        "Art. 15.5 GDPR",
    ],
)
def test_articles_that_name_no_single_request(text):
    assert assess(text) is None


# --- the rights' legal names, in every language ----------------------------------------------

NAMES = [
    ("en", "I wish to exercise my right of access to my personal data.", "access"),
    ("en", "This is a subject access request.", "access"),
    ("en", "I am exercising my right to rectification, my data is wrong.", "rectification"),
    ("en", "I invoke my right to erasure of my data.", "erasure"),
    ("en", "right to be forgotten", "erasure"),
    ("en", "I request restriction of processing of my answers.", "restriction"),
    ("en", "I exercise my right to object to the use of my data.", "objection"),
    ("en", "I want my data under the right to data portability.", "access"),
    ("de", "Ich mache mein Auskunftsrecht geltend und bitte um eine Kopie meiner Daten.", "access"),
    ("de", "Ich mache mein Recht auf Berichtigung meiner Daten geltend.", "rectification"),
    ("de", "Ich mache mein Recht auf Löschung meiner Daten geltend.", "erasure"),
    ("de", "Recht auf Vergessenwerden", "erasure"),
    ("de", "Ich verlange die Einschränkung der Verarbeitung meiner Bewertungen.", "restriction"),
    ("de", "Ich mache von meinem Widerspruchsrecht Gebrauch: keine Werbung mit meinen Daten.", "objection"),
    ("fr", "J'exerce mon droit d'accès à mes données personnelles.", "access"),
    ("fr", "J'exerce mon droit de rectification : mes données sont fausses.", "rectification"),
    ("fr", "J’exerce mon droit à l’effacement de mes données.", "erasure"),
    ("fr", "droit à l'oubli", "erasure"),
    ("fr", "Je demande la limitation du traitement de mes réponses.", "restriction"),
    ("fr", "J'exerce mon droit d'opposition au traitement de mes données.", "objection"),
    ("es", "Ejerzo mi derecho de acceso a mis datos personales.", "access"),
    ("es", "Ejerzo mi derecho de rectificación de mis datos.", "rectification"),
    ("es", "Ejerzo mi derecho de supresión de mis datos.", "erasure"),
    ("es", "derecho al olvido", "erasure"),
    ("es", "Solicito la limitación del tratamiento de mis respuestas.", "restriction"),
    ("es", "Ejerzo mi derecho de oposición al uso de mis datos para publicidad.", "objection"),
    ("it", "Esercito il mio diritto di accesso ai miei dati personali.", "access"),
    ("it", "Esercito il diritto di rettifica dei miei dati.", "rectification"),
    ("it", "Esercito il diritto alla cancellazione dei miei dati.", "erasure"),
    ("it", "diritto all'oblio", "erasure"),
    ("it", "Chiedo la limitazione del trattamento delle mie risposte.", "restriction"),
    ("it", "Esercito il diritto di opposizione al trattamento dei miei dati.", "objection"),
]


@pytest.mark.parametrize(("lang", "text", "right"), NAMES)
def test_right_name_names_its_right(lang, text, right):
    finding = assess(text)
    assert finding is not None, lang
    assert finding.right == right
    assert finding.strong


@pytest.mark.parametrize(
    "text",
    [
        "The manager said I had no right to object to the cleaning fee.",
        "Is there a right of access to the pool after 10 pm?",
        "droit d'accès à la piscine ?",
        "¿Tenemos derecho de acceso al gimnasio?",
        "diritto di accesso alla spa incluso?",
    ],
)
def test_everyday_sense_of_a_right_name_needs_data_or_the_regulation(text):
    assert assess(text) is None


# --- long formal letters (our own wording) -----------------------------------------------------

LETTERS = [
    (
        "en",
        "Dear Sir or Madam, I stayed at your hotel in March. I hereby request a copy of all personal "
        "data you process about me under Article 15 GDPR, including where it came from, who received "
        "it and how long you keep it. Personal data is meant as defined in Article 4(1) GDPR. Under "
        "Article 12(3) GDPR you must reply within one month. Please also give me the data I provided "
        "in a machine-readable format (Article 20 GDPR). Otherwise I will complain to the supervisory "
        "authority under Article 77 GDPR. Kind regards",
        "access",
    ),
    (
        "de",
        "Sehr geehrte Damen und Herren, hiermit beantrage ich die Löschung aller mich betreffenden "
        "Daten gemäß Art. 17 DSGVO. Soweit Sie meine Daten für Werbung verarbeiten, widerspreche ich "
        "dem nach Art. 21 Abs. 2 DSGVO; die Daten sind dann nach Art. 17 Abs. 1 lit. c DSGVO zu "
        "löschen. Teilen Sie die Löschung allen Empfängern mit (Art. 19 DSGVO). Die Frist beträgt "
        "einen Monat (Art. 12 Abs. 3 DSGVO). Mit freundlichen Grüßen",
        "erasure",
    ),
    (
        "fr",
        "Madame, Monsieur, par la présente je m'oppose au traitement de mes données personnelles à "
        "des fins de prospection, conformément à l'article 21 du RGPD. Le traitement fondé sur "
        "l'article 6, paragraphe 1, du RGPD n'est plus justifié. Je vous prie de me confirmer la prise "
        "en compte de mon opposition dans le délai d'un mois prévu à l'article 12 du RGPD. Veuillez "
        "agréer mes salutations distinguées.",
        "objection",
    ),
    (
        "es",
        "Estimados señores: por la presente solicito la rectificación de mis datos personales conforme "
        "al artículo 16 del RGPD. El correo electrónico que tienen guardado ya no es correcto. Les ruego "
        "que comuniquen la rectificación a los destinatarios de mis datos, como exige el artículo 19 "
        "del RGPD, y que me respondan en el plazo de un mes. Atentamente",
        "rectification",
    ),
    (
        "it",
        "Gentili signori, con la presente chiedo la limitazione del trattamento dei miei dati "
        "personali ai sensi dell'articolo 18 del GDPR, finché non avrete verificato l'esattezza dei "
        "dati che ho contestato. Vi prego di conservare i dati senza usarli per statistiche o "
        "confronti. Resto in attesa di una conferma entro un mese. Distinti saluti",
        "restriction",
    ),
]


@pytest.mark.parametrize(("lang", "text", "right"), LETTERS)
def test_a_long_letter_is_recognised_whatever_the_model_thought(lang, text, right):
    assert is_long(text), lang
    for predicted, confidence in [("comment", 0.95), ("dsr_access", 0.9), ("dsr_restriction", 0.99)]:
        override = decide(text, predicted, confidence)
        assert override is not None
        assert override.intent == f"dsr_{right}"


# --- several articles: the one the letter asks for ---------------------------------------------


def test_the_request_sentence_wins_over_an_earlier_mention():
    text = (
        "Ihre Auskunft nach Art. 15 DSGVO habe ich erhalten, danke. "
        "Nun bitte ich um die Löschung meiner Daten nach Art. 17 DSGVO."
    )
    finding = assess(text)
    assert finding is not None
    assert finding.right == "erasure"
    assert finding.scores["access"] < finding.scores["erasure"]


def test_the_right_cited_most_wins_over_a_ground_cited_once():
    text = (
        "I request erasure under Art. 17 GDPR. If you use my data for marketing, note that I object "
        "under Art. 21 GDPR, so Art. 17(1)(c) GDPR applies as well."
    )
    assert assess(text).right == "erasure"


def test_a_tie_goes_to_the_right_named_first():
    assert assess("Art. 16 GDPR and Art. 18 GDPR.").right == "rectification"
    assert assess("Art. 18 GDPR and Art. 16 GDPR.").right == "restriction"


def test_markers_are_found_in_order():
    markers = find_markers("Article 21 GDPR, Article 15 GDPR and the right to be forgotten")
    assert [m.right for m in markers] == ["objection", "access", "erasure"]


# --- what must never fire ----------------------------------------------------------------------

ORDINARY = [
    "the room was great",
    "I want to talk to a person",
    "5",
    "15",
    "17",
    "Art. 15",
    "art 17",
    "room 15, breakfast 4",
    "Art. 15 of the house rules says no dogs in the restaurant",
    "The art. 17 exhibition in the lobby was lovely, and the art in room 21 too.",
    "Article 21 of your terms says breakfast ends at ten, but it ended at nine thirty.",
    "GDPR",
    "das Frühstück war super, das Zimmer 16 etwas laut",
    "la chambre 18 était propre et le personnel très aimable",
    "la habitación 21 era preciosa, gracias",
    "la camera 17 era rumorosa ma la colazione ottima",
    "Das ist ein Widerspruch zu Ihrer Website, dort stand Frühstück inklusive.",
    "I object to the extra charge for the late check-out.",
    "The Wi-Fi login asked for way too much personal data, and the pool closed early.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_feedback_names_no_right(text):
    assert assess(text) is None
    assert decide(text, "comment", 0.3) is None


def test_a_long_review_without_legal_markers_is_left_alone():
    review = (
        "We stayed four nights. The room was spacious and clean. Breakfast was good but the coffee "
        "was cold twice. Staff at reception were friendly and helped us with a taxi. The spa was "
        "closed for two days without notice, which was a pity. I would come back."
    )
    assert is_long(review)
    assert decide(review, "comment", 0.4) is None


# --- when a marker may set the intent ----------------------------------------------------------


def test_a_short_text_keeps_a_confident_intent_outside_the_requests():
    text = "Thanks for confirming my Art. 17 GDPR request!"
    assert decide(text, "thanks", 0.85) is None
    assert decide(text, "thanks", 0.2).intent == "dsr_erasure"  # the model was unsure


def test_a_short_text_may_correct_the_request_type():
    override = decide("Please delete everything under Art. 17 GDPR.", "dsr_access", 0.95)
    assert override.intent == "dsr_erasure"


def test_weak_markers_alone_do_not_change_a_short_text():
    assert decide("Widerspruch gegen die Nutzung meiner Daten", "dsr_restriction", 0.4) is None
    assert decide("I object to the processing of my data", "dsr_restriction", 0.4) is None


def test_weak_markers_count_in_a_long_message():
    text = (
        "Hello. I stayed with you last week and enjoyed it. However I now object to the processing "
        "of my personal data for marketing. Please confirm this in writing. Thank you."
    )
    override = decide(text, "dsr_restriction", 0.6)
    assert override is not None
    assert override.intent == "dsr_objection"
    assert not override.finding.strong
    assert override.weight < decide("Art. 21 GDPR applies to my data.", "comment", 0.1).weight


def test_a_bare_article_number_counts_in_a_long_letter_that_names_the_regulation():
    text = (
        "Dear team. This letter concerns the GDPR. I stayed at the hotel in May. "
        "I ask for a copy of my data pursuant to Art. 15."
    )
    override = decide(text, "comment", 0.9)
    assert override is not None and override.intent == "dsr_access"


def test_letters_and_chat_messages():
    assert not is_long("delete my data")
    assert not is_long("Gem. Art. 15 DSGVO bitte ich um Auskunft. Danke.")
    assert is_long("I stayed in May. The room was fine. Please delete my data now.")
    assert is_long(" ".join(["word"] * 45))


# --- the ranking keeps Rasa's shape -------------------------------------------------------------


def test_reweigh_moves_probability_onto_the_intent():
    ranking = [
        {"name": "dsr_rectification", "confidence": 0.6},
        {"name": "dsr_access", "confidence": 0.3},
        {"name": "comment", "confidence": 0.1},
    ]
    new = reweigh(ranking, "dsr_access", 0.9)
    assert new[0]["name"] == "dsr_access"
    assert new[0]["confidence"] == pytest.approx(0.9 + 0.1 * 0.3)
    assert sum(e["confidence"] for e in new) == pytest.approx(1.0)
    assert [e["name"] for e in new[1:]] == ["dsr_rectification", "comment"]
    assert [e["confidence"] for e in new] == sorted((e["confidence"] for e in new), reverse=True)


def test_reweigh_adds_an_intent_missing_from_a_truncated_ranking():
    ranking = [{"name": "comment", "confidence": 0.7}, {"name": "rate", "confidence": 0.2}]
    new = reweigh(ranking, "dsr_objection", 0.9)
    assert [e["name"] for e in new] == ["dsr_objection", "comment"]
    assert new[0]["confidence"] == pytest.approx(0.9)


def test_name_patterns_are_lower_case():
    """They are matched against the lower-cased text."""
    for name in legal.NAMES:
        letters = re.sub(r"\\[a-zA-Z]", "", name.pattern.pattern)
        assert letters == letters.lower(), name.pattern.pattern
