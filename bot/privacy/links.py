"""One-time download links for access requests (GDPR Art. 15).

The worker (bot/privacy/worker.py) stores the guest's export sealed (AES-GCM,
bot/base/sealing.py) in the tenant database's `dsr_exports` collection under the
SHA-256 of a random token; only the link carries the token:

    <public url>/webhooks/privacy/export/<tenant>.<token>

    _id          sha256(token) hex (the token itself is never stored)
    request      the request id;  guest_ref  the guest's keyed hash
    created_at, expires_at (24 hours later), epoch seconds
    export       sealed JSON {"summary": ..., "data": ...}; removed when downloaded

`redeem` is one conditional update: the first download within the expiry gets the
export and removes it; every later, unknown or expired token gets None. The erasure
of a guest removes their links (the collection is keyed by guest_ref), and the worker
purges expired ones.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from typing import Any

from bot.base.names import DSR_EXPORTS
from bot.base.sealing import Cipher, DecryptionError
from bot.storage.mongo import DURABLE, MongoStore

COLLECTION = DSR_EXPORTS
TTL = 24 * 3600.0
TOKEN = re.compile(r"^([a-z][a-z0-9_]{1,30})\.([A-Za-z0-9_-]{43})$")  # <tenant>.<32 random bytes>


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def split_token(raw: str) -> tuple[str, str] | None:
    """(tenant id, token) of a link's last path segment, or None when malformed."""
    match = TOKEN.fullmatch(raw or "")
    return (match.group(1), raw) if match else None


class ExportLinks:
    def __init__(self, mongo: MongoStore, tenant_id: str, cipher: Cipher) -> None:
        self.tenant_id = tenant_id
        self.cipher = cipher
        self.collection = mongo.database(tenant_id).get_collection(COLLECTION, write_concern=DURABLE)

    def _aad(self, guest_ref: str) -> str:
        return f"{self.tenant_id}|{guest_ref}|export"

    async def create(
        self, request_id: str, guest_ref: str, document: dict[str, Any], *, now: float | None = None
    ) -> tuple[str, float]:
        """A new link's token and its expiry; only the token's hash is stored."""
        now = time.time() if now is None else now
        token = f"{self.tenant_id}.{secrets.token_urlsafe(32)}"
        sealed = self.cipher.seal(json.dumps(document, ensure_ascii=False, default=str), self._aad(guest_ref))
        await self.collection.insert_one(
            {
                "_id": token_hash(token),
                "request": request_id,
                "guest_ref": guest_ref,
                "created_at": now,
                "expires_at": now + TTL,
                "export": sealed,
            }
        )
        return token, now + TTL

    async def redeem(self, token: str, *, now: float | None = None) -> dict[str, Any] | None:
        """The export behind a token, once, within its expiry; else None."""
        now = time.time() if now is None else now
        doc = await self.collection.find_one_and_update(
            {"_id": token_hash(token), "expires_at": {"$gt": now}, "export": {"$exists": True}},
            {"$set": {"used_at": now}, "$unset": {"export": ""}},
        )
        if doc is None:
            return None
        try:
            return json.loads(self.cipher.open(doc["export"], self._aad(doc["guest_ref"])))
        except (DecryptionError, ValueError):
            return None

    async def drop(self, token: str) -> None:
        """Withdraw a link that could not be sent."""
        await self.collection.delete_one({"_id": token_hash(token)})

    async def purge(self, *, now: float | None = None) -> int:
        """Delete expired links and used ones (nothing of them is kept)."""
        now = time.time() if now is None else now
        # one condition per write: nx-27017 sends a write whose filter has a top-level
        # $or to the wrong document (/work/shared/notes)
        expired = await self.collection.delete_many({"expires_at": {"$lte": now}})
        used = await self.collection.delete_many({"export": {"$exists": False}})
        return expired.deleted_count + used.deleted_count

    async def erase_guest(self, guest_ref: str) -> int:
        return (await self.collection.delete_many({"guest_ref": guest_ref})).deleted_count
