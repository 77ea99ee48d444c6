"""Tenant routes under /t/<tenant>/: the shell page and the JSON API. Each handler
calls `access()` first and touches tenant data only through what it returns."""

from __future__ import annotations

import json
import logging
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.base.errors import InvalidInput
from bot.base.logs import event
from bot.console import pages, reports
from bot.console.access import access
from bot.staff.accounts import (
    UsernameTaken,
    check_contact,
    check_role,
    new_staff_id,
    normalise_username,
)
from bot.staff.passwords import hash_password_async

logger = logging.getLogger(__name__)

# Every tenant route (the cross-tenant sweep in tests/stack/test_console_access.py walks
# this list): (method, path, route name).
TENANT_ROUTES = (
    ("GET", "/t/<tenant>/", "shell"),
    ("GET", "/t/<tenant>/api/me", "me"),
    ("POST", "/t/<tenant>/api/me/duty", "duty"),
    ("GET", "/t/<tenant>/api/me/digest", "digest_read"),
    ("POST", "/t/<tenant>/api/me/digest", "digest_set"),
    ("GET", "/t/<tenant>/staff", "staff_list"),
    ("POST", "/t/<tenant>/staff", "staff_create"),
    ("GET", "/t/<tenant>/api/subprocessors", "subprocessors"),
    ("GET", "/t/<tenant>/api/reports", "reports"),
    ("GET", "/t/<tenant>/api/reports/comments", "report_comments"),
    ("GET", "/t/<tenant>/api/reports/export", "report_export"),
)


def register(app: Sanic) -> None:
    handlers = {
        "shell": shell,
        "me": me,
        "duty": duty,
        "digest_read": digest_read,
        "digest_set": digest_set,
        "staff_list": staff_list,
        "staff_create": staff_create,
        "subprocessors": subprocessors,
        "reports": reports.reports,  # bot/console/reports.py
        "report_comments": reports.comments,  # the comments behind a topic's figure
        "report_export": reports.export,  # a report table as CSV or XLSX
    }
    reports.register(app)
    for method, path, name in TENANT_ROUTES:
        app.add_route(handlers[name], path, methods=[method], name=name)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity and -Infinity (Python accepts them)


def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, or InvalidInput (400) saying what is wrong with it."""
    if not request.content_type.startswith("application/json"):
        raise InvalidInput("json_required", "send Content-Type: application/json")
    try:
        body = json.loads(request.body or b"", parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError):  # also a number of over 4300 digits
        raise InvalidInput("json_invalid", "the body is not valid JSON") from None
    except RecursionError:  # "[[[[...": no console body nests deeper than two levels
        raise InvalidInput("json_too_deep", "the body nests too deeply") from None
    if not isinstance(body, dict):
        raise InvalidInput("json_object_required", "the body must be a JSON object")
    return body


async def shell(request: Request, tenant: str) -> HTTPResponse:
    grant = await access(request, tenant, action="console.open", resource_type="tenant", resource_id=tenant)
    return response.html(
        pages.shell_page(
            tenant_id=grant.tenant_id,
            tenant_name=request.app.ctx.tenants.get(grant.tenant_id).name,
            username=grant.staff.username,
            role=grant.role,
            csrf=request.ctx.session.csrf,
            on_duty=grant.staff.on_duty,
        )
    )


async def me(request: Request, tenant: str) -> HTTPResponse:
    grant = await access(request, tenant, action="staff.read", resource_type="staff", resource_id=None)
    return response.json({**grant.staff.public(grant.tenant_id), "tenant": grant.tenant_id})


async def duty(request: Request, tenant: str) -> HTTPResponse:
    """Go on or off duty: on-duty staff are notified of escalations (bot/handover/notify.py)."""
    grant = await access(request, tenant, action="staff.duty", resource_type="staff", resource_id=None)
    on_duty = json_body(request).get("on_duty")
    if not isinstance(on_duty, bool):
        raise InvalidInput("on_duty_invalid", "true or false")
    await request.app.ctx.staff.set_on_duty(grant.staff.id, on_duty)
    event(logger, "console.staff.duty", staff=grant.staff.id, on_duty=on_duty)
    return response.json({"on_duty": on_duty})


async def digest_read(request: Request, tenant: str) -> HTTPResponse:
    """Whether this admin gets the hotel's weekly digest e-mail (bot/jobs/digest.py)."""
    grant = await access(
        request, tenant, action="staff.digest.read", resource_type="staff", resource_id=None, need="admin"
    )
    return response.json(_digest_state(grant.staff.digest, grant.tenant_id, grant.staff.email))


async def digest_set(request: Request, tenant: str) -> HTTPResponse:
    """An admin subscribes to (or leaves) the hotel's weekly digest, for themselves only.
    Body: {"subscribed": true|false}."""
    grant = await access(
        request, tenant, action="staff.digest", resource_type="staff", resource_id=None, need="admin"
    )
    subscribed = json_body(request).get("subscribed")
    if not isinstance(subscribed, bool):
        raise InvalidInput("subscribed_invalid", "true or false")
    await request.app.ctx.staff.set_digest(grant.staff.id, grant.tenant_id, subscribed)
    event(logger, "console.staff.digest", staff=grant.staff.id, tenant=grant.tenant_id, subscribed=subscribed)
    digest = grant.staff.digest | {grant.tenant_id} if subscribed else grant.staff.digest - {grant.tenant_id}
    return response.json(_digest_state(digest, grant.tenant_id, grant.staff.email))


def _digest_state(digest: frozenset[str], tenant_id: str, email: str | None) -> dict[str, Any]:
    # `has_email`: without an address on the account nothing can be sent
    return {"subscribed": tenant_id in digest, "has_email": bool(email)}


async def staff_list(request: Request, tenant: str) -> HTTPResponse:
    grant = await access(request, tenant, action="staff.list", resource_type="staff", need="admin")
    staff = await request.app.ctx.staff.list(grant.tenant_id)
    return response.json({"staff": [s.public(grant.tenant_id) for s in staff]})


async def staff_create(request: Request, tenant: str) -> HTTPResponse:
    """Create an account with a role in this tenant only (admins). Body: {username,
    password, role, email?, phone?}."""
    staff_id = new_staff_id()
    grant = await access(
        request, tenant, action="staff.create", resource_type="staff", resource_id=staff_id, need="admin"
    )
    body = json_body(request)
    username = normalise_username(body.get("username"))
    role = check_role(body.get("role", "agent"))
    email, phone = check_contact(body.get("email"), body.get("phone"))
    password_hash = await hash_password_async(body.get("password"))  # type: ignore[arg-type]
    try:
        created = await request.app.ctx.staff.add(
            staff_id=staff_id,
            username=username,
            password_hash=password_hash,
            tenant_id=grant.tenant_id,
            role=role,
            email=email,
            phone=phone,
        )
    except UsernameTaken:
        return response.json({"error": "username_taken"}, status=409)
    event(logger, "console.staff.created", actor=grant.staff.id, staff=created.id, tenant=grant.tenant_id)
    return response.json(created.public(grant.tenant_id), status=201)


async def subprocessors(request: Request, tenant: str) -> HTTPResponse:
    """The tenant's subprocessor register with processing regions (DPA 2.3, 7; admins)."""
    grant = await access(
        request, tenant, action="subprocessors.read", resource_type="tenant", resource_id=tenant, need="admin"
    )
    register = request.app.ctx.tenants.get(grant.tenant_id).subprocessors
    return response.json({"tenant": grant.tenant_id, "subprocessors": [s.public() for s in register]})
