"""One scheduler round (bot/outreach/scheduler.py) against the real parts: nx-27017,
Valkey, the Twilio stand-in on loopback, the real SMS transport. Due invitations go out
once, in the stay's language with a signed link; suppressed guests get nothing and the
reason is recorded; the cap and quiet hours move a send; a sent invitation plans its
reminder; the provider call comes after the send stamp (at most once)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.base import invite_link
from bot.base.names import AUDIT, AUDIT_INBOX, HANDOVERS, INVITATIONS
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.channels.transports import build_outbox
from bot.i18n import Catalog
from bot.outbox.outbox import RATE_LIMITED_RETRY
from bot.outbox.sms_store import SmsStore
from bot.outreach.invitations import InvitationStore, plan_from_stays
from bot.outreach.scheduler import Scheduler, parse_at
from bot.outreach.stays import Stay, StayStore
from bot.storage.flags import FlagStore
from bot.tenants.outreach_policy import parse_outreach
from bot.tenants.registry import Tenants
from devtools.fake_twilio import FakeTwilio, running_fake
from tests.bot.outreach.backing import running

ACCOUNT = "AC" + "c3" * 16
TOKEN = "fake-token"
NOON = parse_at("2026-06-15T12:00:00", "Europe/Berlin")
MORNING = parse_at("2026-06-15T08:00:00", "Europe/Berlin")


@pytest.fixture()
def backing(tmp_path):
    yield from running(tmp_path)


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    async with running_fake({ACCOUNT: TOKEN}) as fake:
        yield fake


def tenant_with(**outreach):
    catalog = Catalog.load()
    t = Tenants.load(Settings.from_env({}).tenants_file, catalog.languages).get("alpenhof")
    raw = {
        "enabled": True,
        "quiet_hours": {"from": "21:00", "to": "09:00"},
        "rate_per_second": {"sms": 200},
        "journeys": [
            {
                "id": "post_stay",
                "when": {"after": "checkout", "hours": 3},
                "channels": ["sms", "email"],
                "reminder": {"after_hours": 24},
            }
        ],
        **outreach,
    }
    return replace(t, outreach=parse_outreach("alpenhof", raw, t.languages))


@pytest.fixture
async def world(backing, twilio):
    env = {
        **backing.env,
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_API_BASE": twilio.url,
        "RAPPORT_SMS_MAX_SEGMENTS": "10",  # one message per invitation: counted per number
    }
    settings = Settings.from_env(env)
    mongo, redis = backing.mongo(), backing.redis()
    outbox = build_outbox(settings, mongo, redis=redis)
    scheduler = Scheduler(settings, mongo, redis, outbox, Catalog.load(), lease=30)
    stays = StayStore(mongo, "alpenhof", Cipher(settings.data_keys), settings.guest_key)
    yield scheduler, stays, twilio
    await outbox.close()
    await redis.close()
    mongo.client.close()


def checked_out(n: int, at: float = MORNING, **extra) -> Stay:
    return Stay(
        f"R{n:03d}",
        extra.pop("status", "checked_out"),
        "2026-06-12",
        "2026-06-15",
        phone=f"+4915112300{n:03d}",
        first_name="Anna",
        language=extra.pop("language", "de"),
        checked_out_at=at,
        **extra,
    )


async def by_number(twilio) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for m in await twilio.messages():
        out.setdefault(m["to"], []).append(m)
    return out


async def test_due_invitations_go_out_once_with_language_and_signed_link(world):
    scheduler, stays, twilio = world
    t = tenant_with()
    await stays.upsert(
        [checked_out(1), checked_out(2, language="en")], source="import", import_id="i1", now=MORNING
    )
    first = await scheduler.run_tenant(t, NOON)
    assert first["sent_sms"] == 2 and first["planned_new"] == 2
    again = await scheduler.run_tenant(t, NOON + 60)
    assert "sent_sms" not in again  # nothing twice
    sent = await by_number(twilio)
    assert set(sent) == {"+4915112300001", "+4915112300002"} and all(len(v) == 1 for v in sent.values())
    de, en = sent["+4915112300001"][0]["body"], sent["+4915112300002"][0]["body"]
    assert "Anna" in de and "/webhooks/webchat/i/" in de and de != en
    token = de.split("/webhooks/webchat/i/")[1].split()[0]
    claim = invite_link.verify(scheduler.settings.guest_key, token, NOON)
    sid = stays.id_of("R001")
    assert claim.stay == sid and claim.tenant == "alpenhof"
    assert claim.expires_at == pytest.approx(NOON + 14 * 86400, abs=1)
    store = InvitationStore(scheduler.mongo, "alpenhof")
    doc = await store.get("i_" + sid[2:] + "_post_stay")
    assert doc["status"] == "sent" and doc["channel"] == "sms" and doc["sent_at"] == NOON
    assert doc["sending_at"] > 0 and doc["attempts"] == 1
    assert "+49151" not in str(doc) and "Anna" not in str(doc)  # no contact data, no names
    reminder = await store.get("i_" + sid[2:] + "_post_stay_r")
    assert reminder["status"] == "planned" and reminder["due"] == NOON + 24 * 3600
    db = scheduler.mongo.database("alpenhof")
    assert await db[AUDIT_INBOX].count_documents({"reads.resource_id": sid}) == 1
    record = await db[AUDIT].find_one({"action": "outreach.round"})
    assert record is not None and "+49151" not in str(record)


async def test_suppressed_guests_get_nothing_and_the_reason_is_kept(world):
    scheduler, stays, twilio = world
    t = tenant_with()
    rows = [checked_out(n) for n in range(1, 6)] + [
        checked_out(6, status="cancelled"),
        checked_out(7, status="no_show"),
    ]
    await stays.upsert(rows, source="import", import_id="i1", now=MORNING)
    ref = {n: (await stays.get(f"R{n:03d}"))["guest_ref"] for n in range(1, 6)}
    await FlagStore(scheduler.mongo, "alpenhof").set(ref[1], objected=True)
    await FlagStore(scheduler.mongo, "alpenhof").set(ref[2], restricted=True)
    await SmsStore(scheduler.mongo, "alpenhof").set_consent(ref[3], opted_out=True, keyword="stop")
    db = scheduler.mongo.database("alpenhof")
    await db[HANDOVERS].insert_one({"_id": "c_4", "guest_ref": ref[4], "state": "with_staff"})
    await db["conversations"].insert_one(
        {"_id": "c_5", "guest_ref": ref[5], "answered": 2, "updated_at": datetime(2026, 6, 13, tzinfo=UTC)}
    )
    counts = await scheduler.run_tenant(t, NOON)
    assert await twilio.messages() == []
    reasons = {d["stay"]: (d["status"], d.get("reason")) async for d in db[INVITATIONS].find({})}
    expected = {1: "objected", 2: "restricted", 3: "opted_out", 4: "with_staff", 5: "answered"}
    for n, reason in expected.items():
        assert reasons[stays.id_of(f"R{n:03d}")] == ("suppressed", reason)
    assert reasons[stays.id_of("R006")] == ("cancelled", "cancelled_stay")
    assert reasons[stays.id_of("R007")] == ("suppressed", "no_show")
    assert counts["suppressed_objected"] == 1 and counts["suppressed_answered"] == 1


async def test_a_stay_cancelled_after_planning_is_not_invited(world):
    scheduler, stays, twilio = world
    t = tenant_with()
    await stays.upsert([checked_out(1, at=NOON)], source="import", import_id="i1", now=MORNING)
    await scheduler.run_tenant(t, NOON)  # planned for 15:00
    await stays.upsert(
        [checked_out(1, at=NOON, status="cancelled")], source="import", import_id="i2", now=NOON
    )
    await scheduler.run_tenant(t, NOON + 4 * 3600)
    assert await twilio.messages() == []


async def test_quiet_hours_and_the_cap_move_a_send(world):
    scheduler, stays, twilio = world
    t = tenant_with()
    late = parse_at("2026-06-15T19:30:00", "Europe/Berlin")  # + 3 h = 22:30: quiet
    await stays.upsert([checked_out(1, at=late)], source="import", import_id="i1", now=late)
    assert "sent_sms" not in await scheduler.run_tenant(t, late + 3 * 3600 + 60)
    nine = parse_at("2026-06-16T09:00:00", "Europe/Berlin")
    assert (await scheduler.run_tenant(t, nine))["sent_sms"] == 1
    # the same guest's next stay, checked out the day after: the 48 h cap moves it
    second = Stay(
        "R900", "checked_out", "2026-06-16", "2026-06-17", phone="+4915112300001", checked_out_at=nine + 3600
    )
    await stays.upsert([second], source="import", import_id="i2", now=nine + 3600)
    moved = await scheduler.run_tenant(t, nine + 5 * 3600)
    assert moved["moved_cap"] == 1 and len(await twilio.messages()) == 1
    doc = await InvitationStore(scheduler.mongo, "alpenhof").get(
        "i_" + stays.id_of("R900")[2:] + "_post_stay"
    )
    assert doc["status"] == "planned" and doc["due"] == nine + 48 * 3600 and doc["reason"] == "cap"
    assert (await scheduler.run_tenant(t, nine + 48 * 3600))["sent_sms"] == 1


async def test_the_per_stay_cap_and_an_answer_stop_the_reminder(world):
    scheduler, stays, twilio = world
    t = tenant_with(cap={"hours": 1, "per_stay": 1})
    await stays.upsert([checked_out(1), checked_out(2)], source="import", import_id="i1", now=MORNING)
    await scheduler.run_tenant(t, NOON)
    store = InvitationStore(scheduler.mongo, "alpenhof")
    counts = await scheduler.run_tenant(t, NOON + 25 * 3600)
    assert counts["suppressed_per_stay_cap"] == 2 and len(await twilio.messages()) == 2
    t2 = tenant_with()
    await stays.upsert([checked_out(3)], source="import", import_id="i2", now=MORNING)
    await scheduler.run_tenant(t2, NOON)
    sid = stays.id_of("R003")
    await store.collection.update_one(
        {"_id": "i_" + sid[2:] + "_post_stay"}, {"$set": {"answered_at": NOON + 60}}
    )
    counts = await scheduler.run_tenant(t2, NOON + 25 * 3600)
    assert counts["suppressed_answered"] == 1 and len(await twilio.messages()) == 3


async def test_a_disabled_journey_or_policy_sends_nothing(world):
    scheduler, stays, twilio = world
    await stays.upsert([checked_out(1)], source="import", import_id="i1", now=MORNING)
    assert await scheduler.run_tenant(tenant_with(enabled=False), NOON) == {"disabled": 1}
    await scheduler.run_tenant(tenant_with(journeys=[]), NOON)  # nothing planned
    on = tenant_with()
    await scheduler.run_tenant(
        replace(on, outreach=replace(on.outreach, rate_per_second=(("sms", 200.0),))), MORNING
    )
    off = tenant_with()
    journeys = tuple(replace(j, enabled=False) for j in off.outreach.journeys)
    counts = await scheduler.run_tenant(replace(off, outreach=replace(off.outreach, journeys=journeys)), NOON)
    assert counts.get("suppressed_disabled") == 1 and await twilio.messages() == []


async def test_the_provider_is_called_only_after_the_send_stamp(world):
    """At most once: a claim whose holder stamped it and died is never sent again."""
    scheduler, stays, twilio = world
    t = tenant_with()
    await stays.upsert([checked_out(1)], source="import", import_id="i1", now=MORNING)
    store = InvitationStore(scheduler.mongo, "alpenhof")
    await scheduler.run_tenant(tenant_with(enabled=False), NOON)
    db = scheduler.mongo.database("alpenhof")
    await plan_from_stays(store, db["stays"], scheduler.redis, t, t.outreach, NOON)
    now = scheduler.clock()
    [inv] = await store.claim_due("dead-process", now, lease=1, due_by=NOON)
    assert await store.begin_send(inv["_id"], "dead-process", now, lease=1)  # ... and it died here
    await asyncio.sleep(1.2)
    counts = await scheduler.run_tenant(t, NOON)
    assert counts["uncertain"] == 1 and "sent_sms" not in counts
    assert await twilio.messages() == []
    doc = await store.get(inv["_id"])
    assert doc["status"] == "failed" and doc["reason"] == "uncertain"


async def test_twilios_429_puts_the_invitation_back_for_later(world):
    scheduler, stays, twilio = world
    t = tenant_with()
    await stays.upsert([checked_out(1)], source="import", import_id="i1", now=MORNING)
    await twilio.fault(429, count=4, retry_after=0)  # as many as the Twilio client tries
    counts = await scheduler.run_tenant(t, NOON)
    assert counts["retry_rate_limited"] == 1
    store = InvitationStore(scheduler.mongo, "alpenhof")
    [doc] = [d async for d in store.collection.find({})]
    assert doc["status"] == "planned" and doc["due"] > NOON and doc["attempts"] == 0
    await asyncio.sleep(RATE_LIMITED_RETRY)  # the number's bucket was pushed back for every process
    counts = await scheduler.run_tenant(t, doc["due"])
    assert counts["sent_sms"] == 1


def test_send_due_refuses_a_malformed_time_and_an_unknown_tenant(tmp_path):
    import io

    from bot.outreach.cli import main

    env = {"RAPPORT_DATA_DIR": str(tmp_path)}
    err = io.StringIO()
    assert main(["send-due", "--tenant", "alpenhof", "--now", "tomorrow-ish"], env=env, err=err) == 2
    assert "bad_time" in err.getvalue()
    err = io.StringIO()
    assert main(["send-due", "--tenant", "nowhere"], env=env, err=err) == 2
    assert err.getvalue().startswith("error:")


def test_now_without_an_offset_is_the_hotels_local_time():
    assert parse_at("2026-03-29T10:00", "Europe/Berlin") == datetime(2026, 3, 29, 8, tzinfo=UTC).timestamp()
    assert (
        parse_at("2026-03-29T10:00+00:00", "Europe/Berlin")
        == datetime(2026, 3, 29, 10, tzinfo=UTC).timestamp()
    )
    with pytest.raises(ValueError):
        parse_at("soon")


async def test_the_policy_admins_saved_in_the_console_is_the_one_sent_by(world):
    from bot.audit.log import AuditLog
    from bot.outreach.settings import save_policy

    scheduler, stays, twilio = world
    t = tenant_with()  # enabled in the file
    edited = {**t.outreach.public(), "enabled": False}
    db = scheduler.mongo.database("alpenhof")
    audit = AuditLog.from_settings(scheduler.mongo.client, scheduler.settings)
    await save_policy(db, audit, t, edited, staff_id="st_1", username="admin", version=0, now=MORNING)
    await stays.upsert([checked_out(7)], source="import", import_id="i7", now=MORNING)
    assert await scheduler.run_tenant(t, NOON) == {"disabled": 1}
    assert await scheduler.run_all([t], NOON) == {}
    assert await twilio.messages() == []
