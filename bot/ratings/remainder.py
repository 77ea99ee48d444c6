"""What a guest said besides their ratings: does a message carry a comment?

`remainder(text, lang)` blanks the rating phrases the parser finds (`without_ratings`:
"room 5", "4 out of 5", "★★★★☆", "das Frühstück leider nur 2"), drops greeting phrases
("good evening", "buenas noches") and then sorts the remaining words:

* ignored — function words, rating talk ("I'd give it", "ich würde sagen"), social words
  ("thanks", "merci", "ok"), intensifiers ("very", "sehr"): they say nothing about the stay;
* evaluative — a bare judgement ("good", "great", "lovely", "gut", "nul", "ottimo");
* generic — the stay as a whole ("stay", "hotel", "Aufenthalt", "séjour", "soggiorno");
* content — everything else ("eggs", "cold", "douche", "froide", "rude", "pool").

A message carries a comment (`Remainder.substantial`) when two content words are left,
or one content word with a judgement or a word for the stay: "the eggs were cold", "la
douche était froide", "Lovely stay, quiet room", "the pool was nice", "great staff",
"the hotel was dirty" do; "5, very good", "4 out of 5", "I would say 4", "thanks!",
"super toll", "breakfast 2", "I'd like to give feedback about my stay" do not. Any two
words the lists do not know count, so two words of nonsense are a comment too. All five languages'
lists apply whatever the conversation language (guests mix languages). Topics are not
needed: the decision is made from the words alone (bot/insights only annotates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.ratings.parser import without_ratings


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Greeting and farewell phrases, removed before counting ("good evening" is not "good").
_GREETINGS = re.compile(
    r"(?<!\w)(?:good\s+(?:morning|afternoon|evening|night|day)|guten\s+(?:morgen|tag|abend)"
    r"|gute\s+nacht|schonen\s+(?:tag|abend)|gru(?:ss|ess)\s+(?:gott|dich|euch)|bonne\s+(?:journee|soiree|nuit)"
    r"|buen(?:os|as)\s+(?:dias|tardes|noches)|buona\s+(?:giornata|serata|notte)"
    r"|thank\s+you|many\s+thanks|vielen\s+dank|merci\s+beaucoup|muchas\s+gracias|grazie\s+mille"
    r"|have\s+a\s+nice\s+day|see\s+you)(?!\w)"
)

# Words that say nothing about the stay: articles, pronouns, auxiliaries, prepositions,
# conjunctions, rating talk, social words, intensifiers (normalised: no accents).
IGNORED: frozenset[str] = _set(
    """
    a an the this that these those it its it's i me my mine we us our you your he she they them
    their is was were are be been being am do did does done have has had having will would shall
    should can could may might must s d ll ve re m t not
    and or but so if then than as at by for from in into of off on onto out over to up with
    about around also too just only really very quite pretty rather bit little much more most
    all any some every everything nothing something anything here there when while which who
    what how why yes yeah yep no nope ok okay okey sure fine well oh ah hmm hm um uh
    hi hello hey bye goodbye thanks thank thx ty please pls cheers welcome dear sir madam
    give gave given rate rated rating score scored say said think guess maybe probably perhaps
    like would tell want wanted let know idea star stars point points number out overall
    der die das den dem des ein eine einen einem einer eines ich mir mich mein meine wir uns
    unser unsere sie ihr ihre ihnen er es sein seine war waren ist sind bin bist hat haben hatte
    hatten wird werden wurde wurden kann konnte konnen muss mussen soll sollte und oder aber
    doch denn wenn dann als wie so auch nur noch schon sehr ganz ziemlich etwas viel mehr alles
    nichts mit von zu zum zur fur fuer auf an am im in aus bei nach uber unter vor ja nein
    nee jo okay hallo servus moin gruezi tschuss danke dankeschon bitte gerne gern geben gebe
    gebe wurde wuerde sagen sage meine denke vielleicht wohl punkte sterne note insgesamt
    le la les l un une des du de d je j me m moi mon ma mes nous notre nos vous votre vos il
    elle ils elles on ce c cet cette ces est etait etaient sont suis ai as avons avez ont
    avait sera serait et ou mais donc car si alors que qu qui quoi comme aussi tres trop assez
    peu plus tout tous toute toutes rien quelque chose avec pour par sur sous dans chez a au
    aux en y oui non ouais merci bonjour bonsoir salut coucou svp stp donne donnerais mets
    dirais dire pense peut etre note etoiles
    el la los las lo un una unos unas yo me mi mis nosotros nuestro nuestra vosotros usted su
    sus es era eran fue fueron son soy estoy esta estaba estaban he ha han hemos habia y o
    pero porque si entonces que quien como tambien muy mas menos todo toda todos todas nada
    algo con para por sobre en de del al hola buenas adios gracias vale claro doy daria diria
    creo quizas tal vez nota estrellas
    il lo la i gli le un uno una io mi mio mia miei noi ci nostro nostra voi vostro lei suo
    sua e era erano fu sono sei siamo ho hai ha abbiamo hanno aveva stato stata ed o ma
    perche se allora che chi come anche molto troppo piu meno tutto tutta tutti tutte niente
    nulla qualcosa con per da su in di del della dei al alla nel nella ciao salve buongiorno
    buonasera grazie prego si va bene do darei direi penso forse voto stelle
    sorry meant mean actually wait typo correction meinte eigentlich entschuldigung korrektur
    pardon desole desolee voulais attends perdon quise queria decir espera scusa scusate
    intendevo volevo anzi cioe aspetta
    skip next pass stop help weiter uberspringen nachste passer suivant suivante saltar
    siguiente salta passa prossima
    supposed answer question questions understand write ask meaning
    verstehe frage fragen antwort antworten schreiben comprends comprend reponse reponses
    ecrire pregunta preguntas respuesta entiendo escribir domanda domande risposta capisco
    scrivere
    feedback opinion review comment comments share meinung bewertung ruckmeldung kommentar
    mochte gerne meinem meinen meiner unserem unseren erzahlen avis retour commentaire
    voudrais donner partager opinion comentario valoracion quisiera dar contar compartir
    parere giudizio opinione commento vorrei dare lasciare raccontare sul sulla sullo
    """
)

# A bare judgement: on its own it is a rating in words, not a comment.
EVALUATIVE: frozenset[str] = _set(
    """
    good great nice lovely excellent perfect amazing awesome fantastic wonderful super top
    best brilliant outstanding superb bad poor terrible awful horrible worst dreadful mediocre
    average decent satisfied happy unhappy disappointed disappointing loved love liked enjoyed
    gut toll super klasse prima perfekt hervorragend ausgezeichnet wunderbar schon schlecht
    furchtbar schrecklich mies enttauscht enttauschend zufrieden unzufrieden
    bon bonne bons bonnes bien super genial parfait parfaite excellent excellente top mauvais
    mauvaise nul nulle horrible decevant decevante decu decue content contente satisfait
    bueno buena buenos buen bien genial perfecto perfecta excelente estupendo fatal malo
    mala pesimo horrible decepcionante contento contenta encantado encanto
    buono buona bene ottimo ottima perfetto perfetta eccellente bellissimo bello bella brutto
    brutta pessimo pessima orribile deludente contento soddisfatto
    """
)


# The stay as a whole: counts with one content word ("the hotel was dirty") but two of
# them are no comment ("my opinion about my stay at the hotel").
GENERIC: frozenset[str] = _set(
    """
    stay hotel holiday holidays trip visit time experience everything
    aufenthalt hotel urlaub reise besuch zeit alles
    sejour hotel vacances voyage visite tout
    estancia estadia hotel vacaciones viaje visita todo
    soggiorno albergo hotel vacanza viaggio visita tutto
    """
)


@dataclass(frozen=True)
class Remainder:
    content: tuple[str, ...]  # normalised words that say something about the stay
    evaluative: tuple[str, ...]  # bare judgements ("good", "nul")
    generic: tuple[str, ...] = ()  # the stay as a whole ("stay", "Aufenthalt", "hotel")

    @property
    def substantial(self) -> bool:
        """True when the words besides the ratings make a comment: two content words,
        or one with a judgement or a word for the stay."""
        return len(self.content) >= 2 or (len(self.content) >= 1 and bool(self.evaluative or self.generic))


_WORD = re.compile(r"[^\W\d_]+")
_UNSPACED = re.compile("[\u0e00-\u0eff\u2e80-\ua4cf\uac00-\ud7af]")  # Thai, Lao, CJK, Hangul


def _unspaced(word: str) -> bool:
    return any(
        "\u0e00" <= c <= "\u0eff" or "\u2e80" <= c <= "\ua4cf" or "\uac00" <= c <= "\ud7af" for c in word
    )


def remainder(text: str, lang: str) -> Remainder:
    """The words of `text` besides its ratings, sorted (see the module docstring)."""
    rest = _GREETINGS.sub(" ", without_ratings(text, lang))
    content: list[str] = []
    evaluative: list[str] = []
    generic: list[str] = []
    for word in _WORD.findall(rest):
        if _unspaced(word):  # Chinese, Japanese, Thai... write without spaces: 2 characters a word
            content.extend(word[i : i + 2] for i in range(0, len(word), 2))
        elif len(word) >= 2 and word not in IGNORED:
            kind = evaluative if word in EVALUATIVE else generic if word in GENERIC else content
            kind.append(word)
    return Remainder(tuple(content), tuple(evaluative), tuple(generic))
