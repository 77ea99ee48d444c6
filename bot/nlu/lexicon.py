"""The legal vocabulary of data-subject requests in five languages (bot/nlu/legal.py
uses it): the regulation's names, article references and which right each names, the
rights' names, and the words of a sentence that asks for something. Accents are
stripped before matching (legal.normalise), so the patterns are written without them.

Articles: 15 access, 16 rectification, 17 erasure, 18 restriction, 21 objection, and
20 (portability) access, because the access answer is the machine-readable export
(data/nlu files portability requests under dsr_access). Other articles (4 definitions,
6 and 9 legal bases, 12 deadlines, 19, 22, 46, 77 ...) name no request.

Strength: a STRONG marker is an article reference with the regulation's name next to it
or a right's legal name as the regulation's headings give it; names that also have an
everyday sense ("right of access" to the pool, "right to object" to a fee) count only
when the message speaks of data or the regulation (``needs_context``). A WEAK marker is
an operative phrase ("I object to the processing", "Widerspruch", "erasure") or a bare
article number in a message that names the regulation elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

ARTICLE_RIGHTS = {
    15: "access",
    16: "rectification",
    17: "erasure",
    18: "restriction",
    20: "access",
    21: "objection",
}

STRONG = 2
WEAK = 1

# The regulation's names (accents already stripped, see normalise()).
_LAW = (
    r"(?:\b(?:uk[- ]|eu-)?gdpr\b|\bds-?gvo\b|\brgpd\b|datenschutz-?\s?grundverordnung"
    r"|general data protection regulation|reglement general sur la protection des donnees"
    r"|reglamento general de proteccion de datos|regolamento generale (?:sulla|per la) protezione dei dati"
    r"|\b2016/679\b)"
)
LAW = re.compile(_LAW, re.IGNORECASE)

# "Art. 15", "Article 17", "Artikel 21", "artículo 15", "articolo 17", "artt. 15"; the
# number must stand alone (not 15.5, not a range "15-22").
ARTICLE = re.compile(
    r"\b(?:articles?|artikeln?|articulos?|articol[oi]|artt?|arts)\b\.?\s*(\d{1,3})"
    r"(?![\d,.]\d)(?!\s*(?:-|–|bis|to)\s*\d)",
    re.IGNORECASE,
)
ARTICLE_TAIL = 80  # characters after the number in which the regulation's name may follow
ARTICLE_HEAD = 30  # characters before the article word in which it may precede

# Data or the regulation mentioned anywhere: context for names that have an everyday sense.
CONTEXT = re.compile(
    _LAW + r"|\bdata\b|daten\b|\bdonnees\b|\bdatos\b|\bdati\b|personenbezogen"
    r"|\bpersonal (?:information|details)\b|\binformations? personnelles\b"
    r"|\binformacion personal\b|\binformazioni personali\b",
    re.IGNORECASE,
)

REQUEST_CUE = re.compile(
    r"\bhereby\b|\brequest|\bask\b|\bdemand|\bexercis|\bplease\b|\binvoke"
    r"|\bhiermit\b|\bbitte\b|\bverlange|\bbeantrage|\bfordere|\bersuche|\bmache\b.{0,40}\bgeltend"
    r"|\bpar la presente\b|\bje demande\b|\bdemander\b|\bveuillez\b|\bje vous prie\b|\bexige"
    r"|\bpor la presente\b|\bsolicit|\bpor favor\b|\bruego\b|\bexijo\b"
    r"|\bcon la presente\b|\bchiedo\b|\brichied|\bper favore\b|\bvi prego\b|\besercit",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Name:
    right: str
    pattern: re.Pattern[str]
    strength: int
    needs_context: bool


def _names(right: str, strength: int, needs_context: bool, patterns: Iterable[str]) -> list[Name]:
    """One pattern for the group, matched against lower-cased text (faster than many)."""
    return [Name(right, re.compile("|".join(f"(?:{p})" for p in patterns)), strength, needs_context)]


NAMES: list[Name] = [
    # --- access (Art. 15) and portability (Art. 20), answered by the same export
    *_names("access", STRONG, False, [r"\b(?:data[- ])?subject[- ]access[- ]requests?\b", r"\bdsars?\b"]),
    *_names(
        "access",
        STRONG,
        True,
        [
            r"\bright (?:of|to) access\b",
            r"\bauskunftsrecht",
            r"\brecht auf auskunft\b",
            r"\bauskunftsanspruch",
            r"\bauskunftsersuchen",
            r"\bselbstauskunft",
            r"\bdroit d'acces\b",
            r"\bderecho (?:de|al) acceso\b",
            r"\bdiritto (?:di |d'|all')accesso\b",
            r"\b(?:right to )?data portability\b",
            r"\bdatenu(?:e)?bertragbarkeit\b",
            r"\bportabilite des donnees\b",
            r"\bportabilidad de (?:los )?datos\b",
            r"\bportabilita dei dati\b",
        ],
    ),
    *_names(
        "access",
        WEAK,
        True,
        [
            r"\brequest(?:ing)? access\b",
            r"\baccess request\b",
            r"\bum auskunft\b",
            r"\bauskunft (?:gem|nach|uber|ueber)",
            r"\bdemande(?:r)? (?:l'|d')acces\b",
            r"\bsolicit\w* (?:el )?acceso\b",
            r"\bsolicitud de acceso\b",
            r"\brichied\w* (?:l')?accesso\b",
            r"\brichiesta di accesso\b",
        ],
    ),
    # --- rectification (Art. 16)
    *_names(
        "rectification",
        STRONG,
        True,
        [
            r"\bright to rectification\b",
            r"\brecht auf berichtigung\b",
            r"\bdroit (?:de|a la) rectification\b",
            r"\bderecho (?:de|a la) rectificacion\b",
            r"\bdiritto (?:di|alla) rettifica\b",
        ],
    ),
    *_names(
        "rectification",
        WEAK,
        True,
        [r"\brectification\b", r"\bberichtigung\b", r"\brectificacion\b", r"\brettifica\b"],
    ),
    # --- erasure (Art. 17)
    *_names(
        "erasure",
        STRONG,
        False,
        [
            r"\bright to be forgotten\b",
            r"\brecht auf vergessen ?werden\b",
            r"\bdroit a l'oubli\b",
            r"\bderecho al olvido\b",
            r"\bdiritto all'oblio\b",
        ],
    ),
    *_names(
        "erasure",
        STRONG,
        True,
        [
            r"\bright to erasure\b",
            r"\brecht auf lo(?:e)?schung\b",
            r"\bdroit a l'effacement\b",
            r"\bderecho (?:de|a la) supresion\b",
            r"\bderecho de cancelacion\b",
            r"\bdiritto (?:alla|di) cancellazione\b",
        ],
    ),
    *_names(
        "erasure",
        WEAK,
        True,
        [
            r"\berasure\b",
            r"\blo(?:e)?schung\b",
            r"\beffacement\b",
            r"\bsupresion\b",
            r"\bcancellazione (?:de(?:i|lle)|di) (?:miei |mie )?(?:dati|informazioni)\b",
        ],
    ),
    # --- restriction (Art. 18); the phrases are legal terms in every language
    *_names(
        "restriction",
        STRONG,
        False,
        [
            r"\bright to restriction\b",
            r"\brestriction of (?:the )?processing\b",
            r"\brecht auf einschra(?:e)?nkung\b",
            r"\beinschra(?:e)?nkung der verarbeitung\b",
            r"\bdroit a la limitation\b",
            r"\blimitation du traitement\b",
            r"\bderecho a la limitacion\b",
            r"\blimitacion del tratamiento\b",
            r"\bdiritto (?:di|alla) limitazione\b",
            r"\blimitazione del trattamento\b",
        ],
    ),
    *_names("restriction", WEAK, True, [r"\brestrict(?:ing)? (?:the )?processing\b"]),
    # --- objection (Art. 21)
    *_names(
        "objection",
        STRONG,
        True,
        [
            r"\bright to object\b",
            r"\bwiderspruchsrecht",
            r"\brecht auf widerspruch\b",
            r"\bdroit d'opposition\b",
            r"\bderecho (?:de|a la) oposicion\b",
            r"\bdiritto (?:di |all')opposizione\b",
        ],
    ),
    *_names(
        "objection",
        WEAK,
        True,
        [
            r"\bobject(?:ing)? to (?:the )?processing\b",
            r"\bobjection (?:to|against) (?:the )?processing\b",
            r"\bwiderspruch\b",
            r"\bwiderspreche\b",
            r"\bm'oppose\b",
            r"\bopposition au traitement\b",
            r"\bme opongo\b",
            r"\boposicion al tratamiento\b",
            r"\bmi oppongo\b",
            r"\bopposizione al trattamento\b",
        ],
    ),
]
