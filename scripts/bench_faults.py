"""Faults under load, reconciled: nothing acknowledged may be lost or done twice.

    make faults     (or: .venv/bin/python scripts/bench_faults.py [--faults rasa,redis])

Starts the local multi-replica topology (bot/cluster.py: 3 Rasa replicas, 2 action
servers, 2 job processes, the console, behind HAProxy; `--stack` for one plain Stack
instead) on free loopback ports in a temporary folder, then for each fault:

  1. load: SMS guests over signed Twilio webhooks through the proxy and REST guests
     (scripts/faultload.py: at-least-once delivery, a guest waits for its reply);
  2. inject the fault mid-load: kill -9 a Rasa replica (rasa), an action server
     (actions), a job process (jobs); restart Redis (redis) or the MongoDB-wire server
     (mongo) — SIGTERM and start again on the same port and data;
  3. restore (start the killed process again) while the load goes on, then stop the load;
  4. drain: every guest's retries and reply waits end, no SMS turn pending;
  5. reconcile (faultload.reconcile): every acknowledged message turned exactly once and
     in order (the guest's Rasa tracker), no reply duplicated or lost (the Twilio
     stand-in's record per number), every acknowledged rating stored, every escalation
     still waiting for staff or taken.

Prints one table row per fault and writes every figure and discrepancy to
.var/bench/faults-<time>.json. Not part of CI (tests/cluster/test_faults.py runs the
Rasa-replica fault alone); figures on a shared 2-core machine are noisy, the counts of
lost and duplicated things are not.

The turn lease (RAPPORT_TURN_LEASE, default 120 s in production) is 20 s here: a turn
that a killed replica had taken is picked up by another replica's sweeper when its
lease runs out, so the drain takes at least that long.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from faultload import Load, LoadConfig, StackCluster, drain, reconcile  # noqa: E402

from bot.base.settings import Settings  # noqa: E402
from bot.stack import isolated_env  # noqa: E402

FAULTS = ("rasa", "actions", "jobs", "redis", "mongo")
# Processes are started again from this one thread, which lives as long as the script:
# children die with the *thread* that started them (PR_SET_PDEATHSIG).
RESTARTER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="restarter")
COLUMNS = [
    ("fault", "fault"),
    ("sent", "sent"),
    ("acked", "acknowledged"),
    ("unacked", "unacknowledged"),
    ("turned", "turned"),
    ("dup turns", "turns_duplicated"),
    ("lost turns", "turns_lost"),
    ("replies", "replies"),
    ("dup replies", "replies_duplicated"),
    ("lost replies", "replies_lost"),
    ("answers", "answers_stored"),
    ("lost answers", "answers_lost"),
    ("extra answers", "answers_extra"),
    ("escalations ok", "escalations_ok"),
    ("failed deliveries", "errors"),
    ("drain s", "drain_s"),
]


def cluster_env(data_dir: Path, lease: float = 20.0) -> dict[str, str]:
    return isolated_env(
        data_dir,
        RAPPORT_DB_PREFIX="rapport_faults_",
        RAPPORT_TURN_LEASE=str(lease),
        RAPPORT_TURN_RETRY_BASE="1",
        RAPPORT_TURN_SWEEP_INTERVAL="0.5",
        RAPPORT_WEBCHAT_IP_MESSAGES_PER_MIN="100000",
        RAPPORT_WEBCHAT_IP_CONNECTS_PER_MIN="100000",
        RAPPORT_WEBCHAT_IP_SESSIONS_PER_MIN="100000",
    )


def make_cluster(settings: Settings, args: argparse.Namespace) -> Any:
    if args.stack:
        return StackCluster(settings)
    from bot.cluster import Cluster

    return Cluster(settings, rasa=args.rasa, actions=args.actions, jobs=args.jobs)


def injector(cluster: Any, fault: str) -> tuple[Any, Any, str]:
    """(inject, restore, what) for a fault; restore is None when injecting restores."""
    names = cluster.names()
    pick = {
        "rasa": [n for n in names if n.startswith("rasa-")],
        "actions": [n for n in names if n.startswith("actions-")],
        "jobs": [n for n in names if n.startswith("jobs-")],
    }
    if fault in pick:
        victim = pick[fault][-1]
        return (lambda: cluster.kill9(victim)), (lambda: cluster.restart(victim)), f"kill -9 {victim}"
    if fault == "redis":
        return cluster.restart_redis, None, "restart Redis"
    if fault == "mongo":
        return cluster.restart_mongo, None, "restart MongoDB-wire"
    raise SystemExit(f"unknown fault {fault!r} (one of {', '.join(FAULTS)})")


async def run_fault(
    cluster: Any,
    fault: str | None,
    config: LoadConfig,
    *,
    before: float,
    down: float,
    after: float,
    drain_timeout: float = 240,
    progress: Any = print,
) -> dict[str, Any]:
    """One phase: load, the fault mid-load, restore, drain, reconcile; its figures."""
    loop = asyncio.get_running_loop()
    async with Load(cluster, config) as load:
        load.start()
        await asyncio.sleep(before)
        timeline: dict[str, Any] = {}
        restored = None
        if fault is not None:
            inject, restore, what = injector(cluster, fault)
            progress(f"  {what} ...")
            t = time.monotonic()
            await loop.run_in_executor(RESTARTER, inject)
            timeline["inject_s"] = round(time.monotonic() - t, 1)
            if restore is not None:
                await asyncio.sleep(down)
                started = time.monotonic()
                # the restart runs while the load goes on and the queue drains (a Rasa
                # replica takes minutes to load on a busy machine)
                restored = loop.run_in_executor(RESTARTER, restore)
        await asyncio.sleep(after)
        load.stop()
        progress("  draining ...")
        drained = await drain(load, drain_timeout, progress)
        figures = await reconcile(load)
    if restored is not None:
        try:
            await restored
            timeline["restore_s"] = round(time.monotonic() - started, 1)
        except Exception as e:  # noqa: BLE001 - reported, the next phase runs without it
            timeline["restore_failed"] = f"{type(e).__name__}: {str(e).splitlines()[0]}"
        progress(f"  restore: {timeline}")
    figures.update(timeline, fault=fault or "none", drain_s=round(drained, 1))
    return figures


def table(rows: list[dict[str, Any]]) -> str:
    head = "| " + " | ".join(c for c, _ in COLUMNS) + " |"
    sep = "|" + "|".join("---" for _ in COLUMNS) + "|"
    lines = [head, sep]
    for r in rows:
        cells = []
        for _, key in COLUMNS:
            value = r.get(key, "")
            if key == "replies":
                value = f"{value}/{r.get('replies_expected', '')}"
            elif key == "answers_stored":
                value = f"{value}/{r.get('answers_expected', '')}"
            elif key == "escalations_ok":
                value = f"{value}/{r.get('escalations', '')}"
            cells.append(str(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--faults", default=",".join(FAULTS), help="comma-separated: " + ", ".join(FAULTS))
    p.add_argument("--rasa", type=int, default=3)
    p.add_argument("--actions", type=int, default=2)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--stack", action="store_true", help="one plain Stack instead of the cluster")
    p.add_argument("--sms-guests", type=int, default=16)
    p.add_argument("--rest-guests", type=int, default=4)
    p.add_argument("--before", type=float, default=10, help="seconds of load before the fault")
    p.add_argument("--down", type=float, default=3, help="seconds a killed process stays dead")
    p.add_argument("--after", type=float, default=10, help="seconds of load after the restore")
    p.add_argument("--lease", type=float, default=20, help="RAPPORT_TURN_LEASE for the cluster")
    p.add_argument("--baseline", action="store_true", help="also a phase without a fault, first")
    p.add_argument("--keep-logs", action="store_true", help="copy the processes' logs to .var/bench")
    args = p.parse_args(argv)
    faults = [f for f in args.faults.split(",") if f]
    for f in faults:
        if f not in FAULTS:
            p.error(f"unknown fault {f!r}")
    config = LoadConfig(sms_guests=args.sms_guests, rest_guests=args.rest_guests)
    out_dir = ROOT / ".var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="rapport-faults-") as tmp:
        settings = Settings.from_env(cluster_env(Path(tmp), args.lease))
        cluster = make_cluster(settings, args)
        t0 = time.monotonic()
        cluster.start()
        print(f"cluster ready in {time.monotonic() - t0:.0f} s: {cluster.proxy_url}")
        try:
            for fault in ([None] if args.baseline else []) + faults:
                print(f"phase: {fault or 'no fault'}")
                row = asyncio.run(
                    run_fault(cluster, fault, config, before=args.before, down=args.down, after=args.after)
                )
                rows.append(row)
                print(table([row]))
                for problem in row["problems"][:20]:
                    print("   ", problem)
        finally:
            cluster.stop()
            RESTARTER.shutdown(wait=False)
            if args.keep_logs:  # every process's log, for the discrepancies' causes
                import shutil

                logs = out_dir / f"faults-logs-{time.strftime('%Y%m%dT%H%M%S')}"
                shutil.copytree(Path(tmp) / "logs", logs, dirs_exist_ok=True)
                print(f"logs in {logs.relative_to(ROOT)}")
    print()
    print(table(rows))
    path = out_dir / f"faults-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(rows, indent=2, default=str))
    print(f"written to {path.relative_to(ROOT)}")
    lost = sum(r["turns_lost"] + r["answers_lost"] + r["replies_lost"] for r in rows)
    dup = sum(r["turns_duplicated"] + r["replies_duplicated"] + r["answers_extra"] for r in rows)
    sys.exit(1 if lost or dup else 0)


if __name__ == "__main__":
    main()
