"""Per-conversation language resolver.

DESIGN.md ("Languages"): the guest's language is decided per conversation, in this
order -- what the guest explicitly asks for; the language of the reservation;
confident detection over enough of the guest's own text; the widget's browser
locale; the first message's opener (bot/language/openers.py); a weak prior (the
phone number's country, an e-mail's language header: bot/language/priors.py); the
tenant's default.  A one-word reply never flips the language after the first message.

* :func:`initial_choice` picks the starting language from reservation, locale, prior
  and default (explicit requests and detection need guest text).
* :func:`update_choice` is called with every guest message.
* :func:`opening_choice` reads the conversation's first guest message, however short,
  when only a prior or the default is known.

``LanguageChoice.source`` records where the current language came from, so that a
weaker source never overrides a stronger one: detection over substantial text may
replace a "locale", "opener", "prior" or "default" language (or a previous detection),
never a "reservation" or "explicit" one. Only an explicit request overrides a
reservation. One-word replies after the first message change nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .detect import LanguageDetector
from .explicit import explicit_request
from .openers import opener_language, strip_noise
from .priors import prior_language

__all__ = [
    "SOURCES",
    "LanguageChoice",
    "initial_choice",
    "update_choice",
    "opening_choice",
    "is_substantial",
    "clean_text",
    "primary_subtag",
]

SOURCES = ("explicit", "reservation", "detected", "locale", "opener", "prior", "default")
# sources that confident detection may replace
_OVERRIDABLE = frozenset({"detected", "locale", "opener", "prior", "default"})
# sources the first message's opener may replace
_OPENABLE = frozenset({"prior", "default"})

# Mixed-message guard (see _robust_switch): only for messages up to this many words;
# in longer messages a single foreign word cannot dominate the detector.
_GUARD_MAX_WORDS = 12


@dataclass(frozen=True)
class LanguageChoice:
    lang: str
    source: str  # one of SOURCES


# ----------------------------------------------------------------------- helpers


def primary_subtag(tag: str | None) -> str | None:
    """ "de-AT" -> "de", "fr_CH" -> "fr", "es-419" -> "es", " IT " -> "it"; junk -> None."""
    if not tag:
        return None
    tag = str(tag).strip().split(";", 1)[0].strip()  # drop ";q=0.8"
    primary = re.split(r"[-_.@\s]", tag, maxsplit=1)[0].lower()
    if re.fullmatch(r"[a-z]{2,3}", primary):
        return primary
    return None


def _locale_candidates(locale: str) -> list[str]:
    """Primary subtags of a locale or an Accept-Language list, best first.

    "de-AT" -> ["de"]; "fr-CH, fr;q=0.9, en;q=0.8" -> ["fr", "en"] (ordered by q).
    """
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(str(locale).split(",")):
        piece = part.strip()
        if not piece:
            continue
        q = 1.0
        m = re.search(r";\s*q\s*=\s*([0-9.]+)", piece)
        if m:
            try:
                q = float(m.group(1))
            except ValueError:
                q = 0.0
        code = primary_subtag(piece)
        if code and q > 0:
            ranked.append((-q, index, code))
    out: list[str] = []
    for _, _, code in sorted(ranked):
        if code not in out:
            out.append(code)
    return out


def _supported(supported: Sequence[str]) -> tuple[str, ...]:
    if isinstance(supported, str):
        supported = (supported,)
    codes = tuple(c.strip().lower() for c in supported if c and c.strip())
    if not codes:
        raise ValueError("supported must name at least one language")
    return codes


_URL_RE = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"  # URLs
    r"|\b[\w.+-]+@[\w-]+\.[\w.-]+\b"  # e-mail addresses
    r"|\b\w+\.(?:com|net|org|de|fr|es|it|ch|at|eu|info)\b\S*",  # bare domains
    re.IGNORECASE,
)
_MENTION_RE = re.compile(r"[@#]\w+")
_WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def clean_text(text: str) -> str:
    """Text with URLs, e-mail addresses, file names, markup, @mentions/#tags, digits,
    emoji and punctuation replaced by spaces; what remains is the guest's words."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _URL_RE.sub(" ", text)
    text = strip_noise(text)
    text = _MENTION_RE.sub(" ", text)
    return " ".join(_WORD_RE.findall(text))


def _words(text: str) -> list[str]:
    return clean_text(text).split()


def is_substantial(text: str, *, min_letters: int = 12, min_words: int = 3) -> bool:
    """Enough of the guest's own words to detect a language from.

    Counts words (runs of letters, "don't" is one word) and letters after removing
    URLs, e-mail addresses, digits, emoji and punctuation.
    """
    words = _words(text)
    if len(words) < min_words:
        return False
    letters = sum(1 for w in words for ch in w if ch.isalpha())
    return letters >= min_letters


# ----------------------------------------------------------------------- choices


def initial_choice(
    *,
    supported: Sequence[str],
    default: str,
    reservation: str | None = None,
    locale: str | None = None,
    phone_region: str | None = None,
    language_hint: str | None = None,
) -> LanguageChoice:
    """Starting language: reservation, then browser locale, then a weak prior (the
    e-mail's language header, the phone number's country: source "prior"), then tenant
    default.

    Values not in ``supported`` are skipped.  Reservation and locale may be full
    tags ("de-AT", "fr_CH", "es-419") or an Accept-Language list.  If even the
    default is unsupported, the first supported language is used (source "default").
    """
    codes = _supported(supported)
    res = primary_subtag(reservation)
    if res in codes:
        return LanguageChoice(res, "reservation")
    if locale:
        for code in _locale_candidates(locale):
            if code in codes:
                return LanguageChoice(code, "locale")
    prior = prior_language(codes, phone_region=phone_region, language_hint=language_hint)
    if prior is not None:
        return LanguageChoice(prior, "prior")
    dflt = primary_subtag(default)
    if dflt in codes:
        return LanguageChoice(dflt, "default")
    return LanguageChoice(codes[0], "default")


def _robust_switch(words: list[str], new: str, current: str, detector: LanguageDetector) -> bool:
    """Guard against mixed messages ("the Frühstück was great").

    A short message flips to ``new`` only if no single word is responsible for it:
    with any one word left out, the detector must not fall back to the current
    language.  (Sub-texts the detector cannot judge do not block.)
    """
    if len(words) > _GUARD_MAX_WORDS:
        return True
    for i in range(len(words)):
        rest = " ".join(words[:i] + words[i + 1 :])
        result = detector.detect(rest)
        if result is not None and result[0] == current:
            return False
    return True


def update_choice(
    choice: LanguageChoice,
    text: str,
    *,
    supported: Sequence[str],
    detector: LanguageDetector,
    min_letters: int = 12,
    min_words: int = 3,
    min_confidence: float = 0.8,
) -> tuple[LanguageChoice, str | None]:
    """Update the conversation language with a new guest message.

    Returns ``(choice, event)``; event is ``None``, ``"switched"`` (explicit request
    for a supported language -- also when it is already the current language, so the
    bot can acknowledge it) or ``"unsupported:<code>"`` (explicit request for a
    language outside ``supported``; the choice is unchanged).

    Detection changes nothing unless the current source is "detected", "locale" or
    "default", the text is substantial (see :func:`is_substantial`), and the detector
    returns a supported language with confidence >= ``min_confidence``.  A short
    message that flips only because of a single word (mixed language) is ignored.
    Confident detection of the *current* language upgrades a "locale"/"default"
    source to "detected" (detection ranks above locale and default in DESIGN.md);
    the language stays the same and the event is ``None``.  A detection-driven
    switch also returns event ``None``: compare ``choice.lang`` to notice it.
    """
    codes = _supported(supported)
    requested = explicit_request(text or "")
    if requested is not None:
        if requested in codes:
            return LanguageChoice(requested, "explicit"), "switched"
        return choice, f"unsupported:{requested}"

    if choice.source not in _OVERRIDABLE:
        return choice, None
    if not is_substantial(text or "", min_letters=min_letters, min_words=min_words):
        return choice, None

    words = _words(text)
    cleaned = " ".join(words)
    result = detector.detect(cleaned)
    if result is None:
        return choice, None
    lang, confidence = result
    lang = (lang or "").lower()
    if lang not in codes or confidence < min_confidence:
        return choice, None
    if lang == choice.lang:
        if choice.source == "detected":
            return choice, None
        return LanguageChoice(lang, "detected"), None
    if not _robust_switch(words, lang, choice.lang, detector):
        return choice, None
    return LanguageChoice(lang, "detected"), None


def opening_choice(
    choice: LanguageChoice,
    text: str,
    *,
    supported: Sequence[str],
    detector: LanguageDetector | None,
    ignore: str = "",
    region: str | None = None,
) -> LanguageChoice:
    """The conversation's first guest message read as an opener ("Bonjour", "Grazie
    mille", "Zu laut"): when only a prior or the default is known and the opener names
    a supported language, that language with source "opener". An ambiguous opener
    ("Hi", "ok", "4", an emoji, "Hotel") keeps the choice -- the prior when there is
    one, else the default. Words of ``ignore`` (the hotel's name) are not read;
    ``region`` (the phone number's country) makes words its speakers also use in
    another language ambiguous ("Merci" from CH). Call it once, for the first message
    only."""
    if choice.source not in _OPENABLE:
        return choice
    lang = opener_language(text or "", _supported(supported), detector, ignore=ignore, region=region)
    if lang is None:
        return choice
    return LanguageChoice(lang, "opener")
