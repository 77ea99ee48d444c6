"""One feedback turn end to end: tenant and guest from the sender id, the state
machine, durable storage of the answers, replies rendered in the guest's language.

The action server calls `FeedbackService.handle`; tests call it directly against a
real MongoDB-wire server. Nothing here imports rasa or rasa_sdk.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from pymongo.errors import PyMongoError

from bot.audit.log import SYSTEM, AuditLog, AuditRecord, SystemAccess
from bot.base.errors import StorageError, UnknownTenant
from bot.base.logs import event
from bot.base.names import GUEST_FLAGS
from bot.base.refs import conversation_id, guest_ref, log_ref, split_sender
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.base.states import Channel
from bot.base.turn import Reply, Turn
from bot.feedback import engine
from bot.handover import flow
from bot.handover.delivery import Delivery
from bot.handover.events import Publisher
from bot.handover.store import HandoverStore
from bot.i18n import Catalog
from bot.inbox.text import as_written
from bot.language import LanguageDetector, make_detector
from bot.nlu.clean import AS_WRITTEN
from bot.privacy.dsr_flow import CODE as CODE_MASK
from bot.privacy.dsr_flow import QUESTION, DsrFlow
from bot.privacy.intake import runner_up
from bot.privacy.requests import DsrStore
from bot.storage.contacts import ContactStore
from bot.storage.documents import conversation_document, rating_document
from bot.storage.flags import FlagStore
from bot.storage.mongo import MongoStore, connect
from bot.tenants.registry import Tenant, Tenants

logger = logging.getLogger(__name__)

# A data-subject request is answered in its own language when detection is this sure
# (formal requests in Italian score ~0.78 with lingua; below the engine's 0.8 switch).
DSR_LANGUAGE_CONFIDENCE = 0.7


@dataclass(frozen=True)
class TurnOutcome:
    texts: tuple[str, ...]
    state: dict[str, Any]
    events: tuple[str, ...]


class FeedbackService:
    def __init__(
        self,
        settings: Settings,
        tenants: Tenants,
        catalog: Catalog,
        detector: LanguageDetector,
        store: MongoStore,
        publisher: Publisher | None = None,
        delivery: Delivery | None = None,
    ) -> None:
        self.settings = settings
        self.publisher = publisher
        self.delivery = delivery
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

    @classmethod
    def from_settings(cls, settings: Settings) -> "FeedbackService":
        catalog = Catalog.load()
        tenants = Tenants.load(settings.tenants_file, catalog.languages)
        detector = make_detector(settings.language_detector, catalog.languages)
        store = MongoStore(connect(settings.effective_mongodb_url.value), settings.db_prefix)
        publisher = Publisher(settings.effective_redis_url.value)
        return cls(settings, tenants, catalog, detector, store, publisher, Delivery(settings, store))

    def close(self) -> None:
        self.store.client.close()

    def handovers(self, tenant_id: str) -> HandoverStore:
        return HandoverStore(self.store, tenant_id, self.publisher)

    async def handle(
        self,
        sender_id: str,
        message: Mapping[str, Any],
        state: Mapping[str, Any] | None,
        first_message_id: str | None = None,
        history: Sequence[Mapping[str, Any]] = (),
    ) -> TurnOutcome:
        """`message` is Rasa's latest_message (text, intent, message_id, metadata);
        `history` the tracker's events (the transcript staff see when it escalates)."""
        started = time.perf_counter()
        tenant_id, guest = split_sender(sender_id)
        tenant = self.tenants.get(tenant_id)
        turn = _turn(message)
        gref = guest_ref(self.settings.guest_key, tenant.id, guest)
        conv = (state or {}).get("conversation") or conversation_id(
            self.settings.guest_key, sender_id, turn.message_id or first_message_id or ""
        )
        ctx = engine.Context(
            tenant=tenant,
            detector=self.detector,
            language_names=self.language_names,
            conversation_id=conv,
            max_message_chars=self.settings.max_message_chars,
        )
        # the length limit first: an over-long message is never a request nor an answer
        too_long = len(turn.text.strip()) > self.settings.max_message_chars
        if DsrFlow.concerns(turn, state) and not too_long:
            dsr = await self.privacy_turn(tenant, turn, state, conv, gref)
            if dsr is not None:
                return dsr
        if state and QUESTION in state:  # the confirmation question was not answered yes
            if too_long:
                await self.dsr_store(tenant.id).drop_question(gref)
            state = {k: v for k, v in state.items() if k != QUESTION}
        if (turn.intent or "").startswith("dsr_"):  # not a request after all: ordinary feedback
            turn = replace(turn, intent=None, confidence=0.0)
        handovers = self.handovers(tenant.id)
        flags, before = await asyncio.gather(
            FlagStore(self.store, tenant.id).get(gref),
            flow.before_engine(handovers, conv, turn, (state or {}).get("lang") or tenant.default_language),
        )
        # the turn's reads of personal data, recorded with its writes (one inbox document)
        reads = [SystemAccess("guest_flags.read", GUEST_FLAGS, gref)]
        if before.handover is not None:
            reads.append(SystemAccess("handover.read", "handover", conv))
        if flags.objected:
            # the guest objected to being contacted: nothing more is said (bot/privacy)
            await self.audit.system_access(tenant.id, [], reads)
            event(logger, "feedback.turn.handled", tenant=tenant.id, conversation=conv, outcome="objected")
            return TurnOutcome((), dict(state or {}), ("objected",))
        if before.silent or before.replies:
            # staff hold the conversation (silent), or the satisfaction question was answered
            lang = (state or {}).get("lang") or tenant.default_language
            texts = tuple(self.render(lang, r) for r in before.replies)
            said = [("guest", turn.text)] + [("bot", t) for t in texts]
            await asyncio.gather(
                handovers.record(conv, gref, said),
                self.audit.system_access(tenant.id, [transcript_write(conv, said)], reads),
            )
            outcome = "held_by_staff" if before.silent else "satisfaction"
            event(logger, "feedback.turn.handled", tenant=tenant.id, conversation=conv, outcome=outcome)
            return TurnOutcome(texts, dict(state or {}), (outcome,))
        if before.resumed and state is not None:
            state = flow.resume_state(dict(state))
        writes: list[SystemAccess] = []
        if flags.language and state is not None and flags.language in tenant.languages:
            # the guest corrected their language through a request (bot/privacy/execute.py)
            state = {**state, "lang": flags.language, "lang_source": "explicit"}
            await FlagStore(self.store, tenant.id).language_applied(gref, flags.language)
            writes.append(SystemAccess("guest_flags.update", GUEST_FLAGS, gref))
        result = engine.step(state, turn, ctx)
        lang = result.state["lang"]
        conv = result.state["conversation"]
        escalation = flow.escalation(tenant, turn, result, lang)
        replies = list(before.prefix) + list(escalation.replies if escalation else result.replies)

        now = datetime.now(UTC)
        await self.store.ensure_indexes(tenant.id)
        ratings = self.store.ratings(tenant.id)
        documents = []
        for answer in result.answers:
            document = rating_document(
                tenant_id=tenant.id,
                conversation_id=conv,
                guest_ref=gref,
                channel=result.state.get("channel") or turn.channel,
                language=lang,
                answer=answer,
                now=now,
            )
            if flags.restricted:  # kept, but excluded from analytics and benchmarks
                document["restricted"] = True
            documents.append(document)
            action = "rating.correct" if answer.corrected else "rating.store"
            writes.append(SystemAccess(action, "rating", document["_id"]))
        writes.append(SystemAccess("conversation.store", "conversation", conv))
        texts = tuple(self.render(lang, r) for r in replies)
        this_turn = [("guest", turn.text)] + [("bot", t) for t in texts]
        transcript: list[tuple[str, str]] = []
        if before.handover is not None:  # staff know this conversation: keep its transcript live
            transcript = this_turn
        elif escalation is not None:  # the transcript starts with what was said so far
            transcript = transcript_before(history, turn.text) + this_turn
        if transcript:
            writes.append(transcript_write(conv, transcript))

        async def store() -> None:  # the turn's writes, in their order
            for document in documents:
                await ratings.save(document)
            await self.store.conversations(tenant.id).record_turn(
                conversation_document(
                    tenant_id=tenant.id, conversation_id=conv, guest_ref=gref, state=result.state, now=now
                )
            )
            if transcript:
                await handovers.record(conv, gref, transcript, publish=before.handover is not None)

        # the audit record goes alongside the writes: no round trip added to the turn
        await asyncio.gather(store(), self.audit.system_access(tenant.id, writes, reads))
        if escalation is not None:
            await self.audit.tenant(
                tenant.id, AuditRecord(SYSTEM, "handover.escalate", "conversation", conv, "allowed")
            )
            last_rating, score_before = flow.lowest_rating(tenant, result.state)
            await handovers.escalate(
                conv,
                reason=escalation.reason,
                guest_ref=gref,
                channel=result.state.get("channel") or turn.channel,
                language=lang,
                last_rating=last_rating,
                score_before=score_before,
            )
        events = result.events + (("escalated",) if escalation else ())
        event(
            logger,
            "feedback.turn.handled",
            tenant=tenant.id,
            conversation=conv,
            guest=log_ref(self.settings.guest_key, gref),
            lang=lang,
            intent=turn.intent,
            answers=len(result.answers),
            replies=",".join(r.key for r in replies),
            events=",".join(events) or "-",
            escalated=escalation.reason if escalation else "-",
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return TurnOutcome(texts, result.state, events)

    async def privacy_turn(
        self, tenant: Tenant, turn: Turn, state: Mapping[str, Any] | None, conv: str, gref: str
    ) -> TurnOutcome | None:
        """A data-subject request or its verification code (bot/privacy/dsr_flow.py)."""
        # in the language the request is written in when that is clear, else the conversation's
        lang = self.guess_language(tenant, turn, (state or {}).get("lang"))
        channel = (state or {}).get("channel") or turn.channel
        dsr_flow = DsrFlow(
            self.dsr_store(tenant.id),
            ContactStore(self.store, tenant.id, self.cipher),
            self.cipher,
            self.delivery,
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
            said += [("bot", t) for t in texts]
            await asyncio.gather(
                handovers.record(conv, gref, said),
                self.audit.system_access(tenant.id, [transcript_write(conv, said)]),
            )
        event(
            logger,
            "feedback.turn.handled",
            tenant=tenant.id,
            conversation=conv,
            outcome=",".join(result.events),
        )
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

    def render(self, lang: str, reply: Reply) -> str:
        params = dict(reply.params)
        if "topic" in params:
            params["topic"] = self.catalog.render(lang, f"topic.{params['topic']}")
        return self.catalog.render(lang, reply.key, **params)


def transcript_write(conversation: str, entries: Sequence[tuple[str, str]]) -> SystemAccess:
    """The audit record of transcript lines appended (empty texts are not stored)."""
    return SystemAccess("transcript.append", "transcript", conversation, sum(1 for _, t in entries if t))


def transcript_before(
    history: Sequence[Mapping[str, Any]], current: str, limit: int = 100
) -> list[tuple[str, str]]:
    """What the guest and the bot said before this turn, from the tracker's events."""
    said: list[tuple[str, str]] = []
    for e in history:
        text = e.get("text") if isinstance(e, Mapping) else None
        if not isinstance(text, str) or not text or text.startswith("/"):
            continue  # a payload the product sent (the widget's /start), not a guest's words
        text = as_written(text)
        if e.get("event") == "user":
            said.append(("guest", text))
        elif e.get("event") == "bot":
            said.append(("bot", text))
    if said and said[-1] == ("guest", current):
        said.pop()  # the current message is added with this turn's replies
    return said[-limit:]


def _turn(message: Mapping[str, Any]) -> Turn:
    intent = message.get("intent") or {}
    metadata = message.get("metadata") or {}
    if not isinstance(metadata, Mapping):
        metadata = {}
    text = message.get(AS_WRITTEN)  # markup removed for NLU only (bot/nlu/markup.py)
    if not isinstance(text, str):
        text = message.get("text")
    name = intent.get("name") if isinstance(intent, Mapping) else None
    ranking = message.get("intent_ranking")
    ranking = [e for e in ranking if isinstance(e, Mapping)] if isinstance(ranking, list) else []
    return Turn(
        text=as_written(text) if isinstance(text, str) else "",
        intent=name,
        confidence=float(intent.get("confidence") or 0.0) if isinstance(intent, Mapping) else 0.0,
        runner_up=runner_up(ranking, name or ""),
        message_id=message.get("message_id"),
        channel=_str(metadata.get("channel")) or Channel.REST,
        locale=_str(metadata.get("locale")),
        reservation_language=_str(metadata.get("reservation_language")),
    )


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and 0 < len(v) <= 64 else None


__all__ = ["FeedbackService", "TurnOutcome", "UnknownTenant"]
