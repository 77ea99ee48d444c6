"""One round of outreach for a tenant: plan, claim what is due, check, send, record.

    policy    `policy_of` (the one place it is looked up; the console's edited policy
              replaces the file's there)
    plan      new and changed stays -> invitations (bot/outreach/invitations.py)
    claim     due invitations, each by one conditional update (exactly one process)
    check     at send time, in this order; the first that holds settles it:
              the journey was removed or disabled ("disabled"); the stay is gone
              ("erased"); its status rules it out ("cancelled_stay", "no_show",
              "too_late"); a check-out journey of a stay not yet departed waits;
              the guest objected or restricted processing ("objected", "restricted");
              their conversation is with staff ("with_staff": an open handover of any
              of the stay's guest refs); they already answered for this stay
              ("answered": an invitation of the stay with `answered_at`, or a
              conversation of theirs with answers since the stay's first invitation
              or arrival day); the stay had `cap_per_stay` messages ("per_stay_cap");
              the guest had a message within `cap_hours` (moved to when the cap
              allows, "cap") or it is inside quiet hours now (moved to their end)
    send      the stay's sealed contact is opened (audited), the signed link minted
              (14 days), the text composed in the invitation's language, and
              `Outbox.invite` tries the journey's channels. The invitation is stamped
              `sending_at` before the provider is called: at most once (see
              invitations.py). A sent first invitation plans its reminder.
    record    sent / failed / suppressed with the reason, a retry with back-off for a
              retryable failure, and one audit record per round with counts only.

Times: `at` is when the round considers itself to run (the wall clock, or `send-due
--now`): due times, quiet hours, the cap and `sent_at` use it. Leases always use the
wall clock every process shares.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

from bot.audit.log import AuditLog, AuditRecord, SystemAccess
from bot.base import invite_link
from bot.base.errors import RapportError
from bot.base.logs import event
from bot.base.names import CONVERSATIONS, HANDOVERS, OUTREACH_GUEST, STAYS
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.handover.store import HELD
from bot.i18n import Catalog
from bot.outbox import DeliveryFailed, Outbox
from bot.outreach.invitations import (
    LEASE,
    MAX_ATTEMPTS,
    InvitationStore,
    backoff,
    invitation_id,
    plan_from_stays,
)
from bot.outreach.message import compose
from bot.outreach.plan import (
    local_instant,
    next_allowed,
    out_of_quiet,
    reminder_due,
    status_reason,
    wait_for_checkout,
    zone,
)
from bot.outreach.settings import effective_policy
from bot.outreach.stays import StayStore
from bot.storage.flags import FlagStore
from bot.storage.mongo import MongoStore
from bot.tenants.outreach_policy import Journey, OutreachPolicy
from bot.tenants.registry import Tenant

logger = logging.getLogger(__name__)

BATCH = 50  # invitations claimed at a time
CONCURRENCY = 8  # sends in flight per process
ROUND_BUDGET = 120.0  # seconds one round keeps claiming (the jobs loop comes back)
WAIT_RETRY = 3600.0  # a check-out journey waiting for the departure looks again in an hour
LINK_DAYS = 14
MIDNIGHT = dtime(0, 0)
BUSY_RETRY = 30.0  # another invitation to the same guest is being sent: look again then
_UNLOCK = """
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 0
"""


async def policy_of(mongo: MongoStore, tenant: Tenant) -> OutreachPolicy:
    """The tenant's outreach policy: the one place the scheduler looks it up (the admins'
    edited one, else config/tenants.yml's: bot/outreach/settings.py)."""
    return await effective_policy(mongo, tenant)


def owner_id() -> str:
    """This process's name on its claims: host, pid and a random part (no personal data)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


def _epoch(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
    return None


class Scheduler:
    def __init__(
        self,
        settings: Settings,
        mongo: MongoStore,
        redis: Any,
        outbox: Outbox,
        catalog: Catalog,
        *,
        clock: Callable[[], float] = time.time,
        owner: str | None = None,
        lease: float | None = None,
        budget: float = ROUND_BUDGET,
    ) -> None:
        self.settings = settings
        self.mongo = mongo
        self.redis = redis
        self.outbox = outbox
        self.catalog = catalog
        self.clock = clock
        self.owner = owner or owner_id()
        self.lease = lease
        self.budget = budget
        self.cipher = Cipher(settings.data_keys)
        self.audit = AuditLog.from_settings(mongo.client, settings)

    async def run_all(self, tenants: Iterable[Tenant], at: float | None = None) -> dict[str, dict[str, int]]:
        """A round for every tenant whose outreach is enabled."""
        out = {}
        for tenant in tenants:
            if (await policy_of(self.mongo, tenant)).enabled:
                out[tenant.id] = await self.run_tenant(tenant, at)
        return out

    async def run_tenant(self, tenant: Tenant, at: float | None = None) -> dict[str, int]:
        """Plan and send what is due at `at` (default: now). Returns counts."""
        policy = await policy_of(self.mongo, tenant)
        counts: Counter[str] = Counter()
        if not policy.enabled:
            return {"disabled": 1}
        fixed = at
        store = InvitationStore(self.mongo, tenant.id)
        stays = self.mongo.database(tenant.id)[STAYS]
        planned = await plan_from_stays(store, stays, self.redis, tenant, policy, fixed or self.clock())
        counts.update({f"planned_{k}": v for k, v in planned.items() if v})
        counts["uncertain"] += await store.expire_uncertain(self.clock())
        started = time.monotonic()
        lease = {"lease": self.lease} if self.lease else {}
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(inv: dict[str, Any]) -> str:
            async with gate:
                return await self._one(tenant, policy, store, inv, fixed or self.clock())

        while time.monotonic() - started < self.budget:
            now = self.clock()
            batch = await store.claim_due(self.owner, now, limit=BATCH, due_by=fixed or now, **lease)
            if not batch:
                break
            counts["claimed"] += len(batch)

            for outcome in await asyncio.gather(*(one(inv) for inv in batch)):
                counts[outcome] += 1
        result = {k: v for k, v in counts.items() if v}
        if (
            any(k not in ("claimed",) and not k.startswith("planned_") for k in result)
            or counts["planned_new"]
        ):
            record = AuditRecord(
                "system", "outreach.round", "invitations", self.owner, "allowed", tenant.id, result
            )
            await self.audit.tenant(tenant.id, record)
        event(logger, "outreach.round", tenant=tenant.id, **result)
        return result

    # ---- one invitation -------------------------------------------------------------------

    async def _one(
        self,
        tenant: Tenant,
        policy: OutreachPolicy,
        store: InvitationStore,
        inv: dict[str, Any],
        at: float,
    ) -> str:
        refs = [r for r in inv.get("guest_refs") or [inv.get("guest_ref")] if r]
        keys = [f"{OUTREACH_GUEST}{tenant.id}:{r}" for r in sorted(refs)]
        try:
            if not await self._lock(keys):  # one invitation per guest at a time, across processes
                await store.release(inv["_id"], self.owner, at + BUSY_RETRY, self.clock(), counted=False)
                return "moved_busy"
            try:
                return await self._send(tenant, policy, store, inv, at)
            finally:
                await self.redis.eval(_UNLOCK, len(keys), *keys, self.owner)
        except RapportError as e:  # storage down mid-way: the lease runs out, another round retries
            event(logger, "outreach.invite.error", logging.WARNING, tenant=tenant.id, error=type(e).__name__)
            return "error"

    async def _lock(self, keys: list[str]) -> bool:
        ttl = int((self.lease or 60.0) * 1000)
        taken = []
        for key in keys:
            if not await self.redis.set(key, self.owner, nx=True, px=ttl):
                if taken:
                    await self.redis.eval(_UNLOCK, len(taken), *taken, self.owner)
                return False
            taken.append(key)
        return True

    async def _suppress(self, store: InvitationStore, inv: dict[str, Any], reason: str, at: float) -> str:
        await store.mark_suppressed(inv["_id"], self.owner, reason, at)
        return f"suppressed_{reason}"

    async def _send(
        self,
        tenant: Tenant,
        policy: OutreachPolicy,
        store: InvitationStore,
        inv: dict[str, Any],
        at: float,
    ) -> str:
        tz = zone(tenant.timezone)
        try:
            journey = policy.journey(inv["journey"])
        except KeyError:
            journey = None
        if journey is None or not journey.enabled:
            return await self._suppress(store, inv, "disabled", at)
        stays = StayStore(self.mongo, tenant.id, self.cipher, self.settings.guest_key)
        stay = await stays.collection.find_one({"_id": inv["stay"]})
        if stay is None:
            return await self._suppress(store, inv, "erased", at)
        reason = status_reason(stay, journey)
        if reason:
            return await self._suppress(store, inv, reason, at)
        if wait_for_checkout(stay, journey, at, tz):
            await store.release(inv["_id"], self.owner, at + WAIT_RETRY, self.clock(), counted=False)
            return "waiting"
        refs = [r for r in stay.get("guest_refs") or [stay.get("guest_ref")] if r]
        reason = await self._guest_reason(tenant, refs)
        if reason:
            return await self._suppress(store, inv, reason, at)
        of_stay = await store.of_stay(stay["_id"])
        if await self._answered(tenant, stay, of_stay, refs, tz):
            return await self._suppress(store, inv, "answered", at)
        if sum(1 for d in of_stay if d.get("status") == "sent") >= policy.cap_per_stay:
            return await self._suppress(store, inv, "per_stay_cap", at)
        recent = await store.sent_to(refs, at - policy.cap_hours * 3600)
        allowed = next_allowed(at, policy, tz, [t for t in recent if t <= at])
        if allowed > at:
            reason = "cap" if out_of_quiet(at, policy, tz) == at else "quiet_hours"
            await store.release(inv["_id"], self.owner, allowed, self.clock(), reason=reason, counted=False)
            return f"moved_{reason}"

        read = SystemAccess("stay.contact.read", "stay", stay["_id"])
        await self.audit.system_access(tenant.id, [], [read])  # recorded before it is used
        opened = stays.open(stay)
        phone = opened.get("phone") if isinstance(opened.get("phone"), str) else None
        email = opened.get("email") if isinstance(opened.get("email"), str) else None
        if not phone and not email:
            return await self._suppress(store, inv, "no_contact", at)
        first_name = opened.get("first_name") if isinstance(opened.get("first_name"), str) else None
        token = invite_link.mint(
            self.settings.guest_key,
            tenant.id,
            inv.get("guest_ref") or refs[0],
            stay["_id"],
            at + LINK_DAYS * 86400,
        )
        message = compose(
            self.catalog,
            tenant,
            journey.id,
            language=inv.get("lang") or stay.get("language"),
            first_name=first_name,
            link=invite_link.url(self.settings.public_url, token),
            reminder=bool(inv.get("reminder")),
        )
        now = self.clock()
        if not await store.begin_send(inv["_id"], self.owner, now, self.lease or LEASE):
            return "lost_claim"  # another process took it over: it sends, not this one
        try:
            done = await self.outbox.invite(
                tenant,
                inv.get("guest_ref") or refs[0],
                channels=journey.channels,
                phone=phone,
                email=email,
                message=message,
                template_sid=journey.template(message.lang),
                rates=dict(policy.rate_per_second),
            )
        except DeliveryFailed as e:
            return await self._failed(store, inv, e, at)
        await store.mark_sent(inv["_id"], self.owner, done.channel, done.tried, at)
        if not inv.get("reminder"):
            await self._plan_reminder(store, stay, inv, journey, policy, tz, at)
        return f"sent_{done.channel}"

    async def _failed(self, store: InvitationStore, inv: dict[str, Any], e: DeliveryFailed, at: float) -> str:
        tried = e.tried
        if e.uncertain:
            await store.mark_failed(inv["_id"], self.owner, "provider_uncertain", tried, at)
            return "failed_provider_uncertain"
        if e.code in ("objected", "restricted"):
            return await self._suppress(store, inv, e.code, at)
        if e.code == "no_channel":
            codes = {code for _, code in tried}
            if "opted_out" in codes and codes <= {"opted_out", "no_contact", "no_sender"}:
                return await self._suppress(store, inv, "opted_out", at)
            if codes <= {"no_contact", "no_sender"}:
                return await self._suppress(store, inv, "no_contact", at)
        if e.code == "rate_limited":
            later = at + (e.retry_after or 1.0)
            await store.release(
                inv["_id"], self.owner, later, self.clock(), reason="rate_limited", counted=False
            )
            return "retry_rate_limited"
        if e.retryable and int(inv.get("attempts") or 0) < MAX_ATTEMPTS:
            later = at + backoff(int(inv.get("attempts") or 1))
            await store.release(inv["_id"], self.owner, later, self.clock(), reason=e.code, tried=tried)
            return "retry"
        await store.mark_failed(inv["_id"], self.owner, e.code, tried, at)
        return f"failed_{e.code}"

    async def _plan_reminder(
        self,
        store: InvitationStore,
        stay: Mapping[str, Any],
        inv: Mapping[str, Any],
        journey: Journey,
        policy: OutreachPolicy,
        tz: Any,
        sent_at: float,
    ) -> None:
        due = reminder_due(sent_at, journey, policy, tz)
        if due is None:
            return
        doc = {k: v for k, v in inv.items() if k in ("stay", "journey", "guest_ref", "guest_refs", "lang")}
        doc.update(
            _id=invitation_id(stay["_id"], journey.id, 1),
            reminder=1,
            due=due,
            status="planned",
            claimed_by="",
            claimed_until=0.0,
            sending_at=0.0,
            attempts=0,
            tried=[],
            created_at=sent_at,
            updated_at=sent_at,
        )
        await store.plan_one(doc)

    # ---- checks ------------------------------------------------------------------------------

    async def _guest_reason(self, tenant: Tenant, refs: list[str]) -> str | None:
        flags = FlagStore(self.mongo, tenant.id)
        for ref in refs:
            f = await flags.get(ref)
            if f.objected:
                return "objected"
            if f.restricted:
                return "restricted"
        handovers = self.mongo.database(tenant.id)[HANDOVERS]
        for ref in refs:
            async for h in handovers.find({"guest_ref": ref}, {"state": 1}):
                if h.get("state") in HELD:
                    return "with_staff"
        return None  # STOP is per number: the outbox skips SMS and WhatsApp, mail may still go

    async def _answered(
        self,
        tenant: Tenant,
        stay: Mapping[str, Any],
        of_stay: list[dict[str, Any]],
        refs: list[str],
        tz: Any,
    ) -> bool:
        if any(d.get("answered_at") for d in of_stay):
            return True
        sent = [float(d["sent_at"]) for d in of_stay if isinstance(d.get("sent_at"), int | float)]
        since = min(sent) if sent else None
        try:
            arrival = local_instant(datetime.fromisoformat(str(stay.get("arrival"))).date(), MIDNIGHT, tz)
            since = min(since, arrival) if since is not None else arrival
        except ValueError:
            pass
        if since is None:
            return False
        conversations = self.mongo.database(tenant.id)[CONVERSATIONS]
        for ref in refs:
            async for c in conversations.find({"guest_ref": ref}, {"answered": 1, "updated_at": 1}):
                at = _epoch(c.get("updated_at"))
                if (c.get("answered") or 0) > 0 and at is not None and at >= since:
                    return True
        return False


def parse_at(text: str, tz_name: str = "UTC") -> float:
    """`send-due --now`: an ISO time; without an offset, in `tz_name`."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz_name))
    return parsed.timestamp()
