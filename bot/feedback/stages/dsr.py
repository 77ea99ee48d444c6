"""Stage `data_subject_request`: a request, the answer to its confirmation question or
its one-time code finishes the turn (the logic is bot/privacy/dsr_flow.py); anything
else goes on as ordinary feedback, without an open confirmation question and without
a `dsr_*` intent.

It runs before consent and the staff hold (bot/feedback/pipeline.py says why), and
after the length limit: an over-long message is never a request, and drops an open
confirmation question."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace

from pymongo.errors import PyMongoError

from bot.audit.log import AuditLog
from bot.base.errors import StorageError
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.base.turn import Reply, Turn
from bot.feedback.pipeline import TurnContext, TurnOutcome, handled
from bot.feedback.transcript import transcript_write
from bot.handover.store import HandoverStore
from bot.i18n import Catalog
from bot.language import LanguageDetector
from bot.outbox import Outbox
from bot.privacy.dsr_flow import CODE as CODE_MASK
from bot.privacy.dsr_flow import QUESTION, DsrFlow
from bot.privacy.requests import DsrStore
from bot.storage.contacts import ContactStore
from bot.storage.mongo import MongoStore
from bot.tenants.registry import Tenant

# A data-subject request is answered in its own language when detection is this sure
# (formal requests in Italian score ~0.78 with lingua; below the engine's 0.8 switch).
DSR_LANGUAGE_CONFIDENCE = 0.7


class DataSubjectRequest:
    name = "data_subject_request"

    def __init__(
        self,
        settings: Settings,
        store: MongoStore,
        cipher: Cipher,
        outbox: Outbox | None,
        catalog: Catalog,
        detector: LanguageDetector,
        audit: AuditLog,
        handovers: Callable[[str], HandoverStore],
        render: Callable[[str, Reply], str],
    ) -> None:
        self.settings = settings
        self.store = store
        self.cipher = cipher
        self.outbox = outbox
        self.catalog = catalog
        self.detector = detector
        self.audit = audit
        self.handovers = handovers
        self.render = render

    async def __call__(self, t: TurnContext) -> TurnOutcome | None:
        if DsrFlow.concerns(t.turn, t.state) and not t.too_long:
            done = await self.privacy_turn(t)
            if done is not None:
                return done
        if t.state and QUESTION in t.state:  # the confirmation question was not answered yes
            if t.too_long:
                await self.dsr_store(t.tenant.id).drop_question(t.guest_ref)
            t.state = {k: v for k, v in t.state.items() if k != QUESTION}
        if (t.turn.intent or "").startswith("dsr_"):  # not a request after all: ordinary feedback
            t.turn = replace(t.turn, intent=None, confidence=0.0)
        return None

    async def privacy_turn(self, t: TurnContext) -> TurnOutcome | None:
        """A data-subject request or its verification code (bot/privacy/dsr_flow.py)."""
        tenant, turn, state, conv, gref = t.tenant, t.turn, t.state, t.conversation, t.guest_ref
        # in the language the request is written in when that is clear, else the conversation's
        lang = self.guess_language(tenant, turn, (state or {}).get("lang"))
        channel = (state or {}).get("channel") or turn.channel
        dsr_flow = DsrFlow(
            self.dsr_store(tenant.id),
            ContactStore(self.store, tenant.id, self.cipher),
            self.cipher,
            self.outbox,
            self.catalog,
            self.settings.max_message_chars,
        )
        asked = bool((state or {}).get(QUESTION))
        try:
            result = await dsr_flow.handle(tenant, turn, gref, channel, lang, asked)
        except PyMongoError as e:
            raise StorageError("the request register is unavailable") from e
        if result is None:
            return None
        lang = result.lang or lang
        texts = tuple(self.render(lang, r) for r in result.replies)
        handovers = self.handovers(tenant.id)
        # the request register's writes are audited alongside the next read
        known, _ = await asyncio.gather(
            handovers.get(conv), self.audit.system_access(tenant.id, result.writes, result.reads)
        )
        if known is not None:  # staff know this conversation
            said = [("guest", CODE_MASK.sub("######", turn.text))]  # a one-time code is not kept
            said += [("bot", text) for text in texts]
            await asyncio.gather(
                handovers.record(conv, gref, said),
                self.audit.system_access(tenant.id, [transcript_write(conv, said)]),
            )
        handled(tenant=tenant.id, conversation=conv, outcome=",".join(result.events))
        # the conversation state carries only when an open confirmation question expires
        after = {k: v for k, v in (state or {}).items() if k != QUESTION}
        if result.question is not None:
            after[QUESTION] = result.question
        return TurnOutcome(texts, after, tuple(result.events))

    def dsr_store(self, tenant_id: str) -> DsrStore:
        return DsrStore(self.store, tenant_id, self.settings.guest_key, self.settings.control_db)

    def guess_language(self, tenant: Tenant, turn: Turn, current: str | None = None) -> str:
        """Confident detection over three words or more, else the conversation's
        language, else the tenant's default."""
        guess = self.detector.detect(turn.text) if len(turn.text.split()) >= 3 else None
        if guess and guess[1] >= DSR_LANGUAGE_CONFIDENCE and guess[0] in tenant.languages:
            return guess[0]
        return current or tenant.default_language
