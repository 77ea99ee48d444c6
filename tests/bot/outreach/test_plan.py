"""The invitation planner (bot/outreach/plan.py): due times in the hotel's zone, DST
changes on the last Sundays of March and October in Europe/Berlin and Europe/Rome,
quiet hours, the cap, and what a stay's status rules out."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.outreach.plan import (
    local_instant,
    local_wall,
    next_allowed,
    out_of_quiet,
    plan_stay,
    reminder_due,
    wait_for_checkout,
    zone,
)
from bot.tenants.outreach_policy import parse_outreach

ZONES = ("Europe/Berlin", "Europe/Rome")  # both CET/CEST: the same switches
SPRING = ("2026-03-29", "2027-03-28")
AUTUMN = ("2026-10-25", "2027-10-31")


def utc(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def policy(quiet: tuple[str, str] | None = None, **extra):
    raw = {
        "enabled": True,
        "journeys": [
            {
                "id": "pre_arrival",
                "when": {"before": "arrival", "days": 2, "at": "10:00"},
                "channels": ["sms"],
            },
            {"id": "in_stay", "when": {"after": "arrival", "days": 1, "at": "10:00"}, "channels": ["sms"]},
            {
                "id": "post_stay",
                "when": {"after": "checkout", "hours": 3},
                "channels": ["email"],
                "reminder": {"after_hours": 24},
            },
        ],
        **extra,
    }
    if quiet:
        raw["quiet_hours"] = {"from": quiet[0], "to": quiet[1]}
    return parse_outreach("alpenhof", raw)


def stay(arrival: str, departure: str, status: str = "expected", **extra):
    return {"_id": "s_1", "arrival": arrival, "departure": departure, "status": status, **extra}


def due_of(plans, journey):
    return next(p for p in plans if p.journey == journey)


def wall(instant: float, tz: str) -> str:
    return local_wall(instant, zone(tz)).strftime("%Y-%m-%d %H:%M %Z")


# ---- in_stay at 10:00 the day after arrival, across the switch ------------------------


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("switch", SPRING)
def test_in_stay_the_morning_after_arrival_is_10_00_summer_time_after_the_spring_switch(tz, switch):
    day = int(switch[-2:])
    plans = plan_stay(stay(f"{switch[:8]}{day - 1:02d}", f"{switch[:8]}{day + 2:02d}"), policy(), tz, 0)
    due = due_of(plans, "in_stay").due
    assert wall(due, tz) == f"{switch} 10:00 CEST"
    year = int(switch[:4])
    assert due == utc(year, 3, day, 8, 0)  # +02:00, not 09:00 UTC (24 h after 10:00 CET)


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("switch", AUTUMN)
def test_in_stay_the_morning_after_arrival_is_10_00_winter_time_after_the_autumn_switch(tz, switch):
    day = int(switch[-2:])
    plans = plan_stay(stay(f"{switch[:8]}{day - 1:02d}", f"{switch[:8]}{day + 2:02d}"), policy(), tz, 0)
    due = due_of(plans, "in_stay").due
    assert wall(due, tz) == f"{switch} 10:00 CET"
    assert due == utc(int(switch[:4]), 10, day, 9, 0)


# ---- checkout + 3 h across the switch: elapsed hours ----------------------------------


@pytest.mark.parametrize("tz", ZONES)
def test_checkout_plus_3_hours_spans_the_missing_hour_in_spring(tz):
    out_at = local_instant(datetime(2026, 3, 29).date(), time(1, 0), zone(tz))  # 01:00 CET
    plans = plan_stay(stay("2026-03-27", "2026-03-29", "checked_out", checked_out_at=out_at), policy(), tz, 0)
    due = due_of(plans, "post_stay").due
    assert due - out_at == 3 * 3600
    assert wall(due, tz) == "2026-03-29 05:00 CEST"  # 02:00-03:00 never happened


@pytest.mark.parametrize("tz", ZONES)
def test_checkout_plus_3_hours_spans_the_repeated_hour_in_autumn(tz):
    out_at = utc(2027, 10, 30, 23, 30)  # 01:30 CEST on 2027-10-31
    plans = plan_stay(stay("2027-10-29", "2027-10-31", "checked_out", checked_out_at=out_at), policy(), tz, 0)
    due = due_of(plans, "post_stay").due
    assert due - out_at == 3 * 3600
    assert wall(due, tz) == "2027-10-31 03:30 CET"  # 02:00-03:00 happened twice


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("switch", SPRING + AUTUMN)
def test_checkout_time_on_the_departure_day_is_local_wall_time(tz, switch):
    """No checked_out_at: the departure day's 11:00 local, + 3 h = 14:00 local."""
    plans = plan_stay(stay("2026-01-01", switch, "in_house"), policy(), tz, 0)
    assert wall(due_of(plans, "post_stay").due, tz)[:16] == f"{switch} 14:00"


# ---- quiet hours ending at 09:00 on the switch day ------------------------------------


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("switch", SPRING + AUTUMN)
def test_quiet_hours_end_at_09_00_local_on_the_switch_day(tz, switch):
    p = policy(("21:00", "09:00"))
    tzinfo = zone(tz)
    day = datetime.fromisoformat(switch).date()
    previous_evening = local_instant(day.fromordinal(day.toordinal() - 1), time(23, 0), tzinfo)
    moved = out_of_quiet(previous_evening, p, tzinfo)
    assert wall(moved, tz)[:16] == f"{switch} 09:00"
    assert local_wall(moved, tzinfo).hour == 9
    early = local_instant(day, time(1, 15), tzinfo)
    assert out_of_quiet(early, p, tzinfo) == moved
    offset = 2 if switch in SPRING else 1  # after the switch: CEST in spring, CET in autumn
    assert moved == utc(day.year, day.month, day.day, 9 - offset, 0)


@pytest.mark.parametrize("tz", ZONES)
def test_a_journey_inside_quiet_hours_is_planned_at_their_end(tz):
    """Check-out 19:00 + 3 h = 22:00, quiet 21:00-09:00: the next morning at 09:00."""
    out_at = local_instant(datetime(2026, 10, 24).date(), time(19, 0), zone(tz))
    plans = plan_stay(
        stay("2026-10-20", "2026-10-24", "checked_out", checked_out_at=out_at),
        policy(("21:00", "09:00")),
        tz,
        0,
    )
    assert wall(due_of(plans, "post_stay").due, tz) == "2026-10-25 09:00 CET"


def test_quiet_hours_that_do_not_wrap_midnight():
    p = policy(("12:00", "14:00"))
    tz = zone("Europe/Berlin")
    lunch = local_instant(datetime(2026, 6, 1).date(), time(12, 30), tz)
    assert wall(out_of_quiet(lunch, p, tz), "Europe/Berlin") == "2026-06-01 14:00 CEST"
    before = local_instant(datetime(2026, 6, 1).date(), time(11, 59), tz)
    assert out_of_quiet(before, p, tz) == before
    assert (
        out_of_quiet(local_instant(datetime(2026, 6, 1).date(), time(14, 0), tz), p, tz) == before + 121 * 60
    )


def test_the_end_of_quiet_hours_is_not_quiet_and_their_start_is():
    p = policy(("21:00", "09:00"))
    tz = zone("Europe/Rome")
    nine = local_instant(datetime(2026, 7, 1).date(), time(9, 0), tz)
    assert out_of_quiet(nine, p, tz) == nine
    nine_pm = local_instant(datetime(2026, 7, 1).date(), time(21, 0), tz)
    assert out_of_quiet(nine_pm, p, tz) == nine + 24 * 3600


# ---- times that do not exist or occur twice -------------------------------------------


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("switch", SPRING)
def test_02_30_that_does_not_exist_is_03_30_summer_time(tz, switch):
    day = datetime.fromisoformat(switch).date()
    at = local_instant(day, time(2, 30), zone(tz))
    assert at == utc(day.year, 3, day.day, 1, 30)
    assert wall(at, tz) == f"{switch} 03:30 CEST"
    assert at == local_instant(day, time(2, 30), zone(tz))  # deterministic


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("switch", AUTUMN)
def test_02_30_that_occurs_twice_is_its_first_occurrence(tz, switch):
    day = datetime.fromisoformat(switch).date()
    at = local_instant(day, time(2, 30), zone(tz))
    assert at == utc(day.year, 10, day.day, 0, 30)  # 02:30 CEST, the hour before the repeat
    assert wall(at, tz) == f"{switch} 02:30 CEST"


@pytest.mark.parametrize("tz", ZONES)
def test_a_journey_at_02_30_on_the_spring_switch_goes_out_once_at_03_30(tz):
    p = parse_outreach(
        "alpenhof",
        {
            "enabled": True,
            "journeys": [
                {"id": "in_stay", "when": {"after": "arrival", "days": 0, "at": "02:30"}, "channels": ["sms"]}
            ],
        },
    )
    spring = plan_stay(stay("2026-03-29", "2026-03-30"), p, tz, 0)
    autumn = plan_stay(stay("2026-10-25", "2026-10-26"), p, tz, 0)
    assert wall(spring[0].due, tz) == "2026-03-29 03:30 CEST"
    assert wall(autumn[0].due, tz) == "2026-10-25 02:30 CEST"


def test_quiet_hours_ending_at_a_time_that_does_not_exist():
    """Quiet 22:00-02:30 on the spring night: they end at 03:30 CEST (= 02:30 CET)."""
    p = policy(("22:00", "02:30"))
    tz = zone("Europe/Berlin")
    late = local_instant(datetime(2026, 3, 28).date(), time(23, 0), tz)
    assert wall(out_of_quiet(late, p, tz), "Europe/Berlin") == "2026-03-29 03:30 CEST"


# ---- cap and reminder -----------------------------------------------------------------


def test_the_cap_moves_a_send_to_48_hours_after_the_guests_last_message():
    p = policy(("21:00", "09:00"))
    tz = zone("Europe/Berlin")
    last = local_instant(datetime(2026, 5, 1).date(), time(10, 0), tz)
    wanted = last + 3600
    assert wall(next_allowed(wanted, p, tz, [last]), "Europe/Berlin") == "2026-05-03 10:00 CEST"
    assert next_allowed(wanted, p, tz, [last - 49 * 3600]) == wanted  # older than the cap
    assert next_allowed(wanted, p, tz, []) == wanted


def test_the_cap_end_inside_quiet_hours_moves_to_their_end():
    p = policy(("21:00", "09:00"), cap={"hours": 12, "per_stay": 2})
    tz = zone("Europe/Berlin")
    last = local_instant(datetime(2026, 5, 1).date(), time(14, 0), tz)  # + 12 h = 02:00
    moved = next_allowed(last + 60, p, tz, [last])
    assert wall(moved, "Europe/Berlin") == "2026-05-02 09:00 CEST"


def test_the_reminder_is_due_hours_after_the_first_and_out_of_quiet_hours():
    p = policy(("21:00", "09:00"))
    tz = zone("Europe/Rome")
    sent = local_instant(datetime(2026, 10, 24).date(), time(22, 30), tz)  # a late first send
    assert wall(reminder_due(sent, p.journey("post_stay"), p, tz), "Europe/Rome") == "2026-10-26 09:00 CET"
    assert reminder_due(sent, p.journey("in_stay"), p, tz) is None  # no reminder configured


# ---- the stay's status ----------------------------------------------------------------


@pytest.mark.parametrize(("status", "reason"), [("cancelled", "cancelled_stay"), ("no_show", "no_show")])
def test_cancelled_and_no_show_stays_are_not_invited(status, reason):
    plans = plan_stay(stay("2026-05-10", "2026-05-12", status), policy(), "Europe/Berlin", 0)
    assert [p.reason for p in plans] == [reason] * 3


def test_pre_arrival_for_a_guest_already_in_house_is_too_late():
    now = utc(2026, 5, 10, 12)
    plans = plan_stay(stay("2026-05-10", "2026-05-12", "in_house"), policy(), "Europe/Berlin", now)
    assert due_of(plans, "pre_arrival").reason == "too_late"
    assert due_of(plans, "in_stay").reason is None and due_of(plans, "post_stay").reason is None


def test_an_old_stay_imported_late_is_not_invited():
    now = utc(2026, 9, 1)
    plans = plan_stay(stay("2026-05-10", "2026-05-12", "checked_out"), policy(), "Europe/Berlin", now)
    assert {p.reason for p in plans} == {"too_late"}


def test_a_stay_without_dates_is_not_planned():
    plans = plan_stay({"status": "expected", "arrival": "soon"}, policy(), "Europe/Berlin", 0)
    assert {p.reason for p in plans} == {"no_date"}


def test_disabled_journeys_are_not_planned():
    raw = policy().public()
    raw["journeys"][0]["enabled"] = False
    p = parse_outreach("alpenhof", raw)
    plans = plan_stay(stay("2026-05-10", "2026-05-12"), p, "Europe/Berlin", 0)
    assert [x.journey for x in plans] == ["in_stay", "post_stay"]


def test_post_stay_waits_while_an_expected_stay_has_not_departed():
    tz = zone("Europe/Berlin")
    p = policy()
    s = stay("2026-05-10", "2026-05-12", "expected")
    assert wait_for_checkout(s, p.journey("post_stay"), utc(2026, 5, 11, 12), tz)
    assert not wait_for_checkout(s, p.journey("post_stay"), utc(2026, 5, 12, 12), tz)
    assert not wait_for_checkout({**s, "status": "checked_out"}, p.journey("post_stay"), utc(2026, 5, 11), tz)
    assert not wait_for_checkout(s, p.journey("in_stay"), utc(2026, 5, 11, 12), tz)
