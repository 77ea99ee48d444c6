"""The lexicon (bot/insights/lexicon.py) compiled for lookup, one `Index` per language.

Every entry is folded like a guest's text (bot/insights/text.py) and each of its words
reduced by the language's light stemmer, which strips inflection endings so that one
form in the lexicon matches the others ("sauber" = "saubere" = "sauberen", "limpio" =
"limpias", "pulita" = "puliti", "propre" = "propres", "rooms" = "room"). The stemmer is
deliberately crude: the same function runs on the lexicon and on the guest's words, so
it only has to be consistent, not linguistically right. Built once, on first use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from . import lexicon as lx
from .text import fold, fold_plain

_WORD = re.compile(r"[^\W_]+|[€$£]")


class Entry(NamedTuple):
    kind: str  # "topic" | "feel" | "tf" (topic and feeling) | "neg" | "int" | "too" | "contrast" | "skip"
    topic: str | None = None
    weight: float = 0.0


def _stem_en(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us")):
        return w[:-1]
    return w


_DE_SUFFIXES = ("ern", "en", "er", "es", "em", "e", "s", "st")
_DE_KEEP = {"s": 3, "st": 5}  # "st" is a superlative only after a long stem ("sauberste"; not "Dienst")


_DE_WHOLE = frozenset({"lage"})  # "Lage" (location) is not "lag", "lagen" (lay: "es lagen Haare im Bett")


def _stem_de(w: str) -> str:
    if w in _DE_WHOLE:
        return w
    changed = True
    while changed:
        changed = False
        for suffix in _DE_SUFFIXES:
            if suffix == "s" and w.endswith("ss"):  # "Spaß" is not "Spa", "Abend" not "Abendessen"
                continue
            if w.endswith(suffix) and len(w) - len(suffix) >= _DE_KEEP.get(suffix, 3):
                w = w[: -len(suffix)]
                changed = True
                break
    return w


def _stem_fr(w: str) -> str:
    if len(w) > 3 and w[-1] == "s":
        w = w[:-1]
    if len(w) > 3 and w[-1] == "e":
        w = w[:-1]
    return w


def _stem_es(w: str) -> str:
    if len(w) > 4 and w[-1] == "s":
        w = w[:-1]
    if len(w) > 7 and w[:-1].endswith("isim"):  # "lentisimo" = "lento", "lejisimos" = "lejos"
        w = w[:-5] + "o"
    if len(w) > 4 and w[-1] in "aoe":
        w = w[:-1]
    return w


def _stem_it(w: str) -> str:
    if len(w) > 8 and w[:-1].endswith("issim"):  # "lentissimo" = "lento", "pulitissime"
        w = w[:-6] + "o"
    if len(w) > 4 and w[-1] in "aoie":
        w = w[:-1]
    return w


STEMMERS: dict[str, Callable[[str], str]] = {
    "en": _stem_en,
    "de": _stem_de,
    "fr": _stem_fr,
    "es": _stem_es,
    "it": _stem_it,
}


@dataclass
class Index:
    lang: str
    stem: Callable[[str], str]
    phrases: dict[tuple[str, ...], Entry] = field(default_factory=dict)
    longest: int = 1
    compounds: re.Pattern[str] | None = None  # German: stems inside unknown words
    compound_entries: dict[str, Entry] = field(default_factory=dict)
    reach: dict[str, int] = field(default_factory=dict)  # first word -> longest phrase
    flips: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)  # topic -> keys
    negators: set[str] = field(default_factory=set)  # one-word negators' stems ("pas", "ne")
    _stems: dict[str, str] = field(default_factory=dict)

    def stem_of(self, word: str) -> str:
        """`stem(word)`, remembered (a comment repeats its words; so do comments)."""
        stem = self._stems.get(word)
        if stem is None:
            stem = self.stem(word)
            if len(self._stems) < 50_000:
                self._stems[word] = stem
        return stem

    def add(self, text: str, entry: Entry) -> None:
        for spelling in self._spellings(text):
            key = tuple(self.stem(w) for w in _WORD.findall(spelling))
            if key:
                self.phrases[key] = entry
                self.longest = max(self.longest, len(key))
                self.reach[key[0]] = max(self.reach.get(key[0], 0), len(key))

    def feeling_of(self, text: str) -> float:
        """The FEELING weight already entered for `text`, else 0."""
        for spelling in self._spellings(text):
            entry = self.phrases.get(tuple(self.stem(w) for w in _WORD.findall(spelling)))
            if entry is not None and entry.kind == "feel":
                return entry.weight
        return 0.0

    def _spellings(self, text: str) -> set[str]:
        spellings = {fold(text)[0]}
        if self.lang == "de" and text not in lx.NO_PLAIN_VARIANT:
            spellings.add(fold_plain(text))
        return spellings


def _entries(text: str) -> list[str]:
    return [e.strip() for e in text.split(",") if e.strip()]


def _build(lang: str) -> Index:
    index = Index(lang, STEMMERS[lang])
    for table in (lx.FEELING,):
        for weight, words in table[lang].items():
            for entry in _entries(words):
                index.add(entry, Entry("feel", None, float(weight)))
    for topic, words in lx.TOPIC_WORDS[lang].items():
        for entry in _entries(words):
            index.add(entry, Entry("topic", topic))
    for table in (lx.TOPIC_FEELING,):
        for topic, weights in table[lang].items():
            for weight, words in weights.items():
                for entry in _entries(words):
                    index.add(entry, Entry("tf", topic, float(weight)))
    alone = set(_entries(lx.TOO_ALONE[lang]))
    praise = set(_entries(lx.INTENSIFIER_ALONE.get(lang, "")))
    for kind, table in (("int", lx.INTENSIFIERS), ("too", lx.TOO), ("neg", lx.NEGATORS)):
        for entry in _entries(table[lang]):
            weight = -1.0 if kind == "too" and entry in alone else 0.0
            if kind == "int" and entry in praise:
                weight = 1.5
            if kind == "neg" and lang in lx.NEGATION_LOOKS_BACK:
                weight = 1.0  # a negator at the end of a clause negates what came before
            if kind == "int":  # "super": a feeling too, when nothing follows it to strengthen
                weight = index.feeling_of(entry)
            index.add(entry, Entry(kind, None, weight))
    index.negators = {key[0] for key, e in index.phrases.items() if e.kind == "neg" and len(key) == 1}
    for entry in _entries(lx.CONTRAST[lang]):
        index.add(entry, Entry("contrast"))
    for entry in _entries(lx.SKIP[lang]):
        index.add(entry, Entry("skip"))
    for topic, words in lx.FLIP_FOR_TOPIC[lang].items():
        for entry in _entries(words):
            for spelling in index._spellings(entry):
                index.flips.setdefault(topic, set()).add(
                    tuple(index.stem(w) for w in _WORD.findall(spelling))
                )
    if lang == "de":
        stems: dict[str, Entry] = {}
        for topic, words in lx.COMPOUND_STEMS.items():
            for entry in _entries(words):
                for spelling in index._spellings(entry):
                    # a stem that is also a word of feeling keeps it ("Straßenlärm": -1)
                    known = index.phrases.get((index.stem(spelling),))
                    tf = known is not None and known.kind == "tf" and known.topic == topic
                    stems[spelling] = known if tf else Entry("topic", topic)
        for weight, words in lx.COMPOUND_FEELING.items():
            for entry in _entries(words):
                for spelling in index._spellings(entry):
                    stems[spelling] = Entry("feel", None, float(weight))
        ordered = sorted(stems, key=len, reverse=True)
        index.compounds = re.compile("|".join(re.escape(s) for s in ordered))
        index.compound_entries = stems
    return index


@cache
def index_for(lang: str) -> Index:
    return _build(lang)
