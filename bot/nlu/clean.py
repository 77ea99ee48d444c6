"""What a guest's text says once markup is removed, and whether it says anything at all.

- ``strip_markup``: HTML/XML tags, comments and the content of ``<script>``/``<style>``
  elements removed, entities decoded, whitespace collapsed. Only real tags count: a tag
  starts with a letter, ``/`` or ``!`` right after ``<`` ("<3", "a < b > c" are kept).
- ``is_junk``: no real words (``"Z " * 100``, a run of one letter, digits and symbols),
  or the same few tokens repeated over and over. Junk never decides an intent that acts
  on the guest's data (bot/privacy/intake.py).

Pure Python; bot/nlu/markup.py applies ``strip_markup`` in the Rasa pipeline before the
tokenizer, so markup never reaches the classifier.
"""

from __future__ import annotations

import html
import re

_BLOCKS = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<![^<>]*>")
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_LETTERS = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")
_VOWEL = re.compile(r"[aeiouyàáâäãåæèéêëìíîïòóôöõøùúûüœ]", re.IGNORECASE)

# the parse-data key under which bot/nlu/markup.py keeps the text as the guest wrote it
AS_WRITTEN = "text_as_written"
MIN_DISTINCT_SHARE = 0.25  # fewer distinct tokens than this share of 8+ tokens: repetition
MIN_WORD_SHARE = 0.5  # fewer real words than this share of 4+ tokens: not language


def has_markup(text: str) -> bool:
    return bool(_TAG.search(text or "") or _COMMENT.search(text or ""))


def strip_markup(text: str) -> str:
    """``text`` without tags, comments, scripts and styles (unchanged when it has none)."""
    if not text or "<" not in text:
        return text or ""
    if not has_markup(text):
        return text
    without = _TAG.sub(" ", _COMMENT.sub(" ", _BLOCKS.sub(" ", text)))
    return _SPACE.sub(" ", html.unescape(without)).strip()


def is_word(token: str) -> bool:
    """Two or more letters (an apostrophe or hyphen inside), a vowel among them, and not
    one letter repeated ("BBBB"), at most 30 letters."""
    core = _PUNCT.sub("", token)
    if not 2 <= len(core) <= 30 or not _LETTERS.match(core):
        return False
    if len(set(core.casefold())) == 1:
        return False
    return bool(_VOWEL.search(core))


def is_junk(text: str) -> bool:
    """No real word, mostly non-words, or a few tokens repeated many times."""
    tokens = (text or "").split()
    words = [t for t in tokens if is_word(t)]
    if not words:
        return True
    if len(tokens) >= 4 and len(words) < MIN_WORD_SHARE * len(tokens):
        return True
    distinct = {_PUNCT.sub("", t).casefold() for t in tokens}
    return len(tokens) >= 8 and len(distinct) < MIN_DISTINCT_SHARE * len(tokens)
