"""The weekly digest e-mail: each Monday from 08:00 in the hotel's time zone
(`Tenant.timezone`), last week's figures and topics (bot/reports/digest.py) go, in the
hotel's language (`Tenant.default_language`), to every admin of the hotel who subscribed
in the console (bot/console/routes.py `digest_set`), through the outbox (`to_staff`, a
plain-text notice like the handover's). No guest's words, no guest contact: figures,
topic shares, trends and a link to the console's reports.

Exactly once per hotel and ISO week, whatever the number of jobs processes:

- the week is claimed in the tenant's `digests` collection by inserting the document
  `_id = "<ISO year>-W<week>"` (the unique `_id` makes the insert the atomic claim;
  no check-then-act). A process that loses the insert skips the week, unless the
  claim is a failed send waiting for its retry time or a claim whose lease ran out
  (the process died): those are taken over with a conditional `find_one_and_update`
  on `claim_until` (one process wins);
- each admin's delivery is recorded (`sent.<staff id>`) as soon as the outbox took it,
  so a retry mails only those who did not get it. A process that dies between the
  SMTP answer and that record may, rarely, send that one mail twice;
- when a send fails, the claim becomes `retry` with a back-off (RETRY_BASE × 2^n,
  at most an hour) and any process tries again, up to MAX_ATTEMPTS, then `failed`;
- a jobs process that was down on Monday at 08:00 sends the week's digest when it comes
  back, any time until the week ends (the next Monday's digest replaces it).

Nothing is claimed while no admin is subscribed, so an admin who subscribes on Tuesday
still gets that week's digest. `python -m bot.jobs digest --tenant X --preview` prints
the mail; `--send` sends this week's now (and so claims it: Monday's round skips it).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from bot.base.logs import event
from bot.base.names import DIGESTS
from bot.base.settings import Settings
from bot.i18n import Catalog
from bot.outbox import DeliveryFailed, Outbox
from bot.reports import digest as figures
from bot.reports.groups import MIN_GROUP
from bot.staff.accounts import Staff, StaffStore
from bot.storage.mongo import DURABLE, MongoStore
from bot.tenants.registry import Tenant, Tenants

logger = logging.getLogger(__name__)

SEND_AT = dt.time(8, 0)  # Monday, hotel time
LEASE = 300.0  # seconds a claim holds while the mails are sent
RETRY_BASE = 60.0  # first retry after a failed send; doubled each time, at most an hour
MAX_ATTEMPTS = 6
EVERY = 60.0  # seconds between the jobs' rounds


@dataclass(frozen=True)
class Week:
    key: str  # the ISO week the digest is sent in, "2026-W50"
    send_at: dt.datetime  # Monday 08:00 in the hotel's zone
    first: dt.date  # the reported week: the Monday before ...
    start: dt.datetime  # ... from 00:00 hotel time
    end: dt.datetime  # to this Monday 00:00 hotel time (excluded)

    @property
    def last(self) -> dt.date:
        return self.first + dt.timedelta(days=6)


def week_of(now: dt.datetime, zone: str) -> Week:
    """The digest week `now` falls in, in the hotel's time zone (pure)."""
    tz = ZoneInfo(zone)
    monday = now.astimezone(tz).date()
    monday -= dt.timedelta(days=monday.weekday())
    year, number, _ = monday.isocalendar()
    first = monday - dt.timedelta(days=7)
    return Week(
        key=f"{year}-W{number:02d}",
        send_at=dt.datetime.combine(monday, SEND_AT, tz),
        first=first,
        start=dt.datetime.combine(first, dt.time(), tz),
        end=dt.datetime.combine(monday, dt.time(), tz),
    )


def due(now: dt.datetime, zone: str) -> Week | None:
    """This week's digest once it is Monday 08:00 or later in the hotel, else None."""
    week = week_of(now, zone)
    return week if now >= week.send_at else None


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def compose(
    catalog: Catalog,
    tenant: Tenant,
    week: Week,
    now: dict[str, Any],
    before: dict[str, Any],
    console_url: str,
    k: int = MIN_GROUP,
) -> Mail:
    """The digest mail in the hotel's language: figures only (pure)."""
    lang = tenant.default_language

    def t(key: str, **params: Any) -> str:
        return catalog.render(lang, key, **params)

    def day(d: dt.date) -> str:
        return format_date(d, "long", locale=lang)

    def number(v: Any) -> str:
        return t("digest.hidden") if v is None else format_decimal(v, locale=lang)

    def share(v: Any) -> str:
        return t("digest.hidden") if v is None else format_percent(v, locale=lang)

    lines = [t("digest.intro", hotel=tenant.name, first=day(week.first), last=day(week.last)), ""]
    if now["conversations"] == 0:
        lines.append(t("digest.none"))
    elif now["suppressed"]:
        lines.append(t("digest.small", k=k))
    else:
        lines += [
            t("digest.conversations", value=number(now["conversations"])),
            t("digest.answers", value=number(now["answers"])),
            t("digest.comments", value=number(now["comments"])),
        ]
        if now.get("response_rate") is not None:
            lines.append(t("digest.rate", value=share(now["response_rate"])))
        rated = [q for q in now["questions"] if q["count"] != 0]
        if rated:
            lines += ["", t("digest.averages")]
            for q in rated:
                mean = number(q["mean"]) + (
                    f" / {q['high']:g}" if q["mean"] is not None and q["high"] else ""
                )
                lines.append(f"- {_label(catalog, lang, q['id'])}: {mean}")
        lines += ["", t("digest.topics")]
        for topic, row in now["topics"].items():
            lines.append(
                "- "
                + t(
                    "digest.topic_line",
                    topic=t(f"digest.topic.{topic}"),
                    positive=share(row["positive"]),
                    negative=share(row["negative"]),
                    trend=t(f"digest.trend.{figures.trend(row, before['topics'].get(topic))}"),
                    guests=number(row["conversations"]),
                )
            )
        if not now["topics"]:
            lines.append(t("digest.no_topics", k=k))
        if now["hidden_topics"]:
            lines.append(t("digest.hidden_topics", count=now["hidden_topics"], k=k))
    link = f"{console_url.rstrip('/')}/t/{tenant.id}/#/reports"
    lines += ["", t("digest.link", link=link), "", t("digest.footer")]
    subject = t("digest.subject", hotel=tenant.name, first=day(week.first))
    return Mail(subject, "\n".join(lines) + "\n")


def _label(catalog: Catalog, lang: str, qid: str) -> str:
    key = f"digest.topic.{qid}"
    return catalog.render(lang, key) if key in catalog.keys(lang) else qid


class Digests:
    """One round (`run_once`) over every tenant; `preview` and `send_now` for the CLI."""

    def __init__(
        self,
        settings: Settings,
        mongo: MongoStore,
        staff: StaffStore,
        tenants: Tenants,
        catalog: Catalog,
        outbox: Outbox,
        clock: Any = time.time,
    ) -> None:
        self.settings = settings
        self.mongo = mongo
        self.staff = staff
        self.tenants = tenants
        self.catalog = catalog
        self.outbox = outbox
        self.clock = clock

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), dt.UTC)

    def _claims(self, tenant: Tenant) -> Any:
        return self.mongo.database(tenant.id).get_collection(DIGESTS, write_concern=DURABLE)

    async def run_once(self) -> int:
        """Send every hotel's digest that is due and unsent; how many weeks were claimed."""
        claimed = 0
        for tenant in self.tenants:
            week = due(self._now(), tenant.timezone)
            if week is not None and await self.subscribers(tenant):
                claimed += await self.send(tenant, week)
        return claimed

    async def subscribers(self, tenant: Tenant) -> list[Staff]:
        return [s for s in await self.staff.list(tenant.id) if s.gets_digest(tenant.id)]

    async def mail(self, tenant: Tenant, week: Week) -> Mail:
        db = self.mongo.database(tenant.id)
        now = await figures.week(db, tenant, week.start, week.end)
        before = await figures.week(db, tenant, week.start - dt.timedelta(days=7), week.start)
        return compose(self.catalog, tenant, week, now, before, self.settings.console_url)

    async def preview(self, tenant: Tenant) -> Mail:
        return await self.mail(tenant, week_of(self._now(), tenant.timezone))

    async def send_now(self, tenant: Tenant) -> int:
        return await self.send(tenant, week_of(self._now(), tenant.timezone))

    async def send(self, tenant: Tenant, week: Week) -> int:
        """Claim the week and mail it; 1 when this process claimed it."""
        claims = self._claims(tenant)
        claim = await self._claim(claims, week, self.clock())
        if claim is None:
            return 0
        attempts = int(claim.get("attempts") or 0) + 1
        done = _sent_ids(claim.get("sent"))
        try:
            mail = await self.mail(tenant, week)
            failed = 0
            for admin in await self.subscribers(tenant):
                if admin.id in done:
                    continue
                try:
                    await self.outbox.to_staff(
                        tenant, "email", admin.email or "", mail.body, subject=mail.subject
                    )
                except DeliveryFailed as e:
                    failed += 1
                    event(
                        logger, "digest.send_failed", logging.WARNING, tenant=tenant.id, retryable=e.retryable
                    )
                    continue
                await claims.update_one({"_id": week.key}, {"$set": {f"sent.{admin.id}": 1}})
                done.add(admin.id)
        except Exception:
            await self._settle(claims, tenant, week, attempts, len(done), failed=True)
            raise
        await self._settle(claims, tenant, week, attempts, len(done), failed=failed > 0)
        return 1

    async def _claim(self, claims: Any, week: Week, now: float) -> dict[str, Any] | None:
        fresh = {
            "_id": week.key,
            "status": "sending",
            "claim_until": now + LEASE,
            "attempts": 0,
            "week_from": week.first.isoformat(),
            "created_at": now,
        }
        try:
            await claims.insert_one(fresh)
            return fresh
        except DuplicateKeyError:
            pass
        take = {"$set": {"status": "sending", "claim_until": now + LEASE}}
        for status in ("retry", "sending"):  # a retry that is due; a claim whose holder died
            doc = await claims.find_one_and_update(
                {"_id": week.key, "status": status, "claim_until": {"$lt": now}},
                take,
                return_document=ReturnDocument.AFTER,
            )
            if doc is not None:
                return doc
        return None

    async def _settle(
        self, claims: Any, tenant: Tenant, week: Week, attempts: int, sent: int, *, failed: bool
    ) -> None:
        now = self.clock()
        if failed and attempts < MAX_ATTEMPTS:
            retry = min(RETRY_BASE * 2 ** (attempts - 1), 3600.0)
            update = {"status": "retry", "claim_until": now + retry, "attempts": attempts, "sent_count": sent}
            event(logger, "digest.retry", logging.WARNING, tenant=tenant.id, week=week.key, after=retry)
        else:
            status = "failed" if failed else "sent"
            update = {
                "status": status,
                "claim_until": now,
                "attempts": attempts,
                "sent_count": sent,
                "done_at": now,
            }
            level = logging.ERROR if failed else logging.INFO
            event(logger, f"digest.{status}", level, tenant=tenant.id, week=week.key, sent=sent)
        await claims.update_one({"_id": week.key}, {"$set": update})


def _sent_ids(raw: Any) -> set[str]:
    """The staff ids already mailed this week (a sub-document; nx-27017 may return a
    `$set` sub-document as JSON text)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return set()
    return {k for k, v in raw.items() if v} if isinstance(raw, dict) else set()
