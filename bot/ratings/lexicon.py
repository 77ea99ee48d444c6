"""Words the rating parser knows, in English, German, French, Spanish and Italian.

Everything here is matched against *normalised* text (see `bot.ratings.text`): case-folded,
accents removed ("fünf" -> "funf", "très" -> "tres", "habitación" -> "habitacion"), so the
entries are written without accents. Strings in the `*_PATTERNS` tuples are regular-expression
fragments (joined with `|` and wrapped in word boundaries by `bot.ratings.mentions` and
`bot.ratings.parser`); plain word sets are compared word by word.

All languages are always understood (guests mix languages); the conversation language only
decides the few words that mean a number in one language and something else in another
(`FALSE_FRIENDS`).
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it")

# --- numbers -----------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    """Whitespace-separated words or regex fragments (fragments use \\s, never a space)."""
    return tuple(text.split())


# The numbers 0 to 10, in order, per language.
_ZERO_TO_TEN: dict[str, str] = {
    "en": "zero one two three four five six seven eight nine ten",
    "de": "null eins zwei drei vier funf sechs sieben acht neun zehn",
    "fr": "zero un deux trois quatre cinq six sept huit neuf dix",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve diez",
    "it": "zero uno due tre quattro cinque sei sette otto nove dieci",
}
NUMBER_WORDS: dict[str, int] = {
    word: value for words in _ZERO_TO_TEN.values() for value, word in enumerate(words.split())
} | {"ein": 1, "eine": 1, "zwo": 2, "fuenf": 5, "une": 1, "una": 1, "quatro": 4}

# Number words that are also articles or common words ("un hôtel", "eine 4", "sei stato",
# "the one with the view"). Outside a rating phrase ("una stella", "un sur cinq", "uno e
# mezzo") they only count when no other word or number follows them.
ARTICLE_LIKE: frozenset[str] = frozenset(_words("one ein eine un une uno una sei"))

# Words allowed right after an article-like number word ("uno per la camera", "one, ...").
AFTER_ARTICLE_LIKE: frozenset[str] = frozenset(
    _words("for fur fuer pour para por per and und et y e or oder ou o")
)

# number word -> conversation languages in which it is NOT read as a number
# ("très bien", "due to", "mal de dos", "Sept 2024").
FALSE_FRIENDS: dict[str, frozenset[str]] = {
    "tres": frozenset({"fr"}),
    "due": frozenset({"en"}),
    "dos": frozenset({"fr"}),
    "sept": frozenset({"en"}),
}

# Phrases that contain a number word but are not numbers ("tout neuf" = brand new).
NOT_NUMBER_PATTERNS: tuple[str, ...] = _words(
    r"""
    toute?s?\s+neu(?:f|ve)s?  flambant\s+neu(?:f|ve)s?  (?:remis|remise|refait|refaite)s?\s+a\s+neuf
    no\s+one  any\s+one  some\s+one  every\s+one
    """
)

# --- around numbers --------------------------------------------------------------------------

# "four and a half", "viereinhalb", "vier komma fünf", "quatre et demi", "cuatro y medio",
# "quattro e mezzo", "3½", "3 1/2" (the base number comes before the suffix).
HALF_SUFFIX_PATTERNS: tuple[str, ...] = _words(
    r"""
    \s*½  \s+1/2
    \s+and\s+a\s+half  \s+and\s+half  \s+point\s+five
    \s*einhalb  \s+und\s+(?:ein\s+)?halb  \s*komma\s*(?:funf|fuenf|5)
    \s+et\s+demie?  \s+virgule\s+cinq
    \s+y\s+medi[oa]  \s+(?:coma|punto)\s+cinco
    \s+e\s+mezz[oa]  \s+(?:virgola|punto)\s+cinque
    """
)
# Numbers that are halves on their own.
HALF_WORDS: dict[str, float] = {"anderthalb": 1.5}

# "x out of y": "8/10", "8 out of 10", "4 of 5", "4 von 5", "8 sur 10", "cuatro de cinco",
# "ocho sobre diez", "8 su 10" (word separators need spaces around them).
SCALE_SEPARATOR_PATTERNS: tuple[str, ...] = _words(r"out\s+of of over von aus sur de sobre su")

# "3-4", "3 or 4", "3 to 4", "3 bis 4", "3 ou 4", "3 o 4", "3 u 4", "3 a 4".
RANGE_SEPARATOR_PATTERNS: tuple[str, ...] = _words("or to oder bis ou o u a")
# "between 3 and 4", "zwischen 3 und 4", "entre 3 et 4", "entre 3 y 4", "tra 3 e 4".
BETWEEN_PATTERNS: tuple[str, ...] = _words("between zwischen entre tra fra")
BETWEEN_AND_PATTERNS: tuple[str, ...] = _words("and und et y e")

STAR_UNIT_PATTERNS: tuple[str, ...] = _words(r"stars? stern(?:e|en)? etoiles? estrellas? stell[ae]")
POINT_UNIT_PATTERNS: tuple[str, ...] = _words(r"points? pts? punkte?n? pkt puntos? punti")
PERCENT_PATTERNS: tuple[str, ...] = _words(
    r"% percent per\s*cent prozent pour\s*cent por\s*ciento per\s*cento"
)

# A number followed by one of these is a count, a price or a time, never a rating.
NOISE_UNIT_PATTERNS: tuple[str, ...] = _words(
    r"""
    nights? nacht nachte(?:n)? nuits? noches? nott[ei]
    days? tage?n? jours? dias? giorn[oi]
    weeks? wochen? semaines? semanas? settiman[ae]
    people persons? personen personnes? personas? persone
    adults? erwachsene adultes? adultos? adulti
    kids? children kinder(?:n)? enfants? ninos? bambini
    euros? eur chf dollars? pounds? € \$ £
    minutes? mins? minuten minutos? minuti
    hours? hrs? stunden? heures? horas? ore
    years? jahren? ans anos anni
    times mal fois veces volte
    am pm uhr h o'?clock
    floor stock etage piso piano
    """
)
# A number after one of these is a floor or reference number or a price.
NOISE_PREFIX_PATTERNS: tuple[str, ...] = _words(r"floor etage stockwerk piso planta piano nr\.?")

# --- topics ----------------------------------------------------------------------------------

# question id -> fragments naming it. Only ids present in the tenant's scales are used.
# Nouns only: adjectives ("clean", "sauber") are too often plain description.
TOPIC_PATTERNS: dict[str, tuple[str, ...]] = {
    "overall": _words(
        r"""
        overall stay in\s+general general(?:ly)? altogether hotel
        aufenthalt\w* insgesamt gesamt\w* allgemein
        sejour global(?:e|ement)? dans\s+l'?\s*ensemble en\s+general
        estancia estadia general
        soggiorno complessiv\w* in\s+generale nel\s+complesso generale albergo
        """
    ),
    "room": _words(r"rooms? zimmer\w* chambres? habitacion(?:es)? camer[ae] stanz[ae]"),
    "cleanliness": _words(
        r"""
        cleanliness cleaning hygiene sauberkeit reinigung proprete menage limpieza higiene
        pulizi[ae] igiene
        """
    ),
    "staff": _words(
        r"""
        staff service personnel reception team employees
        personal mitarbeiter\w* rezeption empfang
        accueil servicio recepcion atencion empleados
        personale servizio accoglienza
        """
    ),
    "breakfast": _words(
        r"breakfast fr(?:u|ue)hst(?:u|ue)ck\w* p(?:e|')?tits?[\s-]*dej(?:euner)?s? desayunos? colazion[ei]"
    ),
    "location": _words(
        r"location lage standort emplacement localisation ubicacion localizacion posizione ubicazione"
    ),
    # Verbs as well as nouns: "I'd recommend it", "weiterempfehlen", "empfohlen", "je le
    # recommande", "lo recomendaría", "lo recomiendo", "lo consiglierei", "la raccomando".
    "recommend": _words(
        r"""
        recommend\w* (?:weiter(?:\s*|zu))?empf(?:e|ie)hl\w* (?:weiter\s*)?empfohlen\w*
        recommand\w* recomend\w* recomiend\w* raccomand\w* consigl\w*
        """
    ),
}

# Words allowed between a topic and its number: "room: 5", "the room was a 4", "the breakfast
# only gets a 2", "das Zimmer bekommt 5", "la chambre était à 5", "la habitación le doy un 5",
# "el desayuno merece un 2", "la camera è 5". Together with the phrases below, at most four
# (a phrase counts as one) and nothing else may stand between them.
TOPIC_NUMBER_FILLERS: frozenset[str] = frozenset(
    _words(
        """
        is was were are i d id would give gives gave rate rated it a an the my our score rating
        gets get deserves earns receives solid
        ist war waren sind das der die den dem ich gebe geben wurde eine ein einen note bewertung
        bekommt kriegt erhalt verdient gibt es mit
        est etait c ce je donne donnerais mets mettrais la le les l lui un une merite vaut obtient
        recoit
        fue era estaba doy daria pongo pondria el los las una nota merece saca obtiene recibe
        e stata stato do darei metto metterei il lo gli voto merita meriterebbe da prende ottiene
        riceve
        """
    )
)  # (Italian "è" is "e" once accents are removed)

# Adverbs that qualify the number ("only", "at least", "unfortunately"), also allowed between
# a topic and its number: "das Frühstück leider nur 2", "breakfast only a 2", "le petit-déj
# seulement 2", "el desayuno solo un 2", "la colazione almeno 3". After "but" too ("aber nur",
# "but only", "mais seulement", "pero solo", "ma solo"), but "but" on its own is not a filler:
# "nice room but 3 overall" does not rate the room.
RATING_ADVERB_PATTERNS: tuple[str, ...] = _words(
    r"""
    only just barely unfortunately sadly at\s+least
    nur bloss leider immerhin wenigstens hochstens knapp
    seulement juste malheureusement au\s+moins quand\s+meme tout\s+de\s+meme
    solo solamente apenas lamentablemente desgraciadamente al\s+menos por\s+lo\s+menos
    soltanto appena purtroppo almeno
    """
)
BUT_PATTERNS: tuple[str, ...] = _words("but aber doch mais pero ma")

# Phrases allowed between a topic and its number, each counted as one word: "with a" (and
# "mit einer", "avec un", "con un": "lo recomendaría con un 9"; "with"/"avec"/"con" alone are
# not fillers: "habitación con 2 camas"), "von mir" ("bekommt von mir eine 2"), French "ne ...
# que" ("ne mérite qu'un 2"), reflexive verbs ("se merece un 2", "si merita un 2").
TOPIC_NUMBER_PHRASE_PATTERNS: tuple[str, ...] = _words(
    r"""
    with\s+an?
    mit\s+(?:einer|einem|eine|ner) von\s+mir
    avec\s+une?
    (?:ne\s+|n')(?:lui\s+)?(?:merite|vaut|obtient|recoit|donne|donnerais|mets|mettrais)\s+qu(?:e|(?='))
    con\s+una? se\s+(?:merece|mereceria|merecia|lleva|llevaria|gana|ganaria)
    si\s+(?:merita|meriterebbe|prende|prenderebbe|becca)
    """
)

# Topics named by a verb (`TOPIC_PATTERNS`), mapped to the topic they take as their object:
# "I'd recommend the hotel with a 9", "je recommande l'hôtel avec un 9", "consiglierei questo
# albergo con un 9" rate the verb's topic, not the object's. Between verb and object only
# `TOPIC_NUMBER_FILLERS` and these demonstratives are allowed (no punctuation).
VERB_OBJECT_TOPICS: dict[str, str] = {"recommend": "overall"}
VERB_OBJECT_FILLERS: frozenset[str] = frozenset(
    _words("this that dieses diesen diese dies cet cette ces este esta ese questo questa quest quel")
)
# German puts the verb last: "ich würde es mit einer 9 weiterempfehlen", "mit 9 von 10 würde
# ich es empfehlen". A number after one of `WITH_PATTERNS` and before a verb topic (with at
# most these words between) belongs to the verb, unless a topic other than the verb's object
# comes right before ("das Zimmer mit 4 Sternen würde ich empfehlen" rates the room). Other
# languages put the verb first.
WITH_PATTERNS: tuple[str, ...] = _words(r"mit(?:\s+(?:einer|einem|eine|ner))?")
VERB_FINAL_FILLERS: frozenset[str] = frozenset(_words("wurde werde kann konnte ich wir es ihn sie das"))

# A number followed by a topic needs one of these in between: "5 for the room" ...
NUMBER_TOPIC_PREPOSITIONS: frozenset[str] = frozenset(
    _words("for on fur fuer furs fuers zum zur pour au aux a para por al per alla allo")
)
# ... and may contain these besides.
NUMBER_TOPIC_FILLERS: frozenset[str] = frozenset(
    _words("the my our das der die den dem la le les l du des de el los las del il lo gli i della stars star")
)

# --- corrections -----------------------------------------------------------------------------

# Always a correction.
CORRECTION_PATTERNS: tuple[str, ...] = _words(
    r"""
    i\s+meant meant\s+to\s+(?:say|type|write) no,?\s+wait correction make\s+(?:that|it)
    change\s+(?:that|it)\s+to typo
    (?:ich\s+)?meinte nein,?\s+warte korrektur korrigiere vertippt verschrieben
    (?:je\s+)?voulais\s+dire non,?\s+attends je\s+corrige
    quise\s+decir queria\s+decir no,?\s+espera corrijo correccion
    intendevo volevo\s+dire no,?\s+aspetta anzi correggo correzione
    """
)
# A correction only when a rating follows closely ("actually 4", "sorry, 3"): on their own
# these words are too common ("actually quite nice", "sorry for the late answer").
WEAK_CORRECTION_PATTERNS: tuple[str, ...] = _words(
    r"""
    actually sorry i\s+mean wait
    eigentlich entschuldigung ich\s+meine warte
    en\s+fait pardon desolee? attends je\s+veux\s+dire
    en\s+realidad perdon lo\s+siento espera quiero\s+decir
    in\s+realta scusa(?:te)? aspetta cioe
    """
)

# --- words without numbers -------------------------------------------------------------------

# Rating-like words. Deliberately short: "nice", "good", "ok", "bien" are left out (too common).
QUALITATIVE_PATTERNS: tuple[str, ...] = _words(
    r"""
    great excellent perfect amazing fantastic terrible awful horrible dreadful bad poor mediocre
    super toll klasse hervorragend ausgezeichnet perfekt gut schlecht furchtbar schrecklich
    katastrophal mies mittelmassig
    genial(?:e|es|s)? excellente?s? parfaite?s? nul(?:le)?s? horribles? terribles? mauvaise?s?
    mediocres? catastrophiques? affreux affreuses? decevante?s?
    excelentes? perfect[oa]s? estupend[oa]s? fatal pesim[oa]s? mal[oa]s? malisim[oa]s?
    fantastic[oa]s?
    ottim[oaie] eccellent[ei] perfett[oaie] fantastic[oaie] pessim[oaie] terribil[ei] orribil[ei]
    schifo bellissim[oaie] scars[oaie]
    """
)
# qualitative word -> conversation languages in which it means something else ("das Bad").
QUALITATIVE_FALSE_FRIENDS: dict[str, frozenset[str]] = {"bad": frozenset({"de"})}

# Emoticons typed as text.
EMOTICON_PATTERN = r"(?<!\w)[:;=]-?[()dp](?!\w)|<3"
