"""The analyser, language by language: topics, polarity, the words behind them, negation,
contrast, German compounds, French/Italian elision, every topic, and bad input.

A row is (text, lang, expected): expected maps topic -> polarity and must equal the
comment-level topics exactly (bot/insights/scoring.comment_topics); "*" -> the comment's
polarity.
"""

from __future__ import annotations

import statistics
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.insights import POLARITIES, TOPICS, Analysis, analyse
from bot.insights.scoring import comment_topics

ROWS: list[tuple[str, str, dict[str, str]]] = [
    # --- English
    ("The eggs were cold.", "en", {"breakfast": "negative", "*": "negative"}),
    ("The room was not clean.", "en", {"room": "negative", "cleanliness": "negative", "*": "negative"}),
    ("Friendly staff but a rude receptionist at night", "en", {"staff": "negative", "*": "negative"}),
    (
        "Great breakfast but the bed was hard.",
        "en",
        {"breakfast": "positive", "bed": "negative", "*": "mixed"},
    ),
    ("Thin walls, noisy street.", "en", {"noise": "negative", "*": "negative"}),
    ("Slow wifi and no parking.", "en", {"wifi": "negative", "parking": "negative", "*": "negative"}),
    ("Long queue at check-in.", "en", {"checkin": "negative", "*": "negative"}),
    (
        "Mould in the shower, everything dusty.",
        "en",
        {"bathroom": "negative", "cleanliness": "negative", "*": "negative"},
    ),
    ("Overpriced for what you get.", "en", {"value": "negative", "*": "negative"}),
    ("Worth the money!", "en", {"value": "positive", "*": "positive"}),
    ("Perfect location, close to the station.", "en", {"location": "positive", "*": "positive"}),
    ("The pool and the spa were fantastic", "en", {"facilities": "positive", "*": "positive"}),
    ("Not bad at all", "en", {"*": "positive"}),
    ("The room wasn't very big", "en", {"room": "negative", "*": "negative"}),
    ("We parked in the garage.", "en", {"parking": "neutral", "*": "neutral"}),
    ("Everything was perfect!", "en", {"*": "positive"}),
    ("Very disappointed.", "en", {"*": "negative"}),
    ("The mattress was too soft", "en", {"bed": "negative", "*": "negative"}),
    (
        "Quiet room, really comfortable bed",
        "en",
        {"room": "positive", "noise": "positive", "bed": "positive", "*": "positive"},
    ),
    # --- German
    ("Das Zimmer war nicht sauber.", "de", {"room": "negative", "cleanliness": "negative", "*": "negative"}),
    ("Das Frühstücksbuffet war super", "de", {"breakfast": "positive", "*": "positive"}),
    (
        "Der Zimmerservice war sehr freundlich",
        "de",
        {"staff": "positive", "*": "positive"},
    ),
    (
        "Das Badezimmer war dreckig",
        "de",
        {"bathroom": "negative", "cleanliness": "negative", "*": "negative"},
    ),
    ("Straßenlärm die ganze Nacht", "de", {"noise": "negative", "*": "negative"}),
    ("Kein WLAN und kein Parkplatz", "de", {"wifi": "negative", "parking": "negative", "*": "negative"}),
    (
        "Tolle Lage, aber das Bett war zu hart",
        "de",
        {"location": "positive", "bed": "negative", "*": "mixed"},
    ),
    ("Das Personal war nicht unfreundlich", "de", {"staff": "positive", "*": "positive"}),
    ("Die Klimaanlage ging nicht", "de", {"room": "negative", "*": "negative"}),
    (
        "Frühstueck war lecker, die Dusche kalt",
        "de",
        {"breakfast": "positive", "bathroom": "negative", "*": "mixed"},
    ),
    ("Viel zu teuer für das Gebotene", "de", {"value": "negative", "*": "negative"}),
    ("Sauna und Pool waren toll", "de", {"facilities": "positive", "*": "positive"}),
    ("Check-in dauerte ewig", "de", {"checkin": "negative", "*": "negative"}),
    # --- French
    (
        "La chambre n'était pas propre.",
        "fr",
        {"room": "negative", "cleanliness": "negative", "*": "negative"},
    ),
    (
        "L'hôtel est bien situé mais le petit déjeuner était froid",
        "fr",
        {"location": "positive", "breakfast": "negative", "*": "mixed"},
    ),
    ("Personnel très aimable, jamais désagréable", "fr", {"staff": "positive", "*": "positive"}),
    ("Pas de wifi dans les chambres", "fr", {"wifi": "negative", "*": "negative"}),
    ("Le lit était trop dur", "fr", {"bed": "negative", "*": "negative"}),
    ("La rue est très bruyante la nuit", "fr", {"noise": "negative", "*": "negative"}),
    ("Trop cher pour ce que c'est", "fr", {"value": "negative", "*": "negative"}),
    (
        "La salle de bain était impeccable",
        "fr",
        {"bathroom": "positive", "cleanliness": "positive", "*": "positive"},
    ),
    ("Parking gratuit, très pratique", "fr", {"parking": "positive", "*": "positive"}),
    ("L'ascenseur était en panne", "fr", {"facilities": "negative", "*": "negative"}),
    # --- Spanish
    (
        "La habitación no estaba limpia",
        "es",
        {"room": "negative", "cleanliness": "negative", "*": "negative"},
    ),
    (
        "El desayuno muy rico pero el personal muy antipático",
        "es",
        {"breakfast": "positive", "staff": "negative", "*": "mixed"},
    ),
    ("Nunca funcionó el wifi", "es", {"wifi": "negative", "*": "negative"}),
    ("Excelente ubicación, cerca de todo", "es", {"location": "positive", "*": "positive"}),
    ("Mucho ruido por la noche", "es", {"noise": "negative", "*": "negative"}),
    ("La cama muy cómoda", "es", {"bed": "positive", "*": "positive"}),
    ("Demasiado caro", "es", {"value": "negative", "*": "negative"}),
    ("No había toallas en el baño", "es", {"bathroom": "negative", "*": "negative"}),
    ("El check-in fue rápido", "es", {"checkin": "positive", "*": "positive"}),
    ("Sin aparcamiento", "es", {"parking": "negative", "*": "negative"}),
    # --- Italian
    ("La camera non era pulita", "it", {"room": "negative", "cleanliness": "negative", "*": "negative"}),
    (
        "La posizione dell'albergo è ottima, ma la colazione era scarsa",
        "it",
        {"location": "positive", "breakfast": "negative", "*": "mixed"},
    ),
    ("Il personale non è mai stato scortese", "it", {"staff": "positive", "*": "positive"}),
    ("Letto scomodo e cuscini troppo morbidi", "it", {"bed": "negative", "*": "negative"}),
    ("Il wifi era lentissimo", "it", {"wifi": "negative", "*": "negative"}),
    ("Bagno pulitissimo", "it", {"bathroom": "positive", "cleanliness": "positive", "*": "positive"}),
    ("Troppo rumore dalla strada", "it", {"noise": "negative", "*": "negative"}),
    ("Prezzo onesto", "it", {"value": "positive", "*": "positive"}),
    ("Piscina bellissima", "it", {"facilities": "positive", "*": "positive"}),
    ("Parcheggio comodo e gratuito", "it", {"parking": "positive", "*": "positive"}),
    ("Check-in velocissimo", "it", {"checkin": "positive", "*": "positive"}),
    # Italian complaints made by describing, and praise as a fact or an idiom
    ("Lo scarico della doccia era intasato", "it", {"bathroom": "negative", "*": "negative"}),
    ("Ho chiamato tre volte e nessuno ha risposto", "it", {"staff": "negative", "*": "negative"}),
    ("Il wifi non andava quasi mai", "it", {"wifi": "negative", "*": "negative"}),
    ("Abbiamo trovato uno scarafaggio", "it", {"cleanliness": "negative", "*": "negative"}),
    ("La colazione niente di che", "it", {"breakfast": "negative", "*": "negative"}),
    ("Il wifi non era un granché", "it", {"wifi": "negative", "*": "negative"}),
    ("Ci hanno coccolato dall'inizio alla fine", "it", {"staff": "positive", "*": "positive"}),
    ("Colazione da dieci e lode", "it", {"breakfast": "positive", "*": "positive"}),
    ("Ci siamo sentiti come a casa", "it", {"*": "positive"}),
    (
        "Prezzo onesto, ma la pulizia lasciava a desiderare",
        "it",
        {"value": "positive", "cleanliness": "negative", "*": "mixed"},
    ),
]


@pytest.mark.parametrize(("text", "lang", "expected"), ROWS, ids=[f"{r[1]}:{r[0][:40]}" for r in ROWS])
def test_rows(text: str, lang: str, expected: dict[str, str]) -> None:
    analysis = analyse(text, lang)
    want = dict(expected)
    polarity = want.pop("*")
    assert comment_topics(analysis) == want, analysis
    assert analysis.polarity == polarity, analysis


def test_every_topic_in_every_language_has_a_row() -> None:
    for lang in ("en", "de", "fr", "es", "it"):
        seen = {t for text, la, exp in ROWS if la == lang for t in exp if t != "*"}
        assert len(seen) >= 7, (lang, seen)
    assert {t for _, _, exp in ROWS for t in exp if t != "*"} == set(TOPICS)


def test_the_words_that_decided_are_the_guests_own() -> None:
    analysis = analyse("The EGGS were COLD and the Réception très lente", "en")
    breakfast = next(m for m in analysis.topics if m.topic == "breakfast")
    assert breakfast.words == ("EGGS", "COLD")
    assert analyse("La chambre n’était pas propre", "fr").topics[0].words == ("chambre", "n", "propre")
    assert analysis.as_json()["topics"][0] == {
        "topic": "breakfast",
        "polarity": "negative",
        "words": ["EGGS", "COLD"],
    }


def test_accents_and_case_do_not_matter() -> None:
    for a, b, lang in [
        ("HABITACIÓN SUCIA", "habitacion sucia", "es"),
        ("Frühstück schlecht", "fruehstueck schlecht", "de"),
        ("Frühstück schlecht", "fruhstuck schlecht", "de"),
        ("Très bon petit-déjeuner", "tres bon petit dejeuner", "fr"),
        ("Colazione più che ottima", "colazione piu che ottima", "it"),
    ]:
        assert comment_topics(analyse(a, lang)) == comment_topics(analyse(b, lang)) != {}


def test_elision() -> None:
    assert "facilities" in comment_topics(analyse("L'ascenseur ne marchait pas", "fr"))
    assert comment_topics(analyse("Il personale dell'albergo era gentilissimo", "it")) == {
        "staff": "positive"
    }
    assert comment_topics(analyse("Dell'hotel ci è piaciuta l'accoglienza", "it")) == {"staff": "positive"}


def test_contrast_clause_has_its_own_polarity() -> None:
    for text, lang in [
        ("The room was lovely but the breakfast was awful", "en"),
        ("Das Zimmer war schön, aber das Frühstück war schlecht", "de"),
        ("La chambre était jolie mais le petit déjeuner mauvais", "fr"),
        ("La habitación era bonita pero el desayuno malo", "es"),
        ("La camera era bella ma la colazione pessima", "it"),
    ]:
        assert comment_topics(analyse(text, lang)) == {"room": "positive", "breakfast": "negative"}, text
        assert analyse(text, lang).polarity == "mixed"


def test_a_contrast_word_after_the_subject_takes_the_subject_along() -> None:
    """ "..., il garage però costa 25 euro a notte, un furto": the garage is judged, not
    left behind in a clause of its own; a contrast word that opens its clause is unchanged."""
    text = "Staff splendido, il garage però costa 25 euro a notte, un furto"
    assert comment_topics(analyse(text, "it")) == {
        "staff": "positive",
        "parking": "negative",
        "value": "negative",
    }
    text = "Staff splendido, però il garage costa 25 euro a notte, un furto"
    assert comment_topics(analyse(text, "it"))["parking"] == "negative"
    text = "The staff were lovely, the garage however costs 25 euros a night, a rip-off"
    assert comment_topics(analyse(text, "en"))["parking"] == "negative"


def test_a_phrase_that_carries_its_own_negation_is_not_negated_twice() -> None:
    """Italian "non ... mai", "non ... niente": one negation, not two."""
    assert analyse("La coperta non è mai arrivata", "it").polarity == "negative"
    assert analyse("La colazione non era niente di speciale", "it").polarity == "negative"
    assert analyse("Il personale non è mai stato scortese", "it").polarity == "positive"
    assert analyse("La camera non era pulita", "it").polarity == "negative"


def test_a_negation_phrase_is_not_negated_again() -> None:
    # "sin" before "nadie en" (itself a negation) must not turn the complaint into praise
    for text, lang in [
        ("Nunca nadie contestó el teléfono", "es"),
        ("Tampoco nadie respondía en recepción", "es"),
        ("sin papel higiénico y nadie en recepción", "es"),
        ("no towels and nobody answered the phone", "en"),
    ]:
        assert analyse(text, lang).polarity == "negative", text
    # a plain negator still flips a feeling ("nadie fue amable")
    assert analyse("nadie fue amable", "es").polarity == "negative"


def test_complaints_by_description_and_praise_as_fact() -> None:
    for text, lang, polarity in [
        ("We had to ask three times for towels.", "en", "negative"),
        ("The heating never came on.", "en", "negative"),
        ("The bathroom door wouldn't lock.", "en", "negative"),
        ("Can't fault it.", "en", "positive"),
        ("They upgraded us to a suite.", "en", "positive"),
        ("Faltaban toallas en el baño.", "es", "negative"),
        ("No servía el wifi.", "es", "negative"),
        ("Nos trataron de maravilla.", "es", "positive"),
        ("El desayuno estuvo padrísimo.", "es", "positive"),
    ]:
        assert analyse(text, lang).polarity == polarity, text


def test_sentences_are_numbered() -> None:
    analysis = analyse("Great location. The bed was hard! Wifi ok", "en")
    assert [(m.topic, m.sentence) for m in analysis.topics] == [("location", 0), ("bed", 1), ("wifi", 2)]


def test_unknown_language_uses_all_lexicons() -> None:
    assert comment_topics(analyse("Das Frühstück war schrecklich", "nl")) == {"breakfast": "negative"}
    assert comment_topics(analyse("la colazione era ottima", "en")) == {"breakfast": "positive"}


BAD = [
    "",
    " ",
    "\n\n",
    "😀😀😀",
    "🏨",
    "<script>alert('x')</script>",
    "<b>bold</b> &amp; <i>room</i>",
    "SELECT * FROM ratings; DROP TABLE x;--",
    "def f(x):\n    return x ** 2",
    '{"topics": []}',
    "\x00\x01\x02",
    "\u202e\u200b\u200d",
    "🙂" * 2000,
    "no " * 700,
    "a" * 2000,
    "room " * 400,
    "Отель был хороший",
    "酒店很干净",
    "فندق جميل",
    "The hotel was fine. " * 100,
    "l'" * 1000,
    "'''''",
    "...!!!???",
    "\ud800",
]


@pytest.mark.parametrize("text", BAD, ids=range(len(BAD)))
@pytest.mark.parametrize("lang", ["en", "de", "fr", "es", "it", "xx", ""])
def test_bad_input_never_raises(text: str, lang: str) -> None:
    analysis = analyse(text, lang)
    assert isinstance(analysis, Analysis)
    assert analysis.polarity in POLARITIES
    assert all(m.topic in TOPICS and m.polarity in POLARITIES[:3] for m in analysis.topics)


def test_markup_is_only_text() -> None:
    analysis = analyse("<p>The <b>breakfast</b> was <i>awful</i></p>", "en")
    assert comment_topics(analysis) == {"breakfast": "negative"}


def test_not_a_string_gives_an_empty_analysis() -> None:
    assert analyse(None, "en") == Analysis()  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["en", "de", "fr", "es", "it", "pt"]))
def test_any_text_never_raises(text: str, lang: str) -> None:
    analysis = analyse(text, lang)
    assert analysis.polarity in POLARITIES
    for m in analysis.topics:
        assert all(w in text for w in m.words)


def test_fast_enough() -> None:
    texts = [r[0] for r in ROWS] + ["The hotel was fine but the room was small. " * 45]
    for text in texts:
        analyse(text, "en")
    times = []
    for text in texts * 5:
        start = time.perf_counter()
        analyse(text, "en")
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.001


# Rules added for French polarity (helper "pol-fr"); each fails without its rule.
CONCORD = [
    # a phrase holding its own negation is not negated again ("ne ... pas terrible")
    ("Le petit déjeuner n'était pas terrible", "fr", {"breakfast": "negative", "*": "negative"}),
    ("Ce n'était pas top", "fr", {"*": "negative"}),
    ("Le parking n'est pas donné", "fr", {"parking": "negative", "value": "negative", "*": "negative"}),
    # an intensifier that is also a feeling feels when nothing follows it
    (
        "Super emplacement, par contre il a fallu attendre une heure",
        "fr",
        {"location": "positive", "checkin": "negative", "*": "mixed"},
    ),
    ("Le lit était super sale", "fr", {"bed": "negative", "cleanliness": "negative", "*": "negative"}),
    # what a negator marks missing takes the praise after it with it
    (
        "On n'a jamais eu de serviettes propres",
        "fr",
        {"bathroom": "negative", "cleanliness": "negative", "*": "negative"},
    ),
    # "ne ... que" restricts
    ("Le petit-déjeuner n'est servi que jusqu'à 9h", "fr", {"breakfast": "negative", "*": "negative"}),
    # "personne ne" is a service failure, "pas assez" says too little
    ("Personne ne répondait au téléphone", "fr", {"staff": "negative", "*": "negative"}),
    ("L'eau de la douche n'était pas assez chaude", "fr", {"bathroom": "negative", "*": "negative"}),
]


@pytest.mark.parametrize(("text", "lang", "expected"), CONCORD, ids=[r[0][:40] for r in CONCORD])
def test_french_negation_and_description(text: str, lang: str, expected: dict[str, str]) -> None:
    test_rows(text, lang, expected)
