"""The audit log: who read or changed what, when, and whether it was allowed.

One `AuditLog` writes every record, to a tenant database's `audit` collection or to the
control database's. Records carry ids only (staff ids, conversation ids, tenant ids),
never message text, names or contact data:

    {at, actor, action, resource_type, resource_id, outcome: "allowed" | "denied", tenant}

Every write goes through `_append`, the one place where tamper evidence (a hash chain
over the records of one database, issue 5) is to be added. Writes are durable
(`w: majority, j: true`); a failed write raises `StorageError`, and callers that audit
access to personal data fail closed (no audit record, no data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorCollection
from pymongo.errors import PyMongoError

from bot.errors import StorageError
from bot.storage.mongo import DURABLE

Outcome = Literal["allowed", "denied"]
Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class AuditRecord:
    actor: str  # staff id, or "system" / "cli:<os user id>"
    action: str  # e.g. "staff.create", "conversation.read"
    resource_type: str
    resource_id: str | None
    outcome: Outcome
    tenant: str | None = None  # the tenant the request named (for denied cross-tenant tries)

    def document(self, at: dt.datetime) -> dict[str, Any]:
        return {
            "at": at,
            "actor": self.actor,
            "action": self.action,
            "resource_type": self.resource_type,
            "resource_id": self.resource_id,
            "outcome": self.outcome,
            "tenant": self.tenant,
        }


class AuditLog:
    def __init__(
        self, client: AsyncIOMotorClient, db_prefix: str, control_db: str, *, clock: Clock = utcnow
    ) -> None:
        self.client = client
        self.db_prefix = db_prefix
        self.control_db = control_db
        self.clock = clock

    def _collection(self, database: str) -> AsyncIOMotorCollection:
        return self.client[database].get_collection("audit", write_concern=DURABLE)

    async def _append(self, database: str, record: AuditRecord) -> None:
        """The only writer of audit records."""
        try:
            await self._collection(database).insert_one(record.document(self.clock()))
        except PyMongoError as e:
            raise StorageError("audit write failed") from e

    async def tenant(self, tenant_id: str, record: AuditRecord) -> None:
        """Record in the tenant's own database (`tenant_id` must be a known tenant)."""
        await self._append(self.db_prefix + tenant_id, record)

    async def control(self, record: AuditRecord) -> None:
        """Record in the control database (cross-tenant events, account changes by the CLI)."""
        await self._append(self.control_db, record)

    async def everywhere(self, tenant_ids: Iterable[str], record: AuditRecord) -> None:
        """Record in each of the tenants' databases and in the control database."""
        for tenant_id in sorted(set(tenant_ids)):
            await self.tenant(tenant_id, record)
        await self.control(record)
