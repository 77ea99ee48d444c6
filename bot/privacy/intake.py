"""Whether a guest's message reads as a data-subject request, and whether a reply is a yes.

The NLU intent alone is not enough: ordinary feedback ("Bonjour, nous avons passé trois
nuits chez vous.") and junk (``"Z " * 100``) were classified as requests. A message asks
for ``type`` only when, on its text without markup (bot/nlu/clean.py):

1. it is not junk (real words, not one token repeated);
2. and either the legal markers name that right (bot/nlu/legal.py: a strong marker, or a
   long letter) -- a formal GDPR request;
3. or the NLU intent is ``dsr_<type>`` with confidence >= MIN_CONFIDENCE (MIN_CONFIDENCE_STRONG
   if the cue is a strong one), ahead of the runner-up intent by MIN_MARGIN, and the text
   holds a lexical cue of that request
   (STRONG/WEAK: delete/erase, data/copy, wrong/correct + what, statistics/analysis,
   contact/messages ... in en, de, fr, es, it; or PERSONAL: personal data or the GDPR
   named outright, "my data", "meine Daten", "mes données", "mis datos", "i miei dati").

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

from bot.base.states import DsrType
from bot.nlu.clean import is_junk, strip_markup
from bot.nlu.legal import assess

INTENTS = {
    "dsr_erasure": DsrType.ERASURE,
    "dsr_access": DsrType.ACCESS,
    "dsr_rectification": DsrType.RECTIFICATION,
    "dsr_restriction": DsrType.RESTRICTION,
    "dsr_objection": DsrType.OBJECTION,
}
MIN_CONFIDENCE = 0.4
MIN_CONFIDENCE_STRONG = 0.3  # enough when a strong cue names the request ("Werbemails")
MIN_MARGIN = 0.1


def plain(text: str) -> str:
    """Lower case, accents stripped, typographic apostrophes made ASCII."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    return out.translate(str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'"}))


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# The guest themselves or their data (accents stripped): "my", "me", "data", "mein", "moi" ...
DATA = _any(
    r"\bdata\b|\binfo\b|\binformation|\bdetails\b|\brecords?\b|\bprofile\b|\baccount\b|\bme\b|\bmy\b",
    r"\bdaten\b|\bangaben\b|\binfos\b|\bprofil\b|\bmich\b|\bmir\b|\bmein|\bmeiner person\b",
    r"\bdonnees\b|\binformations?\b|\bfichiers?\b|\bmoi\b|\bm'|\bmon\b|\bma\b|\bmes\b",
    r"\bdatos\b|\binformacion\b|\bregistros?\b|\bperfil\b|\bmi\b|\bmis\b|\bmio\b|\bme\b",
    r"\bdati\b|\binformazioni\b|\barchivi\b|\bprofilo\b|\bmi\b|\bme\b|\bmio\b|\bmia\b|\bmiei\b|\bmie\b",
    r"\bdatabase\b|\bdatenbank|\bbase de donnees|\bbase de datos|\bme concernant\b|\bon file\b",
    r"\w(?:enme|adme|anme|eme|atemi|etemi|itemi|rmi|rme)\b",  # "sáquenme", "toglietemi", "scrivermi"
)

# Personal data or the GDPR named outright: a cue for whichever request the model reads.
PERSONAL = _any(
    r"\bpersonal (?:data|information|info|details)\b|\bmy (?:personal )?data\b|\bgdpr\b",
    r"personenbezogen|\bpersonlichen? daten\b|\bmeine(?:r|n)? daten\b|\bdsgvo\b",
    r"\bdonnees (?:personnelles|a caractere personnel)\b|\bmes donnees\b|\brgpd\b",
    r"\bdatos personales\b|\bmis datos\b",
    r"\bdati personali\b|\bmiei dati\b",
)

# Messages a guest can ask to stop (accents stripped), for "no more X", "keine X mehr" ...
COMM = (
    r"(?:messages?|texts?|sms|e-?mails?|mails?|calls?|surveys?|offers?|newsletters?|ads|adverts|"
    r"promotions?|spam|marketing|notifications?|nachrichten|anrufe|post|umfragen|angebote|werbung|"
    r"werbemails|benachrichtigungen|textos|courriels?|appels|sondages|offres|pubs?|publicites?|"
    r"mensajes|correos?|llamadas|encuestas|ofertas|boletines|promociones|publicidad|notificaciones|"
    r"whatsapps?|messaggi|chiamate|sondaggi|offerte|promozioni|pubblicita|notifiche)\b"
)

# Per request type: STRONG cues name the request on their own; WEAK ones only together
# with DATA ("remove" the extra bed is feedback, "remove my details" a request).
STRONG: dict[str, re.Pattern[str]] = {
    DsrType.ERASURE: _any(
        r"\bdelet|\berase|\berasure|\bwipe|\bforget me|\bforgotten\b|\bpurge|\bscrub",
        r"\boff (?:your|the) (?:database|system|records|files)\b",
        r"losch|loesch|\bvergessen werden|\bvergesst mich|\btilg",
        r"\bsupprim|\bsuppression|\beffac|\bdroit a l'oubli|\boubliez[- ]moi",
        r"\boubli\w*\b.{0,20}\b(?:mes|mon|ma|ces) (?:donnees|informations|infos|coordonnees)\b",
        r"\bborr|\bsupresion|\bsuprim|\bolvid",
        r"\bcancellat[ei]\b.{0,30}\b(?:dati|mio|mia|miei|mie)\b|\bcancellazione|\bdimentic|\boblio\b",
    ),
    DsrType.ACCESS: _any(
        r"\bcopy\b|\bexport|\bdownload|\bsubject access|\bdsar\b|\bportab|\bpersonal data|\bmy data\b",
        r"\baccess\b|\bacces\b|\bacceso\b|\baccesso\b|auskunft",
        r"\bwhat (?:\w+ )?(?:data|info|information|details)",
        r"\bwhat (?:do|did|have) you\b.{0,40}\b(?:about|on|from) me\b",
        r"\b(?:store|stored|save|saved|hold|keep|kept|record|recorded|collect|collected|know|process)\b.{0,40}"
        r"\b(?:about|on|from|of) me\b",
        r"\bwhich (?:of my |personal )?(?:data|details|info)|\bwho do you share|\bhow long do you keep",
        r"\bdo you (?:store|keep|have|save)\b|\bhave you (?:saved|stored)\b",
        r"\bauskunft|\bkopie\b|\bherunterlad|\bgespeichert|\bmeine daten\b|\bpersonlichen daten",
        r"\bwas (?:\w+ )?daten",
        r"\bwelche (?:\w+ )?(?:daten|informationen|angaben)|\bwas wiss|\bwas habt ihr|\bdatenubertrag",
        r"\bwas haben sie\b.{0,30}\bvon mir\b|\bvon mir (?:weiss|wisst|wissen|gespeichert)",
        r"\bcopie\b|\btelecharg|\bmes donnees\b|\bdonnees personnelles",
        r"\bquelles? (?:\w+ )?(?:donnees|informations)",
        r"\bsavez de moi\b|\bsur moi\b",
        r"\bcopia\b|\bdescarg|\bmis datos\b|\bdatos personales|\bque (?:\w+ )?(?:datos|informacion)",
        r"\bsaben de mi\b|\bsabeis de mi\b|\bsobre mi\b|\btienen mi\b|\bteneis mi\b|\brecopilad",
        r"\bcopia\b|\bscaric|\bi miei dati\b|\bdati personali|\bquali (?:\w+ )?(?:dati|informazioni)",
        r"\bsapete di me\b|\bsu di me\b|\bavete (?:il mio|la mia|i miei)\b",
    ),
    DsrType.RECTIFICATION: _any(
        r"\brectif|\bberichtig|\brettific|\binaccurate|\binexact|\binesatt|\bunrichtig"
    ),
    DsrType.RESTRICTION: _any(
        r"\bstatistic|\bstats\b|\banaly|\bbenchmark|\brestrict|\branking",
        r"\bstatistik|\bauswert|\bausgewert|\bwert(?:en|et)\b.{0,50}\baus\b|\banalys|\beinschrank|\beinschraenk|\bumfrageergebnis",
        r"\bstatisti|\banalys|\brestrei|\bclassement|\bresultats du sondage",
        r"\bestadistic|\banalic|\banalis|\banaliz|\brestring|\bresultados de la encuesta",
        r"\bstatistic|\banalis|\banaliz|\blimitazion|\bclassific|\brisultati del sondaggio",
    ),
    DsrType.OBJECTION: _any(
        r"\bcontact|\bmessag|\btext(?:s|ing)?\b|\bsms\b|\bunsubscri|\bopt(?:[- ]?me)?[- ]?out",
        r"\be-?mailing\b|\be-?mail(?:ing)? me\b",
        r"\bspam|\bnewsletter|\bmarketing|\badverti|\bpromot|\bhear from|\bmailing list",
        r"kontakt|\bnachricht|\babmeld|\babbestell|\bwerb(?:e|ung)|\bverteiler|\bsimst|spam|\bwiderruf",
        r"\bmelden sie sich\b|\bmeldet euch\b",
        r"\bvon (?:euch|ihnen) horen",
        r"\bwiderspr|\bmelde\b.{0,12}\bab\b|\bumfragen\b|\bangebote\b",
        r"\baustrag|\btragen sie mich\b.{0,40}\baus\b",
        r"\bdesabonn|\bdesinscri|\bpublicit|\bpub\b|\bprospection|\btextos\b|\bentendre parler|\bm'oppose",
        r"\btexte[rz]\b",
        # "no more messages", "keine Mails mehr", "plus de courriels", "basta de correos" ...
        rf"\b(?:no more|stop(?: the| your| all)?|quit(?: the)?|enough|any more|receive|receiving) {COMM}",
        rf"\bkeine (?:\w+ )?{COMM}.{{0,20}}\bmehr\b|\bschluss mit (?:\w+ )?{COMM}|\bnie wieder {COMM}",
        rf"\bplus (?:de |d'|aucune? )?{COMM}|\b(?:stop|assez|arretez) (?:aux |les |vos |de |d')?{COMM}",
        rf"\brecevoir (?:\w+ ){{0,2}}{COMM}|\brecibir (?:\w+ ){{0,2}}{COMM}|\bricevere (?:\w+ ){{0,2}}{COMM}",
        rf"\b(?:no mas|basta de|basta ya de|nada de) {COMM}|\b(?:basta|niente piu|basta con) (?:\w+ )?{COMM}",
        r"\bnicht mehr (?:\w+ )?(?:anrufen|anschreiben|angeschrieben|kontaktier|storen|belastigen|schreiben)",
        r"\bangeschrieben\b|\bin ruhe\b|\bleave me alone\b|\bbother(?:ing)? me\b",
        r"\blaissez[- ]moi tranquille|\b(?:fichez|foutez)[- ]moi la paix\b",
        r"\bdej(?:en|ad|a)me en paz\b|\bsaber nada (?:mas )?de\b|suscri",
        r"\blasciate?mi in pace\b",
        r"\be-?mails\b|\bsurveys\b|\bsondages\b|\bencuestas\b|\bsondaggi\b|\bde baja\b",
        r"\bmensaje|\bdarme de baja|\bsuscri|\bboletin|\bpublicidad|\bwhatsapp|\bsaber nada de|\bme opongo",
        r"contatt|\bmessagg|\bdisiscri|\bpubblicit|\bsentirvi|\bmi oppongo",
    ),
}
WEAK: dict[str, re.Pattern[str]] = {
    DsrType.ERASURE: _any(
        r"\bremove|\bget rid of|\bgone\b|\bentfern|\bweg\b|\bretir|\braye|\bdisparaiss|\bdetrui",
        r"\belimin|\bquit|\bsaque|\bdesaparezc|\bcancell|\brimuov|\btogli|\btolt[oa]\b|\bspariscan",
        r"\bclear\b|\bdestroy|\bdiscard|\bvernicht|\benlev|\bradi(?:er|ez)\b|\bdistrugg",
    ),
    DsrType.ACCESS: _any(
        r"\bdata\b|\bdaten\b|\bdonnees\b|\bdatos\b|\bdati\b",
        r"\bshow me|\bsend me|\bgive me|\bzeig|\bschick|\bgebt",
        r"\bmontrez|\benvoyez|\bdonnez|\bmuestr|\benvi|\bdadme|\bmostrat|\bmandat|\bdatemi",
        r"\babout me\b|\buber mich\b|\bdi me\b|\bspeicher|\benregistr",
        r"\bguard|\balmacen|\bsalvat|\bmemorizz|\bconserv|\babfrag",
        r"\beinsicht|\beinseh|\bacced|\bconsult",
    ),
    DsrType.RECTIFICATION: _any(
        r"\bwrong\b|\bincorrect|\bcorrect|\bupdate|\bchange|\bamend|\bedit\b|\bmodif|\bfix\b|\bmisspel|\bspelt\b|\bspelled\b|\btypo\b",
        r"\bout of date\b|\boutdated\b|\bno longer\b|\bisn't mine\b|\bnot mine\b|\breplace|\bright one\b",
        r"\bnew (?:one|number|address|email)\b|\bold (?:one|number|address|email)\b",
        r"\bfalsch|\bkorrig|\baktuali|\bander|\baender|\bveraltet|\bersetz|\bneue|\bstimmt nicht|\brichtige",
        r"andert\b|aendert\b|\bneu\b|\btippfehler|\bfaute\b|\berror\b|\berrore\b",
        r"\bnicht mehr\b",
        r"\bfaux\b|\bfausse|\bincorrect|\bcorrig|\bmodifi|\ba jour\b|\bchang|\bmauvais|\bperime|\ble bon\b",
        r"\berrone|\bmal (?:ecrit|orthographi|enregistr)|\bancien|\bnouvel|\bnouveau|\bremplac|\bn'est plus",
        r"\bpas (?:la bonne|le bon)\b",
        r"\bincorrect|\berrone|\bequivocad|\bmal\b|\bcorrij|\bcorreg|\bactualiz|\bactualic|\bdesactualiz|\bcambi",
        r"\bel bueno\b|\bya no\b|\bnuev|\bantigu|\bsustitu",
        r"\bsbagliat|\berrat|\bcorregg|\bcorrett|\baggiorn|\bcambi|\bmodific|\bnuov|\bvecchi|\bsostitu",
        r"\bscritto male|\bsalvat[oa] male|\bgiust[oa]\b|\bnon e piu\b",
    ),
    DsrType.RESTRICTION: _any(
        r"\breports?\b|\breporting\b|\blimit|\bprocess|\bcompar|\bevaluat|\bcount|\bfreeze|\bthird part",
        r"\bshare|\bpass (?:my|it|them)|\bai training\b|\bus(?:e|ed|ing)\b|\bleft out\b|\bleave\b|\bexclude",
        r"\bprivate\b|\bsurvey results|\bpublish|\baverage\b",
        r"\bveroffentlich|\bdurchschnitt|\beinflie|\bpubli(?:er|ez|ee?s?|quen|car|cado)\b|\bmoyenne\b|\bcompt",
        r"\bpubblic(?:ate|are|ata|ato)\b|\bnella media\b|\ben la media\b|\bconteggi",
        r"\bbericht|\bverarbeit|\bvergleich|\bweitergeb|\bsperr|\bverwend|\bnutz|\bbenutz|\bmitzahl",
        r"\bdritte|\bprivat|\bbehalten|\baufbewahr|\braus\b|\bgeben\b.{0,40}\bweiter\b",
        r"\blimit|\btrait|\bcompar|\bevaluat|\bpartag|\btransmet|\butilis|\bservez|\bcomptez",
        r"\bgelez|\btiers\b|\bprive|\bexploit|\bstats\b|\bexclu|\besclud",
        r"\binforme|\blimit|\btrat|\bcompar|\bevaluac|\bcompart|\bced|\bus(?:en|ar|e)\b|\butiliz",
        r"\bcuent|\bbloque|\bterceros|\bprivad|\bfuera de|\bmetais|\bmetan",
        r"\breport|\blimit|\btratt|\bconfront|\bvalutaz|\bcondivid|\bced|\bus(?:ate|are|i|ateli)\b",
        r"\butilizz|\bcontate|\bblocc|\bterzi|\bprivat|\bfuori dai|\bmettete|\bincludete|\buso\b|\ball'uso",
    ),
    DsrType.OBJECTION: _any(
        r"\be-?mails?\b|\boffers?\b|\bsurveys?\b|\blist\b|\bschreib|\bangebot|\bumfrage|\bliste\b",
        r"\boffres?\b|\bpromo|\bsondage|\benquete|\becri|\benvoyez|\bcorreo|\bofertas?\b|\bencuesta|\blista\b",
        r"\bescrib|\bmand|\bofferte?\b|\bsondagg|\bquestionar|\bscriv|\bmandate",
        r"\bcall(?:ing)? me\b|\banschreib|\banruf|\bbelastig|\bsollicit|\bm'appele[zr]\b",
        r"\bllam(?:en|eis|ar)\b|\bmolest|\bchiamat|\bdisturb|\bstor(?:en|t)\b|\benvi(?:en|eis|ar)\b|\binviat",
    ),
}
# The data a rectification names (a correction of a rating is not a request).
RECTIFIABLE = _any(
    r"\be-?mail|\bemial|\bmail\b|\baddress|\bnumber|\bphone|\bmobile|\bname\b|\bsurname|\blanguage|\bcontact",
    r"\bdetails|\bdata\b|\brecords?\b|\bprofile|\binfo|@|\+\d",
    r"\badresse|\bnummer|\btelefon|\bhandy|\bnamen?\b|\bvorname|\bnachname|\bsprache|\bdaten\b|\bangaben|\bkontakt",
    r"\bnumero|\btelephone|\bportable|\bnom\b|\blangue|\bcoordonnees|\bdonnees|\bmial\b|\bcontact",
    r"\bcorreo|\bdireccion|\btelefono|\bmovil|\bnombre|\bapellido|\bidioma|\bdatos\b|\bcontacto",
    r"\bindirizzo|\bcellulare|\bnome\b|\bcognome|\blingua\b|\bdati\b|\brecapit|\bcontatti",
)


def cue(type_: str, text: str, strong_only: bool = False) -> bool:
    """Whether ``text`` (any case, accents) holds a lexical cue of a ``type_`` request: a
    strong one, or (unless ``strong_only``) a weak one with the guest or their data named;
    a rectification always names what is to be corrected (an address, a number, a name ...)."""
    p = plain(text)
    if STRONG[type_].search(p) or PERSONAL.search(p):
        found = True
    elif strong_only:
        found = False
    elif type_ == DsrType.RECTIFICATION:  # what is named (RECTIFIABLE) stands for the data
        found = bool(WEAK[type_].search(p))
    else:
        found = bool(WEAK[type_].search(p)) and bool(DATA.search(p))
    return found and (type_ != DsrType.RECTIFICATION or bool(RECTIFIABLE.search(p)))


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
    if confidence < MIN_CONFIDENCE_STRONG or confidence - second < MIN_MARGIN:
        return None
    return type_ if cue(type_, clean, strong_only=confidence < MIN_CONFIDENCE) else None


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
