"""Opt-out, opt-in and help keywords, as Twilio and carriers treat them, in every language.

A message is a keyword only when the *whole* message is one: trimmed, case- and
accent-insensitive, trailing punctuation ignored ("Stop.", "ARRÊT", " ¡Alto! "), spaces and
hyphens inside ignored ("STOP ALL", "opt-out"). "Please stop asking" is not a keyword.

The English words are Twilio's defaults and the US carriers' (CTIA) list; they count in
every language and are answered in English. Deliberately left out: "yes" (Twilio's third
opt-in word, but an ordinary answer here) and Italian "fine" (an English answer, "Fine.",
would unsubscribe the guest). Spanish "baja" stays: it is the usual opt-out word in Spain.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

Kind = Literal["stop", "start", "help"]

# Words are written case-folded, without accents, spaces or hyphens (see `_normalise`).
_WORDS: dict[Kind, dict[str, str]] = {
    "stop": {
        "en": "stop stopall unsubscribe cancel end quit optout revoke",
        "de": "stopp abmelden abbestellen",
        "fr": "arret desabonner desinscrire",
        "es": "alto baja",
        "it": "basta alt annulla",
    },
    "start": {
        "en": "start unstop subscribe resume",
        "de": "anmelden",
        "fr": "commencer",
        "es": "inicio alta",
        "it": "inizia avvia",
    },
    "help": {"en": "help info", "de": "hilfe", "fr": "aide", "es": "ayuda", "it": "aiuto"},
}
KEYWORDS: dict[str, tuple[Kind, str]] = {
    word: (kind, lang)
    for kind, by_lang in _WORDS.items()
    for lang, words in by_lang.items()
    for word in words.split()
}
_LONGEST = 40  # longer (trimmed) messages are never keywords; skip normalising them
_INNER = str.maketrans("", "", " -_\u00a0")


def _normalise(body: str) -> str:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", body).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
    text = text.strip().lstrip("¡¿")
    while text and (text[-1].isspace() or unicodedata.category(text[-1]).startswith("P")):
        text = text[:-1]
    return text.translate(_INNER)


def _lookup(body: str | None) -> tuple[Kind, str] | None:
    if not isinstance(body, str) or len(body := body.strip()) > _LONGEST:
        return None
    return KEYWORDS.get(_normalise(body))


def classify_keyword(body: str | None) -> Kind | None:
    """ "stop", "start" or "help" when the whole message is such a keyword, else None."""
    found = _lookup(body)
    return found[0] if found else None


def keyword_language(body: str | None) -> str | None:
    """The language ("en", "de", "fr", "es", "it") of the keyword the message is, to answer
    in it; "en" for the Twilio/carrier standard words. None when it is no keyword."""
    found = _lookup(body)
    return found[1] if found else None
