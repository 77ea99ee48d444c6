"""Polling a PMS over rolling windows, and the jobs' round for every tenant's connector.

`poll(...)` reads what changed in windows of the connector's `window` seconds, from the
tenant's cursor (tenant collection `pms_cursors`, one document per connector) minus the
connector's `overlap` up to now, upserts each window's stays and advances the cursor to
the window's end only once the window is stored. A restart therefore resumes at the
cursor and misses nothing; the overlap re-reads a little, which changes nothing (the
upsert is idempotent: an unchanged stay is not written). A failure (after the HTTP
retries of base.py) stops the round with the cursor at the last stored window.

    pms_cursors   _id "mews" (the connector's name)   until  epoch float: stored up to here
                  windows int (stored by the last round)  error  the last failure's code or ""
                  updated_at  epoch float

`poll_round(mongo, settings, tenants)` is what the jobs process runs every minute or so:
for each tenant with a `pms:` section it polls a polling connector (Mews) and retries the
webhook events that are due (apaleo, events.py). It returns a report per tenant (counts
and codes only), logs it and writes one audit record per tenant that changed stays
(action `stays.pms_sync`, actor `system`).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pymongo.errors import PyMongoError

from bot.audit.log import AuditLog, AuditRecord
from bot.base.errors import ConfigError, RapportError, StorageError
from bot.base.logs import event
from bot.base.names import PMS_CURSORS
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.outreach.pms.base import PmsConnector, PmsError
from bot.outreach.pms.events import EventStore, process
from bot.outreach.pms.registry import connector_for
from bot.outreach.stays import StayStore
from bot.storage.mongo import DURABLE, MongoStore
from bot.tenants.registry import Tenant, Tenants

logger = logging.getLogger(__name__)

MAX_WINDOWS = 48  # per round: a long outage is caught up over several rounds


class CursorStore:
    def __init__(self, mongo: MongoStore, tenant_id: str) -> None:
        self.collection = mongo.database(tenant_id).get_collection(PMS_CURSORS, write_concern=DURABLE)

    async def get(self, name: str) -> dict[str, Any] | None:
        try:
            return await self.collection.find_one({"_id": name})
        except PyMongoError as e:
            raise StorageError("reading the PMS cursor failed") from e

    async def save(self, name: str, fields: Mapping[str, Any]) -> None:
        try:
            await self.collection.update_one({"_id": name}, {"$set": dict(fields)}, upsert=True)
        except PyMongoError as e:
            raise StorageError("storing the PMS cursor failed") from e


@dataclass
class PollReport:
    windows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    until: float | None = None
    error: str = ""
    events: dict[str, int] = field(default_factory=dict)  # webhook events retried, by outcome

    def add(self, outcome: Mapping[str, list[str]]) -> None:
        self.new += len(outcome["new"])
        self.changed += len(outcome["changed"])
        self.unchanged += len(outcome["unchanged"])


async def poll(
    connector: PmsConnector,
    stays: StayStore,
    cursors: CursorStore,
    *,
    now: float | None = None,
    since: float | None = None,
    import_id: str | None = None,
    max_windows: int = MAX_WINDOWS,
) -> PollReport:
    """Poll from `since` (else the cursor minus the overlap, else `initial` ago) up to now."""
    # milliseconds, as the PMSs count: nx-27017 keeps ~15 significant digits of a $set float
    now = round(time.time() if now is None else now, 3)
    import_id = import_id or f"pms_{connector.name}_{secrets.token_hex(4)}"
    report = PollReport()
    window = float(getattr(connector, "window", 3600.0))
    if since is None:
        cursor = await cursors.get(connector.name)
        if cursor and isinstance(cursor.get("until"), int | float):
            since = float(cursor["until"]) - float(getattr(connector, "overlap", 0.0))
        else:
            since = now - float(getattr(connector, "initial", 86400.0))
    start = since
    while start < now and report.windows < max_windows:
        end = round(min(start + window, now), 3)
        try:
            async for batch in connector.changed_stays(start, end):
                if batch:
                    report.add(
                        await stays.upsert(batch, source=connector.name, import_id=import_id, now=time.time())
                    )
        except PmsError as e:
            report.error = e.code
            await cursors.save(connector.name, {"error": e.code, "updated_at": time.time()})
            break
        report.windows += 1
        report.until = end
        await cursors.save(
            connector.name, {"until": end, "windows": report.windows, "error": "", "updated_at": time.time()}
        )
        start = end
    return report


async def retry_events(
    connector: PmsConnector, stays: StayStore, events: EventStore, now: float, report: PollReport
) -> None:
    for doc_id in await events.due(now):
        outcome = await process(events, stays, connector, doc_id, now)
        report.events[outcome] = report.events.get(outcome, 0) + 1


async def sync_tenant(
    mongo: MongoStore,
    settings: Settings,
    tenant: Tenant,
    *,
    now: float | None = None,
    since: float | None = None,
    connector: PmsConnector | None = None,
    poll_webhook_kinds: bool = False,
    **connector_args: Any,
) -> dict[str, Any]:
    """One tenant's round: poll (a polling connector, or any with `since` / when asked),
    retry due webhook events. A report of counts and codes."""
    now = time.time() if now is None else now
    own = connector is None
    connector = connector or connector_for(settings, tenant, **connector_args)
    import_id = f"pms_{connector.name}_{secrets.token_hex(4)}"
    stays = StayStore(mongo, tenant.id, Cipher(settings.data_keys), settings.guest_key)
    report = PollReport()
    try:
        if connector.polls or since is not None or poll_webhook_kinds:
            report = await poll(
                connector, stays, CursorStore(mongo, tenant.id), now=now, since=since, import_id=import_id
            )
        if not connector.polls:
            await retry_events(connector, stays, EventStore(mongo, tenant.id), now, report)
    finally:
        if own:
            await connector.close()
    out = {
        "tenant": tenant.id,
        "pms": connector.name,
        "import": import_id,
        "windows": report.windows,
        "new": report.new,
        "changed": report.changed,
        "unchanged": report.unchanged,
        "error": report.error,
        "events": dict(report.events),
        **{k: v for k, v in connector.counters.public().items() if v},
    }
    written = report.new + report.changed + sum(report.events.get(k, 0) for k in ("new", "changed"))
    if written:
        detail = {k: out[k] for k in ("windows", "new", "changed", "unchanged")}
        detail["events"] = sum(report.events.values())
        record = AuditRecord("system", "stays.pms_sync", "stays", import_id, "allowed", tenant.id, detail)
        audit = AuditLog.from_settings(mongo.client, settings)
        await audit.tenant(tenant.id, record)
        await audit.control(record)
    return out


async def poll_round(
    mongo: MongoStore,
    settings: Settings,
    tenants: Tenants,
    *,
    now: float | None = None,
    **connector_args: Any,
) -> list[dict[str, Any]]:
    """Every tenant with a PMS connector, one after the other; a tenant that fails is
    reported and the others still run. For the jobs process (bot/jobs). `connector_args`
    (timeout, backoff) go to registry.connector_for."""
    reports = []
    for tenant in tenants:
        if tenant.pms is None:
            continue
        try:
            out = await sync_tenant(mongo, settings, tenant, now=now, **connector_args)
        except ConfigError:
            out = {"tenant": tenant.id, "pms": tenant.pms.kind, "error": "config"}
        except RapportError as e:
            out = {"tenant": tenant.id, "pms": tenant.pms.kind, "error": type(e).__name__}
        level = logging.WARNING if out.get("error") else logging.INFO
        event(
            logger, "outreach.pms.round", level, **{k: v for k, v in out.items() if not isinstance(v, dict)}
        )
        reports.append(out)
    return reports
