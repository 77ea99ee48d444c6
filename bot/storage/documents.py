"""The stored documents: their types, and building ratings and conversation summaries
(pure; the schema is documented in docs/SCHEMA.md).

A `TypedDict` per document a store writes and reads: `RatingDoc`, `ConversationDoc`
(here built), `HandoverDoc`, `MessageDoc`, `HandoverHistoryDoc` (bot/handover/store.py),
`DsrRequestDoc`, `DsrQuestionDoc` (bot/privacy/requests.py). They are plain dicts at
run time (what pymongo reads and writes); fields that only some documents carry, or
that a later update adds, are `NotRequired`. Times in handover and request documents
are epoch seconds; `datetime` in ratings, conversations and messages (inserted, so
they keep their type).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, NotRequired, TypedDict

from bot.base.turn import Answer
from bot.ratings import Scale

SCHEMA_VERSION = 1


class ScaleDoc(TypedDict):
    low: float
    high: float
    halves: bool


class RatingDoc(TypedDict):
    """`ratings`: one document per answered question."""

    _id: str  # <conversation_id>:<question> (a comment: …:comment:<12 hex>, `rating_id`)
    schema: int
    tenant: str
    conversation_id: str
    guest_ref: str
    channel: str  # a Channel
    language: str
    question: str
    kind: str  # "rating" | "text" | "comment"
    scale: ScaleDoc | None
    source_scale: ScaleDoc | None
    raw: str
    value: float | None
    score: float | None
    corrected: bool
    message_id: str | None
    answered_at: datetime
    updated_at: NotRequired[datetime]  # set by the store's upsert
    restricted: NotRequired[bool]  # a restriction request (bot/privacy/execute.py)
    restricted_at: NotRequired[float]
    # free text (kind "text": the answer to a text question; kind "comment": free text
    # given at any other point): what it talks about (bot/insights)
    topics: NotRequired[list[TopicDoc]]
    polarity: NotRequired[str]  # "positive" | "negative" | "neutral" | "mixed"
    about: NotRequired[str]  # kind "comment": the question being asked then ("" none)
    unsolicited: NotRequired[int]  # kind "rating": 1 = a topic the hotel does not ask about
    text_language: NotRequired[str]  # free text written in a language outside the five ("nl")


class TopicDoc(TypedDict):
    """One topic a comment's sentence mentions."""

    topic: str  # bot/base/insight.py TOPICS
    polarity: str  # "positive" | "negative" | "neutral"
    words: list[str]  # the words that decided it
    sentence: int  # the sentence's index in the comment


class ConversationDoc(TypedDict):
    """`conversations`: one summary per feedback conversation."""

    _id: str  # the conversation id
    schema: int
    tenant: str
    guest_ref: str
    channel: str | None  # a Channel
    language: str | None
    language_source: str | None
    status: str | None  # a ConversationStatus
    answered: int
    skipped: int
    updated_at: datetime
    started_at: NotRequired[datetime]  # set on insert by the store
    # a conversation an invitation opened (bot/outreach/opening.py): ids only
    invitation: NotRequired[str]  # the invitation's _id
    stay: NotRequired[str]  # the stay's _id
    journey: NotRequired[str]  # the journey's id


class LastRating(TypedDict):
    question: str
    value: float | None
    score: float | None


class HandoverDoc(TypedDict):
    """`handovers`: one per escalated conversation (bot/handover/store.py)."""

    _id: str  # the conversation id
    state: str  # a HandoverState
    reason: str
    guest_ref: str
    channel: str  # a Channel
    language: str
    escalated_at: float
    updated_at: float
    assigned_to: str | None  # staff id
    awaiting_satisfaction: bool
    resume: bool  # handed back or resolved: the bot drops its pending follow-up
    last_rating: NotRequired[LastRating]
    score_before: NotRequired[float]
    score_after: NotRequired[float]
    recovery: NotRequired[float]
    taken_at: NotRequired[float]
    resolved_at: NotRequired[float]
    resolved_by: NotRequired[str]
    notified_at: NotRequired[float]  # on-duty staff were told (bot/handover/notify.py)
    notify_claim_until: NotRequired[float]  # a notifier holds it, or waits to retry, until then
    notify_attempts: NotRequired[int]  # notifier rounds that tried to tell staff
    notify_failed: NotRequired[int]  # 1: every notice failed MAX_ATTEMPTS times (given up)


class MessageDoc(TypedDict):
    """`messages`: one transcript message (bot/handover/store.py)."""

    _id: str  # <conversation>:<seq, 7 digits>
    conversation: str
    guest_ref: str
    seq: int
    at: datetime
    author: str  # an Author
    text: str
    staff: NotRequired[str]  # staff id (staff replies and notes)
    delivered: NotRequired[bool]  # staff and system messages


class HandoverHistoryDoc(TypedDict):
    """`handover_history`: one per transition."""

    conversation: str
    to: str  # a HandoverState
    by: str  # staff id or "system"
    at: float
    reason: NotRequired[str]


class DsrRequestDoc(TypedDict):
    """`dsr_requests`: one data-subject request (bot/privacy/requests.py)."""

    _id: str  # "r_" + 16 hex
    type: str  # a DsrType
    status: str  # a DsrStatus
    guest_ref: str
    channel: str  # a Channel
    language: str
    created_at: float
    deadline_at: float
    updated_at: float
    attempts: int
    codes_sent: int
    details: str | None  # sealed JSON
    acted_by: str | None
    tenant_informed: bool
    code_hash: NotRequired[str]
    code_expires_at: NotRequired[float]
    extended_until: NotRequired[float]
    extension_reason: NotRequired[str]
    outcome: NotRequired[dict[str, Any]]
    approved_by: NotRequired[str]  # bot/privacy/decisions.py
    approved_at: NotRequired[float]
    rejection_reason: NotRequired[str]
    informed_at: NotRequired[float]  # bot/privacy/worker.py
    deadline_warned_at: NotRequired[float]
    failures: NotRequired[int]
    last_error: NotRequired[str]
    claimed_until: NotRequired[float]
    claimed_by: NotRequired[str]


class DsrQuestionDoc(TypedDict):
    """`dsr_questions`: a request the guest was asked to confirm (`_id` = guest_ref)."""

    _id: str
    guest_ref: str
    type: str  # a DsrType
    channel: str
    language: str
    details: str | None
    asked_at: float
    expires_at: float


def _scale(s: Scale | None) -> ScaleDoc | None:
    return None if s is None else {"low": s.low, "high": s.high, "halves": s.halves}


def rating_document(
    *,
    tenant_id: str,
    conversation_id: str,
    guest_ref: str,
    channel: str,
    language: str,
    answer: Answer,
    now: datetime,
) -> RatingDoc:
    """One document per answered question. `_id` is conversation + question, so a
    retried write (or a correction) replaces instead of duplicating; a comment's adds
    its text's digest (`rating_id`)."""
    return {
        "_id": rating_id(conversation_id, answer),
        "schema": SCHEMA_VERSION,
        "tenant": tenant_id,
        "conversation_id": conversation_id,
        "guest_ref": guest_ref,
        "channel": channel,
        "language": language,
        "question": answer.question,
        "kind": answer.kind,
        "scale": _scale(answer.scale),
        "source_scale": _scale(answer.source_scale),
        "raw": answer.raw,
        "value": answer.value,
        "score": answer.score,
        "corrected": answer.corrected,
        "message_id": answer.message_id,
        "answered_at": now,
        **_insight(answer),
    }


def rating_id(conversation_id: str, answer: Answer) -> str:
    """`<conv>:<question>`; a comment (kind "comment": several per question are kept)
    `<conv>:<question>:comment:<12 hex of the text's SHA-1>`. The digest of the text,
    not the message id: Rasa gives every delivery of a message a fresh id, so a guest
    or channel resending the same comment would otherwise store it twice."""
    if answer.kind != "comment":
        return f"{conversation_id}:{answer.question}"
    text = answer.raw.strip().encode("utf-8", "surrogatepass")
    digest = hashlib.sha1(text, usedforsecurity=False).hexdigest()[:12]
    return f"{conversation_id}:{answer.question or 'general'}:comment:{digest}"


def _insight(answer: Answer) -> dict[str, Any]:
    """The optional fields of free text and unsolicited ratings (absent otherwise)."""
    extra: dict[str, Any] = {}
    if answer.kind in ("text", "comment"):
        extra["topics"] = [
            {"topic": m.topic, "polarity": m.polarity, "words": list(m.words), "sentence": m.sentence}
            for m in answer.topics
        ]
        extra["polarity"] = answer.polarity or "neutral"
    if answer.kind == "comment":
        extra["about"] = answer.about or ""
    if answer.unsolicited:
        extra["unsolicited"] = 1
    return extra


def conversation_document(
    *,
    tenant_id: str,
    conversation_id: str,
    guest_ref: str,
    state: dict[str, Any],
    now: datetime,
) -> ConversationDoc:
    answers = state.get("answers", {})
    document: ConversationDoc = {
        "_id": conversation_id,
        "schema": SCHEMA_VERSION,
        "tenant": tenant_id,
        "guest_ref": guest_ref,
        "channel": state.get("channel"),
        "language": state.get("lang"),
        "language_source": state.get("lang_source"),
        "status": state.get("status"),
        "answered": sum(1 for v in answers.values() if v is not None),
        "skipped": sum(1 for v in answers.values() if v is None),
        "updated_at": now,
    }
    invitation = state.get("invitation")
    if isinstance(invitation, dict) and invitation.get("id"):
        document["invitation"] = str(invitation["id"])
        document["stay"] = str(state.get("stay") or "")
        document["journey"] = str(state.get("journey") or "")
    return document
