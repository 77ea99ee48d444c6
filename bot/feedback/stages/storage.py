"""Stage `storage`: the turn's writes, in their order — each rating (bot/storage/
documents.py; flagged `restricted` for a guest who restricted processing; free text in a
language outside the five marked with its `text_language`), the
conversation state, and the transcript when staff know the conversation or it
escalates now (from what was said before, bot/feedback/transcript.py), and the
invitation the guest just answered (bot/outreach/opening.py `mark_answered`) — with the
turn's audit record (reads and writes, one inbox document) alongside, not after."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bot.audit.log import AuditLog, SystemAccess
from bot.base.names import INVITATIONS
from bot.feedback.pipeline import TurnContext
from bot.feedback.transcript import said_this_turn, transcript_before, transcript_write
from bot.handover.store import HandoverStore
from bot.language.foreign import foreign_language
from bot.language.foreign import warm as warm_foreign
from bot.outreach.opening import mark_answered
from bot.storage.documents import conversation_document, rating_document
from bot.storage.mongo import MongoStore


class Storage:
    name = "storage"

    def __init__(self, store: MongoStore, audit: AuditLog, handovers: Callable[[str], HandoverStore]) -> None:
        self.store = store
        self.audit = audit
        self.handovers = handovers
        warm_foreign()  # the language models load now, not in a guest's turn

    async def __call__(self, t: TurnContext) -> None:
        tenant, result, conv, gref, lang = t.tenant, t.step, t.conversation, t.guest_ref, t.lang
        now = datetime.now(UTC)
        await self.store.ensure_indexes(tenant.id)
        ratings = self.store.ratings(tenant.id)
        documents = []
        for answer in result.answers:
            document = rating_document(
                tenant_id=tenant.id,
                conversation_id=conv,
                guest_ref=gref,
                channel=result.state.get("channel") or t.turn.channel,
                language=lang,
                answer=answer,
                now=now,
            )
            if t.flags.restricted:  # kept, but excluded from analytics and benchmarks
                document["restricted"] = True
            if answer.kind in ("text", "comment") and (other := foreign_language(answer.raw)):
                document["text_language"] = other  # stored all the same, marked (bot/language/foreign.py)
            documents.append(document)
            action = "rating.correct" if answer.corrected else "rating.store"
            t.writes.append(SystemAccess(action, "rating", document["_id"]))
        t.writes.append(SystemAccess("conversation.store", "conversation", conv))
        this_turn = said_this_turn(t.turn.text, t.texts)
        transcript: list[tuple[str, str]] = []
        if t.before.handover is not None:  # staff know this conversation: keep its transcript live
            transcript = this_turn
        elif t.escalation is not None:  # the transcript starts with what was said so far
            transcript = transcript_before(t.history, t.turn.text) + this_turn
        if transcript:
            t.writes.append(transcript_write(conv, transcript))
        handovers = self.handovers(tenant.id)
        answered = None
        if "invitation_answered" in result.events:
            answered = str(result.state["invitation"]["id"])
            t.writes.append(SystemAccess("invitation.answered", INVITATIONS, answered))

        async def store() -> None:  # the turn's writes, in their order
            for document in documents:
                await ratings.save(document)
            await self.store.conversations(tenant.id).record_turn(
                conversation_document(
                    tenant_id=tenant.id, conversation_id=conv, guest_ref=gref, state=result.state, now=now
                )
            )
            if transcript:
                await handovers.record(conv, gref, transcript, publish=t.before.handover is not None)
            if answered is not None:  # once: a retried turn finds it set
                await mark_answered(self.store, tenant.id, answered, time.time())

        # the audit record goes alongside the writes: no round trip added to the turn
        await asyncio.gather(store(), self.audit.system_access(tenant.id, t.writes, t.reads))
