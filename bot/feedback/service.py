"""One feedback turn end to end: `FeedbackService.handle` runs the stages of a guest
turn in order (bot/feedback/pipeline.py lists them and walks a guest SMS from the
webhook to the stored rating and the reply; bot/feedback/stages/ holds one module each).

The action server calls `FeedbackService.handle`; tests call it directly against a
real MongoDB-wire server. Nothing here imports rasa or rasa_sdk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.audit.log import AuditLog
from bot.base.errors import UnknownTenant
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.base.turn import Reply
from bot.channels.transports import build_outbox
from bot.feedback.pipeline import STAGES, TurnOutcome
from bot.feedback.stages.consent import Consent
from bot.feedback.stages.dsr import DataSubjectRequest
from bot.feedback.stages.escalation import Escalation
from bot.feedback.stages.guest_state import GuestState
from bot.feedback.stages.handover import Handover
from bot.feedback.stages.limits import Limits
from bot.feedback.stages.questionnaire import Questionnaire
from bot.feedback.stages.reply import Respond
from bot.feedback.stages.staff_hold import StaffHold
from bot.feedback.stages.storage import Storage
from bot.handover.events import Publisher
from bot.handover.store import HandoverStore
from bot.i18n import Catalog
from bot.language import LanguageDetector, make_detector
from bot.outbox import Outbox
from bot.storage.mongo import MongoStore, connect
from bot.tenants.registry import Tenants


class FeedbackService:
    def __init__(
        self,
        settings: Settings,
        tenants: Tenants,
        catalog: Catalog,
        detector: LanguageDetector,
        store: MongoStore,
        publisher: Publisher | None = None,
        outbox: Outbox | None = None,
    ) -> None:
        self.settings = settings
        self.publisher = publisher
        self.outbox = outbox  # verification codes (bot/privacy/dsr_flow.py)
        self.cipher = Cipher(settings.data_keys)
        # every write of personal data in a turn is audited through the inbox (one
        # unchained insert per turn, alongside the writes; chained by the console's
        # folder); an escalation is chained at once (bot/audit/log.py)
        self.audit = AuditLog.from_settings(store.client, settings)
        self.tenants = tenants
        self.catalog = catalog
        self.detector = detector
        self.store = store
        self.language_names = {lang: catalog.render(lang, "language.name") for lang in catalog.languages}
        self._handovers: dict[str, HandoverStore] = {}
        # the stages of a turn, in the order `handle` runs them (bot/feedback/pipeline.py)
        self.limits = Limits(settings, tenants)
        self.data_subject_request = DataSubjectRequest(
            settings,
            store,
            self.cipher,
            self.outbox,
            catalog,
            detector,
            self.audit,
            self.handovers,
            self.render,
        )
        self.guest_state = GuestState(store, self.handovers)
        self.consent = Consent(self.audit)
        self.staff_hold = StaffHold(self.audit, self.handovers, self.render)
        self.questionnaire = Questionnaire(settings, store, detector, self.language_names)
        self.escalation = Escalation(self.render)
        self.storage = Storage(store, self.audit, self.handovers)
        self.handover = Handover(self.audit, self.handovers)
        self.reply = Respond(settings)

    @classmethod
    def from_settings(cls, settings: Settings) -> "FeedbackService":
        catalog = Catalog.load()
        tenants = Tenants.load(settings.tenants_file, catalog.languages)
        detector = make_detector(settings.language_detector, catalog.languages)
        store = MongoStore(connect(settings.effective_mongodb_url.value), settings.db_prefix)
        publisher = Publisher(settings.effective_redis_url.value)
        outbox = build_outbox(settings, store)
        return cls(settings, tenants, catalog, detector, store, publisher, outbox)

    def close(self) -> None:
        self.store.client.close()

    def handovers(self, tenant_id: str) -> HandoverStore:
        """The tenant's handover store (holds no state of its own: made once per tenant)."""
        store = self._handovers.get(tenant_id)
        if store is None:
            store = self._handovers[tenant_id] = HandoverStore(self.store, tenant_id, self.publisher)
        return store

    async def handle(
        self,
        sender_id: str,
        message: Mapping[str, Any],
        state: Mapping[str, Any] | None,
        first_message_id: str | None = None,
        history: Sequence[Mapping[str, Any]] = (),
    ) -> TurnOutcome:
        """`message` is Rasa's latest_message (text, intent, message_id, metadata);
        `history` the tracker's events (the transcript staff see when it escalates).
        The stages in order (STAGES, bot/feedback/pipeline.py); a stage that returns
        an outcome finishes the turn."""
        t = self.limits(sender_id, message, state, first_message_id, history)
        if done := await self.data_subject_request(t):
            return done
        await self.guest_state(t)
        if done := await self.consent(t):
            return done
        if done := await self.staff_hold(t):
            return done
        await self.questionnaire(t)
        self.escalation(t)
        await self.storage(t)
        await self.handover(t)
        return self.reply(t)

    def render(self, lang: str, reply: Reply) -> str:
        params = dict(reply.params)
        if "topic" in params:
            params["topic"] = self.catalog.render(lang, f"topic.{params['topic']}")
        return self.catalog.render(lang, reply.key, **params)


__all__ = ["STAGES", "FeedbackService", "TurnOutcome", "UnknownTenant"]
