"""A Rasa replica killed with SIGKILL under load: nothing acknowledged is lost or done
twice. The whole table of faults is `make faults` (scripts/bench_faults.py); this is its
first row, small enough for CI.

SMS guests post signed Twilio webhooks through HAProxy and REST guests post through it
too, each delivery retried until answered 2xx (at least once); mid-load the last Rasa
replica is killed with SIGKILL and started again in the background (on a thread that
lives as long as the test session: children die with the thread that started them;
the proxy routes around the replica until it is back). After the load has
drained (every SMS turn the dead replica had taken is run by another replica's sweeper
once its lease runs out), every acknowledged message must have turned exactly once and
in order (the guest's Rasa tracker), every SMS reply must have gone out once (the Twilio
stand-in), every rating must be stored and every escalation waiting for staff."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
_spec = importlib.util.spec_from_file_location("faultload", ROOT / "scripts" / "faultload.py")
faultload = importlib.util.module_from_spec(_spec)
sys.modules["faultload"] = faultload
_spec.loader.exec_module(faultload)

RESTARTER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-faults-restarter")


async def test_a_rasa_replica_killed_under_load_loses_and_repeats_nothing(cluster):
    victim = [n for n in cluster.names() if n.startswith("rasa-")][-1]
    config = faultload.LoadConfig(sms_guests=8, rest_guests=2, escalate_every=2, reply_wait=90)
    loop = asyncio.get_running_loop()
    assert cluster.settings.turn_lease <= 30, "the fixture's lease (tests/cluster/conftest.py)"
    async with faultload.Load(cluster, config) as load:
        load.start()
        await asyncio.sleep(8)
        busy = sum(1 for g in load.guests for m in g.sent if m.acked)
        cluster.kill9(victim)
        killed_at = time.monotonic()
        # started again in the background: loading a model takes minutes on a busy
        # machine, and the proxy routes around the replica meanwhile
        loop.run_in_executor(RESTARTER, cluster.restart, victim)
        await asyncio.sleep(12)
        load.stop()
        await faultload.drain(load, timeout=cluster.settings.turn_lease + 60, progress=lambda m: None)
        figures = await faultload.reconcile(load)
    assert busy > 0, "no load before the kill"
    assert figures["acknowledged"] > busy, "no load after the kill"
    assert figures["problems"] == [], figures["problems"]
    assert figures["escalations"] > 0
    for key in (
        "turns_duplicated", "turns_lost", "out_of_order", "replies_duplicated", "replies_lost",
        "replies_identical", "answers_lost", "answers_extra",
    ):  # fmt: skip
        assert figures[key] == 0, (key, figures)
    assert figures["turned"] >= figures["acknowledged"]
    assert figures["escalations_ok"] == figures["escalations"]
    assert time.monotonic() - killed_at < cluster.settings.turn_lease + 90
