"""MongoDB (motor) implementation of the storage ports.

One database per tenant, named `<prefix><tenant id>`; deleting a tenant is one
`drop_database`. Writes that must not be lost use `w="majority", j=True`: on a replica
set that waits for a majority's journal, on a standalone server for its own journal,
and the embedded nx-27017 server accepts it and commits to SQLite before answering.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable, Callable
from typing import Any

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ASCENDING, DESCENDING, IndexModel, WriteConcern
from pymongo.errors import OperationFailure, PyMongoError

from bot.base.errors import StorageError, UnknownTenant
from bot.base.names import CONVERSATIONS, RATINGS
from bot.storage.documents import ConversationDoc, RatingDoc

DURABLE = WriteConcern(w="majority", j=True)
_TENANT_ID = re.compile(r"^[a-z][a-z0-9_]{1,30}$")

RATING_INDEXES = [
    # not unique: a question may have several comments (kind "comment"); every other
    # answer is one document per conversation and question by its `_id`
    IndexModel([("conversation_id", ASCENDING), ("question", ASCENDING)], name="conversation_question_any"),
    IndexModel([("question", ASCENDING), ("answered_at", DESCENDING)], name="question_time"),
    IndexModel([("answered_at", DESCENDING)], name="time"),
    IndexModel([("channel", ASCENDING), ("answered_at", DESCENDING)], name="channel_time"),
    IndexModel([("language", ASCENDING), ("answered_at", DESCENDING)], name="language_time"),
    IndexModel([("guest_ref", ASCENDING)], name="guest"),
    # the embedded nx-27017 does not use a compound index for a query on its first field
    # alone (107 ms instead of 1 ms over 100,000 ratings): the conversation's own index
    IndexModel([("conversation_id", ASCENDING)], name="conversation"),
]
CONVERSATION_INDEXES = [
    IndexModel([("status", ASCENDING), ("updated_at", DESCENDING)], name="status_time"),
    IndexModel([("guest_ref", ASCENDING)], name="guest"),
]


async def _drop_unique_conversation_question(ratings: Any) -> None:
    """Databases made before comments (issue 13) have (conversation_id, question) unique,
    which refuses a second comment on one question: drop it (by the name the server
    reports: the embedded server names indexes its own way). Another process may drop
    it first."""
    for name, spec in (await ratings.index_information()).items():
        if spec.get("unique") and [k for k, _ in spec.get("key", ())] == ["conversation_id", "question"]:
            with contextlib.suppress(OperationFailure):
                await ratings.drop_index(name)


def connect(url: str, **kwargs: Any) -> AsyncIOMotorClient:
    """A motor client with short timeouts suited to a chat turn."""
    options = {
        "serverSelectionTimeoutMS": 5000,
        "connectTimeoutMS": 3000,
        "socketTimeoutMS": 5000,  # a stalled server must not hang a guest's turn
        "tz_aware": True,
    }
    options.update(kwargs)
    return AsyncIOMotorClient(url, **options)


class MongoStore:
    def __init__(self, client: AsyncIOMotorClient, db_prefix: str = "rapport_t_") -> None:
        self.client = client
        self.db_prefix = db_prefix
        self._indexed: set[str] = set()

    def database(self, tenant_id: str) -> AsyncIOMotorDatabase:
        if not isinstance(tenant_id, str) or not _TENANT_ID.fullmatch(tenant_id):
            raise UnknownTenant("invalid tenant id")
        return self.client[self.db_prefix + tenant_id]

    async def ensure_indexes(self, tenant_id: str) -> None:
        if tenant_id in self._indexed:
            return
        db = self.database(tenant_id)
        try:
            await _drop_unique_conversation_question(db[RATINGS])
            await db[RATINGS].create_indexes(RATING_INDEXES)
            await db[CONVERSATIONS].create_indexes(CONVERSATION_INDEXES)
        except PyMongoError as e:
            raise StorageError("creating indexes failed") from e
        self._indexed.add(tenant_id)

    async def ensure_once(self, key: str, create: Callable[[], Awaitable[None]]) -> None:
        """Run `create` (another store's index creation) once per `key` for this client;
        a PyMongoError propagates (and it is tried again next time)."""
        if key in self._indexed:
            return
        await create()
        self._indexed.add(key)

    def ratings(self, tenant_id: str) -> "MongoRatings":
        return MongoRatings(self.database(tenant_id).get_collection(RATINGS, write_concern=DURABLE))

    def conversations(self, tenant_id: str) -> "MongoConversations":
        return MongoConversations(
            self.database(tenant_id).get_collection(CONVERSATIONS, write_concern=DURABLE)
        )

    async def drop_tenant(self, tenant_id: str) -> None:
        await self.client.drop_database(self.database(tenant_id).name)
        self._indexed.discard(tenant_id)


class _GuestData:
    def __init__(self, collection: AsyncIOMotorCollection) -> None:
        self.collection = collection

    async def export_guest(self, guest_ref: str) -> list[dict[str, Any]]:
        return [d async for d in self.collection.find({"guest_ref": str(guest_ref)})]

    async def erase_guest(self, guest_ref: str) -> int:
        result = await self.collection.delete_many({"guest_ref": str(guest_ref)})
        return result.deleted_count


class MongoRatings(_GuestData):
    async def save(self, document: RatingDoc) -> None:
        body = {k: v for k, v in document.items() if k != "_id"}
        first = body.pop("answered_at")
        try:
            await self.collection.update_one(
                {"_id": document["_id"]},
                {"$set": {**body, "updated_at": first}, "$setOnInsert": {"answered_at": first}},
                upsert=True,
            )
        except PyMongoError as e:
            raise StorageError("saving a rating failed") from e

    async def for_conversation(self, conversation_id: str) -> list[RatingDoc]:
        cursor = self.collection.find({"conversation_id": str(conversation_id)}).sort("question", ASCENDING)
        return [d async for d in cursor]


class MongoConversations(_GuestData):
    async def record_turn(self, document: ConversationDoc) -> None:
        body = {k: v for k, v in document.items() if k != "_id"}
        try:
            await self.collection.update_one(
                {"_id": document["_id"]},
                {"$set": body, "$setOnInsert": {"started_at": body["updated_at"]}},
                upsert=True,
            )
        except PyMongoError as e:
            raise StorageError("saving a conversation failed") from e

    async def get(self, conversation_id: str) -> ConversationDoc | None:
        return await self.collection.find_one({"_id": str(conversation_id)})


async def delete_matching(collection: AsyncIOMotorCollection, query: dict[str, Any], chunk: int = 500) -> int:
    """`delete_many(query)` in two steps: the matching ids by a find, then delete by `_id`.

    The embedded MongoDB-wire server evaluates a `delete_many` filter by reading the
    whole collection (120 ms for 100,000 ratings, even when nothing matches), but
    answers an indexed find and an `_id` delete in milliseconds."""
    ids = [d["_id"] async for d in collection.find(query, {"_id": 1})]
    deleted = 0
    for i in range(0, len(ids), chunk):
        deleted += (await collection.delete_many({"_id": {"$in": ids[i : i + chunk]}})).deleted_count
    return deleted
