"""Stage `questionnaire`: the conversation state made ready — staff handed it back
(the pending follow-up dropped, bot/handover/flow.py `resume_state`), a language the
guest corrected through a request applied once (bot/storage/flags.py) — then one step
of the state machine (bot/feedback/engine.py: language, the answer, the next question)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.audit.log import SystemAccess
from bot.base.names import GUEST_FLAGS
from bot.base.settings import Settings
from bot.feedback import engine
from bot.feedback.pipeline import TurnContext
from bot.handover import flow
from bot.language import LanguageDetector
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

    async def __call__(self, t: TurnContext) -> None:
        tenant, state, flags = t.tenant, t.state, t.flags
        if t.before.resumed and state is not None:
            state = flow.resume_state(dict(state))
        if flags.language and state is not None and flags.language in tenant.languages:
            # the guest corrected their language through a request (bot/privacy/execute.py)
            state = {**state, "lang": flags.language, "lang_source": "explicit"}
            await FlagStore(self.store, tenant.id).language_applied(t.guest_ref, flags.language)
            t.writes.append(SystemAccess("guest_flags.update", GUEST_FLAGS, t.guest_ref))
        ctx = engine.Context(
            tenant=tenant,
            detector=self.detector,
            language_names=self.language_names,
            conversation_id=t.conversation,
            max_message_chars=self.settings.max_message_chars,
        )
        t.result = engine.step(state, t.turn, ctx)
        t.conversation = t.result.state["conversation"]
