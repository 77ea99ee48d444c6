"""When each invitation of a stay is due: the journeys of the tenant's outreach policy
(bot/tenants/outreach_policy.py) laid on one stay, in the hotel's time zone. Pure: no
I/O, no clock (the caller passes `now`).

Times are computed in the hotel's local wall time and converted to an epoch instant
once, with zoneinfo:

- `{after|before: arrival, days: N, at: HH:MM}`: the arrival date ± N calendar days at
  HH:MM local — the same wall-clock time on either side of a DST change (never "24 hours
  later" on a UTC instant).
- `{after: checkout, hours: H}`: H *elapsed* hours after `checked_out_at` (an instant),
  else after the departure day at `checkout_time` local. Across a DST change the wall
  clock then moves by H ± 1 (check-out 01:00 on 2026-03-29 + 3 h is 05:00 CEST).
- A local time that does not exist (spring: 02:30 on the last Sunday of March in
  Europe/Berlin) is taken as the wall clock reads it once the clocks went forward: the
  instant 02:30 would have been on the old offset (01:30 UTC, shown as 03:30 CEST). A
  local time that occurs twice (autumn: 02:30 on the last Sunday of October) is its
  first occurrence (fold=0, still summer time: 00:30 UTC). Both are deterministic.
- Quiet hours (`quiet_from`..`quiet_to`, local, may wrap midnight): a time inside moves
  to the end of the quiet period (`quiet_to` on that local day or the next one, again
  in wall time). The frequency cap (at most one message per guest per `cap_hours`)
  moves a time to the last message + cap, then out of quiet hours again.
- A reminder is due `reminder_after_hours` elapsed hours after the first invitation
  went out (only while unanswered: the scheduler checks), then out of quiet hours.

`plan_stay` gives each enabled journey's first invitation of a stay: its due time, or
the reason it is not sent. What depends on the stay's status:

- cancelled: every invitation is suppressed with "cancelled_stay"; no_show: "no_show";
- a stay imported or changed too late for a journey (due more than `MAX_LATE_HOURS`
  before `now`): "too_late" — an old guest list must not invite last season's guests;
- a pre-arrival journey for a guest who is already in house or gone: "too_late";
- a check-out journey of a stay not yet checked out waits: it is planned for the
  departure day's check-out time, and the scheduler re-reads the status when it is due
  (`wait_for_checkout`: not sent while the stay is still expected before departure).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.tenants.outreach_policy import Journey, OutreachPolicy

MAX_LATE_HOURS = 72.0  # a journey more than this overdue when planned is not sent at all
SUPPRESSED_BY_STATUS = {"cancelled": "cancelled_stay", "no_show": "no_show"}
HOUR = 3600.0


@dataclass(frozen=True)
class Planned:
    """One invitation of a stay: `due` (epoch seconds, out of quiet hours) or the
    `reason` it is not sent (then `due` is when it would have been, or None)."""

    journey: str
    reminder: int
    due: float | None
    reason: str | None = None


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_instant(day: date, at: time, tz: ZoneInfo) -> float:
    """The epoch instant of the local wall time `day` `at` in `tz` (see the module's
    docstring for times that do not exist or occur twice)."""
    wall = datetime.combine(day, at.replace(tzinfo=None), tzinfo=tz).replace(fold=0)
    return wall.timestamp()  # fold=0: a gap's time on the old offset, an overlap's first


def local_wall(instant: float, tz: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(instant, UTC).astimezone(tz)


def _parse_day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def anchor_time(
    stay: Mapping[str, Any], journey: Journey, policy: OutreachPolicy, tz: ZoneInfo
) -> float | None:
    """The journey's nominal send time for the stay (before quiet hours and cap), or None
    when the stay lacks the date it needs."""
    when = journey.when
    if when.anchor == "arrival":
        arrival = _parse_day(stay.get("arrival"))
        if arrival is None or when.at is None:
            return None
        return local_instant(arrival + timedelta(days=when.days), when.at, tz)
    checked_out = _float(stay.get("checked_out_at"))
    if checked_out is None:
        departure = _parse_day(stay.get("departure"))
        if departure is None:
            return None
        checked_out = local_instant(departure, policy.checkout_time, tz)
    return checked_out + when.hours * HOUR


def _in_quiet(wall: time, start: time, end: time) -> bool:
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end  # wraps midnight


def out_of_quiet(instant: float, policy: OutreachPolicy, tz: ZoneInfo) -> float:
    """`instant`, or the end of the quiet period it falls in (local `quiet_to`)."""
    start, end = policy.quiet_from, policy.quiet_to
    if start is None or end is None:
        return instant
    wall = local_wall(instant, tz)
    clock = wall.time().replace(tzinfo=None)
    if not _in_quiet(clock, start, end):
        return instant
    day = wall.date()
    if start > end and clock >= start:  # the evening part of a period that wraps midnight
        day += timedelta(days=1)
    moved = local_instant(day, end, tz)
    return max(moved, instant)


def next_allowed(
    instant: float, policy: OutreachPolicy, tz: ZoneInfo, last_sent: Iterable[float] = ()
) -> float:
    """The earliest time at or after `instant` outside quiet hours and at least
    `cap_hours` after every message in `last_sent` (the guest's, across journeys and
    stays) that precedes it."""
    cap = policy.cap_hours * HOUR
    sent = sorted(float(t) for t in last_sent)
    due = out_of_quiet(instant, policy, tz)
    for _ in range(len(sent) + 2):
        blocking = [t for t in sent if t <= due < t + cap]
        if not blocking:
            return due
        due = out_of_quiet(max(blocking) + cap, policy, tz)
    return due


def reminder_due(sent_at: float, journey: Journey, policy: OutreachPolicy, tz: ZoneInfo) -> float | None:
    """When the journey's one reminder is due after the first went out at `sent_at`."""
    if journey.reminder_after_hours is None:
        return None
    return out_of_quiet(float(sent_at) + journey.reminder_after_hours * HOUR, policy, tz)


def status_reason(stay: Mapping[str, Any], journey: Journey) -> str | None:
    """Why the stay's status rules the journey out, if it does."""
    status = stay.get("status")
    if status in SUPPRESSED_BY_STATUS:
        return SUPPRESSED_BY_STATUS[status]
    if journey.when.anchor == "arrival" and journey.when.days < 0 and status in ("in_house", "checked_out"):
        return "too_late"
    return None


def wait_for_checkout(stay: Mapping[str, Any], journey: Journey, now: float, tz: ZoneInfo) -> bool:
    """A check-out journey of a stay the hotel still lists as expected whose departure
    day has not come: not sent yet (the stay may still change)."""
    if journey.when.anchor != "checkout" or stay.get("status") != "expected":
        return False
    departure = _parse_day(stay.get("departure"))
    return departure is None or local_wall(now, tz).date() < departure


def plan_stay(stay: Mapping[str, Any], policy: OutreachPolicy, timezone: str, now: float) -> list[Planned]:
    """The first invitation of every enabled journey for `stay` (a stored stay: status,
    arrival, departure, checked_out_at), due out of quiet hours, or why not. The cap is
    applied when an invitation is claimed (the guest's other messages change)."""
    tz = zone(timezone)
    out = []
    for journey in policy.journeys:
        if not journey.enabled:
            continue
        nominal = anchor_time(stay, journey, policy, tz)
        reason = status_reason(stay, journey)
        if nominal is None:
            out.append(Planned(journey.id, 0, None, reason or "no_date"))
            continue
        due = out_of_quiet(nominal, policy, tz)
        if reason is None and due < now - MAX_LATE_HOURS * HOUR:
            reason = "too_late"
        out.append(Planned(journey.id, 0, due, reason))
    return out
