"""Tenants (hotels) and their questionnaires, loaded from `config/tenants.yml`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.base.errors import ConfigError, UnknownTenant
from bot.base.settings import parse_origin
from bot.ratings import Scale
from bot.tenants.handover_policy import HandoverPolicy, parse_policy
from bot.tenants.outreach_policy import OutreachPolicy, parse_outreach
from bot.tenants.pms_config import PmsConfig, parse_pms

TENANT_ID = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
QUESTION_KINDS = ("rating", "text")
NOTICE_LOCAL_PART = "no-reply"  # notices to staff and admins come from no-reply@<mail domain>
DSR_APPROVALS = ("auto", "staff")  # verified data-subject requests run at once, or after staff approve


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # "rating" | "text"
    scale: Scale | None = None  # set for ratings


@dataclass(frozen=True)
class Subprocessor:
    """One entry of a tenant's subprocessor register (DPA §2.3, §7)."""

    name: str  # e.g. "Twilio Ireland Ltd."
    purpose: str  # e.g. "SMS to and from guests"
    region: str  # where it processes the data, e.g. "EU (Ireland)"

    def public(self) -> dict[str, str]:
        return {"name": self.name, "purpose": self.purpose, "region": self.region}


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str
    widget_key: str
    languages: tuple[str, ...]
    default_language: str
    escalation_threshold: float
    questions: tuple[Question, ...]
    sms_numbers: tuple[str, ...] = ()  # E.164 numbers that receive this tenant's SMS
    # E.164 numbers of the tenant's WhatsApp senders on Twilio (`whatsapp:` is added on the
    # wire); may repeat an SMS number of the same tenant (one Twilio number, both media)
    whatsapp_numbers: tuple[str, ...] = ()
    email_addresses: tuple[str, ...] = ()  # lower-case inbox addresses of this tenant
    # origins (scheme://host[:port], lower case) of the hotel's pages that embed the widget
    widget_origins: tuple[str, ...] = ()
    handover: HandoverPolicy = HandoverPolicy()  # escalation triggers, staffed hours
    # conversations, ratings and transcripts older than this are deleted (ratings folded
    # into anonymous aggregates first): bot/privacy/retention.py
    retention_days: int = 365
    subprocessors: tuple[Subprocessor, ...] = ()  # shown to its admins; changes are announced
    dsr_approval: str = "auto"  # "staff": verified requests wait for approval (bot/privacy/worker.py)
    # ISO 3166-1 alpha-2 country of the hotel: the default region of a guest's phone
    # number written without a country code (bot/outreach/parse.py)
    country: str | None = None
    # IANA time zone of the hotel (local times in guest lists; later the journeys'
    # quiet hours); default: the staffed hours' zone
    timezone: str = "Europe/Berlin"
    # invitations: journeys, quiet hours, cap, rates, review links (outreach_policy.py);
    # the console may override it per tenant (bot/outreach/settings.py)
    outreach: OutreachPolicy = OutreachPolicy()
    # the PMS connector that feeds its stays (bot/tenants/pms_config.py); None: none
    pms: PmsConfig | None = None

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    @property
    def rating_scales(self) -> dict[str, Scale]:
        return {q.id: q.scale for q in self.questions if q.scale is not None}

    @property
    def mail_domain(self) -> str:
        """The domain of the tenant's first inbox: staff and admin notices come from it."""
        return self.email_addresses[0].split("@", 1)[1] if self.email_addresses else "rapport.invalid"

    @property
    def notice_sender(self) -> str:
        """The From address of the e-mails to the tenant's staff and admins."""
        return f"{NOTICE_LOCAL_PART}@{self.mail_domain}"


@dataclass(frozen=True)
class Tenants:
    by_id: Mapping[str, Tenant]

    @classmethod
    def load(cls, path: Path, supported_languages: tuple[str, ...]) -> "Tenants":
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            raise ConfigError(f"cannot read tenants file {path}: {e}") from e
        if not isinstance(raw, dict) or not isinstance(raw.get("tenants"), list):
            raise ConfigError(f"{path}: expected a mapping with a 'tenants' list")
        tenants = [_tenant(t, supported_languages) for t in raw["tenants"]]
        by_id = {t.id: t for t in tenants}
        if len(by_id) != len(tenants):
            raise ConfigError(f"{path}: duplicate tenant id")
        if len({t.widget_key for t in tenants}) != len(tenants):
            raise ConfigError(f"{path}: duplicate widget key")
        numbers = [n for t in tenants for n in t.sms_numbers]
        if len(set(numbers)) != len(numbers):
            raise ConfigError(f"{path}: an SMS number belongs to two tenants")
        senders = [n for t in tenants for n in t.whatsapp_numbers]
        if len(set(senders)) != len(senders):
            raise ConfigError(f"{path}: a WhatsApp number belongs to two tenants")
        return cls(by_id)

    def get(self, tenant_id: str) -> Tenant:
        try:
            return self.by_id[tenant_id]
        except (KeyError, TypeError):
            raise UnknownTenant("unknown tenant") from None

    def by_widget_key(self, key: str) -> Tenant:
        for t in self.by_id.values():
            if t.widget_key == key:
                return t
        raise UnknownTenant("unknown widget key")

    def by_sms_number(self, number: str) -> Tenant:
        for t in self.by_id.values():
            if number in t.sms_numbers:
                return t
        raise UnknownTenant("no tenant receives SMS on this number")

    def by_whatsapp_number(self, number: str) -> Tenant:
        """The tenant whose WhatsApp sender `number` (E.164, without `whatsapp:`) is."""
        for t in self.by_id.values():
            if number in t.whatsapp_numbers:
                return t
        raise UnknownTenant("no tenant receives WhatsApp messages on this number")

    def by_email_address(self, address: str) -> Tenant:
        for t in self.by_id.values():
            if address.lower() in t.email_addresses:
                return t
        raise UnknownTenant("no tenant receives e-mail at this address")

    def __iter__(self):
        return iter(self.by_id.values())


def _tenant(d: Any, supported: tuple[str, ...]) -> Tenant:
    if not isinstance(d, dict):
        raise ConfigError("each tenant must be a mapping")
    tid = str(d.get("id", ""))
    if not TENANT_ID.fullmatch(tid):
        raise ConfigError(f"tenant id {tid!r} must match {TENANT_ID.pattern}")
    languages = tuple(d.get("languages") or ())
    unknown = [lang for lang in languages if lang not in supported]
    if not languages or unknown:
        raise ConfigError(f"tenant {tid}: languages must be a non-empty subset of {supported}")
    default = d.get("default_language")
    if default not in languages:
        raise ConfigError(f"tenant {tid}: default_language must be one of its languages")
    threshold = float(d.get("escalation_threshold", 0.4))
    if not 0 <= threshold <= 1:
        raise ConfigError(f"tenant {tid}: escalation_threshold must be within 0..1")
    handover = parse_policy(tid, d.get("handover"))
    questions = tuple(_question(tid, q) for q in d.get("questions") or ())
    if not questions or len({q.id for q in questions}) != len(questions):
        raise ConfigError(f"tenant {tid}: needs questions with unique ids")
    return Tenant(
        id=tid,
        name=str(d.get("name") or tid),
        widget_key=str(d.get("widget_key") or ""),
        languages=languages,
        default_language=default,
        escalation_threshold=threshold,
        questions=questions,
        sms_numbers=tuple(_e164(tid, n) for n in d.get("sms_numbers") or ()),
        whatsapp_numbers=_whatsapp_numbers(tid, d.get("whatsapp_numbers")),
        email_addresses=tuple(_address(tid, a) for a in d.get("email_addresses") or ()),
        widget_origins=_origins(tid, d.get("widget_origins")),
        handover=handover,
        subprocessors=_subprocessors(tid, d.get("subprocessors")),
        dsr_approval=_dsr_approval(tid, d.get("dsr")),
        retention_days=_retention(tid, d.get("retention_days", 365)),
        country=_country(tid, d.get("country")),
        timezone=_timezone(tid, d.get("timezone"), handover.hours.timezone),
        outreach=parse_outreach(tid, d.get("outreach"), languages),
        pms=parse_pms(tid, d.get("pms")),
    )


def _country(tid: str, country: Any) -> str | None:
    if country is None:
        return None
    if not isinstance(country, str) or not re.fullmatch(r"[A-Z]{2}", country):
        raise ConfigError(f"tenant {tid}: country must be an ISO 3166-1 alpha-2 code like DE")
    return country


def _timezone(tid: str, zone: Any, default: str) -> str:
    if zone is None:
        return default
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"tenant {tid}: timezone {zone!r} is not a known time zone") from None
    return str(zone)


def _dsr_approval(tid: str, dsr: Any) -> str:
    """`dsr: {approval: auto | staff}` (default auto)."""
    if dsr is None:
        return "auto"
    if not isinstance(dsr, dict) or set(dsr) - {"approval"}:
        raise ConfigError(f"tenant {tid}: dsr must be a mapping with 'approval'")
    approval = dsr.get("approval", "auto")
    if approval not in DSR_APPROVALS:
        raise ConfigError(f"tenant {tid}: dsr.approval must be one of {DSR_APPROVALS}")
    return str(approval)


def _subprocessors(tid: str, raw: Any) -> tuple[Subprocessor, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"tenant {tid}: subprocessors must be a list")
    entries = []
    for d in raw:
        fields = [d.get(f) if isinstance(d, dict) else None for f in ("name", "purpose", "region")]
        if not all(isinstance(v, str) and v.strip() and len(v) <= 120 for v in fields):
            raise ConfigError(f"tenant {tid}: each subprocessor needs a name, purpose and region (text)")
        entries.append(Subprocessor(*(v.strip() for v in fields)))  # type: ignore[union-attr]
    if len({e.name.lower() for e in entries}) != len(entries):
        raise ConfigError(f"tenant {tid}: subprocessor names must be unique")
    return tuple(entries)


def _retention(tid: str, days: Any) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
        raise ConfigError(f"tenant {tid}: retention_days must be a whole number of days from 1 to 3650")
    return days


def _origins(tid: str, origins: Any) -> tuple[str, ...]:
    if origins is None:
        return ()
    if not isinstance(origins, list):
        raise ConfigError(f"tenant {tid}: widget_origins must be a list")
    parsed = [parse_origin(o) if isinstance(o, str) else None for o in origins]
    if None in parsed:
        raise ConfigError(f"tenant {tid}: widget_origins must be origins like https://www.hotel.example")
    return tuple(dict.fromkeys(o for o in parsed if o))


def _address(tid: str, address: Any) -> str:
    if not isinstance(address, str) or not re.match(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", address.lower()):
        raise ConfigError(f"tenant {tid}: email addresses must look like name@domain.tld")
    return address.lower()


def _e164(tid: str, number: Any) -> str:
    if not isinstance(number, str) or not re.match(r"^\+[1-9][0-9]{6,14}$", number):
        raise ConfigError(f"tenant {tid}: SMS numbers must be E.164 strings like +49882112345")
    return number


def _whatsapp_numbers(tid: str, raw: Any) -> tuple[str, ...]:
    """`whatsapp_numbers: ["+49882112345"]`: E.164 as for SMS, without the `whatsapp:`
    prefix Twilio puts on the wire, each once."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"tenant {tid}: whatsapp_numbers must be a list")
    numbers = []
    for n in raw:
        if not isinstance(n, str) or not re.match(r"^\+[1-9][0-9]{6,14}$", n):
            raise ConfigError(f"tenant {tid}: WhatsApp numbers must be E.164 strings like +49882112345")
        numbers.append(n)
    if len(set(numbers)) != len(numbers):
        raise ConfigError(f"tenant {tid}: a WhatsApp number is listed twice")
    return tuple(numbers)


def _question(tid: str, d: Any) -> Question:
    if not isinstance(d, dict) or d.get("kind") not in QUESTION_KINDS:
        raise ConfigError(f"tenant {tid}: each question needs a kind in {QUESTION_KINDS}")
    qid = str(d.get("id", ""))
    if not re.match(r"^[a-z_]{2,30}$", qid):
        raise ConfigError(f"tenant {tid}: bad question id {qid!r}")
    if d["kind"] == "text":
        return Question(qid, "text")
    scale = Scale.from_config(d.get("scale") or {})
    if scale.low >= scale.high:
        raise ConfigError(f"tenant {tid}: question {qid} needs a scale with low < high")
    return Question(qid, "rating", scale)
