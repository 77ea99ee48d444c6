"""Text normalisation for the rating parser, keeping a map back to the guest's text.

`normalise(text)` returns a `Normalised` whose `.text` is case-folded, has accents and other
combining marks removed ("Fünf" -> "funf", "TRÉS" -> "tres"), typographic apostrophes made
plain ("c’est" -> "c'est"), has every decimal digit of any
script turned into an ASCII digit ("٤" and "４" -> "4"), control characters turned into
spaces and invisible format characters (zero-width joiners, bidi marks, variation
selectors, the keycap mark of "4️⃣") dropped. `.origin[i]` is the index in the original text
of the character that produced `.text[i]`, so a span found in the normalised text can be cut
out of the original with `raw()` — ratings quote exactly what the guest typed.

Plain ASCII input (the common case) takes a fast path with an identity map.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Characters kept as they are (NFKD would turn "½" into "1⁄2").
_KEEP = frozenset("½")
# Typographic apostrophes become "'" ("c’est", "I’d").
_APOSTROPHES = frozenset("’‘ʼ´`")
_DROP_CATEGORIES = frozenset({"Mn", "Me", "Cf"})
_ASCII_CONTROLS = {i: " " for i in (*range(0, 32), 127)}


@dataclass(frozen=True)
class Normalised:
    original: str
    text: str
    origin: tuple[int, ...] | range

    def raw(self, start: int, end: int) -> str:
        """The original substring behind normalised text[start:end] (end exclusive)."""
        if end <= start:
            return ""
        return self.original[self.origin[start] : self.origin[end - 1] + 1]


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    """The normalised form of one character (possibly empty or several characters)."""
    if ch in _KEEP:
        return ch
    if ch in _APOSTROPHES:
        return "'"
    category = unicodedata.category(ch)
    if category == "Cc" or category in ("Zl", "Zp"):
        return " "
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if category in _DROP_CATEGORIES:
        return ""
    if category == "Zs":
        return " "
    decomposed = unicodedata.normalize("NFKD", ch.casefold())
    return "".join(c for c in decomposed if unicodedata.category(c) not in _DROP_CATEGORIES)


def normalise(text: str) -> Normalised:
    if text.isascii():
        return Normalised(text, text.lower().translate(_ASCII_CONTROLS), range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold(ch)
        chars.append(folded)
        origin.extend([i] * len(folded))
    return Normalised(text, "".join(chars), tuple(origin))
