"""When a conversation goes to staff. Pure functions over one turn.

Reasons, in priority order:
- `urgent`: an in-stay problem that cannot wait (water leak, fire or smoke, gas,
  injury or illness, locked out, safety) — word lists in the five languages below;
- `request`: the guest asks for a person (NLU intent `request_human`);
- `low_rating`: a rating at or below the tenant threshold (the engine's `low_score`);
- `complaint`: a complaint in words: the sentiment model (`bot.insights.analyse`, in the
  conversation's language) finds the comment negative about a concrete topic ("the
  shower was cold"); the word lists below are the backstop for what the model misses
  (with negation: "not bad" is not negative), unless the model found the comment
  positive ("nothing bad to say, lovely staff");
- `misunderstood`: the tenant's number of misunderstandings in a row.

The word lists are deliberately explicit and small: each entry is a test case
(tests/bot/handover/test_triggers.py), and a miss is cheap — the guest can always ask
for a person. Every language's list is checked, whatever the conversation language,
because guests mix languages when upset.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.insights import Analysis, analyse
from bot.tenants.handover_policy import HandoverPolicy

# Whole words or phrases; an entry ending in "*" is a stem ("überschwemm*" matches
# "überschwemmt").
URGENT: dict[str, tuple[str, ...]] = {
    "en": (
        "leak", "leaking", "flood", "water everywhere", "burst pipe", "fire", "smoke",
        "smell of gas", "smells of gas", "gas smell", "injured", "injury", "bleeding",
        "ambulance", "need a doctor", "i am ill", "i'm ill", "very sick", "fainted", "emergency",
        "locked out", "lock myself out", "can't get into my room", "cannot get into my room",
        "intruder", "someone broke in", "unsafe", "help me now",
    ),
    "de": (
        "leck", "undicht", "wasserschaden", "überschwemm*", "rohrbruch", "feuer", "brand",
        "rauch", "gasgeruch", "riecht nach gas", "verletzt", "verletzung", "blute*",
        "krankenwagen", "notarzt", "brauche einen arzt", "bin krank", "ohnmächtig", "notfall",
        "ausgesperrt", "komme nicht in mein zimmer", "komme nicht ins zimmer", "einbruch",
        "eingebrochen", "unsicher",
    ),
    "fr": (
        "fuite", "inondation", "inondé", "dégât des eaux", "incendie", "feu", "fumée",
        "odeur de gaz", "blessé", "blessure", "je saigne", "ambulance", "besoin d'un médecin",
        "je suis malade", "malaise", "urgence", "enfermé dehors", "bloqué dehors",
        "je ne peux pas entrer dans ma chambre", "cambriol*", "intrus", "pas en sécurité",
    ),
    "es": (
        "fuga", "gotera", "inundación", "inundado", "incendio", "fuego", "humo",
        "olor a gas", "herido", "herida", "sangrando", "ambulancia", "necesito un médico",
        "estoy enfermo", "estoy enferma", "desmay*", "emergencia", "me quedé fuera",
        "no puedo entrar en mi habitación", "no puedo entrar a mi habitación", "intruso",
        "robo en mi habitación", "inseguro",
    ),
    "it": (
        "perdita d'acqua", "perde acqua", "allagat*", "allagamento", "incendio", "fuoco",
        "fumo", "odore di gas", "ferito", "ferita", "sanguin*", "ambulanza", "ho bisogno di un medico",
        "sto male", "svenut*", "emergenza", "chiuso fuori", "rimasto fuori",
        "non riesco a entrare in camera", "intruso", "furto in camera", "non mi sento sicur*",
    ),
}  # fmt: skip

NEGATIVE: dict[str, tuple[str, ...]] = {
    "en": (
        "terrible", "awful", "horrible", "disgusting", "dirty", "filthy", "worst",
        "unacceptable", "rude", "appalling", "disappointed", "disappointing", "furious",
        "angry", "outrageous", "never again", "complaint", "refund", "bad", "broken",
        "noisy", "cold shower", "mould", "mold", "bedbugs", "cockroach", "smelly", "stank",
    ),
    "de": (
        "schrecklich", "furchtbar", "grauenhaft", "ekelhaft", "eklig", "dreckig",
        "schmutzig", "schlimmste", "unmöglich", "inakzeptabel", "unverschämt", "unfreundlich",
        "enttäuscht", "enttäuschend", "wütend", "nie wieder", "beschwerde", "erstattung",
        "schlecht", "kaputt", "zu laut", "schimmel", "wanzen", "kakerlake", "stinkt",
    ),
    "fr": (
        "horrible", "affreux", "terrible", "dégoûtant", "sale", "crasseux", "le pire",
        "inacceptable", "impoli", "désagréable", "déçu", "décevant", "furieux", "en colère",
        "plus jamais", "plainte", "remboursement", "mauvais", "cassé", "bruyant",
        "moisissure", "punaises", "cafard", "pue",
    ),
    "es": (
        "horrible", "terrible", "asqueroso", "sucio", "sucia", "el peor", "la peor",
        "inaceptable", "grosero", "maleducado", "decepcionado", "decepcionante", "furioso",
        "enfadado", "nunca más", "queja", "reembolso", "malo", "mala", "roto", "rota",
        "ruidoso", "moho", "chinches", "cucaracha", "apesta",
    ),
    "it": (
        "orribile", "terribile", "schifoso", "disgustoso", "sporco", "sporca", "il peggiore",
        "inaccettabile", "scortese", "maleducato", "deluso", "deludente", "furioso",
        "arrabbiato", "mai più", "reclamo", "rimborso", "cattivo", "pessimo", "pessima",
        "rotto", "rotta", "rumoroso", "muffa", "cimici", "scarafaggio", "puzza",
    ),
}  # fmt: skip

# A negator up to two words before a negative word cancels it ("not bad", "nicht schlecht").
NEGATORS = frozenset(
    {
        "not", "no", "never", "isn't", "wasn't", "nicht", "kein", "keine", "nie", "pas",
        "jamais", "ni", "non", "nessun", "nessuna", "nada", "nunca",
    }
)  # fmt: skip


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().replace("’", "'")
    return " ".join(re.findall(r"[\w']+", text))


def _pattern(entries: Iterable[str]) -> re.Pattern[str]:
    alternatives = []
    for entry in sorted(set(entries), key=len, reverse=True):
        stem = entry.endswith("*")
        alternatives.append(re.escape(_fold(entry.rstrip("*"))) + ("" if stem else r"(?![\w'])"))
    return re.compile(r"(?<![\w'])(?:" + "|".join(alternatives) + r")")


_URGENT = _pattern(e for words in URGENT.values() for e in words)
_NEGATIVE = _pattern(e for words in NEGATIVE.values() for e in words)


def is_urgent(text: str) -> bool:
    return bool(_URGENT.search(_fold(text)))


def negative_hits(text: str) -> int:
    """Negative words not cancelled by a negator just before them."""
    folded = _fold(text)
    hits = 0
    for m in _NEGATIVE.finditer(folded):
        before = folded[: m.start()].split()[-2:]
        if not NEGATORS.intersection(before):
            hits += 1
    return hits


def _in_words(text: str, intent: str | None) -> bool:
    """A sentence (three words or more) in words, not a bare rating nor a request."""
    return intent not in ("rate", "request_human") and len(text.split()) >= 3


def model_complaint(analysis: Analysis) -> bool:
    """The model's verdict: a negative (or mixed) comment with a negative mention of a
    topic — a concrete complaint, not a bad mood ("ugh, Monday")."""
    return analysis.negative and any(m.polarity == "negative" for m in analysis.topics)


def complaint_signals(text: str, intent: str | None, lang: str | None) -> tuple[bool, bool, bool]:
    """(model, words, model_positive) for one turn: what each source says, before they
    are combined (scripts/eval_escalation.py measures each on its own)."""
    if not _in_words(text, intent):
        return False, False, False
    analysis = analyse(text, lang or "")
    return model_complaint(analysis), negative_hits(text) > 0, analysis.polarity == "positive"


def is_negative_complaint(text: str, intent: str | None, lang: str | None = None) -> bool:
    """A complaint in words: the model's verdict, or a negative word (not negated) when the
    model did not find the comment positive. `lang`: the conversation's language (the
    model analyses with all five lexicons when it is None or another language)."""
    model, words, positive = complaint_signals(text, intent, lang)
    return model or (words and not positive)


def escalation_reason(
    policy: HandoverPolicy,
    *,
    text: str,
    intent: str | None,
    events: Iterable[str],
    misses: int,
    lang: str | None = None,
) -> str | None:
    """Why this turn hands the conversation to staff, or None. `lang`: the conversation's
    language (for the sentiment model)."""
    events = set(events)
    candidates = (
        ("urgent", is_urgent(text)),
        ("request", intent == "request_human" or "human_requested" in events),
        ("low_rating", "low_score" in events),
        ("complaint", is_negative_complaint(text, intent, lang)),
        ("misunderstood", misses >= policy.misunderstandings),
    )
    for reason, fired in candidates:
        if fired and reason in policy.triggers:
            return reason
    return None
