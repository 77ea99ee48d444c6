"""Carrying out verified data-subject requests, and telling the tenant about new ones.

`DsrWorker.run_once` is one round; the jobs process (bot/jobs) runs it every 2 s,
next to the staff notifier. Each round, per tenant:

1. **Tenant informed (DPA §8.2)**: every request not yet announced is claimed once
   (`informed_at` set by a conditional update, so two jobs processes never both
   send) and the tenant's admins with an address get one e-mail: request id, type,
   deadline and a console link — nothing about the guest.
2. **Policy**: a `verified` request of a tenant with `dsr: {approval: staff}` goes to
   `awaiting_approval` (unless staff already approved it); admins approve in the
   console or the CLI (`approve`: awaiting_approval -> verified with `approved_by`).
3. **Execution**: a `verified` request is claimed once (`claimed_until`, a lease set
   by a conditional update; a process that dies mid-run leaves it to another after
   the lease), executed by type (bot/privacy/execute.py), audited, and set `done` with
   an outcome of counts and codes only. A failure keeps the request open, is logged
   and retried with backoff (the claim's lease is the next try).

Times are epoch seconds (nx-27017 keeps their type through update operators).
"""

from __future__ import annotations

import logging
import secrets
import time
from datetime import UTC, datetime

from pymongo import ReturnDocument
from pymongo.errors import PyMongoError

from bot.audit.log import AuditLog, AuditRecord
from bot.base.errors import RapportError
from bot.base.logs import event
from bot.base.settings import Settings
from bot.base.states import DsrType
from bot.i18n import Catalog
from bot.outbox import DeliveryFailed, Outbox
from bot.privacy.execute import Executor, NotClean
from bot.privacy.links import ExportLinks
from bot.privacy.requests import AWAITING, DONE, OPEN, VERIFIED, DsrStore
from bot.privacy.stores import PrivacyContext, StandInError
from bot.staff.accounts import StaffStore
from bot.storage.documents import DsrRequestDoc
from bot.tenants.registry import Tenant, Tenants

logger = logging.getLogger(__name__)

LEASE = 300.0  # seconds a claimed request is left to its worker
RETRY_BASE = 30.0  # a failed request is tried again after 30 s, 60 s, 120 s ... (at most 1 h)
WARN_BEFORE = 3 * 86_400.0  # admins are reminded of an open request three days before it is due


def retry_after(failures: int) -> float:
    return min(3600.0, RETRY_BASE * 2 ** max(0, failures - 1))


def deadline_of(request: DsrRequestDoc) -> float:
    return float(request.get("extended_until") or request["deadline_at"])


def tenant_notice(
    catalog: Catalog, tenant: Tenant, request: DsrRequestDoc, console_url: str
) -> tuple[str, str]:
    """Subject and body of the e-mail to the tenant's admins: ids, type, deadline,
    link; nothing about the guest."""
    lang = tenant.default_language
    deadline = datetime.fromtimestamp(deadline_of(request), UTC).strftime("%Y-%m-%d")
    link = f"{console_url.rstrip('/')}/t/{tenant.id}/#dsr={request['_id']}"
    kind = catalog.render(lang, f"dsr.tenant.type.{request['type']}")
    subject = catalog.render(lang, "dsr.tenant.subject", hotel=tenant.name, request=request["_id"])
    body = catalog.render(
        lang,
        "dsr.tenant.body",
        type=kind,
        request=request["_id"],
        deadline=deadline,
        approval=catalog.render(lang, f"dsr.tenant.approval.{tenant.dsr_approval}"),
        link=link,
    )
    return subject, body


class DsrWorker:
    def __init__(
        self,
        settings: Settings,
        ctx: PrivacyContext,
        staff: StaffStore,
        tenants: Tenants,
        catalog: Catalog,
        audit: AuditLog,
        outbox: Outbox,
    ) -> None:
        self.settings = settings
        self.ctx = ctx
        self.staff = staff
        self.tenants = tenants
        self.catalog = catalog
        self.audit = audit
        self.id = "w_" + secrets.token_hex(4)
        self.outbox = outbox  # the tenant's admins are mailed through it, guests told by the executor
        self.executor = Executor(settings, ctx, catalog, outbox)

    def store(self, tenant_id: str) -> DsrStore:
        return DsrStore(self.ctx.mongo, tenant_id, self.settings.guest_key, self.settings.control_db)

    async def run_once(self) -> dict[str, int]:
        """One round over every tenant; counts of what was done."""
        counts = {"informed": 0, "awaiting": 0, "done": 0, "failed": 0, "warned": 0}
        for tenant in self.tenants:
            counts["informed"] += await self.inform_tenant(tenant)
            counts["warned"] += await self.warn_deadlines(tenant)
            for key, n in (await self.execute_due(tenant)).items():
                counts[key] += n
            await ExportLinks(self.ctx.mongo, tenant.id, self.ctx.cipher).purge()
        return counts

    # ---- DPA §8.2 --------------------------------------------------------------------

    async def inform_tenant(self, tenant: Tenant) -> int:
        store = self.store(tenant.id)
        informed = 0
        while True:
            request = await store.requests.find_one_and_update(
                # `tenant_informed` is kept when an erasure strips the request to evidence
                {"tenant_informed": False, "informed_at": {"$exists": False}},
                {"$set": {"informed_at": time.time(), "tenant_informed": True}},
                return_document=ReturnDocument.AFTER,
            )
            if request is None:
                return informed
            admins = await self._admin_addresses(tenant)
            subject, body = tenant_notice(self.catalog, tenant, request, self.settings.console_url)
            sent = await self._mail(tenant, admins, subject, body)
            event(
                logger,
                "dsr.tenant_informed",
                tenant=tenant.id,
                request=request["_id"],
                admins=len(admins),
                sent=sent,
            )
            if not admins:
                event(logger, "dsr.no_admin_address", logging.WARNING, tenant=tenant.id)
            informed += 1

    async def warn_deadlines(self, tenant: Tenant, now: float | None = None) -> int:
        """An open request due within WARN_BEFORE (the later of the deadline and a
        recorded extension) is announced once to the tenant's admins."""
        now = time.time() if now is None else now
        store = self.store(tenant.id)
        warned = 0
        for request in await store.requests.find(
            {"status": {"$in": list(OPEN)}, "deadline_warned_at": {"$exists": False}}
        ).to_list(500):
            due = max(float(request.get("deadline_at") or 0), float(request.get("extended_until") or 0))
            if due - now > WARN_BEFORE:
                continue
            claimed = await store.requests.find_one_and_update(
                {"_id": request["_id"], "deadline_warned_at": {"$exists": False}},
                {"$set": {"deadline_warned_at": now}},
            )
            if claimed is None:
                continue  # another worker warned
            admins = await self._admin_addresses(tenant)
            lang = tenant.default_language
            subject = self.catalog.render(
                lang, "dsr.tenant.due_subject", hotel=tenant.name, request=request["_id"]
            )
            when = datetime.fromtimestamp(due, UTC).strftime("%Y-%m-%d %H:%M UTC")
            link = f"{self.settings.console_url.rstrip('/')}/t/{tenant.id}/"
            body = self.catalog.render(
                lang, "dsr.tenant.due_body", request=request["_id"], deadline=when, link=link
            )
            sent = await self._mail(tenant, admins, subject, body)
            event(
                logger,
                "dsr.deadline_warned",
                logging.WARNING,
                tenant=tenant.id,
                request=request["_id"],
                sent=sent,
            )
            warned += 1
        return warned

    async def _admin_addresses(self, tenant: Tenant) -> list[str]:
        return [
            s.email
            for s in await self.staff.list(tenant.id)
            if s.role_in(tenant.id) == "admin" and s.email and not s.disabled
        ]

    async def _mail(self, tenant: Tenant, addresses: list[str], subject: str, body: str) -> int:
        sent = 0
        for address in addresses:
            try:
                await self.outbox.to_staff(tenant, "email", address, body, subject=subject)
                sent += 1
            except DeliveryFailed as e:
                event(
                    logger, "dsr.tenant_mail_failed", logging.WARNING, tenant=tenant.id, retryable=e.retryable
                )
        return sent

    # ---- policy and execution ----------------------------------------------------------

    async def execute_due(self, tenant: Tenant) -> dict[str, int]:
        store = self.store(tenant.id)
        counts = {"awaiting": 0, "done": 0, "failed": 0}
        for request in await store.due((VERIFIED,)):
            if tenant.dsr_approval == "staff" and not request.get("approved_by"):
                if await store.transition(request["_id"], VERIFIED, AWAITING, "system") is not None:
                    event(logger, "dsr.awaiting_approval", tenant=tenant.id, request=request["_id"])
                    counts["awaiting"] += 1
                continue
            claimed = await self.claim(store, request["_id"])
            if claimed is None:
                continue
            counts["done" if await self.execute(tenant, store, claimed) else "failed"] += 1
        return counts

    async def claim(self, store: DsrStore, request_id: str) -> DsrRequestDoc | None:
        """The request, claimed for this worker for LEASE seconds; None when another has it."""
        now = time.time()
        # never claimed, or the claim expired: two conditional updates, not one `$or`
        # (nx-27017 applies a write with a top-level `$or` to the first document matching
        # the `$or` alone, ignoring `_id`; docs/INSTALL.md)
        for free in ({"claimed_until": {"$exists": False}}, {"claimed_until": {"$lt": now}}):
            claimed = await store.requests.find_one_and_update(
                {"_id": request_id, "status": VERIFIED, **free},
                {"$set": {"claimed_until": now + LEASE, "claimed_by": self.id}},
                return_document=ReturnDocument.AFTER,
            )
            if claimed is not None:
                return claimed
        return None

    async def execute(self, tenant: Tenant, store: DsrStore, request: DsrRequestDoc) -> bool:
        rid, type_ = request["_id"], request["type"]
        started = time.time()
        try:
            outcome = await self.executor.run(tenant, request)
        except (RapportError, PyMongoError, OSError, StandInError, NotClean) as e:
            failures = int(request.get("failures") or 0) + 1
            await store.requests.update_one(
                {"_id": rid, "claimed_by": self.id},
                {
                    "$set": {
                        "claimed_until": time.time() + retry_after(failures),
                        "failures": failures,
                        "last_error": type(e).__name__,
                    }
                },
            )
            event(
                logger,
                "dsr.execution_failed",
                logging.ERROR,
                tenant=tenant.id,
                request=rid,
                type=type_,
                error=type(e).__name__,
                failures=failures,
            )
            return False
        outcome["duration_ms"] = round((time.time() - started) * 1000)
        await self.audit.tenant(
            tenant.id, AuditRecord("system", f"dsr.execute.{type_}", "dsr_request", rid, "allowed", tenant.id)
        )
        done = await store.transition(
            rid, VERIFIED, DONE, "system", fields={"outcome": outcome}, unset=("claimed_until", "claimed_by")
        )
        if type_ == DsrType.ERASURE:
            await store.forget_details(rid)
        event(
            logger,
            "dsr.done",
            tenant=tenant.id,
            request=rid,
            type=type_,
            notice=outcome.get("notice", "-"),
            recorded=done is not None,
        )
        return True
