"""The opener lexicon and the weak priors (bot/language/openers.py, priors.py): pure."""

from __future__ import annotations

import pytest

from bot.language import make_detector, opener_language, phone_region, prior_language
from bot.language.openers import AMBIGUOUS, EVERYDAY, FRAGMENTS, LEXICON, MARKERS, REGIONAL, fold
from bot.language.priors import MULTILINGUAL, valid_hint, valid_region

SUPPORTED = ("en", "de", "fr", "es", "it")
DETECTOR = make_detector("lingua", SUPPORTED)


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Grüezi", "de"),
        ("GRUEZI", "de"),
        ("Gruezi!", "de"),
        ("Servus", "de"),
        ("Moin", "de"),
        ("Moin moin", "de"),
        ("Hoi", "de"),
        ("Grüß Gott", "de"),
        ("Grüss Gott 🙂", "de"),
        ("Coucou", "fr"),
        ("Salut !", "fr"),
        ("À bientôt", "fr"),
        ("a bientot", "fr"),
        ("Buenas", "es"),
        ("¿Qué tal?", "es"),
        ("que tal", "es"),
        ("¡¡HOLA!!", "es"),
        ("Salve", "it"),
        ("Buongiorno", "it"),
        ("Buonasera", "it"),
        ("Grazie mille 🙏", "it"),
        ("Hey there", "en"),
        ("Cheers", "en"),
        ("G'day", "en"),
        ("G’day mate", "en"),
        ("holaaa", "es"),
        ("Hellooo", "en"),
        ("Merci beaucoup", "fr"),
        ("Merci vielmal", "de"),
    ],
)
def test_regional_and_folded_forms(text, lang):
    assert opener_language(text, SUPPORTED, DETECTOR) == lang


@pytest.mark.parametrize(
    "text",
    [
        "Hi", "hi!", "Hey", "ok", "OK!!", "4", "10/10", "👍", "😊😊", "Hotel", "Ciao", "Super", "Sì",
        "Bye", "thx", "Prima", "Espresso", "Mamma mia", "Cappuccino", "Bonjour-hi", "Taxi",
        "https://example.com/photos/room.jpg", "www.example.org/zimmer", "<b>room.jpg</b>",
        "guest@example.com", "@hotel #breakfast",
    ],
)  # fmt: skip
def test_ambiguous_openers_decide_nothing(text):
    assert opener_language(text, SUPPORTED, DETECTOR) is None


@pytest.mark.parametrize(
    "text, region",
    [("Merci", "CH"), ("merci!", "CH"), ("Hallo", "BE"), ("Hallo", "NL"), ("Merci", "LU")],
)
def test_a_word_the_phone_country_also_says_in_another_language_decides_nothing(text, region):
    assert opener_language(text, SUPPORTED, DETECTOR, region=region) is None
    assert opener_language(text, SUPPORTED, DETECTOR) in ("fr", "de")  # without the country


def test_the_phone_country_never_switches_a_phrase():
    assert opener_language("Merci beaucoup", SUPPORTED, DETECTOR, region="CH") == "fr"
    assert opener_language("Merci vielmal", SUPPORTED, DETECTOR, region="CH") == "de"
    assert opener_language("Bonjour", SUPPORTED, DETECTOR, region="CH") == "fr"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("danek", "de"),
        ("Dnake schön", "de"),
        ("thnaks", "en"),
        ("gracais", "es"),
        ("bonjoru", "fr"),
        ("grazei", "it"),
        ("buongirno", "it"),
        ("Tschuess", "de"),
        ("schoen", "de"),
    ],
)
def test_one_typo_in_a_long_word_is_forgiven(text, lang):
    assert opener_language(text, SUPPORTED, DETECTOR) == lang


@pytest.mark.parametrize("text", ["hollo", "perfeat", "dake", "ciaoo", "sprot"])
def test_short_words_and_typos_near_two_languages_decide_nothing(text):
    # "hollo": hello (en) and hallo (de); "perfeat": perfect, perfekt; "dake": 4 letters
    assert opener_language(text, SUPPORTED, None) is None


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Merci", "fr"),
        ("Hallöle", "de"),
        ("Bsr", "fr"),
        ("bjr", "fr"),
        ("slt", "fr"),
        ("mrc", "fr"),
        ("stp", "fr"),
        ("À tantôt", "fr"),
        ("Tiguidou", "fr"),
        ("Hola che", "es"),
        ("Está padrísimo", "es"),
        ("Qué chido", "es"),
        ("Wena po", "es"),
        ("De diez", "es"),
        ("grz", "it"),
        ("cmq tutto ok", "it"),
        ("nn funziona", "it"),
        ("Uè", "it"),
        ("Grazie assai", "it"),
        ("Passt scho", "de"),
        ("Servus beinand", "de"),
        ("Y'a trop de bruit", "fr"),
        ("Nix zu meckern", "de"),
        ("no hot water", "en"),
        ("la ducha no funciona", "es"),
        ("the room https://example.com/photos/room.jpg", "en"),
        ("<p>Grazie mille</p>", "it"),
        ("cama comodísima", "es"),
        ("letto comodissimo", "it"),
        ("Sauberkeit", "de"),
    ],
)
def test_regional_forms_sms_and_short_complaints(text, lang):
    assert opener_language(text, SUPPORTED, DETECTOR) == lang


def test_confident_detection_of_short_phrases_without_lexicon_words():
    assert opener_language("Das Essen war lecker", SUPPORTED, DETECTOR) == "de"
    assert opener_language("la douche était froide", SUPPORTED, DETECTOR) == "fr"


def test_no_detector_means_lexicon_only():
    assert opener_language("Bonjour", SUPPORTED, None) == "fr"
    assert opener_language("Zanzare ovunque", SUPPORTED, None) is None
    assert opener_language("Zanzare ovunque", SUPPORTED, DETECTOR) in ("it", None)


def test_a_language_the_hotel_does_not_offer_is_not_chosen():
    assert opener_language("Bonjour", ("de", "it"), DETECTOR) is None


def test_lexicon_entries_are_unique_and_ambiguous_words_are_in_no_language():
    seen: dict[tuple[str, ...], str] = {}
    for table in (LEXICON, REGIONAL, MARKERS, FRAGMENTS, EVERYDAY):
        for lang, phrases in table.items():
            for phrase in phrases:
                key = tuple(fold(phrase))
                assert key, phrase
                assert seen.setdefault(key, lang) == lang, (phrase, lang, seen[key])
    for phrase in AMBIGUOUS:
        assert tuple(fold(phrase)) not in seen, phrase


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\t",
        "🙂" * 500,
        "x" * 2000,
        "Bonjour " * 300,
        "<script>alert(1)</script>",
        "\x00\ud800",
        "'; DROP TABLE x; --",
        "¿¡",
        "ÿ" * 50,
        "' ' '",
        "Ω≈ç√",
    ],
)
def test_bad_input_never_raises_and_decides_nothing_wrong(text):
    assert opener_language(text, SUPPORTED, DETECTOR) in (None, *SUPPORTED)
    assert opener_language(text, SUPPORTED, DETECTOR) is None or text.startswith("Bonjour")


def test_a_long_message_is_not_an_opener():
    assert opener_language("Bonjour " * 300, SUPPORTED, DETECTOR) is None  # the resolver's detection reads it


# ---------------------------------------------------------------- priors


@pytest.mark.parametrize(
    "number, region",
    [
        ("+41445551234", "CH"),
        ("+4915123456789", "DE"),
        ("+33612345678", "FR"),
        ("+34612345678", "ES"),
        ("+393471234567", "IT"),
        ("+442071234567", "GB"),
        ("+12125551234", "US"),
        ("+14165551234", "CA"),
        ("+17875551234", "PR"),
        ("whatsapp:+393471234567", "IT"),
        ("+43 664 1234567", "AT"),
    ],
)
def test_phone_region_from_the_calling_code(number, region):
    assert phone_region(number) == region


@pytest.mark.parametrize(
    "number", ["", "abc", "12345", "+999123", "+", "x" * 500, None, "+41 44 555 12 34\n" * 10]
)
def test_a_number_that_does_not_parse_has_no_region(number):
    assert phone_region(number) is None


@pytest.mark.parametrize(
    "region, lang",
    [
        ("DE", "de"),
        ("AT", "de"),
        ("FR", "fr"),
        ("ES", "es"),
        ("MX", "es"),
        ("IT", "it"),
        ("GB", "en"),
        ("US", "en"),
        ("PR", "es"),
        ("NL", None),
        ("PT", None),
        ("JP", None),
    ],
)
def test_region_languages(region, lang):
    assert prior_language(SUPPORTED, phone_region=region) == lang


@pytest.mark.parametrize("region", sorted(MULTILINGUAL))
def test_multilingual_countries_give_no_prior(region):
    assert prior_language(SUPPORTED, phone_region=region) is None


def test_language_header_ranks_above_the_phone_and_reads_q_values():
    assert prior_language(SUPPORTED, phone_region="DE", language_hint="fr-CH") == "fr"
    assert prior_language(SUPPORTED, language_hint="nl-NL, en;q=0.3, de;q=0.8") == "de"
    assert prior_language(SUPPORTED, language_hint="fr-BE,fr;q=0.9,nl;q=0.8") == "fr"


@pytest.mark.parametrize(
    "hint", ["es-US,en-US;q=0.9", "nl-NL, en;q=0.5, de;q=0.8", "de-DE,de;q=0.9,en;q=0.8", "fr, it"]
)
def test_a_bilingual_language_header_gives_no_prior(hint):
    assert prior_language(SUPPORTED, language_hint=hint) is None
    assert prior_language(SUPPORTED, phone_region="US", language_hint=hint) is None  # nor the phone
    assert prior_language(("de",), language_hint=hint) in (None, "de")  # one supported: no doubt
    assert prior_language(SUPPORTED, language_hint="pt-BR") is None
    assert prior_language(("de", "it"), language_hint="en-GB") is None


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "x" * 500,
        "<script>",
        "fr;q=abc",
        "de\n",
        "de;q=1,",
        ";;;",
        "12",
        "fr-CH, " * 30,
        "$gt",
        5,
        None,
        ["de"],
    ],
)
def test_junk_hints_and_regions_give_no_prior(junk):
    assert valid_hint(junk) is None
    assert valid_region(junk) is None
    assert prior_language(SUPPORTED, phone_region=junk, language_hint=junk) is None


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Lit très confortable", "fr"),  # "très": è inside a word is French
        ("Yo, ça roule ?", "fr"),  # ç
        ("Ey, ¿qué pasa?", "es"),  # ¿
        ("Però la colazione", "it"),  # ò: not Spanish "pero"
        ("Zimmer für zwei", "de"),
        ("Habitación con vistas", "es"),
        ("Vista stupenda", "it"),  # stupendo's feminine
        ("Camere pulite e letti comodi", "it"),
        ("Habitaciones limpias", "es"),
        ("Che delusione", "it"),
        ("Un disastro", "it"),
        ("Boh", "it"),
        ("Cimer !", "fr"),
        ("Merci bcp pr tt", "fr"),
        ("Klk", "es"),
        ("Pura vida!", "es"),
        ("Na du", "de"),
        ("Ey up!", "en"),
    ],
)
def test_letters_and_everyday_words_of_one_language(text, lang):
    assert opener_language(text, SUPPORTED, DETECTOR) == lang


@pytest.mark.parametrize(
    "text", ["Sí", "Sì", "Hôtel", "Ciao bella", "Bello bello", "Late check-out?", "¿¡", "Ω≈ç√"]
)
def test_accents_do_not_decide_shared_words(text):
    assert opener_language(text, SUPPORTED, DETECTOR) is None
