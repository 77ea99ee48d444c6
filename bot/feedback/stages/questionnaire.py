"""Stage `questionnaire`: the conversation state made ready — staff handed it back
(the pending follow-up dropped, bot/handover/flow.py `resume_state`), a language the
guest corrected through a request applied once (bot/storage/flags.py), and, when the
turn starts a new conversation, the invitation it answers (bot/outreach/opening.py:
its language, the first question already asked, the stay and journey) — then one step
of the state machine (bot/feedback/engine.py: language, the answer, the next question)."""

from __future__ import annotations

import time
from collections.abc import Mapping

from bot.audit.log import SystemAccess
from bot.base.names import GUEST_FLAGS, INVITATIONS
from bot.base.settings import Settings
from bot.feedback import engine
from bot.feedback.pipeline import TurnContext
from bot.handover import flow
from bot.language import LanguageDetector
from bot.outreach.opening import open_invitation
from bot.outreach.settings import PolicyCache
from bot.storage.flags import FlagStore
from bot.storage.mongo import MongoStore


class Questionnaire:
    name = "questionnaire"

    def __init__(
        self,
        settings: Settings,
        store: MongoStore,
        detector: LanguageDetector,
        language_names: Mapping[str, str],
    ) -> None:
        self.settings = settings
        self.store = store
        self.detector = detector
        self.language_names = language_names
        self.policies = PolicyCache(store)  # the review links in force (console edits)

    async def __call__(self, t: TurnContext) -> None:
        tenant, state, flags = t.tenant, t.state, t.flags
        if t.before.resumed and state is not None:
            state = flow.resume_state(dict(state))
        if flags.language and state is not None and flags.language in tenant.languages:
            # the guest corrected their language through a request (bot/privacy/execute.py)
            state = {**state, "lang": flags.language, "lang_source": "explicit"}
            await FlagStore(self.store, tenant.id).language_applied(t.guest_ref, flags.language)
            t.writes.append(SystemAccess("guest_flags.update", GUEST_FLAGS, t.guest_ref))
        opening = None
        if engine.starts(state, tenant) and not t.too_long:
            opening = await self.opening(t)
        ctx = engine.Context(
            tenant=tenant,
            detector=self.detector,
            language_names=self.language_names,
            conversation_id=t.conversation,
            max_message_chars=self.settings.max_message_chars,
            opening=opening,
            review_links=(await self.policies.get(tenant)).review_links,
        )
        t.result = engine.step(state, t.turn, ctx)
        t.conversation = t.result.state["conversation"]

    async def opening(self, t: TurnContext) -> engine.Opening | None:
        """The invitation sent to this guest (any reference of the stay) that this new
        conversation answers, if any."""
        invitation = await open_invitation(self.store, t.tenant.id, t.guest_ref, time.time())
        if invitation is None:
            return None
        t.reads.append(SystemAccess("invitation.read", INVITATIONS, str(invitation["_id"])))
        return engine.Opening(
            invitation=str(invitation["_id"]),
            stay=str(invitation.get("stay") or ""),
            journey=str(invitation.get("journey") or ""),
            lang=str(invitation.get("lang") or ""),
            # answered in another conversation (by e-mail, say): ask afresh in its language
            asked=not invitation.get("answered_at"),
        )
