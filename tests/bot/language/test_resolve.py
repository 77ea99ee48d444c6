"""Per-conversation language resolver (DESIGN.md "Languages")."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.language.detect import SUPPORTED, make_detector
from bot.language.explicit import explicit_request
from bot.language.resolve import (
    LanguageChoice,
    initial_choice,
    is_substantial,
    update_choice,
)

from .test_detect import SENTENCES

SHORT_REPLIES = ["ok", "5", "ja", "sí", "oui", "10", "merci", "grazie", "👍", "4 stars"]


class FixedDetector:
    """Always answers the same thing; records what it was asked."""

    name = "fixed"

    def __init__(self, result: tuple[str, float] | None) -> None:
        self.result = result
        self.calls: list[str] = []

    def detect(self, text: str) -> tuple[str, float] | None:
        self.calls.append(text)
        return self.result


class KeywordDetector:
    """Says `lang` (confidently) whenever one of `keywords` is in the text, else `other`."""

    name = "keyword"

    def __init__(self, keywords: set[str], lang: str, other: str) -> None:
        self.keywords, self.lang, self.other = keywords, lang, other

    def detect(self, text: str) -> tuple[str, float] | None:
        if not text.strip():
            return None
        if any(k in text.split() for k in self.keywords):
            return self.lang, 0.99
        return self.other, 0.9


@pytest.fixture(scope="module")
def lingua():
    return make_detector("lingua")


def update(choice: LanguageChoice, text: str, detector, **kw):
    return update_choice(choice, text, supported=SUPPORTED, detector=detector, **kw)


# ------------------------------------------------------------------ initial_choice


def test_initial_order_reservation_locale_default() -> None:
    assert initial_choice(
        supported=SUPPORTED, default="en", reservation="it", locale="de-AT"
    ) == LanguageChoice("it", "reservation")
    assert initial_choice(supported=SUPPORTED, default="en", locale="de-AT") == LanguageChoice("de", "locale")
    assert initial_choice(supported=SUPPORTED, default="fr") == LanguageChoice("fr", "default")
    assert initial_choice(supported=SUPPORTED, default="fr", reservation=None, locale=None) == LanguageChoice(
        "fr", "default"
    )


def test_initial_unsupported_values_are_skipped() -> None:
    # unsupported reservation -> locale
    assert initial_choice(
        supported=SUPPORTED, default="en", reservation="nl", locale="es-ES"
    ) == LanguageChoice("es", "locale")
    # unsupported reservation and locale -> default
    assert initial_choice(
        supported=SUPPORTED, default="de", reservation="pt-BR", locale="nl-NL"
    ) == LanguageChoice("de", "default")
    # a tenant that supports fewer languages
    assert initial_choice(
        supported=("en", "de"), default="en", reservation="it", locale="fr-FR"
    ) == LanguageChoice("en", "default")
    # garbage is skipped too
    assert initial_choice(supported=SUPPORTED, default="en", reservation="", locale="*") == LanguageChoice(
        "en", "default"
    )


def test_initial_unsupported_default_falls_back_to_first_supported() -> None:
    assert initial_choice(supported=("de", "fr"), default="en") == LanguageChoice("de", "default")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("de-AT", "de"),
        ("fr_CH", "fr"),
        ("es-419", "es"),
        ("it", "it"),
        ("IT-it", "it"),
        ("en-US", "en"),
        ("de_DE.UTF-8", "de"),
        ("zh-Hant-TW, fr;q=0.8", "fr"),  # Accept-Language: first supported
        ("nl-BE, nl;q=0.9, de;q=0.5, en;q=0.7", "en"),  # ordered by q
    ],
)
def test_initial_locale_forms(locale: str, expected: str) -> None:
    assert initial_choice(
        supported=SUPPORTED, default="it" if expected != "it" else "en", locale=locale
    ) == LanguageChoice(expected, "locale")


@pytest.mark.parametrize(
    ("reservation", "expected"), [("DE", "de"), ("fr-FR", "fr"), ("es_MX", "es"), (" it ", "it")]
)
def test_initial_reservation_forms(reservation: str, expected: str) -> None:
    assert initial_choice(
        supported=SUPPORTED, default="en", reservation=reservation, locale="en-GB"
    ) == LanguageChoice(expected, "reservation")


def test_choice_is_frozen() -> None:
    choice = LanguageChoice("en", "default")
    with pytest.raises(FrozenInstanceError):
        choice.lang = "de"  # type: ignore[misc]


# --------------------------------------------------------------- short replies


@pytest.mark.parametrize("reply", SHORT_REPLIES)
@pytest.mark.parametrize("source", ["default", "locale", "detected"])
def test_short_replies_never_switch(reply: str, source: str) -> None:
    start = LanguageChoice("en" if reply != "ok" else "de", source)
    confident = FixedDetector(("it" if start.lang != "it" else "fr", 1.0))
    assert update(start, reply, confident) == (start, None)
    assert confident.calls == []  # not even asked


@pytest.mark.parametrize("reply", SHORT_REPLIES)
def test_short_replies_never_switch_with_real_detectors(reply: str, lingua) -> None:
    for lang in SUPPORTED:
        start = LanguageChoice(lang, "default")
        assert update(start, reply, lingua)[0].lang == lang
        assert update(start, reply, make_detector("langdetect"))[0].lang == lang


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ok", False),
        ("4 stars", False),
        ("5/5 👍👍👍", False),
        ("10 10 10 10 10", False),
        ("ja ja ja", False),  # 3 words but 6 letters
        ("don't do it", False),  # 3 words, 8 letters
        ("https://example.com/booking/12345 thanks", False),
        ("see www.hotel-example.de or guest@example.com", False),
        ("see www.hotel-example.de and mail me at guest@example.com", True),
        ("The room was great", True),
        ("Das Zimmer war toll!", True),
        ("¡Muy buena habitación!", True),
        ("La camera era pulita", True),
    ],
)
def test_is_substantial(text: str, expected: bool) -> None:
    assert is_substantial(text) is expected


def test_is_substantial_thresholds() -> None:
    assert is_substantial("room was great", min_words=3, min_letters=12)
    assert not is_substantial("room was great", min_words=4)
    assert not is_substantial("room was great", min_letters=13)
    assert is_substantial("ok", min_words=1, min_letters=2)


# ------------------------------------------------------------- explicit requests


@pytest.mark.parametrize("source", ["default", "locale", "detected", "reservation", "explicit"])
def test_explicit_switch_wins_over_everything(source: str) -> None:
    start = LanguageChoice("de", source)
    never = FixedDetector(("de", 1.0))
    assert update(start, "English please", never) == (LanguageChoice("en", "explicit"), "switched")
    assert update(start, "¿Podemos hablar en español?", never) == (
        LanguageChoice("es", "explicit"),
        "switched",
    )


def test_explicit_request_for_current_language_is_acknowledged() -> None:
    start = LanguageChoice("de", "locale")
    assert update(start, "Deutsch bitte", FixedDetector(None)) == (
        LanguageChoice("de", "explicit"),
        "switched",
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Nederlands alsjeblieft", "nl"),
        ("in Dutch please", "nl"),
        ("em português", "pt"),
        ("по-русски", "ru"),
    ],
)
@pytest.mark.parametrize("source", ["default", "reservation", "explicit"])
def test_unsupported_explicit_request_keeps_language(text: str, code: str, source: str) -> None:
    start = LanguageChoice("fr", source)
    assert update(start, text, FixedDetector(("en", 1.0))) == (start, f"unsupported:{code}")


def test_explicit_request_outside_tenant_languages_is_unsupported() -> None:
    start = LanguageChoice("en", "default")
    result = update_choice(
        start, "in italiano per favore", supported=("en", "de"), detector=FixedDetector(None)
    )
    assert result == (start, "unsupported:it")


# ------------------------------------------------------------------- detection

GERMAN = "Das Frühstück war gut, aber der Kaffee war leider kalt."


@pytest.mark.parametrize("source", ["default", "locale", "detected"])
def test_detection_switches_from_weak_sources(source: str) -> None:
    start = LanguageChoice("en", source)
    assert update(start, GERMAN, FixedDetector(("de", 0.95))) == (LanguageChoice("de", "detected"), None)


@pytest.mark.parametrize("source", ["reservation", "explicit"])
def test_detection_never_overrides_reservation_or_explicit(source: str) -> None:
    start = LanguageChoice("en", source)
    det = FixedDetector(("de", 1.0))
    assert update(start, GERMAN, det) == (start, None)


def test_detection_of_current_language_confirms_it() -> None:
    start = LanguageChoice("de", "locale")
    assert update(start, GERMAN, FixedDetector(("de", 0.95))) == (LanguageChoice("de", "detected"), None)
    start = LanguageChoice("de", "reservation")
    assert update(start, GERMAN, FixedDetector(("de", 0.95))) == (start, None)


@pytest.mark.parametrize(
    ("confidence", "min_confidence", "switches"),
    [
        (0.79, 0.8, False),
        (0.8, 0.8, True),
        (0.99, 0.8, True),
        (0.9, 0.95, False),
        (0.5, 0.4, True),
        (0.0, 0.8, False),
    ],
)
def test_confidence_threshold(confidence: float, min_confidence: float, switches: bool) -> None:
    start = LanguageChoice("en", "default")
    new, event = update(start, GERMAN, FixedDetector(("de", confidence)), min_confidence=min_confidence)
    assert event is None
    assert new == (LanguageChoice("de", "detected") if switches else start)


def test_word_and_letter_thresholds_are_parameters() -> None:
    start = LanguageChoice("en", "default")
    det = FixedDetector(("de", 0.99))
    assert update(start, "Zimmer war toll", det)[0].lang == "de"
    assert update(start, "Zimmer war toll", det, min_words=4)[0].lang == "en"
    assert update(start, "Zimmer war toll", det, min_letters=20)[0].lang == "en"
    assert update(start, "Zimmer", det, min_words=1, min_letters=3)[0].lang == "de"


@pytest.mark.parametrize("result", [None, ("nl", 0.99), ("pt", 1.0)])
def test_undetectable_or_unsupported_detection_changes_nothing(result) -> None:
    start = LanguageChoice("en", "default")
    assert update(start, "Het ontbijt was heerlijk en de kamer was schoon.", FixedDetector(result)) == (
        start,
        None,
    )


def test_detection_respects_tenant_languages() -> None:
    start = LanguageChoice("en", "default")
    result = update_choice(start, GERMAN, supported=("en", "fr"), detector=FixedDetector(("de", 0.99)))
    assert result == (start, None)


def test_urls_digits_and_emoji_are_removed_before_detection() -> None:
    det = FixedDetector(("de", 0.99))
    start = LanguageChoice("en", "default")
    update(start, "Zimmer 204 war 😀 toll, siehe https://example.com/x?y=1", det)
    assert det.calls[0] == "Zimmer war toll siehe"


# ------------------------------------------------------------ mixed languages


def test_mixed_message_does_not_flip_when_one_word_decides() -> None:
    det = KeywordDetector({"Frühstück"}, lang="de", other="en")
    start = LanguageChoice("en", "default")
    assert det.detect("the Frühstück was great") == ("de", 0.99)  # the detector alone would flip
    assert update(start, "the Frühstück was great", det) == (start, None)


def test_real_german_message_still_flips_with_the_guard() -> None:
    det = KeywordDetector({"Das", "Frühstück", "war", "super"}, lang="de", other="en")
    start = LanguageChoice("en", "default")
    assert update(start, "Das Frühstück war super", det) == (LanguageChoice("de", "detected"), None)


@pytest.mark.parametrize(
    "text",
    [
        "the Frühstück was great",
        "the Frühstück was great thanks",
        "I loved the colazione here",
        "the petit-déjeuner was amazing",
        "our habitación was very clean",
    ],
)
@pytest.mark.parametrize("name", ["lingua", "langdetect"])
def test_mixed_messages_with_real_detectors(text: str, name: str) -> None:
    start = LanguageChoice("en", "default")
    assert update(start, text, make_detector(name))[0].lang == "en"


@pytest.mark.parametrize("lang", SUPPORTED)
def test_real_messages_switch_with_lingua(lang: str, lingua) -> None:
    """End to end with the default detector: most substantial messages switch."""
    switched = 0
    texts = SENTENCES[lang]
    for text in texts:
        start = LanguageChoice("en" if lang != "en" else "de", "default")
        new, event = update(start, text, lingua)
        assert event is None
        assert new.lang in (lang, start.lang)  # never to a third language
        switched += new == LanguageChoice(lang, "detected")
    assert switched / len(texts) >= 0.8


# ------------------------------------------------------------------- property

_WORD = st.text(alphabet=st.characters(categories=["Ll", "Lu"]), min_size=1, max_size=12)
_NOISE = st.sampled_from(["5", "10", "👍", "!", "4/5", "...", "🙂🙂", "-", "2024"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(_WORD, min_size=0, max_size=2),
    noise=st.lists(_NOISE, max_size=4),
    source=st.sampled_from(["default", "locale", "detected"]),
)
def test_fewer_than_three_words_never_flip(words: list[str], noise: list[str], source: str) -> None:
    text = " ".join(words + noise)
    if explicit_request(text) is not None:
        return
    start = LanguageChoice("en", source)
    assert update(start, text, FixedDetector(("de", 1.0))) == (start, None)
