"""apaleo end to end without the stack: the stand-in (devtools/fake_apaleo.py) fires its
webhook at a small server around `receive` + `process` (what the console route does),
the reservation is re-fetched with client credentials and stored in nx-27017."""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web

from bot.base.names import PMS_EVENTS, STAYS
from bot.base.refs import address_guest_ref
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.base.states import Channel
from bot.i18n import Catalog
from bot.outreach.pms import apaleo
from bot.outreach.pms.base import Backoff, Counters
from bot.outreach.pms.events import EventStore, process
from bot.outreach.pms.poller import poll_round, sync_tenant
from bot.outreach.pms.registry import connector_for
from bot.outreach.pms.webhook import receive
from bot.outreach.stays import StayStore
from bot.tenants.registry import Tenants
from devtools.fake_apaleo import running_fake

CLIENT, SECRET, TOKEN = "RAPP-AC-ALPENHOF", "s3cret-client", "w" * 32
FAST = Backoff(attempts=4, base=0.01, cap=0.05)

TENANTS = """
tenants:
  - id: alpenhof
    name: Hotel Alpenhof
    widget_key: wk_a
    languages: [de, en, it, fr, es]
    default_language: de
    country: DE
    timezone: Europe/Berlin
    questions: [{{id: overall, kind: rating, scale: {{low: 1, high: 5}}}}]
    pms: {{kind: apaleo, client_id: {client}, identity_url: "{url}", api_url: "{url}", property_id: MUC}}
  - id: seehof
    name: Hotel Seehof
    widget_key: wk_s
    languages: [de, en]
    default_language: de
    country: DE
    timezone: Europe/Berlin
    questions: [{{id: overall, kind: rating, scale: {{low: 1, high: 5}}}}]
    pms: {{kind: apaleo, client_id: SEEHOF-AC, identity_url: "{url}", api_url: "{url}"}}
  - id: laguna
    name: Albergo Laguna
    widget_key: wk_l
    languages: [it, en]
    default_language: it
    country: IT
    timezone: Europe/Rome
    questions: [{{id: overall, kind: rating, scale: {{low: 1, high: 5}}}}]
"""


def reservation(rid: str = "ABCDEF-1", status: str = "Confirmed", **guest) -> dict:
    return {
        "id": rid,
        "status": status,
        "arrival": "2026-12-20T15:00:00+01:00",
        "departure": "2026-12-23T11:00:00+01:00",
        "property": {"id": "MUC"},
        "channelCode": "Direct",
        "unitGroup": {"code": "DBL"},
        "primaryGuest": {"firstName": "Anna", "lastName": "Muster", "phone": "+49 170 1234567", **guest},
    }


@pytest.fixture()
async def apaleo_fake():
    apaleo.forget_tokens()
    async with running_fake({CLIENT: SECRET}) as fake:
        yield fake
    apaleo.forget_tokens()


@pytest.fixture()
def world(mongo, mongo_env, tmp_path: Path, apaleo_fake):
    path = tmp_path / "tenants.yml"
    path.write_text(TENANTS.format(client=CLIENT, url=apaleo_fake.url))
    env = {
        **mongo_env,
        "RAPPORT_TENANTS": str(path),
        "RAPPORT_PMS_ALPENHOF_CLIENT_SECRET": SECRET,
        "RAPPORT_PMS_ALPENHOF_WEBHOOK_TOKEN": TOKEN,
        "RAPPORT_PMS_SEEHOF_CLIENT_SECRET": "seehof-secret",
        "RAPPORT_PMS_SEEHOF_WEBHOOK_TOKEN": "s" * 32,
    }
    settings = Settings.from_env(env)
    tenants = Tenants.load(path, Catalog.load().languages)
    return settings, tenants


def stays_of(mongo, settings):
    return StayStore(mongo, "alpenhof", Cipher(settings.data_keys), settings.guest_key)


@asynccontextmanager
async def webhook_server(mongo, settings, tenants, counters: Counters, timeout: float = 2.0):
    """POST /pms/<tenant>/<kind>/webhook/<token>: receive, then process inline."""

    async def hook(request: web.Request) -> web.Response:
        m = request.match_info
        answer = await receive(
            mongo, settings, tenants, m["tenant"], m["kind"], m["token"], await request.read()
        )
        if answer.event is not None:
            tenant = tenants.get(m["tenant"])
            conn = connector_for(settings, tenant, counters=counters, timeout=timeout, backoff=FAST)
            try:
                answer.body["outcome"] = await process(
                    EventStore(mongo, tenant.id), stays_of(mongo, settings), conn, answer.event
                )
            finally:
                await conn.close()
        return web.json_response(answer.body, status=answer.status)

    app = web.Application()
    app.add_routes([web.post("/pms/{tenant}/{kind}/webhook/{token}", hook)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def test_webhook_refetches_and_stores_the_stay_sealed_under_the_sms_guest_ref(
    mongo, world, apaleo_fake
):
    settings, tenants = world
    await apaleo_fake.add(reservation(email="Anna@Example.org", preferredLanguage="en"))
    counters = Counters()
    async with webhook_server(mongo, settings, tenants, counters) as base:
        url = f"{base}/pms/alpenhof/apaleo/webhook/{TOKEN}"
        fired = await apaleo_fake.fire(url, "ABCDEF-1", "created", event_id="ev-1")
        assert fired["http_status"] == 200
        assert fired["body"] == {"ok": True, "event": "recorded", "outcome": "new"}

        stored = await stays_of(mongo, settings).get("ABCDEF-1")
        assert stored["phone"] == "+491701234567" and stored["email"] == "anna@example.org"
        assert stored["status"] == "expected" and stored["source"] == "apaleo" and stored["language"] == "en"
        assert stored["guest_ref"] == address_guest_ref(
            settings.guest_key, "alpenhof", Channel.SMS, "+491701234567"
        )
        raw = await mongo.database("alpenhof")[STAYS].find_one({"_id": stored["_id"]})
        assert "+491701234567" not in str(raw) and "Anna" not in str(raw)  # sealed
        event_doc = await mongo.database("alpenhof")[PMS_EVENTS].find_one({"_id": "apaleo:ev-1"})
        assert event_doc["status"] == "done" and event_doc["stay"] == stored["_id"]
        assert "Anna" not in str(event_doc) and "+49" not in str(event_doc)

        # the guest checks out: a new event, the stay follows the PMS, the body's data unused
        await apaleo_fake.add(
            {**reservation(status="CheckedOut"), "checkOutTime": "2026-12-23T10:05:00+01:00"}
        )
        fired = await apaleo_fake.fire(url, "ABCDEF-1", "checked-out", event_id="ev-2")
        assert fired["body"]["outcome"] == "changed"
        stored = await stays_of(mongo, settings).get("ABCDEF-1")
        assert stored["status"] == "checked_out" and stored["checked_out_at"] > 0
    assert await apaleo_fake.tokens_issued() == 1  # the token is cached between events


async def test_a_replayed_webhook_is_processed_once(mongo, world, apaleo_fake):
    settings, tenants = world
    await apaleo_fake.add(reservation())
    async with webhook_server(mongo, settings, tenants, Counters()) as base:
        url = f"{base}/pms/alpenhof/apaleo/webhook/{TOKEN}"
        first = await apaleo_fake.fire(url, "ABCDEF-1", event_id="ev-same")
        before = (await apaleo_fake.attempts())["count"]
        again = [await apaleo_fake.fire(url, "ABCDEF-1", event_id="ev-same") for _ in range(3)]
    assert first["body"]["event"] == "recorded"
    assert [a["body"] for a in again] == [{"ok": True, "event": "duplicate"}] * 3
    assert (await apaleo_fake.attempts())["count"] == before  # no re-fetch for a replay
    assert await mongo.database("alpenhof")[PMS_EVENTS].count_documents({}) == 1


async def test_bad_input_gets_a_clear_answer(mongo, world, apaleo_fake, mongo_env):
    settings, tenants = world
    no_token = Settings.from_env({**mongo_env, "RAPPORT_PMS_ALPENHOF_CLIENT_SECRET": SECRET})
    short = Settings.from_env({**mongo_env, "RAPPORT_PMS_ALPENHOF_WEBHOOK_TOKEN": "short"})

    async def call(
        tenant="alpenhof",
        kind="apaleo",
        token=TOKEN,
        body=b'{"id":"e","topic":"Reservation","type":"changed","data":{"entityId":"X-1"}}',
        s=settings,
    ):
        return await receive(mongo, s, tenants, tenant, kind, token, body, now=time.time())

    assert (await call(token="w" * 31 + "x")).status == 401
    assert (await call(token="")).status == 401
    assert (await call(tenant="laguna")).status == 404  # no connector
    assert (await call(tenant="nohotel")).status == 404
    assert (await call(kind="mews")).status == 404
    assert (await call(s=no_token)).status == 404  # no webhook token configured
    assert (await call(s=short, token="short")).status == 404  # too short to be one
    assert (await call(body=b"{not json")).status == 400
    assert (await call(body=b'{"id":"e","topic":"Reservation","type":"changed","data":{}}')).status == 400
    assert (await call(body=b"\xff\xfe")).status == 400
    health = b'{"id":"h","topic":"system","type":"healthcheck","accountId":"RAPP","propertyIds":["MUC"]}'
    assert (await call(body=health)).body == {"ok": True, "event": "ignored"}
    other = b'{"id":"p","topic":"Reservation","type":"changed","propertyId":"BER","data":{"entityId":"X-1"}}'
    assert (await call(body=other)).body == {"ok": True, "event": "ignored"}
    assert await mongo.database("alpenhof")[PMS_EVENTS].count_documents({}) == 0


async def test_5xx_then_ok_is_retried_with_backoff(mongo, world, apaleo_fake):
    settings, tenants = world
    await apaleo_fake.add(reservation())
    await apaleo_fake.fault(status=503, count=2, retry_after=0)
    counters = Counters()
    async with webhook_server(mongo, settings, tenants, counters) as base:
        fired = await apaleo_fake.fire(
            f"{base}/pms/alpenhof/apaleo/webhook/{TOKEN}", "ABCDEF-1", event_id="e5"
        )
    assert fired["body"]["outcome"] == "new"
    # the two 503s hit the token endpoint (the first call), then it went through
    assert counters.server_errors == 2 and counters.retries == 2 and counters.failed == 0
    assert (await apaleo_fake.attempts())["statuses"][:3] == [503, 503, 200]


async def test_a_timeout_is_retried_reported_and_the_event_retried_by_the_round(mongo, world, apaleo_fake):
    settings, tenants = world
    await apaleo_fake.add(reservation())
    await apaleo_fake.fault(count=FAST.attempts, delay=0.6)  # every try of the first call times out
    counters = Counters()
    async with webhook_server(mongo, settings, tenants, counters, timeout=0.3) as base:
        fired = await apaleo_fake.fire(
            f"{base}/pms/alpenhof/apaleo/webhook/{TOKEN}", "ABCDEF-1", event_id="et"
        )
    assert fired["http_status"] == 200 and fired["body"]["outcome"] == "failed"  # apaleo need not resend
    assert (
        counters.timeouts == FAST.attempts and counters.retries == FAST.attempts - 1 and counters.failed == 1
    )
    events = EventStore(mongo, "alpenhof")
    doc = await events.get("apaleo:et")
    assert doc["status"] == "failed" and doc["error"] == "timeout" and doc["attempts"] == 1
    assert await stays_of(mongo, settings).get("ABCDEF-1") is None

    # not yet due: the round leaves it; once due, the round processes it
    assert await events.due(time.time()) == []
    tenant = tenants.get("alpenhof")
    later = doc["next_at"] + 1
    report = await sync_tenant(mongo, settings, tenant, now=later)
    assert report["events"] == {"new": 1}
    assert (await events.get("apaleo:et"))["status"] == "done"
    assert (await stays_of(mongo, settings).get("ABCDEF-1"))["status"] == "expected"
    # a second round finds nothing to do
    assert (await poll_round(mongo, settings, tenants, now=later + 1))[0]["events"] == {}


async def test_a_revoked_token_is_replaced_once_and_an_unknown_reservation_is_skipped(
    mongo, world, apaleo_fake
):
    settings, tenants = world
    await apaleo_fake.add(reservation())
    counters = Counters()
    conn = connector_for(settings, tenants.get("alpenhof"), counters=counters, backoff=FAST)
    try:
        assert (await conn.stay("ABCDEF-1")).status == "expected"
        await apaleo_fake.revoke()
        assert (await conn.stay("ABCDEF-1")).status == "expected"
        assert counters.token_fetches == 2 and counters.refused == 1
        assert await conn.stay("NOPE-1") is None and counters.skipped == {"not_found": 1}
    finally:
        await conn.close()


async def test_wrong_client_secret_fails_clearly(mongo, world, apaleo_fake, mongo_env, tmp_path):
    settings, tenants = world
    bad = Settings.from_env(
        {
            **mongo_env,
            "RAPPORT_TENANTS": str(tmp_path / "tenants.yml"),
            "RAPPORT_PMS_ALPENHOF_CLIENT_SECRET": "wrong",
        }
    )
    conn = connector_for(bad, tenants.get("alpenhof"), backoff=FAST)
    try:
        with pytest.raises(Exception) as caught:
            await conn.stay("ABCDEF-1")
        assert getattr(caught.value, "code", "") == "http_400" and not caught.value.retryable
    finally:
        await conn.close()


async def test_catch_up_by_modification_time(mongo, world, apaleo_fake):
    """`pms sync --since` for apaleo: the reservations modified since then, in pages."""
    settings, tenants = world
    now = time.time()
    for i in range(3):
        await apaleo_fake.add({**reservation(f"R{i}-1"), "_modified": now - 600 + i})
    await apaleo_fake.add({**reservation("OLD-1"), "_modified": now - 90_000})
    report = await sync_tenant(mongo, settings, tenants.get("alpenhof"), now=now, since=now - 3600)
    assert (report["new"], report["windows"]) == (3, 1)
    assert await stays_of(mongo, settings).get("OLD-1") is None


async def test_another_tenants_token_is_refused(mongo, world, apaleo_fake):
    settings, tenants = world
    body = b'{"id":"c1","topic":"Reservation","type":"changed","data":{"entityId":"ABCDEF-1"}}'
    answer = await receive(mongo, settings, tenants, "seehof", "apaleo", TOKEN, body)
    assert answer.status == 401
    answer = await receive(mongo, settings, tenants, "alpenhof", "apaleo", "s" * 32, body)
    assert answer.status == 401
    assert await mongo.database("seehof")[PMS_EVENTS].count_documents({}) == 0
    assert await mongo.database("alpenhof")[PMS_EVENTS].count_documents({}) == 0


async def test_concurrent_processing_of_one_event_fetches_once(mongo, world, apaleo_fake):
    settings, tenants = world
    await apaleo_fake.add(reservation())
    body = b'{"id":"cc","topic":"Reservation","type":"changed","data":{"entityId":"ABCDEF-1"}}'
    answer = await receive(mongo, settings, tenants, "alpenhof", "apaleo", TOKEN, body)
    tenant = tenants.get("alpenhof")
    conns = [connector_for(settings, tenant, backoff=FAST) for _ in range(4)]
    try:
        outcomes = await asyncio.gather(
            *(
                process(EventStore(mongo, "alpenhof"), stays_of(mongo, settings), c, answer.event)
                for c in conns
            )
        )
    finally:
        for c in conns:
            await c.close()
    assert sorted(outcomes) == ["busy", "busy", "busy", "new"]
    reads = [s for s in (await apaleo_fake.attempts())["statuses"]]
    assert len(reads) == 2  # one token, one reservation
