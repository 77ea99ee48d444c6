"""Background jobs, in a process of their own: `python -m bot.jobs` (started by
`make run` through bot/stack.py, and by the `jobs` service in docker/docker-compose.yml).
The console serves staff only; no job runs there.

Plain asyncio loops, one per job (no scheduler library): every job is "a round every
N seconds", and the one daily job needs a claim shared by every process, which a
scheduler inside one process cannot give. Each job's logic stays in its package; here
are only the loops, the schedule, start and stop.

    job           every      one round                           logic in
    notify        1 s        Notifier.run_once                   bot/handover/notify.py
    dsr           2 s        DsrWorker.run_once                  bot/privacy/worker.py
    audit_folder  1 s        InboxFolder.fold_all(every tenant)  bot/audit/folder.py
    retention     once a day retention.run_all (confirm)         bot/privacy/retention.py
                  from 03:17 UTC (RAPPORT_RETENTION_AT, RAPPORT_RETENTION_EVERY seconds;
                  looked at every min(30 s, period / 4))
    pms           once a minute poll_round: Mews windows, apaleo  bot/outreach/pms/poller.py
                  catch-up, failed webhook events again
    outreach      15 s       Scheduler.run_all(every tenant      bot/outreach/scheduler.py
                             with outreach enabled)
    digest        60 s       Digests.run_once: each hotel's      bot/jobs/digest.py
                             weekly digest from Monday 08:00     (figures: bot/reports/digest.py)
                             hotel time, to subscribed admins
    metrics       15 s       MetricsRefresher.run_once: queue,  bot/jobs/metrics.py
                             escalation, DSR, audit-inbox gauges

Safe on several processes at once (any number of `python -m bot.jobs`):

- notify: each escalation is claimed with a 60 s lease (`notify_claim_until`, two
  conditional updates); only the process holding it sends, and `notified_at` is set after
  the send. When every notice failed it is retried after 2, 4, 8 … s (6 rounds at most).
- dsr: the tenant's notice is claimed the same way (`informed_at`), as is the deadline
  reminder (`deadline_warned_at`); a request moves to awaiting approval by a
  conditional status change; a verified request is claimed for 300 s
  (`claimed_until`/`claimed_by`, two conditional updates, not one `$or`: nx-27017)
  and set done by a conditional status change; purging expired export links is
  idempotent.
- audit_folder: a lease per tenant in MongoDB (`audit_chain` `{_id: "folder"}`,
  conditional updates and a unique insert) that the folder renews, fenced, right before
  each chain insert; the chain's `seq` is the `_id`, so two appends can never take
  one place (bot/audit/folder.py, bot/audit/log.py).
- digest: each hotel's week is claimed by a unique insert in its `digests` collection
  (`_id` the ISO week); a failed send or a dead holder's claim is taken over by one
  conditional update on `claim_until`; each admin's mail is recorded once sent.
- retention: nothing in the data claims a run, so each period's run is claimed in Redis
  (bot/jobs/periodic.py: SET NX PX with a random token, renewed while the run lasts,
  released or settled with compare-and-set Lua scripts): one process per period.
- pms: the same Redis claim per minute; the rounds are idempotent anyway (stays are
  upserted by digest, webhook events claimed with conditional updates).
- outreach: each due invitation is claimed with one `find_one_and_update` (`status:
  planned`, `due <= now`) and a lease; an expired lease is taken over by a second,
  separate conditional update only before the holder stamped `sending_at`; after the
  stamp it is never sent again (at most once: bot/outreach/invitations.py). Send rates
  per number are shared in Redis (bot/outbox/throttle.py).

lease.py     Lease: take / renew / release / settle a Redis lease; hold(work)
periodic.py  Periodic: work once per period across all processes (retention, pms)
runner.py    Runner: the table of jobs, one loop per job, graceful stop
metrics.py   MetricsRefresher: the shared-state gauges (read-only: safe anywhere)
http.py      /healthz, /readyz, /metrics on RAPPORT_JOBS_HTTP_PORT (aiohttp)
stores.py    the MongoDB and Redis clients; StoreUnreachable when one does not answer
__main__.py  the process: signals (SIGTERM, SIGINT), exit codes, `--check`

Logs are event lines without personal data (bot/base/logs.py): `jobs.started`,
`jobs.round_failed job=<name> error=<type>`, `jobs.period.done`, `jobs.stopped`, and
each job's own events.
"""
