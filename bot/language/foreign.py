"""Is a comment written in a language outside the ones Rapport speaks?

A guest may leave a comment in Dutch, Polish or Japanese. It is stored like any other
(no comment is dropped) and marked with its language, so staff know why the topic
analysis found nothing and can have it translated. lingua's low-accuracy mode over the
languages hotel guests in Europe most often write, built once per process (36 MB, 0.17 s;
`warm()` at start-up keeps that out of a guest's turn; then 0.14 ms per comment).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from .resolve import clean_text

__all__ = ["OTHER_LANGUAGES", "foreign_language", "warm"]

# ISO 639-1 codes besides the five the bot speaks, most frequent guests first
OTHER_LANGUAGES: tuple[str, ...] = (
    "nl", "pt", "pl", "ru", "uk", "cs", "hu", "ro", "sv", "da", "nb", "fi", "el",
    "tr", "ar", "he", "zh", "ja", "ko",
)  # fmt: skip
_SPOKEN: tuple[str, ...] = ("en", "de", "fr", "es", "it")
_MIN_CONFIDENCE = 0.9
_MIN_WORDS = 3

_detector: Any = None
_lock = threading.Lock()


def _build() -> Any:
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from lingua import IsoCode639_1, LanguageDetectorBuilder

                codes = [getattr(IsoCode639_1, c.upper()) for c in _SPOKEN + OTHER_LANGUAGES]
                builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
                _detector = builder.with_low_accuracy_mode().with_preloaded_language_models().build()
    return _detector


def warm() -> None:
    """Load the language models now rather than in the first guest's turn."""
    _build().compute_language_confidence_values("Het ontbijt was koud")


def foreign_language(text: str, spoken: Iterable[str] = _SPOKEN) -> str | None:
    """The ISO 639-1 code of the language `text` is confidently written in when that is
    not one of `spoken`; None when it is one of them, unclear, or too short to tell
    (fewer than three words: "ok", "Danke", a number)."""
    words = clean_text(text or "").split()
    if len(words) < _MIN_WORDS and not _non_latin(words):
        return None
    values = _build().compute_language_confidence_values(" ".join(words)[:1000])
    if not values:
        return None
    top = values[0]
    code = top.language.iso_code_639_1.name.lower()
    if code in set(spoken) or float(top.value) < _MIN_CONFIDENCE:
        return None
    return code


def _non_latin(words: list[str]) -> bool:
    """Greek, Cyrillic, Arabic, Hebrew, CJK… identify a language in one word."""
    return any(ord(ch) > 0x24F for word in words for ch in word)
