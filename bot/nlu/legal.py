"""Which data-subject right a formal GDPR request names, from its legal markers.

A whole GDPR letter pasted into an e-mail is mostly boilerplate (definitions, deadlines,
threats of a complaint) that looks the same for every right; the few words that say
*which* right is requested are outweighed in a bag-of-words model. The law's own
vocabulary is explicit, though, and the same in every letter (bot/nlu/lexicon.py):

- article references tied to the regulation: "Art. 15 DSGVO", "Article 17(1) GDPR",
  "Art. 21 Abs. 2 DS-GVO", "l'article 16 du RGPD", "artículo 15 del RGPD",
  "articolo 17 del GDPR", "Article 18 of Regulation (EU) 2016/679";
- the rights' names as the regulation's headings give them: "right of access",
  "Recht auf Löschung", "droit d'opposition", "derecho de supresión",
  "diritto all'oblio", ...

Strong markers count in every message, weak ones only in long messages (letters).

Which right, when a letter names several (every access letter cites Art. 4, 12 and often
20 or 22; an erasure letter may cite Art. 21 as its ground): each marker scores 2 if
strong, 1 if weak, doubled when its sentence asks for something ("hereby", "request",
"please", "hiermit", "bitte", "par la présente", "solicito", "chiedo" ...); the right
with the highest total wins, a tie goes to the right named first. A letter asks for its
right in its request sentences and cites it again in its reasons; secondary rights are
cited once, as a ground or a condition.

Pure Python: no rasa import (bot/nlu/legal_request.py puts this into the pipeline).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.nlu.lexicon import (
    ARTICLE,
    ARTICLE_HEAD,
    ARTICLE_RIGHTS,
    ARTICLE_TAIL,
    CONTEXT,
    LAW,
    NAMES,
    REQUEST_CUE,
    STRONG,
    WEAK,
)

LONG_WORDS = 40
LONG_SENTENCES = 3

# A sentence ends at . ! ? ; or a line break, when what follows is not a digit, a lower-case
# word or a bracket ("Art. 15 Abs. 3", "1. the purposes", "z. B. die" do not end one).
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[^\s\da-z(])|\n+")
_ABBREVIATIONS = frozenset(
    (
        "art",
        "artt",
        "abs",
        "gem",
        "vgl",
        "bzw",
        "z.b",
        "nr",
        "ca",
        "ggf",
        "lit",
        "e.g",
        "i.e",
        "cf",
        "par",
        "ff",
    )
)


@dataclass(frozen=True)
class Marker:
    """One legal marker found in a message: the right it names, how (``article`` or
    ``name``), its strength (STRONG or WEAK) and where it starts (normalised text)."""

    right: str
    kind: str
    strength: int
    start: int
    end: int


@dataclass(frozen=True)
class Finding:
    """The right a message requests according to its markers."""

    right: str
    strong: bool  # the chosen right has at least one strong marker
    long: bool
    scores: dict[str, int]
    markers: tuple[Marker, ...]


def normalise(text: str) -> str:
    """Accents stripped (é -> e, ü -> u), typographic apostrophes made ASCII, case kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'", "\u00a0": " "}))


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text`` (see _SENTENCE_END), empty ones left out; an
    abbreviation ("gem. Art. 15", "vgl.", "e.g.") does not end a sentence."""
    spans, start = [], 0
    for boundary in _SENTENCE_END.finditer(text):
        before = text[start : boundary.start()].split()
        if before and before[-1].casefold().rstrip(".") in _ABBREVIATIONS and before[-1].endswith("."):
            continue
        spans.append((start, boundary.start()))
        start = boundary.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def is_long(text: str) -> bool:
    """Several sentences or many words: a letter rather than a chat message."""
    plain = normalise(text)
    if len(plain.split()) >= LONG_WORDS:
        return True
    return sum(1 for a, b in sentences(plain) if len(plain[a:b].split()) >= 3) >= LONG_SENTENCES


def _sentence_of(spans: list[tuple[int, int]], position: int) -> tuple[int, int]:
    for a, b in spans:
        if a <= position < b:
            return a, b
    return 0, 0


def _article_markers(plain: str, spans: list[tuple[int, int]], law_anywhere: bool) -> list[Marker]:
    found = []
    for match in ARTICLE.finditer(plain):
        right = ARTICLE_RIGHTS.get(int(match.group(1)))
        if right is None:
            continue
        a, b = _sentence_of(spans, match.start())
        tail = plain[match.end() : min(b, match.end() + ARTICLE_TAIL)]
        head = plain[max(a, match.start() - ARTICLE_HEAD) : match.start()]
        if LAW.search(tail) or LAW.search(head):
            strength = STRONG
        elif law_anywhere:
            strength = WEAK
        else:
            continue  # "Art. 15" of something else: house rules, a catalogue, a gallery
        found.append(Marker(right, "article", strength, match.start(), match.end()))
    return found


def _name_markers(plain: str, has_context: bool) -> list[Marker]:
    found = []
    lower = plain.lower()  # same length: plain has no accents left
    for name in NAMES:
        if name.needs_context and not has_context:
            continue
        for match in name.pattern.finditer(lower):
            found.append(Marker(name.right, "name", name.strength, match.start(), match.end()))
    # a weak phrase inside a stronger name of the same right ("rectification" in "right to
    # rectification") is the same mention, not a second one
    return [
        m
        for m in found
        if not any(
            o is not m
            and o.right == m.right
            and o.start <= m.start
            and m.end <= o.end
            and o.strength > m.strength
            for o in found
        )
    ]


def find_markers(text: str) -> list[Marker]:
    """Every legal marker in ``text``, in order of position."""
    plain = normalise(text)
    spans = sentences(plain)
    markers = _article_markers(plain, spans, LAW.search(plain) is not None)
    markers += _name_markers(plain, CONTEXT.search(plain) is not None)
    return sorted(markers, key=lambda m: (m.start, -m.strength))


def assess(text: str) -> Finding | None:
    """The right ``text`` requests by its legal markers, or None when it names none.

    Weak markers count only when the message is long (see is_long)."""
    markers = find_markers(text)
    long = is_long(text)
    usable = [m for m in markers if m.strength == STRONG or long]
    if not usable:
        return None
    plain = normalise(text)
    spans = sentences(plain)
    scores: dict[str, int] = {}
    first: dict[str, int] = {}
    for marker in usable:
        a, b = _sentence_of(spans, marker.start)
        weight = marker.strength * (2 if REQUEST_CUE.search(plain[a:b]) else 1)
        scores[marker.right] = scores.get(marker.right, 0) + weight
        first.setdefault(marker.right, marker.start)
    right = max(scores, key=lambda r: (scores[r], -first[r]))
    strong = any(m.right == right and m.strength == STRONG for m in usable)
    return Finding(right, strong, long, scores, tuple(usable))


@dataclass(frozen=True)
class Override:
    """What the classifier should predict instead: ``intent`` with evidence ``weight``
    (the share of probability moved onto it, see reweigh)."""

    intent: str
    weight: float
    finding: Finding


def decide(
    text: str,
    predicted: str | None,
    confidence: float,
    *,
    protect_confidence: float = 0.5,
    strong_weight: float = 0.9,
    weak_weight: float = 0.75,
    intent_prefix: str = "dsr_",
) -> Override | None:
    """Whether a message's legal markers should set its intent.

    - a long message (a letter) follows its markers, weak ones included;
    - a short message only follows a strong marker, and never against an intent outside the
      data-subject requests that the model holds with at least ``protect_confidence`` (a
      thank-you that mentions "Art. 17 GDPR" stays a thank-you);
    - otherwise nothing changes.
    """
    finding = assess(text)
    if finding is None:
        return None
    if not finding.long:
        if not finding.strong:
            return None
        is_request = (predicted or "").startswith(intent_prefix)
        if not is_request and confidence >= protect_confidence:
            return None
    weight = strong_weight if finding.strong else weak_weight
    return Override(intent_prefix + finding.right, weight, finding)


def reweigh(ranking: list[dict[str, object]], intent: str, weight: float) -> list[dict[str, object]]:
    """Move ``weight`` of the probability mass onto ``intent``: every confidence p becomes
    (1 - weight) * p, and ``intent`` gets ``weight`` on top. Order and sum stay those of a
    probability ranking; ``intent`` is added if the ranking lacked it (the ranking keeps
    its length)."""
    names = [str(entry["name"]) for entry in ranking]
    new = [
        {"name": name, "confidence": (1.0 - weight) * float(entry["confidence"])}  # type: ignore[arg-type]
        for name, entry in zip(names, ranking, strict=True)
    ]
    if intent in names:
        new[names.index(intent)]["confidence"] = float(new[names.index(intent)]["confidence"]) + weight
    else:
        new = [{"name": intent, "confidence": weight}] + new
        if ranking:
            new = new[: len(ranking)]
    return sorted(new, key=lambda e: -float(e["confidence"]))  # type: ignore[arg-type]
