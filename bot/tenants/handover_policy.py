"""A tenant's handover policy (config/tenants.yml, `handover:`): which triggers
escalate, when staff are on duty, what a staff notification may say.

    handover:
      triggers: [request, low_rating, complaint, urgent, misunderstood]
      misunderstandings: 3          # misses in a row that escalate
      satisfaction_question: true   # ask the guest about the handling after resolving
      staffed_hours:
        timezone: Europe/Berlin
        days: [mon, tue, wed, thu, fri, sat, sun]
        from: "07:00"
        to: "22:00"
      notify:
        email: true                 # on-duty staff with an e-mail address
        sms: false                  # on-duty staff with a phone number
        include: [hotel, reason, channel]   # beyond the link, nothing else is sent

Everything is optional; the defaults are the lines above.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.base.errors import ConfigError

TRIGGERS = ("request", "low_rating", "complaint", "urgent", "misunderstood")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NOTIFY_FIELDS = ("hotel", "reason", "channel", "language", "waiting")


@dataclass(frozen=True)
class StaffedHours:
    timezone: str = "Europe/Berlin"
    days: tuple[int, ...] = tuple(range(7))  # Monday = 0
    start: time = time(7, 0)
    end: time = time(22, 0)

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.zone())
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def next_opening(self, now: datetime) -> datetime:
        """The next moment staff are on duty (`now` itself when they are)."""
        if self.is_open(now):
            return now
        local = now.astimezone(self.zone())
        for days_ahead in range(8):
            day = (local + timedelta(days=days_ahead)).date()
            if day.weekday() not in self.days:
                continue
            opening = datetime.combine(day, self.start, tzinfo=self.zone())
            if opening > local:
                return opening
        raise ConfigError("staffed hours never open")  # unreachable: days is non-empty


@dataclass(frozen=True)
class HandoverPolicy:
    triggers: frozenset[str] = frozenset(TRIGGERS)
    misunderstandings: int = 3
    satisfaction_question: bool = True
    hours: StaffedHours = StaffedHours()
    notify_email: bool = True
    notify_sms: bool = False
    notify_include: tuple[str, ...] = ("hotel", "reason", "channel")


def parse_policy(tenant_id: str, raw: Any) -> HandoverPolicy:
    if raw is None:
        return HandoverPolicy()
    if not isinstance(raw, Mapping):
        raise ConfigError(f"tenant {tenant_id}: handover must be a mapping")
    where = f"tenant {tenant_id}: handover"
    triggers = raw.get("triggers", list(TRIGGERS))
    if not isinstance(triggers, list) or any(t not in TRIGGERS for t in triggers):
        raise ConfigError(f"{where}.triggers must be a list of {', '.join(TRIGGERS)}")
    misses = raw.get("misunderstandings", 3)
    if not isinstance(misses, int) or not 1 <= misses <= 20:
        raise ConfigError(f"{where}.misunderstandings must be 1..20")
    notify = raw.get("notify") or {}
    if not isinstance(notify, Mapping):
        raise ConfigError(f"{where}.notify must be a mapping")
    include = notify.get("include", ["hotel", "reason", "channel"])
    if not isinstance(include, list) or any(f not in NOTIFY_FIELDS for f in include):
        raise ConfigError(f"{where}.notify.include must be a list of {', '.join(NOTIFY_FIELDS)}")
    return HandoverPolicy(
        triggers=frozenset(triggers),
        misunderstandings=misses,
        satisfaction_question=bool(raw.get("satisfaction_question", True)),
        hours=_hours(where, raw.get("staffed_hours")),
        notify_email=bool(notify.get("email", True)),
        notify_sms=bool(notify.get("sms", False)),
        notify_include=tuple(include),
    )


def _hours(where: str, raw: Any) -> StaffedHours:
    if raw is None:
        return StaffedHours()
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}.staffed_hours must be a mapping")
    tz = str(raw.get("timezone", "Europe/Berlin"))
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}.staffed_hours.timezone {tz!r} is not a known time zone") from None
    days = raw.get("days", list(DAYS))
    if not isinstance(days, list) or not days or any(d not in DAYS for d in days):
        raise ConfigError(f"{where}.staffed_hours.days must be a non-empty list of {', '.join(DAYS)}")
    start, end = _clock(where, raw.get("from", "07:00")), _clock(where, raw.get("to", "22:00"))
    if not start < end:
        raise ConfigError(f"{where}.staffed_hours: 'from' must be before 'to'")
    return StaffedHours(tz, tuple(sorted(DAYS.index(d) for d in set(days))), start, end)


def _clock(where: str, raw: Any) -> time:
    try:
        hours, minutes = str(raw).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(f"{where}.staffed_hours: times are HH:MM, got {raw!r}") from None
