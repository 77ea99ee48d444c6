"""Journeys in the console (issue 12): the outreach policy, a preview of every
invitation, a test sent to oneself, and the send log (JSON API; static/journeys.js
draws the view).

    GET  /t/<tenant>/api/outreach                the policy in force, its version and source
    POST /t/<tenant>/api/outreach                {policy, version}: save an edited policy (admins)
    POST /t/<tenant>/api/outreach/reset          {version}: back to config/tenants.yml (admins)
    GET  /t/<tenant>/api/outreach/preview        each journey's invitation in every language
    POST /t/<tenant>/api/outreach/test           {journey, language, channel?}: to me (admins)
    GET  /t/<tenant>/api/outreach/log?from=&to=  counts per day, journey, channel, status
                                                 (92 days at most; default the last 90)

Agents may read (the policy, the previews and the send log hold no guest data: what a
guest will be sent is no secret to the front desk); only admins change the policy or
send tests (403 otherwise). Every handler passes `access()` first (audited); another
tenant is 404. A refused policy is 400 with every refused field named
(`{"error": "policy_invalid", "fields": {"journeys.1.when": "..."}}`); saving over a
version someone else replaced is 409.

"Send a test to me" sends the journey's invitation (sample first name and link) to the
admin's own phone or e-mail from their staff account, through the outbox's staff
notices (`Outbox.to_staff`): SMS or e-mail (a WhatsApp journey's test goes as SMS with
the same text; templates are Twilio's, their variables are shown in the preview). At
most `TEST_LIMIT` per admin per hour, counted in Redis before sending (429 with
Retry-After beyond). No invitation document is written; the audit record names the
journey only.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.base import invite_link
from bot.base.errors import InvalidInput
from bot.base.logs import event
from bot.base.names import REDIS_PREFIX
from bot.console.access import Access, access
from bot.console.reports import period_of
from bot.console.routes import json_body
from bot.outreach.message import compose
from bot.outreach.settings import (
    PolicyConflict,
    PolicyInvalid,
    StoredPolicy,
    reset_policy,
    save_policy,
    stored_policy,
)
from bot.reports import send_log
from bot.tenants.outreach_policy import CHANNELS, Journey
from bot.tenants.registry import Tenant

logger = logging.getLogger(__name__)

JOURNEY_ROUTES = (
    ("GET", "/t/<tenant>/api/outreach", "outreach_show"),
    ("POST", "/t/<tenant>/api/outreach", "outreach_save"),
    ("POST", "/t/<tenant>/api/outreach/reset", "outreach_reset"),
    ("GET", "/t/<tenant>/api/outreach/preview", "outreach_preview"),
    ("POST", "/t/<tenant>/api/outreach/test", "outreach_test"),
    ("GET", "/t/<tenant>/api/outreach/log", "outreach_log"),
)
SAMPLE_NAMES = {"de": "Anna", "en": "Anna", "it": "Anna", "fr": "Anne", "es": "Ana"}
SAMPLE_LINK_PATH = "SAMPLE"  # in place of a signed token: a preview opens nothing
TEST_LIMIT = 5  # tests per admin per hour
TEST_WINDOW = 3600
TEST_KEY = f"{REDIS_PREFIX}:console:outreach_test:"  # + staff id: tests sent this hour
LOG_MAX_DAYS = 92  # a quarter: 18 short finds (bot/reports/outreach.py), ~3 s for 30,000 a year


def register(app: Sanic) -> None:
    handlers = {
        "outreach_show": show,
        "outreach_save": save,
        "outreach_reset": reset,
        "outreach_preview": preview,
        "outreach_test": test_send,
        "outreach_log": log,
    }
    for method, path, name in JOURNEY_ROUTES:
        app.add_route(handlers[name], path, methods=[method], name=name)


def _tenant(request: Request, grant: Access) -> Tenant:
    return request.app.ctx.tenants.get(grant.tenant_id)


def _answer(grant: Access, tenant: Tenant, stored: StoredPolicy, status: int = 200) -> HTTPResponse:
    return response.json(
        {
            **stored.public(),
            "tenant": grant.tenant_id,
            "languages": list(tenant.languages),
            "channels": list(CHANNELS),
            "can_edit": grant.role == "admin",
            "senders": {"sms": bool(tenant.sms_numbers), "email": bool(tenant.email_addresses)},
            "me": {"phone": bool(grant.staff.phone), "email": bool(grant.staff.email)},
        },
        status=status,
    )


def _version(body: dict[str, Any]) -> int:
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise InvalidInput("version_invalid", "the version of the policy you loaded (a whole number)")
    return version


async def show(request: Request, tenant: str) -> HTTPResponse:
    grant = await access(
        request, tenant, action="outreach.policy.read", resource_type="outreach_policy", resource_id=tenant
    )
    t = _tenant(request, grant)
    return _answer(grant, t, await stored_policy(grant.database, t))


async def save(request: Request, tenant: str) -> HTTPResponse:
    grant = await access(
        request,
        tenant,
        action="outreach.policy.edit",
        resource_type="outreach_policy",
        resource_id=tenant,
        need="admin",
    )
    body = json_body(request)
    if set(body) - {"policy", "version"}:
        raise InvalidInput("field_unknown", "send {policy, version}")
    t = _tenant(request, grant)
    try:
        stored = await save_policy(
            grant.database,
            request.app.ctx.audit,
            t,
            body.get("policy"),
            staff_id=grant.staff.id,
            username=grant.staff.username,
            version=_version(body),
        )
    except PolicyInvalid as e:
        return response.json({"error": e.code, "detail": e.detail, "fields": e.fields}, status=400)
    except PolicyConflict:
        return response.json(
            {"error": "conflict", "detail": "another admin saved the policy meanwhile"}, status=409
        )
    return _answer(grant, t, stored)


async def reset(request: Request, tenant: str) -> HTTPResponse:
    grant = await access(
        request,
        tenant,
        action="outreach.policy.edit",
        resource_type="outreach_policy",
        resource_id=tenant,
        need="admin",
    )
    version = _version(json_body(request))
    t = _tenant(request, grant)
    try:
        stored = await reset_policy(
            grant.database, request.app.ctx.audit, t, staff_id=grant.staff.id, version=version
        )
    except PolicyConflict:
        return response.json(
            {"error": "conflict", "detail": "another admin saved the policy meanwhile"}, status=409
        )
    return _answer(grant, t, stored)


def _sample_link(request: Request) -> str:
    return invite_link.url(request.app.ctx.settings.public_url, SAMPLE_LINK_PATH)


def _message(request: Request, tenant: Tenant, journey: Journey, lang: str, reminder: bool) -> dict[str, Any]:
    m = compose(
        request.app.ctx.catalog,
        tenant,
        journey.id,
        language=lang,
        first_name=SAMPLE_NAMES.get(lang, "Anna"),
        link=_sample_link(request),
        reminder=reminder,
    )
    return {
        "sms": m.text,
        "email": {"subject": m.subject, "body": m.email_text},
        "whatsapp": {"template": journey.template(lang), "variables": m.template_variables, "text": m.text},
    }


async def preview(request: Request, tenant: str) -> HTTPResponse:
    """Every journey's invitation (and reminder) in each of the hotel's languages,
    with a sample first name and a sample link."""
    grant = await access(
        request, tenant, action="outreach.preview", resource_type="outreach_policy", resource_id=tenant
    )
    t = _tenant(request, grant)
    policy = (await stored_policy(grant.database, t)).policy
    journeys = []
    for j in policy.journeys:
        languages = {}
        for lang in t.languages:
            entry = {"invitation": _message(request, t, j, lang, False)}
            if j.reminder_after_hours is not None:
                entry["reminder"] = _message(request, t, j, lang, True)
            languages[lang] = entry
        journeys.append(
            {"id": j.id, "enabled": j.enabled, "channels": list(j.channels), "languages": languages}
        )
    return response.json({"tenant": t.id, "sample_link": _sample_link(request), "journeys": journeys})


async def _count_test(request: Request, staff_id: str) -> tuple[int, int]:
    """This test counted against the admin's hourly allowance, before it is sent: (the
    count including it, seconds until the window ends)."""
    key = TEST_KEY + staff_id
    pipe = request.app.ctx.redis.pipeline(transaction=True)
    pipe.incr(key)
    pipe.expire(key, TEST_WINDOW, nx=True)
    pipe.ttl(key)
    count, _, ttl = await pipe.execute()
    return int(count), max(1, int(ttl))


def _test_request(
    body: dict[str, Any], tenant: Tenant, journeys: dict[str, Journey]
) -> tuple[Journey, str, str | None, bool]:
    if set(body) - {"journey", "language", "channel", "reminder"}:
        raise InvalidInput("field_unknown", "send {journey, language, channel?, reminder?}")
    journey = journeys.get(body.get("journey")) if isinstance(body.get("journey"), str) else None
    if journey is None:
        raise InvalidInput("journey_unknown", "one of the policy's journeys")
    lang = body.get("language", tenant.default_language)
    if lang not in tenant.languages:
        raise InvalidInput("language_invalid", f"one of {', '.join(tenant.languages)}")
    channel = body.get("channel")
    if channel is not None and channel not in ("sms", "email"):
        raise InvalidInput("channel_invalid", "sms or email (a WhatsApp journey's test goes as SMS)")
    reminder = body.get("reminder", False)
    if not isinstance(reminder, bool):
        raise InvalidInput("reminder_invalid", "true or false")
    return journey, lang, channel, reminder


def _medium(journey: Journey, channel: str | None, grant: Access, tenant: Tenant) -> str | None:
    """The medium of the test: the one asked for, else the journey's first that the
    admin has a contact for and the hotel a sender (WhatsApp goes as SMS)."""
    usable = {
        "sms": bool(grant.staff.phone and tenant.sms_numbers),
        "email": bool(grant.staff.email and tenant.email_addresses),
    }
    if channel is not None:
        return channel if usable[channel] else None
    for c in journey.channels:
        medium = "sms" if c == "whatsapp" else c
        if usable[medium]:
            return medium
    return None


async def test_send(request: Request, tenant: str) -> HTTPResponse:
    try:
        body, refused = json_body(request), None
    except InvalidInput as e:  # answered after access(): nothing is said before the role check
        body, refused = {}, e
    named = body.get("journey") if isinstance(body.get("journey"), str) else None
    grant = await access(
        request,
        tenant,
        action="outreach.test_send",
        resource_type="journey",
        resource_id=named[:40] if named else None,
        need="admin",
    )
    if refused is not None:
        raise refused
    t = _tenant(request, grant)
    policy = (await stored_policy(grant.database, t)).policy
    journey, lang, channel, reminder = _test_request(body, t, {j.id: j for j in policy.journeys})
    medium = _medium(journey, channel, grant, t)
    if medium is None:
        return response.json(
            {
                "error": "no_contact",
                "detail": "add your phone or e-mail to your staff account (or the hotel has no sender)",
            },
            status=409,
        )
    count, retry_after = await _count_test(request, grant.staff.id)
    if count > TEST_LIMIT:
        event(logger, "console.outreach.test_limited", logging.WARNING, actor=grant.staff.id)
        return response.json(
            {
                "error": "rate_limited",
                "detail": f"at most {TEST_LIMIT} tests an hour",
                "retry_after": retry_after,
            },
            status=429,
            headers={"Retry-After": str(retry_after)},
        )
    m = _message(request, t, journey, lang, reminder)
    if medium == "email":
        await request.app.ctx.outbox.to_staff(
            t, "email", grant.staff.email, m["email"]["body"], subject=f"[Test] {m['email']['subject']}"
        )
    else:
        await request.app.ctx.outbox.to_staff(t, "sms", grant.staff.phone, m["sms"])
    event(
        logger,
        "console.outreach.test_sent",
        tenant=t.id,
        actor=grant.staff.id,
        journey=journey.id,
        medium=medium,
    )
    return response.json(
        {"sent": True, "channel": medium, "language": lang, "journey": journey.id, "left": TEST_LIMIT - count}
    )


async def log(request: Request, tenant: str) -> HTTPResponse:
    try:
        period = period_of(request.args, dt.datetime.now(dt.UTC).date())
        refused = None
        if period.days > LOG_MAX_DAYS:
            refused = InvalidInput("period_too_long", f"the send log covers {LOG_MAX_DAYS} days at most")
    except InvalidInput as e:
        period, refused = None, e
    named = f"{period.first}..{period.last}" if period is not None else "invalid"
    grant = await access(
        request, tenant, action="outreach.log.read", resource_type="send_log", resource_id=named
    )
    if refused is not None or period is None:
        raise refused or InvalidInput("period_invalid")
    async with request.app.ctx.report_slot:  # one report at a time per console process
        result = await send_log(grant.database, period)
    return response.json({"tenant": grant.tenant_id, **result})
