"""Stage `reply`: the turn's outcome — the rendered texts (actions/feedback.py utters
them; Rasa hands them to the channel, which sends them), the new conversation state
(the Rasa slot `rapport`) and the events — and its one log line. No I/O."""

from __future__ import annotations

import time

from bot.base.refs import log_ref
from bot.base.settings import Settings
from bot.feedback.pipeline import TurnContext, TurnOutcome, handled


class Respond:
    name = "reply"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, t: TurnContext) -> TurnOutcome:
        result = t.step
        events = result.events + (("escalated",) if t.escalation else ())
        handled(
            tenant=t.tenant.id,
            conversation=t.conversation,
            guest=log_ref(self.settings.guest_key, t.guest_ref),
            lang=t.lang,
            intent=t.turn.intent,
            answers=len(result.answers),
            replies=",".join(r.key for r in t.replies),
            events=",".join(events) or "-",
            escalated=t.escalation.reason if t.escalation else "-",
            ms=round((time.perf_counter() - t.started) * 1000, 1),
        )
        return TurnOutcome(t.texts, result.state, events)
