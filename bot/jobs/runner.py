"""The jobs process: `Runner` opens the stores, runs every job of its table in a loop
of its own, and stops gracefully.

Each job is a name, the seconds between rounds, and one round (a coroutine function).
A round that raises is logged (`jobs.round_failed job=<name> error=<type>`, no message
text) and the job goes on with its next round; one job never stops another. On stop,
every loop ends after the round it is in (at most GRACE seconds, then it is cancelled).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.audit.folder import InboxFolder
from bot.audit.log import AuditLog
from bot.base.logs import event
from bot.base.settings import Settings
from bot.channels.transports import build_outbox
from bot.handover.notify import Notifier
from bot.i18n import Catalog
from bot.jobs.digest import Digests
from bot.jobs.metrics import MetricsRefresher
from bot.jobs.periodic import Periodic
from bot.jobs.stores import clients, ping
from bot.outreach.pms.poller import poll_round
from bot.outreach.scheduler import Scheduler
from bot.privacy import retention
from bot.privacy.stores import PrivacyContext
from bot.privacy.worker import DsrWorker
from bot.staff.accounts import StaffStore
from bot.storage.mongo import MongoStore
from bot.tenants.registry import Tenants

logger = logging.getLogger(__name__)

GRACE = 10.0  # seconds a stopping loop may finish its round
PMS_EVERY = 60.0  # seconds between PMS rounds (bot/outreach/pms/poller.py)
DIGEST_EVERY = 60.0  # seconds between rounds looking for a due weekly digest (bot/jobs/digest.py)


@dataclass(frozen=True)
class Job:
    name: str
    every: float  # seconds from the end of one round to the start of the next
    round: Callable[[], Awaitable[Any]]


class Runner:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.catalog = Catalog.load()
        self.tenants = Tenants.load(settings.tenants_file, self.catalog.languages)
        self._close: list[Callable[[], Awaitable[Any]]] = []

    async def open(self) -> None:
        """Connect and check both stores (StoreUnreachable, bot/jobs/stores.py), then
        build the jobs."""
        s = self.settings
        self.mongo, self.redis = clients(s)
        self._close += [self._close_mongo, self.redis.close]
        await ping(self.mongo, self.redis)

        staff = StaffStore(self.mongo[s.control_db])
        audit = AuditLog.from_settings(self.mongo, s)
        self.privacy = await PrivacyContext.open(s)
        self._close.append(self.privacy.close)
        # receipts, codes, staff alerts, invitations (rates per sending number in Redis)
        outbox = build_outbox(s, MongoStore(self.mongo, s.db_prefix), redis=self.redis)
        self._close.append(outbox.close)
        self.notifier = Notifier(
            s, MongoStore(self.mongo, s.db_prefix), staff, self.tenants, self.catalog, outbox
        )
        # the weekly digest e-mail to subscribed admins (claimed per tenant and ISO week)
        self.digests = Digests(
            s, MongoStore(self.mongo, s.db_prefix), staff, self.tenants, self.catalog, outbox
        )
        self.dsr = DsrWorker(s, self.privacy, staff, self.tenants, self.catalog, audit, outbox)
        self.folder = InboxFolder(audit, redis=self.redis)
        # the shared-state gauges (bot/jobs/metrics.py), every tenant
        self.metrics = MetricsRefresher(
            MongoStore(self.mongo, s.db_prefix), self.redis, audit, [t.id for t in self.tenants]
        )
        self.outreach = Scheduler(s, MongoStore(self.mongo, s.db_prefix), self.redis, outbox, self.catalog)
        self.retention = Periodic(
            "retention",
            functools.partial(retention.run_all, self.privacy, self.tenants, confirm=True),
            self.redis,
            every=s.retention_every,
            at=s.retention_at,
        )
        # PMS connectors: Mews polling and apaleo catch-up, failed webhook events again;
        # once a minute across all jobs processes (a Redis lease, like retention)
        self.pms = Periodic(
            "pms",
            functools.partial(poll_round, MongoStore(self.mongo, s.db_prefix), s, self.tenants),
            self.redis,
            every=PMS_EVERY,
        )

    def jobs(self) -> tuple[Job, ...]:
        """The table of jobs (bot/jobs/__init__.py says how each is safe on several processes)."""
        tenant_ids = [t.id for t in self.tenants]
        return (
            Job("notify", 1.0, self.notifier.run_once),
            Job("dsr", 2.0, self.dsr.run_once),
            Job("audit_folder", 1.0, functools.partial(self.folder.fold_all, tenant_ids)),
            Job("retention", self.retention.tick, self.retention.run_once),
            Job("pms", self.pms.tick, self.pms.run_once),
            # invitations due, every tenant with outreach enabled; each claimed by one process
            Job("outreach", 15.0, functools.partial(self.outreach.run_all, list(self.tenants))),
            Job("digest", DIGEST_EVERY, self.digests.run_once),
            Job("metrics", self.settings.metrics_refresh, self.metrics.run_once),
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Run every job until `stop` is set."""
        jobs = self.jobs()
        loops = [asyncio.create_task(self._loop(job, stop), name=f"job-{job.name}") for job in jobs]
        event(logger, "jobs.started", jobs=",".join(j.name for j in jobs))
        await stop.wait()
        _, pending = await asyncio.wait(loops, timeout=GRACE)
        for task in pending:
            event(logger, "jobs.cancelled", logging.WARNING, job=task.get_name().removeprefix("job-"))
            task.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
        event(logger, "jobs.stopped")

    async def _loop(self, job: Job, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await job.round()
            except Exception as e:  # noqa: BLE001 - the next round retries; the job must live
                event(logger, "jobs.round_failed", logging.WARNING, job=job.name, error=type(e).__name__)
                logger.debug("job %s failed", job.name, exc_info=e)
            with contextlib.suppress(TimeoutError):  # the pause, cut short by a stop
                await asyncio.wait_for(stop.wait(), job.every)

    async def close(self) -> None:
        for close in reversed(self._close):
            try:
                await close()
            except Exception as e:  # noqa: BLE001 - closing the rest matters more
                event(logger, "jobs.close_failed", logging.WARNING, error=type(e).__name__)
        self._close.clear()

    async def _close_mongo(self) -> None:
        self.mongo.close()
