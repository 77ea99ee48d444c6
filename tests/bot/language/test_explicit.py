"""Explicit language requests: table-driven, every language, positive and negative rows."""

from __future__ import annotations

import pytest

from bot.language.explicit import LANGUAGE_NAMES, explicit_request

# (message, expected code) -- requests phrased in many languages
POSITIVE: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("English please", "en"),
        ("in English", "en"),
        ("In English please!", "en"),
        ("Can we speak English?", "en"),
        ("can we speak english", "en"),
        ("Do you speak English?", "en"),
        ("English?", "en"),
        ("Please switch to English", "en"),
        ("Could you answer in English?", "en"),
        ("I only speak English", "en"),
        ("English only, please", "en"),
        ("Sorry, I don't speak German. Can we continue in English?", "en"),
        ("Auf Englisch bitte", "en"),
        ("Englisch bitte", "en"),
        ("en anglais s'il vous plaît", "en"),
        ("Vous parlez anglais ?", "en"),
        ("en inglés por favor", "en"),
        ("in inglese per favore", "en"),
        ("Hi, English?", "en"),
        ("Is there anyone who speaks English?", "en"),
        ("Can we speak English instead of German?", "en"),
        ("Language: English", "en"),
    ],
    "de": [
        ("auf Deutsch bitte", "de"),
        ("Deutsch bitte", "de"),
        ("Deutsch", "de"),
        ("Sprechen Sie Deutsch?", "de"),
        ("Können wir Deutsch sprechen?", "de"),
        ("Kannst du auf Deutsch antworten?", "de"),
        ("Bitte auf Deutsch", "de"),
        ("Ich spreche nur Deutsch", "de"),
        ("Nein, auf Deutsch bitte!", "de"),
        ("in German please", "de"),
        ("Can we speak German?", "de"),
        ("German?", "de"),
        ("en allemand s'il vous plaît", "de"),
        ("¿Hablas alemán?", "de"),
        ("in tedesco per favore", "de"),
        ("Können wir bitte auf Deutsch wechseln?", "de"),
    ],
    "fr": [
        ("en français s'il vous plaît", "fr"),
        ("parlez-vous français ?", "fr"),
        ("Parlez vous francais?", "fr"),
        ("Français", "fr"),
        ("en français svp", "fr"),
        ("Tu parles français ?", "fr"),
        ("Est-ce qu'on peut parler français ?", "fr"),
        ("Je préfère le français", "fr"),
        ("Je ne parle que français", "fr"),
        ("Pouvez-vous répondre en français ?", "fr"),
        ("Französisch bitte", "fr"),
        ("French please", "fr"),
        ("in francese per favore", "fr"),
        ("en francés por favor", "fr"),
        ("En français, s’il vous plaît.", "fr"),
    ],
    "es": [
        ("en español por favor", "es"),
        ("¿hablas español?", "es"),
        ("Español", "es"),
        ("¿Podemos hablar en español?", "es"),
        ("Hablemos español", "es"),
        ("Prefiero español", "es"),
        ("Hablo español", "es"),
        ("castellano por favor", "es"),
        ("Spanisch bitte", "es"),
        ("Spanish please", "es"),
        ("en espagnol s'il vous plaît", "es"),
        ("in spagnolo per favore", "es"),
        ("¿Habla usted español?", "es"),
        ("Por favor, en español", "es"),
    ],
    "it": [
        ("in italiano per favore", "it"),
        ("parli italiano?", "it"),
        ("Italiano", "it"),
        ("Possiamo parlare in italiano?", "it"),
        ("Parla italiano?", "it"),
        ("Parliamo italiano", "it"),
        ("Preferisco l'italiano", "it"),
        ("Italiano, per favore", "it"),
        ("Italian please", "it"),
        ("auf Italienisch bitte", "it"),
        ("en italien s'il vous plaît", "it"),
        ("en italiano por favor", "it"),
        ("Puoi rispondere in italiano?", "it"),
        ("Scusi, parla italiano?", "it"),
    ],
}

# ordinary messages, including ones that mention a language in passing
NEGATIVE: dict[str, list[str]] = {
    "en": [
        "The English breakfast was great",
        "French toast was cold",
        "English breakfast please",
        "I don't speak German",
        "The staff spoke English and German",
        "Our waiter could speak French",
        "The staff speaks English very well.",
        "We had Italian food at the restaurant",
        "Spanish omelette for breakfast please",
        "The room was clean and quiet",
        "I will write a review in English",
        "Can you recommend an Italian restaurant?",
        "Thanks, everything was perfect",
        "How do you say thank you in German?",
        "We speak Dutch rather than English",
        "My wife is Italian",
        "",
        "ok",
    ],
    "de": [
        "Das Frühstück war super",
        "Der Kellner sprach kein Englisch",
        "Ich spreche kein Französisch",
        "Wir kommen aus Deutschland",
        "Die Deutsche Bahn hatte Verspätung",
        "Das französische Frühstück war lecker",
        "Der Fernseher hatte nur englische Sender",
        "Die Speisekarte gab es nur auf Englisch",
        "Mein Mann ist Italiener",
        "Zimmer war sauber, danke",
        "Wir waren letztes Jahr in Spanien",
        "Nicht auf Englisch bitte",
        "Wie sagt man danke auf Italienisch?",
        "ja",
    ],
    "fr": [
        "Le petit-déjeuner était excellent",
        "Je ne parle pas allemand",
        "Le serveur parlait anglais",
        "La cuisine italienne était délicieuse",
        "Nous venons d'Espagne",
        "Les frites étaient froides",
        "Le personnel était très gentil",
        "J'ai lu les avis en anglais sur internet",
        "Merci pour tout",
        "Comment dit-on merci en espagnol ?",
        "Les chaînes de télé étaient en allemand.",
        "oui",
    ],
    "es": [
        "El desayuno estaba muy bueno",
        "No hablo alemán",
        "El recepcionista hablaba inglés",
        "La comida italiana era excelente",
        "Somos de Francia",
        "La habitación estaba limpia",
        "Gracias por todo",
        "La carta solo estaba en inglés",
        "Mi marido es francés y yo soy española",
        "Había muchos turistas alemanes",
        "sí",
    ],
    "it": [
        "La colazione era ottima",
        "Non parlo tedesco",
        "Il cameriere parlava inglese",
        "Cucina francese eccellente",
        "Siamo arrivati dalla Spagna",
        "La camera era pulita",
        "Grazie di tutto",
        "Il menù era solo in inglese",
        "Abbiamo mangiato in un ristorante italiano",
        "Parli inglese o tedesco?",
        "grazie",
    ],
}

UNSUPPORTED: list[tuple[str, str]] = [
    ("Nederlands alsjeblieft", "nl"),
    ("in Dutch please", "nl"),
    ("Spreekt u Nederlands?", "nl"),
    ("in het Nederlands graag", "nl"),
    ("em português", "pt"),
    ("Fala português?", "pt"),
    ("Can we speak Portuguese?", "pt"),
    ("en portugués por favor", "pt"),
    ("по-русски", "ru"),
    ("Говорите по-русски?", "ru"),
    ("auf Russisch bitte", "ru"),
    ("po polsku proszę", "pl"),
    ("Polish please", "pl"),
    ("Türkçe lütfen", "tr"),
]


def _rows(table):
    return [
        pytest.param(text, code, id=f"{lang}:{text}") for lang, rows in table.items() for text, code in rows
    ]


@pytest.mark.parametrize(("text", "expected"), _rows(POSITIVE))
def test_positive(text: str, expected: str) -> None:
    assert explicit_request(text) == expected


@pytest.mark.parametrize(
    "text", [pytest.param(t, id=f"{lang}:{t}") for lang, rows in NEGATIVE.items() for t in rows]
)
def test_negative(text: str) -> None:
    assert explicit_request(text) is None


@pytest.mark.parametrize(("text", "expected"), UNSUPPORTED, ids=[t for t, _ in UNSUPPORTED])
def test_unsupported_languages_are_reported(text: str, expected: str) -> None:
    assert explicit_request(text) == expected


def test_tables_are_big_enough() -> None:
    for lang in ("en", "de", "fr", "es", "it"):
        assert len(POSITIVE[lang]) >= 10, lang
        assert len(NEGATIVE[lang]) >= 10, lang


@pytest.mark.parametrize("code", ["en", "de", "fr", "es", "it"])
def test_every_name_alone_and_with_please(code: str) -> None:
    """Each supported language's name, in every language we list, is understood alone
    and with the politeness marker of the language the name is written in."""
    for name in LANGUAGE_NAMES[code]:
        assert explicit_request(name) == code, name
        assert explicit_request(f"{name}?") == code, name
        assert explicit_request(f"{name} please") == code, name
        assert explicit_request(f"The {name} breakfast was great") is None, name


def test_last_request_wins() -> None:
    assert explicit_request("Deutsch bitte... no wait, English please") == "en"
    assert explicit_request("I can't speak German, can we speak English?") == "en"


def test_case_and_accents_do_not_matter() -> None:
    assert explicit_request("EN FRANÇAIS SVP") == "fr"
    assert explicit_request("en espanol por favor") == "es"
    assert explicit_request("auf deutsch BITTE") == "de"
