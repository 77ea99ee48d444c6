"""Subprocessor registers (DPA §2.3, §7): what changed, the notice, the announced snapshot.

Each tenant's register is configured in `config/tenants.yml` (`subprocessors:`, checked
by bot/tenants/registry.py) and shown to its admins in the console. What was last announced to a
tenant is kept in the control database's `subprocessor_register` collection, one
inserted document per announced version (never updated):

    {_id: "<tenant>:<version>", tenant, version, register: [{name, purpose, region}],
     at: epoch seconds, by: actor}

`python -m bot.privacy subprocessors notify --confirm` compares every tenant's configured
register with its last announced version and, where they differ, e-mails the notice to
the tenant's admins, audits it, and stores the configured register as the new version.
A tenant without a stored version gets its register stored as the baseline (nothing to
announce: it is the register of the contract).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError, PyMongoError

from bot.base.errors import StorageError
from bot.base.names import SUBPROCESSOR_REGISTER
from bot.storage.mongo import DURABLE
from bot.tenants.registry import Subprocessor, Tenant


@dataclass(frozen=True)
class Change:
    added: tuple[Subprocessor, ...] = ()
    removed: tuple[Subprocessor, ...] = ()
    changed: tuple[tuple[Subprocessor, Subprocessor], ...] = ()  # (before, after), same name

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed)}


def diff(before: Sequence[Subprocessor], after: Sequence[Subprocessor]) -> Change:
    """Entries are matched by name (case-insensitive); order does not matter."""
    old = {s.name.lower(): s for s in before}
    new = {s.name.lower(): s for s in after}
    return Change(
        added=tuple(new[k] for k in new if k not in old),
        removed=tuple(old[k] for k in old if k not in new),
        changed=tuple((old[k], new[k]) for k in new if k in old and old[k] != new[k]),
    )


def parse(register: Sequence[dict[str, Any]]) -> tuple[Subprocessor, ...]:
    return tuple(Subprocessor(d["name"], d["purpose"], d["region"]) for d in register)


def _line(s: Subprocessor) -> str:
    return f"{s.name} - {s.purpose} - processing region: {s.region}"


def describe(change: Change) -> list[str]:
    return (
        [f"added: {_line(s)}" for s in change.added]
        + [f"removed: {_line(s)}" for s in change.removed]
        + [f"changed: {_line(a)} (was: {b.purpose}, {b.region})" for b, a in change.changed]
    )


def notice(tenant: Tenant, change: Change, to: str, console_url: str) -> EmailMessage:
    """The e-mail to one of the tenant's admins (no guest data in it)."""
    domain = tenant.mail_domain
    msg = EmailMessage()
    msg["From"] = tenant.notice_sender
    msg["To"] = to
    msg["Subject"] = f"Change of subprocessors for {tenant.name}"
    msg["Message-ID"] = make_msgid(domain=domain)
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Auto-Submitted"] = "auto-generated"
    body = [
        f"The subprocessors that process personal data for {tenant.name} on our behalf have changed",
        "(data-processing agreement, clauses 2.3 and 7):",
        "",
        *describe(change),
        "",
        "The complete register now in force:",
        *[f"- {_line(s)}" for s in tenant.subprocessors],
        "",
        f"It is also shown to your administrators in the console: {console_url}/t/{tenant.id}/",
        "If you object to a change, reply to your contact at Rapport.",
    ]
    msg.set_content("\n".join(body) + "\n")
    return msg


class RegisterSnapshots:
    """The announced versions, in the control database (inserted, never updated)."""

    def __init__(self, control: AsyncIOMotorDatabase) -> None:
        self.collection = control.get_collection(SUBPROCESSOR_REGISTER, write_concern=DURABLE)

    async def latest(self, tenant_id: str) -> tuple[int, tuple[Subprocessor, ...]] | None:
        try:
            doc = await self.collection.find_one({"tenant": tenant_id}, sort=[("version", DESCENDING)])
        except PyMongoError as e:
            raise StorageError("reading the subprocessor register failed") from e
        return None if doc is None else (int(doc["version"]), parse(doc["register"]))

    async def store(self, tenant_id: str, version: int, register: Sequence[Subprocessor], actor: str) -> bool:
        """False if another run stored this version first."""
        doc = {
            "_id": f"{tenant_id}:{version}",
            "tenant": tenant_id,
            "version": version,
            "register": [s.public() for s in register],
            "at": time.time(),
            "by": actor,
        }
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError:
            return False
        except PyMongoError as e:
            raise StorageError("storing the subprocessor register failed") from e
        return True
