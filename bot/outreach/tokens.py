"""Per-tenant API tokens of the stay-import API (`POST /t/<tenant>/api/stays`).

A tenant's admin creates a token (console or `python -m bot.outreach tokens create`); it
is shown once and only its SHA-256 is stored, in the tenant's `api_tokens` collection:

    _id           "tok_" + 12 hex digits: names the token in lists, audit records, logs
    hash          SHA-256 (hex) of the token
    name          the admin's label for it ("Mews middleware"), at most 64 characters
    created_at    epoch seconds        created_by   staff id, or "cli:<os uid>"
    last_used_at  epoch seconds of the last accepted call, 0 until then
    revoked_at    epoch seconds, 0 while valid    revoked_by   who revoked it

The token is `rpt_` + 43 URL-safe characters (256 random bits), so a plain hash is
enough (no guessing, no dictionary: a password hash would only slow every call down);
a request's token is found by its hash with one indexed look-up in the tenant named by
the URL only. A token of another tenant, a revoked one and an unknown one are the same
"no such token" (`verify` returns None): the API answers each with the same 401.
Offboarding drops the tenant's database and its tokens with it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass, replace
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.errors import PyMongoError

from bot.base.errors import InvalidInput, StorageError
from bot.base.names import API_TOKENS
from bot.storage.mongo import DURABLE, MongoStore

PREFIX = "rpt_"
MAX_NAME = 64
MAX_ACTIVE = 20  # valid tokens per tenant: one per system that sends stays is the idea
_TOKEN = re.compile(r"^rpt_[A-Za-z0-9_-]{43}$")
_TOKEN_ID = re.compile(r"^tok_[0-9a-f]{12}$")
_BEARER = re.compile(r"^Bearer +(\S+) *$", re.IGNORECASE)
INDEXES = [IndexModel([("hash", ASCENDING)], name="hash", unique=True)]


@dataclass(frozen=True)
class ApiToken:
    id: str
    name: str
    created_at: float
    created_by: str
    last_used_at: float = 0.0
    revoked_at: float = 0.0
    revoked_by: str | None = None

    @classmethod
    def of(cls, doc: dict[str, Any]) -> "ApiToken":
        return cls(
            id=doc["_id"],
            name=doc.get("name", ""),
            created_at=float(doc.get("created_at") or 0),
            created_by=str(doc.get("created_by", "")),
            last_used_at=float(doc.get("last_used_at") or 0),
            revoked_at=float(doc.get("revoked_at") or 0),
            revoked_by=doc.get("revoked_by"),
        )

    @property
    def revoked(self) -> bool:
        return self.revoked_at > 0

    def public(self) -> dict[str, Any]:
        """What the console and the CLI show (never the hash)."""
        return {
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "last_used_at": self.last_used_at or None,
            "revoked_at": self.revoked_at or None,
            "revoked_by": self.revoked_by,
        }


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def new_token_id() -> str:
    return "tok_" + secrets.token_hex(6)


def bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    match = _BEARER.match(header or "")
    return match.group(1) if match else None


def check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("name_required", "name the token after the system that uses it")
    name = " ".join(name.split())
    if len(name) > MAX_NAME or not name.isprintable():
        raise InvalidInput("name_invalid", f"at most {MAX_NAME} printable characters")
    return name


def is_token_id(value: object) -> bool:
    return isinstance(value, str) and bool(_TOKEN_ID.fullmatch(value))


class TokenStore:
    def __init__(self, mongo: MongoStore, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self.collection = mongo.database(tenant_id).get_collection(API_TOKENS, write_concern=DURABLE)

    async def create(
        self, name: object, *, by: str, now: float | None = None, token_id: str | None = None
    ) -> tuple[str, ApiToken]:
        """A new token: (the token, shown once; its record)."""
        name = check_name(name)
        now = time.time() if now is None else now
        try:
            await self.collection.create_indexes(INDEXES)
            active = await self.collection.count_documents({"revoked_at": 0})
            if active >= MAX_ACTIVE:
                raise InvalidInput("too_many_tokens", f"at most {MAX_ACTIVE} valid tokens: revoke one first")
            token = new_token()
            doc = {
                "_id": token_id or new_token_id(),
                "hash": digest(token),
                "name": name,
                "created_at": now,
                "created_by": by,
                "last_used_at": 0,
                "revoked_at": 0,
                "revoked_by": None,
            }
            await self.collection.insert_one(doc)
        except PyMongoError as e:
            raise StorageError("storing the token failed") from e
        return token, ApiToken.of(doc)

    async def list(self) -> list[ApiToken]:
        """Every token of the tenant, valid ones first, newest first."""
        try:
            docs = [d async for d in self.collection.find({}, {"hash": 0})]
        except PyMongoError as e:
            raise StorageError("reading the tokens failed") from e
        tokens = [ApiToken.of(d) for d in docs]
        return sorted(tokens, key=lambda t: (t.revoked, -t.created_at))

    async def get(self, token_id: str) -> ApiToken | None:
        if not is_token_id(token_id):
            return None
        try:
            doc = await self.collection.find_one({"_id": token_id}, {"hash": 0})
        except PyMongoError as e:
            raise StorageError("reading the token failed") from e
        return None if doc is None else ApiToken.of(doc)

    async def revoke(self, token_id: str, *, by: str, now: float | None = None) -> ApiToken | None:
        """Revoke a token (again: no change); None if the tenant has no such token."""
        found = await self.get(token_id)
        if found is None or found.revoked:
            return found
        now = time.time() if now is None else now
        try:
            await self.collection.update_one(
                {"_id": token_id, "revoked_at": 0}, {"$set": {"revoked_at": now, "revoked_by": by}}
            )
        except PyMongoError as e:
            raise StorageError("revoking the token failed") from e
        return await self.get(token_id)

    async def lookup(self, token: str | None) -> ApiToken | None:
        """This tenant's token that `token` is, valid or revoked; None if it has none."""
        if not token or not _TOKEN.fullmatch(token):
            return None
        try:
            doc = await self.collection.find_one({"hash": digest(token)}, {"hash": 0})
        except PyMongoError as e:
            raise StorageError("checking the token failed") from e
        return None if doc is None else ApiToken.of(doc)

    async def verify(self, token: str | None, *, now: float | None = None) -> ApiToken | None:
        """The valid token of this tenant that `token` is (its use recorded), else None."""
        found = await self.lookup(token)
        if found is None or found.revoked:
            return None
        return await self.used(found, now=now)

    async def used(self, found: ApiToken, *, now: float | None = None) -> ApiToken:
        """Record an accepted call of `found` (`last_used_at`)."""
        now = time.time() if now is None else now
        try:
            await self.collection.update_one({"_id": found.id}, {"$set": {"last_used_at": now}})
        except PyMongoError as e:
            raise StorageError("recording the token's use failed") from e
        return replace(found, last_used_at=now)
