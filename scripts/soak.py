"""Soak: the cluster at half of its measured capacity for a long time (issue 14, part 6).

    make soak       (or: .venv/bin/python scripts/soak.py --minutes 30)

Starts the local multi-replica topology (bot/cluster.py; `--stack` for one plain Stack),
measures its capacity (REST turns/s through the proxy, closed loop, `--guests` guests,
20 s) unless `--rate` is given, then drives it open loop at half of that — SMS guests
over signed Twilio webhooks and REST guests, as scripts/faultload.py does, every
message paced by one clock — for `--minutes`. Per window (`--window`, 5 minutes) it
prints and records: turns, failed deliveries (errors), p50/p95 of REST turn latency and
of the SMS reply latency (acknowledged webhook -> reply at the Twilio stand-in), and the
resident memory of every process (its process group's children included). At the end it
drains and reconciles as after a fault (nothing lost, nothing twice), and reports each
process's memory growth from the first window to the last.

Writes .var/bench/soak-<time>.json. Loopback only, bounded by --minutes; not CI.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_faults import cluster_env, make_cluster  # noqa: E402
from faultload import Load, LoadConfig, drain, pct, process_pids, reconcile, rss_mb  # noqa: E402

from bot.base.settings import Settings  # noqa: E402


async def capacity(cluster: Any, guests: int, seconds: float) -> float:
    """REST turns/s through the proxy, closed loop (no think time)."""
    config = LoadConfig(sms_guests=0, rest_guests=guests, think=0.0)
    async with Load(cluster, config) as load:
        load.start()
        await asyncio.sleep(15)  # warm: the first turns of every replica load lazily
        t0 = time.monotonic()
        await asyncio.sleep(seconds)
        load.stop()
        done = [w for w, _ in load.rest_latencies if 0 <= w - t0 <= seconds]
        await load.finish()
    return len(done) / seconds


def window_row(load: Load, since: float, until: float, pids: dict[str, int], index: int) -> dict[str, Any]:
    rest = [s for w, s in load.rest_latencies if since <= w < until]
    sms = [s for w, s in load.sms_latencies if since <= w < until]
    errors = [e for w, e in load.errors if since <= w < until]
    return {
        "window": index,
        "turns": len(rest) + len(sms),
        "rest_p50_ms": round(pct(rest, 0.5), 1),
        "rest_p95_ms": round(pct(rest, 0.95), 1),
        "sms_p50_ms": round(pct(sms, 0.5), 1),
        "sms_p95_ms": round(pct(sms, 0.95), 1),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "rss_mb": {name: round(rss_mb(pid), 1) for name, pid in pids.items()},
    }


async def soak(cluster: Any, rate: float, minutes: float, window: float) -> dict[str, Any]:
    sms_guests = max(4, round(rate * 1.5))
    config = LoadConfig(sms_guests=sms_guests, rest_guests=max(2, round(rate / 3)), rate=rate)
    pids = process_pids(cluster)
    rows: list[dict[str, Any]] = []
    start_rss = {name: round(rss_mb(pid), 1) for name, pid in pids.items()}
    async with Load(cluster, config) as load:
        load.start()
        t0 = time.monotonic()
        end = t0 + 60 * minutes
        index = 0
        while time.monotonic() < end:
            since = t0 + index * window
            await asyncio.sleep(max(0.0, min(end, since + window) - time.monotonic()))
            row = window_row(load, since, since + window, pids, index)
            rows.append(row)
            print(json.dumps(row), flush=True)
            index += 1
        load.stop()
        drained = await drain(load, 240)
        figures = await reconcile(load)
    first, last = rows[0]["rss_mb"], rows[-1]["rss_mb"]
    return {
        "rate_per_s": rate,
        "minutes": minutes,
        "guests": {"sms": config.sms_guests, "rest": config.rest_guests},
        "windows": rows,
        "rss_start_mb": start_rss,
        "rss_growth_mb": {n: round(last.get(n, 0) - first.get(n, 0), 1) for n in first},
        "errors": sum(r["errors"] for r in rows),
        "drain_s": round(drained, 1),
        "reconciled": figures,
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--window", type=float, default=300, help="seconds per reported window")
    p.add_argument("--rate", type=float, help="messages/s (default: half the measured capacity)")
    p.add_argument("--guests", type=int, default=16, help="closed-loop guests for the capacity run")
    p.add_argument("--rasa", type=int, default=3)
    p.add_argument("--actions", type=int, default=2)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--stack", action="store_true", help="one plain Stack instead of the cluster")
    p.add_argument("--lease", type=float, default=60)
    args = p.parse_args(argv)
    out_dir = ROOT / ".var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rapport-soak-") as tmp:
        settings = Settings.from_env(cluster_env(Path(tmp), args.lease))
        cluster = make_cluster(settings, args)
        cluster.start()
        try:
            rate = args.rate
            if rate is None:
                full = asyncio.run(capacity(cluster, args.guests, 20))
                rate = round(full / 2, 1)
                print(f"capacity {full:.1f} turns/s -> soak at {rate} messages/s", flush=True)
            result = asyncio.run(soak(cluster, rate, args.minutes, args.window))
        finally:
            cluster.stop()
    r = result["reconciled"]
    print(
        f"\n{args.minutes:g} min at {rate} msg/s: errors {result['errors']}, "
        f"acknowledged {r['acknowledged']}, turned {r['turned']}, lost "
        f"{r['turns_lost'] + r['answers_lost'] + r['replies_lost']}, duplicated "
        f"{r['turns_duplicated'] + r['replies_duplicated'] + r['answers_extra']}"
    )
    print("RSS growth MB:", json.dumps(result["rss_growth_mb"]))
    path = out_dir / f"soak-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
