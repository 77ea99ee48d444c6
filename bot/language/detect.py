"""Language identification behind one small interface.

Two implementations of :class:`LanguageDetector`:

* :class:`LinguaDetector` (default) -- lingua, high-accuracy mode, restricted to the
  languages it is given.  Measured on these machines it is both more accurate and
  faster than langdetect on short text (see /work/shared/data/README.md and
  ``scripts/eval_language.py``).
* :class:`LangdetectDetector` -- langdetect 1.0.9, seeded so results are deterministic,
  restricted to the given languages through langdetect's prior map.

Both return ``(iso_639_1_code, confidence)`` or ``None`` when the text carries no
evidence at all (empty, digits, emoji, punctuation).  Confidence is in 0..1 and is
the detector's own probability for the returned language *among the allowed
languages*; it is not calibrated across detectors (langdetect is very often close to
1.0 even for two words), so callers must also gate on text length
(see :func:`bot.language.resolve.is_substantial`).

Pure Python: no rasa / rasa_sdk imports.  Heavy objects (lingua models, langdetect
profiles) are built lazily on first use and cached at module level.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "SUPPORTED",
    "DETECTORS",
    "LanguageDetector",
    "LinguaDetector",
    "LangdetectDetector",
    "make_detector",
]

SUPPORTED: tuple[str, ...] = ("en", "de", "fr", "es", "it")

DETECTORS: tuple[str, ...] = ("lingua", "langdetect")


@runtime_checkable
class LanguageDetector(Protocol):
    """Anything that can guess the language of a text."""

    name: str

    def detect(self, text: str) -> tuple[str, float] | None:
        """(ISO 639-1 code among the detector's languages, confidence 0..1) or None."""
        ...


def _normalise_languages(languages: Sequence[str]) -> tuple[str, ...]:
    if isinstance(languages, str):  # a common slip: "en" instead of ("en",)
        languages = (languages,)
    out: list[str] = []
    for code in languages:
        c = str(code).strip().lower()
        if not c:
            raise ValueError("empty language code")
        if c not in out:
            out.append(c)
    if not out:
        raise ValueError("at least one language is required")
    return tuple(out)


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


# --------------------------------------------------------------------------- lingua

_LINGUA_CACHE: dict[frozenset[str], Any] = {}
_LINGUA_LOCK = threading.Lock()


def _lingua_detector(languages: tuple[str, ...]) -> Any:
    """Build (once per language set, process-wide) a lingua detector."""
    key = frozenset(languages)
    det = _LINGUA_CACHE.get(key)
    if det is not None:
        return det
    with _LINGUA_LOCK:
        det = _LINGUA_CACHE.get(key)
        if det is None:
            from lingua import IsoCode639_1, LanguageDetectorBuilder

            codes = [getattr(IsoCode639_1, c.upper()) for c in sorted(key)]
            det = (
                LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models().build()
            )
            _LINGUA_CACHE[key] = det
    return det


class LinguaDetector:
    """lingua (high accuracy mode) restricted to ``languages``.

    The underlying lingua detector is built lazily on the first :meth:`detect` call
    and shared by every ``LinguaDetector`` with the same language set.
    """

    name = "lingua"

    def __init__(self, languages: Sequence[str] = SUPPORTED) -> None:
        self.languages = _normalise_languages(languages)
        try:
            from lingua import IsoCode639_1
        except ImportError as exc:  # pragma: no cover - dependency is locked
            raise RuntimeError("lingua-language-detector is not installed") from exc
        unknown = [c for c in self.languages if not hasattr(IsoCode639_1, c.upper())]
        if unknown:
            raise ValueError(f"lingua does not know language code(s): {unknown}")

    def detect(self, text: str) -> tuple[str, float] | None:
        if not text or not _has_letters(text):
            return None
        values = _lingua_detector(self.languages).compute_language_confidence_values(text)
        if not values:
            return None
        top = values[0]
        confidence = float(top.value)
        if confidence <= 0.0:
            return None
        code = top.language.iso_code_639_1.name.lower()
        return code, min(confidence, 1.0)

    def __repr__(self) -> str:
        return f"LinguaDetector(languages={self.languages!r})"


# ----------------------------------------------------------------------- langdetect

_LANGDETECT_LOCK = threading.Lock()
_LANGDETECT_FACTORY: Any = None


def _langdetect_factory() -> Any:
    global _LANGDETECT_FACTORY
    if _LANGDETECT_FACTORY is None:
        with _LANGDETECT_LOCK:
            if _LANGDETECT_FACTORY is None:
                from langdetect import DetectorFactory
                from langdetect import detector_factory as df

                DetectorFactory.seed = 0
                df.init_factory()  # loads the profiles once per process (shared)
                _LANGDETECT_FACTORY = df._factory
    return _LANGDETECT_FACTORY


class LangdetectDetector:
    """langdetect, seeded (deterministic), restricted to ``languages``.

    Restriction uses langdetect's prior map (languages outside ``languages`` get a
    zero prior, so their probability stays zero and the rest is renormalised); the
    result is filtered and renormalised once more for safety.
    """

    name = "langdetect"

    def __init__(self, languages: Sequence[str] = SUPPORTED) -> None:
        self.languages = _normalise_languages(languages)
        factory = _langdetect_factory()
        known = set(factory.get_lang_list())
        unknown = [c for c in self.languages if c not in known]
        if unknown:
            raise ValueError(f"langdetect does not know language code(s): {unknown}")
        self._prior = {c: 1.0 for c in self.languages}

    def detect(self, text: str) -> tuple[str, float] | None:
        if not text or not _has_letters(text):
            return None
        from langdetect.lang_detect_exception import LangDetectException

        factory = _langdetect_factory()
        detector = factory.create()
        detector.seed = 0  # deterministic even if someone reset DetectorFactory.seed
        detector.set_prior_map(self._prior)
        detector.append(text)
        try:
            probabilities = detector.get_probabilities()
        except LangDetectException:
            return None
        langprob = getattr(detector, "langprob", None)
        langlist = getattr(detector, "langlist", None)
        if langprob is not None and langlist is not None:
            # full distribution (get_probabilities() hides everything <= 0.1)
            pairs = zip(langlist, langprob, strict=False)
        else:  # pragma: no cover - other langdetect versions
            pairs = ((p.lang, p.prob) for p in probabilities)
        allowed = [(lang, float(prob)) for lang, prob in pairs if lang in self._prior]
        total = sum(prob for _, prob in allowed)
        if not allowed or total <= 0.0:
            return None
        lang, prob = max(allowed, key=lambda item: item[1])
        return lang, min(prob / total, 1.0)

    def __repr__(self) -> str:
        return f"LangdetectDetector(languages={self.languages!r})"


def make_detector(name: str = "lingua", languages: Sequence[str] = SUPPORTED) -> LanguageDetector:
    """Return a detector by name: ``"lingua"`` (default) or ``"langdetect"``."""
    key = (name or "").strip().lower()
    if key == "lingua":
        return LinguaDetector(languages)
    if key == "langdetect":
        return LangdetectDetector(languages)
    raise ValueError(f"unknown language detector {name!r}; choose one of {DETECTORS}")
