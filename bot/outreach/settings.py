"""The outreach policy admins edit in the console, stored per tenant (CONTRACTS §2).

Collection `outreach_settings`, one document:

    {_id: "policy", policy: <OutreachPolicy.public()>, version: int,
     updated_at: epoch float, updated_by: staff username}

`effective_policy(mongo, tenant)` is what the scheduler sends by: the stored policy,
parsed with the same `parse_outreach` as config/tenants.yml, else `tenant.outreach`.
A stored policy that no longer parses (the hotel dropped a language a template was
for) is ignored, logged, and the file's policy applies.

`save_policy` is the only writer. It validates the edited policy part by part with
`parse_outreach` so that every refused field is named at once (`PolicyInvalid.fields`,
{"quiet_hours": "...", "journeys.1.when": "..."}), audits the change (the staff id,
the tenant, counts: never the policy's text), then writes it. Two admins saving at
once: `version` is the one they loaded, and the write is a replacement conditional on
it (a replacement, not `$set`: nx-27017 turns booleans written by update operators into
0/1), so the second gets `PolicyConflict` instead of silently undoing the first.
`reset_policy` deletes the stored document (the file's policy applies again).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from bot.audit.log import AuditLog, AuditRecord
from bot.base.errors import ConfigError, InvalidInput, RapportError, StorageError
from bot.base.logs import event
from bot.base.names import OUTREACH_SETTINGS
from bot.storage.mongo import DURABLE, MongoStore
from bot.tenants.outreach_policy import OutreachPolicy, parse_outreach
from bot.tenants.registry import Tenant

logger = logging.getLogger(__name__)

DOC_ID = "policy"
TOP_LEVEL = ("enabled", "quiet_hours", "cap", "checkout_time", "rate_per_second", "review_links")
JOURNEY_FIELDS = ("id", "when", "channels", "reminder", "whatsapp_template", "enabled")
_PREFIX = re.compile(r"^tenant [a-z0-9_]+: ")
_AT = (("journey ", " "), ("journey ", "."), ("outreach.", "."), (" needs ", ","))


class PolicyInvalid(InvalidInput):
    """The edited policy does not parse: `fields` maps each refused field to why."""

    def __init__(self, fields: dict[str, str]) -> None:
        first = next(iter(fields.items()))
        super().__init__("policy_invalid", f"{first[0]}: {first[1]}")
        self.fields = fields


class PolicyConflict(RapportError):
    """Someone else saved the policy since this version was loaded (HTTP 409)."""


@dataclass(frozen=True)
class StoredPolicy:
    """The policy in force and where it comes from: "console" (an admin's edit,
    `version` >= 1) or "config" (config/tenants.yml, `version` 0)."""

    policy: OutreachPolicy
    source: str
    version: int = 0
    updated_at: float | None = None
    updated_by: str | None = None

    def public(self) -> dict[str, Any]:
        return {
            "policy": self.policy.public(),
            "source": self.source,
            "version": self.version,
            "updated_at": self.updated_at,
            "updated_by": self.updated_by,
        }


def _collection(db: AsyncIOMotorDatabase):  # type: ignore[no-untyped-def]
    return db.get_collection(OUTREACH_SETTINGS, write_concern=DURABLE)


async def effective_policy(mongo: MongoStore, tenant: Tenant) -> OutreachPolicy:
    """The tenant's outreach policy: the admins' stored one, else config/tenants.yml's."""
    return (await stored_policy(mongo.database(tenant.id), tenant)).policy


class PolicyCache:
    """`effective_policy` remembered for `ttl` seconds per tenant: for the turn pipeline,
    which needs the review links in force without a read on every turn. An admin's
    change reaches every process within `ttl`."""

    def __init__(self, mongo: MongoStore, ttl: float = 30.0, clock: Any = time.monotonic) -> None:
        self.mongo, self.ttl, self.clock = mongo, ttl, clock
        self._seen: dict[str, tuple[float, OutreachPolicy]] = {}

    async def get(self, tenant: Tenant) -> OutreachPolicy:
        now = self.clock()
        seen = self._seen.get(tenant.id)
        if seen is not None and now - seen[0] < self.ttl:
            return seen[1]
        try:
            policy = await effective_policy(self.mongo, tenant)
        except StorageError:
            return seen[1] if seen is not None else tenant.outreach  # a slow store: the last known
        self._seen[tenant.id] = (now, policy)
        return policy


async def stored_policy(db: AsyncIOMotorDatabase, tenant: Tenant) -> StoredPolicy:
    """The policy in force in the tenant database `db`, with its version and author."""
    try:
        doc = await _collection(db).find_one({"_id": DOC_ID})
    except PyMongoError as e:
        raise StorageError("reading the outreach policy failed") from e
    if doc is None:
        return StoredPolicy(tenant.outreach, "config")
    try:
        policy = parse_outreach(tenant.id, doc.get("policy"), tenant.languages)
    except ConfigError:
        event(logger, "outreach.policy.stored_invalid", logging.WARNING, tenant=tenant.id)
        return StoredPolicy(tenant.outreach, "config")
    updated_at = doc.get("updated_at")
    return StoredPolicy(
        policy,
        "console",
        int(doc.get("version") or 1),
        float(updated_at) if isinstance(updated_at, int | float) else None,
        doc.get("updated_by") if isinstance(doc.get("updated_by"), str) else None,
    )


def _reason(error: ConfigError) -> str:
    """parse_outreach's message without the tenant and the file's `outreach.` prefix."""
    return _PREFIX.sub("", str(error)).removeprefix("outreach.")


def _journey_field(journey: Any, message: str) -> str | None:
    """Which of a journey's fields a `parse_outreach` message is about."""
    jid = journey.get("id") if isinstance(journey, dict) else None
    if isinstance(jid, str) and jid:  # the id itself may be "when_..." or "reminder"
        message = message.replace(f"journey {jid} ", "journey ").replace(f"outreach.{jid}.", "outreach.")
    if message.startswith("journey id"):
        return "id"
    if "templates for languages" in message:
        return "whatsapp_template"
    for name in ("when", "reminder", "whatsapp_template", "channels", "enabled"):
        if any(f"{lead}{name}{tail}" in message for lead, tail in _AT):
            return name
    return None


def validate(tenant: Tenant, raw: Any) -> OutreachPolicy:
    """`raw` (the edited policy, as `OutreachPolicy.public()` writes it) parsed for
    `tenant`, or PolicyInvalid naming every refused field."""
    if not isinstance(raw, dict):
        raise PolicyInvalid({"policy": "the policy must be an object"})
    fields: dict[str, str] = {}
    unknown = sorted(set(raw) - set(TOP_LEVEL) - {"journeys"})
    if unknown:
        fields["policy"] = f"unknown fields {unknown}"
    for name in TOP_LEVEL:
        if name in raw:
            try:
                parse_outreach(tenant.id, {name: raw[name]}, tenant.languages)
            except ConfigError as e:
                fields[name] = _reason(e)
    journeys = raw.get("journeys")
    if journeys is not None and not isinstance(journeys, list):
        fields["journeys"] = "journeys must be a list"
    elif journeys:
        for i, journey in enumerate(journeys):
            try:
                parse_outreach(tenant.id, {"journeys": [journey]}, tenant.languages)
            except ConfigError as e:
                sub = _journey_field(journey, _PREFIX.sub("", str(e)))
                fields[f"journeys.{i}.{sub}" if sub else f"journeys.{i}"] = _reason(e)
    if not fields:
        try:
            return parse_outreach(tenant.id, raw, tenant.languages)
        except ConfigError as e:  # across parts: unique ids, how many journeys
            fields["journeys"] = _reason(e)
    raise PolicyInvalid(fields)


async def save_policy(
    db: AsyncIOMotorDatabase,
    audit: AuditLog,
    tenant: Tenant,
    raw: Any,
    *,
    staff_id: str,
    username: str,
    version: int,
    now: float | None = None,
) -> StoredPolicy:
    """Validates and stores an admin's edited policy for `tenant` (in its database
    `db`) over `version` (0: none stored yet). Audited (who, which tenant, counts)
    before the write: no audit record, no change. PolicyInvalid, PolicyConflict."""
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise InvalidInput("version_invalid", "the version of the policy you loaded (a whole number)")
    policy = validate(tenant, raw)
    at = time.time() if now is None else now
    new = version + 1
    detail = {"version": new, "journeys": len(policy.journeys), "enabled": policy.enabled}
    await audit.tenant(
        tenant.id,
        AuditRecord(
            staff_id, "outreach.policy.change", "outreach_policy", tenant.id, "allowed", tenant.id, detail
        ),
    )
    doc = {"_id": DOC_ID, "policy": policy.public(), "version": new, "updated_at": at, "updated_by": username}
    try:
        if version == 0:
            await _collection(db).insert_one(doc)
        else:
            result = await _collection(db).replace_one({"_id": DOC_ID, "version": version}, doc)
            if result.matched_count != 1:
                raise PolicyConflict("the policy was changed meanwhile")
    except DuplicateKeyError:
        raise PolicyConflict("the policy was changed meanwhile") from None
    except PyMongoError as e:
        raise StorageError("storing the outreach policy failed") from e
    event(logger, "outreach.policy.changed", tenant=tenant.id, actor=staff_id, version=new)
    return StoredPolicy(policy, "console", new, at, username)


async def reset_policy(
    db: AsyncIOMotorDatabase, audit: AuditLog, tenant: Tenant, *, staff_id: str, version: int
) -> StoredPolicy:
    """Deletes the stored policy at `version` (config/tenants.yml's applies again).
    Audited first; PolicyConflict when another version is stored."""
    await audit.tenant(
        tenant.id,
        AuditRecord(staff_id, "outreach.policy.reset", "outreach_policy", tenant.id, "allowed", tenant.id),
    )
    try:
        result = await _collection(db).delete_one({"_id": DOC_ID, "version": version})
    except PyMongoError as e:
        raise StorageError("resetting the outreach policy failed") from e
    if result.deleted_count != 1:
        raise PolicyConflict("the policy was changed meanwhile")
    event(logger, "outreach.policy.reset", tenant=tenant.id, actor=staff_id)
    return StoredPolicy(tenant.outreach, "config")
