"""What happened after a backup was taken, and putting it back on top of a restore.

A backup is older than the register of data-subject requests, so restoring it alone
would bring back guests who have since asked to be forgotten (GDPR Art. 17), un-restrict
ratings (Art. 18) and resume messages to guests who objected (Art. 21). Before the
tenant is wiped, `after_backup` reads what is recorded since the backup's creation
(less SKEW for clocks that differ between machines):

- erasures, restrictions and objections done: the tenant's `dsr_requests`, the control
  database's `dsr_register` (it survives the loss of the tenant's database) and the
  `guest.erase` records of the tenant's and the control database's audit logs (an
  erasure without a request: `dsr erase`, `erase_guest`);
- the evidence written since, which a restore must not roll back: the tenant's
  requests and their history (current version wins), the audit entries that continue
  the backup's chain, the audit inbox, guest flags and SMS consent changed since.

After the archive is written back, `carry_over` puts that evidence back and `reapply`
re-applies the rectifications, restricts, records objections (flag and SMS opt-out; no
message is sent) and erases (`erase_guest`, with its verification scan) every guest
concerned. A rectification is re-applied from its sealed details in the tenant's own
request (bot/privacy/execute.py `apply_rectification`, silently, oldest first). When
the tenant's database was lost, only the control register knows of it, without the
corrected values (no personal data there): it is counted as not re-applied, for the
operator to ask the guest again.

The Redis audit inbox (the Rasa server's tracker accesses not chained yet) is carried
over too.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pymongo.errors import BulkWriteError

from bot.audit.log import GENESIS, AuditLog, redis_inbox_key
from bot.base.errors import RapportError
from bot.base.names import (
    AUDIT,
    AUDIT_CHAIN,
    AUDIT_INBOX,
    DSR_HISTORY,
    DSR_REGISTER,
    DSR_REQUESTS,
    GUEST_FLAGS,
    RATINGS,
    REDIS_PREFIX,
    SMS_CONSENT,
)
from bot.base.states import DsrType
from bot.outbox.sms_store import SmsStore
from bot.privacy.erasure import erase_guest
from bot.privacy.execute import apply_rectification
from bot.privacy.requests import DONE
from bot.privacy.retention import epoch
from bot.privacy.stores import CERTIFICATES, PrivacyContext
from bot.storage.flags import FlagStore
from bot.storage.mongo import DURABLE

SKEW = 300.0  # seconds: a request done this long before the backup is re-applied too
ACTED = (DsrType.ERASURE, DsrType.RESTRICTION, DsrType.OBJECTION, DsrType.RECTIFICATION)


class BackupRefused(RapportError):
    """The archive may not be restored here (the tenant was offboarded after it)."""


@dataclass
class AfterBackup:
    since: float
    erasures: set[str] = field(default_factory=set)
    restrictions: set[str] = field(default_factory=set)
    objections: set[str] = field(default_factory=set)
    rectifications: set[str] = field(default_factory=set)
    # the tenant's own done rectification requests since the backup (sealed details), oldest first
    rectification_requests: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    audit_tail: list[dict[str, Any]] = field(default_factory=list)
    audit_unchained: int = 0  # entries since the backup that do not continue its chain
    inbox: list[dict[str, Any]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    consent: list[dict[str, Any]] = field(default_factory=list)
    redis_inbox: list[str] = field(default_factory=list)

    def rectifiable(self) -> list[dict[str, Any]]:
        """The rectification requests to re-apply (not those of guests erased since)."""
        return [r for r in self.rectification_requests if r["guest_ref"] not in self.erasures]

    def not_rectifiable(self) -> int:
        """Guests with a rectification since the backup that cannot be re-applied."""
        return len(self.rectifications - self.erasures - {r["guest_ref"] for r in self.rectifiable()})

    def summary(self) -> dict[str, int]:
        return {
            "erasures": len(self.erasures),
            "restrictions": len(self.restrictions - self.erasures),
            "objections": len(self.objections - self.erasures),
            "rectifications": len(self.rectifiable()),
            "rectifications_not_reapplied": self.not_rectifiable(),
            "requests": len(self.requests),
            "audit_entries": len(self.audit_tail),
            "audit_entries_not_chained": self.audit_unchained,
            "audit_inbox": len(self.inbox),
            "audit_inbox_redis": len(self.redis_inbox),
            "flags": len(self.flags),
            "sms_consent": len(self.consent),
        }

    def note(self, kind: str, guest_ref: Any, at: Any) -> None:
        when = epoch(at)
        if not isinstance(guest_ref, str) or not guest_ref or when is None or when < self.since:
            return
        {
            DsrType.ERASURE: self.erasures,
            DsrType.RESTRICTION: self.restrictions,
            DsrType.OBJECTION: self.objections,
            DsrType.RECTIFICATION: self.rectifications,
        }[kind].add(guest_ref)


async def refuse_if_offboarded(ctx: PrivacyContext, tenant: str, created_at: float) -> None:
    """A backup older than the tenant's deletion certificate must never bring it back."""
    control = ctx.mongo.client[ctx.settings.control_db]
    async for cert in control[CERTIFICATES].find({"tenant": tenant}):
        if (epoch(cert.get("finished_at")) or 0) >= created_at or (
            epoch(cert.get("started_at")) or 0
        ) >= created_at:
            raise BackupRefused(
                f"tenant {tenant!r} was offboarded after this backup (certificate {cert['_id']})"
            )


async def after_backup(
    ctx: PrivacyContext, tenant: str, created_at: float, audit_last: dict[str, Any]
) -> AfterBackup:
    """Read, before anything is wiped, what the current stores record since the backup."""
    after = AfterBackup(since=created_at - SKEW)
    db = ctx.db(tenant)
    control = ctx.mongo.client[ctx.settings.control_db]
    done = {"status": DONE, "type": {"$in": list(ACTED)}}
    async for r in db[DSR_REQUESTS].find(done):
        after.note(r["type"], r.get("guest_ref"), r.get("updated_at"))
        since = (epoch(r.get("updated_at")) or 0) >= after.since
        if r["type"] == DsrType.RECTIFICATION and isinstance(r.get("guest_ref"), str) and since:
            after.rectification_requests.append(r)
    after.rectification_requests.sort(key=lambda r: epoch(r.get("updated_at")) or 0)
    async for r in control[DSR_REGISTER].find({"tenant": tenant, **done}):
        after.note(r["type"], r.get("guest_hash"), r.get("updated_at"))
    for audit, query in ((db[AUDIT], {}), (control[AUDIT], {"tenant": tenant})):
        async for e in audit.find({"action": "guest.erase", "outcome": "allowed", **query}):
            after.note(DsrType.ERASURE, e.get("resource_id"), e.get("at"))
    after.requests = [r async for r in db[DSR_REQUESTS].find({})]
    after.history = [h async for h in db[DSR_HISTORY].find({})]
    after.inbox = [d async for d in db[AUDIT_INBOX].find({})]
    after.flags = [f async for f in db[GUEST_FLAGS].find({}) if (epoch(f.get("at")) or 0) >= after.since]
    after.consent = [
        c async for c in db[SMS_CONSENT].find({}) if (epoch(c.get("updated_at")) or 0) >= after.since
    ]
    seq, last_hash = int(audit_last.get("seq") or 0), str(audit_last.get("hash") or GENESIS)
    tail = [e async for e in db[AUDIT].find({"seq": {"$gt": seq}}).sort("seq", 1)]
    joint = await db[AUDIT].find_one({"seq": seq}) if seq else {"hash": GENESIS}
    if tail and (joint is None or joint.get("hash") != last_hash or tail[0].get("prev") != last_hash):
        after.audit_unchained = len(tail)  # the current chain is not the backup's continued
        tail = []
    after.audit_tail = tail
    after.redis_inbox = await ctx.redis.lrange(redis_inbox_key(REDIS_PREFIX, tenant), 0, -1)
    return after


async def _upsert_all(coll: Any, docs: list[dict[str, Any]]) -> int:
    for doc in docs:
        await coll.replace_one({"_id": doc["_id"]}, doc, upsert=True)
    return len(docs)


async def _insert_missing(coll: Any, docs: list[dict[str, Any]]) -> int:
    if not docs:
        return 0
    try:
        return len((await coll.insert_many(docs, ordered=False)).inserted_ids)
    except BulkWriteError as e:  # already in the backup
        return int(e.details.get("nInserted", 0))


async def carry_over(ctx: PrivacyContext, tenant: str, after: AfterBackup) -> dict[str, int]:
    """Put the evidence written since the backup back on top of the restored database."""
    db = ctx.db(tenant)

    def coll(name: str) -> Any:
        return db.get_collection(name, write_concern=DURABLE)

    counts = {
        "requests": await _upsert_all(coll(DSR_REQUESTS), after.requests),
        "history": await _insert_missing(coll(DSR_HISTORY), after.history),
        "audit_inbox": await _insert_missing(coll(AUDIT_INBOX), after.inbox),
        "flags": await _upsert_all(coll(GUEST_FLAGS), after.flags),
        "sms_consent": await _upsert_all(coll(SMS_CONSENT), after.consent),
        "audit_entries": await _insert_missing(coll(AUDIT), after.audit_tail),
    }
    if after.redis_inbox:  # appended after what the archive held; the folder skips what is chained
        await ctx.redis.rpush(redis_inbox_key(REDIS_PREFIX, tenant), *after.redis_inbox)
        counts["audit_inbox_redis"] = len(after.redis_inbox)
    if after.audit_tail:
        last = after.audit_tail[-1]
        await coll(AUDIT_CHAIN).replace_one(
            {"_id": "head"}, {"_id": "head", "seq": last["seq"], "hash": last["hash"]}, upsert=True
        )
    return counts


async def reapply(
    ctx: PrivacyContext,
    tenant: str,
    after: AfterBackup,
    *,
    actor: str,
    audit: AuditLog | None = None,
    languages: Sequence[str] = (),
) -> dict[str, Any]:
    """Rectifications (`languages`: the tenant's, for a corrected language), restrictions
    and objections, then erasures (which also remove an erased guest's flags), of every
    guest concerned since the backup."""
    rectified = 0
    for request in after.rectifiable():
        await apply_rectification(ctx, tenant, languages, request)
        rectified += 1
    flags = FlagStore(ctx.mongo, tenant)
    ratings = ctx.db(tenant).get_collection(RATINGS, write_concern=DURABLE)
    now = time.time()
    for ref in sorted(after.restrictions - after.erasures):
        await flags.set(ref, restricted=True)
        await ratings.update_many({"guest_ref": ref}, {"$set": {"restricted": True, "restricted_at": now}})
    for ref in sorted(after.objections - after.erasures):
        await flags.set(ref, objected=True)
        await SmsStore(ctx.mongo, tenant).set_consent(ref, opted_out=True, keyword="dsr_objection")
    unclean = 0
    for ref in sorted(after.erasures):
        report = await erase_guest(ctx, tenant, ref, actor=actor, audit=audit)
        unclean += not report["scan"]["clean"]
    return {
        "erasures": len(after.erasures),
        "erasures_not_clean": unclean,
        "restrictions": len(after.restrictions - after.erasures),
        "objections": len(after.objections - after.erasures),
        "rectifications": rectified,
        "rectifications_not_reapplied": after.not_rectifiable(),
        "clean": unclean == 0,
    }
