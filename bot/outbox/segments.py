"""SMS encodings, segment counting and splitting long replies.

A message whose every character is in the GSM 03.38 alphabet (basic set plus extension
table) is sent as GSM-7: 160 septets in a single segment, 153 per segment once it is
concatenated; an extension character (€ [ ] { } ^ ~ \\ | and form feed) takes two septets,
an escape and the character. Anything else goes as UCS-2: 70 UTF-16 code units single,
67 per part, so an emoji outside the BMP takes two. Neither an escape pair nor a surrogate
pair is split across segments, so a character that would straddle one starts the next.

`split_message` turns a long reply into several SMS messages that each fit a segment
budget in their own encoding (a part without emoji stays GSM-7), cutting after a sentence,
else between words, else between characters (never inside a combined emoji or accent).
"""

from __future__ import annotations

import unicodedata

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM7 = GSM7_BASIC | GSM7_EXTENSION
GSM7_SINGLE, GSM7_PART = 160, 153  # septets
UCS2_SINGLE, UCS2_PART = 70, 67  # UTF-16 code units

SENTENCE_ENDS = frozenset(".!?…。！？")
CLOSERS = frozenset("\"')]»”’")
ZWJ = "\u200d"


def is_gsm7(text: str) -> bool:
    """True when every character can be sent in the GSM-7 alphabet."""
    return all(c in GSM7 for c in text)


def _count(costs: list[int], single: int, per_part: int) -> int:
    total = sum(costs)
    if total == 0:
        return 0
    if total <= single:
        return 1
    parts, used = 1, 0
    for cost in costs:
        if used + cost > per_part:
            parts, used = parts + 1, 0
        used += cost
    return parts


def segment_count(text: str) -> int:
    """How many SMS segments `text` takes (0 for the empty string)."""
    if is_gsm7(text):
        return _count([2 if c in GSM7_EXTENSION else 1 for c in text], GSM7_SINGLE, GSM7_PART)
    return _count([2 if ord(c) > 0xFFFF else 1 for c in text], UCS2_SINGLE, UCS2_PART)


def _joins_previous(c: str) -> bool:
    """A character that belongs to the one before it (accent, emoji modifier or selector)."""
    code = ord(c)
    return (
        unicodedata.category(c) in ("Mn", "Me", "Mc")
        or c == ZWJ
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or 0xE0100 <= code <= 0xE01EF
    )


def _regional(c: str) -> bool:
    return 0x1F1E6 <= ord(c) <= 0x1F1FF


def _safe_cut(text: str, k: int) -> bool:
    """Whether text[:k] | text[k:] keeps every user-perceived character whole (roughly)."""
    before, after = text[k - 1], text[k]
    if _joins_previous(after) or before == ZWJ:
        return False
    if _regional(before) and _regional(after):
        run = k  # a flag is a pair of regional indicators: cut only after an even run
        while run > 0 and _regional(text[run - 1]):
            run -= 1
        return (k - run) % 2 == 0
    return True


def _sentence_ends_before(text: str, start: int, k: int) -> bool:
    """Whether text[:k] ends a sentence ("Thanks!", 'said "hi."', or a line)."""
    j = k - 1
    while j > start and text[j] in CLOSERS:
        j -= 1
    return text[k] == "\n" or text[j] in SENTENCE_ENDS


def _cut(text: str, start: int, end: int) -> int:
    """Where to end the part that starts at `start` and may reach at most `end` (< len):
    the last sentence end, unless that leaves the part less than half as long as the last
    word boundary would; else the last word boundary; else the last safe character cut."""
    sentence = word = None
    for k in range(end, start, -1):
        if text[k].isspace():
            if word is None:
                word = k
            if _sentence_ends_before(text, start, k):
                sentence = k
                break
    if sentence is not None and word is not None and sentence - start >= (word - start) // 2:
        return sentence
    if word is not None:
        return word
    for k in range(end, start, -1):
        if _safe_cut(text, k):
            return k
    return end


def split_message(text: str, max_segments: int = 3) -> list[str]:
    """`text` as consecutive non-empty messages of at most `max_segments` segments each,
    in order; whitespace at the cuts and at both ends is dropped, nothing else is.
    Blank text gives []."""
    if max_segments < 1:
        raise ValueError("max_segments must be at least 1")
    parts: list[str] = []
    start, n = 0, len(text)
    longest = GSM7_SINGLE * max_segments  # no part can be longer than this
    while True:
        while start < n and text[start].isspace():
            start += 1
        if start == n:
            return parts
        low, high = start + 1, min(n, start + longest)  # text[start:low] always fits
        while low < high:
            mid = (low + high + 1) // 2
            if segment_count(text[start:mid].rstrip()) <= max_segments:
                low = mid
            else:
                high = mid - 1
        end = low if low == n else _cut(text, start, low)
        parts.append(text[start:end].rstrip())
        start = end


def split_text(text: str, limit: int) -> list[str]:
    """`text` as consecutive non-empty parts of at most `limit` characters (WhatsApp: no
    segments, one message up to Twilio's 1,600 characters), cut like `split_message`:
    at a sentence end, else a word boundary, never inside a character sequence."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    parts: list[str] = []
    start, n = 0, len(text)
    while True:
        while start < n and text[start].isspace():
            start += 1
        if start == n:
            return parts
        end = n if n - start <= limit else _cut(text, start, start + limit)
        parts.append(text[start:end].rstrip())
        start = end
