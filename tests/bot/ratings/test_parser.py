"""Table-driven tests of `parse_answer`, one table per language, plus robustness.

A row is (text, lang, current, expected, correction). `expected` is either a mapping
topic -> value (topic None = the current question; the result must have exactly these
ratings and no ambiguity), a reason code string (no ratings, that ambiguity), or EMPTY.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ratings import ParseResult, Rating, Scale, parse_answer

FIVE = Scale(1, 5)
SCALES: dict[str, Scale] = {
    "overall": FIVE,
    "room": FIVE,
    "cleanliness": FIVE,
    "staff": FIVE,
    "breakfast": FIVE,
    "recommend": Scale(0, 10),
    # no topic words: only ever the current question. Half points allowed.
    "value": Scale(1, 5, halves=True),
    # "location" is deliberately missing: its topic words must be ignored.
}
EMPTY: dict = {}


def check(text: str, lang: str, current: str | None, expected, correction: bool) -> ParseResult:
    result = parse_answer(text, lang, SCALES, current)
    if isinstance(expected, str):
        assert result.ambiguous == expected, result
        assert result.ratings == (), result
    else:
        got = {r.topic: r.value for r in result.ratings}
        assert got == expected, result
        assert len(result.ratings) == len(expected), result
        assert result.ambiguous is None, result
        assert result.empty == (not expected)
    assert result.correction is correction, result
    return result


EN = [
    ("4", "en", "overall", {None: 4}, False),
    ("Five", "en", "overall", {None: 5}, False),
    ("I'd give it a 3", "en", "overall", {None: 3}, False),
    ("one", "en", "overall", {None: 1}, False),
    ("4.5", "en", "overall", "half_not_allowed", False),
    ("4.5", "en", "value", {None: 4.5}, False),
    ("four and a half", "en", "value", {None: 4.5}, False),
    ("four and a half", "en", "overall", "half_not_allowed", False),
    ("3½", "en", "value", {None: 3.5}, False),
    ("★★★★☆", "en", "overall", {None: 4}, False),
    ("⭐⭐⭐", "en", "overall", {None: 3}, False),
    ("⭐️⭐️⭐️⭐️⭐️", "en", "overall", {None: 5}, False),
    ("4 stars", "en", "overall", {None: 4}, False),
    ("4 stars", "en", "recommend", {None: 8}, False),
    ("4/5", "en", "overall", {None: 4}, False),
    ("8/10", "en", "overall", {None: 4}, False),
    ("8 out of 10", "en", "overall", {None: 4}, False),
    ("4 of 5", "en", "overall", {None: 4}, False),
    ("I'd give it 4 out of 5 stars", "en", "overall", {None: 4}, False),
    ("80%", "en", "overall", {None: 4}, False),
    ("100 percent", "en", "overall", {None: 5}, False),
    ("8", "en", "overall", {None: 4}, False),
    ("6", "en", "overall", {None: 3}, False),
    ("4", "en", "recommend", {None: 4}, False),
    ("0", "en", "recommend", {None: 0}, False),
    ("15", "en", "overall", "out_of_range", False),
    ("0", "en", "overall", "out_of_range", False),
    ("11", "en", "recommend", "out_of_range", False),
    ("room 5, breakfast 2", "en", "overall", {"room": 5, "breakfast": 2}, False),
    ("5 for the room and 2 for breakfast", "en", "overall", {"room": 5, "breakfast": 2}, False),
    ("the room was a 4", "en", "overall", {"room": 4}, False),
    ("Staff: 5", "en", "overall", {"staff": 5}, False),
    ("cleanliness 3, overall 4", "en", "room", {"cleanliness": 3, "overall": 4}, False),
    ("I'd recommend it 9 out of 10", "en", "overall", {"recommend": 9}, False),
    ("location 4, room 5", "en", "overall", {"room": 5}, False),
    ("sorry, I meant 3", "en", "overall", {None: 3}, True),
    ("no wait, 4", "en", "overall", {None: 4}, True),
    ("actually 4", "en", "overall", {None: 4}, True),
    ("3, no wait, make that 4", "en", "overall", {None: 4}, True),
    ("between 3 and 4", "en", "overall", "range", False),
    ("3-4", "en", "overall", "range", False),
    ("3 or 4", "en", "overall", "range", False),
    ("between 3 and 4", "en", "value", {None: 3.5}, False),
    ("3 or 4", "en", "value", "range", False),
    ("3 to 4", "en", "value", {None: 3.5}, False),
    ("3 4", "en", "overall", "multiple", False),
    ("👍", "en", "overall", "emoji", False),
    ("great", "en", "overall", "qualitative", False),
    ("terrible!", "en", "overall", "qualitative", False),
    ("the pool was nice", "en", "overall", EMPTY, False),
    ("the one with the view", "en", "overall", EMPTY, False),
    ("due to the noise, 3", "en", "overall", {None: 3}, False),
    ("3 nights, 4 stars", "en", "overall", {None: 4}, False),
    ("room 305", "en", "overall", "out_of_range", False),
    ("I stayed in room 305, I'd give it 4", "en", "overall", {None: 4}, False),
    ("+44 7700 900123", "en", "overall", EMPTY, False),
    ("on a scale of 1-10 I'd say 8", "en", "overall", {None: 4}, False),
    # fillers between a topic and its number: adverbs ("only", "but only"), verbs, "with a"
    ("I'd give 4, the breakfast only a 2", "en", "overall", {None: 4, "breakfast": 2}, False),
    ("the breakfast but only a 2", "en", "overall", {"breakfast": 2}, False),
    ("the breakfast unfortunately only gets a 2", "en", "overall", {"breakfast": 2}, False),
    ("the room at least a 3", "en", "overall", {"room": 3}, False),
    ("the breakfast deserves a 2", "en", "overall", {"breakfast": 2}, False),
    ("the breakfast only deserves a 2", "en", "overall", {"breakfast": 2}, False),
    ("I'd recommend it with a 9 out of 10", "en", "overall", {"recommend": 9}, False),
    ("I'd recommend the hotel with a 9", "en", "overall", {"recommend": 9}, False),
    ("would recommend this hotel 8/10", "en", "overall", {"recommend": 8}, False),
    ("I'd give 4, recommend it with a 9", "en", "overall", {None: 4, "recommend": 9}, False),
    # ... but not "but" alone, "with a" before a non-number, a verb after the number, or a
    # recommended room
    ("the room was fine but I'd give 3 overall", "en", "overall", {None: 3}, False),
    ("nice room but 3 overall", "en", "overall", {None: 3}, False),
    ("a room with a view, 4", "en", "overall", {None: 4}, False),
    ("5 stars, would recommend", "en", "overall", {None: 5}, False),
    ("5 stars recommended", "en", "overall", {None: 5}, False),
    ("I'd recommend the room: 4", "en", "overall", {"room": 4}, False),
    ("I would not recommend the hotel, 2", "en", "overall", {None: 2}, False),
]

DE = [
    ("4", "de", "overall", {None: 4}, False),
    ("vier", "de", "overall", {None: 4}, False),
    ("Fünf", "de", "overall", {None: 5}, False),
    ("fuenf", "de", "overall", {None: 5}, False),
    ("ich gebe eine eins", "de", "overall", {None: 1}, False),
    ("eine 4", "de", "overall", {None: 4}, False),
    ("4,5", "de", "overall", "half_not_allowed", False),
    ("4,5", "de", "value", {None: 4.5}, False),
    ("viereinhalb", "de", "value", {None: 4.5}, False),
    ("vier einhalb", "de", "value", {None: 4.5}, False),
    ("vierkommafünf", "de", "value", {None: 4.5}, False),
    ("viereinhalb", "de", "overall", "half_not_allowed", False),
    ("4 Sterne", "de", "overall", {None: 4}, False),
    ("vier von fünf Sternen", "de", "overall", {None: 4}, False),
    ("4 von 5", "de", "overall", {None: 4}, False),
    ("8 von 10", "de", "overall", {None: 4}, False),
    ("80 Prozent", "de", "overall", {None: 4}, False),
    ("zehn", "de", "recommend", {None: 10}, False),
    ("zehn", "de", "overall", {None: 5}, False),
    ("null", "de", "recommend", {None: 0}, False),
    ("null", "de", "overall", "out_of_range", False),
    ("Zimmer 5, Frühstück 2", "de", "overall", {"room": 5, "breakfast": 2}, False),
    ("2 für das Frühstück", "de", "overall", {"breakfast": 2}, False),
    ("Das Zimmer bekommt eine 5, das Frühstück eine 3", "de", "overall", {"room": 5, "breakfast": 3}, False),
    ("insgesamt 4", "de", "room", {"overall": 4}, False),
    ("Sauberkeit 3, Personal 5", "de", "overall", {"cleanliness": 3, "staff": 5}, False),
    ("ich meinte 4", "de", "overall", {None: 4}, True),
    ("Entschuldigung, ich meinte 3", "de", "overall", {None: 3}, True),
    ("nein warte, 2", "de", "overall", {None: 2}, True),
    ("zwischen 3 und 4", "de", "overall", "range", False),
    ("3 oder 4", "de", "overall", "range", False),
    ("3 bis 4", "de", "overall", "range", False),
    ("zwischen 3 und 4", "de", "value", {None: 3.5}, False),
    ("4 5", "de", "overall", "multiple", False),
    ("gut", "de", "overall", "qualitative", False),
    ("schlecht", "de", "overall", "qualitative", False),
    ("super", "de", "overall", "qualitative", False),
    ("😀😀", "de", "overall", "emoji", False),
    ("Das Bad war schmutzig", "de", "overall", EMPTY, False),
    ("Der Pool war schön", "de", "overall", EMPTY, False),
    ("3 Nächte, 4 Sterne", "de", "overall", {None: 4}, False),
    ("12", "de", "overall", "out_of_range", False),
    ("Lage 4, Zimmer 5", "de", "overall", {"room": 5}, False),
    ("vier", "de", "recommend", {None: 4}, False),
    ("ich gebe 5, das Zimmer aber nur eine 3", "de", "overall", {None: 5, "room": 3}, False),
    ("das Frühstück leider nur 2", "de", "overall", {"breakfast": 2}, False),
    ("Frühstück immerhin eine 3", "de", "overall", {"breakfast": 3}, False),
    ("das Zimmer aber immerhin 4", "de", "overall", {"room": 4}, False),
    ("das Frühstück verdient nur eine 2", "de", "overall", {"breakfast": 2}, False),
    ("das Frühstück bekommt von mir nur eine 2", "de", "overall", {"breakfast": 2}, False),
    ("ich empfehle es mit einer 9 weiter", "de", "overall", {"recommend": 9}, False),
    ("ich empfehle dieses Hotel mit 9", "de", "overall", {"recommend": 9}, False),
    ("ich würde das Hotel mit 9 von 10 weiterempfehlen", "de", "overall", {"recommend": 9}, False),
    ("mit einer 8 würde ich es empfehlen", "de", "overall", {"recommend": 8}, False),
    ("weiter empfehlen: 9", "de", "overall", {"recommend": 9}, False),
    ("tolles Zimmer aber 3 insgesamt", "de", "overall", {None: 3}, False),
    ("das Zimmer mit 4 Sternen würde ich empfehlen", "de", "overall", {"room": 4}, False),
    ("5 Sterne empfehlenswert", "de", "overall", {None: 5}, False),
]

FR = [
    ("4", "fr", "overall", {None: 4}, False),
    ("quatre", "fr", "overall", {None: 4}, False),
    ("un", "fr", "overall", {None: 1}, False),
    ("c'est un 4", "fr", "overall", {None: 4}, False),
    ("un cinq", "fr", "overall", {None: 5}, False),
    ("une étoile", "fr", "overall", {None: 1}, False),
    ("4 étoiles", "fr", "overall", {None: 4}, False),
    ("4 étoiles sur 5", "fr", "overall", {None: 4}, False),
    ("8 sur 10", "fr", "overall", {None: 4}, False),
    ("huit sur dix", "fr", "overall", {None: 4}, False),
    ("16/20", "fr", "overall", {None: 4}, False),
    ("80 pour cent", "fr", "overall", {None: 4}, False),
    ("quatre et demi", "fr", "value", {None: 4.5}, False),
    ("quatre et demi", "fr", "overall", "half_not_allowed", False),
    ("4,5", "fr", "value", {None: 4.5}, False),
    ("dix", "fr", "recommend", {None: 10}, False),
    ("dix", "fr", "overall", {None: 5}, False),
    ("chambre 5, petit-déjeuner 2", "fr", "overall", {"room": 5, "breakfast": 2}, False),
    ("5 pour la chambre", "fr", "overall", {"room": 5}, False),
    ("la chambre était à 4", "fr", "overall", {"room": 4}, False),
    ("séjour 4", "fr", "room", {"overall": 4}, False),
    ("propreté 3", "fr", "overall", {"cleanliness": 3}, False),
    ("je voulais dire 3", "fr", "overall", {None: 3}, True),
    ("pardon, je voulais dire 4", "fr", "overall", {None: 4}, True),
    ("non attends, 2", "fr", "overall", {None: 2}, True),
    ("entre 3 et 4", "fr", "overall", "range", False),
    ("3 ou 4", "fr", "overall", "range", False),
    ("entre 3 et 4", "fr", "value", {None: 3.5}, False),
    ("génial", "fr", "overall", "qualitative", False),
    ("nul", "fr", "overall", "qualitative", False),
    ("horrible", "fr", "overall", "qualitative", False),
    ("très bien", "fr", "overall", EMPTY, False),
    ("trés bien", "fr", "overall", EMPTY, False),
    ("la chambre est toute neuve", "fr", "overall", EMPTY, False),
    ("tout neuf, 5", "fr", "overall", {None: 5}, False),
    ("mal de dos", "fr", "overall", EMPTY, False),
    ("la piscine était agréable", "fr", "overall", EMPTY, False),
    ("🙂", "fr", "overall", "emoji", False),
    ("trois quatre", "fr", "overall", "multiple", False),
    ("zéro", "fr", "overall", "out_of_range", False),
    ("12", "fr", "overall", "out_of_range", False),
    ("quatre", "fr", "recommend", {None: 4}, False),
    ("emplacement 4, chambre 5", "fr", "overall", {"room": 5}, False),
    ("je donne 4, le petit-déjeuner seulement 2", "fr", "overall", {None: 4, "breakfast": 2}, False),
    ("le petit-déj malheureusement juste un 2", "fr", "overall", {"breakfast": 2}, False),
    ("la chambre mais au moins un 3", "fr", "overall", {"room": 3}, False),
    ("le petit-déjeuner mérite un 2", "fr", "overall", {"breakfast": 2}, False),
    ("le petit-déjeuner ne mérite qu'un 2", "fr", "overall", {"breakfast": 2}, False),
    ("la chambre obtient un 4", "fr", "overall", {"room": 4}, False),
    ("je le recommanderais avec un 8 sur 10", "fr", "overall", {"recommend": 8}, False),
    ("je recommande l'hôtel avec un 9", "fr", "overall", {"recommend": 9}, False),
    ("super chambre mais 3 dans l'ensemble", "fr", "overall", {None: 3}, False),
    ("belle chambre mais 3", "fr", "overall", {None: 3}, False),
]

ES = [
    ("4", "es", "overall", {None: 4}, False),
    ("cuatro", "es", "overall", {None: 4}, False),
    ("Cuatro", "es", "overall", {None: 4}, False),
    ("tres", "es", "overall", {None: 3}, False),
    ("trés", "es", "overall", {None: 3}, False),
    ("uno", "es", "overall", {None: 1}, False),
    ("dos", "es", "overall", {None: 2}, False),
    ("cinco estrellas", "es", "overall", {None: 5}, False),
    ("4 estrellas", "es", "overall", {None: 4}, False),
    ("cuatro de cinco", "es", "overall", {None: 4}, False),
    ("ocho sobre diez", "es", "overall", {None: 4}, False),
    ("8 de 10", "es", "overall", {None: 4}, False),
    ("80 por ciento", "es", "overall", {None: 4}, False),
    ("cuatro y medio", "es", "value", {None: 4.5}, False),
    ("cuatro y medio", "es", "overall", "half_not_allowed", False),
    ("diez", "es", "recommend", {None: 10}, False),
    ("diez", "es", "overall", {None: 5}, False),
    ("habitación 5, desayuno 2", "es", "overall", {"room": 5, "breakfast": 2}, False),
    ("5 para la habitación", "es", "overall", {"room": 5}, False),
    ("le doy un 4 a la habitación", "es", "overall", {"room": 4}, False),
    ("estancia 4", "es", "room", {"overall": 4}, False),
    ("limpieza 3", "es", "overall", {"cleanliness": 3}, False),
    ("quise decir 2", "es", "overall", {None: 2}, True),
    ("perdón, quise decir 3", "es", "overall", {None: 3}, True),
    ("no, espera, 4", "es", "overall", {None: 4}, True),
    ("entre 3 y 4", "es", "overall", "range", False),
    ("3 o 4", "es", "overall", "range", False),
    ("entre 3 y 4", "es", "value", {None: 3.5}, False),
    ("genial", "es", "overall", "qualitative", False),
    ("pésimo", "es", "overall", "qualitative", False),
    ("fatal", "es", "overall", "qualitative", False),
    ("la piscina estaba bien", "es", "overall", EMPTY, False),
    ("très bien", "es", "overall", EMPTY, False),
    ("😡", "es", "overall", "emoji", False),
    ("15", "es", "overall", "out_of_range", False),
    ("3 y 4", "es", "overall", "multiple", False),
    ("4,5", "es", "value", {None: 4.5}, False),
    ("4,5", "es", "overall", "half_not_allowed", False),
    ("cero", "es", "overall", "out_of_range", False),
    ("cuatro", "es", "recommend", {None: 4}, False),
    ("ubicación 4, habitación 5", "es", "overall", {"room": 5}, False),
    ("le doy un 4, el desayuno solo un 2", "es", "overall", {None: 4, "breakfast": 2}, False),
    ("el desayuno se merece solo un 2", "es", "overall", {"breakfast": 2}, False),
    ("la habitación se lleva un 4", "es", "overall", {"room": 4}, False),
    ("al desayuno le pongo un 2", "es", "overall", {"breakfast": 2}, False),
    ("la limpieza pero al menos un 3", "es", "overall", {"cleanliness": 3}, False),
    ("lo recomiendo con un 9", "es", "overall", {"recommend": 9}, False),
    ("recomendaría el hotel con un 8 de 10", "es", "overall", {"recommend": 8}, False),
    ("buena habitación pero 3 en general", "es", "overall", {None: 3}, False),
    ("bonita habitación pero 3", "es", "overall", {None: 3}, False),
]

IT = [
    ("4", "it", "overall", {None: 4}, False),
    ("quattro", "it", "overall", {None: 4}, False),
    ("Quattro", "it", "overall", {None: 4}, False),
    ("tre", "it", "overall", {None: 3}, False),
    ("uno", "it", "overall", {None: 1}, False),
    ("due", "it", "overall", {None: 2}, False),
    ("sei", "it", "recommend", {None: 6}, False),
    ("sei stato gentilissimo", "it", "overall", EMPTY, False),
    ("4 stelle", "it", "overall", {None: 4}, False),
    ("una stella", "it", "overall", {None: 1}, False),
    ("8 su 10", "it", "overall", {None: 4}, False),
    ("otto su dieci", "it", "overall", {None: 4}, False),
    ("80 per cento", "it", "overall", {None: 4}, False),
    ("quattro e mezzo", "it", "value", {None: 4.5}, False),
    ("quattro e mezzo", "it", "overall", "half_not_allowed", False),
    ("4,5", "it", "value", {None: 4.5}, False),
    ("dieci", "it", "recommend", {None: 10}, False),
    ("dieci", "it", "overall", {None: 5}, False),
    ("camera 5, colazione 2", "it", "overall", {"room": 5, "breakfast": 2}, False),
    ("5 per la camera", "it", "overall", {"room": 5}, False),
    ("la camera è 4", "it", "overall", {"room": 4}, False),
    ("soggiorno 4", "it", "room", {"overall": 4}, False),
    ("pulizia 3, personale 5", "it", "overall", {"cleanliness": 3, "staff": 5}, False),
    ("intendevo 3", "it", "overall", {None: 3}, True),
    ("scusa, volevo dire 4", "it", "overall", {None: 4}, True),
    ("no aspetta, 2", "it", "overall", {None: 2}, True),
    ("tra 3 e 4", "it", "overall", "range", False),
    ("3 o 4", "it", "overall", "range", False),
    ("tra 3 e 4", "it", "value", {None: 3.5}, False),
    ("ottimo", "it", "overall", "qualitative", False),
    ("pessimo", "it", "overall", "qualitative", False),
    ("terribile", "it", "overall", "qualitative", False),
    ("la prima colazione era buona", "it", "overall", EMPTY, False),
    ("👎", "it", "overall", "emoji", False),
    ("20", "it", "overall", "out_of_range", False),
    ("3 e 4", "it", "overall", "multiple", False),
    ("zero", "it", "overall", "out_of_range", False),
    ("quattro", "it", "recommend", {None: 4}, False),
    ("posizione 4, camera 5", "it", "overall", {"room": 5}, False),
    ("do 4, la colazione solo 2", "it", "overall", {None: 4, "breakfast": 2}, False),
    ("la colazione si merita un 2", "it", "overall", {"breakfast": 2}, False),
    ("la colazione merita purtroppo solo un 2", "it", "overall", {"breakfast": 2}, False),
    ("la camera ma almeno un 3", "it", "overall", {"room": 3}, False),
    ("lo raccomanderei con un 8", "it", "overall", {"recommend": 8}, False),
    ("consiglierei questo albergo con un 9 su 10", "it", "overall", {"recommend": 9}, False),
    ("bella camera ma 3 nel complesso", "it", "overall", {None: 3}, False),
    ("consiglio: camera 4", "it", "overall", {"room": 4}, False),
]

ROBUSTNESS = [
    ("", "en", "overall", EMPTY, False),
    ("   ", "en", "overall", EMPTY, False),
    ("\n\t\r", "de", "overall", EMPTY, False),
    ("x" * 5000, "en", "overall", EMPTY, False),
    ("\x00\x01 4 \x1b\x7f", "en", "overall", {None: 4}, False),
    ('{"$gt": ""}', "en", "overall", EMPTY, False),
    ("الغرفة ٥", "en", "overall", {None: 5}, False),
    ("\u202e4\u202c", "en", "overall", {None: 4}, False),
    ("חדר 4", "it", "overall", {None: 4}, False),
    ("Комната ４", "fr", "overall", {None: 4}, False),
    ("4️⃣", "en", "overall", {None: 4}, False),
    ("+44 7700 900123", "de", "overall", EMPTY, False),
    ("0171 555 1234, 4", "de", "overall", {None: 4}, False),
    ("12.05.2024: 4", "de", "overall", {None: 4}, False),
    ("4", "xx", "overall", {None: 4}, False),
    ("4", "en", None, EMPTY, False),
    ("4", "en", "comment", EMPTY, False),
    ("room 5", "en", None, {"room": 5}, False),
]


def rows(table):
    return [pytest.param(*row, id=f"{row[1]}:{row[0][:40]!r}:{row[2]}") for row in table]


@pytest.mark.parametrize(("text", "lang", "current", "expected", "correction"), rows(EN))
def test_english(text, lang, current, expected, correction):
    check(text, lang, current, expected, correction)


@pytest.mark.parametrize(("text", "lang", "current", "expected", "correction"), rows(DE))
def test_german(text, lang, current, expected, correction):
    check(text, lang, current, expected, correction)


@pytest.mark.parametrize(("text", "lang", "current", "expected", "correction"), rows(FR))
def test_french(text, lang, current, expected, correction):
    check(text, lang, current, expected, correction)


@pytest.mark.parametrize(("text", "lang", "current", "expected", "correction"), rows(ES))
def test_spanish(text, lang, current, expected, correction):
    check(text, lang, current, expected, correction)


@pytest.mark.parametrize(("text", "lang", "current", "expected", "correction"), rows(IT))
def test_italian(text, lang, current, expected, correction):
    check(text, lang, current, expected, correction)


@pytest.mark.parametrize(("text", "lang", "current", "expected", "correction"), rows(ROBUSTNESS))
def test_robustness(text, lang, current, expected, correction):
    check(text, lang, current, expected, correction)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "4" * 5000,
        "room 5 " * 700,
        "4 " * 2500,
        "★" * 5000,
        "👍" * 2000,
        "🏳️‍🌈 4 ⭐️ Комната 房间 ٥ חדר",
        "\ud800 4",  # lone surrogate
        "4/" + "9" * 400,
        "1e308 / inf / nan / -0",
    ],
)
def test_hostile_input_does_not_raise(text):
    result = parse_answer(text, "en", SCALES, "overall")
    assert isinstance(result, ParseResult)
    for rating in result.ratings:
        assert SCALES[rating.topic or "overall"].contains(rating.value)


@pytest.mark.parametrize("table", [EN, DE, FR, ES, IT])
def test_every_language_has_enough_rows(table):
    assert len(table) >= 25


# --- raw text and source scale -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "current", "raw", "source"),
    [
        ("I'd say 8 out of 10!", "en", "overall", "8 out of 10", Scale(0, 10)),
        ("★★★★☆", "en", "overall", "★★★★☆", Scale(1, 5)),
        ("⭐⭐⭐", "en", "overall", "⭐⭐⭐", Scale(1, 5)),
        ("Voto: quattro e mezzo.", "it", "value", "quattro e mezzo", None),
        ("Cuatro", "es", "overall", "Cuatro", None),
        ("Vierkommafünf", "de", "value", "Vierkommafünf", None),
        ("8", "en", "overall", "8", Scale(0, 10)),
        ("4", "en", "overall", "4", None),
        ("80%", "en", "overall", "80%", Scale(0, 100)),
        ("4/5", "en", "overall", "4/5", Scale(1, 5)),
        ("16/20", "fr", "overall", "16/20", Scale(0, 20)),
        ("HABITACIÓN 5 ESTRELLAS", "es", "overall", "5 ESTRELLAS", Scale(1, 5)),
    ],
)
def test_raw_and_source(text, lang, current, raw, source):
    (rating,) = parse_answer(text, lang, SCALES, current).ratings
    assert rating.raw == raw
    assert rating.source == source
    assert raw in text


def test_conversion_example_from_the_spec():
    # 8/10 on 1-5: 1 + 0.8 * 4 = 4.2 -> 4
    result = parse_answer("8 out of 10", "en", SCALES, "overall")
    assert result.ratings == (Rating(4.0, "8 out of 10", None, Scale(0, 10)),)


def test_topic_not_in_scales_is_ignored_not_given_to_current():
    scales = {"overall": FIVE, "room": FIVE}
    result = parse_answer("room 5, breakfast 2", "en", scales, "overall")
    assert [(r.topic, r.value) for r in result.ratings] == [("room", 5)]


def test_naming_the_current_topic_and_a_bare_number_conflict():
    assert parse_answer("room 5, 3", "en", SCALES, "room").ambiguous == "multiple"
    same = parse_answer("room 5, 5 stars", "en", SCALES, "room")
    assert [(r.topic, r.value) for r in same.ratings] == [("room", 5)]


def test_correction_replaces_only_the_corrected_topic():
    result = parse_answer("room 5, breakfast 2, sorry, room 4", "en", SCALES, "overall")
    assert {r.topic: r.value for r in result.ratings} == {"room": 4, "breakfast": 2}
    assert result.correction


def test_language_decides_false_friends():
    assert parse_answer("tres", "es", SCALES, "overall").ratings[0].value == 3
    assert parse_answer("tres", "fr", SCALES, "overall").empty
    assert parse_answer("due", "it", SCALES, "overall").ratings[0].value == 2
    assert parse_answer("due", "en", SCALES, "overall").empty


def test_typical_message_is_fast():
    parse_answer("room 5, breakfast 2", "en", SCALES, "overall")  # warm caches
    runs = 300
    start = time.perf_counter()
    for _ in range(runs):
        parse_answer("Zimmer 5, Frühstück viereinhalb, sorry ich meinte 4", "de", SCALES, "overall")
    assert (time.perf_counter() - start) / runs < 0.001


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=300),
    lang=st.sampled_from(["en", "de", "fr", "es", "it", "xx"]),
    current=st.sampled_from([None, "overall", "recommend", "value", "comment"]),
)
def test_any_text_gives_a_valid_result(text, lang, current):
    result = parse_answer(text, lang, SCALES, current)
    assert result.ambiguous in (
        None,
        "range",
        "half_not_allowed",
        "emoji",
        "qualitative",
        "out_of_range",
        "multiple",
    )
    for rating in result.ratings:
        question = rating.topic or current
        assert question in SCALES
        assert SCALES[question].contains(rating.value)
        assert rating.raw and rating.raw in text
    assert len({r.topic or current for r in result.ratings}) == len(result.ratings)


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.text(alphabet="abc ,.!?-", max_size=20),
    value=st.integers(min_value=1, max_value=5),
    suffix=st.text(alphabet="xyz .!?", max_size=20),
)
def test_a_lone_number_on_the_scale_is_found(prefix, value, suffix):
    text = f"{prefix} {value} {suffix}"
    result = parse_answer(text, "en", SCALES, "overall")
    assert [(r.topic, r.value) for r in result.ratings] == [(None, value)]
