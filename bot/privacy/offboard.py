"""Tenant offboarding (DPA §10.1): delete everything of a tenant, prove it, certify it.

`offboard_tenant(ctx, tenant)` is a dry run: it lists what would go — the tenant's
database and its collections, every Redis key of the tenant (trackers
`rapport:tracker:<tenant>:*`, locks `rapport:lock:<tenant>~*`, any key with the tenant
id as a segment), files under the data folder named after the tenant or its database,
the provider stand-ins' records to and from the tenant's numbers and addresses, the
staff accounts whose only role is in this tenant (enabled or disabled) and their console
sessions, and the accounts shared with other tenants that lose only this tenant's role.

With `confirm=True` it first collects the tenant's identifiers (every guest_ref,
conversation id and opened contact address, and the e-mail addresses and phone numbers
of the staff accounts that served only this tenant), then drops the database, deletes
the keys, files and stand-in records (the providers' copies of staff notifications
too), deletes those staff accounts — username, password hash, e-mail, phone: the whole
document — and ends their console sessions in Redis, removes the tenant's role from the
shared accounts (bot/staff/accounts.py owns that collection, bot/staff/sessions.py the
sessions), and scans: the database is gone, no key or file is left, no session of a
deleted account is left, and no identifier of the tenant's guests and no e-mail address
or phone number of its deleted staff is found in the control database, in Redis or at
the stand-ins (ids in `audit` and the DSR register are reported as retained evidence;
staff ids in `audit` are pseudonymous and stay). A contact still used by an account that
stays (a shared account, or another tenant's account with the same address) is neither
erased nor searched for. The deletion certificate — what, when, by whom, the scan
result; counts and names of stores, never personal data — is stored in the control
database's `deletion_certificates` and returned for printing.

Remove the tenant from config/tenants.yml before or right after, or a guest writing in
meanwhile creates a new database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.audit.log import AuditLog, AuditRecord
from bot.base.logs import event
from bot.base.names import CONVERSATIONS, HANDOVER_HISTORY, MESSAGE_SEQ, RATINGS
from bot.privacy import stores as st
from bot.privacy.backup import archives, delete_backups
from bot.privacy.erasure import Needles, ScanResult, scan_mongo, scan_redis, scan_standins
from bot.privacy.stores import CERTIFICATES, PrivacyContext, redis_keys
from bot.staff.accounts import StaffStore
from bot.staff.sessions import SessionStore
from bot.storage.contacts import ContactStore
from bot.storage.mongo import DURABLE

logger = logging.getLogger(__name__)

_GUEST_COLLECTIONS = sorted(st.COVERED - {MESSAGE_SEQ, HANDOVER_HISTORY})  # carry guest_ref


def data_files(ctx: PrivacyContext, tenant: str) -> list[Path]:
    """Files and folders under the data folder named after the tenant or its database."""
    root = ctx.settings.data_dir
    database = ctx.db(tenant).name
    if not root.exists():
        return []
    hits = []
    for path in root.rglob("*"):
        stem = path.name.split(".")[0]
        if stem in (tenant, database) and not any(p in hits for p in path.parents):
            hits.append(path)
    return sorted(hits)


async def _standin_records(ctx: PrivacyContext, parties: list[str]) -> dict[str, int]:
    subject = st.Subject(tenant="", guest_ref="", addresses=tuple(parties))
    counts = {}
    for store in st.STORES:
        if isinstance(store, st.StandIn) and store.name in ctx.standins:
            counts[store.name] = len(await store.export(ctx, subject))
    return counts


@dataclass(frozen=True)
class TenantStaff:
    """The tenant's staff accounts: deleted with it (`only`), or losing its role
    (`shared`); `contacts`: the e-mail addresses and numbers of `only` that no
    remaining account uses (erased at the stand-ins, searched for by the scan)."""

    store: StaffStore
    only: tuple[str, ...]
    shared: tuple[str, ...]
    contacts: tuple[str, ...]


async def tenant_staff(ctx: PrivacyContext, tenant: str) -> TenantStaff:
    store = StaffStore(ctx.mongo.client[ctx.settings.control_db])
    members = await store.list(tenant)
    only = [m for m in members if set(m.roles) == {tenant}]
    gone = {m.id for m in only}
    kept = {c for s in await store.list() if s.id not in gone for c in (s.email, s.phone) if c}
    contacts = sorted({c for m in only for c in (m.email, m.phone) if c} - kept)
    shared = tuple(m.id for m in members if m.id not in gone)
    return TenantStaff(store, tuple(m.id for m in only), shared, tuple(contacts))


def _sessions(ctx: PrivacyContext) -> SessionStore:
    return SessionStore(ctx.redis)


def contact_forms(contacts: Iterable[str]) -> list[str]:
    """Staff e-mail addresses and numbers as the scan looks for them (a number also
    without its plus, as the guests' numbers are)."""
    return [f for c in contacts for f in ((c, c[1:]) if c.startswith("+") else (c,))]


async def plan(ctx: PrivacyContext, tenant: str, parties: Iterable[str] = ()) -> dict[str, Any]:
    db = ctx.db(tenant)
    exists = db.name in await ctx.mongo.client.list_database_names()
    collections = {}
    if exists:
        for name in sorted(await db.list_collection_names()):
            collections[name] = await db[name].estimated_document_count()
    staff = await tenant_staff(ctx, tenant)
    return {
        "database": {"name": db.name, "exists": exists, "collections": collections},
        "redis_keys": len(await redis_keys(ctx, tenant)),
        "files": [str(p.relative_to(ctx.settings.data_dir)) for p in data_files(ctx, tenant)],
        "backups": len(archives(ctx.settings, tenant)),
        "standin_records": await _standin_records(ctx, list(parties)),
        "staff": {
            "with_role": len(staff.only) + len(staff.shared),
            "only_this_tenant": len(staff.only),  # deleted, with their contact data
            "shared_with_other_tenants": len(staff.shared),  # lose this tenant's role only
            "console_sessions": len([k async for k in _sessions(ctx).keys_of(staff.only)]),
            "contacts": len(staff.contacts),
            "standin_records": await _standin_records(ctx, list(staff.contacts)),
        },
    }


async def _identifiers(ctx: PrivacyContext, tenant: str) -> Needles:
    """Every guest_ref, conversation id and opened contact address of the tenant."""
    db = ctx.db(tenant)
    refs: set[str] = set()
    for name in _GUEST_COLLECTIONS:
        refs |= {r for r in await db[name].distinct("guest_ref") if isinstance(r, str)}
    conversations = {c for c in await db[RATINGS].distinct("conversation_id") if c}
    conversations |= {d["_id"] async for d in db[CONVERSATIONS].find({}, {"_id": 1})}
    addresses = await ContactStore(ctx.mongo, tenant, ctx.cipher).addresses()
    addresses += await st.stays(ctx, tenant).addresses()  # numbers and addresses of the stays
    needles = Needles()
    needles.add("guest_ref", refs)
    needles.add("conversation", conversations)
    needles.add("address", addresses)
    return needles


async def offboard_tenant(
    ctx: PrivacyContext,
    tenant: str,
    *,
    confirm: bool = False,
    actor: str = "system",
    parties: Iterable[str] = (),
    audit: AuditLog | None = None,
) -> dict[str, Any]:
    """Dry run unless `confirm`; then the deletion certificate. `parties`: the tenant's
    own SMS numbers and inbox addresses (their stand-in records go too)."""
    parties = [p for p in parties if p]
    before = await plan(ctx, tenant, parties)
    if not confirm:
        return {"kind": "rapport.offboarding.plan.v1", "tenant": tenant, "would_delete": before}
    started = time.time()
    needles = await _identifiers(ctx, tenant)
    staff = await tenant_staff(ctx, tenant)
    needles.add("staff_contact", contact_forms(staff.contacts))
    await ctx.mongo.drop_tenant(tenant)
    keys = await redis_keys(ctx, tenant)
    for i in range(0, len(keys), 500):
        await ctx.redis.delete(*keys[i : i + 500])
    backups = delete_backups(ctx.settings, tenant)  # backups must not outlive the tenant
    # the embedded MongoDB-wire server's files go with dropDatabase (the scan checks)
    mongo_dir = ctx.settings.data_dir / "mongo"
    for path in data_files(ctx, tenant):
        if mongo_dir in path.parents:
            continue
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    erased = {}
    contacts = list(needles.by_kind.get("address", []))
    for store in st.STORES:
        if isinstance(store, st.StandIn) and store.name in ctx.standins:
            addresses = tuple(parties + contacts + list(staff.contacts))
            subject = st.Subject(tenant=tenant, guest_ref="", addresses=addresses)
            erased[store.name] = await store.erase(ctx, subject)
    deleted = [staff_id for staff_id in staff.only if await staff.store.delete_if_only(staff_id, tenant)]
    sessions = await _sessions(ctx).end_all_of(deleted)
    # an account that got a role elsewhere since it was listed keeps that role only
    kept = [staff_id for staff_id in staff.only if staff_id not in deleted] + list(staff.shared)
    detached = [staff_id for staff_id in kept if await staff.store.remove_role(staff_id, tenant)]
    scan = await scan_tenant(ctx, tenant, needles, parties, staff)
    certificate = {
        "_id": "dc_" + secrets.token_hex(8),
        "kind": "rapport.deletion_certificate.v1",
        "tenant": tenant,
        "requested_by": actor,
        "started_at": started,
        "finished_at": time.time(),
        "deleted": {
            "database": before["database"],
            "redis_keys": len(keys),
            "files": before["files"],
            "backups": backups,
            "standin_records": erased,
            "staff_deleted": len(deleted),
            "staff_memberships_removed": len(detached),
            "console_sessions_ended": sessions,
        },
        "scan": scan,
    }
    certificate["digest"] = hashlib.sha256(
        json.dumps(certificate, sort_keys=True, default=str).encode()
    ).hexdigest()
    control = ctx.mongo.client[ctx.settings.control_db].get_collection(CERTIFICATES, write_concern=DURABLE)
    await control.insert_one(dict(certificate))
    audit = audit or AuditLog.from_settings(ctx.mongo.client, ctx.settings)
    await audit.control(
        AuditRecord(
            actor,
            "tenant.delete",
            "tenant",
            tenant,
            "allowed",
            tenant,
            {"certificate": certificate["_id"], "clean": scan["clean"]},
        )
    )
    event(logger, "privacy.tenant.deleted", tenant=tenant, clean=scan["clean"])
    return certificate


async def scan_tenant(
    ctx: PrivacyContext,
    tenant: str,
    needles: Needles,
    parties: Iterable[str] = (),
    staff: TenantStaff | None = None,
) -> dict[str, Any]:
    """Nothing of the tenant left: database, keys, files, stand-in records, no staff
    account with a role in it nor a session of a deleted one, and none of its guests'
    identifiers nor its deleted staff's e-mail addresses and numbers in the control
    database, Redis or the stand-ins."""
    db = ctx.db(tenant).name
    database_left = db in await ctx.mongo.client.list_database_names()
    keys_left = len(await redis_keys(ctx, tenant))
    files_left = len(data_files(ctx, tenant))
    parties_left = await _standin_records(ctx, list(parties))
    staff_left = len(await StaffStore(ctx.mongo.client[ctx.settings.control_db]).list(tenant))
    sessions_left = len([k async for k in _sessions(ctx).keys_of(staff.only if staff else ())])
    result = ScanResult()
    await scan_mongo(ctx, [ctx.settings.control_db], needles, None, result)
    await scan_redis(ctx, needles, tenant, None, result)
    await scan_standins(ctx, needles, result)
    exhaustive = result.report()
    clean = exhaustive["clean"] and not (
        database_left or keys_left or files_left or any(parties_left.values()) or staff_left or sessions_left
    )
    return {
        "clean": clean,
        "database_left": database_left,
        "redis_keys_left": keys_left,
        "files_left": files_left,
        "standin_records_left": parties_left,
        "staff_left": staff_left,
        "console_sessions_left": sessions_left,
        "needles": needles.counts(),
        **exhaustive,
    }
