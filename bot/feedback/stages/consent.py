"""Stage `consent`: a guest who objected to being contacted (GDPR Art. 21, set by the
privacy worker in bot/storage/flags.py) is told nothing more; only the turn's reads are
audited. SMS STOP is consent too, but the SMS channel handles it before Rasa
(bot/channels/sms/channel.py); a data-subject request is answered before this stage."""

from __future__ import annotations

from bot.audit.log import AuditLog
from bot.feedback.pipeline import TurnContext, TurnOutcome, handled


class Consent:
    name = "consent"

    def __init__(self, audit: AuditLog) -> None:
        self.audit = audit

    async def __call__(self, t: TurnContext) -> TurnOutcome | None:
        if not t.flags.objected:
            return None
        await self.audit.system_access(t.tenant.id, [], t.reads)
        handled(tenant=t.tenant.id, conversation=t.conversation, outcome="objected")
        return TurnOutcome((), dict(t.state or {}), ("objected",))
