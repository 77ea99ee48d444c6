"""Stage `guest_state`: the guest's flags (bot/storage/flags.py: objected, restricted,
a corrected language) and the conversation's handover state (bot/handover/flow.py
`before_engine`: held by staff, the satisfaction answer, a hand-back), read together in
one round trip; the next stages decide on them. Both reads are listed for the audit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.audit.log import SystemAccess
from bot.base.names import GUEST_FLAGS
from bot.feedback.pipeline import TurnContext
from bot.handover import flow
from bot.handover.store import HandoverStore
from bot.storage.flags import FlagStore
from bot.storage.mongo import MongoStore


class GuestState:
    name = "guest_state"

    def __init__(self, store: MongoStore, handovers: Callable[[str], HandoverStore]) -> None:
        self.store = store
        self.handovers = handovers

    async def __call__(self, t: TurnContext) -> None:
        t.flags, t.before = await asyncio.gather(
            FlagStore(self.store, t.tenant.id).get(t.guest_ref),
            flow.before_engine(self.handovers(t.tenant.id), t.conversation, t.turn, t.lang),
        )
        # the turn's reads of personal data, recorded with its writes (one inbox document)
        t.reads.append(SystemAccess("guest_flags.read", GUEST_FLAGS, t.guest_ref))
        if t.before.handover is not None:
            t.reads.append(SystemAccess("handover.read", "handover", t.conversation))
