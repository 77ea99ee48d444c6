"""Privacy figures for `make bench`: erasing one guest, and offboarding the tenant, at
the scale of a hotel with 100,000 ratings (issue 5's target: one guest erased and
verified in at most 1 s).

The tenant is seeded in bulk by devtools/seed_tenant.py (the product's document
builders, sealed contacts, transcripts, Rasa trackers under the tracker store's keys).
Then, for several guests in turn, `erase_guest` runs exactly as the
DSR worker runs it (resolve, lock, erase every store, verification scan), and the
deep scan (every document) is timed once for comparison. Last, the whole tenant is
offboarded (`offboard_tenant`, confirmed).
"""

from __future__ import annotations

import statistics
import time
import uuid
from typing import Any

from bot.base.names import RATINGS
from bot.privacy.erasure import erase_guest, scan_guest
from bot.privacy.offboard import offboard_tenant
from bot.privacy.stores import PrivacyContext, resolve
from devtools.seed_tenant import seed


async def privacy_load(ctx: PrivacyContext, *, guests: int = 20_000, erasures: int = 5) -> dict[str, Any]:
    tenant = "bench_" + uuid.uuid4().hex[:8]
    started = time.perf_counter()
    seeded = await seed(ctx, tenant, guests=guests)
    seed_s = time.perf_counter() - started
    ratings = await ctx.db(tenant)[RATINGS].estimated_document_count()
    redis_keys = await ctx.redis.dbsize()
    # guests with a transcript (the most stores), spread over the seeding order
    targets = [seeded[i * (min(len(seeded), 1000) // erasures)] for i in range(erasures)]
    times, clean = [], []
    for g in targets:
        t = time.perf_counter()
        report = await erase_guest(ctx, tenant, g["ref"], actor="bench")
        times.append((time.perf_counter() - t) * 1000)
        clean.append(report["scan"]["clean"] and sum(report["erased"].values()) > 0)
    # the deep scan (every document and key) of one more guest, for comparison
    g = seeded[-1]
    t = time.perf_counter()
    subject = await resolve(ctx, tenant, g["ref"])
    deep = await scan_guest(ctx, subject, deep=True)
    deep_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    certificate = await offboard_tenant(ctx, tenant, confirm=True, actor="bench")
    offboard_s = time.perf_counter() - t
    return {
        "ratings": ratings,
        "guests": guests,
        "redis_keys": redis_keys,
        "seed_s": seed_s,
        "erase_ms": times,
        "erase_p50_ms": statistics.median(times),
        "erase_max_ms": max(times),
        "erased_clean": sum(clean),
        "erasures": erasures,
        "deep_scan_ms": deep_ms,
        "deep_scan_documents": deep["searched"].get("documents", 0),
        "offboard_s": offboard_s,
        "offboard_clean": certificate["scan"]["clean"],
    }
