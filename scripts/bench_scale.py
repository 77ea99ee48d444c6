"""Replica scaling: turns/s with 1, 2 and 3 Rasa replicas on this machine (issue 14, part 5).

    make bench-scale    (or: .venv/bin/python scripts/bench_scale.py --seconds 20)

Starts the local multi-replica topology once (bot/cluster.py: `--rasa` replicas, two
action servers behind HAProxy, one job process) and, for n = 1 .. `--rasa`, drives
`--guests` REST guests (closed loop, the 5-turn feedback script, scripts/faultload.py)
spread over the first n replicas directly (the idle ones use no CPU), then all of them
through the proxy. For each point: turns/s, p50/p95, and CPU seconds per turn of every
process (from /proc/<pid>/stat before and after: Rasa replicas summed, action servers
summed, nx-27017, Valkey, HAProxy), which is what the paper estimate for bigger hosts
in docs/BENCHMARK.md is built from. Rounds alternate the points (`--rounds`), medians
are reported: the machine is shared.

Writes .var/bench/scale-<time>.json. Not CI.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_faults import cluster_env, make_cluster  # noqa: E402
from faultload import Load, LoadConfig, cpu_seconds, pct, process_pids  # noqa: E402

from bot.base.settings import Settings  # noqa: E402

CPU = ("rasa", "actions", "mongo", "redis", "haproxy")


CPU = ("rasa", "actions", "mongo", "redis", "haproxy")


def group(name: str) -> str:
    return name.split("-")[0]


async def point(cluster: Any, replicas: int | None, guests: int, seconds: float) -> dict[str, Any]:
    """`guests` REST guests over the first `replicas` replicas directly, or through the
    proxy (None) for `seconds`."""
    config = LoadConfig(sms_guests=0, rest_guests=guests, think=0.0, rest_via_proxy=replicas is None)
    pids = process_pids(cluster)
    async with Load(cluster, config) as load:
        if replicas is not None:
            load.rest_urls = load.rest_urls[:replicas]
        load.start()
        await asyncio.sleep(2)  # warm: every guest has a conversation going
        cpu0 = {n: cpu_seconds(p) for n, p in pids.items()}
        t0 = time.monotonic()
        await asyncio.sleep(seconds)
        wall = time.monotonic() - t0
        cpu1 = {n: cpu_seconds(p) for n, p in pids.items()}
        latencies = [s for w, s in load.rest_latencies if t0 <= w <= t0 + wall]
        load.stop()
        await load.finish()
    turns = len(latencies)
    cpu: dict[str, float] = {}
    for n in pids:
        cpu[group(n)] = cpu.get(group(n), 0.0) + cpu1[n] - cpu0[n]
    return {
        "replicas": replicas if replicas is not None else "proxy",
        "turns_per_s": turns / wall,
        "p50_ms": pct(latencies, 0.5),
        "p95_ms": pct(latencies, 0.95),
        "cpu_ms_per_turn": {k: 1000 * v / turns for k, v in cpu.items()} if turns else {},
        "cpu_busy_cores": sum(cpu.values()) / wall,
        "errors": len(load.errors),
    }


def summarise(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for key in dict.fromkeys(p["replicas"] for p in points):
        runs = [p for p in points if p["replicas"] == key]
        cpu_keys = runs[0]["cpu_ms_per_turn"].keys()
        out.append(
            {
                "replicas": key,
                "rounds": len(runs),
                "turns_per_s": round(statistics.median(r["turns_per_s"] for r in runs), 1),
                "p50_ms": round(statistics.median(r["p50_ms"] for r in runs)),
                "p95_ms": round(statistics.median(r["p95_ms"] for r in runs)),
                "cpu_busy_cores": round(statistics.median(r["cpu_busy_cores"] for r in runs), 2),
                "cpu_ms_per_turn": {
                    k: round(statistics.median(r["cpu_ms_per_turn"].get(k, 0) for r in runs), 2)
                    for k in cpu_keys
                },
                "errors": sum(r["errors"] for r in runs),
            }
        )
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rasa", type=int, default=3)
    p.add_argument("--actions", type=int, default=2)
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--guests", type=int, default=12)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--stack", action="store_true", help="one plain Stack instead of the cluster")
    args = p.parse_args(argv)
    out_dir = ROOT / ".var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    points: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="rapport-scale-") as tmp:
        settings = Settings.from_env(cluster_env(Path(tmp), 60))
        cluster = make_cluster(settings, args)
        cluster.start()
        try:
            # warm every replica and action server (first turns load lazily)
            asyncio.run(point(cluster, None, args.guests, 10))
            order: list[int | None] = [*range(1, args.rasa + 1), None]
            for r in range(args.rounds):
                for n in order if r % 2 == 0 else order[::-1]:
                    result = asyncio.run(point(cluster, n, args.guests, args.seconds))
                    points.append(result)
                    print(json.dumps({k: v for k, v in result.items() if k != "cpu_ms_per_turn"}), flush=True)
        finally:
            cluster.stop()
    summary = summarise(points)
    print("\n| Rasa replicas | turns/s | p50 ms | p95 ms | busy cores | CPU ms/turn " + "/".join(CPU) + " |")
    print("|---|---|---|---|---|---|")
    for s in summary:
        c = s["cpu_ms_per_turn"]
        cpu = ", ".join(f"{c.get(k, 0):.1f}" for k in CPU)
        cells = [s["replicas"], s["turns_per_s"], s["p50_ms"], s["p95_ms"], s["cpu_busy_cores"], cpu]
        print("| " + " | ".join(str(x) for x in cells) + " |")
    path = out_dir / f"scale-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps({"points": points, "summary": summary}, indent=2, default=str))
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
