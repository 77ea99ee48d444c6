"""The one way the console reads or changes tenant data: `access(request, tenant, ...)`.

Every route that touches a tenant's data calls it first and uses only the database it
returns (`Access.database`). It

1. requires a logged-in, enabled staff member (`NotAuthenticated` -> 401);
2. requires a role in the tenant named in the URL; for an unknown tenant or one where
   the staff has no role it raises `NotVisible` (-> 404, the same answer as for a
   tenant that does not exist, so nothing leaks) and audits the denied attempt in the
   staff's own tenant(s) and in the control database;
3. requires `admin` where the action needs it (`NotPermitted` -> 403, audited in the
   tenant);
4. audits the allowed read or change in the tenant's `audit` collection, before any
   data is touched. If the audit record cannot be written, nothing is read or changed
   (`StorageError` -> 503).

The decision itself (`decide`) is a pure function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase

from bot.audit.log import AuditLog, AuditRecord
from bot.base.errors import RapportError
from bot.staff.accounts import Staff

Need = Literal["agent", "admin"]
Decision = Literal["allowed", "not_visible", "not_permitted", "unauthenticated"]
_TENANT_ID = re.compile(r"^[a-z][a-z0-9_]{1,30}$")


class AccessError(RapportError):
    """Base of the access refusals."""


class NotAuthenticated(AccessError):
    """No (live) session."""


class NotVisible(AccessError):
    """The tenant or resource does not exist for this staff member (answered as 404)."""


class NotPermitted(AccessError):
    """The staff member may see the tenant but not do this (answered as 403)."""


@dataclass(frozen=True)
class Access:
    staff: Staff
    tenant_id: str
    role: str
    database: AsyncIOMotorDatabase


def decide(staff: Staff | None, tenant_id: str, known_tenants: frozenset[str], need: Need) -> Decision:
    if staff is None or staff.disabled:
        return "unauthenticated"
    role = staff.role_in(tenant_id) if tenant_id in known_tenants else None
    if role is None:
        return "not_visible"
    if need == "admin" and role != "admin":
        return "not_permitted"
    return "allowed"


class Gate:
    def __init__(
        self, audit: AuditLog, client: AsyncIOMotorClient, db_prefix: str, tenant_ids: frozenset[str]
    ) -> None:
        self.audit = audit
        self.client = client
        self.db_prefix = db_prefix
        self.tenant_ids = tenant_ids

    async def check(
        self,
        staff: Staff | None,
        tenant_id: str,
        *,
        action: str,
        resource_type: str,
        resource_id: str | None = None,
        need: Need = "agent",
    ) -> Access:
        decision = decide(staff, tenant_id, self.tenant_ids, need)
        if decision == "unauthenticated" or staff is None:
            raise NotAuthenticated("login required")
        named = tenant_id if isinstance(tenant_id, str) and _TENANT_ID.fullmatch(tenant_id) else "<invalid>"

        def record(outcome: Any) -> AuditRecord:
            return AuditRecord(staff.id, action, resource_type, resource_id, outcome, tenant=named)

        if decision == "not_visible":
            own = [t for t in staff.roles if t in self.tenant_ids]
            await self.audit.everywhere(own, record("denied"))
            raise NotVisible("not found")
        if decision == "not_permitted":
            await self.audit.tenant(tenant_id, record("denied"))
            raise NotPermitted("not allowed")
        await self.audit.tenant(tenant_id, record("allowed"))
        return Access(staff, tenant_id, staff.roles[tenant_id], self.client[self.db_prefix + tenant_id])


async def access(
    request: Any,
    tenant_id: str,
    *,
    action: str,
    resource_type: str,
    resource_id: str | None = None,
    need: Need = "agent",
) -> Access:
    """Check and audit one read or change of `tenant_id`'s data by the request's staff."""
    gate: Gate = request.app.ctx.gate
    return await gate.check(
        getattr(request.ctx, "staff", None),
        tenant_id,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        need=need,
    )
