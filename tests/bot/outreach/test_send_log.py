"""The send log and the response rate (bot/reports/outreach.py), read from invitations
stored in a real nx-27017 as the scheduler writes them (CONTRACTS §1)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from bot.base.names import GUEST_FLAGS, INVITATIONS
from bot.i18n import Catalog
from bot.reports import build_report, parse_period, response_rates, send_log
from bot.tenants.registry import Tenants

CATALOG = Catalog.load()
ALPENHOF = Tenants.load(Path("config/tenants.yml"), CATALOG.languages).get("alpenhof")
TODAY = dt.date(2026, 12, 7)
PERIOD = parse_period("2026-11-01", "2026-11-30", TODAY)
_n = itertools.count()


def at(day: int, hour: int = 12, month: int = 11) -> float:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC).timestamp()


def invitation(
    journey: str = "post_stay",
    *,
    status: str = "sent",
    channel: str | None = "sms",
    lang: str = "de",
    sent: float | None = None,
    due: float | None = None,
    updated: float | None = None,
    answered: float | None = None,
    reminder: int = 0,
    stay: str | None = None,
    reason: str | None = None,
    guest: str | None = None,
) -> dict:
    n = next(_n)
    stay = stay or f"s_{n:06d}"
    guest = guest or f"g{n:06d}"
    due = due if due is not None else (sent if sent is not None else at(1))
    doc = {
        "_id": f"i_{stay[2:]}_{journey}{'_r' if reminder else ''}",
        "stay": stay,
        "journey": journey,
        "reminder": reminder,
        "guest_ref": guest,
        "guest_refs": [guest],
        "lang": lang,
        "due": due,
        "status": status,
        "attempts": 1 if status in ("sent", "failed") else 0,
        "tried": [],
        "created_at": due - 86400 * 3,
        "updated_at": updated if updated is not None else (sent if sent is not None else due - 86400 * 3),
    }
    if channel and status == "sent":
        doc["channel"] = channel
    if sent is not None:
        doc["sent_at"] = sent
    if answered is not None:
        doc["answered_at"] = answered
    if reason:
        doc["reason"] = reason
    return doc


async def store(mongo, docs) -> None:
    await mongo.database("alpenhof")[INVITATIONS].insert_many(docs)


async def test_the_send_log_counts_per_day_journey_channel_and_status_without_guest_data(mongo):
    docs = [
        invitation(sent=at(3), channel="sms"),
        invitation(sent=at(3, 15), channel="sms"),
        invitation(sent=at(3), channel="whatsapp"),
        invitation("in_stay", sent=at(4), channel="email", answered=at(5)),
        invitation(status="failed", updated=at(4), reason="no_channel"),
        invitation(status="suppressed", updated=at(4), reason="opted_out"),
        invitation(status="suppressed", updated=at(4), reason="opted_out"),
        invitation(status="suppressed", updated=at(6), reason="cap"),
        invitation(status="planned", due=at(29)),
        invitation(status="claimed", due=at(29, 13)),
        # outside the period: sent before, planned after, failed after
        invitation(sent=at(31, month=10)),
        invitation(status="planned", due=at(1, month=12)),
        invitation(status="failed", updated=at(2, month=12), reason="no_channel"),
        # sent in the period and answered (updated) after it: counts on its sent day
        invitation(sent=at(30, 23), updated=at(2, month=12), answered=at(2, month=12)),
    ]
    await store(mongo, docs)
    log = await send_log(mongo.database("alpenhof"), PERIOD)
    rows = {(r["day"], r["journey"], r["channel"], r["status"]): r["count"] for r in log["rows"]}
    assert rows == {
        ("2026-11-03", "post_stay", "sms", "sent"): 2,
        ("2026-11-03", "post_stay", "whatsapp", "sent"): 1,
        ("2026-11-04", "in_stay", "email", "sent"): 1,
        ("2026-11-04", "post_stay", "none", "failed"): 1,
        ("2026-11-04", "post_stay", "none", "suppressed"): 2,
        ("2026-11-06", "post_stay", "none", "suppressed"): 1,
        ("2026-11-29", "post_stay", "none", "planned"): 1,
        ("2026-11-29", "post_stay", "none", "claimed"): 1,
        ("2026-11-30", "post_stay", "sms", "sent"): 1,
    }
    assert [r["day"] for r in log["rows"]] == sorted((r["day"] for r in log["rows"]), reverse=True)
    assert log["totals"] == {"planned": 1, "claimed": 1, "sent": 5, "failed": 1, "suppressed": 3}
    assert log["reasons"] == {"failed": {"no_channel": 1}, "suppressed": {"cap": 1, "opted_out": 2}}
    assert log["period"] == {"from": "2026-11-01", "to": "2026-11-30", "days": 30}
    text = str(log)
    assert "g0" not in text and "s_0" not in text and "i_" not in text


async def test_an_empty_period_has_an_empty_log(mongo):
    log = await send_log(mongo.database("alpenhof"), PERIOD)
    assert (log["rows"], log["totals"], log["reasons"]) == ([], {}, {})


async def test_the_response_rate_per_journey_channel_and_language(mongo):
    docs = []
    # post_stay: 10 guests by SMS in German, 4 answered (one of them after the reminder)
    for i in range(10):
        stay = f"s_ps{i:03d}"
        answered = at(5) if i < 3 else None
        docs.append(invitation(stay=stay, sent=at(3), channel="sms", lang="de", answered=answered))
        if i >= 3:
            docs.append(
                invitation(
                    stay=stay,
                    reminder=1,
                    sent=at(5),
                    channel="sms",
                    lang="de",
                    answered=at(6) if i == 3 else None,
                )
            )
    # in_stay: 6 guests on WhatsApp in English, 6 by e-mail in Italian; 3 + 0 answered
    for i in range(12):
        channel, lang = ("whatsapp", "en") if i < 6 else ("email", "it")
        docs.append(
            invitation("in_stay", sent=at(10), channel=channel, lang=lang, answered=at(11) if i < 3 else None)
        )
    # not counted: failed, planned, sent before the period; a restricted guest's
    docs.append(invitation(status="failed", updated=at(4), reason="no_channel"))
    docs.append(invitation(status="planned", due=at(20)))
    docs.append(invitation(sent=at(20, month=10), answered=at(2)))
    docs.append(invitation(sent=at(12), answered=at(12), guest="g_restricted"))
    # the reminder of an invitation sent on the period's last day comes after it
    docs.append(invitation(stay="s_late", sent=at(30, 20), channel="email", lang="it"))
    docs.append(
        invitation(
            stay="s_late",
            reminder=1,
            sent=at(2, month=12),
            channel="email",
            lang="it",
            answered=at(3, month=12),
        )
    )
    await store(mongo, docs)
    rate = await response_rates(mongo.database("alpenhof"), PERIOD, ["g_restricted"])
    # 2 answered after the reminder: fewer than 5, hidden
    assert (rate["invited"], rate["answered"], rate["answered_after_reminder"]) == (23, 8, None)
    assert rate["rate"] == round(8 / 23, 4) and rate["suppressed"] is False
    by = {dim: {r["key"]: r for r in rows} for dim, rows in rate["breakdowns"].items()}
    assert {k: (r["invited"], r["answered"]) for k, r in by["journey"].items()} == {
        "in_stay": (12, 3),
        "post_stay": (11, 5),
    }
    # e-mail: 7 invited (6 + the late one), 1 answered; sms 10 / 4; whatsapp 6 / 3
    assert {k: (r["invited"], r["answered"]) for k, r in by["channel"].items()} == {
        "email": (7, 1),
        "sms": (10, 4),
        "whatsapp": (6, 3),
    }
    assert {k: (r["invited"], r["answered"]) for k, r in by["language"].items()} == {
        "de": (10, 4),
        "en": (6, 3),
        "it": (7, 1),
    }
    assert by["channel"]["sms"]["rate"] == 0.4
    # in the ratings report too, where guest_flags say who restricted processing
    report = await build_report(mongo.database("alpenhof"), ALPENHOF, PERIOD)
    assert report["response_rate"]["invited"] == 24
    await mongo.database("alpenhof")[GUEST_FLAGS].insert_one({"_id": "g_restricted", "restricted": True})
    report = await build_report(mongo.database("alpenhof"), ALPENHOF, PERIOD)
    assert report["response_rate"] == rate


async def test_small_groups_are_hidden(mongo):
    docs = [invitation(sent=at(3), channel="sms", lang="de", answered=at(4)) for _ in range(6)]
    docs += [invitation(sent=at(3), channel="whatsapp", lang="de") for _ in range(2)]
    await store(mongo, docs)
    rate = await response_rates(mongo.database("alpenhof"), PERIOD, [])
    assert (rate["invited"], rate["answered"]) == (8, 6)
    channels = {r["key"]: r for r in rate["breakdowns"]["channel"]}
    # whatsapp (2) is hidden, and sms with it: else 8 - 6 would give whatsapp away
    assert channels["whatsapp"] == {
        "key": "whatsapp",
        "suppressed": True,
        "invited": None,
        "answered": None,
        "rate": None,
    }
    assert channels["sms"]["suppressed"] is True
    assert rate["breakdowns"]["language"] == [
        {"key": "de", "suppressed": False, "invited": 8, "answered": 6, "rate": 0.75}
    ]


async def test_fewer_than_five_invited_shows_nothing(mongo):
    await store(mongo, [invitation(sent=at(3), answered=at(4)) for _ in range(4)])
    rate = await response_rates(mongo.database("alpenhof"), PERIOD, [])
    assert rate["suppressed"] is True and rate["invited"] is None and rate["breakdowns"] == {}


async def test_a_long_period_is_read_window_by_window_each_invitation_once(mongo):
    quarter = parse_period("2026-09-01", "2026-11-30", TODAY)
    boundary = dt.datetime(2026, 10, 2, tzinfo=dt.UTC).timestamp()  # where the first 31-day window ends
    docs = [
        invitation(sent=at(2, month=9)),
        invitation(sent=boundary),
        invitation(sent=boundary - 0.001),
        invitation(status="suppressed", updated=at(15, month=10), reason="cap"),
        invitation(status="planned", due=at(29)),
        invitation(sent=at(31, 23, month=8)),  # before
    ]
    await store(mongo, docs)
    log = await send_log(mongo.database("alpenhof"), quarter)
    assert log["totals"] == {"sent": 3, "suppressed": 1, "planned": 1}
    days = sorted({r["day"] for r in log["rows"]})
    assert days == ["2026-09-02", "2026-10-01", "2026-10-02", "2026-10-15", "2026-11-29"]
