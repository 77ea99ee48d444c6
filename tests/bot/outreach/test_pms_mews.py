"""Mews polling without the stack: the stand-in (devtools/fake_mews.py), nx-27017, rolling
windows with a cursor that survives a restart."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import time
from pathlib import Path

import pytest

from bot.base.names import AUDIT, PMS_CURSORS
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.i18n import Catalog
from bot.outreach.cli import main
from bot.outreach.pms.base import Backoff, Counters
from bot.outreach.pms.poller import CursorStore, poll, poll_round
from bot.outreach.pms.registry import connector_for
from bot.outreach.stays import StayStore
from bot.tenants.registry import Tenants
from devtools.fake_mews import running_fake

CT, AT = "client-token-1", "access-token-1"
FAST = Backoff(attempts=3, base=0.01, cap=0.05)
HOUR = 3600.0

TENANTS = """
tenants:
  - id: laguna
    name: Albergo Laguna
    widget_key: wk_l
    languages: [it, en, de]
    default_language: it
    country: IT
    timezone: Europe/Rome
    questions: [{{id: overall, kind: rating, scale: {{low: 1, high: 5}}}}]
    pms: {{kind: mews, api_url: "{url}", window_minutes: 60, overlap_seconds: 120, initial_hours: 3}}
"""


def iso(at: float) -> str:
    return dt.datetime.fromtimestamp(at, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def res(number: str, state: str, updated: float, **more) -> dict:
    return {
        "Id": f"00000000-0000-4000-8000-{int(number):012d}",
        "Number": number,
        "State": state,
        "ScheduledStartUtc": "2026-12-20T14:00:00Z",
        "ScheduledEndUtc": "2026-12-23T10:00:00Z",
        "Origin": "Connector",
        "UpdatedUtc": iso(updated),
        **more,
    }


def guest(n: int) -> dict:
    return {"Id": f"c{n}", "FirstName": "Luca", "Email": f"guest{n}@example.it", "Phone": "+39 041 520 0000"}


@pytest.fixture()
async def mews_fake():
    async with running_fake(CT, AT) as fake:
        yield fake


@pytest.fixture()
def world(mongo, mongo_env, tmp_path: Path, mews_fake):
    path = tmp_path / "tenants.yml"
    path.write_text(TENANTS.format(url=mews_fake.url))
    env = {
        **mongo_env,
        "RAPPORT_TENANTS": str(path),
        "RAPPORT_PMS_LAGUNA_CLIENT_TOKEN": CT,
        "RAPPORT_PMS_LAGUNA_ACCESS_TOKEN": AT,
    }
    return Settings.from_env(env), Tenants.load(path, Catalog.load().languages)


def store(mongo, settings):
    return StayStore(mongo, "laguna", Cipher(settings.data_keys), settings.guest_key)


async def run(mongo, settings, tenants, now, counters=None):
    conn = connector_for(
        settings, tenants.get("laguna"), counters=counters or Counters(), backoff=FAST, timeout=0.5
    )
    try:
        return await poll(conn, store(mongo, settings), CursorStore(mongo, "laguna"), now=now), conn.counters
    finally:
        await conn.close()


async def test_two_windows_a_status_change_and_a_restart_resuming_at_the_cursor(mongo, world, mews_fake):
    settings, tenants = world
    t0 = round(time.time(), 3)
    # one changed 2.5 h ago (first window), one 20 min ago (third window)
    await mews_fake.add(res("1", "Confirmed", t0 - 2.5 * HOUR), guest(1))
    await mews_fake.add(res("2", "Confirmed", t0 - 1200), guest(2))

    report, _ = await run(mongo, settings, tenants, t0)
    assert (report.windows, report.new, report.changed, report.error) == (3, 2, 0, "")
    calls = await mews_fake.calls()
    assert [c["StartUtc"] for c in calls] == [iso(t0 - 3 * HOUR), iso(t0 - 2 * HOUR), iso(t0 - HOUR)]
    assert calls[-1]["EndUtc"] == iso(t0)
    cursor = await mongo.database("laguna")[PMS_CURSORS].find_one({"_id": "mews"})
    assert cursor["until"] == t0 and cursor["error"] == ""

    # the guest of "1" checks in; a new reservation arrives (after the cursor)
    await mews_fake.add(res("1", "Started", t0 + 60), guest(1))
    await mews_fake.add(res("3", "Optional", t0 + 90), guest(3))
    # a restart: new connector, new stores, nothing in memory; resumes at cursor - overlap
    report, _ = await run(mongo, settings, tenants, t0 + 600)
    assert (report.windows, report.new, report.changed) == (1, 1, 1)
    last = (await mews_fake.calls())[-1]
    assert (last["StartUtc"], last["EndUtc"]) == (iso(t0 - 120), iso(t0 + 600))
    assert (await store(mongo, settings).get("1"))["status"] == "in_house"
    assert (await store(mongo, settings).get("3"))["status"] == "expected"

    # within the overlap: "2" is read again and left unchanged (nothing re-imported)
    await mews_fake.add(res("4", "Canceled", t0 + 590, CancellationReason="NoShow"), guest(4))
    report, _ = await run(mongo, settings, tenants, t0 + 700)
    assert (report.new, report.changed) == (1, 0)
    assert (await store(mongo, settings).get("4"))["status"] == "no_show"
    assert await store(mongo, settings).count() == 4


async def test_pages_of_a_busy_window(mongo, world, mews_fake):
    settings, tenants = world
    t0 = round(time.time(), 3)
    for n in range(1, 231):
        await mews_fake.add(res(str(n), "Confirmed", t0 - 600 + n), guest(n))
    report, counters = await run(mongo, settings, tenants, t0)
    assert report.new == 230
    # two empty windows, then three reservation pages (100, 100, 30) with a customers call each
    assert counters.requests == 2 + 3 + 3 and counters.retries == 0


async def test_429_and_5xx_are_retried_and_a_failure_keeps_the_cursor(mongo, world, mews_fake):
    settings, tenants = world
    t0 = round(time.time(), 3)
    await mews_fake.add(res("1", "Confirmed", t0 - 600), guest(1))
    await mews_fake.fault(status=429, count=1, retry_after=0)
    await mews_fake.fault(status=500, count=1)
    report, counters = await run(mongo, settings, tenants, t0)
    assert report.new == 1 and report.error == ""
    assert (counters.rate_limited, counters.server_errors, counters.retries) == (1, 1, 2)

    # every try of the next round fails: reported, cursor unchanged, stays untouched
    await mews_fake.fault(status=503, count=FAST.attempts)
    report, counters = await run(mongo, settings, tenants, t0 + 300)
    assert report.error == "http_503" and report.windows == 0 and counters.failed == 1
    cursor = await mongo.database("laguna")[PMS_CURSORS].find_one({"_id": "mews"})
    assert cursor["until"] == t0 and cursor["error"] == "http_503"
    # the next round catches up from the same cursor
    await mews_fake.add(res("2", "Confirmed", t0 + 100), guest(2))
    report, _ = await run(mongo, settings, tenants, t0 + 400)
    assert report.new == 1 and report.error == ""


async def test_timeouts_are_retried_and_reported(mongo, world, mews_fake):
    settings, tenants = world
    t0 = round(time.time(), 3)
    await mews_fake.add(res("1", "Confirmed", t0 - 600), guest(1))
    await mews_fake.fault(count=1, delay=0.8)  # the first try outlives the 0.5 s timeout
    report, counters = await run(mongo, settings, tenants, t0)
    assert report.new == 1 and report.error == ""
    assert (counters.timeouts, counters.retries, counters.failed) == (1, 1, 0)


async def test_a_timeout_counts_and_the_round_reports_it(mongo, world, mews_fake):
    settings, tenants = world
    await mews_fake.fault(count=FAST.attempts, delay=0.8)
    [out] = await poll_round(mongo, settings, tenants, now=time.time(), timeout=0.3, backoff=FAST)
    assert out["error"] == "timeout" and out["timeouts"] == FAST.attempts and out["failed"] == 1


async def test_bad_tokens_are_refused_not_retried(mongo, world, mews_fake, mongo_env, tmp_path):
    settings, tenants = world
    bad = Settings.from_env(
        {
            **mongo_env,
            "RAPPORT_PMS_LAGUNA_CLIENT_TOKEN": CT,
            "RAPPORT_PMS_LAGUNA_ACCESS_TOKEN": "wrong",
        }
    )
    [out] = await poll_round(mongo, bad, tenants, now=time.time(), backoff=FAST)
    assert out["error"] == "http_401" and out["refused"] == 1 and "retries" not in out
    [out] = await poll_round(mongo, Settings.from_env(mongo_env), tenants, now=time.time())
    assert out["error"] == "config"  # no credentials at all: a configuration error, reported


def cli(env: dict[str, str], *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["pms", "sync", *argv], env=env, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


async def test_the_cli_runs_one_round_and_prints_counts_only(mongo, world, mews_fake, mongo_env):
    settings, _ = world
    env = {**mongo_env, "RAPPORT_TENANTS": str(settings.tenants_file)}
    env |= {"RAPPORT_PMS_LAGUNA_CLIENT_TOKEN": CT, "RAPPORT_PMS_LAGUNA_ACCESS_TOKEN": AT}
    t0 = time.time()
    await mews_fake.add(res("1", "Confirmed", t0 - 600), guest(1))
    code, out, _ = await asyncio.to_thread(cli, env, "--tenant", "laguna", "--since", iso(t0 - 3600))
    assert code == 0 and "mews pms_mews_" in out and "new 1, changed 0" in out, out
    assert "guest1" not in out and "+39" not in out
    code, out, _ = await asyncio.to_thread(cli, env, "--tenant", "laguna", "--json")
    again = json.loads(out)  # from the cursor minus the 120 s overlap: nothing changed there
    assert code == 0 and (again["windows"], again["new"], again["unchanged"]) == (1, 0, 0)
    audit = [d async for d in mongo.database("laguna")[AUDIT].find({"action": "stays.pms_sync"})]
    assert len(audit) == 1 and audit[0]["detail"]["new"] == 1 and "guest1" not in str(audit)
    code, _, err = await asyncio.to_thread(cli, env, "--tenant", "laguna", "--since", "yesterday")
    assert code == 2 and "bad_since" in err
    code, _, err = await asyncio.to_thread(
        cli, {**env, "RAPPORT_PMS_LAGUNA_ACCESS_TOKEN": ""}, "--tenant", "laguna"
    )
    assert code == 2 and "ACCESS_TOKEN" in err
