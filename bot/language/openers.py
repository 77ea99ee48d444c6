"""The language of a conversation's first message, however short.

A guest's first message is often a single word ("Bonjour", "Grazie mille", "Grüezi").
Too short for the resolver's substantial-text detection, it is still the best clue to
the guest's language. :func:`opener_language` reads it in two steps:

1. the opener lexicon below: greetings, thanks, farewells and short stock phrases in
   en de fr es it with their regional forms (``LEXICON``), plus function words and
   everyday adjectives of one language only (``MARKERS``: "je", "nicht", "molto"),
   matched on whole words, longest phrase first, after folding case, accents,
   punctuation and emoji ("¡HOLA!", "hola", "Hola 👋" are one entry). Words shared
   between languages ("Hi", "ok", "Ciao", "Merci" -- Swiss Germans say it too --
   "Super", "Hotel", "Parking") are in ``AMBIGUOUS``: they decide nothing.
2. the detector (trusted at confidence >= ``MIN_CONFIDENCE``, measured on eval/openers
   and lingua's short test data, see docs/TRAINERS.md), when the message also has words
   the lexicon does not know: it decides when the lexicon names no language ("Zu
   laut", "cinq étoiles !") or two, and vetoes a lexicon language when it is sure of
   another.

The answer is a language code, or ``None`` (nothing to go on, or ambiguous): then the
conversation keeps what it had (a weak prior or the hotel's default).

To add a word: put it under its language in ``LEXICON`` or ``MARKERS`` (or in
``AMBIGUOUS`` when it is common in more than one of the languages), add an item to eval/openers/<lang>.yml
and run ``scripts/eval_openers.py``.
"""

from __future__ import annotations

import re
import unicodedata

from .detect import LanguageDetector

__all__ = ["AMBIGUOUS", "LEXICON", "MARKERS", "MIN_CONFIDENCE", "fold", "opener_language"]

# Below this confidence the detector decides nothing on a short message (the lowest with
# no wrong answer on the eval/openers dev set; docs/TRAINERS.md has the figures).
MIN_CONFIDENCE = 0.7
# Only short messages are read as openers: a longer one is the resolver's detection's.
MAX_WORDS = 12
MAX_CHARS = 300

# fmt: off
LEXICON: dict[str, tuple[str, ...]] = {
    "en": (
        "hello", "hello there", "hello all", "hiya", "howdy", "hi there", "hey there",
        "hello everyone", "good morning", "morning", "good afternoon", "good evening",
        "good night", "good day", "g'day", "g'day mate", "greetings",
        "thanks", "thank you", "thank u", "thankyou", "thanks a lot", "many thanks",
        "thanks a million", "thank you so much", "thanks so much", "thx", "ty", "tnx",
        "cheers", "cheers mate", "ta", "much appreciated", "appreciate it",
        "goodbye", "bye", "bye bye", "see you", "see you soon", "see ya", "take care",
        "have a nice day", "yes", "yes please", "yep", "yeah", "yup", "sure", "nope",
        "no thanks", "no thank you", "of course", "great", "awesome", "amazing", "lovely",
        "wonderful", "perfect", "brilliant", "fantastic", "very good", "pretty good",
        "all good", "not bad", "awful", "loved it", "nice", "good", "fine",
        "hey guys", "hi all", "hi everyone", "evening", "afternoon", "thank you very much",
        "thanks very much", "thank you kindly", "cheerio", "good bye", "farewell", "cya",
        "later", "have a good day", "absolutely", "definitely", "superb", "fabulous",
        "delightful", "outstanding", "so so", "meh", "poor", "disappointing",
        "disappointed", "no complaints", "well done", "what's up", "sup", "please",
        # short feedback
        "star", "stars", "room", "stay", "breakfast", "dirty", "noisy", "clean", "quiet",
        "friendly", "nothing", "everything",
    ),
    "de": (
        "hallo", "hallo zusammen", "hallochen", "halli hallo", "guten morgen", "morgen",
        "guten tag", "tag", "guten abend", "gute nacht", "gruezi", "gruzi", "gruezi mitenand",
        "gruessech", "gruessi", "hoi", "hoi zame", "hoi zaeme", "sali", "salu", "salut zame",
        "servus", "gruss gott", "gruß gott", "griass di", "griass eich", "griaß di",
        "gruss dich", "moin", "moin moin", "moinsen", "tach", "tachchen", "na", "ei gude",
        "danke", "danke schon", "dankeschon", "danke sehr", "vielen dank", "herzlichen dank",
        "vielen lieben dank", "tausend dank", "besten dank", "merci vielmal",
        "merci viumau", "merci villmal", "vergelts gott", "vergelt's gott", "dankscheen",
        "tschuss", "tschus", "tschau", "ciao zame", "auf wiedersehen", "wiedersehen",
        "bis bald", "bis dann", "bis spater", "ade", "adele", "pfiat di", "pfiati",
        "schonen tag", "schonen tag noch", "ja", "jawohl", "ja gerne", "ja bitte", "nein",
        "nee", "nein danke", "klar", "gerne", "bitte", "genau", "alles gut", "alles klar",
        "alles bestens", "sehr gut", "gut", "wunderbar", "prima", "passt", "perfekt",
        "toll", "klasse", "schon",
        "guten tach", "n'abend", "nabend", "abend", "mahlzeit", "grusse", "liebe grusse",
        "huhu", "hallihallo", "servas", "gria di", "griass enk", "danke vielmals",
        "vielen herzlichen dank", "merci viel mal", "danke fur alles", "tscho", "tschussi",
        "baba", "auf wiederschauen", "wiederschauen", "uf widerluege", "schonen abend",
        "einwandfrei", "ausgezeichnet", "hervorragend", "spitze", "herrlich", "traumhaft",
        "sehr schon", "schlecht", "geht so", "naja", "mittelmassig", "nicht gut",
        "gerne wieder", "jawoll", "sehr zufrieden", "zufrieden", "lecker",
        # short feedback
        "stern", "sterne", "zimmer", "aufenthalt", "fruhstuck", "laut", "sauber",
        "schmutzig", "ruhig", "freundlich", "nichts", "alles",
    ),
    "fr": (
        "bonjour", "bonjour a tous", "bonjour madame", "bonjour monsieur", "bonsoir",
        "bonne nuit", "bonne journee", "bonne soiree", "salut", "coucou", "allo",
        "merci beaucoup", "merci bien", "merci a vous", "merci a toi", "merci mille fois",
        "mille mercis", "un grand merci", "grand merci", "merci pour tout", "merci infiniment",
        "je vous remercie", "au revoir", "a bientot", "a plus", "a la prochaine",
        "bonne continuation", "oui", "ouais", "oui merci", "non merci", "d'accord", "bien sur",
        "avec plaisir", "volontiers", "tres bien", "parfait", "magnifique", "nickel", "bof",
        "pas mal", "c'etait top", "tout va bien", "rien a redire", "ca va",
        "bonjour bonjour", "bjr", "slt", "salut tout le monde", "bonsoir a tous",
        "bon apres midi", "merci encore", "bisous", "bises", "a toute", "a demain",
        "salutations", "tchao", "oui bien sur", "evidemment", "carrement", "exactement",
        "superbe", "sympa", "moyen", "nul", "decevant", "decu", "trop bien",
        "pas terrible", "tres bon", "tres content", "ravi", "ravis", "s'il vous plait",
        # short feedback
        "etoile", "etoiles", "chambre", "sejour", "petit dejeuner", "sale", "bruyant",
        "propre", "accueil", "rien", "tout",
    ),
    "es": (
        "hola", "hola a todos", "holi", "holis", "buenas", "muy buenas", "buenos dias",
        "buen dia", "buenas tardes", "buenas noches", "que tal", "hola que tal",
        "gracias", "muchas gracias", "mil gracias", "muchisimas gracias", "gracias por todo",
        "se agradece", "adios", "hasta luego", "hasta pronto", "hasta la proxima",
        "hasta manana", "nos vemos", "chao", "chau", "claro", "claro que si", "si claro",
        "vale", "dale", "de acuerdo", "no gracias", "con gusto", "por supuesto", "muy bien",
        "todo bien", "todo perfecto", "perfecto", "estupendo", "maravilloso", "que maravilla",
        "me encanto", "genial gracias", "excelente",
        "hola buenas", "que onda", "quiubo", "muy buenos dias", "saludos", "un saludo",
        "gracias mil", "gracias a ustedes", "gracias de nuevo", "hasta manana", "cuidate",
        "besos", "por favor", "si por favor", "desde luego", "venga", "guay", "chevere",
        "buenisimo", "increible", "fenomenal", "precioso", "muy mal", "malisimo",
        "mas o menos", "nada mal", "todo genial", "todo excelente", "estuvo bien",
        "me gusto", "muy contento", "encantado", "encantada",
        # short feedback
        "estrella", "estrellas", "habitacion", "estancia", "desayuno", "sucia", "sucio",
        "ruido", "limpio", "limpia", "nada", "todo",
    ),
    "it": (
        "buongiorno", "buon giorno", "buongiorno a tutti", "buonasera", "buona sera",
        "buonanotte", "buona notte", "buona giornata", "buona serata", "salve", "buondi",
        "ciao a tutti", "ciao ragazzi", "ciao come va", "ehi ciao", "come va",
        "grazie", "grazie mille", "mille grazie", "grazie tante", "grazie di tutto",
        "grazie a voi", "grazie a lei", "ti ringrazio", "la ringrazio", "vi ringrazio",
        "arrivederci", "arrivederla", "a presto", "a dopo", "alla prossima", "ci vediamo",
        "certo", "si certo", "certamente", "va bene", "d'accordo", "no grazie", "si grazie",
        "volentieri", "prego", "molto bene", "benissimo", "tutto bene", "tutto ok",
        "tutto perfetto", "perfetto", "ottimo", "bellissimo", "stupendo", "splendido",
        "bene", "cosi cosi",
        "buonasera a tutti", "salve a tutti", "ehila", "buon pomeriggio", "grazie infinite",
        "grazie ancora", "grazie davvero", "grazie a te", "ci sentiamo", "a domani", "addio",
        "certo che si", "ovvio", "esatto", "assolutamente", "eccellente", "meraviglioso",
        "ottima", "bello", "bella", "bellissima", "bravi", "bravissimi", "tutto a posto",
        "niente male", "non male", "malissimo", "pessimo", "insomma", "abbastanza bene",
        "mi piace", "dai", "daje", "molto contento", "per favore",
        # short feedback
        "stella", "stelle", "camera", "soggiorno", "colazione", "sporca", "sporco",
        "rumore", "rumoroso", "pulito", "pulita", "niente", "tutto",
    ),
}

# Function words and everyday adjectives that belong to one of the five languages only
# (after folding: "très" -> "tres" is Spanish "three" too, so it is not here). They
# count like lexicon entries, so "Je vous en prie" or "Pas de souci" say French.
MARKERS: dict[str, tuple[str, ...]] = {
    "en": (
        "the", "and", "is", "are", "were", "it", "this", "that", "my", "our", "we", "you",
        "your", "of", "to", "for", "with", "very", "not", "but", "just", "really", "so much",
        "bit", "could", "would", "be", "better", "worse", "bed", "staff",
        "guys", "hope", "well", "kind regards", "best regards", "regards", "best wishes",
        "best", "ever", "shower", "broken", "bathroom", "quite", "pretty", "hi guys",
    ),
    "de": (
        "und", "ist", "sind", "das", "der", "den", "dem", "ein", "eine", "einen", "mit",
        "nicht", "sehr", "ich", "wir", "sie", "ihr", "ihnen", "euch", "dich", "auch", "noch",
        "aber", "leider", "etwas", "ganz", "wirklich", "bisschen", "viel", "vielmals",
        "herzlich", "herzlichen", "besten", "liebe", "lieben", "mach's", "machs", "wieder",
        "schade", "kalt", "bett", "essen",
        "leute", "hoffe", "freundliche grusse", "mit freundlichen grussen", "viele grusse",
        "beste grusse", "lg", "mfg", "bestes", "beste", "dusche", "kaputt", "badezimmer",
        "spater", "ziemlich", "allerseits",
    ),
    "fr": (
        "et", "est", "sont", "les", "une", "au", "aux", "je", "vous", "nous",
        "moi", "toi", "c'est", "c'etait", "etait", "pas", "mais", "avec", "pour",
        "sans", "sur", "tres bien", "tres bon", "beaucoup", "gentil", "gentille", "souci",
        "soucis", "prie", "froid", "froide", "chaud", "petit", "merci c'est",
        "gars", "j'espere", "j'ai", "n'est", "n'etait", "s'il", "qu'on", "cordialement",
        "bien a vous", "bien cordialement", "meilleur", "meilleure", "douche", "casse",
        "cassee", "salle de bain", "tard", "plutot", "assez",
    ),
    "es": (
        "el", "los", "las", "muy", "usted", "ustedes", "nosotros", "pero", "para",
        "por", "mucho", "muchos", "muchas", "bueno", "buena", "buenos", "malo", "mala",
        "frio", "fria", "caliente", "cama", "estuvo", "fue", "estaba", "abrazo", "otra",
        "contento", "contentos", "contenta", "encantados",
        "chicos", "chicas", "espero", "saludos cordiales", "un saludo", "atentamente",
        "mejor", "ducha", "roto", "rota", "bano", "despues", "bastante", "todos", "todas",
    ),
    "it": (
        "gli", "della", "delle", "degli", "di", "che", "io", "noi", "voi",
        "molto", "troppo", "per", "buono", "buona", "cattivo", "freddo", "fredda",
        "caldo", "letto", "sono", "stato", "stata", "soddisfatto", "soddisfatta", "pulitissimo",
        "ragazzi", "ragazze", "spero", "cordiali saluti", "distinti saluti", "saluti",
        "un saluto", "migliore", "miglior", "doccia", "rotto", "rotta", "bagno", "piu",
        "tardi", "c'e", "c'era", "l'ho", "dell", "nell", "sull",
    ),
}

# Common to more than one of the five languages: they decide nothing on their own.
AMBIGUOUS: tuple[str, ...] = (
    "hi", "hey", "ok", "okay", "okey", "okidoki", "super", "top", "hotel", "ciao",
    "ciao ciao", "merci", "bravo", "si", "no", "non", "mega", "cool", "wow", "sorry",
    "pardon", "adieu", "salute", "excellent", "impeccable", "terrible",
    "fantastico", "fatal", "genial", "lol", "info", "wifi", "check in", "check out", "test",
    "a", "o", "e", "y", "ole", "ola", "formidable", "horrible", "magnifico", "bien",
    "mal", "extra", "jo", "yo", "bad",
    # international words: the same in every language
    "parking", "pizza", "taxi", "pool", "spa", "bar", "restaurant", "lobby", "minibar",
    "sauna", "wellness", "shuttle", "bus", "email", "e-mail", "sms", "whatsapp", "internet",
    "menu", "reception", "camping", "apartment", "suite", "room service",
)

# fmt: on

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def fold(text: str) -> list[str]:
    """Words of ``text`` folded for lookup: lower case, accents and umlauts off
    ("Grüß" -> "gruß" -> "gruss"), punctuation, digits and emoji dropped."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES)).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("ß", "ss")
    return [w for w in _TOKEN.findall(text) if not w.isdigit()]


def _phrases() -> tuple[dict[tuple[str, ...], str], int]:
    table: dict[tuple[str, ...], str] = {}
    for lang in LEXICON:
        for phrase in (*LEXICON[lang], *MARKERS.get(lang, ())):
            key = tuple(fold(phrase))
            other = table.get(key)
            table[key] = lang if other in (None, lang) else ""  # in two lists: ambiguous
    for phrase in AMBIGUOUS:
        table[tuple(fold(phrase))] = ""
    return table, max(len(k) for k in table)


_TABLE, _LONGEST = _phrases()
_RUNS = re.compile(r"(.)\1+")


def _squeeze(word: str) -> str:
    """Repeated letters as one: "holaaa" -> "hola", "merciii" -> "merci"."""
    return _RUNS.sub(r"\1", word)


# one-word entries by their squeezed form, for elongated words ("hellooo", "grazieee")
_SQUEEZED: dict[str, str] = {}
for _key, _lang in _TABLE.items():
    if len(_key) == 1:
        _sq = _squeeze(_key[0])
        _SQUEEZED[_sq] = _lang if _SQUEEZED.get(_sq, _lang) == _lang else ""


def _match(words: list[str]) -> tuple[set[str], int, list[str]]:
    """Greedy longest match: (languages named, ambiguous matches, words not in the lexicon)."""
    langs: set[str] = set()
    ambiguous = 0
    unknown: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_LONGEST, len(words) - i), 0, -1):
            lang = _TABLE.get(tuple(words[i : i + n]))
            if lang is not None:
                if lang:
                    langs.add(lang)
                else:
                    ambiguous += 1
                i += n
                break
        else:
            word = words[i]
            if "'" in word:  # an elision: "dell'hotel", "j'adore" -> its parts
                parts = [p for p in word.split("'") if p]
                words[i : i + 1] = parts
                if len(parts) > 1:
                    continue
                word = parts[0] if parts else word
            lang = _SQUEEZED.get(_squeeze(word)) if len(word) > 3 else None
            if lang:
                langs.add(lang)
            elif lang is None:
                unknown.append(word)
            else:
                ambiguous += 1
            i += 1
    return langs, ambiguous, unknown


def opener_language(
    text: str,
    supported: tuple[str, ...] | list[str],
    detector: LanguageDetector | None = None,
    *,
    min_confidence: float = MIN_CONFIDENCE,
    ignore: str = "",
) -> str | None:
    """The language a short first message is written in, or None when it does not
    say (empty, digits, emoji, only ambiguous words, or the detector is unsure).
    Words of ``ignore`` (the hotel's name: "Hotel Alpenhof") say nothing about the
    guest. Never raises on any string."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_CHARS:
        return None
    skip = set(fold(ignore)) if isinstance(ignore, str) and len(ignore) <= MAX_CHARS else set()
    words = [w for w in fold(text) if w not in skip]
    if not words or len(words) > MAX_WORDS:
        return None
    langs, _, unknown = _match(list(words))
    if not unknown and len(langs) < 2:  # the lexicon alone: one language, or nothing
        return _offered(next(iter(langs), None), supported)
    if detector is None or (len(langs) < 2 and sum(len(w) for w in unknown) < 3):
        return _offered(next(iter(langs), None), supported) if len(langs) == 1 else None
    result = detector.detect(" ".join(words))
    guess, confidence = result if result is not None else (None, 0.0)
    sure = guess is not None and confidence >= min_confidence
    if len(langs) == 1:  # the lexicon's language, unless the detector is sure of another
        lang = next(iter(langs))
        return _offered(lang, supported) if not sure or guess == lang else None
    if sure and (not langs or guess in langs):  # none named, or the detector picks one
        return _offered(guess, supported)
    return None


def _offered(lang: str | None, supported: tuple[str, ...] | list[str]) -> str | None:
    return lang if lang in supported else None
