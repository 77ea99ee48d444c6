"""Parse a guest's answer to a rating question: `parse_answer(text, lang, scales, current)`.

The approach, in order:

1. Normalise the text (case, accents, digits of any script; `bot.ratings.text`) keeping a map
   back to the original, so every rating quotes exactly what the guest typed (`Rating.raw`).
2. Find number mentions with one precompiled expression per language
   (`bot.ratings.mentions`): "4", "vier", "4,5", "viereinhalb", "★★★★☆", "4 stars", "8/10",
   "8 out of 10", "80%", "3-4", "between 3 and 4"... Phone numbers, dates, times, prices and
   counts ("3 nights") are not mentions.
3. Find topic words ("room", "Frühstück", "petit-déjeuner", "recomendaría"; `bot.ratings.lexicon`)
   and give each mention a question: the topic right before it, with at most four filler words
   or phrases between ("room 5", "das Zimmer bekommt 5", "das Frühstück aber nur 2", "el
   desayuno se merece un 2", "lo recomendaría con un 9"), or a topic after it joined by a
   preposition ("5 for the room", "2 für das Frühstück"); otherwise the current question. A
   verb topic absorbs its object ("recommend the hotel with a 9" rates `recommend`, not
   `overall`) and also takes a German verb-final "mit 9 weiterempfehlen". A topic that is not
   one of the tenant's questions keeps its numbers (they are dropped, never given to the
   current question).
4. Read each mention on its question's scale (`evaluate`): explicit scales ("8/10", "★★★★☆",
   "80%") are converted; a bare whole number above a 1-5 question's top but at most 10 is read
   as 0-10 and converted; a half on a whole-number scale, 0 on 1-5, 11 and up, ranges give a
   reason code instead of a value. Nothing is ever rounded onto a scale silently except by
   such a conversion.
5. Per question: if the guest corrects themselves ("sorry, I meant 3", "ich meinte 4"), only
   what follows the correction counts; two different values are "multiple".
6. With no number at all: "qualitative" for words like "great"/"nul"/"pésimo", "emoji" for
   👍/😀, else an empty result.

Reason codes when several apply: range, half_not_allowed, multiple, out_of_range (first wins).
"out_of_range" is only reported when nothing else was understood, so "room 305 was noisy,
I'd give 2" still yields the 2. On a scale with halves, "between 3 and 4", "3-4" and "3 to 4"
are read as 3.5 ("3 or 4" stays a range: a choice, not a span); on a whole-number scale they
are all a range.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.base.scale import Scale
from bot.ratings import lexicon as lx
from bot.ratings.mentions import Mention, find_mentions
from bot.ratings.text import normalise

MAX_CHARS = 20_000  # longer messages are cut; no rating question needs more

AMBIGUITY_PRIORITY = ("range", "half_not_allowed", "multiple", "out_of_range")

ZERO_TO_TEN = Scale(0, 10)
PERCENT = Scale(0, 100)
FIVE_STARS = Scale(1, 5)
COMMON_DENOMINATORS = frozenset({5, 10, 20, 100})


@dataclass(frozen=True)
class Rating:
    value: float  # on the target question's scale (already converted)
    raw: str  # the guest's text it came from: "8 out of 10", "★★★★☆", "quattro e mezzo"
    topic: str | None  # question id if the guest named a topic, else None (the current question)
    source: Scale | None  # the scale the guest used when explicit or inferred, else None


@dataclass(frozen=True)
class ParseResult:
    ratings: tuple[Rating, ...]
    ambiguous: str | None  # None or one of AMBIGUITY_PRIORITY, "emoji", "qualitative"
    correction: bool

    @property
    def empty(self) -> bool:
        return not self.ratings and self.ambiguous is None


# --- reading one mention on a scale -----------------------------------------------------------

Outcome = tuple[float, Scale | None] | str  # (value, source) or a reason code


def evaluate(m: Mention, target: Scale) -> Outcome:
    """What mention `m` means on `target`: (value, source scale) or a reason code."""
    if m.kind == "range":
        return _range(m, target)
    if m.kind == "percent":
        return _on_source(m.value, PERCENT, target)
    if m.kind == "scaled" or (m.kind == "stars" and m.denominator is not None):
        source = _explicit_source(m.denominator or 0, target, slash=m.slash)
        return source if isinstance(source, str) else _on_source(m.value, source, target)
    if m.kind == "stars":
        if m.value <= FIVE_STARS.high:
            return _on_source(m.value, FIVE_STARS, target)
        return _on_target(m.value, target, None)
    return _bare(m.value, target)


def _explicit_source(denominator: int, target: Scale, *, slash: bool) -> Scale | str:
    if denominator == target.high:
        return Scale(target.low, denominator)
    if slash and denominator not in COMMON_DENOMINATORS:
        return "range"  # "3/4" is more likely "3 or 4" than "3 out of 4"
    if not 2 <= denominator <= 100:
        return "out_of_range"
    return Scale(0 if denominator >= 10 else 1, denominator)


def _on_source(value: float, source: Scale, target: Scale) -> Outcome:
    if not source.low <= value <= source.high:
        return "out_of_range"
    if (source.low, source.high) == (target.low, target.high):
        return _on_target(value, target, source)
    return target.convert_from(value, source), source


def _on_target(value: float, target: Scale, source: Scale | None) -> Outcome:
    if target.contains(value):
        return value, source
    if target.low <= value <= target.high:
        return "half_not_allowed"  # also 4.3: whatever is not on the scale's step
    return "out_of_range"


def _bare(value: float, target: Scale) -> Outcome:
    if target.low <= value <= target.high:
        return _on_target(value, target, None)
    if value.is_integer() and target.high < value <= 10:
        return target.convert_from(value, ZERO_TO_TEN), ZERO_TO_TEN
    return "out_of_range"


def _range(m: Mention, target: Scale) -> Outcome:
    low, high = sorted((m.value, m.high if m.high is not None else m.value))
    if low == high:
        return _bare(low, target)
    adjacent = high - low == 1 and target.contains(low) and target.contains(high)
    if target.halves and adjacent and m.form == "span":
        return low + 0.5, None
    return "range"


# --- topics, corrections, words ---------------------------------------------------------------


def _alt(patterns: tuple[str, ...]) -> str:
    return "(?:" + "|".join(patterns) + ")"


_TOPICS = re.compile(
    r"(?<!\w)(?:"
    + "|".join(f"(?P<{qid}>{_alt(words)})" for qid, words in lx.TOPIC_PATTERNS.items())
    + r")(?!\w)"
)
_CORRECTION = re.compile(r"(?<!\w)" + _alt(lx.CORRECTION_PATTERNS) + r"(?!\w)")
_WEAK_CORRECTION = re.compile(r"(?<!\w)" + _alt(lx.WEAK_CORRECTION_PATTERNS) + r"(?!\w)")
_WEAK_REACH = 25  # a weak marker counts if a rating starts this close after it
_QUALITATIVE = re.compile(r"(?<!\w)" + _alt(lx.QUALITATIVE_PATTERNS) + r"(?!\w)")
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u2300-\u23ff]|" + lx.EMOTICON_PATTERN
)
_WORD = re.compile(r"[^\W\d_]+")
_GAP_PUNCTUATION = frozenset(" \t:=-–—()'\"’")
_ADVERB = _alt(lx.RATING_ADVERB_PATTERNS)
# One filler unit made of several words, or an adverb ("aber nur", "se merece", "con un", "leider").
_FILLER_PHRASE = re.compile(
    rf"(?<!\w)(?:{_alt(lx.BUT_PATTERNS)}\s+{_ADVERB}|{_ADVERB}|{_alt(lx.TOPIC_NUMBER_PHRASE_PATTERNS)})(?!\w)"
)
_WITH_BEFORE = re.compile(r"(?<!\w)" + _alt(lx.WITH_PATTERNS) + r"\s+$")
_WITH_REACH = 16  # how far back from a number "mit einer" may start
_OBJECT_FILLERS = lx.TOPIC_NUMBER_FILLERS | lx.VERB_OBJECT_FILLERS


@dataclass(frozen=True)
class _Topic:
    start: int
    end: int
    qid: str


def _find_topics(text: str, mentions: list[Mention]) -> list[_Topic]:
    """Topic words not inside a mention (mentions are sorted and do not overlap). A verb
    topic and its object ("recommend the hotel") become one topic: the verb's."""
    ends = [x.end for x in mentions]
    topics: list[_Topic] = []
    for m in _TOPICS.finditer(text):
        k = bisect.bisect_right(ends, m.start())  # first mention ending after the topic starts
        if k == len(mentions) or mentions[k].start >= m.end():
            topic = _Topic(m.start(), m.end(), m.lastgroup or "")
            if topics and _is_object(text, topics[-1], topic):
                topics[-1] = _Topic(topics[-1].start, topic.end, topics[-1].qid)
            else:
                topics.append(topic)
    return topics


def _is_object(text: str, verb: _Topic, topic: _Topic) -> bool:
    """True if `topic` is the object of the verb topic `verb` ("recommend the hotel")."""
    if lx.VERB_OBJECT_TOPICS.get(verb.qid) != topic.qid:
        return False
    gap = text[verb.end : topic.start]
    words = _WORD.findall(gap)
    return len(words) <= 3 and set(words) <= _OBJECT_FILLERS and not _WORD.sub("", gap).strip(" '")


def _gap_words(gap: str) -> list[str] | None:
    """The words of a gap between a topic and a number, or None if anything else is in it."""
    words = _WORD.findall(gap)
    if len(words) > 4 or not set(_WORD.sub("", gap)) <= _GAP_PUNCTUATION:
        return None
    return words


def _filler_units(gap: str) -> int | None:
    """How many filler words and phrases make up a gap between a topic and its number
    ("bekommt aber nur eine": 3), or None if anything else is in it or there are over four."""
    rest, phrases = _FILLER_PHRASE.subn(" ", gap)
    words = _gap_words(rest)
    if words is None or len(words) + phrases > 4 or not set(words) <= lx.TOPIC_NUMBER_FILLERS:
        return None
    return len(words) + phrases


def _verb_final(m: Mention, text: str, gap: str) -> bool:
    """ "mit 9 von 10 weiterempfehlen", "mit einer 9 würde ich es empfehlen": `gap` is the text
    between the number and a following verb topic."""
    if not _WITH_BEFORE.search(text, max(0, m.start - _WITH_REACH), m.start):
        return False
    words = _WORD.findall(gap)
    return not _WORD.sub("", gap).strip() and set(words) <= lx.VERB_FINAL_FILLERS and len(words) <= 3


def _topic_of(m: Mention, text: str, topics: list[_Topic], starts: list[int]) -> str | None:
    bound = _bound_topic(m, text, topics, starts)
    return bound.qid if bound is not None else None


def _bound_topic(m: Mention, text: str, topics: list[_Topic], starts: list[int]) -> _Topic | None:
    """The topic word mention `m` rates, if the guest named one (see `_topic_of`)."""
    after = before = verb = None
    i = bisect.bisect_left(starts, m.end)
    if i < len(topics):
        gap = text[m.end : topics[i].start]
        words = _gap_words(gap)
        allowed = lx.NUMBER_TOPIC_PREPOSITIONS | lx.NUMBER_TOPIC_FILLERS
        if words and set(words) <= allowed and set(words) & lx.NUMBER_TOPIC_PREPOSITIONS:
            after = topics[i]
        elif topics[i].qid in lx.VERB_OBJECT_TOPICS and _verb_final(m, text, gap):
            verb = topics[i]
    j = bisect.bisect_right(starts, m.start) - 1
    if j >= 0 and topics[j].end <= m.start:
        units = _filler_units(text[topics[j].end : m.start])
        if units is not None:
            before = topics[j]
            if not units:  # "room 5" binds tighter than "5 for the breakfast"
                return before
    if verb and (
        before is None or before.qid == lx.VERB_OBJECT_TOPICS[verb.qid]
    ):  # "das Hotel mit 9 empfehlen"
        return verb
    return after or before


def _corrections(text: str, mentions: list[Mention]) -> list[int]:
    """End positions of correction markers."""
    ends = [m.end() for m in _CORRECTION.finditer(text)]
    starts = [x.start for x in mentions]
    for m in _WEAK_CORRECTION.finditer(text):
        k = bisect.bisect_left(starts, m.end())
        if k < len(starts) and starts[k] - m.end() <= _WEAK_REACH:
            ends.append(m.end())
    return sorted(ends)


def _wordy_reason(text: str, lang: str) -> str | None:
    for m in _QUALITATIVE.finditer(text):
        if lang not in lx.QUALITATIVE_FALSE_FRIENDS.get(m.group(), ()):
            return "qualitative"
    return "emoji" if _EMOJI.search(text) else None


# --- putting it together ----------------------------------------------------------------------


def parse_answer(text: str, lang: str, scales: Mapping[str, Scale], current: str | None) -> ParseResult:
    """Ratings in a guest's answer. `scales` maps question id -> Scale for every rating
    question of the tenant; `current` is the question being asked (its scale applies to
    numbers without a topic; with None such numbers are ignored). `lang` (en, de, fr, es, it)
    decides words that are numbers in one language only; all five are understood."""
    norm = normalise(text[:MAX_CHARS] if isinstance(text, str) else "")  # tolerate None
    mentions = find_mentions(norm, lang)
    markers = _corrections(norm.text, mentions)
    correction = bool(markers)
    if not mentions:
        return ParseResult((), _wordy_reason(norm.text, lang), correction)

    topics = _find_topics(norm.text, mentions)
    starts = [t.start for t in topics]
    groups: dict[str, list[tuple[Mention, bool]]] = {}
    for m in mentions:
        named = _topic_of(m, norm.text, topics, starts)
        qid = named or current
        if qid is not None and qid in scales:
            groups.setdefault(qid, []).append((m, named is not None))

    found: list[tuple[int, Rating]] = []
    codes: list[str] = []
    for qid, members in groups.items():
        outcome = _resolve(qid, members, scales[qid], markers, norm.raw)
        if isinstance(outcome, str):
            codes.append(outcome)
        else:
            found.append(outcome)
    ratings = tuple(r for _, r in sorted(found, key=lambda pair: pair[0]))
    if ratings:
        codes = [c for c in codes if c != "out_of_range"]
    ambiguous = next((c for c in AMBIGUITY_PRIORITY if c in codes), None)
    return ParseResult(ratings, ambiguous, correction)


def _resolve(
    qid: str,
    members: list[tuple[Mention, bool]],
    scale: Scale,
    markers: list[int],
    raw: Callable[[int, int], str],
) -> tuple[int, Rating] | str:
    """One question's rating (with its position) or a reason code."""
    for marker in reversed(markers):
        after = [x for x in members if x[0].start >= marker]
        if after:
            members = after
            break
    values: dict[float, tuple[Mention, bool, Scale | None]] = {}
    codes: list[str] = []
    conflicts = 0
    for m, named in members:
        outcome = evaluate(m, scale)
        if isinstance(outcome, str):
            codes.append(outcome)
            # a year or room number next to a rating ("room 305 ... 4") is not a second answer
            conflicts += not (m.kind == "bare" and m.value > 10)
        elif outcome[0] not in values:
            values[outcome[0]] = (m, named, outcome[1])
    if len(values) > 1 or (values and conflicts):
        return "multiple"
    if not values:
        return next(c for c in AMBIGUITY_PRIORITY if c in codes)
    value, (m, named, source) = next(iter(values.items()))
    return m.start, Rating(value, raw(m.start, m.end), qid if named else None, source)


def without_ratings(text: str, lang: str) -> str:
    """The guest's text, normalised (`bot.ratings.text`), with every rating phrase blanked
    out: each number mention and the topic words it rates, with the filler words between
    ("room 5", "das Zimmer bekommt leider nur 2", "5 for the breakfast", "★★★★☆"). Whatever
    is left is what the guest said besides their ratings (bot/ratings/remainder.py)."""
    norm = normalise(text[:MAX_CHARS] if isinstance(text, str) else "")
    mentions = find_mentions(norm, lang)
    if not mentions:
        return norm.text
    topics = _find_topics(norm.text, mentions)
    starts = [t.start for t in topics]
    spans: list[tuple[int, int]] = []
    for m in mentions:
        bound = _bound_topic(m, norm.text, topics, starts)
        if bound is None:
            spans.append((m.start, m.end))
        else:
            spans.append((min(m.start, bound.start), max(m.end, bound.end)))
    chars = list(norm.text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
