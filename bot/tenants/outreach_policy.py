"""A tenant's outreach policy (config/tenants.yml, `outreach:`): when and how Rapport
invites the hotel's guests. Admins may change it in the console; their version is
stored per tenant and parsed by the same `parse_outreach` (bot/outreach/settings.py).

    outreach:
      enabled: true                     # false (default): nobody is invited
      quiet_hours: {from: "21:00", to: "09:00"}   # the hotel's time zone; nothing is sent
                                        # inside; a send that falls there moves to `to`
      cap: {hours: 48, per_stay: 2}     # at most one message per guest per 48 h (across
                                        # journeys and stays), at most 2 per stay
      checkout_time: "11:00"            # the departure day's check-out when the stay has
                                        # no checked_out_at
      rate_per_second: {sms: 1, whatsapp: 20, email: 10}   # per sending number / address
      review_links:                     # offered to every guest after the survey
        - {site: Google, url: "https://g.page/r/…/review"}
      journeys:
        - id: pre_arrival
          when: {before: arrival, days: 2, at: "10:00"}
          channels: [whatsapp, sms, email]
          reminder: {after_hours: 24}   # at most one; omit for none
          whatsapp_template: {en: HX…, de: HX…}   # Twilio content SID per language,
                                        # needed to open a WhatsApp conversation
        - id: in_stay
          when: {after: arrival, days: 1, at: "10:00"}
          channels: [whatsapp, sms]
        - id: post_stay
          when: {after: checkout, hours: 3}
          channels: [email, sms]

`when` is one of: `{before: arrival, days: N, at: "HH:MM"}`, `{after: arrival, days: N,
at: "HH:MM"}` (N ≥ 0; local date and time in the hotel's zone), `{after: checkout,
hours: H}` (H may be fractional; from `checked_out_at`, else the departure day at
`checkout_time`). Journey ids are unique and `[a-z_]{2,30}`. Channels are `whatsapp`,
`sms`, `email` in order of preference (the next is tried when a contact is missing, the
channel is not allowed or delivery fails). Everything is optional; the defaults are:
disabled, no journeys, no quiet hours, cap 48 h / 2 per stay, check-out 11:00, rates
sms 1, whatsapp 20, email 10.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Any
from urllib.parse import urlsplit

from bot.base.errors import ConfigError

CHANNELS = ("whatsapp", "sms", "email")
ANCHORS = ("arrival", "checkout")
JOURNEY_ID = re.compile(r"^[a-z_]{2,30}$")
CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")
HHMM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
MAX_JOURNEYS = 10
MAX_REVIEW_LINKS = 5


@dataclass(frozen=True)
class When:
    """`anchor` "arrival" with `days` (negative: before) at local `at`; or "checkout"
    with `hours` after it."""

    anchor: str
    days: int = 0
    at: time | None = None
    hours: float = 0.0

    def public(self) -> dict[str, Any]:
        if self.anchor == "checkout":
            return {"after": "checkout", "hours": self.hours}
        side = "before" if self.days < 0 else "after"
        return {side: "arrival", "days": abs(self.days), "at": _hhmm(self.at)}


@dataclass(frozen=True)
class Journey:
    id: str
    when: When
    channels: tuple[str, ...]
    reminder_after_hours: float | None = None
    whatsapp_template: tuple[tuple[str, str], ...] = ()  # (language, content SID): hashable
    enabled: bool = True

    def template(self, language: str) -> str | None:
        """The WhatsApp content SID for `language`, if the hotel has one."""
        return dict(self.whatsapp_template).get(language)

    def public(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "when": self.when.public(), "channels": list(self.channels)}
        if self.reminder_after_hours is not None:
            out["reminder"] = {"after_hours": self.reminder_after_hours}
        if self.whatsapp_template:
            out["whatsapp_template"] = dict(self.whatsapp_template)
        if not self.enabled:
            out["enabled"] = False
        return out


@dataclass(frozen=True)
class ReviewLink:
    site: str
    url: str


@dataclass(frozen=True)
class OutreachPolicy:
    enabled: bool = False
    journeys: tuple[Journey, ...] = ()
    quiet_from: time | None = None  # both or neither
    quiet_to: time | None = None
    cap_hours: float = 48.0
    cap_per_stay: int = 2
    checkout_time: time = time(11, 0)
    rate_per_second: tuple[tuple[str, float], ...] = (("sms", 1.0), ("whatsapp", 20.0), ("email", 10.0))
    review_links: tuple[ReviewLink, ...] = ()

    def rate(self, channel: str) -> float:
        """Messages per second per sending number (or address) on `channel`."""
        return dict(self.rate_per_second)[channel]

    def journey(self, journey_id: str) -> Journey:
        for j in self.journeys:
            if j.id == journey_id:
                return j
        raise KeyError(journey_id)

    def public(self) -> dict[str, Any]:
        """The policy as the YAML/JSON it was parsed from (round-trips `parse_outreach`)."""
        out: dict[str, Any] = {
            "enabled": self.enabled,
            "cap": {"hours": self.cap_hours, "per_stay": self.cap_per_stay},
            "checkout_time": _hhmm(self.checkout_time),
            "rate_per_second": dict(self.rate_per_second),
            "review_links": [{"site": r.site, "url": r.url} for r in self.review_links],
            "journeys": [j.public() for j in self.journeys],
        }
        if self.quiet_from is not None:
            out["quiet_hours"] = {"from": _hhmm(self.quiet_from), "to": _hhmm(self.quiet_to)}
        return out


def _hhmm(t: time | None) -> str | None:
    return None if t is None else f"{t.hour:02d}:{t.minute:02d}"


def parse_outreach(tid: str, raw: Any, languages: tuple[str, ...] = ()) -> OutreachPolicy:
    """Validates an `outreach:` mapping (None: the defaults). Raises ConfigError naming
    the field; `languages` (the tenant's) bounds the template languages."""
    if raw is None:
        return OutreachPolicy()
    if not isinstance(raw, dict):
        raise ConfigError(f"tenant {tid}: outreach must be a mapping")
    known = {"enabled", "quiet_hours", "cap", "checkout_time", "rate_per_second", "review_links", "journeys"}
    if set(raw) - known:
        raise ConfigError(f"tenant {tid}: outreach has unknown keys {sorted(set(raw) - known)}")
    enabled = raw.get("enabled", False)
    if not isinstance(enabled, bool):
        raise ConfigError(f"tenant {tid}: outreach.enabled must be true or false")
    quiet_from = quiet_to = None
    if raw.get("quiet_hours") is not None:
        q = raw["quiet_hours"]
        if not isinstance(q, dict) or set(q) != {"from", "to"}:
            raise ConfigError(f"tenant {tid}: outreach.quiet_hours needs 'from' and 'to' (HH:MM)")
        quiet_from = _time(tid, "quiet_hours.from", q["from"])
        quiet_to = _time(tid, "quiet_hours.to", q["to"])
        if quiet_from == quiet_to:
            raise ConfigError(f"tenant {tid}: outreach.quiet_hours from and to must differ")
    cap = raw.get("cap") or {}
    if not isinstance(cap, dict) or set(cap) - {"hours", "per_stay"}:
        raise ConfigError(f"tenant {tid}: outreach.cap takes 'hours' and 'per_stay'")
    cap_hours = _number(tid, "cap.hours", cap.get("hours", 48), 0, 24 * 30)
    per_stay = cap.get("per_stay", 2)
    if isinstance(per_stay, bool) or not isinstance(per_stay, int) or not 1 <= per_stay <= 10:
        raise ConfigError(f"tenant {tid}: outreach.cap.per_stay must be a whole number from 1 to 10")
    rates = {"sms": 1.0, "whatsapp": 20.0, "email": 10.0}
    given = raw.get("rate_per_second") or {}
    if not isinstance(given, dict) or set(given) - set(CHANNELS):
        raise ConfigError(f"tenant {tid}: outreach.rate_per_second takes {CHANNELS}")
    for channel, value in given.items():
        rates[channel] = _number(tid, f"rate_per_second.{channel}", value, 0.01, 1000)
    journeys = tuple(_journey(tid, j, languages) for j in raw.get("journeys") or ())
    if len(journeys) > MAX_JOURNEYS:
        raise ConfigError(f"tenant {tid}: at most {MAX_JOURNEYS} journeys")
    if len({j.id for j in journeys}) != len(journeys):
        raise ConfigError(f"tenant {tid}: journey ids must be unique")
    return OutreachPolicy(
        enabled=enabled,
        journeys=journeys,
        quiet_from=quiet_from,
        quiet_to=quiet_to,
        cap_hours=cap_hours,
        cap_per_stay=per_stay,
        checkout_time=_time(tid, "checkout_time", raw.get("checkout_time", "11:00")),
        rate_per_second=tuple(rates.items()),
        review_links=_review_links(tid, raw.get("review_links")),
    )


def _time(tid: str, name: str, value: Any) -> time:
    m = HHMM.match(value) if isinstance(value, str) else None
    if not m:
        raise ConfigError(f'tenant {tid}: outreach.{name} must be a time like "09:30"')
    return time(int(m[1]), int(m[2]))


def _number(tid: str, name: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ConfigError(f"tenant {tid}: outreach.{name} must be a number from {low:g} to {high:g}")
    return float(value)


def _journey(tid: str, d: Any, languages: tuple[str, ...]) -> Journey:
    if not isinstance(d, dict):
        raise ConfigError(f"tenant {tid}: each journey must be a mapping")
    jid = d.get("id")
    if not isinstance(jid, str) or not JOURNEY_ID.match(jid):
        raise ConfigError(f"tenant {tid}: journey id {jid!r} must match {JOURNEY_ID.pattern}")
    known = {"id", "when", "channels", "reminder", "whatsapp_template", "enabled"}
    if set(d) - known:
        raise ConfigError(f"tenant {tid}: journey {jid} has unknown keys {sorted(set(d) - known)}")
    channels = d.get("channels")
    if (
        not isinstance(channels, list)
        or not channels
        or any(c not in CHANNELS for c in channels)
        or len(set(channels)) != len(channels)
    ):
        raise ConfigError(f"tenant {tid}: journey {jid} needs channels, each once, from {CHANNELS}")
    reminder = d.get("reminder")
    after = None
    if reminder is not None:
        if not isinstance(reminder, dict) or set(reminder) != {"after_hours"}:
            raise ConfigError(f"tenant {tid}: journey {jid} reminder takes 'after_hours'")
        after = _number(tid, f"{jid}.reminder.after_hours", reminder["after_hours"], 1, 24 * 14)
    templates = d.get("whatsapp_template") or {}
    if not isinstance(templates, dict) or any(
        not isinstance(v, str) or not CONTENT_SID.match(v) for v in templates.values()
    ):
        raise ConfigError(
            f"tenant {tid}: journey {jid} whatsapp_template maps languages to content SIDs (HX…)"
        )
    if languages and set(templates) - set(languages):
        raise ConfigError(f"tenant {tid}: journey {jid} has templates for languages the hotel does not speak")
    enabled = d.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"tenant {tid}: journey {jid} enabled must be true or false")
    return Journey(
        id=jid,
        when=_when(tid, jid, d.get("when")),
        channels=tuple(channels),
        reminder_after_hours=after,
        whatsapp_template=tuple((str(k), str(v)) for k, v in sorted(templates.items())),
        enabled=enabled,
    )


def _when(tid: str, jid: str, w: Any) -> When:
    bad = ConfigError(
        f"tenant {tid}: journey {jid} when must be {{before|after: arrival, days: N, at: HH:MM}} "
        "or {after: checkout, hours: H}"
    )
    if not isinstance(w, dict):
        raise bad
    if w.get("after") == "checkout":
        if set(w) != {"after", "hours"}:
            raise bad
        return When("checkout", hours=_number(tid, f"{jid}.when.hours", w["hours"], 0, 24 * 30))
    side = "before" if "before" in w else "after"
    if w.get(side) != "arrival" or set(w) != {side, "days", "at"}:
        raise bad
    days = w["days"]
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 60:
        raise ConfigError(f"tenant {tid}: journey {jid} when.days must be a whole number from 0 to 60")
    return When("arrival", days=-days if side == "before" else days, at=_time(tid, f"{jid}.when.at", w["at"]))


def _review_links(tid: str, raw: Any) -> tuple[ReviewLink, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_REVIEW_LINKS:
        raise ConfigError(f"tenant {tid}: outreach.review_links must be a list of at most {MAX_REVIEW_LINKS}")
    links = []
    for d in raw:
        site = d.get("site") if isinstance(d, dict) else None
        url = d.get("url") if isinstance(d, dict) else None
        parts = urlsplit(url) if isinstance(url, str) else None
        if (
            not isinstance(site, str)
            or not 1 <= len(site.strip()) <= 40
            or parts is None
            or parts.scheme != "https"
            or not parts.netloc
            or len(url) > 500  # type: ignore[arg-type]
        ):
            raise ConfigError(f"tenant {tid}: each review link needs a site name and an https url")
        links.append(ReviewLink(site.strip(), url))  # type: ignore[arg-type]
    return tuple(links)
