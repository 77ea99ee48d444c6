"""Building the stored documents (pure; the schema is documented in docs/SCHEMA.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.base.turn import Answer
from bot.ratings import Scale

SCHEMA_VERSION = 1


def _scale(s: Scale | None) -> dict[str, Any] | None:
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
) -> dict[str, Any]:
    """One document per answered question. `_id` is conversation + question, so a
    retried write (or a correction) replaces instead of duplicating."""
    return {
        "_id": f"{conversation_id}:{answer.question}",
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
    }


def conversation_document(
    *,
    tenant_id: str,
    conversation_id: str,
    guest_ref: str,
    state: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    answers = state.get("answers", {})
    return {
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
