"""Explicit language requests ("English please", "auf Deutsch bitte", "¿hablas español?").

:func:`explicit_request` returns the ISO 639-1 code of the language a guest explicitly
asks for, or ``None``.  It also recognises a few *unsupported* languages (Dutch,
Portuguese, Russian, Polish, ...) so the caller can answer that the language is not
available.

It is deliberately conservative: a language name only counts inside a *request form*

* politeness marker next to the name: "Deutsch bitte", "in Dutch please",
  "per favore in italiano", "en español, por favor";
* the whole message is the name, optionally with a preposition/article and "?":
  "Deutsch", "English?", "en français", "in italiano", "по-русски", "English only";
* a preposition + name opening the message and closed by punctuation:
  "En français : ...", "In English, ...";
* a speak/write/answer verb with the name, when the sentence is a question, carries
  a request modal ("can we", "können wir", "on peut", "podemos", "possiamo"...), starts
  with the verb (imperative, "parlez-vous", "hablemos") or is a first-person
  statement with the name right after the verb ("I speak English", "hablo español",
  "je ne parle que français");
* switch/prefer verbs: "switch to English", "auf Deutsch wechseln", "je préfère le
  français", "prefiero español";
* a request modal addressed to the assistant with "in X": "could you send it in English?";
* a language-setting phrase: "Language: English", "Sprache auf Deutsch".

Translation questions ("how do you say thanks in Italian?") are ignored.  So are
negated forms ("I don't speak German", "nicht auf Englisch", "no hablo alemán",
"non parlo tedesco"), names followed by a noun ("English breakfast please"), names
after "instead of"/"rather than", and two names joined by and/or ("English or German?").
If several requests are found, the last one wins ("Deutsch... no, English please").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["explicit_request", "LANGUAGE_NAMES"]

# --------------------------------------------------------------------------- tables
# fmt: off
# Names are written naturally here and normalised (lower case, accents stripped,
# hyphens -> spaces) when the patterns are compiled.
LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    # supported
    "en": ("english", "englisch", "anglais", "inglés", "inglese", "engels", "inglês",
           "английский", "английском", "по-английски", "angielski", "po angielsku"),
    "de": ("german", "deutsch", "allemand", "alemán", "tedesco", "duits", "alemão",
           "немецкий", "немецком", "по-немецки", "niemiecki", "po niemiecku"),
    "fr": ("french", "französisch", "français", "francais", "francés", "francese", "frans",
           "francês", "французский", "французском", "по-французски", "francuski",
           "po francusku"),
    "es": ("spanish", "spanisch", "espagnol", "español", "castellano", "spagnolo", "spaans",
           "espanhol", "испанский", "испанском", "по-испански", "hiszpański",
           "po hiszpańsku"),
    "it": ("italian", "italienisch", "italien", "italiano", "italiaans",
           "итальянский", "итальянском", "по-итальянски", "włoski", "po włosku"),
    # unsupported, recognised so the caller can say so
    "nl": ("dutch", "niederländisch", "holländisch", "néerlandais", "neerlandés",
           "olandese", "nederlands", "holandês", "vlaams", "flemish"),
    "pt": ("portuguese", "portugiesisch", "portugais", "portugués", "portoghese",
           "portugees", "português", "португальский", "по-португальски"),
    "ru": ("russian", "russisch", "russe", "ruso", "russo", "русский",
           "русском", "по-русски", "po russki", "rosyjski", "po rosyjsku"),
    "pl": ("polish", "polnisch", "polonais", "polaco", "polacco", "pools", "polski",
           "po polsku", "polonês"),
    "tr": ("turkish", "türkisch", "turc", "turco", "turks", "türkçe"),
    "zh": ("chinese", "chinesisch", "chinois", "chino", "cinese", "chinees", "mandarin",
           "中文", "汉语", "普通话"),
    "ja": ("japanese", "japanisch", "japonais", "japonés", "giapponese", "japans", "日本語"),
    "ar": ("arabic", "arabisch", "arabe", "árabe", "arabo", "العربية", "عربي"),
    "sv": ("swedish", "schwedisch", "suédois", "sueco", "svedese", "zweeds", "svenska"),
    "da": ("danish", "dänisch", "danois", "danés", "danese", "deens", "dansk"),
    "cs": ("czech", "tschechisch", "tchèque", "checo", "ceco", "tsjechisch", "česky",
           "čeština"),
    "el": ("greek", "griechisch", "grec", "griego", "greco", "grieks", "ελληνικά"),
}

# Politeness markers (normalised forms are produced at compile time).
_POLITE = (
    "please", "pls", "plz", "pleaseee", "bitte", "bitteschön", "bitte schön",
    "s'il vous plaît", "s'il vous plait", "s'il te plaît", "svp", "stp",
    "por favor", "porfa", "porfavor", "per favore", "per piacere", "per cortesia",
    "alsjeblieft", "alstublieft", "aub", "graag", "se faz favor", "пожалуйста",
    "proszę", "lütfen",
)

# Prepositions / case markers that introduce a language ("in English", "auf Deutsch").
_PREP = (
    "in", "into", "auf", "en", "em", "in het", "im", "op", "на", "in lingua",
    "en langue", "in the", "au", "al", "all'", "dans", "w języku",
)
_ARTICLES = ("the", "le", "la", "el", "il", "lo", "het", "das")

# Verbs of speaking/writing/answering (request forms), all persons we need.
_SPEAK = (
    # en
    "speak", "speaks", "talk", "write", "answer", "reply", "respond", "continue",
    "communicate", "chat", "text", "converse", "talking", "speaking", "communicating",
    "chatting", "responding", "answering", "understand", "understands",
    # de
    "sprechen", "sprichst", "spricht", "sprecht", "spreche", "sprich", "reden", "redest",
    "schreiben", "schreibst", "schreib", "schreibe", "antworten", "antwortest",
    "antworte", "weitermachen", "fortfahren", "kommunizieren", "chatten", "unterhalten",
    "verstehen", "verstehst", "versteht", "weiterschreiben", "weitersprechen", "weiterreden",
    # fr
    "parlez", "parles", "parle", "parler", "parlons", "écrire", "écrivez", "écris",
    "répondre", "répondez", "réponds", "continuer", "continuons", "continuez",
    "discuter", "communiquer", "comprenez", "comprends",
    # es
    "hablas", "habla", "hablar", "hablamos", "hablemos", "hablan", "hablo", "escribir",
    "escribe", "escríbeme", "escribes", "responder", "responde", "contestar", "contesta",
    "continuar", "seguir", "sigamos", "comunicarnos", "conversar", "entiendes", "entiende",
    # it
    "parli", "parla", "parlare", "parliamo", "parlate", "parlo", "scrivere", "scrivi",
    "scriva", "scrivimi", "rispondere", "rispondi", "risponda", "continuare",
    "continuiamo", "comunicare", "conversare", "capisci", "capisce",
    # nl
    "spreek", "spreekt", "spreken", "praten", "praat", "schrijven", "schrijf",
    "antwoorden", "antwoord",
    # pt
    "fala", "falas", "falar", "falamos", "falo", "escrever", "responder",
    # ru / pl
    "говорите", "говоришь", "говорить", "говорим", "говорю", "разговаривать", "пишите",
    "ответьте", "mówisz", "mówi", "mówić", "mówię", "rozmawiać",
)

# Verbs of switching/preferring; the language follows (optionally via to/auf/à/a/in).
_SWITCH = (
    "switch", "change", "go", "move", "prefer", "use", "set", "wechseln", "wechsle",
    "umstellen", "umschalten", "bevorzuge", "lieber", "passer", "passons", "changer",
    "préfère", "préférerais", "cambiar", "cambia", "cambiamos", "cambiemos", "prefiero",
    "preferiría", "passare", "passiamo", "cambiare", "preferisco", "preferirei",
    "overschakelen", "mudar", "prefiro", "переключиться", "перейти", "better", "preferably",
    "mejor", "meglio", "mieux", "liebsten",
)
_SWITCH_LINK = ("to", "over to", "into", "in", "auf", "zu", "nach", "à", "au", "en",
                "a", "al", "all'", "alla", "naar", "para", "para o", "на")

# "Request" context: modal + addressee, invitations, wishes.
_MODAL = (
    # en
    r"(?:can|could|would|will|shall|may|might)(?:n't| not)? (?:we|you|u|i|ya|somebody|someone|anyone)",
    r"do you", r"does (?:anyone|anybody|someone|somebody)", r"is there (?:anyone|anybody|someone|somebody)",
    r"let'?s", r"let us", r"(?:i|we)(?:'d| would)? (?:like|prefer|want|need|wish)",
    r"(?:i|we)'?d rather", r"wanna",
    # de
    r"(?:konnen|konnten|kann|konnte) (?:wir|sie|du|ich|man|jemand)", r"kannst du",
    r"konnt ihr", r"lass(?:t)? uns", r"lassen sie uns",
    r"(?:ich|wir) (?:mochte|mochten|wurde|wurden|will|wollen|hatte|hatten)",
    r"gibt es (?:jemand|jemanden)", r"spricht (?:hier )?(?:jemand|wer)",
    # fr
    r"(?:pouvez|pourriez) vous", r"(?:peux|pourrais) tu", r"pouvons nous", r"on (?:peut|pourrait)",
    r"est ce qu'on", r"je (?:voudrais|veux|prefere|prefererais)", r"j'aimerais",
    r"(?:il y a|y a t il) quelqu'un",
    # es
    r"puedes", r"podemos", r"podrias?", r"podriamos", r"puede usted", r"quiero", r"quisiera",
    r"prefiero", r"me gustaria", r"hay alguien",
    # it
    r"puoi", r"possiamo", r"potresti", r"potete", r"potrebbe", r"potremmo", r"vorrei",
    r"voglio", r"preferisco", r"c'e qualcuno",
    # nl / pt / ru / pl
    r"kunt u", r"kun je", r"kunnen (?:we|wij)", r"wil je", r"wilt u", r"ik wil", r"ik zou",
    r"podes", r"voce pode", r"quero", r"prefiro", r"gostaria", r"можно", r"можете",
    r"могли бы", r"czy mozemy", r"mozemy",
)

# The subset of request modals addressed to the assistant ("can you", "können wir").
_MODAL_YOU = (
    r"(?:can|could|would|will)(?:n't| not)? (?:we|you|u|ya)", r"do you", r"let'?s", r"let us",
    r"(?:konnen|konnten) (?:wir|sie)", r"kannst du", r"konnt ihr", r"lass(?:t)? uns",
    r"(?:pouvez|pourriez) vous", r"(?:peux|pourrais) tu", r"pouvons nous", r"on (?:peut|pourrait)",
    r"puedes", r"podemos", r"podrias?", r"podriamos", r"puede usted", r"puoi", r"possiamo",
    r"potresti", r"potete", r"potremmo", r"kunt u", r"kun je", r"kunnen (?:we|wij)", r"podes",
    r"voce pode", r"можете", r"могли бы", r"czy mozemy", r"mozemy",
)

# First-person pronouns (for "I speak English" statements).
_FIRST_PERSON = ("i", "ich", "je", "yo", "io", "ik", "eu", "я", "ja")
_ONLY = ("only", "just", "nur", "seulement", "uniquement", "solo", "solamente",
         "soltanto", "alleen", "somente", "apenas", "только", "tylko")

_NEGATIONS = (
    "not", "n't", "dont", "don't", "doesnt", "doesn't", "didnt", "didn't", "cannot", "cant",
    "can't", "never", "no", "nobody", "noone", "no one", "none",
    "nicht", "kein", "keine", "keiner", "nie", "niemand", "niemals",
    "ne", "n'", "pas", "jamais", "personne", "aucun",
    "nadie", "nunca", "tampoco", "ningun", "ninguno",
    "non", "mai", "nessuno",
    "niet", "geen", "nooit", "niemand",
    "nao", "nem", "ninguem",
    "не", "nie",
)

_CONNECTORS = ("and", "or", "und", "oder", "et", "ou", "y", "o", "e", "oppure", "of",
               "und/oder", "and/or", "и", "или", "i", "lub", "&", "/")

_GREETINGS = ("hi", "hello", "hey", "hallo", "servus", "moin", "guten tag", "bonjour",
              "salut", "hola", "buenos dias", "buenas", "ciao", "buongiorno", "salve",
              "hoi", "ola", "ok", "okay", "yes", "ja", "oui", "si",
              "sorry", "pardon", "perdon", "scusa", "scusi", "entschuldigung", "excuse me",
              "excusez moi", "disculpe", "thanks", "danke", "merci", "gracias", "grazie")

# Words that may follow a language name without turning it into an adjective.
_TAIL_WORDS = ("language", "sprache", "langue", "idioma", "lingua", "taal",
               "if possible", "wenn moglich", "falls moglich", "si possible", "si es posible",
               "se possibile", "indien mogelijk", "se possivel", "instead", "stattdessen",
               "plutot", "mejor", "invece", "again", "wieder", "from now on", "ab jetzt",
               "now", "jetzt", "maintenant", "ahora", "adesso", "ora", "too", "auch",
               "aussi", "tambien", "anche", "thanks", "thank you", "danke", "merci",
               "gracias", "grazie", "instead of", "rather than", "anstatt", "statt",
               "au lieu", "en lugar", "en vez", "invece di", "only", "nur", "seulement",
               "solo", "solamente", "uniquement", "soltanto", "to me", "to us", "with me",
               "with us", "going forward", "from here on", "mit mir", "mit uns", "avec moi",
               "avec nous", "conmigo", "con nosotros", "con me", "con noi", "met mij")
# fmt: on


# ----------------------------------------------------------------------- normalising

_APOSTROPHES = dict.fromkeys(map(ord, "\u2019\u2018\u02bc\u00b4`\u2032"), "'")
_DASHES = dict.fromkeys(map(ord, "-\u2010\u2011\u2012\u2013\u2014"), " ")


def _fold(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes, hyphens -> spaces, squeeze spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    text = text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text).replace("ß", "ss")
    text = text.translate(_DASHES)
    text = text.replace("¿", " ¿ ").replace("¡", " ")
    return re.sub(r"\s+", " ", text).strip()


def _alt(words: Iterable[str], *, raw: bool = False) -> str:
    """Regex alternation of (folded) phrases, longest first; spaces match any run."""
    forms = {w if raw else _fold(w) for w in words}
    forms.discard("")
    ordered = sorted(forms, key=len, reverse=True)
    if raw:
        return "(?:" + "|".join(ordered) + ")"
    return "(?:" + "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in ordered) + ")"


_NAME_TO_CODE: dict[str, str] = {}
for _code, _names in LANGUAGE_NAMES.items():
    for _n in _names:
        _NAME_TO_CODE.setdefault(_fold(_n), _code)

_W = r"(?<!\w)"  # left word boundary
_E = r"(?![\w])"  # right word boundary
_NAME = rf"{_W}(?P<name>{_alt(_NAME_TO_CODE)}){_E}"
_NAME2 = rf"{_W}{_alt(_NAME_TO_CODE)}{_E}"
_POL = rf"{_W}{_alt(_POLITE)}{_E}"
_PRE = rf"(?:{_alt(_PREP)}\s+)"
_ART = rf"(?:(?:{_alt(_ARTICLES)})\s+|l')"
_SPK = rf"{_W}{_alt(_SPEAK)}{_E}"
_SWI = rf"{_W}{_alt(_SWITCH)}{_E}"
_LNK = rf"(?:{_alt(_SWITCH_LINK)}\s+)"
_MOD = rf"{_W}{_alt(_MODAL, raw=True)}{_E}"
_FIRST = rf"{_W}{_alt(_FIRST_PERSON)}{_E}"
_ONL = rf"(?:{_alt(_ONLY)}\s+)"
_NEG = rf"{_W}{_alt(_NEGATIONS)}{_E}|n't{_E}"
_CONN = _alt(_CONNECTORS)
_GREET = rf"(?:{_alt(_GREETINGS)}[\s,.!]*|{_alt(('no', 'nein', 'non', 'nee', 'nope'))}\s*[,.!]+\s*)"
# What may follow a requested language name: end, punctuation, please, a speak verb,
# "language", "if possible" ...
_TAIL = rf"(?=\s*(?:$|[,.;:!?)…]|{_POL}|{_SPK}|{_SWI}|{_W}{_alt(_TAIL_WORDS)}{_E}))"
_FILL = r"(?:[\w']+\s+){0,3}?"  # up to three filler words between verb and name
# between a switch verb and the name only words about the language setting itself
# fmt: off
_SWITCH_FILLERS = (
    "back", "over", "the", "your", "my", "our", "this", "it", "us", "me", "you", "all",
    "everything", "language", "languages", "setting", "settings", "response", "responses",
    "spoken", "speaking", "conversation", "chat", "now", "please", "bitte", "die", "sprache",
    "jetzt", "la", "le", "langue", "el", "idioma", "il", "lingua", "ahora", "adesso", "maintenant",
    "de", "conversacion", "conversazione",
)
# fmt: on
_FILL_SWITCH = rf"(?:{_alt(_SWITCH_FILLERS)}\s+){{0,4}}?"

_FLAGS = re.UNICODE
_MAX_CHARS = 4000  # a request is in the first lines, never deep inside a long e-mail

# The whole message is (greeting) (prep) (article) NAME (only / language) (?!)
_RE_WHOLE = re.compile(
    rf"^[\s¿]*{_GREET}?{_ONL}?{_PRE}?{_ART}?{_NAME}(?:\s+{_alt(_TAIL_WORDS)})?\W*$", _FLAGS
)
# NAME please / in NAME please
_RE_NAME_POLITE = re.compile(rf"{_PRE}?{_ART}?{_ONL}?{_NAME}[\s,]*(?:{_alt(_ONLY)}[\s,]*)?{_POL}", _FLAGS)
# please NAME / please in NAME
_RE_POLITE_NAME = re.compile(rf"{_POL}[\s,:]*{_ONL}?{_PRE}?{_ART}?{_NAME}{_TAIL}", _FLAGS)
# opening "En français : ..." / "In English, ..."
_RE_OPENING = re.compile(rf"^[\s¿]*{_GREET}?{_PRE}{_ART}?{_NAME}\s*[,:;!?.]", _FLAGS)
# speak-verb ... NAME  ("can we speak English", "parlez-vous français")
_RE_SPEAK_NAME = re.compile(rf"(?P<verb>{_SPK})\s+{_FILL}{_ONL}?{_PRE}?{_ART}?{_NAME}{_TAIL}", _FLAGS)
# NAME ... speak-verb  ("können wir Deutsch sprechen", "auf Englisch antworten")
_RE_NAME_SPEAK = re.compile(rf"{_PRE}?{_ART}?{_NAME}\s+(?:[\w']+\s+)?(?P<verb>{_SPK})", _FLAGS)
# switch/prefer (to) NAME
_RE_SWITCH_NAME = re.compile(rf"(?P<verb>{_SWI})\s+{_FILL_SWITCH}{_LNK}?{_ART}?{_NAME}{_TAIL}", _FLAGS)
# (auf) NAME wechseln / umstellen
_RE_NAME_SWITCH = re.compile(rf"{_PRE}?{_ART}?{_NAME}\s+(?:[\w']+\s+)?(?P<verb>{_SWI})", _FLAGS)
# "je ne parle que français"
_RE_ONLY_NE_QUE = re.compile(rf"{_W}ne\s+(?:{_SPK})\s+(?:{_alt(('que', 'qu'))}\s+|qu'){_ART}?{_NAME}", _FLAGS)
# "in NAME?" at the end of a question that has a request modal
_RE_IN_NAME_QUESTION = re.compile(rf"{_PRE}{_ART}?{_NAME}{_TAIL}", _FLAGS)
# "language: English", "Sprache auf Deutsch", "the language to be in Spanish"
_LANG_WORDS = ("language", "languages", "sprache", "langue", "idioma", "lingua", "taal")
_LANG_LINKS = ("to be in", "to be", "to", "auf", "zu", "en", "a", "in", "is", ":", "=", "=>", "->")
_RE_LANGWORD_NAME = re.compile(
    rf"{_W}{_alt(_LANG_WORDS)}\s*(?:(?:setting|settings|preference|einstellung)\s*)?"
    rf"(?:{_alt(_LANG_LINKS)}\s*){_ART}?{_NAME}{_TAIL}",
    _FLAGS,
)
# a name after "instead of"/"rather than" is what the guest does NOT want
# fmt: off
_INSTEAD = (
    "than", "instead of", "statt", "anstatt", "anstelle von", "au lieu de", "au lieu du",
    "plutot que", "plutot qu'", "en vez de", "en vez del", "en lugar de", "en lugar del",
    "invece di", "invece del", "invece che", "invece dell'", "em vez de", "in plaats van", "not",
    "nicht", "pas", "no",
)
# fmt: on
_RE_INSTEAD_BEFORE = re.compile(rf"{_W}{_alt(_INSTEAD)}\s*{_PRE}?{_ART}?$", _FLAGS)
# translation questions mention languages without asking to switch
# fmt: off
_TRANSLATION = (
    "say", "says", "said", "translate", "translated", "translation", "word for", "mean", "means",
    "spell", "called", "ubersetzen", "ubersetze", "ubersetzung", "ubersetzt", "sagt man", "heisst",
    "bedeutet", "traduire", "traduis", "traduction", "traduit", "dit on", "veut dire", "se dice",
    "traducir", "traduce", "traduccion", "traduci", "tradurre", "traduzione", "si dice",
    "significa", "vertalen", "vertaal", "traduzir",
)
# fmt: on
_RE_TRANSLATION = re.compile(rf"{_W}{_alt(_TRANSLATION)}{_E}", _FLAGS)

_RE_MODAL = re.compile(_MOD, _FLAGS)
_RE_MODAL_YOU = re.compile(rf"{_W}{_alt(_MODAL_YOU, raw=True)}{_E}", _FLAGS)
_RE_BETWEEN_FIRST = re.compile(rf"\s*{_ONL}?{_PRE}?{_ART}?", _FLAGS)
_RE_NEG = re.compile(_NEG, _FLAGS)
_RE_FIRST = re.compile(rf"{_FIRST}\s+{_ONL}?$", _FLAGS)
_RE_AMBIGUOUS_AFTER = re.compile(rf"^\s*,?\s*(?:{_CONN})\s+{_PRE}?{_ART}?{_NAME2}", _FLAGS)
_RE_AMBIGUOUS_BEFORE = re.compile(rf"{_NAME2}\s*,?\s*(?:{_CONN})\s+{_PRE}?{_ART}?$", _FLAGS)
_SENTENCE_END = re.compile(r"[.!?;…]+|$")
_CLAUSE_BREAK = re.compile(r"[,.;:!?¿…()\"]")


# ------------------------------------------------------------------------ matching


def _sentence_bounds(text: str, pos: int) -> tuple[int, int, bool]:
    """Start, end and question-ness of the sentence containing ``pos``."""
    start = 0
    for m in re.finditer(r"[.!?;…]+", text):
        if m.end() <= pos:
            start = m.end()
        else:
            break
    m = _SENTENCE_END.search(text, pos)
    end = m.start() if m else len(text)
    terminator = m.group(0) if m else ""
    sentence = text[start:end]
    return start, end, ("?" in terminator) or ("¿" in sentence)


def _context_before(text: str, pos: int, words: int = 4) -> str:
    """The last few words before ``pos`` within the same clause (no punctuation)."""
    chunk = text[:pos]
    cut = max((m.end() for m in _CLAUSE_BREAK.finditer(chunk)), default=0)
    return " ".join(chunk[cut:].split()[-words:])


def _negated(text: str, m: re.Match[str]) -> bool:
    return bool(_RE_NEG.search(_context_before(text, m.start()) + " " + m.group(0)))


def _ambiguous(text: str, m: re.Match[str]) -> bool:
    """Another language name joined by and/or right after or before the match."""
    return bool(
        _RE_AMBIGUOUS_AFTER.match(text[m.end("name") :])
        or _RE_AMBIGUOUS_BEFORE.search(text[: m.start("name")])
    )


def _speak_context_ok(text: str, m: re.Match[str], *, verb_first: bool) -> bool:
    """Is a speak/switch verb used as a request (question, modal, imperative, 1st person)?"""
    s_start, _, question = _sentence_bounds(text, m.start())
    if question:
        return True
    if _RE_MODAL.search(text[s_start : m.end()]):
        return True
    verb_start = m.start("verb")
    lead = text[s_start:verb_start].strip(" ,¿")
    if verb_first:
        lead_words = lead.split()
        # imperative / inverted question at the start of the sentence
        if not lead_words or re.fullmatch(rf"{_GREET}*{_POL}?\s*", lead + " "):
            return True
        # first-person statement with the name right after the verb: "I speak English"
        between = text[m.end("verb") : m.start("name")]
        if _RE_FIRST.search(lead + " ") and _RE_BETWEEN_FIRST.fullmatch(between):
            return True
    return False


def _candidates(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def add(m: re.Match[str]) -> None:
        start = m.start("name")
        s_start, s_end, _ = _sentence_bounds(text, start)
        if _RE_TRANSLATION.search(text[s_start:s_end]):
            return
        if _RE_INSTEAD_BEFORE.search(text[:start]):
            return
        found.append((start, m.group("name")))

    m = _RE_WHOLE.match(text)
    if m:
        add(m)
        return found

    for m in _RE_ONLY_NE_QUE.finditer(text):
        add(m)

    for rx in (_RE_NAME_POLITE, _RE_POLITE_NAME):
        for m in rx.finditer(text):
            if not _negated(text, m) and not _ambiguous(text, m):
                add(m)

    m = _RE_OPENING.match(text)
    if m and not _ambiguous(text, m):
        add(m)

    for rx, verb_first in (
        (_RE_SPEAK_NAME, True),
        (_RE_NAME_SPEAK, False),
        (_RE_SWITCH_NAME, True),
        (_RE_NAME_SWITCH, False),
    ):
        for m in rx.finditer(text):
            if _negated(text, m) or _ambiguous(text, m):
                continue
            if rx is _RE_SWITCH_NAME or rx is _RE_NAME_SWITCH:
                # "switch to X" / "prefer X" are requests on their own, but not
                # "the French prefer ..." - require a clause-initial verb, a modal,
                # a question or a first-person subject
                if _speak_context_ok(text, m, verb_first=verb_first) or _switch_subject_ok(text, m):
                    add(m)
            elif _speak_context_ok(text, m, verb_first=verb_first):
                add(m)

    for m in _RE_LANGWORD_NAME.finditer(text):
        if not _negated(text, m) and not _ambiguous(text, m):
            add(m)

    for m in _RE_IN_NAME_QUESTION.finditer(text):
        s_start, _, _question = _sentence_bounds(text, m.start())
        if _negated(text, m) or _ambiguous(text, m):
            continue
        if _RE_MODAL_YOU.search(text[s_start : m.start()]):
            add(m)
    return found


def _switch_subject_ok(text: str, m: re.Match[str]) -> bool:
    s_start, _, _ = _sentence_bounds(text, m.start())
    lead = text[s_start : m.start("verb")]
    return bool(re.search(rf"{_FIRST}\s+(?:[\w']+\s+)?$", lead)) or not lead.strip(" ,")


def explicit_request(text: str) -> str | None:
    """ISO 639-1 code of a language the guest explicitly asks for, else ``None``.

    Supported and unsupported languages alike ("Nederlands alsjeblieft" -> "nl");
    the caller decides what to do with codes it does not support.
    """
    if not text or not text.strip():
        return None
    folded = _fold(text[:_MAX_CHARS])
    if not folded:
        return None
    found = _candidates(folded)
    if not found:
        return None
    _, name = max(found, key=lambda item: item[0])
    return _NAME_TO_CODE.get(re.sub(r"\s+", " ", name))
