"""The admins' edited outreach policy (bot/outreach/settings.py) on a real nx-27017:
validated field by field with parse_outreach, audited, stored by replacement, refused
when someone else saved meanwhile; effective_policy falls back to tenants.yml."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import replace
from pathlib import Path

import pytest

from bot.audit.log import AuditLog
from bot.base.errors import InvalidInput
from bot.base.names import OUTREACH_SETTINGS
from bot.base.settings import Secret
from bot.i18n import Catalog
from bot.outreach.settings import (
    PolicyConflict,
    PolicyInvalid,
    effective_policy,
    reset_policy,
    save_policy,
    stored_policy,
    validate,
)
from bot.tenants.registry import Tenants

CATALOG = Catalog.load()
TENANTS = Tenants.load(Path("config/tenants.yml"), CATALOG.languages)
ALPENHOF = TENANTS.get("alpenhof")
SID = "HX" + "0" * 32


def edited() -> dict:
    policy = copy.deepcopy(ALPENHOF.outreach.public())
    policy["quiet_hours"] = {"from": "22:00", "to": "08:00"}
    policy["journeys"][1]["whatsapp_template"] = {"de": SID, "en": SID}
    return policy


def audit_of(mongo) -> AuditLog:
    return AuditLog(mongo.client, mongo.db_prefix, mongo.db_prefix + "_control", keys=(Secret("k" * 32),))


async def audit_entries(mongo) -> list[dict]:
    return await mongo.database("alpenhof").audit.find({}, {"_id": 0}).to_list(None)


def test_the_policy_as_the_console_shows_it_validates_unchanged():
    assert validate(ALPENHOF, ALPENHOF.outreach.public()) == ALPENHOF.outreach


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: p.update(enabled="yes"), "enabled"),
        (lambda p: p.update(quiet_hours={"from": "25:00", "to": "08:00"}), "quiet_hours"),
        (lambda p: p.update(cap={"hours": -1, "per_stay": 2}), "cap"),
        (lambda p: p.update(checkout_time="11h"), "checkout_time"),
        (lambda p: p.update(rate_per_second={"fax": 1}), "rate_per_second"),
        (lambda p: p.update(review_links=[{"site": "G", "url": "http://x.example"}]), "review_links"),
        (lambda p: p.update(journeys="post_stay"), "journeys"),
        (lambda p: p["journeys"][0].update(id="Post Stay"), "journeys.0.id"),
        (lambda p: p["journeys"][1].update(when={"after": "checkout", "hours": 1000}), "journeys.1.when"),
        (
            lambda p: p["journeys"][1].update(when={"after": "arrival", "days": 99, "at": "10:00"}),
            "journeys.1.when",
        ),
        (
            lambda p: p["journeys"][1].update(when={"after": "arrival", "days": 1, "at": "7"}),
            "journeys.1.when",
        ),
        (lambda p: p["journeys"][1].update(channels=["sms", "sms"]), "journeys.1.channels"),
        (lambda p: p["journeys"][1].update(channels=[]), "journeys.1.channels"),
        (lambda p: p["journeys"][1].update(reminder={"after_hours": 0}), "journeys.1.reminder"),
        (
            lambda p: p["journeys"][1].update(whatsapp_template={"de": "HXnope"}),
            "journeys.1.whatsapp_template",
        ),
        (lambda p: p["journeys"][1].update(whatsapp_template={"ja": SID}), "journeys.1.whatsapp_template"),
        (lambda p: p["journeys"][1].update(enabled=1), "journeys.1.enabled"),
        (lambda p: p["journeys"][1].update(colour="red"), "journeys.1"),
        (lambda p: p["journeys"].append(dict(p["journeys"][0])), "journeys"),
        (lambda p: p.update(colour="red"), "policy"),
    ],
)
def test_a_refused_policy_names_the_field(change, field):
    policy = edited()
    change(policy)
    with pytest.raises(PolicyInvalid) as e:
        validate(ALPENHOF, policy)
    assert field in e.value.fields, e.value.fields
    assert e.value.code == "policy_invalid" and "tenant alpenhof" not in e.value.fields[field]


def test_a_journey_named_like_a_field_still_names_the_right_field():
    policy = edited()
    policy["journeys"][0].update(id="reminder", channels=["fax"])
    with pytest.raises(PolicyInvalid) as e:
        validate(ALPENHOF, policy)
    assert list(e.value.fields) == ["journeys.0.channels"]


def test_every_refused_field_is_named_at_once():
    policy = edited()
    policy["checkout_time"] = "noon"
    policy["journeys"][0]["channels"] = ["pigeon"]
    policy["journeys"][1]["when"] = {"after": "lunch"}
    with pytest.raises(PolicyInvalid) as e:
        validate(ALPENHOF, policy)
    assert set(e.value.fields) == {"checkout_time", "journeys.0.channels", "journeys.1.when"}


async def test_without_a_stored_policy_the_files_applies(mongo):
    assert await effective_policy(mongo, ALPENHOF) == ALPENHOF.outreach
    stored = await stored_policy(mongo.database("alpenhof"), ALPENHOF)
    assert (stored.source, stored.version, stored.updated_by) == ("config", 0, None)


async def test_a_saved_policy_is_in_force_audited_with_ids_only_and_round_trips(mongo):
    audit = audit_of(mongo)
    db = mongo.database("alpenhof")
    saved = await save_policy(
        db, audit, ALPENHOF, edited(), staff_id="stf_1", username="anna", version=0, now=1000.5
    )
    assert saved.version == 1 and saved.source == "console"
    policy = await effective_policy(mongo, ALPENHOF)
    assert policy == validate(ALPENHOF, edited()) and policy != ALPENHOF.outreach
    assert policy.journey("post_stay").template("de") == SID and policy.journey("in_stay").enabled is False
    doc = await db[OUTREACH_SETTINGS].find_one({"_id": "policy"})
    assert (doc["version"], doc["updated_at"], doc["updated_by"]) == (1, 1000.5, "anna")
    assert doc["policy"]["enabled"] is True  # a replacement keeps booleans (no $set)
    (entry,) = await audit_entries(mongo)
    assert (entry["actor"], entry["action"], entry["resource_id"], entry["tenant"]) == (
        "stf_1",
        "outreach.policy.change",
        "alpenhof",
        "alpenhof",
    )
    assert entry["detail"] == {"version": 1, "journeys": 2, "enabled": True}
    assert "anna" not in str(entry) and "google" not in str(entry).lower()
    # saved again on top of version 1
    again = await save_policy(
        db, audit, ALPENHOF, ALPENHOF.outreach.public(), staff_id="stf_1", username="anna", version=1
    )
    assert again.version == 2 and await effective_policy(mongo, ALPENHOF) == ALPENHOF.outreach


async def test_a_refused_policy_changes_nothing_and_is_not_audited_as_a_change(mongo):
    audit = audit_of(mongo)
    db = mongo.database("alpenhof")
    bad = edited()
    bad["enabled"] = "sometimes"
    with pytest.raises(PolicyInvalid):
        await save_policy(db, audit, ALPENHOF, bad, staff_id="stf_1", username="anna", version=0)
    with pytest.raises(InvalidInput):
        await save_policy(db, audit, ALPENHOF, edited(), staff_id="stf_1", username="anna", version=True)
    assert await db[OUTREACH_SETTINGS].find_one({}) is None
    assert await audit_entries(mongo) == []


async def test_two_admins_saving_the_same_version_the_second_is_refused(mongo):
    audit = audit_of(mongo)
    db = mongo.database("alpenhof")
    first, second = edited(), edited()
    second["checkout_time"] = "12:00"

    async def save(policy):
        try:
            return await save_policy(db, audit, ALPENHOF, policy, staff_id="stf", username="a", version=0)
        except PolicyConflict as e:
            return e

    results = await asyncio.gather(save(first), save(second))
    assert sorted(type(r).__name__ for r in results) == ["PolicyConflict", "StoredPolicy"]
    # on top of the saved version 1, a stale save of version 0 or 2 is refused as well
    for stale in (0, 2):
        with pytest.raises(PolicyConflict):
            await save_policy(db, audit, ALPENHOF, first, staff_id="stf", username="a", version=stale)
    assert (await stored_policy(db, ALPENHOF)).version == 1


async def test_reset_returns_to_the_files_policy(mongo):
    audit = audit_of(mongo)
    db = mongo.database("alpenhof")
    await save_policy(db, audit, ALPENHOF, edited(), staff_id="stf", username="a", version=0)
    with pytest.raises(PolicyConflict):
        await reset_policy(db, audit, ALPENHOF, staff_id="stf", version=7)
    back = await reset_policy(db, audit, ALPENHOF, staff_id="stf", version=1)
    assert back.source == "config" and await effective_policy(mongo, ALPENHOF) == ALPENHOF.outreach


async def test_a_stored_policy_that_no_longer_parses_falls_back_to_the_file(mongo):
    db = mongo.database("alpenhof")
    policy = edited()
    policy["journeys"][1]["whatsapp_template"] = {"ja": SID}  # a language the hotel dropped
    await db[OUTREACH_SETTINGS].insert_one({"_id": "policy", "policy": policy, "version": 3})
    assert await effective_policy(mongo, ALPENHOF) == ALPENHOF.outreach


async def test_the_policy_cache_reads_once_per_ttl_and_keeps_the_last_known_when_storage_fails(mongo):
    from bot.base.errors import StorageError
    from bot.outreach import settings as module

    clock = [0.0]
    calls = []

    async def counting(m, tenant):
        calls.append(tenant.id)
        if len(calls) == 3:
            raise StorageError("down")
        return replace(tenant.outreach, cap_per_stay=len(calls) + 5)  # 6, then 7

    cache = module.PolicyCache(mongo, ttl=30, clock=lambda: clock[0])
    tenant = ALPENHOF
    original, module.effective_policy = module.effective_policy, counting
    try:
        first = await cache.get(tenant)
        clock[0] = 29.0
        assert await cache.get(tenant) is first and calls == ["alpenhof"]  # within the ttl
        assert first.cap_per_stay == 6
        clock[0] = 31.0
        assert (await cache.get(tenant)).cap_per_stay == 7 and len(calls) == 2
        clock[0] = 62.0
        kept = await cache.get(tenant)
        assert kept.cap_per_stay == 7 and len(calls) == 3  # storage down: the last known
    finally:
        module.effective_policy = original
