"""Stage `handover`: a turn that escalates opens the handover once its writes are
stored — the escalation chained in the tenant's audit log at once, then the handover
with the conversation's lowest rating (bot/handover/store.py `escalate`: consoles are
told, on-duty staff alerted)."""

from __future__ import annotations

from collections.abc import Callable

from bot.audit.log import SYSTEM, AuditLog, AuditRecord
from bot.feedback.pipeline import TurnContext
from bot.handover import flow
from bot.handover.store import HandoverStore


class Handover:
    name = "handover"

    def __init__(self, audit: AuditLog, handovers: Callable[[str], HandoverStore]) -> None:
        self.audit = audit
        self.handovers = handovers

    async def __call__(self, t: TurnContext) -> None:
        if t.escalation is None:
            return
        tenant, result, conv = t.tenant, t.step, t.conversation
        await self.audit.tenant(
            tenant.id, AuditRecord(SYSTEM, "handover.escalate", "conversation", conv, "allowed")
        )
        last_rating, score_before = flow.lowest_rating(tenant, result.state)
        await self.handovers(tenant.id).escalate(
            conv,
            reason=t.escalation.reason,
            guest_ref=t.guest_ref,
            channel=result.state.get("channel") or t.turn.channel,
            language=t.lang,
            last_rating=last_rating,
            score_before=score_before,
        )
