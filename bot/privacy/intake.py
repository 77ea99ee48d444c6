"""Whether a guest's message reads as a data-subject request, and whether a reply is a yes.

The NLU intent alone is not enough: ordinary feedback ("Bonjour, nous avons passé trois
nuits chez vous.") and junk (``"Z " * 100``) were classified as requests. A message asks
for ``type`` only when, on its text without markup (bot/nlu/clean.py):

1. it is not junk (real words, not one token repeated);
2. and either the legal markers name that right (bot/nlu/legal.py: a strong marker, or a
   long letter) -- a formal GDPR request;
3. or the NLU intent is ``dsr_<type>`` with confidence >= MIN_CONFIDENCE, ahead of the
   runner-up intent by MIN_MARGIN, and the text holds a lexical cue of that request
   (CUES: delete/erase, data/copy, wrong/correct + what, statistics/analysis, contact/
   messages ... in en, de, fr, es, it).

Even then nothing is registered yet: the guest is asked (bot/privacy/dsr_flow.py) and only
an explicit yes (``is_yes``: the whole reply is a yes word in one of the five languages)
registers the request.

Pure Python, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from bot.nlu.clean import is_junk, strip_markup
from bot.nlu.legal import assess

INTENTS = {
    "dsr_erasure": "erasure",
    "dsr_access": "access",
    "dsr_rectification": "rectification",
    "dsr_restriction": "restriction",
    "dsr_objection": "objection",
}
MIN_CONFIDENCE = 0.5
MIN_MARGIN = 0.2


def plain(text: str) -> str:
    """Lower case, accents stripped, typographic apostrophes made ASCII."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    return out.translate(str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'"}))


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# What a request is about: the guest's data, details, answers ... (accents stripped).
_DATA = (
    r"\bdata\b|\binfo\b|\binformation|\bdetails\b|\brecords?\b|\bprofile\b|\baccount\b"
    r"|\bme\b|\bmy (?:answers|ratings|feedback|review|scores|responses|number|email|e-mail|name)"
    r"|\bdaten\b|\bangaben\b|\bmich\b|\bmeine?n? (?:antworten|bewertung|nummer|e-?mail|adresse|namen?)"
    r"|\bdonnees\b|\binformations?\b|\bmoi\b|\bm'|\bmes (?:reponses|notes|avis|coordonnees)"
    r"|\bdatos\b|\binformacion\b|\bmi\b|\bme\b|\bmis (?:respuestas|valoraciones|opiniones)"
    r"|\bdati\b|\binformazioni\b|\bmi\b|\bme\b|\ble mie (?:risposte|valutazioni|recensioni)"
)
DATA = re.compile(_DATA)

CUES: dict[str, re.Pattern[str]] = {
    "erasure": _any(
        r"\bdelet|\berase|\berasure|\bwipe|\bremove|\bforget|\bforgotten|\bget rid of|\bgone\b",
        r"losch|loesch|\bentfern|\bvergess",
        r"\bsupprim|\beffac|\boubli|\bretir|\bdetrui",
        r"\bborr|\belimin|\bsuprim|\bolvid|\bquit",
        r"\bcancell|\belimin|\brimuov|\bdimentic|\boblio\b|\bdistrugg",
    ),
    "access": _any(
        r"\bcopy\b|\bexport|\bdownload|\baccess\b|\bsubject access|\bdsar\b|\bportab",
        r"\bwhat (?:\w+ )?(?:data|info|information|details)",
        r"\bwhat (?:do|did|have) you\b.{0,40}\b(?:about|on|from) me\b",
        r"\b(?:store|stored|save|saved|hold|keep|kept|record|recorded|collect|collected|know|process)\b.{0,40}"
        r"\b(?:about|on|from|of) me\b",
        r"\bwhich (?:of my |personal )?(?:data|details|info)|\bwho do you share|\bhow long do you keep",
        r"\bdo you (?:store|keep|have|save)\b|\bhave you (?:saved|stored)\b",
        r"\bauskunft|\bkopie\b|\bexport|\bherunterlad|\bgespeichert|\bspeicher|\buber mich\b|\bueber mich\b",
        r"\bwelche (?:\w+ )?daten|\bwas wissen sie\b|\bdatenubertrag",
        r"\bcopie\b|\bexport|\btelecharg|\bacces\b|\bsur moi\b|\bquelles? (?:\w+ )?(?:donnees|informations)",
        r"\bconserv|\bstock|\benregistr",
        r"\bcopia\b|\bexport|\bdescarg|\bacceso\b|\bsobre mi\b|\bque (?:\w+ )?(?:datos|informacion)",
        r"\bguard|\balmacen|\bconserv",
        r"\bcopia\b|\besport|\bscaric|\baccesso\b|\bsu di me\b|\bquali (?:\w+ )?(?:dati|informazioni)",
        r"\bconserv|\bsalvat|\bmemorizz|\bregistrat",
    ),
    "rectification": _any(
        r"\bwrong\b|\bincorrect|\bcorrect|\bupdate|\bchange|\bfix\b|\bmisspel|\bspelt\b|\bspelled\b|\btypo\b",
        r"\bout of date\b|\boutdated\b|\brectif|\binaccurate|\bno longer\b",
        r"\bisn't mine\b|\bnot mine\b|\breplace",
        r"\bnew (?:one|number|address|email)\b|\bold (?:one|number|address|email)\b",
        r"\bfalsch|\bkorrig|\baktualis|\bander|\baender|\bberichtig|\bveraltet|\bersetz|\bneue",
        r"\bfaux\b|\bfausse\b|\bincorrect|\bcorrig|\bmodifi|\bmettre a jour\b|\bmise a jour\b|\bchang",
        r"\brectif|\berrone|\bmal ecrit|\bancien|\bnouvel|\bnouveau|\bremplac",
        r"\bincorrect|\berrone|\bequivocad|\bmal escrit|\bcorrig|\bactualic|\bcambi|\brectific",
        r"\bnuev|\bantigu",
        r"\bsbagliat|\berrat|\bcorregg|\baggiorn|\bcambi|\bmodific|\brettific|\bnuov|\bvecchi|\bsostitu",
    ),
    "restriction": _any(
        r"\bstatistic|\bstats\b|\banaly|\breports?\b|\breporting\b|\bbenchmark|\brestrict|\blimit",
        r"\bprocess|\bcompar|\branking|\bevaluat|\bcount my\b|\bfreeze|\bthird part|\bshare my|\bpass my",
        r"\bai training\b|\bus(?:e|ing) (?:my|it)\b|\bnot for your\b|\bleft out\b|\bleave my\b|\bexclude",
        r"\bstatistik|\bauswert|\banalys|\bbericht|\beinschrank|\beinschraenk|\bverarbeit|\bvergleich",
        r"\bweitergeb|\bsperr|\bverwende|\bnutze|\bbenutze",
        r"\bstatisti|\banalys|\brapport|\blimit|\brestrei|\btraitement|\bcompar|\bclassement|\bevaluat",
        r"\bpartag|\butilis|\bexploit",
        r"\bestadistic|\banalis|\binforme|\blimit|\brestring|\btratamiento|\bcompar|\branking|\bevaluac",
        r"\bcompart|\bus(?:en|ar|e)\b|\butiliz",
        r"\bstatistic|\banalis|\breport|\brapport|\blimit|\btrattamento|\bconfront|\bclassific|\bvalutaz",
        r"\bcondivid|\bus(?:ate|are|i)\b|\butilizz",
    ),
    "objection": _any(
        r"\bcontact|\bmessag|\btext(?:s|ing)?\b|\bsms\b|\be-?mails?\b|\bunsubscri|\bopt(?:[- ]?me)?[- ]?out",
        r"\bspam|\bnewsletter|\bmarketing|\badverti|\boffers?\b|\bpromot|\bsurveys?\b|\bhear from|\blist\b",
        r"\bobject",
        r"\bkontakt|\bnachricht|\bschreib|\babmeld|\babbestell|\bwerbung|\bangebot|\bumfrage|\bliste\b",
        r"\bwiderspr|\bmeld",
        r"\bcontact|\bmessage|\bdesabonn|\bdesinscri|\bpublicit|\boffres?\b|\bpromo|\bsondage|\benquete",
        r"\bliste\b|\becri|\bm'oppose|\bopposition",
        r"\bcontact|\bmensaje|\bcorreo|\bbaja\b|\bsuscri|\bboletin|\bpublicidad|\bofertas?\b|\bencuesta",
        r"\blista\b|\bescrib|\bme opongo|\boposicion",
        r"\bcontatt|\bmessagg|\bdisiscri|\biscrizion|\bpubblicit|\bofferte?\b|\bsondagg|\bquestionar",
        r"\blista\b|\bscriv|\bmi oppongo|\bopposizion",
    ),
}
# The data a rectification names (a correction of a rating is not a request).
RECTIFIABLE = _any(
    r"\be-?mail|\bmail\b|\baddress|\bnumber|\bphone|\bmobile|\bname\b|\bsurname|\blanguage|\bcontact|\bdetails",
    r"\bdata\b|\brecords?\b|\bprofile|\binfo\b|@|\+\d",
    r"\badresse|\bnummer|\btelefon|\bhandy|\bnamen?\b|\bnachname|\bsprache|\bdaten\b|\bangaben",
    r"\bnumero|\btelephone|\bportable|\bnom\b|\blangue|\bcoordonnees|\bdonnees",
    r"\bcorreo|\bdireccion|\btelefono|\bmovil|\bnombre|\bapellido|\bidioma|\bdatos\b",
    r"\bindirizzo|\bcellulare|\bnome\b|\bcognome|\blingua\b|\bdati\b|\brecapit",
)


def cue(type_: str, text: str) -> bool:
    """Whether ``text`` (any case, accents) holds a lexical cue of a ``type_`` request."""
    p = plain(text)
    if not CUES[type_].search(p):
        return False
    if type_ == "rectification":
        return bool(RECTIFIABLE.search(p))
    if type_ in ("erasure", "restriction"):
        return bool(DATA.search(p))
    return True


def runner_up(ranking: Sequence[Mapping[str, Any]], intent: str) -> float:
    """The highest confidence of any other intent in an NLU ranking."""
    others = [float(e.get("confidence") or 0.0) for e in ranking if e.get("name") != intent]
    return max(others, default=0.0)


def requested(text: str, intent: str | None, confidence: float, second: float = 0.0) -> str | None:
    """The request type ``text`` asks for (see the module docstring), or None; ``second``
    is the runner-up intent's confidence (``runner_up``)."""
    type_ = INTENTS.get(intent or "")
    if type_ is None:
        return None
    clean = strip_markup(text)
    if is_junk(clean):
        return None
    finding = assess(clean)
    if finding is not None and finding.right == type_ and (finding.strong or finding.long):
        return type_
    if confidence < MIN_CONFIDENCE or confidence - second < MIN_MARGIN:
        return None
    return type_ if cue(type_, clean) else None


# --- yes ------------------------------------------------------------------------------------

_YES = {
    "en": "yes|y|yeah|yep|yup|yes please|yes i do|yes do it|yes go ahead|yes thanks|yes thank you"
    "|yes i'm sure|yes i am sure|yes sure|sure yes|i confirm|confirmed|yes confirm",
    "de": "ja|jawohl|ja bitte|ja gerne|ja danke|ja genau|ja bestatige|ich bestatige|bestatigt"
    "|ja ich bin sicher",
    "fr": "oui|ouais|oui merci|oui svp|oui s'il vous plait|oui s'il te plait|oui je confirme|je confirme"
    "|oui bien sur|oui tout a fait|confirme",
    "es": "si|si por favor|si gracias|si claro|claro que si|si confirmo|confirmo|si seguro",
    "it": "si|si grazie|si per favore|si certo|certo che si|confermo|si confermo|si sono sicuro"
    "|si sono sicura",
}
YES = frozenset(phrase for phrases in _YES.values() for phrase in phrases.split("|"))
_NOT_WORD = re.compile(r"[^\w' ]+")


def is_yes(text: str) -> bool:
    """The whole reply is an explicit yes in one of the five languages ("Yes!", "ja bitte",
    "Oui, je confirme", "Sí", "sì grazie"); "yes but ..." or "ok" are not."""
    words = _NOT_WORD.sub(" ", plain(text)).split()
    return 0 < len(words) <= 6 and " ".join(words) in YES
