"""How to reach a guest again on their own channel, sealed at rest.

Collection `contacts` in the tenant's database, one document per guest reference:

    _id        guest_ref (keyed hash; the look-up key)
    channel    "sms" | "email"
    address    sealed: the guest's E.164 number or e-mail address
    via        the hotel's own number or inbox address the guest wrote to (not personal)
    thread     sealed JSON: for e-mail the subject, last Message-Id and References,
               so a staff reply lands in the same thread in the guest's mail client
    updated_at epoch seconds

Channels write it when a guest writes (bot/channels/sms/channel.py,
bot/channels/email/channel.py); the outbox reads it for staff replies and system
messages (bot/outbox/outbox.py). The web widget needs none: its guests are reached
through a socket.io room named after the guest reference.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from pymongo.errors import PyMongoError

from bot.base.errors import StorageError
from bot.base.names import CONTACTS
from bot.base.sealing import Cipher, DecryptionError
from bot.storage.mongo import DURABLE, MongoStore


@dataclass(frozen=True)
class Contact:
    guest_ref: str
    channel: str
    address: str
    via: str
    thread: dict[str, Any] = field(default_factory=dict)


class ContactStore:
    def __init__(self, mongo: MongoStore, tenant_id: str, cipher: Cipher) -> None:
        self.tenant_id = tenant_id
        self.collection = mongo.database(tenant_id).get_collection(CONTACTS, write_concern=DURABLE)
        self.cipher = cipher

    def _aad(self, guest_ref: str, name: str) -> str:
        return f"{self.tenant_id}|{guest_ref}|{name}"

    async def remember(self, contact: Contact) -> None:
        g = contact.guest_ref
        doc = {
            "channel": contact.channel,
            "address": self.cipher.seal(contact.address, self._aad(g, "address")),
            "via": contact.via,
            "thread": self.cipher.seal(json.dumps(contact.thread), self._aad(g, "thread")),
            "updated_at": time.time(),
        }
        try:
            await self.collection.replace_one({"_id": g}, {"_id": g, "guest_ref": g, **doc}, upsert=True)
        except PyMongoError as e:
            raise StorageError("storing the guest's contact failed") from e

    async def get(self, guest_ref: str) -> Contact | None:
        try:
            doc = await self.collection.find_one({"_id": guest_ref})
        except PyMongoError as e:
            raise StorageError("reading the guest's contact failed") from e
        return None if doc is None else self._open(doc)

    async def addresses(self) -> list[str]:
        """Every guest's opened address, in one read (tenant offboarding searches for
        them); a value sealed with a retired key is skipped."""
        found = []
        try:
            async for doc in self.collection.find({}, {"address": 1}):
                with contextlib.suppress(DecryptionError):
                    found.append(self.cipher.open(doc["address"], self._aad(doc["_id"], "address")))
        except PyMongoError as e:
            raise StorageError("reading the contacts failed") from e
        return found

    def _open(self, doc: dict[str, Any]) -> Contact:
        guest_ref = doc["_id"]
        return Contact(
            guest_ref=guest_ref,
            channel=doc["channel"],
            address=self.cipher.open(doc["address"], self._aad(guest_ref, "address")),
            via=doc["via"],
            thread=json.loads(self.cipher.open(doc["thread"], self._aad(guest_ref, "thread"))),
        )

    async def export_guest(self, guest_ref: str) -> list[dict[str, Any]]:
        contact = await self.get(guest_ref)
        return [] if contact is None else [contact.__dict__]

    async def erase_guest(self, guest_ref: str) -> int:
        return (await self.collection.delete_many({"_id": guest_ref})).deleted_count
