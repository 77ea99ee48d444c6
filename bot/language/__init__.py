"""Guest language: detection, explicit language requests, per-conversation resolver.

Pure Python (no rasa / rasa_sdk imports), so actions, channels and scripts can share it.

    from bot.language import initial_choice, update_choice, make_detector

    detector = make_detector()                       # lingua, en/de/fr/es/it
    choice = initial_choice(supported=SUPPORTED, default="en", locale="de-AT")
    choice, event = update_choice(choice, text, supported=SUPPORTED, detector=detector)
"""

from .detect import (
    DETECTORS,
    SUPPORTED,
    LangdetectDetector,
    LanguageDetector,
    LinguaDetector,
    make_detector,
)
from .explicit import LANGUAGE_NAMES, explicit_request
from .openers import opener_language
from .priors import phone_region, prior_language
from .resolve import (
    SOURCES,
    LanguageChoice,
    clean_text,
    initial_choice,
    is_substantial,
    opening_choice,
    primary_subtag,
    update_choice,
)

__all__ = [
    "DETECTORS",
    "LANGUAGE_NAMES",
    "SOURCES",
    "SUPPORTED",
    "LangdetectDetector",
    "LanguageChoice",
    "LanguageDetector",
    "LinguaDetector",
    "clean_text",
    "explicit_request",
    "initial_choice",
    "is_substantial",
    "make_detector",
    "opener_language",
    "opening_choice",
    "phone_region",
    "primary_subtag",
    "prior_language",
    "update_choice",
]
