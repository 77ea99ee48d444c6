"""What a comment talks about (bot/insights computes it; the engine, storage, reports and
the CLI carry it): the hotel topics, a mention of one, a comment's analysis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# the hotel topics, in report order ("breakfast" covers breakfast and food, "checkin"
# check-in and check-out, "facilities" pool, spa, gym, lift, restaurant building...)
TOPICS: tuple[str, ...] = (
    "room",
    "cleanliness",
    "staff",
    "breakfast",
    "location",
    "noise",
    "value",
    "wifi",
    "checkin",
    "bathroom",
    "bed",
    "facilities",
    "parking",
)
# a mention's polarity is one of the first three; a whole comment's may also be "mixed"
POLARITIES: tuple[str, ...] = ("positive", "negative", "neutral", "mixed")


@dataclass(frozen=True)
class Mention:
    """One topic in one sentence of a comment."""

    topic: str  # one of TOPICS
    polarity: str  # "positive" | "negative" | "neutral"
    words: tuple[str, ...]  # the words (as the guest wrote them) that decided topic and polarity
    sentence: int = 0  # index of the sentence in the comment

    def as_json(self) -> dict[str, Any]:
        return {"topic": self.topic, "polarity": self.polarity, "words": list(self.words)}


@dataclass(frozen=True)
class Analysis:
    topics: tuple[Mention, ...] = ()
    polarity: str = "neutral"  # "positive" | "negative" | "neutral" | "mixed"
    words: tuple[str, ...] = ()  # the sentiment words that decided the overall polarity

    def as_json(self) -> dict[str, Any]:
        """The CLI's line: {"topics": [...], "polarity": ...}."""
        return {"topics": [m.as_json() for m in self.topics], "polarity": self.polarity}

    @property
    def negative(self) -> bool:
        return self.polarity in ("negative", "mixed")
