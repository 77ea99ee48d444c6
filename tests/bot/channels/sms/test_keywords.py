"""`classify_keyword` / `keyword_language`: one table per language, one row per condition,
then messages that must never count as a keyword, then the word list's own invariants."""

from __future__ import annotations

import pytest

from bot.channels.sms.keywords import _WORDS, KEYWORDS, _normalise, classify_keyword, keyword_language

# (message, kind, language of the answer)
EN = [
    ("STOP", "stop", "en"),
    ("stop", "stop", "en"),
    ("  Stop.  ", "stop", "en"),
    ("Stop!!!", "stop", "en"),
    ("STOPALL", "stop", "en"),
    ("Stop all", "stop", "en"),
    ("Unsubscribe", "stop", "en"),
    ("cancel", "stop", "en"),
    ("END", "stop", "en"),
    ("quit", "stop", "en"),
    ("OPTOUT", "stop", "en"),
    ("opt-out", "stop", "en"),
    ("Opt out", "stop", "en"),
    ("REVOKE", "stop", "en"),
    ("ＳＴＯＰ", "stop", "en"),  # full-width letters
    ("stop\u200b", "stop", "en"),  # zero-width space pasted along
    ("\n stop" + " " * 50, "stop", "en"),  # trimmed before the length check
    ("START", "start", "en"),
    ("Unstop", "start", "en"),
    ("subscribe", "start", "en"),
    ("Resume.", "start", "en"),
    ("HELP", "help", "en"),
    ("help?", "help", "en"),
    ("Info", "help", "en"),
]
DE = [
    ("STOPP", "stop", "de"),
    ("Abmelden", "stop", "de"),
    ("abbestellen!", "stop", "de"),
    ("Anmelden", "start", "de"),
    ("Hilfe", "help", "de"),
    ("HILFE?", "help", "de"),
    ("Stop", "stop", "en"),  # the standard word is answered in English
]
FR = [
    ("ARRET", "stop", "fr"),
    ("Arrêt", "stop", "fr"),
    ("arrêt !", "stop", "fr"),  # French space before "!"
    ("Désabonner", "stop", "fr"),
    ("désinscrire", "stop", "fr"),
    ("COMMENCER", "start", "fr"),
    ("Aide", "help", "fr"),
    ("AIDE...", "help", "fr"),
]
ES = [
    ("ALTO", "stop", "es"),
    ("¡Alto!", "stop", "es"),
    ("Baja", "stop", "es"),
    ("INICIO", "start", "es"),
    ("Alta", "start", "es"),
    ("Ayuda", "help", "es"),
    ("¿Ayuda?", "help", "es"),
]
IT = [
    ("BASTA", "stop", "it"),
    ("Basta!", "stop", "it"),
    ("ALT", "stop", "it"),
    ("Annulla", "stop", "it"),
    ("INIZIA", "start", "it"),
    ("Avvia", "start", "it"),
    ("AIUTO", "help", "it"),
]


@pytest.mark.parametrize(("message", "kind", "lang"), EN + DE + FR + ES + IT)
def test_keyword(message, kind, lang):
    assert classify_keyword(message) == kind
    assert keyword_language(message) == lang


NOT_KEYWORDS = [
    None,
    "",
    "   ",
    "?",
    "Please stop",
    "stop it",
    "STOP STOP",
    "I want to cancel my booking",
    "Don't stop",
    "S.T.O.P",
    "stopping",
    "Fine",  # English answer; Italian "fine" is deliberately not a keyword
    "Fine.",
    "yes",  # Twilio's opt-in, but an ordinary answer here
    "YES",
    "Ja",
    "Oui",
    "Sí",
    "Sì",
    "Hilfe bitte, das Zimmer ist kalt",
    "Arrêtez de m'écrire svp",  # a request the conversation handles, not the keyword
    "Basta così, grazie",
    "Alto nivel",
    "help me find the spa",
    "stop " * 10,  # longer than any keyword could be
]


@pytest.mark.parametrize("message", NOT_KEYWORDS)
def test_not_a_keyword(message):
    assert classify_keyword(message) is None
    assert keyword_language(message) is None


def test_every_language_has_every_kind():
    for kind, by_lang in _WORDS.items():
        assert set(by_lang) == {"en", "de", "fr", "es", "it"}, kind


def test_no_word_is_listed_twice():
    words = [w for by_lang in _WORDS.values() for words in by_lang.values() for w in words.split()]
    assert len(words) == len(set(words)) == len(KEYWORDS)


def test_words_are_written_normalised():
    for word in KEYWORDS:
        assert _normalise(word) == word
