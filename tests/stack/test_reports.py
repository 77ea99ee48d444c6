"""Reports (bot/reports) against the stack's MongoDB-wire server: figures checked
against a computation of their own here; ratings of guests who restricted processing
(flag true, flag 1 as nx-27017 reads back `$set`, or only their guest_flags document)
change nothing, and the same ratings unrestricted do; small groups are hidden; the
period's first day is included from 00:00 UTC and the day after its last excluded."""

from __future__ import annotations

import datetime as dt
import random
import secrets
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.base.turn import Answer
from bot.reports import build_report, parse_period
from bot.storage.documents import rating_document
from bot.storage.flags import FlagStore
from bot.storage.mongo import RATING_INDEXES, MongoStore
from bot.tenants.registry import Tenant, Tenants
from tests.stack.client import mongo

pytestmark = pytest.mark.stack

LANGUAGES = ("de", "en", "fr", "es", "it")
SCALES = {"recommend": (0, 10)}  # the others are 1-5 (config/tenants.yml, alpenhof)
RATED = ("overall", "room", "recommend")


def alpenhof(stack) -> Tenant:
    return Tenants.load(Path(stack.settings.tenants_file), LANGUAGES).get("alpenhof")


def conversation(
    tenant: str, at: dt.datetime, rng: random.Random, *, guest: str | None = None, channel: str = "sms"
) -> list[dict[str, Any]]:
    """One guest's answers to three rating questions and a comment, at `at`."""
    cid, gref = "c_" + secrets.token_hex(12), guest or "g_" + secrets.token_hex(16)
    answers = []
    for q in RATED:
        low, high = SCALES.get(q, (1, 5))
        value = float(rng.randint(low, high))
        answers.append(Answer(q, "rating", raw=str(value), value=value, score=(value - low) / (high - low)))
    answers.append(Answer("comment", "text", raw="a lovely view from room 12"))
    return [
        rating_document(
            tenant_id=tenant,
            conversation_id=cid,
            guest_ref=gref,
            channel=channel,
            language=rng.choice(("de", "en")),
            answer=answer,
            now=at,
        )
        for answer in answers
    ]


def expected(docs: list[dict[str, Any]], first: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """What the report must say, computed plainly from the seeded documents."""
    inside = [d for d in docs if first <= d["answered_at"] < end]
    out: dict[str, Any] = {"responses": len({d["conversation_id"] for d in inside})}
    for q in (*RATED, "comment"):
        mine = [d for d in inside if d["question"] == q]
        out[q] = {"count": len(mine)}
        if q in RATED:
            out[q]["mean_value"] = round(sum(d["value"] for d in mine) / len(mine), 3)
            out[q]["mean_score"] = round(sum(d["score"] for d in mine) / len(mine), 4)
            out[q]["distribution"] = Counter(int(d["value"]) for d in mine)
    rec = [d["value"] for d in inside if d["question"] == "recommend"]
    promoters, detractors = sum(v >= 9 for v in rec), sum(v <= 6 for v in rec)
    out["nps"] = round(100 * (promoters - detractors) / len(rec), 1)
    return out


@pytest.fixture
async def db(stack):
    """A throw-away tenant database on the stack's server."""
    client = mongo(stack)
    name = stack.settings.db_prefix + "reports_" + uuid.uuid4().hex[:8]
    await client[name].ratings.create_indexes(RATING_INDEXES)
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        client.close()


def by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in report["questions"]}


def figures(report: dict[str, Any]) -> dict[str, Any]:
    """Everything a reader sees, without the period header."""
    return {k: v for k, v in report.items() if k not in ("period",)}


PERIOD = ("2024-03-01", "2024-05-31")
START = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
END = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


async def seed_months(db, tenant: str, rng: random.Random) -> list[dict[str, Any]]:
    """60 conversations over the period (20 a month), a few outside it."""
    docs: list[dict[str, Any]] = []
    for month in (3, 4, 5):
        for i in range(20):
            at = dt.datetime(2024, month, 1 + i, 9, 30, tzinfo=dt.UTC)
            docs += conversation(tenant, at, rng, channel=("sms", "webchat")[i % 2])
    for at in (START - dt.timedelta(seconds=1), END, END + dt.timedelta(days=3)):
        docs += conversation(tenant, at, rng)
    await db.ratings.insert_many([dict(d) for d in docs])
    return docs


async def test_figures_match_a_computation_of_their_own(stack, db):
    tenant = alpenhof(stack)
    docs = await seed_months(db, tenant.id, random.Random(3))
    report = await build_report(db, tenant, parse_period(*PERIOD, dt.date(2026, 1, 1)))
    want = expected(docs, START, END)
    assert report["responses"] == want["responses"] == 60 and report["suppressed"] is False
    questions = by_id(report)
    for q in RATED:
        got = questions[q]
        assert (got["count"], got["mean_value"], got["mean_score"]) == (
            want[q]["count"],
            want[q]["mean_value"],
            want[q]["mean_score"],
        )
        shown = {d["value"]: d["count"] for d in got["distribution"] if not d["suppressed"]}
        assert all(want[q]["distribution"].get(v, 0) == n for v, n in shown.items())
        assert sum(shown.values()) <= want[q]["count"]
    assert questions["comment"] == {
        "id": "comment",
        "kind": "text",
        "scale": None,
        "count": 60,
        "suppressed": False,
    }
    assert "lovely" not in str(report)  # text answers are counted, never shown
    assert report["nps"]["score"] == want["nps"] and report["nps"]["count"] == 60
    months = {r["key"]: r for r in report["breakdowns"]["month"]}
    assert list(months) == ["2024-03", "2024-04", "2024-05"]
    assert all(r["responses"] == 20 for r in months.values())
    channels = {r["key"]: r["responses"] for r in report["breakdowns"]["channel"]}
    assert channels == {"sms": 30, "webchat": 30}
    may = [
        d
        for d in docs
        if d["question"] == "overall" and dt.datetime(2024, 5, 1, tzinfo=dt.UTC) <= d["answered_at"] < END
    ]
    assert months["2024-05"]["questions"]["overall"]["mean_value"] == round(
        sum(d["value"] for d in may) / len(may), 3
    )


async def test_restricted_guests_change_nothing_and_unrestricted_they_would(stack, db):
    tenant = alpenhof(stack)
    rng = random.Random(5)
    await seed_months(db, tenant.id, rng)
    period = parse_period(*PERIOD, dt.date(2026, 1, 1))
    before = await build_report(db, tenant, period)

    # three guests, five conversations each, all answers at the bottom of the scale
    guests = {way: "g_" + secrets.token_hex(16) for way in ("flag_true", "flag_1", "guest_flags_only")}
    low = random.Random(0)
    low.randint = lambda a, b: a  # type: ignore[method-assign]
    for way, gref in guests.items():
        extra = []
        for i in range(5):
            extra += conversation(tenant.id, dt.datetime(2024, 4, 10 + i, tzinfo=dt.UTC), low, guest=gref)
        if way == "flag_true":
            for d in extra:
                d["restricted"] = True  # inserted: stays a boolean
        await db.ratings.insert_many(extra)
    # as bot/privacy/execute.py does: $set (nx-27017 reads it back as 1)
    await db.ratings.update_many({"guest_ref": guests["flag_1"]}, {"$set": {"restricted": True}})
    store = MongoStore(db.client, stack.settings.db_prefix)
    flags = FlagStore(store, db.name.removeprefix(stack.settings.db_prefix))
    await flags.set(guests["guest_flags_only"], restricted=True)
    assert await db.ratings.count_documents({"guest_ref": guests["guest_flags_only"]}) == 20
    assert "restricted" not in await db.ratings.find_one({"guest_ref": guests["guest_flags_only"]})

    after = await build_report(db, tenant, period)
    assert figures(after) == figures(before)

    # the same ratings, unrestricted, do change the report (so the check above can fail)
    for way, gref in guests.items():
        await db.ratings.update_many({"guest_ref": gref}, {"$unset": {"restricted": "", "restricted_at": ""}})
        await flags.set(gref, restricted=False)
        opened = await build_report(db, tenant, period)
        assert opened["responses"] > before["responses"], way
        assert by_id(opened)["overall"]["mean_value"] < by_id(before)["overall"]["mean_value"], way
        before = opened
    assert before["responses"] == 75


async def test_small_groups_are_hidden_with_a_neighbour(stack, db):
    tenant = alpenhof(stack)
    rng = random.Random(9)
    docs = []
    for i in range(12):
        docs += conversation(tenant.id, dt.datetime(2024, 3, 2 + i, tzinfo=dt.UTC), rng, channel="sms")
    for i in range(8):
        docs += conversation(tenant.id, dt.datetime(2024, 3, 2 + i, tzinfo=dt.UTC), rng, channel="webchat")
    for i in range(2):  # two e-mail guests, and one guest in May
        docs += conversation(tenant.id, dt.datetime(2024, 4, 2 + i, tzinfo=dt.UTC), rng, channel="email")
    docs += conversation(tenant.id, dt.datetime(2024, 5, 7, tzinfo=dt.UTC), rng, channel="sms")
    await db.ratings.insert_many(docs)
    report = await build_report(db, tenant, parse_period(*PERIOD, dt.date(2026, 1, 1)))
    assert report["responses"] == 23
    channels = {r["key"]: r for r in report["breakdowns"]["channel"]}
    email = channels["email"]
    assert email["suppressed"] is True and email["responses"] is None
    assert all(c == {"count": None, "suppressed": True} for c in email["questions"].values())
    # 2 alone could be worked out as 23 - 13 - 8: the next smallest (webchat, 8) is hidden too
    assert channels["webchat"]["responses"] is None and channels["sms"]["responses"] == 13
    months = {r["key"]: r for r in report["breakdowns"]["month"]}
    # April (2) and May (1) together are still fewer than 5: March goes too
    assert [r["responses"] for r in months.values()] == [None, None, None]
    for dist in by_id(report)["overall"]["distribution"]:
        assert dist["count"] is None or dist["count"] == 0 or dist["count"] >= 5
    assert any("fewer than 5" in n for n in report["notes"])

    # a period with fewer than 5 responses shows nothing at all
    tiny = await build_report(db, tenant, parse_period("2024-05-01", "2024-05-31", dt.date(2026, 1, 1)))
    assert tiny["suppressed"] is True and tiny["responses"] is None and tiny["questions"] == []


async def test_period_bounds_first_day_included_day_after_last_excluded(stack, db):
    tenant = alpenhof(stack)
    rng = random.Random(11)
    edges = {
        "before": START - dt.timedelta(microseconds=1000),
        "first": START,
        "last": END - dt.timedelta(microseconds=1000),
        "after": END,
    }
    seeded = {}
    for name, at in edges.items():
        seeded[name] = conversation(tenant.id, at, rng)
        await db.ratings.insert_many([dict(d) for d in seeded[name]])
    report = await build_report(db, tenant, parse_period(*PERIOD, dt.date(2026, 1, 1)), min_group=1)
    assert report["responses"] == 2
    inside = [d for d in seeded["first"] + seeded["last"] if d["question"] == "overall"]
    assert by_id(report)["overall"]["mean_value"] == round(sum(d["value"] for d in inside) / 2, 3)
    months = {r["key"]: r["responses"] for r in report["breakdowns"]["month"]}
    assert months == {"2024-03": 1, "2024-04": 0, "2024-05": 1}
