"""Folding and tokenising a comment for the analyser, keeping the guest's own words.

`fold(text)` case-folds, removes accents ("très" -> "tres", "habitación" -> "habitacion"),
spells German umlauts and ligatures out ("Frühstück" -> "fruehstueck", "Straße" ->
"strasse", "œufs" -> "oeufs") and makes typographic apostrophes plain, so "l’hôtel" and
"l'hotel" read the same. (bot/ratings/text.py does much the same for the rating parser,
but drops umlauts, and "schön" must not read as "schon"; the two packages share a floor,
so neither imports the other.) `origin[i]` is the index in the original of folded
character i, which lets `tokens()` hand back each word exactly as the guest wrote it.

`tokens(text)` yields `Token`s: words (runs of letters and digits: the apostrophe splits
"l'hotel", "dell'albergo", "n'était", "didn't"), a few emoji that carry feeling, and the
punctuation that ends a clause (",", ";", ":", dashes, brackets) or a sentence (".", "!",
"?", "…" before a space or the end, a line break).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

_SPECIAL = {
    "ä": "ae",
    "ö": "oe",
    "ü": "ue",
    "ß": "ss",
    "œ": "oe",
    "æ": "ae",
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "´": "'",
    "`": "'",
}
_DROP = frozenset({"Mn", "Me", "Cf"})
_CONTROLS = {i: " " for i in (*range(0, 9), *range(11, 32), 127)}


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    low = ch.casefold()
    if low in _SPECIAL:
        return _SPECIAL[low]
    category = unicodedata.category(ch)
    if category in _DROP:
        return ""
    if category == "Cc":
        return "\n" if ch in "\n\r" else " "
    if category in ("Zs", "Zl", "Zp"):
        return "\n" if category != "Zs" else " "
    decomposed = unicodedata.normalize("NFKD", low)
    return "".join(c for c in decomposed if unicodedata.category(c) not in _DROP)


def fold(text: str) -> tuple[str, tuple[int, ...] | range]:
    """(folded text, origin map) — see the module docstring."""
    if text.isascii():
        return text.lower().translate(_CONTROLS), range(len(text))
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        chars.append(folded)
        origin.extend([i] * len(folded))
    return "".join(chars), tuple(origin)


def fold_plain(word: str) -> str:
    """A lexicon word folded with umlauts dropped instead ("frühstück" -> "fruhstuck"),
    the way guests type them on a keyboard without umlauts."""
    low = word.casefold().replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", low)
    return "".join(c for c in decomposed if unicodedata.category(c) not in _DROP).replace("’", "'")


POSITIVE_EMOJI = frozenset("👍😀😃😄😁😊🙂😍🥰😘❤💕💖👌👏🤩😎🌟✨💯🙏")
NEGATIVE_EMOJI = frozenset("👎😡😠🤬😤😞😢😭😩😫🤢🤮💩😒🙁😕☹😖😣")

_TOKEN = re.compile(
    r"(?P<w>[^\W_]+|[€$£])"  # a word (any script; folded text is lower-case ASCII for our five)
    r"|(?P<s>[.!?…]+(?=\s|$|[\"')\]])|\n)"  # the end of a sentence
    r"|(?P<c>[,;:()\[\]\"–—]|\s-\s)"  # the end of a clause
    r"|(?P<e>[\u2600-\u27bf\U0001f300-\U0001faff])"  # an emoji
)


class Token(NamedTuple):
    kind: str  # "w" word, "s" sentence end, "c" clause end, "e" emoji
    text: str  # folded
    start: int  # span in the folded text
    end: int


def tokens(folded: str) -> list[Token]:
    return [Token(m.lastgroup or "w", m.group(), *m.span()) for m in _TOKEN.finditer(folded)]


def raw(original: str, origin: tuple[int, ...] | range, start: int, end: int) -> str:
    """The guest's own text behind folded[start:end]."""
    if end <= start:
        return ""
    return original[origin[start] : origin[end - 1] + 1]
