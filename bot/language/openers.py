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
   "Super", "Hotel", "Parking") are in ``AMBIGUOUS``: they decide nothing. Everyday
   words of one language (``EVERYDAY``: "boh", "cimer", "klk", "stupenda"), letters
   only one language writes ("très", "ça", "più", "más", "für", "¿") and the gender and
   number forms of Italian and Spanish entries ("puliti", "limpias") count too.
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

__all__ = [
    "AMBIGUOUS",
    "EVERYDAY",
    "FRAGMENTS",
    "LEXICON",
    "MARKERS",
    "MIN_CONFIDENCE",
    "REGIONAL",
    "REGIONAL_AMBIGUOUS",
    "fold",
    "opener_language",
    "strip_noise",
]

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
        "thanks a million", "thank you so much", "thanks so much", "ty", "tnx",
        "cheers", "cheers mate", "ta", "much appreciated", "appreciate it",
        "goodbye", "see you", "see you soon", "see ya", "take care",
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
        "alles bestens", "sehr gut", "gut", "wunderbar", "passt", "perfekt",
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
        "merci", "bonjour", "bonjour a tous", "bonjour madame", "bonjour monsieur", "bonsoir",
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
        "ottima", "bellissima", "bravi", "bravissimi", "tutto a posto",
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
        "gli", "della", "delle", "degli", "di", "io", "noi", "voi",
        "molto", "troppo", "per", "buono", "buona", "cattivo", "freddo", "fredda",
        "caldo", "letto", "sono", "stato", "stata", "soddisfatto", "soddisfatta", "pulitissimo",
        "ragazzi", "ragazze", "spero", "cordiali saluti", "distinti saluti", "saluti",
        "un saluto", "migliore", "miglior", "doccia", "rotto", "rotta", "bagno", "piu",
        "tardi", "c'e", "c'era", "l'ho", "dell", "nell", "sull",
    ),
}

# Regional forms and SMS abbreviations, region by region (they count like LEXICON).
REGIONAL: dict[str, tuple[str, ...]] = {
    "en": (
        # UK, Ireland, Australia, US; SMS
        "heya", "hiya all", "morning all", "evening all", "alright", "alright mate", "howdy all",
        "hey y'all", "hi y'all", "y'all", "ta very much", "thanks heaps", "cheers guys",
        "cheers all", "much obliged", "thank ya", "thanks mate", "thanks guys", "laters",
        "see you later", "catch you later", "bye for now", "night night", "nite", "ttyl",
        "pls", "plz", "thnx", "thanx", "thanq", "tyvm", "np", "no worries", "no problem",
        "btw", "asap", "brb", "idk", "imo", "tbh", "lush", "brill", "ace", "cracking",
        "gorgeous", "spotless", "stunning", "terrific", "rubbish", "crap", "shocking",
        "dreadful", "filthy", "grim", "dodgy", "knackered", "reckon", "gotta", "gonna",
        "wanna", "kinda", "sorta", "aye", "wee", "cheers love", "ta love",
    ),
    "de": (
        # Swiss
        "gruezi wohl", "gruessech wohl", "gruess di", "gruessdi", "hoi zusammen", "hoi mitenand",
        "salu zame", "sali zame", "tschau zame", "tschau zusammen", "merci vilmal",
        "merci vielmals", "danke vilmal", "merci fur alles", "en guete", "ade merci", "guet",
        "sehr guet", "alles guet", "mega guet", "isch", "nid", "chli", "es isch",
        "mersi", "uf wiederluege", "schone tag", "schone abig", "adie", "tschuessli",
        # Austrian
        "servus miteinand", "servus beinand", "servas", "habe die ehre", "habedere",
        "griass di", "gruss di", "griasdi", "gria di", "griass eich", "gruss euch", "pfiat eich",
        "pfiat god", "pfiati", "leiwand", "ur leiwand", "bussi", "baba und foi ned", "heast",
        "passt scho", "basst scho", "basst", "oida", "a bisserl", "bisserl", "ur gut",
        # Swabian
        "hallole", "grussgottle", "gruss gottle", "adele", "ade gell", "gell", "isch", "koi",
        "bissle", "bissele", "guad", "sauguad", "schaffe", "schwatze",
        # Bavarian
        "griass god", "servus mitanand", "mei", "fei", "ned", "nix", "guad nacht", "pfiad di",
        "pfiad eich", "vergelts god", "jo mei",
        # Northern
        "moin zusammen", "moin moin zusammen", "tschuessikowski", "tschussikowski", "tscho",
        "tschoe", "tschuss", "nabend zusammen", "tach auch", "tach zusammen", "jau", "dat",
        "wat", "nich", "knorke", "dufte", "schnacken", "klonen",
        # SMS
        "hdl", "vg", "gn8", "n8", "glg", "mfg", "lg", "dankee", "thx nochmal",
    ),
    "fr": (
        # Québec
        "bonne fin de semaine", "fin de semaine", "c'est correct", "c'est ben correct",
        "pantoute", "tiguidou", "merci ben", "ben correct", "icitte", "pis", "chu",
        "j'suis", "tsé", "tse", "c'est plate", "bienvenue", "allo tout le monde",
        "salut la gang", "la gang", "bonne soiree la", "a tantot", "tantot",
        # Belgian and Swiss French
        "une fois", "septante", "nonante", "huitante", "tout bon", "ca joue", "ca joue ?",
        "c'est tout bon", "a tout bientot", "a plus tard", "bonne journee a vous", "salut tout le monde",
        # SMS
        "bjr", "bsr", "slt", "mrc", "mci", "mrci", "stp", "svp", "dsl", "pk", "pcq", "jsp",
        "tkt", "mdr", "ptdr", "bcp", "tjs", "kdo", "jtm", "oklm", "bne", "bne journee",
        "b1", "biz", "bizz", "y'a", "il y a", "y'a pas", "pb", "pbm", "rdv",
        "qqch", "qqn", "qd", "bjr a tous",
    ),
    "es": (
        # Mexican
        "quihubo", "que hubo", "que onda", "que padre", "padrisimo", "chido",
        "muy chido", "que chido", "orale", "andale", "ahorita", "mande", "neta", "no manches",
        "a poco", "de pelos", "chingon", "gracias carnal", "buenas buenas",
        # Argentine and Uruguayan
        "hola che", "barbaro", "re bien", "re lindo", "re lindo todo", "joya",
        "una joya", "copado", "mil gracias che", "buen dia", "todo joya", "laburo",
        # Colombian and Venezuelan
        "que mas", "quiubo pues", "parce", "parcero", "bacano", "listo", "a la orden",
        "sumerce", "de una", "que pena", "con mucho gusto", "pues", "chevere", "pana",
        # Andalusian
        "illo", "quillo", "miarma", "que arte", "ozu", "taluego", "hasta lueguito", "ea",
        # Chilean
        "wena", "wenas", "si po", "ya po", "cachai", "bacan", "la raja", "fome",
        "al tiro", "altiro",
        # Spain, colloquial
        "de diez", "de lujo", "de puta madre", "mola", "mola mucho", "flipante", "tio", "tia",
        # SMS
        "xfa", "xfavor", "porfa", "porfis", "porfi", "grax", "grcs", "gracs", "xq", "tb",
        "tmb", "tbn", "salu2", "bss", "bsos", "ntp", "tqm", "hla", "q tal", "q onda",
        "dnd", "kiero", "qiero", "aki",
    ),
    "it": (
        # Southern (Neapolitan, Sicilian, Apulian)
        "ue", "ue ue", "uagliu", "guaglio", "grazie assai", "assai", "jamme", "jammo",
        "stamm bene", "bello assai", "mannaggia", "mizzica", "salutamu", "sabbenedica",
        "vossia", "bedda", "cumpa", "bona", "bonasera", "bongiorno",
        # Roman
        "anvedi", "bella zi", "bella pe te", "ammazza", "ammazza che bello", "stamo",
        "annamo", "namo", "apposto", "tutto apposto", "mortacci",
        # Milanese and Northern
        "ciao bela", "bela", "figo", "figata", "che figata", "uella", "uela", "neh",
        "grazie neh", "va ben", "taac", "sciura", "ghe pensi mi",
        # SMS
        "grz", "grazie 1000", "cmq", "nn", "xke", "xche", "tvb", "tvtb",
        "qlc", "qlcs", "bn", "bnotte", "bgiorno", "scs",
        "risp", "nn c'e", "a risentirci", "alla prossima",
    ),
}

# Short complaints and praise: everyday verbs, negations, adjectives and room words
# that one language alone writes this way ("no hot water", "Nix zu meckern", "Y'a trop
# de bruit", "la ducha no funciona"). They count like MARKERS.
FRAGMENTS: dict[str, tuple[str, ...]] = {
    "en": (
        "hot", "cold", "water", "towel", "towels", "key", "keys", "door", "window", "light",
        "lights", "heating", "air conditioning", "aircon", "smell", "smells", "smelly",
        "toilet", "pillow", "pillows", "sheets", "blanket", "coffee", "milk", "bread", "eggs",
        "noise", "loud", "too", "doesn't", "don't", "can't", "won't", "isn't", "wasn't",
        "didn't", "does", "work", "works", "working", "need", "needs", "want",
        "missing", "leaking", "leak", "stuck", "quick", "slow", "late", "early", "rude",
        "helpful", "comfortable", "comfy", "uncomfortable", "small", "tiny", "big", "old",
        "new", "view", "much love", "lots of love", "love it", "a lot", "lot", "thx a lot",
        "thank", "there", "here", "what", "where", "when", "how", "why",
        "who", "can", "again", "nobody", "anyone", "someone", "about", "from",
        "have", "has", "had", "got", "get", "all", "every", "some", "any",
        "loved", "enjoyed", "recommend", "highly", "worth", "price", "expensive", "cheap",
        "disgusting", "excellent stay", "great stay", "lovely stay", "nice stay", "quiet",
        "sleep", "slept", "night", "morning", "staff", "lovely", "thanks again",
    ),
    "de": (
        "kein", "keine", "keinen", "kaum", "zu", "funktioniert", "funktioniert nicht",
        "geht nicht", "geht", "gibt", "gibt es", "heiss", "wasser", "handtuch", "handtucher",
        "schlussel", "tur", "fenster", "licht", "heizung", "klimaanlage", "geruch", "stinkt",
        "klo", "kissen", "decke", "kaffee", "milch", "brot", "eier", "larm", "zu spat",
        "unfreundlich", "hilfsbereit", "bequem", "unbequem", "klein", "gross", "neu",
        "aussicht", "wo", "wann", "wie", "warum", "wer", "kann", "konnen", "immer noch",
        "niemand", "jemand", "uber", "von", "haben", "hat", "hatte", "war", "wird",
        "meckern", "beschweren", "mir", "mich", "mein", "meine", "unser", "unsere", "dieses",
        "diese", "dieser", "vom", "zum", "zur", "beim", "fur", "furs", "doch",
        "empfehlenswert", "empfehlen", "preis", "teuer", "gunstig", "dreckig", "eklig",
        "miserabel", "katastrophe", "unmoglich", "enttauscht", "enttauschend", "toller",
        "tolles", "schones", "schoner", "super aufenthalt", "alles top", "laut",
        "nachts", "geschlafen", "schlafen", "nett", "sehr nett", "gemutlich",
    ),
    "fr": (
        "trop", "pas de", "aucun", "aucune", "jamais", "marche pas", "ne marche pas",
        "fonctionne pas", "fonctionne", "eau", "eau chaude", "serviette", "serviettes", "cle",
        "fenetre", "lumiere", "chauffage", "climatisation", "clim", "odeur",
        "toilettes", "en panne", "panne", "oreiller", "drap", "draps", "couverture", "lait", "oeufs",
        "bruit", "en retard", "impoli", "serviable", "vieux", "vieille", "nouveau", "vue",
        "ou", "quand", "pourquoi", "qui", "peut", "pouvez", "toujours",
        "personne", "quelqu'un", "avoir", "avons", "avez", "ete", "vraiment",
        "adore", "j'adore", "recommande", "je recommande", "prix", "cher", "degoutant",
        "chouette", "impec", "au top", "pas top", "mouais", "ouaip", "de rien", "ca marche",
        "il fait", "fait", "faut", "faudrait", "cet", "cette", "mon",
        "notre", "votre", "dans", "chez", "c'etait super", "y'a trop",
        "bien dormi", "dormi", "nuit", "personnel", "tres sympa", "agreable",
    ),
    "es": (
        "no funciona", "funciona", "no hay", "hay", "agua", "agua caliente", "toalla",
        "toallas", "llave", "puerta", "ventana", "luz", "calefaccion", "aire acondicionado",
        "olor", "huele", "almohada", "sabanas", "manta", "leche", "huevos", "ruidoso",
        "ruidosa", "tarde", "maleducado", "antipatico", "amable", "amables", "incomodo",
        "pequeno", "pequena", "viejo", "nuevo", "donde", "cuando", "como", "por que",
        "porque", "quien", "puede", "pueden", "necesito", "quiero", "otra vez", "todavia",
        "nadie", "alguien", "tengo", "tenemos", "hemos", "estoy", "esta", "estan", "de nada",
        "mucho ruido", "hace", "falta", "recomiendo", "lo recomiendo", "precio", "barato",
        "asqueroso", "besote", "besotes", "besitos", "un beso", "nos encanto", "encanto",
        "decepcionado", "decepcionante", "pesimo", "regular", "mis", "sus",
        "nuestro", "este", "estos", "esto", "eso", "muy rico", "rico", "riquisimo", "lindo",
        "linda", "hermoso", "hermosa", "dormimos", "noche", "personal muy amable",
    ),
    "it": (
        "non funziona", "funziona", "non c'e", "acqua", "acqua calda", "asciugamano",
        "asciugamani", "chiave", "finestra", "luce", "riscaldamento", "aria condizionata",
        "odore", "puzza", "cuscino", "lenzuola", "coperta", "caffe", "pane", "uova",
        "in ritardo", "maleducato", "scortese", "gentile", "gentili", "gentilissimi",
        "scomodo", "piccolo", "piccola", "vecchio", "nuovo", "dove", "quando", "perche",
        "chi", "puo", "potete", "ho bisogno", "vorrei", "ancora", "nessuno", "qualcuno",
        "abbiamo", "ho", "hanno", "sara", "davvero", "consiglio", "lo consiglio", "prezzo",
        "economico", "schifo", "che schifo", "deluso", "delusa", "delusi", "niente da dire",
        "nulla da dire", "nulla", "favoloso", "nel", "nella", "sul", "alla", "questo",
        "questa", "quello", "nostro", "nostra", "anche", "sempre",
        "notte", "dormito", "personale", "simpatici", "carino", "carina",
    ),
}

# Everyday words that only one of the five languages writes: interjections ("boh",
# "ojalá", "tja"), slang greetings ("cimer", "wesh", "klk", "pura vida", "cerea", "na
# du"), SMS abbreviations ("pr", "tkm", "nnt"), frequent adjectives, nouns and verbs of
# hotel stays ("stupenda", "delusione", "literie", "vistas"). They count like LEXICON.
EVERYDAY: dict[str, tuple[str, ...]] = {
    "en": (
        # greetings and interjections, UK/US/Australian slang
        "ey up", "eyup", "ayup", "ay up", "wassup", "whassup", "what's good", "how's it going",
        "how are you", "how are ya", "how ya doing", "hows it going", "how you doing",
        "innit", "cuppa", "ta ra", "ta-ra", "yeah nah", "nah mate",
        "gutted", "bloody", "wicked", "top notch", "spot on", "dead good", "well good",
        "cheeky", "ugh", "ew", "yikes", "whoa", "oops", "oopsie", "thank god", "oh dear",
        "oh no", "what a view", "amazing view", "great view",
        "terrible stay", "what a mess", "total disaster", "such a shame", "shame",
        "cozy", "cosy", "mouldy", "moldy",
        "no wifi", "wifi not working", "not working", "doesn't work", "cold room",
        "cramped", "overpriced", "thx so much",
        "gr8", "l8r", "ikr", "tho", "thru", "cuz", "coz",
    ),
    "de": (
        "guadn morgn", "guadn", "morgn", "guad'n morgn", "guten morgn",
        "na du", "na ihr", "hallo du", "hey du", "na wie gehts", "wie gehts", "wie geht's",
        "gehts", "geht's", "alles roger", "tag auch", "moinmoin", "tachchen zusammen",
        "ach", "ach so", "achso", "tja", "oha", "boah", "pfui", "juhu", "huch",
        "ojemine", "oje", "herrje", "mensch", "krass", "geil", "mega geil", "voll gut",
        "nix los", "zu laut", "zu kalt",
        "zu warm", "zu teuer", "zu klein", "tolle aussicht", "schone aussicht",
        "ausblick", "blick", "enttauschung",
        "eine katastrophe",
        "kein warmes wasser", "wlan",
        "abendessen",
        "billig", "super zimmer",
        "danke dir", "danke euch", "dankeschoen", "dange", "dankö", "vielen vielen dank",
        "bis morgen", "gute reise", "ggf", "bzw", "usw", "evtl", "hab", "habe",
        "gibts", "waren", "wurde", "hatten",
    ),
    "fr": (
        "cimer", "wesh", "wsh", "wesh alors", "ca roule", "yo ca roule", "on dit quoi",
        "ca dit quoi", "quoi", "quoi de neuf", "ca gaze", "la forme", "en forme",
        "bien le bonjour", "bon matin", "matin", "bonne matinee", "salut la compagnie",
        "re bonjour", "rebonjour", "ouf", "oups", "hein", "bref",
        "trop cool", "pas ouf", "c'est ouf", "franchement",
        "carrement bien", "bien vu", "pas mal du tout", "quelle vue",
        "vue magnifique", "belle vue", "lit tres confortable", "tres confortable",
        "tres propre", "tres calme", "tres agreable", "tres beau", "tres belle",
        "tres mal", "tres decu", "tres decue", "tres bruyant", "tres sale", "tres cher",
        "tres gentil", "tres accueillant", "literie", "petit dej", "dej",
        "trop de bruit", "bruyante", "chaleureux", "chaleureuse", "accueillant",
        "accueillante", "agreables", "decevante", "deception", "quelle deception",
        "catastrophique", "galere", "quelle galere", "pourri", "degueulasse", "degueu",
        "rien a dire", "rien a signaler", "ras le bol",
        "ca marche pas", "pas de wifi",
        "merci bcp", "merci pr tt", "pr", "vrmt", "tjr", "mtn", "jpp", "jsuis", "chui",
        "dac", "dak", "ouep", "encore merci", "bonne nuitee",
        "moi aussi", "bonne journee a tous",
    ),
    "es": (
        "pura vida", "klk", "que lo que", "wepa", "epa", "que pasa", "pasa", "que hay",
        "que cuentas", "como estas", "como esta", "como andas", "como va", "que pedo",
        "quiubole", "que hubole", "ojala", "vaya", "oye", "hombre", "madre mia", "que horror",
        "que decepcion", "que bien", "que bonito", "que lindo", "que rico", "bonito",
        "bonita", "chulo", "chula", "preciosa", "comodo", "comoda", "comodos", "incomoda",
        "sucias", "sucios", "vistas", "con vistas", "buenas vistas", "ni fu ni fa",
        "almohadas", "ruidos",
        "guau", "ostia", "hostia", "joder", "jolin", "uy", "buah", "ufff",
        "tkm", "ntc", "mxo", "xfis", "msj", "tmbn", "dsd", "k tal", "ke tal",
        "q pasa", "k pasa", "gracias x todo", "muchas grax",
        "ahi nos vemos", "nos vidrios", "chau chau", "gracias totales",
        "estuvo genial", "estuvo mal", "todo mal", "fatal todo", "un asco", "que asco",
        "asco", "carisimo", "barata", "nunca", "siempre", "tambien", "tampoco",
    ),
    "it": (
        "boh", "mah", "beh", "uffa", "magari", "cerea", "bella zio", "zio", "raga",
        "vabbe", "vabbuo", "cioe", "ecco", "allora", "mica", "proprio", "ci", "ci si vede",
        "si vede", "vede", "non va", "non va niente", "stupenda", "stupendi", "stupende",
        "vista stupenda", "che vista", "vista mare", "bella vista", "che bello", "che bella",
        "che peccato", "peccato", "purtroppo", "comunque", "delusione", "che delusione",
        "una delusione", "disastro", "un disastro", "che disastro",
        "che casino", "schifoso", "schifosa", "orribile", "pessima", "ottimi", "ottime",
        "fantastica", "fantastici", "meraviglia", "una meraviglia", "che meraviglia",
        "benone", "alla grande", "niente di che", "tranquillo", "tranquilla", "stanza",
        "stanze", "pulizia", "posizione", "accoglienza", "pranzo", "rumorosa",
        "sporchi", "sporche", "rotti", "grazie di cuore", "grazie raga", "grazie mille a tutti",
        "tranqui", "cmq grazie", "nnt", "xk", "dv",
        "bellissimi", "bellissime", "belli", "begli", "eh vabbe", "mamma che",
        "wifi non va", "internet non va", "non funziona niente", "era bello", "era bella",
    ),
}

# Common to more than one of the five languages: they decide nothing on their own.
AMBIGUOUS: tuple[str, ...] = (
    "hi", "hey", "ok", "okay", "okey", "okidoki", "super", "top", "hotel", "ciao",
    "ciao ciao", "bye", "bye bye", "thx", "prima", "bonjour hi", "hi bonjour", "bravo",
    "si", "no", "non", "che", "mega", "cool", "wow", "sorry",
    "pardon", "adieu", "salute", "excellent", "impeccable", "terrible",
    "fantastico", "fatal", "genial", "lol", "info", "wifi", "check in", "check out", "test",
    "a", "o", "e", "y", "ole", "ola", "formidable", "horrible", "magnifico", "bien",
    "mal", "extra", "jo", "yo", "bad", "tt", "bello", "bella", "ey", "omg", "wtf", "lmao",
    "late check out", "early check in",
    # international words: the same in every language
    "parking", "pizza", "taxi", "pool", "spa", "bar", "restaurant", "lobby", "minibar",
    "sauna", "wellness", "shuttle", "bus", "email", "e-mail", "sms", "whatsapp", "internet",
    "menu", "reception", "camping", "apartment", "suite", "room service",
    # food and drink known by their Italian, Spanish or French names everywhere
    "espresso", "cappuccino", "latte", "latte macchiato", "macchiato", "mamma mia", "pasta",
    "spaghetti", "tiramisu", "gelato", "prosecco", "tapas", "paella", "sangria", "croissant",
    "baguette", "champagne", "bistro", "cafe", "buffet", "brunch", "sushi", "burger",
    "cocktail", "drink", "party", "stop", "fitness", "golf", "tennis", "ticket", "booking",
    "online", "app", "code", "pin", "team", "job", "smartphone", "selfie", "emoji",
)

# Words that one of the five languages owns, but that a country's speakers also use in
# another language ("Merci" from a Swiss number may be Swiss German; "Hallo" from a
# Belgian or Dutch one, Dutch): with that phone country they decide nothing.
REGIONAL_AMBIGUOUS: dict[str, frozenset[str]] = {
    "CH": frozenset({"merci"}),
    "BE": frozenset({"merci", "hallo"}),
    "LU": frozenset({"merci", "hallo", "salut"}),
    "NL": frozenset({"hallo"}),
}

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
        words = (
            *LEXICON[lang],
            *REGIONAL.get(lang, ()),
            *MARKERS.get(lang, ()),
            *FRAGMENTS.get(lang, ()),
            *EVERYDAY.get(lang, ()),
        )
        for phrase in words:
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

# Typo tolerance: a word of at least TYPO_MIN_LETTERS letters within one edit
# (Damerau: a transposition, insertion, deletion or substitution) of a greeting,
# thanks, farewell or stock word of LEXICON ("danek", "thnaks", "bonjoru"), and of no
# entry of another language nor an ambiguous one, counts for that language -- but only
# when every other word of the message is known (in a message with unknown words it is
# one more unknown word for the detector), and not when the detector is near certain
# of another language (TYPO_VETO). Short words never. Measured on lingua's single words and word pairs (real
# words, no typos: docs/TRAINERS.md): without these limits a typo reading misread
# ~2-5 % of arbitrary word pairs.
TYPO_MIN_LETTERS = 5
# the detector's confidence that vetoes a typo reading: on one misspelt word it is
# often fairly sure of the wrong language ("gracais": fr 0.76), so only near-certainty
TYPO_VETO = 0.9


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


_STOCK = frozenset(
    key[0]
    for lang in LEXICON
    for phrase in LEXICON[lang]
    if len(key := tuple(fold(phrase))) == 1 and len(key[0]) >= TYPO_MIN_LETTERS
)
_NEAR: dict[str, set[str]] = {}  # a word or a word less one letter -> entries
for _key in _TABLE:
    if len(_key) == 1 and len(_key[0]) >= TYPO_MIN_LETTERS - 1:
        for _variant in (_key[0], *_deletes(_key[0])):
            _NEAR.setdefault(_variant, set()).add(_key[0])


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one Damerau edit."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _typo(word: str) -> str | None:
    """The one language whose entries ``word`` is one edit from; "" when near entries
    disagree (or one is ambiguous); None when none is near or the word is short."""
    if len(word) < TYPO_MIN_LETTERS or not word.isalpha():
        return None
    candidates = set(_NEAR.get(word, ()))
    for variant in _deletes(word):
        candidates |= _NEAR.get(variant, set())
    near = {entry for entry in candidates if _one_edit(word, entry)}
    langs = {_TABLE[(entry,)] for entry in near}
    if len(langs) > 1 or "" in langs:
        return ""
    return next(iter(langs)) if near & _STOCK else None


_UMLAUT_SPELLING = re.compile(r"(?<=[a-z])([aou])e|^([aou])e")


def _german_spelling(word: str) -> str | None:
    """German written without umlauts ("tschuess", "schoen"), if that is a German
    entry: "tschuess" -> "tschuss" (folded "tschüss")."""
    if "e" not in word:
        return None
    plain = _UMLAUT_SPELLING.sub(lambda m: m.group(1) or m.group(2), word)
    return "de" if plain != word and _TABLE.get((plain,)) == "de" else None


# Word endings that only one of the five languages writes (folded), for words of at
# least SUFFIX_MIN_LETTERS letters the lists do not hold: superlatives ("comodísima",
# "pulitissimo"), German abstract nouns and adjectives ("Sauberkeit", "gemütlich").
SUFFIX_MIN_LETTERS = 7
SUFFIXES: dict[str, tuple[str, ...]] = {
    "en": ("fully", "ness"),
    "de": ("keit", "heit", "lich", "lichen", "ungen"),
    "fr": ("euse", "euses", "aient"),
    "es": ("isimo", "isima", "isimos", "isimas", "cion", "ciones"),
    "it": ("issimo", "issima", "issimi", "issime", "zione", "zioni"),
}
_SUFFIX = {end: lang for lang, ends in SUFFIXES.items() for end in ends}
_SUFFIX_LENGTHS = sorted({len(end) for end in _SUFFIX}, reverse=True)


def _suffix(word: str) -> str | None:
    if len(word) < SUFFIX_MIN_LETTERS:
        return None
    for n in _SUFFIX_LENGTHS:
        lang = _SUFFIX.get(word[-n:])
        if lang:
            return lang
    return None


# Gender and number of Italian and Spanish words: an unknown word whose other form is a
# one-word entry of that language (of at least INFLECTION_MIN_LETTERS letters) counts
# for it ("stupenda", "puliti", "rotti" from "stupendo", "pulito", "rotto"; "limpias",
# "comodos", "excelentes" from "limpio", "comodo", "excelente").
INFLECTION_MIN_LETTERS = 5
INFLECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    # (ending of the unknown word, ending of the entry)
    "it": (("a", "o"), ("i", "o"), ("i", "e")),  # not "-e": French, English "quelle", "state"
    "es": (("a", "o"), ("os", "o"), ("as", "o"), ("as", "a"), ("es", "e"), ("s", "")),
}


def _inflected(word: str) -> str | None:
    """The language whose entry ``word`` is another gender or number of (see
    INFLECTIONS); None when there is none or two languages claim it."""
    if len(word) < INFLECTION_MIN_LETTERS:
        return None
    found = set()
    for lang, pairs in INFLECTIONS.items():
        for end, base in pairs:
            if word.endswith(end):
                entry = word[: len(word) - len(end)] + base
                if len(entry) >= INFLECTION_MIN_LETTERS and _TABLE.get((entry,)) == lang:
                    found.add(lang)
    return found.pop() if len(found) == 1 else None


def _lookup(word: str) -> str | None:
    """A word the phrase table does not hold: elongated ("merciii"), German umlauts
    spelled out ("tschuess"), a one-language ending ("riquísimo"), or another gender or
    number of an Italian or Spanish entry ("pulite"). "" ambiguous, None unknown."""
    lang = _SQUEEZED.get(_squeeze(word)) if len(word) > 3 else None
    if lang is None:
        lang = _german_spelling(word)
    if lang is None:
        lang = _suffix(word)
    if lang is None:
        lang = _inflected(word)
    return lang


# Letters and marks that only one of the five languages writes (folding drops them, so
# they are read from the text before folding): a word with one of them counts for that
# language even when the lists do not hold it ("très", "ça", "più", "más", "für") or
# hold its unaccented twin for another language ("però" Italian, not Spanish "pero").
# A word the lists call ambiguous stays so ("Sí", "Sì": accents are typed loosely).
# "é" and "à" are French, Italian and Spanish alike, so they say nothing; "è" is
# Italian at the end of a word ("è", "caffè", "cioè") and French inside one ("très",
# "problème"); "ù" is Italian ("più", "giù") except in French "où"; "ü" is German
# except after "g" before "e"/"i" (Spanish "vergüenza", "pingüino"). "¿" and "¡" are
# Spanish wherever they stand.
_MARKS = (
    ("es", re.compile(r"[ñáíóú]|gü(?=[ei])")),
    ("fr", re.compile(r"[çâêîôûëïœæ]|è(?=\w)|^où$")),
    ("it", re.compile(r"[ìò]|è$|(?<!^o)ù$")),
    ("de", re.compile(r"[äöß]|(?<!g)ü|gü(?![ei])")),
)
_SPANISH_PUNCTUATION = re.compile("[¿¡]")
_PORTUGUESE = re.compile("[ãõ]")


def _marked(text: str) -> dict[str, str]:
    """{folded word: language} for the words of ``text`` (Latin letters, two or more
    different) written with a letter only one language uses (see _MARKS); a word marked
    for two languages is left out."""
    out: dict[str, str] = {}
    nfc = unicodedata.normalize("NFC", text.translate(_APOSTROPHES)).lower()
    if _PORTUGUESE.search(nfc):  # "ã", "õ": Portuguese, whose accents are ours too
        return {}
    for token in _TOKEN.findall(nfc):
        if len(_squeeze(token)) < 2 or not all(
            "a" <= ch <= "z" or "\u00df" <= ch <= "\u017f" for ch in token
        ):
            continue  # a word of Latin letters, not a lone or repeated letter ("ç", "ÿÿÿ")
        langs = {lang for lang, pattern in _MARKS if pattern.search(token)}
        if len(langs) != 1:
            continue
        lang = langs.pop()
        for word in fold(token):
            out[word] = lang if out.get(word, lang) == lang else ""
    return {word: lang for word, lang in out.items() if lang}


def _match(
    words: list[str],
    regional: frozenset[str] = frozenset(),
    marked: dict[str, str] | None = None,
) -> tuple[set[str], int, list[str], dict[str, str]]:
    """Greedy longest match: (languages named, ambiguous matches, words not in the
    lexicon, {typo: its language} among those). Words in ``regional``
    (REGIONAL_AMBIGUOUS of the phone's country) are ambiguous when they stand alone;
    unknown words and one-word matches of a language in ``marked`` (see _marked) count
    for the language their letters name."""
    marked = marked or {}
    langs: set[str] = set()
    ambiguous = 0
    unknown: list[str] = []
    typos: dict[str, str] = {}
    i = 0
    while i < len(words):
        for n in range(min(_LONGEST, len(words) - i), 0, -1):
            lang = _TABLE.get(tuple(words[i : i + n]))
            if lang is not None:
                if n == 1 and words[i] in regional:
                    lang = ""
                if n == 1 and lang and words[i] in marked:
                    lang = marked[words[i]]
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
            lang = marked.get(word) or _lookup(word)
            if lang is None and (typo := _typo(word)) is not None:
                lang = None if typo else ""
                typos[word] = typo
            if lang:
                langs.add(lang)
            elif lang is None:
                unknown.append(word)
            else:
                ambiguous += 1
            i += 1
    return langs, ambiguous, unknown, {w: lang for w, lang in typos.items() if lang}


# Not the guest's words: links, e-mail addresses, file names, markup, @mentions.
_NOISE = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"  # URLs
    r"|[\w.+-]+@[\w-]+\.[\w.-]+"  # e-mail addresses
    r"|\b[\w-]+(?:\.[\w-]+)+/\S*"  # a domain with a path: example.com/photos/room.jpg
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?-i:com|net|org|de|fr|es|it|ch|at|eu|info|uk|us|io|be|nl)\b\S*"
    r"|\b[\w-]+\.(?:jpe?g|png|gif|heic|webp|pdf|docx?|xlsx?|txt|html?|mp4|mov)\b"  # files
    r"|<[^<>]{0,200}>|&#?\w{1,10};"  # markup tags, entities
    r"|[@#]\w+",  # @mentions, #tags
    re.IGNORECASE,
)


def strip_noise(text: str) -> str:
    """``text`` without links, e-mail addresses, file names, markup and @mentions,
    each replaced by a space: what is left is the guest's own words."""
    return _NOISE.sub(" ", text)


def opener_language(
    text: str,
    supported: tuple[str, ...] | list[str],
    detector: LanguageDetector | None = None,
    *,
    min_confidence: float = MIN_CONFIDENCE,
    ignore: str = "",
    region: str | None = None,
) -> str | None:
    """The language a short first message is written in, or None when it does not
    say (empty, digits, emoji, links, only ambiguous words, or the detector is unsure).
    Words of ``ignore`` (the hotel's name: "Hotel Alpenhof") say nothing about the
    guest; ``region`` is the phone number's country ("CH": "Merci" alone says nothing,
    see REGIONAL_AMBIGUOUS). Never raises on any string."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_CHARS:
        return None
    skip = set(fold(ignore)) if isinstance(ignore, str) and len(ignore) <= MAX_CHARS else set()
    words = [w for w in fold(strip_noise(text)) if w not in skip]
    if not words or len(words) > MAX_WORDS:
        return None
    regional = REGIONAL_AMBIGUOUS.get(region or "", frozenset())
    langs, _, unknown, typos = _match(list(words), regional, _marked(text))
    if _SPANISH_PUNCTUATION.search(text):  # "¿" and "¡": only Spanish writes them
        langs.add("es")
    if typos and len(typos) == len(unknown):  # the only unknown words are typos
        langs |= set(typos.values())
        if len(langs) == 1 and detector is not None:  # unless the detector is sure of another
            result = detector.detect(" ".join(words))
            if result is not None and result[0] not in langs and result[1] >= TYPO_VETO:
                return None
        unknown = []
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
