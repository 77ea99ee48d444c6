"""What a guest has asked about their data's use, per tenant (collection `guest_flags`,
`_id` = guest_ref):

    restricted   their data stays but is excluded from analytics, benchmarks and
                 outreach from that moment (GDPR Art. 18); their ratings carry
                 `restricted: true` and new ones are stored with it
    objected     no further messages to them on any channel (Art. 21): staff
                 replies, notifications and outreach refuse, the bot stays silent
    language     a language the guest corrected (Art. 16): the next turn switches
                 the conversation to it, then it is cleared
    at           epoch seconds of the last change
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from pymongo.errors import PyMongoError

from bot.base.errors import StorageError
from bot.base.names import GUEST_FLAGS
from bot.storage.mongo import DURABLE, MongoStore


@dataclass(frozen=True)
class GuestFlags:
    restricted: bool = False
    objected: bool = False
    language: str | None = None


class FlagStore:
    def __init__(self, mongo: MongoStore, tenant_id: str) -> None:
        self.collection = mongo.database(tenant_id).get_collection(GUEST_FLAGS, write_concern=DURABLE)

    async def get(self, guest_ref: str) -> GuestFlags:
        try:
            doc = await self.collection.find_one({"_id": guest_ref})
        except PyMongoError as e:
            raise StorageError("reading the guest's flags failed") from e
        if doc is None:
            return GuestFlags()
        language = doc.get("language")
        return GuestFlags(
            restricted=bool(doc.get("restricted")),
            objected=bool(doc.get("objected")),
            language=language if isinstance(language, str) and language else None,
        )

    async def set(
        self,
        guest_ref: str,
        *,
        restricted: bool | None = None,
        objected: bool | None = None,
        language: str | None = None,
    ) -> None:
        fields: dict[str, object] = {"at": time.time(), "guest_ref": guest_ref}
        if restricted is not None:
            fields["restricted"] = restricted
        if objected is not None:
            fields["objected"] = objected
        if language is not None:
            fields["language"] = language
        await self.collection.update_one({"_id": guest_ref}, {"$set": fields}, upsert=True)

    async def language_applied(self, guest_ref: str, language: str) -> None:
        """The conversation now speaks the corrected language: forget the request."""
        await self.collection.update_one({"_id": guest_ref, "language": language}, {"$set": {"language": ""}})

    async def erase_guest(self, guest_ref: str) -> int:
        return (await self.collection.delete_many({"_id": guest_ref})).deleted_count
