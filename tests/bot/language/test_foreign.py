"""Comments in a language Rapport does not speak are recognised (and only those)."""

import pytest

from bot.language.foreign import foreign_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Het ontbijt was koud en de kamer was lawaaierig", "nl"),
        ("O pequeno-almoço estava frio e o quarto era barulhento", "pt"),
        ("Pokój był czysty, ale śniadanie było zimne", "pl"),
        ("Номер был чистым, персонал вежливый", "ru"),
        ("部屋はとても綺麗でした", "ja"),
    ],
)
def test_other_languages_are_named(text, code):
    assert foreign_language(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "The room was great, thanks",
        "Das Frühstück war leider kalt",
        "La chambre était calme mais la douche froide",
        "La habitación estaba muy limpia",
        "La colazione era ottima",
        "ok",
        "Danke",
        "4",
        "",
        "😀😀😀",
        "<script>alert(1)</script>",
        "x" * 5000,
    ],
)
def test_spoken_languages_short_and_junk_are_not_foreign(text):
    assert foreign_language(text) is None


def test_a_hotel_that_speaks_fewer_languages():
    # Italian is foreign to a hotel that speaks only German and English
    assert foreign_language("La colazione era ottima e abbondante", spoken=("de", "en")) == "it"
