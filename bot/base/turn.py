"""Values that go in and out of the feedback state machine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.base.insight import Mention
from bot.base.scale import Scale
from bot.base.states import Channel


@dataclass(frozen=True)
class Turn:
    """One guest message as the action server sees it."""

    text: str
    intent: str | None = None
    confidence: float = 0.0
    runner_up: float = 0.0  # the next intent's confidence (bot/privacy/intake.py wants a margin)
    message_id: str | None = None
    channel: str = Channel.REST
    locale: str | None = None
    reservation_language: str | None = None
    # weak language priors (bot/language): the ISO 3166 country of the sender's phone
    # number (SMS, WhatsApp) and an e-mail's Content-Language / Accept-Language
    phone_region: str | None = None
    language_hint: str | None = None


@dataclass(frozen=True)
class Reply:
    """A catalog key and its parameters; rendered in the conversation language."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """One answered question, to be stored (see docs/SCHEMA.md)."""

    question: str
    kind: str  # "rating" | "text"
    raw: str
    value: float | None = None
    score: float | None = None  # normalised 0..1
    scale: Scale | None = None
    source_scale: Scale | None = None  # the scale the guest used, when it differs
    corrected: bool = False
    message_id: str | None = None
    # free text (kind "text" or "comment"): what it talks about (bot/insights)
    topics: tuple[Mention, ...] = ()
    polarity: str | None = None  # "positive" | "negative" | "neutral" | "mixed"
    # kind "comment": the question being asked when the guest wrote it ("" if none)
    about: str | None = None
    # kind "rating": a topic the hotel does not ask about ("breakfast 2" without a
    # breakfast question), kept rather than discarded
    unsolicited: bool = False


@dataclass(frozen=True)
class StepResult:
    state: dict[str, Any]
    replies: tuple[Reply, ...]
    answers: tuple[Answer, ...]
    events: tuple[str, ...]
