"""The one owner of a conversation's handover state, and its transcript.

    bot ──escalate──► waiting_for_staff ──take──► with_staff ──hand_back──► bot
                             │                        │
                             └────────resolve─────────┴──► resolved (the bot talks again)

Nothing else writes `handovers`. Every transition is one conditional
`find_one_and_update` on the current state, so two agents taking the same
conversation at once get exactly one winner (the other a `Conflict`), and the state
lives in MongoDB: it survives restarts of every process.

Collections in the tenant's database:

- `handovers`: one document per escalated conversation (`_id` = conversation id):
  state, reason, channel, language, guest_ref, assigned_to, escalated_at, updated_at,
  last_rating, score_before / score_after / recovery (the satisfaction question after
  resolving), awaiting_satisfaction, resume (handed back; the bot drops its pending
  follow-up). Times in `handovers` are epoch seconds (floats): they survive every
  update operator on every MongoDB-wire server (nx-27017 turns datetimes written by
  `$set` into strings).
- `handover_history`: one inserted document per transition (conversation, to, by,
  at, reason) — who did what, when.
- `messages`: the transcript staff see, one document per message (`_id` =
  `<conversation>:<seq>`): author guest | bot | staff | note | system, text, staff id,
  delivered (staff replies). Notes are never delivered to the guest.
- `message_seq`: the per-conversation sequence counter.

After each change an event with ids only goes to the tenant's consoles (events.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError, PyMongoError

from bot.base.errors import InvalidInput, RapportError, StorageError
from bot.base.logs import event
from bot.base.names import HANDOVER_HISTORY, HANDOVERS, MESSAGE_SEQ, MESSAGES
from bot.base.states import Author, HandoverState
from bot.handover.events import Publisher
from bot.storage.documents import HandoverDoc, HandoverHistoryDoc, LastRating, MessageDoc
from bot.storage.mongo import DURABLE, MongoStore, delete_matching

logger = logging.getLogger(__name__)

BOT, WAITING, WITH_STAFF, RESOLVED = HandoverState
STATES = tuple(HandoverState)
HELD = (WAITING, WITH_STAFF)  # the bot is silent
AUTHORS = tuple(Author)
MAX_STAFF_TEXT = 2000

# (tenant id, handover document, message document) -> True when the message is with
# the guest's provider (bot/handover/delivery.py, through bot/outbox)
Deliver = Callable[[str, HandoverDoc, MessageDoc], Awaitable[bool]]


class Conflict(RapportError):
    """The conversation is not in a state that allows this (e.g. another agent has it)."""


class NotFound(RapportError):
    """No escalated conversation with this id in this tenant."""


def _now() -> datetime:
    return datetime.now(UTC)


def _epoch() -> float:
    return time.time()


def clean_staff_text(text: Any) -> str:
    """A staff reply or note: non-empty, at most MAX_STAFF_TEXT characters, no control
    characters except newlines and tabs."""
    if not isinstance(text, str):
        raise InvalidInput("bad_text", "text must be a string")
    cleaned = "".join(c for c in text if c in "\n\t" or (ord(c) >= 32 and ord(c) != 127)).strip()
    if not cleaned:
        raise InvalidInput("empty_text", "text is empty")
    if len(cleaned) > MAX_STAFF_TEXT:
        raise InvalidInput("too_large", f"text over {MAX_STAFF_TEXT} characters")
    return cleaned


class HandoverStore:
    def __init__(
        self,
        mongo: MongoStore,
        tenant_id: str,
        publisher: Publisher | None = None,
        deliver: Deliver | None = None,
    ) -> None:
        db = mongo.database(tenant_id)
        self.mongo = mongo
        self.tenant_id = tenant_id
        self.handovers = db.get_collection(HANDOVERS, write_concern=DURABLE)
        self.messages = db.get_collection(MESSAGES, write_concern=DURABLE)
        self.seq = db.get_collection(MESSAGE_SEQ, write_concern=DURABLE)
        self.history = db.get_collection(HANDOVER_HISTORY, write_concern=DURABLE)
        self.publisher = publisher
        self.deliver = deliver

    async def ensure_indexes(self) -> None:
        await self.handovers.create_index([("state", 1), ("updated_at", -1)])
        await self.handovers.create_index([("guest_ref", 1)])
        await self.messages.create_index([("conversation", 1), ("seq", 1)])
        await self.messages.create_index([("guest_ref", 1)])
        await self.history.create_index([("conversation", 1)])

    async def _indexed(self) -> None:
        """`ensure_indexes` once per tenant and process (before every read or write of
        the transcript that needs them): without the `guest_ref` index each REST turn's
        look-up of waiting staff messages read the whole `messages` collection, and the
        turn grew slower with every stored message (issue 14's profile)."""
        await self.mongo.ensure_once(f"handover:{self.tenant_id}", self.ensure_indexes)

    # ---- reads -----------------------------------------------------------------

    async def get(self, conversation_id: str) -> HandoverDoc | None:
        try:
            return await self.handovers.find_one({"_id": conversation_id})
        except PyMongoError as e:
            raise StorageError("reading the handover state failed") from e

    async def require(self, conversation_id: str) -> HandoverDoc:
        doc = await self.get(conversation_id)
        if doc is None:
            raise NotFound("no such conversation")
        return doc

    async def list(
        self, state: str | None = None, assigned_to: str | None = None, limit: int = 100
    ) -> list[HandoverDoc]:
        """Escalated conversations, most recently changed first."""
        query: dict[str, Any] = {}
        if state is not None:
            if state not in STATES:
                raise InvalidInput("bad_state", "unknown state")
            query["state"] = state
        if assigned_to is not None:
            query["assigned_to"] = assigned_to
        await self._indexed()
        cursor = self.handovers.find(query).sort("updated_at", -1).limit(max(1, min(limit, 500)))
        return [d async for d in cursor]

    async def transcript(
        self, conversation_id: str, since_seq: int = 0, limit: int = 500
    ) -> list[MessageDoc]:
        await self._indexed()
        cursor = (
            self.messages.find({"conversation": conversation_id, "seq": {"$gt": int(since_seq)}})
            .sort("seq", 1)
            .limit(max(1, min(limit, 2000)))
        )
        return [d async for d in cursor]

    # ---- the transcript ----------------------------------------------------------

    async def record(
        self,
        conversation_id: str,
        guest_ref: str,
        entries: Sequence[tuple[str, str]],
        *,
        staff: str | None = None,
        publish: bool = True,
        delivered: bool | None = None,
    ) -> list[MessageDoc]:
        """Append (author, text) messages to the transcript, in order."""
        entries = [(a, t) for a, t in entries if t]
        if not entries:
            return []
        if any(author not in AUTHORS for author, _ in entries):
            raise ValueError("unknown author")
        try:
            await self._indexed()
            counter = await self.seq.find_one_and_update(
                {"_id": conversation_id},
                {"$inc": {"seq": len(entries)}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
            first = counter["seq"] - len(entries) + 1
            now = _now()
            docs = []
            for i, (author, text) in enumerate(entries):
                doc: MessageDoc = {
                    "_id": f"{conversation_id}:{first + i:07d}",
                    "conversation": conversation_id,
                    "guest_ref": guest_ref,
                    "seq": first + i,
                    "at": now,
                    "author": author,
                    "text": text,
                }
                if staff is not None:
                    doc["staff"] = staff
                if delivered is not None:
                    doc["delivered"] = delivered
                docs.append(doc)
            await self.messages.insert_many(docs, ordered=True)
        except PyMongoError as e:
            raise StorageError("recording the transcript failed") from e
        if publish:
            await self._publish({"type": "message", "conversation": conversation_id, "seq": docs[-1]["seq"]})
        return docs

    # ---- transitions -------------------------------------------------------------

    async def escalate(
        self,
        conversation_id: str,
        *,
        reason: str,
        guest_ref: str,
        channel: str,
        language: str,
        last_rating: LastRating | None = None,
        score_before: float | None = None,
    ) -> tuple[HandoverDoc, bool]:
        """Hand the conversation to staff; (document, True) when this turn did it,
        (document, False) when staff already have it."""
        now = _epoch()
        fields = {
            "state": WAITING,
            "reason": reason,
            "guest_ref": guest_ref,
            "channel": channel,
            "language": language,
            "escalated_at": now,
            "updated_at": now,
            "assigned_to": None,
            "awaiting_satisfaction": False,
            "resume": False,
        }
        if last_rating is not None:
            fields["last_rating"] = last_rating
        if score_before is not None:
            fields["score_before"] = score_before
        try:
            doc = await self.handovers.find_one_and_update(
                {"_id": conversation_id, "state": {"$nin": list(HELD)}},
                {"$set": fields},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:  # it exists and is already held by staff
            return await self.require(conversation_id), False
        except PyMongoError as e:
            raise StorageError("escalating failed") from e
        event(
            logger, "handover.escalated", tenant=self.tenant_id, conversation=conversation_id, reason=reason
        )
        await self._changed(doc)
        return doc, True

    async def take(self, conversation_id: str, staff_id: str) -> HandoverDoc:
        """Assign to `staff_id`; exactly one of several concurrent takes wins."""
        now = _epoch()
        doc = await self._transition(
            conversation_id,
            {"state": {"$in": [WAITING, BOT, RESOLVED]}},
            {"state": WITH_STAFF, "assigned_to": staff_id, "taken_at": now, "awaiting_satisfaction": False},
            (WITH_STAFF, staff_id),
        )
        if doc is None:
            current = await self.require(conversation_id)
            if current["state"] == WITH_STAFF and current.get("assigned_to") == staff_id:
                return current  # taking again is a no-op
            raise Conflict("another member of staff has this conversation")
        return doc

    async def hand_back(self, conversation_id: str, staff_id: str) -> HandoverDoc:
        """Back to the bot; it drops its pending low-score follow-up (staff handled it)."""
        doc = await self._transition(
            conversation_id,
            {"state": WITH_STAFF, "assigned_to": staff_id},
            {"state": BOT, "assigned_to": None, "resume": True},
            (BOT, staff_id),
        )
        if doc is None:
            await self.require(conversation_id)
            raise Conflict("only the member of staff who has the conversation can hand it back")
        return doc

    async def resolve(self, conversation_id: str, staff_id: str, *, ask_satisfaction: bool) -> HandoverDoc:
        now = _epoch()
        fields = {
            "state": RESOLVED,
            "assigned_to": None,
            "resolved_at": now,
            "resolved_by": staff_id,
            "awaiting_satisfaction": ask_satisfaction,
            "resume": True,
        }
        # Waiting, or held by this member of staff: two conditional updates, not one with
        # `$or`. nx-27017 applies a write whose filter has a top-level `$or` to the first
        # document matching the `$or` alone, ignoring `_id` (it resolved another
        # conversation the same staff member held); a document is in one state at a time,
        # so the two are exactly the `$or`.
        doc = await self._transition(
            conversation_id, {"state": WITH_STAFF, "assigned_to": staff_id}, fields, (RESOLVED, staff_id)
        )
        if doc is None:
            doc = await self._transition(conversation_id, {"state": WAITING}, fields, (RESOLVED, staff_id))
        if doc is None:
            await self.require(conversation_id)
            raise Conflict("the conversation is not open or another member of staff has it")
        return doc

    async def consume_resume(self, conversation_id: str) -> bool:
        """True once after a hand-back or resolution (the bot then drops its follow-up)."""
        result = await self.handovers.update_one(
            {"_id": conversation_id, "resume": True, "state": {"$nin": list(HELD)}},
            {"$set": {"resume": False}},
        )
        return bool(result.modified_count)

    async def record_satisfaction(self, conversation_id: str, score: float) -> HandoverDoc | None:
        """The guest's answer (normalised 0..1) to the question after resolving; keeps
        the recovery figure (after minus before) when a rating came before."""
        doc = await self.handovers.find_one_and_update(
            {"_id": conversation_id, "awaiting_satisfaction": True},
            {"$set": {"awaiting_satisfaction": False, "score_after": score, "updated_at": _epoch()}},
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            return None
        if doc.get("score_before") is not None:
            recovery = round(score - float(doc["score_before"]), 4)
            doc = await self.handovers.find_one_and_update(
                {"_id": conversation_id},
                {"$set": {"recovery": recovery}},
                return_document=ReturnDocument.AFTER,
            )
        event(logger, "handover.satisfaction", tenant=self.tenant_id, conversation=conversation_id)
        await self._changed(doc)
        return doc

    async def cancel_satisfaction(self, conversation_id: str) -> None:
        await self.handovers.update_one({"_id": conversation_id}, {"$set": {"awaiting_satisfaction": False}})

    # ---- staff writing ---------------------------------------------------------------

    async def add_note(self, conversation_id: str, staff_id: str, text: Any) -> MessageDoc:
        doc = await self.require(conversation_id)
        return (
            await self.record(
                conversation_id, doc["guest_ref"], [(Author.NOTE, clean_staff_text(text))], staff=staff_id
            )
        )[0]

    async def staff_reply(self, conversation_id: str, staff_id: str, text: Any) -> MessageDoc:
        """Persist the reply, then deliver it on the guest's channel. Only the member of
        staff who has the conversation may reply."""
        text = clean_staff_text(text)
        doc = await self.require(conversation_id)
        if doc["state"] != WITH_STAFF or doc.get("assigned_to") != staff_id:
            raise Conflict("take the conversation over before replying")
        message = (
            await self.record(
                conversation_id, doc["guest_ref"], [(Author.STAFF, text)], staff=staff_id, delivered=False
            )
        )[0]
        await self.send(doc, message)
        return message

    async def send(self, handover: HandoverDoc, message: MessageDoc) -> bool:
        """Deliver a stored message to the guest; marked delivered when the provider has
        it (the web widget acknowledges instead: `acknowledge`)."""
        if self.deliver is None:
            return False
        if not await self.deliver(self.tenant_id, handover, message):
            return False
        await self.messages.update_one({"_id": message["_id"]}, {"$set": {"delivered": True}})
        return True

    async def acknowledge(self, message_id: str, guest_ref: str) -> bool:
        """The guest's widget showed a staff message; only that guest's own messages."""
        result = await self.messages.update_one(
            {"_id": message_id, "guest_ref": guest_ref, "delivered": False}, {"$set": {"delivered": True}}
        )
        return bool(result.modified_count)

    async def undelivered(self, guest_ref: str, limit: int = 50) -> list[MessageDoc]:
        """Staff and system messages to this guest not yet acknowledged, oldest first."""
        # by the indexed guest_ref; the authors are picked here, not with `$in` (which
        # makes nx-27017 read the whole collection); a guest has few undelivered messages
        await self._indexed()
        cursor = self.messages.find({"guest_ref": guest_ref, "delivered": False})
        waiting = [d async for d in cursor if d.get("author") in (Author.STAFF, Author.SYSTEM)]
        waiting.sort(key=lambda d: (d["at"], d["seq"]))
        return waiting[:limit]

    async def system_message(self, conversation_id: str, text: str, *, deliver: bool) -> MessageDoc:
        doc = await self.require(conversation_id)
        message = (
            await self.record(conversation_id, doc["guest_ref"], [(Author.SYSTEM, text)], delivered=False)
        )[0]
        if deliver:
            await self.send(doc, message)
        return message

    # ---- data-subject requests ------------------------------------------------------

    async def export_guest(self, guest_ref: str) -> dict[str, list[dict[str, Any]]]:
        return {
            "handovers": [d async for d in self.handovers.find({"guest_ref": guest_ref})],
            "messages": [d async for d in self.messages.find({"guest_ref": guest_ref})],
        }

    async def erase_guest(self, guest_ref: str) -> int:
        query = {"guest_ref": guest_ref}
        conversations = {d.get("conversation") async for d in self.messages.find(query, {"conversation": 1})}
        conversations |= {d["_id"] async for d in self.handovers.find(query, {"_id": 1})}
        n = await delete_matching(self.handovers, query)
        n += await delete_matching(self.messages, query)
        if conversations - {None}:
            await self.seq.delete_many({"_id": {"$in": sorted(conversations - {None})}})
        return n

    # ---- internals -----------------------------------------------------------------

    async def _transition(
        self, conversation_id: str, condition: dict[str, Any], fields: dict[str, Any], change: tuple[str, str]
    ) -> HandoverDoc | None:
        now = _epoch()
        try:
            doc = await self.handovers.find_one_and_update(
                {"_id": conversation_id, **condition},
                {"$set": {**fields, "updated_at": now}},
                return_document=ReturnDocument.AFTER,
            )
        except PyMongoError as e:
            raise StorageError("changing the handover state failed") from e
        if doc is not None:
            await self._history(conversation_id, change[0], change[1], now)
            event(
                logger,
                "handover.state",
                tenant=self.tenant_id,
                conversation=conversation_id,
                state=doc["state"],
            )
            await self._changed(doc)
        return doc

    async def _history(self, conversation_id: str, to: str, by: str, at: float, **extra: Any) -> None:
        await self.history.insert_one(
            {"conversation": conversation_id, "to": to, "by": by, "at": at, **extra}
        )

    async def history_of(self, conversation_id: str) -> list[HandoverHistoryDoc]:
        return [d async for d in self.history.find({"conversation": conversation_id}).sort("at", 1)]

    async def _changed(self, doc: HandoverDoc) -> None:
        await self._publish({"type": "conversation", "conversation": doc["_id"], "state": doc["state"]})

    async def _publish(self, payload: dict[str, Any]) -> None:
        if self.publisher is not None:
            await self.publisher.publish(self.tenant_id, payload)
