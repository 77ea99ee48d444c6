"""A tenant seeded in bulk for the privacy benchmark and the erasure-at-scale tests:
ratings (bot/storage/documents.py builders), conversations, sealed contacts, transcripts
and handovers, and Rasa trackers in Redis under the tracker store's keys (the layout
Rasa writes: {"events": [...], "name": <sender id>}). Bulk inserts, because driving
20,000 conversations through the bot would take an hour."""

from __future__ import annotations

import json
import random
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from bot.base.refs import guest_ref
from bot.base.turn import Answer
from bot.handover.store import HandoverStore
from bot.privacy.stores import SEPARATOR, PrivacyContext
from bot.storage.contacts import ContactStore
from bot.storage.documents import conversation_document, rating_document
from bot.storage.mongo import CONVERSATION_INDEXES, RATING_INDEXES

QUESTIONS = ("overall", "room", "breakfast", "staff", "comment")
BATCH = 5000


def _answer(question: str, rng: random.Random) -> Answer:
    if question == "comment":
        text = rng.choice(("lovely stay", "the shower was cold", "great breakfast buffet", "noisy street"))
        return Answer(question=question, kind="text", raw=text, value=None, score=None)
    value = float(rng.randint(1, 5))
    return Answer(question=question, kind="rating", raw=str(int(value)), value=value, score=(value - 1) / 4)


def _tracker(sender: str, texts: list[str]) -> str:
    """A tracker as bot/rasa/tracker_store.py stores it (Rasa's Dialogue.as_dict)."""
    events: list[dict[str, Any]] = [{"event": "action", "timestamp": time.time(), "name": "action_listen"}]
    for text in texts:
        events.append({"event": "user", "timestamp": time.time(), "text": text, "parse_data": {}})
        events.append({"event": "bot", "timestamp": time.time(), "text": "Thank you! Next question?"})
    return json.dumps({"events": events, "name": sender})


async def seed(
    ctx: PrivacyContext, tenant: str, *, guests: int = 20_000, per_guest: int = 5, handovers: int = 1000
) -> list[dict[str, Any]]:
    """The tenant's data; returns the guests (ref, sender, number) in seeding order."""
    rng = random.Random(7)  # noqa: S311 - reproducible test data, not a secret
    db = ctx.db(tenant)
    await db.ratings.create_indexes(RATING_INDEXES)
    await db.conversations.create_indexes(CONVERSATION_INDEXES)
    await HandoverStore(ctx.mongo, tenant).ensure_indexes()
    contacts = ContactStore(ctx.mongo, tenant, ctx.cipher)
    now = datetime.now(UTC)
    seeded = []
    ratings: list[dict[str, Any]] = []
    conversations: list[dict[str, Any]] = []
    contact_docs: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    pipe = ctx.redis.pipeline(transaction=False)
    for i in range(guests):
        number = f"+4930{20_000_000 + i}"
        guest = "sms-" + guest_ref(ctx.settings.guest_key, tenant, number)[2:26]
        sender = f"{tenant}{SEPARATOR}{guest}"
        gref = guest_ref(ctx.settings.guest_key, tenant, guest)
        conv = "c_" + uuid.uuid4().hex[:24]
        seeded.append({"ref": gref, "sender": sender, "number": number, "conversation": conv})
        texts = []
        for q in QUESTIONS[:per_guest]:
            answer = _answer(q, rng)
            texts.append(answer.raw)
            ratings.append(
                rating_document(
                    tenant_id=tenant,
                    conversation_id=conv,
                    guest_ref=gref,
                    channel="sms",
                    language="de",
                    answer=answer,
                    now=now,
                )
            )
        state = {"answers": {q: 1 for q in QUESTIONS[:per_guest]}, "channel": "sms", "lang": "de"}
        conversations.append(
            {
                **conversation_document(
                    tenant_id=tenant, conversation_id=conv, guest_ref=gref, state=state, now=now
                ),
                "started_at": now,
            }
        )
        contact_docs.append(
            {
                "_id": gref,
                "guest_ref": gref,
                "channel": "sms",
                "address": ctx.cipher.seal(number, f"{tenant}|{gref}|address"),
                "via": "+4930123",
                "thread": ctx.cipher.seal("{}", f"{tenant}|{gref}|thread"),
                "updated_at": time.time(),
            }
        )
        if i < handovers:
            for n in range(10):
                messages.append(
                    {
                        "_id": f"{conv}:{n + 1:07d}",
                        "conversation": conv,
                        "guest_ref": gref,
                        "seq": n + 1,
                        "at": time.time(),
                        "author": "guest" if n % 2 == 0 else "staff",
                        "text": f"message {n} about room {100 + i % 300}",
                    }
                )
        pipe.set(ctx.tracker_key(sender), _tracker(sender, texts))
        if len(ratings) >= BATCH:
            await db.ratings.insert_many(ratings, ordered=False)
            ratings = []
            await pipe.execute()
    for coll, docs in (
        (db.ratings, ratings),
        (db.conversations, conversations),
        (db.contacts, contact_docs),
        (db.messages, messages),
    ):
        for k in range(0, len(docs), BATCH):
            await coll.insert_many(docs[k : k + BATCH], ordered=False)
    await pipe.execute()
    # the handover documents of the guests with a transcript, and one check the seeding worked
    await db.handovers.insert_many(
        [
            {"_id": g["conversation"], "guest_ref": g["ref"], "state": "resolved", "channel": "sms"}
            for g in seeded[:handovers]
        ]
    )
    assert (await contacts.get(seeded[0]["ref"])).address == seeded[0]["number"]
    return seeded
