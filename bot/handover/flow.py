"""How one guest turn meets the handover state (called by FeedbackService).

Before the feedback engine runs:
- staff hold the conversation (waiting_for_staff or with_staff): the message is added
  to the transcript, consoles are told, and the bot says nothing;
- the satisfaction question after resolving is open: a number 1..5 answers it (the
  recovery figure is kept); anything else closes it and the bot goes on;
- staff handed the conversation back: the bot drops its pending low-score follow-up,
  says it is carrying on, and asks the next open question.

After the engine: a trigger (bot/handover/triggers.py) allowed by the tenant's policy
escalates, the guest is told a person will answer — and when, outside staffed hours —
and the transcript gets the guest's message and the bot's replies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from babel.dates import format_datetime
from pymongo.errors import PyMongoError

from bot.base.errors import StorageError
from bot.base.turn import Reply, StepResult, Turn
from bot.handover.store import HELD, HandoverStore
from bot.handover.triggers import escalation_reason
from bot.ratings import Scale, parse_answer
from bot.storage.documents import HandoverDoc, LastRating
from bot.tenants.registry import Tenant

SATISFACTION_SCALE = Scale(1, 5)


@dataclass
class Before:
    silent: bool = False  # staff hold it: no engine, no reply
    replies: list[Reply] = field(default_factory=list)  # answered here (satisfaction)
    prefix: list[Reply] = field(default_factory=list)  # said before the engine's replies
    resumed: bool = False  # handed back: drop the pending follow-up
    handover: HandoverDoc | None = None


def when_open(tenant: Tenant, lang: str, now: datetime) -> str | None:
    """The next staffed moment, in the guest's language, or None when staff are on duty."""
    hours = tenant.handover.hours
    if hours.is_open(now):
        return None
    opening = hours.next_opening(now)
    return format_datetime(opening, "EEEE, HH:mm", tzinfo=hours.zone(), locale=lang)


async def before_engine(store: HandoverStore, conversation: str, turn: Turn, lang: str) -> Before:
    try:
        return await _before_engine(store, conversation, turn, lang)
    except PyMongoError as e:
        raise StorageError("reading the handover state failed") from e


async def _before_engine(store: HandoverStore, conversation: str, turn: Turn, lang: str) -> Before:
    doc = await store.get(conversation)
    if doc is None:
        return Before()
    if doc["state"] in HELD:
        return Before(silent=True, handover=doc)
    if doc.get("awaiting_satisfaction"):
        parsed = parse_answer(turn.text, lang, {"satisfaction": SATISFACTION_SCALE}, "satisfaction")
        if len(parsed.ratings) == 1:
            score = SATISFACTION_SCALE.normalise(parsed.ratings[0].value)
            await store.record_satisfaction(conversation, score)
            return Before(replies=[Reply("satisfaction.thanks")], handover=doc)
        await store.cancel_satisfaction(conversation)
    if doc.get("resume") and await store.consume_resume(conversation):
        return Before(prefix=[Reply("handover.resumed")], resumed=True, handover=doc)
    return Before(handover=doc)


def resume_state(state: dict[str, Any]) -> dict[str, Any]:
    """The engine state after a hand-back: staff dealt with the follow-up, and the
    guest's next message is not an answer to a question asked before the handover."""
    return {**state, "followup": None, "asked": None, "misses": 0}


@dataclass(frozen=True)
class Escalation:
    reason: str
    replies: tuple[Reply, ...]


def escalation(
    tenant: Tenant,
    turn: Turn,
    result: StepResult,
    lang: str,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Escalation | None:
    """Whether this turn hands the conversation to staff, and what the guest is told."""
    reason = escalation_reason(
        tenant.handover,
        text=turn.text,
        intent=turn.intent,
        events=result.events,
        misses=int(result.state.get("misses") or 0),
        lang=lang,
    )
    if reason is None:
        return None
    when = when_open(tenant, lang, now())
    if reason == "urgent":
        notice = [Reply("handover.urgent")]
    else:
        notice = [Reply("handover.notice_later", {"when": when}) if when else Reply("handover.notice")]
    # The bot falls silent now: it keeps its acknowledgement of what the guest said
    # (a follow-up question after a low rating, thanks for a comment) but asks nothing
    # more; for a request, an emergency or misunderstandings only the notice is said.
    kept = []
    if reason in ("low_rating", "complaint"):
        kept = [r for r in result.replies if not r.key.startswith(("question.", "reask.", "closing"))]
    return Escalation(reason, tuple(kept + notice))


def lowest_rating(tenant: Tenant, state: dict[str, Any]) -> tuple[LastRating | None, float | None]:
    """The conversation's lowest rating so far (for the inbox and the recovery figure)."""
    lowest: tuple[float, str, float] | None = None
    for qid, value in (state.get("answers") or {}).items():
        scale = tenant.rating_scales.get(qid)
        if scale is None or value is None:
            continue
        score = scale.normalise(value)
        if lowest is None or score < lowest[0]:
            lowest = (score, qid, value)
    if lowest is None:
        return None, None
    score, qid, value = lowest
    return {"question": qid, "value": value, "score": round(score, 4)}, round(score, 4)
