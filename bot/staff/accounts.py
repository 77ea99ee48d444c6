"""Staff accounts, in the control database's `staff` collection.

    {_id: staff id (random), username (unique, lower case), password_hash (argon2id),
     roles: {tenant_id: "agent" | "admin"}, email, phone (optional), on_duty, disabled,
     created_at, session_epoch, digest: {tenant_id: 1} (optional)}

`digest`: the tenants whose weekly digest e-mail this account gets (an admin subscribes
in the console, bot/console/routes.py; the jobs send it, bot/jobs/digest.py).

`session_epoch` is raised when a password changes or an account is disabled; sessions
carry the epoch they were made under and die when it no longer matches. Only this
module writes the collection. Tenant offboarding deletes the accounts that served only
that tenant and removes the tenant's role from the others (`delete_if_only`,
`remove_role`).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError, PyMongoError

from bot.base.errors import InvalidInput, RapportError, StorageError
from bot.base.names import STAFF
from bot.storage.mongo import DURABLE

ROLES = ("agent", "admin")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
PHONE = re.compile(r"^\+[1-9][0-9]{6,14}$")
TENANT_ID = re.compile(r"^[a-z][a-z0-9_]{1,30}$")


class UsernameTaken(RapportError):
    """Another account has this username."""


def new_staff_id() -> str:
    return "stf_" + secrets.token_hex(12)


def normalise_username(raw: object) -> str:
    if not isinstance(raw, str):
        raise InvalidInput("username_invalid", "a username must be text")
    username = raw.strip().lower()
    if not USERNAME.fullmatch(username):
        raise InvalidInput("username_invalid", "2-64 of a-z 0-9 . _ - (starting with a letter or digit)")
    return username


def check_role(role: object) -> str:
    if role not in ROLES:
        raise InvalidInput("role_invalid", "role must be agent or admin")
    return role  # type: ignore[return-value]


def check_contact(email: object, phone: object) -> tuple[str | None, str | None]:
    if email is not None and (not isinstance(email, str) or not EMAIL.fullmatch(email)):
        raise InvalidInput("email_invalid")
    if phone is not None and (not isinstance(phone, str) or not PHONE.fullmatch(phone)):
        raise InvalidInput("phone_invalid", "E.164, like +4989123456")
    return email, phone


@dataclass(frozen=True)
class Staff:
    id: str
    username: str
    password_hash: str
    roles: dict[str, str] = field(default_factory=dict)
    email: str | None = None
    phone: str | None = None
    on_duty: bool = False
    disabled: bool = False
    created_at: dt.datetime | None = None
    session_epoch: int = 0
    digest: frozenset[str] = frozenset()  # tenants whose weekly digest this account gets

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> "Staff":
        return cls(
            id=doc["_id"],
            username=doc["username"],
            password_hash=doc["password_hash"],
            roles=dict(doc.get("roles") or {}),
            email=doc.get("email"),
            phone=doc.get("phone"),
            on_duty=bool(doc.get("on_duty")),
            disabled=bool(doc.get("disabled")),
            created_at=doc.get("created_at"),
            session_epoch=int(doc.get("session_epoch") or 0),
            digest=frozenset(t for t, on in (doc.get("digest") or {}).items() if on),
        )

    def gets_digest(self, tenant_id: str) -> bool:
        """An enabled admin of the tenant, subscribed, with an address to send it to."""
        return self.role_in(tenant_id) == "admin" and tenant_id in self.digest and bool(self.email)

    def role_in(self, tenant_id: str) -> str | None:
        return None if self.disabled else self.roles.get(tenant_id)

    def public(self, tenant_id: str) -> dict[str, Any]:
        """What a tenant's admin sees of an account: no hash, no other tenants' roles."""
        return {
            "id": self.id,
            "username": self.username,
            "role": self.roles.get(tenant_id),
            "on_duty": self.on_duty,
            "disabled": self.disabled,
            "email": self.email,
            "phone": self.phone,
        }


class StaffStore:
    def __init__(self, control: AsyncIOMotorDatabase) -> None:
        self.collection: AsyncIOMotorCollection = control.get_collection(STAFF, write_concern=DURABLE)

    async def ensure_indexes(self) -> None:
        try:
            await self.collection.create_index([("username", ASCENDING)], name="username", unique=True)
        except PyMongoError as e:
            raise StorageError("creating staff indexes failed") from e

    async def add(
        self,
        *,
        username: str,
        password_hash: str,
        tenant_id: str,
        role: str,
        email: str | None = None,
        phone: str | None = None,
        staff_id: str | None = None,
        now: dt.datetime | None = None,
    ) -> Staff:
        if not TENANT_ID.fullmatch(tenant_id):
            raise InvalidInput("tenant_invalid")
        doc = {
            "_id": staff_id or new_staff_id(),
            "username": normalise_username(username),
            "password_hash": password_hash,
            "roles": {tenant_id: check_role(role)},
            "email": email,
            "phone": phone,
            "on_duty": False,
            "disabled": False,
            "created_at": now or dt.datetime.now(dt.UTC),
            "session_epoch": 0,
        }
        check_contact(email, phone)
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError as e:
            raise UsernameTaken("username taken") from e
        except PyMongoError as e:
            raise StorageError("storing a staff account failed") from e
        return Staff.from_document(doc)

    async def _one(self, query: dict[str, Any]) -> Staff | None:
        try:
            doc = await self.collection.find_one(query)
        except PyMongoError as e:
            raise StorageError("reading a staff account failed") from e
        return Staff.from_document(doc) if doc else None

    async def get(self, staff_id: str) -> Staff | None:
        return await self._one({"_id": staff_id}) if isinstance(staff_id, str) else None

    async def by_username(self, username: str) -> Staff | None:
        try:
            name = normalise_username(username)
        except InvalidInput:
            return None
        return await self._one({"username": name})

    async def list(self, tenant_id: str | None = None) -> list[Staff]:
        if tenant_id is not None and not TENANT_ID.fullmatch(tenant_id):
            raise InvalidInput("tenant_invalid")
        query = {f"roles.{tenant_id}": {"$exists": True}} if tenant_id else {}
        try:
            docs = await self.collection.find(query).sort("username", ASCENDING).to_list(10_000)
        except PyMongoError as e:
            raise StorageError("listing staff failed") from e
        return [Staff.from_document(d) for d in docs]

    async def _update(self, staff_id: str, update: dict[str, Any]) -> bool:
        try:
            result = await self.collection.update_one({"_id": staff_id}, update)
        except PyMongoError as e:
            raise StorageError("updating a staff account failed") from e
        return result.matched_count == 1

    async def set_password_hash(self, staff_id: str, password_hash: str, *, end_sessions: bool) -> bool:
        update: dict[str, Any] = {"$set": {"password_hash": password_hash}}
        if end_sessions:
            update["$inc"] = {"session_epoch": 1}
        return await self._update(staff_id, update)

    async def set_disabled(self, staff_id: str, disabled: bool) -> bool:
        return await self._update(staff_id, {"$set": {"disabled": disabled}, "$inc": {"session_epoch": 1}})

    async def set_on_duty(self, staff_id: str, on_duty: bool) -> bool:
        return await self._update(staff_id, {"$set": {"on_duty": on_duty}})

    async def set_digest(self, staff_id: str, tenant_id: str, subscribed: bool) -> bool:
        """Subscribe to (or leave) `tenant_id`'s weekly digest (the caller checks the role)."""
        if not TENANT_ID.fullmatch(tenant_id):
            raise InvalidInput("tenant_invalid")
        key = f"digest.{tenant_id}"
        update = {"$set": {key: 1}} if subscribed else {"$unset": {key: ""}}
        return await self._update(staff_id, update)

    # ---- tenant offboarding (bot/privacy/offboard.py) ----------------------------------

    async def delete_if_only(self, staff_id: str, tenant_id: str) -> bool:
        """Delete the account (username, hash, e-mail, phone: the whole document) if its
        only role is in `tenant_id`; False when it is gone or has another tenant now."""
        if not TENANT_ID.fullmatch(tenant_id):
            raise InvalidInput("tenant_invalid")
        try:
            doc = await self.collection.find_one({"_id": staff_id}, {"roles": 1})
            if doc is None or set(doc.get("roles") or {}) != {tenant_id}:
                return False
            # (the MongoDB-wire servers do not all match a whole sub-document; a role
            # added between the read and the delete is the operator's race to avoid)
            query = {"_id": staff_id, f"roles.{tenant_id}": {"$exists": True}}
            result = await self.collection.delete_one(query)
        except PyMongoError as e:
            raise StorageError("deleting a staff account failed") from e
        return result.deleted_count == 1

    async def remove_role(self, staff_id: str, tenant_id: str) -> bool:
        """Take `tenant_id` out of an account that keeps roles elsewhere (its sessions
        stay valid for the other tenants; the access check reads the roles per request)."""
        if not TENANT_ID.fullmatch(tenant_id):
            raise InvalidInput("tenant_invalid")
        try:
            result = await self.collection.update_one(
                {"_id": staff_id, f"roles.{tenant_id}": {"$exists": True}},
                {"$unset": {f"roles.{tenant_id}": "", f"digest.{tenant_id}": ""}},
            )
        except PyMongoError as e:
            raise StorageError("updating a staff account failed") from e
        return result.modified_count == 1
