"""Weak language priors: the country of the guest's phone number, an e-mail's
Content-Language / Accept-Language.

A prior only counts when nothing stronger is known (no explicit request, reservation
language, browser locale, nor an opener that names a language): it is a guess about
the person, not about the text. Countries where several of our languages are spoken
as a first language give no prior at all:

* CH (de/fr/it), BE (fr, and Dutch), CA (en/fr), LU (fr/de, and Luxembourgish),
  AD (Catalan, es/fr), MT (Maltese/en/it), also IN, SG, ZA, PH, IL (our five are
  not their only first languages; English there is a second language).
* An e-mail or browser language header that lists two of the supported languages
  with q >= 0.5 ("es-US, en-US;q=0.9") is a bilingual guest's: no prior either, not
  even from the phone number (the header is about the person, the country is not).
* US maps to English, not ambiguous: English is the first language of most of its
  guests and the prior only matters when the text says nothing; a guest who writes
  "Hola" is answered in Spanish by the opener, which ranks above the prior.
  Puerto Rico (its own region, PR) maps to Spanish.

Countries whose language is not one of the five (NL, PT, PL, JP, ...) give no prior:
the hotel's default stays.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "BILINGUAL_Q",
    "LANGUAGE_HINT",
    "MULTILINGUAL",
    "REGION_LANGUAGE",
    "phone_region",
    "prior_language",
    "valid_hint",
    "valid_region",
]

# fmt: off
REGION_LANGUAGE: dict[str, str] = {
    **dict.fromkeys(("GB", "IE", "US", "AU", "NZ", "JE", "GG", "IM", "GI", "BM", "BS", "BB", "JM"), "en"),
    **dict.fromkeys(("DE", "AT", "LI"), "de"),
    **dict.fromkeys(("FR", "MC", "RE", "GP", "MQ", "GF", "YT", "PM", "NC", "PF", "SN", "CI"), "fr"),
    **dict.fromkeys(
        ("ES", "MX", "AR", "CO", "CL", "PE", "VE", "EC", "GT", "CU", "BO", "DO", "HN")
        + ("PY", "SV", "NI", "CR", "PA", "UY", "PR", "GQ"),
        "es",
    ),
    **dict.fromkeys(("IT", "SM", "VA"), "it"),
}
# fmt: on

MULTILINGUAL = frozenset({"CH", "BE", "CA", "LU", "AD", "MT", "IN", "SG", "ZA", "PH", "IL"})

# A language header naming two supported languages at this q-value or more is a
# bilingual guest's: it gives no prior (eval/openers/seen/README.md, labelling rules).
BILINGUAL_Q = 0.5

_BILINGUAL = "*"  # _hint_language's answer for a bilingual header
_REGION = re.compile(r"[A-Z]{2}")
# A Content-Language / Accept-Language value worth passing on: up to ten tags with
# optional q-values ("fr-CH, fr;q=0.9, en;q=0.8"), at most 100 characters.
_HINT_TAG = r"(?:[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)(?:\s*;\s*q=[0-9.]{1,5})?"
LANGUAGE_HINT = re.compile(rf"{_HINT_TAG}(?:\s*,\s*{_HINT_TAG}){{0,9}}")
_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


def valid_region(value: object) -> str | None:
    """An ISO 3166 alpha-2 code as the channels put it in metadata ("CH"), else None."""
    if isinstance(value, str) and _REGION.fullmatch(value):
        return value
    return None


def valid_hint(value: object) -> str | None:
    """A well-formed Content-Language / Accept-Language value (see LANGUAGE_HINT), else None."""
    if isinstance(value, str) and 0 < len(value) <= 100 and LANGUAGE_HINT.fullmatch(value):
        return value
    return None


def phone_region(number: str | None) -> str | None:
    """The region (ISO 3166 alpha-2) of an E.164 number ("+41 44 ..." -> "CH"), from its
    calling code and, where a code is shared (+1, +7, +44), its leading digits; None
    when the number does not parse. The number itself goes nowhere."""
    if not isinstance(number, str) or not number.strip() or len(number) > 64:
        return None
    import phonenumbers

    raw = number.strip()
    if raw.lower().startswith("whatsapp:"):
        raw = raw[len("whatsapp:") :]
    try:
        parsed = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        return None
    return valid_region(phonenumbers.region_code_for_number(parsed))


def _hint_language(hint: str | None, supported: Sequence[str]) -> str | None:
    """The first supported language of a Content-Language / Accept-Language value
    ("fr-CH, fr;q=0.9, nl;q=0.8" -> "fr"), or None: junk, none supported, or two
    supported languages with q >= ``BILINGUAL_Q`` ("fr-CH, fr;q=0.9, en;q=0.8")."""
    if not isinstance(hint, str) or not hint.strip() or len(hint) > 200:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(hint.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not _TAG.fullmatch(tag):
            continue
        q = 1.0
        m = re.fullmatch(r"\s*q\s*=\s*([01](?:\.[0-9]{0,3})?)\s*", params) if params else None
        if params and m is None:
            continue
        if m is not None:
            q = float(m.group(1))
        code = re.split(r"[-_]", tag, maxsplit=1)[0].lower()
        if q > 0 and code in supported:
            ranked.append((-q, index, code))
    if len({code for q, _, code in ranked if -q >= BILINGUAL_Q}) > 1:
        return _BILINGUAL  # a bilingual guest ("es-US, en-US;q=0.9"): no guess
    return min(ranked)[2] if ranked else None


def prior_language(
    supported: Sequence[str], *, phone_region: str | None = None, language_hint: str | None = None
) -> str | None:
    """The weak prior's language, if any: the e-mail's language header first (it is
    about the guest's own mail client), then the phone number's country (None for the
    multilingual countries in ``MULTILINGUAL`` and languages outside ``supported``).
    A bilingual header gives no prior, whatever the phone's country."""
    lang = _hint_language(valid_hint(language_hint), supported)
    if lang == _BILINGUAL:  # the guest's own mail client says: two languages
        return None
    if lang is not None:
        return lang
    region = valid_region(phone_region)
    if region is None or region in MULTILINGUAL:
        return None
    lang = REGION_LANGUAGE.get(region)
    return lang if lang in supported else None
