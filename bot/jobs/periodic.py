"""Work done once per period on exactly one jobs process: `Periodic`. Retention uses it
(a day from 03:17 UTC by default; the work itself is bot/privacy/retention.py).

Every `tick` each process works out the current period and tries to take its key,
`rapport:jobs:<name>:<period start, epoch ms>`, as a lease (bot/jobs/lease.py):
SET NX, so exactly one process wins and the others skip. The winner renews the lease
while the run lasts and, when it ends, settles the key to "done" for the rest of the
period and beyond, so no process runs that period again; a failed run settles it to
"failed" for RETRY_AFTER seconds, after which any process tries again. A process that
dies mid-run stops renewing: the lease runs out after LEASE seconds and another process
takes the period over; one stopped mid-run releases the lease for another at once
(an interrupted retention run may count some ratings twice in the aggregates; the next
run deletes what is left).

A period's run is due from the period's start: a jobs process that starts (or comes
back) after 03:17 runs that day's retention at once if no process has run it yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.base.logs import event
from bot.base.names import REDIS_PREFIX
from bot.jobs.lease import Lease, LeaseLost

logger = logging.getLogger(__name__)

LEASE = 60.0  # seconds; renewed every 20 s while a run lasts
RETRY_AFTER = 600.0  # a failed run is tried again (by any process) after ten minutes


class Periodic:
    """A piece of work run once per period across every process sharing one Redis."""

    def __init__(
        self,
        name: str,
        work: Callable[[], Awaitable[Any]],
        redis: Any,
        *,
        every: float,
        at: float = 0.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`every`: the period in seconds; `at`: where periods start, in seconds after
        midnight UTC (the Unix epoch began at midnight)."""
        self.name = name
        self.work = work
        self.redis = redis
        self.every = every
        self.at = at
        self.key = f"{REDIS_PREFIX}:jobs:{name}:"
        self.clock = clock
        self.done: float | None = None  # the start of the last period this process saw settled

    @property
    def tick(self) -> float:
        """How often a process looks whether the period's run is due."""
        return min(30.0, self.every / 4)

    def period_start(self, now: float) -> float:
        return self.at + math.floor((now - self.at) / self.every) * self.every

    async def run_once(self) -> bool:
        """Run the current period's work if no process has; True when this one did."""
        start = self.period_start(self.clock())
        period = round(start * 1000)
        if start == self.done:
            return False
        lease = Lease(self.redis, f"{self.key}{period}", ttl=min(LEASE, self.every))
        if not await lease.take():
            return False  # running on another process, done, or failed a short while ago
        try:
            await lease.hold(self.work())
        except LeaseLost:
            event(logger, "jobs.period.lease_lost", logging.WARNING, job=self.name, period=period)
            return False
        except asyncio.CancelledError:  # stopping: another process may take the period over
            with contextlib.suppress(Exception):  # else the lease runs out by itself
                await lease.release()
            raise
        except Exception:
            with contextlib.suppress(Exception):
                await lease.settle("failed", min(RETRY_AFTER, self.every))
            raise
        await lease.settle("done", 2 * self.every + 60)
        self.done = start
        event(logger, "jobs.period.done", job=self.name, period=period)
        return True
