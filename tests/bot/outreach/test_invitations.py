"""The send schedule (bot/outreach/invitations.py) on a real nx-27017 and Valkey:
planning is idempotent, a cancelled stay cancels, claims are exclusive, an expired
claim is taken over only before sending began (at most once), retries back off."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from types import SimpleNamespace

import pytest

from bot.base.names import INVITATIONS, STAYS
from bot.base.sealing import Cipher
from bot.base.settings import PROJECT_ROOT
from bot.i18n import Catalog
from bot.outreach.invitations import (
    InvitationStore,
    invitation_id,
    plan_from_stays,
)
from bot.outreach.plan import Planned
from bot.outreach.stays import Stay, StayStore
from bot.privacy import retention
from bot.privacy.stores import RETENTION, STORES, Subject
from bot.tenants.outreach_policy import parse_outreach
from bot.tenants.registry import Tenants
from tests.bot.outreach.backing import running

T0 = 1_780_000_000.0  # 2026-05-28


@pytest.fixture()
def backing(tmp_path):
    yield from running(tmp_path)


def tenant():
    t = Tenants.load(PROJECT_ROOT / "config" / "tenants.yml", Catalog.load().languages).get("alpenhof")
    policy = parse_outreach(
        "alpenhof",
        {
            "enabled": True,
            "journeys": [
                {
                    "id": "in_stay",
                    "when": {"after": "arrival", "days": 1, "at": "10:00"},
                    "channels": ["sms"],
                },
                {"id": "post_stay", "when": {"after": "checkout", "hours": 3}, "channels": ["sms", "email"]},
            ],
        },
    )
    return replace(t, outreach=policy)


def stay_doc(n: int, due: float = T0, status: str = "checked_out") -> dict:
    return {"_id": f"s_{n:04d}", "guest_ref": f"g{n}", "guest_refs": [f"g{n}"], "status": status}


async def test_planning_twice_inserts_nothing_twice(backing):
    mongo = backing.mongo()
    store = InvitationStore(mongo, "alpenhof")
    docs = [InvitationStore.document(stay_doc(1), Planned("post_stay", 0, T0), "de", T0)]
    assert (await store.plan(docs, T0))["new"] == 1
    again = await asyncio.gather(store.plan(docs, T0 + 1), store.plan(docs, T0 + 2))
    assert sum(c["new"] for c in again) == 0
    assert await mongo.database("alpenhof")[INVITATIONS].count_documents({}) == 1
    doc = await store.get(invitation_id("s_0001", "post_stay", 0))
    assert doc["_id"] == "i_0001_post_stay" and doc["status"] == "planned" and doc["attempts"] == 0
    assert invitation_id("s_abc", "post_stay", 1) == "i_abc_post_stay_r"


async def test_a_changed_stay_replans_and_a_cancelled_one_cancels(backing):
    store = InvitationStore(backing.mongo(), "alpenhof")
    await store.plan([InvitationStore.document(stay_doc(1), Planned("post_stay", 0, T0), "de", T0)], T0)
    moved = InvitationStore.document(stay_doc(1), Planned("post_stay", 0, T0 + 3600), "en", T0)
    assert (await store.plan([moved], T0 + 1))["replanned"] == 1
    doc = await store.get("i_0001_post_stay")
    assert doc["due"] == T0 + 3600 and doc["lang"] == "en"
    gone = InvitationStore.document(stay_doc(1), Planned("post_stay", 0, T0, "cancelled_stay"), "en", T0)
    assert (await store.plan([gone], T0 + 2))["cancelled"] == 1
    doc = await store.get("i_0001_post_stay")
    assert doc["status"] == "cancelled" and doc["reason"] == "cancelled_stay"
    # settled: a later plan changes nothing
    assert (await store.plan([moved], T0 + 3))["replanned"] == 0


async def test_two_claimers_never_share_an_invitation(backing):
    mongo = backing.mongo()
    store = InvitationStore(mongo, "alpenhof")
    docs = [
        InvitationStore.document(stay_doc(n), Planned("post_stay", 0, T0 - n), "de", T0) for n in range(60)
    ]
    docs.append(InvitationStore.document(stay_doc(99), Planned("post_stay", 0, T0 + 600), "de", T0))
    await store.plan(docs, T0)
    a, b = InvitationStore(mongo, "alpenhof"), InvitationStore(mongo, "alpenhof")
    got = await asyncio.gather(
        a.claim_due("a", T0, limit=40), b.claim_due("b", T0, limit=40), a.claim_due("a2", T0, limit=40)
    )
    ids = [d["_id"] for batch in got for d in batch]
    assert len(ids) == len(set(ids)) == 60  # every due one, once; not the one due later
    assert all(d["status"] == "claimed" and d["attempts"] == 1 for batch in got for d in batch)
    assert await store.claim_due("c", T0 + 1) == []  # leases still held


async def test_an_expired_claim_is_taken_over_only_before_sending_began(backing):
    store = InvitationStore(backing.mongo(), "alpenhof")
    docs = [InvitationStore.document(stay_doc(n), Planned("post_stay", 0, T0), "de", T0) for n in (1, 2)]
    await store.plan(docs, T0)
    first = await store.claim_due("dead", T0, lease=60)
    assert len(first) == 2
    assert await store.begin_send("i_0002_post_stay", "dead", T0 + 1, lease=59)  # then it died
    assert await store.claim_due("other", T0 + 30) == []  # lease not over
    taken = await store.claim_due("other", T0 + 61)
    assert [d["_id"] for d in taken] == ["i_0001_post_stay"] and taken[0]["attempts"] == 2
    assert not await store.begin_send("i_0001_post_stay", "dead", T0 + 62)  # no longer its claim
    assert await store.begin_send("i_0001_post_stay", "other", T0 + 62)
    assert await store.mark_sent("i_0001_post_stay", "other", "sms", [], T0 + 63)
    assert not await store.mark_sent("i_0001_post_stay", "dead", "sms", [], T0 + 63)
    assert await store.expire_uncertain(T0 + 61) == 1
    doc = await store.get("i_0002_post_stay")
    assert doc["status"] == "failed" and doc["reason"] == "uncertain"
    assert await store.claim_due("third", T0 + 10_000) == []


async def test_lease_renewal_keeps_the_claim(backing):
    store = InvitationStore(backing.mongo(), "alpenhof")
    await store.plan([InvitationStore.document(stay_doc(1), Planned("post_stay", 0, T0), "de", T0)], T0)
    await store.claim_due("me", T0, lease=60)
    assert await store.renew("i_0001_post_stay", "me", T0 + 50, lease=60)
    assert await store.claim_due("other", T0 + 70) == []
    assert not await store.renew("i_0001_post_stay", "other", T0 + 70)


async def test_a_release_plans_again_later(backing):
    store = InvitationStore(backing.mongo(), "alpenhof")
    await store.plan([InvitationStore.document(stay_doc(1), Planned("post_stay", 0, T0), "de", T0)], T0)
    await store.claim_due("me", T0)
    await store.begin_send("i_0001_post_stay", "me", T0)
    assert await store.release("i_0001_post_stay", "me", T0 + 120, T0, reason="rate_limited")
    assert await store.claim_due("me", T0 + 60) == []
    again = await store.claim_due("me", T0 + 120)
    assert again[0]["attempts"] == 2 and again[0]["sending_at"] == 0.0


async def test_plan_from_stays_plans_new_and_changed_stays_once(backing):
    mongo, redis = backing.mongo(), backing.redis()
    t = tenant()
    s = backing.settings
    stays = StayStore(mongo, "alpenhof", Cipher(s.data_keys), s.guest_key)
    now = 1_781_000_000.0  # 2026-06-09
    rows = [
        Stay(f"R{n}", "expected", "2026-06-10", "2026-06-12", phone=f"+4915112345{n:03d}", language="de")
        for n in range(5)
    ]
    await stays.upsert(rows, source="import", import_id="imp1", now=now)
    invitations = InvitationStore(mongo, "alpenhof")
    coll = mongo.database("alpenhof")[STAYS]
    first = await plan_from_stays(invitations, coll, redis, t, t.outreach, now)
    assert first["stays"] == 5 and first["new"] == 10
    assert (await plan_from_stays(invitations, coll, redis, t, t.outreach, now + 1))["stays"] == 0
    cancelled = replace(rows[0], status="cancelled")
    await stays.upsert([cancelled], source="import", import_id="imp2", now=now + 10)
    again = await plan_from_stays(invitations, coll, redis, t, t.outreach, now + 11)
    assert again["stays"] == 1 and again["new"] == 0 and again["cancelled"] == 2
    sid = stays.id_of("R0")
    assert {d["status"] for d in await invitations.of_stay(sid)} == {"cancelled"}
    await redis.delete("rapport:outreach:planned:alpenhof")  # lost: everything replanned, nothing doubled
    lost = await plan_from_stays(invitations, coll, redis, t, t.outreach, now + 12)
    assert lost["stays"] == 5 and lost["new"] == 0
    assert await mongo.database("alpenhof")[INVITATIONS].count_documents({}) == 10
    await redis.close()


async def test_the_privacy_registry_exports_erases_and_expires_invitations_by_either_ref(backing):
    mongo = backing.mongo()
    store = InvitationStore(mongo, "alpenhof")
    two_refs = {"_id": "s_0001", "guest_ref": "g_phone", "guest_refs": ["g_phone", "g_mail"], "status": "x"}
    docs = [
        InvitationStore.document(two_refs, Planned("post_stay", 0, T0), "de", T0),
        InvitationStore.document(stay_doc(2), Planned("post_stay", 0, T0 + 86400 * 400), "de", T0),
    ]
    await store.plan(docs, T0)
    ctx = SimpleNamespace(db=mongo.database)
    registry = next(s for s in STORES if s.name == "invitations")
    by_mail = Subject("alpenhof", "g_mail")
    (exported,) = await registry.export(ctx, by_mail)
    assert exported["_id"] == "i_0001_post_stay" and exported["journey"] == "post_stay"
    assert await registry.scan(ctx, Subject("alpenhof", "g_phone")) == 1
    assert await registry.erase(ctx, by_mail) == 1
    assert await registry.scan(ctx, Subject("alpenhof", "g_phone")) == 0
    assert await store.get("i_0002_post_stay") is not None  # only that guest
    rule = RETENTION[INVITATIONS]
    coll = mongo.database("alpenhof")[INVITATIONS]
    assert await retention._old(coll, rule.activity, T0 + 86400 * 30) == []  # due in a year
    assert await retention._old(coll, rule.activity, T0 + 86400 * 401) == ["i_0002_post_stay"]
