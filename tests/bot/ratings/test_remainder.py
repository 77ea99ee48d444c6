"""Does a message carry a comment besides its ratings (bot/ratings/remainder.py)?"""

from __future__ import annotations

import pytest

from bot.ratings.parser import without_ratings
from bot.ratings.remainder import remainder

COMMENTS = [
    ("en", "Lovely stay, quiet room."),
    ("en", "the eggs were cold"),
    ("en", "the pool was nice"),
    ("en", "great staff"),
    ("en", "the hotel was dirty"),
    ("en", "4, the eggs were cold"),
    ("de", "das Frühstück war kalt"),
    ("de", "Personal sehr unfreundlich"),
    ("de", "Zimmer 2, die Dusche war kalt"),
    ("fr", "chambre 2, la douche était froide"),
    ("fr", "les œufs étaient froids"),
    ("es", "el desayuno estaba frío"),
    ("it", "la colazione era fredda"),
    ("zh", "房间很脏"),
    ("nl", "de kamer was vies"),
]
NOT_COMMENTS = [
    ("en", "5, very good"),
    ("en", "4 out of 5"),
    ("en", "I would say 4"),
    ("en", "I'd give it a 4"),
    ("en", "room 5, breakfast 4"),
    ("en", "sorry, I meant 3"),
    ("en", "thanks!"),
    ("en", "Hello, I would like to give some feedback about my stay"),
    ("en", "Good evening, I would like to tell you about my stay"),
    ("de", "super toll"),
    ("de", "ich würde sagen 4"),
    ("de", "Zimmer 4, das Frühstück leider nur 2"),
    ("de", "Grüß Gott, ich möchte Ihnen von meinem Aufenthalt erzählen."),
    ("fr", "je dirais 4, merci"),
    ("fr", "Bonjour, je voudrais donner mon avis sur mon séjour"),
    ("es", "muy bien, 5"),
    ("es", "Hola, quisiera dar mi opinión sobre mi estancia en el hotel"),
    ("it", "molto bene grazie"),
    ("it", "Buongiorno, vorrei lasciare un parere sul mio soggiorno"),
    ("en", "★★★★☆"),
    ("en", "👍"),
    ("en", ""),
]


@pytest.mark.parametrize("lang, text", COMMENTS)
def test_a_comment_is_substantial(lang, text):
    assert remainder(text, lang).substantial


@pytest.mark.parametrize("lang, text", NOT_COMMENTS)
def test_ratings_rating_talk_and_openers_are_not(lang, text):
    assert not remainder(text, lang).substantial


def test_the_rating_phrases_are_blanked_with_the_topic_they_rate():
    assert without_ratings("chambre 2, la douche était froide", "fr").split() == [
        ",",
        "la",
        "douche",
        "etait",
        "froide",
    ]
    assert without_ratings("5 for the breakfast, eggs cold", "en").split() == [",", "eggs", "cold"]
    assert without_ratings("das Zimmer bekommt leider nur 2", "de").split() == ["das"]
    assert without_ratings("we stayed 3 nights", "en") == "we stayed 3 nights"  # a count, not a rating
