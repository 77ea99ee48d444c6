"""`analyse(text, lang)`: an aspect lexicon with negation, intensifiers and contrast.

Chosen by measurement on the dev set (docs/INSIGHTS.md, "The analyser"). For each sentence:

1. Words are matched against the language's index (bot/insights/index.py), longest
   phrase first; a German word the index does not know is searched for topic stems
   ("Frühstücksbuffet" -> breakfast). Each match is a topic word, a feeling word (with a
   weight), a word that is both ("dirty", "quiet"), a negator, an intensifier, "too", or
   a contrast word. Emoji carry a feeling.
2. "too" makes the next feeling negative, intensifiers strengthen it, a negator flips the
   next feeling within four words — or, if a topic word comes first ("no parking"),
   marks that topic missing: negative. A phrase that starts with a negator is a
   negation already and is never flipped ("sin papel y nadie en recepción").
3. Commas, semicolons and contrast words cut the sentence into clauses. In a clause whose
   feelings all agree, every topic gets them; otherwise each feeling goes to the nearest
   topic. A clause with feeling and no topic goes to the topics of the clause before it
   (a clause after a contrast weighs double there: "nice but small" is negative); left
   over, it counts for the comment's polarity only.
4. One mention per topic and sentence, its polarity the sign of its summed weights; the
   comment is mixed when it holds both positive and negative feeling, else the one it has.

Never raises: any failure inside gives an empty, neutral analysis.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.base.insight import POLARITIES, TOPICS, Analysis, Mention

from .index import Entry, Index, index_for
from .lexicon import EMOJI_WEIGHT, LANGUAGES
from .text import NEGATIVE_EMOJI, POSITIVE_EMOJI, Token, fold, raw, tokens

__all__ = ["POLARITIES", "TOPICS", "Analysis", "Mention", "analyse"]

MAX_CHARS = 20_000  # longer text is cut (a comment is at most a few thousand characters)
NEGATION_REACH = 4  # words after a negator that it can still flip
BOOST_REACH = 2  # words after an intensifier or "too"
AFTER_CONTRAST = 2.0  # weight of a contrast clause's feeling given to the clause before
POSTPOSITIVE_REACH = 3  # words of a clause's subject before a contrast word that follows it
THRESHOLD = 0.25  # |summed weight| below this is neutral
MAX_WORDS = 24  # words kept per mention and for the comment (a 2,000-character rant has more)


@dataclass
class _Item:
    pos: int  # word position in the sentence
    end: int  # position after its last word
    kind: str
    topic: str | None
    weight: float
    words: list[tuple[int, str]]  # (char offset, the guest's word) — kept in text order
    clause: int = 0
    used: bool = False  # a negator or booster already applied to it
    missing: bool = False  # a topic a negator marked missing ("no parking"): its own only
    key: tuple[str, ...] = ()  # the matched stems (for words whose sense depends on the topic)
    negated: bool = False  # a phrase that holds its own negation ("pas terrible", "personne ne")
    too: bool = False  # made negative by "too" / "pas assez": no topic turns it round


@dataclass
class _Sentence:
    items: list[_Item] = field(default_factory=list)
    contrast_clauses: set[int] = field(default_factory=set)
    last_word: dict[int, int] = field(default_factory=dict)  # clause -> its last word position


def analyse(text: str, lang: str) -> Analysis:
    """Topics, their polarity and words, and the comment's polarity (module docstring)."""
    try:
        if not isinstance(text, str) or not text.strip():
            return Analysis()
        text = text[:MAX_CHARS]
        folded, origin = fold(text)
        toks = tokens(folded)
        if lang in LANGUAGES:
            found = _analyse(text, origin, toks, index_for(lang))
            if found.topics or found.polarity != "neutral":
                return found
            others = [other for other in LANGUAGES if other != lang]
        else:
            found, others = Analysis(), list(LANGUAGES)
        # nothing found: maybe not the guest's language after all, or not one of ours
        best, best_score = found, (0, found.polarity != "neutral")
        for other in others:
            candidate = _analyse(text, origin, toks, index_for(other))
            score = (len(candidate.topics), candidate.polarity != "neutral")
            if score > best_score:
                best, best_score = candidate, score
        return best
    except Exception:  # noqa: BLE001 — an analysis must never break a guest's turn
        return Analysis()


def _analyse(text: str, origin, toks: list[Token], index: Index) -> Analysis:
    mentions: list[Mention] = []
    orphans: list[tuple[float, list[tuple[int, str]]]] = []
    for number, sentence in enumerate(_sentences(text, origin, toks, index)):
        _apply_modifiers(sentence, index)
        found, left = _attribute(sentence, index)
        mentions.extend(_mentions(found, number))
        orphans.extend(left)
    return _overall(mentions, orphans)


# --- 1. matching ---------------------------------------------------------------------------


def _sentences(text: str, origin, toks: list[Token], index: Index) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    current = _Sentence()
    words: list[Token] = []
    breaks: list[int] = []  # word positions where a clause ends before them

    def flush() -> None:
        nonlocal current, words, breaks
        _match(text, origin, words, breaks, index, current)
        if current.items:
            sentences.append(current)
        current, words, breaks = _Sentence(), [], []

    for tok in toks:
        if tok.kind == "w" or tok.kind == "e":
            words.append(tok)
        elif tok.kind == "c":
            breaks.append(len(words))
        else:
            flush()
    flush()
    return sentences


def _match(text, origin, words: list[Token], breaks: list[int], index: Index, out: _Sentence) -> None:
    stems = [index.stem_of(w.text) if w.kind == "w" else w.text for w in words]
    clause, next_break = 0, 0
    start = 0  # where the current clause began
    i = 0
    while i < len(words):
        while next_break < len(breaks) and breaks[next_break] <= i:
            clause += 1
            start = breaks[next_break]
            next_break += 1
        tok = words[i]
        out.last_word[clause] = i
        if tok.kind == "e" and i and words[i - 1].text == tok.text:  # "😡😡😡" feels once
            i += 1
            continue
        if tok.kind == "e":
            weight = (
                EMOJI_WEIGHT
                if tok.text in POSITIVE_EMOJI
                else -EMOJI_WEIGHT
                if tok.text in NEGATIVE_EMOJI
                else 0
            )
            if weight:
                out.items.append(_Item(i, i + 1, "feel", None, weight, [_word(text, origin, tok)], clause))
            i += 1
            continue
        entry, length = _longest(stems, i, index, breaks)
        if entry is None:
            if index.compounds is not None and len(tok.text) >= 6:
                _compounds(text, origin, tok, i, index, clause, out)
            i += 1
            continue
        span = [_word(text, origin, w) for w in words[i : i + length]]
        if entry.kind == "skip" or _room_number(entry, words, i + length):
            pass
        elif entry.kind == "contrast":
            if not _postpositive(out.items, clause, i - start):
                clause += 1
                start = i + length
            out.contrast_clauses.add(clause)
        else:
            key = tuple(stems[i : i + length])
            negated = length > 1 and any(k in index.negators for k in key)
            out.items.append(
                _Item(
                    i,
                    i + length,
                    entry.kind,
                    entry.topic,
                    entry.weight,
                    span,
                    clause,
                    key=key,
                    negated=negated,
                )
            )
            out.last_word[clause] = i + length - 1
        i += length


def _postpositive(items: list[_Item], clause: int, words_before: int) -> bool:
    """A contrast word after the subject of a clause that follows a comma ("great staff, the
    garage however costs 25 euros, a rip-off", "..., il garage però costa"): the clause is
    the contrast, its subject included, rather than the subject being left on its own."""
    if clause == 0 or not 0 < words_before <= POSTPOSITIVE_REACH:
        return False
    own = [item for item in items if item.clause == clause]
    return bool(own) and all(item.kind == "topic" for item in own)


def _room_number(entry: Entry, words: list[Token], after: int) -> bool:
    """ "room 12", "Zimmer 2", "chambre 2": a room number, not a judgement of the room."""
    return entry.topic == "room" and after < len(words) and words[after].text.isdigit()


def _longest(stems: list[str], i: int, index: Index, breaks: list[int]) -> tuple[Entry | None, int]:
    reach = index.reach.get(stems[i], 0)
    if reach == 1:
        entry = index.phrases.get((stems[i],))
        return (entry, 1) if entry is not None else (None, 0)
    for length in range(min(reach, len(stems) - i), 0, -1):
        if length > 1 and any(i < b < i + length for b in breaks):
            continue  # a phrase never spans a comma
        entry = index.phrases.get(tuple(stems[i : i + length]))
        if entry is not None:
            return entry, length
    return None, 0


def _compounds(text, origin, tok: Token, i: int, index: Index, clause: int, out: _Sentence) -> None:
    assert index.compounds is not None
    word = _word(text, origin, tok)
    seen: set[tuple[str, str | None]] = set()
    for m in index.compounds.finditer(tok.text):
        entry = index.compound_entries[m.group()]
        if (entry.kind, entry.topic) in seen:
            continue
        seen.add((entry.kind, entry.topic))
        out.items.append(_Item(i, i + 1, entry.kind, entry.topic, entry.weight, [word], clause))


def _word(text: str, origin, tok: Token) -> tuple[int, str]:
    return (origin[tok.start], raw(text, origin, tok.start, tok.end))


# --- 2. negation, intensifiers, "too" ------------------------------------------------------


def _apply_modifiers(sentence: _Sentence, index: Index) -> None:
    items = sentence.items
    for n, item in enumerate(items):
        if item.kind not in ("int", "too"):
            continue
        target = _next(items, n, BOOST_REACH, ("feel", "tf"))
        if target is not None and not target.used:
            target.weight = target.weight * 1.5 if item.kind == "int" else -abs(target.weight) * 1.5
            target.too = target.too or item.kind == "too"
            target.words.extend(item.words)
        elif item.weight and (item.kind == "int" or _ends_clause(items, n)):
            item.kind = "feel"  # "..., troppo"; "super emplacement": a feeling after all
    for n, item in enumerate(items):
        if item.kind != "neg":
            continue
        # "ne ... pas terrible", "non ... niente di speciale": one negation, the phrase's own
        target = _next(items, n, NEGATION_REACH, ("feel", "tf", "topic"), stop_at_negated=True)
        last = sentence.last_word.get(item.clause, -1)
        if target is None and item.weight and item.end >= last:  # "WLAN ging (gar) nicht"
            target = _previous(items, n, NEGATION_REACH + 1)
        if target is None or target.used or _negated_phrase(target, _negator_stems(index)):
            continue  # "nobody answered", "nadie contestó": already a negation, never flipped
        target.used = True
        if _negated_already(target, index):  # "non è mai arrivata", "non era niente di che"
            continue
        target.words.extend(item.words)
        if target.kind == "topic":  # "no parking", "kein WLAN": missing
            target.kind, target.weight, target.missing = "tf", -1.0, True
            # "pas de serviettes propres", "sin toallas limpias": what is missing is praised
            after = _next(items, items.index(target), 1, ("feel", "tf"))
            if after is not None and not after.used and after.weight > 0:
                after.used, after.weight = True, -after.weight
                after.words.extend(item.words)
        else:
            target.weight = -target.weight if target.weight > 0 else -target.weight * 0.6


def _negated_already(item: _Item, index: Index) -> bool:
    """A feeling phrase that carries its own negation ("mai arrivata", "niente di speciale"):
    a negator before it is the same negation (Italian "non ... mai"), not a second one."""
    if item.kind not in ("feel", "tf") or len(item.key) < 2:
        return False
    first = index.phrases.get(item.key[:1])
    return first is not None and first.kind == "neg"


_NEGATOR_STEMS: dict[str, frozenset[str]] = {}


def _negator_stems(index: Index) -> frozenset[str]:
    """The single words that negate in this index's language ("no", "nobody", "nadie")."""
    stems = _NEGATOR_STEMS.get(index.lang)
    if stems is None:
        stems = frozenset(k[0] for k, e in index.phrases.items() if e.kind == "neg" and len(k) == 1)
        _NEGATOR_STEMS[index.lang] = stems
    return stems


def _negated_phrase(item: _Item, neg_stems: frozenset[str]) -> bool:
    """A phrase of several words that starts with a negator ("nobody answered", "nadie
    contestó", "no record of our booking") carries its negation already."""
    return len(item.key) > 1 and item.key[0] in neg_stems and item.kind in ("feel", "tf")


def _ends_clause(items: list[_Item], n: int, skip: str = "") -> bool:
    """Nothing but `skip` items follows items[n] in its clause (items are in text order)."""
    for k in range(n + 1, len(items)):
        if items[k].clause != items[n].clause:
            return True
        if items[k].kind != skip:
            return False
    return True


def _previous(items: list[_Item], n: int, reach: int) -> _Item | None:
    """The feeling (or else topic) word before a negator that ends its clause."""
    source = items[n]
    if not _ends_clause(items, n, skip="neg"):
        return None
    before = []
    for k in range(n - 1, -1, -1):
        if items[k].clause != source.clause or source.pos - items[k].end >= reach:
            break
        if items[k].kind == "neg":  # "ne ... pas", "no ... nunca": one negation
            return None
        before.append(items[k])
    for kinds in (("feel", "tf"), ("topic",)):
        for item in before:
            if item.kind in kinds:
                return None if item.used else item
    return None


def _next(
    items: list[_Item], n: int, reach: int, kinds: tuple[str, ...], stop_at_negated: bool = False
) -> _Item | None:
    source = items[n]
    for k in range(n + 1, len(items)):
        item = items[k]
        if item.clause != source.clause or item.pos - source.end >= reach:
            return None
        if stop_at_negated and item.negated:
            return None
        if item.kind in kinds:
            return item
    return None


# --- 3. which feeling goes to which topic --------------------------------------------------

_Found = dict[str, list[tuple[float, list[tuple[int, str]]]]]


def _attribute(sentence: _Sentence, index: Index) -> tuple[_Found, list[tuple[float, list[tuple[int, str]]]]]:
    def weigh(f: _Item, topic: str | None) -> float:
        """f's weight for this topic: "hot" is bad for a room, good for food and showers."""
        return -f.weight if not f.too and f.key in index.flips.get(topic or "", ()) else f.weight

    found: _Found = {}
    orphans: list[tuple[float, list[tuple[int, str]]]] = []
    clauses: dict[int, list[_Item]] = {}
    for item in sentence.items:
        if item.kind in ("topic", "tf", "feel"):
            clauses.setdefault(item.clause, []).append(item)
    previous: list[_Item] = []  # the topics of the last clause that had any
    pending = False  # ... and that clause had no feeling of its own
    for number in sorted(clauses):
        items = clauses[number]
        # after "but" the guest says what counts: "nice but small" is negative
        factor = AFTER_CONTRAST if number in sentence.contrast_clauses else 1.0
        topics = [i for i in items if i.kind in ("topic", "tf")]
        feels = [i for i in items if i.kind in ("feel", "tf") and i.weight and not i.missing]
        plain = [t for t in topics if t.kind == "topic"]
        for t in topics:  # the topic's own words, and its own feeling if it has one
            found.setdefault(t.topic or "", []).append(
                (factor * t.weight if t.kind == "tf" else 0.0, t.words)
            )
        # "Parking is 25 euros, a rip-off", "nice, but small": the clause before
        if not plain and feels and previous and (pending or not topics):
            for t in previous:
                for f in feels:
                    if f.topic != t.topic:
                        found[t.topic or ""].append((weigh(f, t.topic) * factor, f.words + t.words))
            pending = False
            continue
        if not topics:
            orphans.extend((f.weight, f.words) for f in feels)
            continue
        previous, pending = (plain or topics), not feels
        if not plain or not feels:
            continue
        if len({f.weight > 0 for f in feels}) == 1:
            person = any(t.topic == "staff" for t in plain)
            for t in plain:
                for f in feels:
                    # "dirty bathroom": bathroom too; "the waitress at the restaurant was
                    # rude": the waitress, not the restaurant (a person is named)
                    if f.kind == "feel" or (f.topic != t.topic and not (person and f.topic == "staff")):
                        found[t.topic or ""].append((factor * weigh(f, t.topic), f.words + t.words))
        else:
            for f in feels:
                if f.kind == "tf":
                    continue
                nearest = min(plain, key=lambda t: (_distance(t, f), t.pos > f.pos))
                found[nearest.topic or ""].append((factor * weigh(f, nearest.topic), f.words + nearest.words))
    return found, orphans


def _distance(a: _Item, b: _Item) -> int:
    return b.pos - a.end if a.pos < b.pos else a.pos - b.end


# --- 4. mentions and the comment's polarity ------------------------------------------------


def _polarity(weight: float) -> str:
    if weight >= THRESHOLD:
        return "positive"
    if weight <= -THRESHOLD:
        return "negative"
    return "neutral"


def _mentions(found: _Found, sentence: int) -> list[Mention]:
    """One mention per topic, in the order the guest named them."""
    mentions = []
    for topic, weights in found.items():
        if topic not in TOPICS:
            continue
        total = sum(w for w, _ in weights)
        words = sorted({w for _, ws in weights for w in ws})
        first = min((offset for _, ws in weights for offset, _ in ws), default=0)
        mentions.append((first, Mention(topic, _polarity(total), _unique(words), sentence)))
    return [m for _, m in sorted(mentions, key=lambda pair: pair[0])]


def _unique(words: list[tuple[int, str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(word for _, word in words))[:MAX_WORDS]


def _overall(mentions: list[Mention], orphans: list[tuple[float, list[tuple[int, str]]]]) -> Analysis:
    """Mixed iff the judged topics disagree; otherwise their judgement; only when no topic
    is judged do the comment's other feeling words decide (eval/insights/GUIDELINES.md)."""
    judged = {m.polarity for m in mentions if m.polarity != "neutral"}
    if judged:
        polarity = "mixed" if len(judged) > 1 else judged.pop()
        words = [w for m in mentions if m.polarity != "neutral" for w in m.words]
        return Analysis(tuple(mentions), polarity, _unique_words(words))
    total = sum(w for w, _ in orphans)
    polarity = _polarity(total)
    words = [w for weight, ws in orphans if weight * total > 0 for _, w in sorted(ws)]
    return Analysis(tuple(mentions), polarity, _unique_words(words) if polarity != "neutral" else ())


def _unique_words(words: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(words))[:MAX_WORDS]
