"""Stage `staff_hold`: staff hold the conversation (the bot says nothing) or the guest
answered the satisfaction question after staff resolved it (thanked); either way the
turn ends here and its lines go to the transcript (bot/handover/store.py `record`,
consoles are told), audited alongside. What `before_engine` found decides
(bot/handover/flow.py, read by the guest_state stage)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.audit.log import AuditLog
from bot.base.turn import Reply
from bot.feedback.pipeline import TurnContext, TurnOutcome, handled
from bot.feedback.transcript import said_this_turn, transcript_write
from bot.handover.store import HandoverStore


class StaffHold:
    name = "staff_hold"

    def __init__(
        self,
        audit: AuditLog,
        handovers: Callable[[str], HandoverStore],
        render: Callable[[str, Reply], str],
    ) -> None:
        self.audit = audit
        self.handovers = handovers
        self.render = render

    async def __call__(self, t: TurnContext) -> TurnOutcome | None:
        before = t.before
        if not (before.silent or before.replies):
            return None
        texts = tuple(self.render(t.lang, r) for r in before.replies)
        said = said_this_turn(t.turn.text, texts)
        await asyncio.gather(
            self.handovers(t.tenant.id).record(t.conversation, t.guest_ref, said),
            self.audit.system_access(t.tenant.id, [transcript_write(t.conversation, said)], t.reads),
        )
        outcome = "held_by_staff" if before.silent else "satisfaction"
        handled(tenant=t.tenant.id, conversation=t.conversation, outcome=outcome)
        return TurnOutcome(texts, dict(t.state or {}), (outcome,))
