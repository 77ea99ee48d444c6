"""Login, logout and the start page.

The login form carries a pre-session CSRF token that must match the `rapport_login`
cookie set with the form (double submit). Every attempt is counted before its password
is verified, per client IP and per account (bot/console/login_limit.py): from the sixth
attempt from one IP within five minutes, or while an account's back-off runs, the
answer is 429 whether or not the password is right (the same 429 for a username that
does not exist); while Redis is down, 503. An unknown username, a disabled account and a
wrong password give the same answer and cost the same argon2 verification. A successful
login replaces any session the browser had with a new one (new id, new CSRF token).
"""

from __future__ import annotations

import logging
import secrets

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.base.logs import event
from bot.console import pages
from bot.console.access import NotAuthenticated
from bot.console.security import (
    CSRF_FIELD,
    cookie_attributes,
    form_fields,
    login_cookie_name,
    tokens_match,
)
from bot.staff.passwords import verify_password_async
from bot.staff.sessions import ABSOLUTE_SECONDS

logger = logging.getLogger(__name__)

MAX_USERNAME = 64  # longer names match no account (bot/staff/accounts.py); limits key their start


def register(app: Sanic) -> None:
    app.add_route(index, "/", methods=["GET"], name="index")
    app.add_route(login_form, "/login", methods=["GET"], name="login_form")
    app.add_route(login_submit, "/login", methods=["POST"], name="login_submit")
    app.add_route(logout, "/logout", methods=["POST"], name="logout")


def _wants_json(request: Request) -> bool:
    return "application/json" in (request.headers.get("accept") or "")


def _set_cookie(resp: HTTPResponse, request: Request, name: str, value: str, max_age: int | None) -> None:
    resp.cookies[name] = value
    for key, attr in cookie_attributes(request.app.ctx.settings.console_url, max_age=max_age).items():
        resp.cookies[name][key] = attr


def _clear_cookie(resp: HTTPResponse, request: Request, name: str) -> None:
    _set_cookie(resp, request, name, "", 0)


def client_ip(request: Request) -> str:
    """The client's address: the connection's, or behind one trusted proxy the address
    that proxy appended to X-Forwarded-For (RAPPORT_CONSOLE_TRUST_PROXY)."""
    return (request.remote_addr if request.app.config.PROXIES_COUNT else "") or request.ip or "unknown"


def _login_answer(request: Request, status: int, message: str | None) -> HTTPResponse:
    """The login page (or, for the page's script, JSON) with a fresh login token."""
    token = secrets.token_urlsafe(32)
    if _wants_json(request):
        body = {"error": "login_failed" if status == 401 else "refused", "message": message}
        resp = response.json({**body, "login_csrf": token}, status=status)
    else:
        resp = response.html(pages.login_page(token, message), status=status)
    _set_cookie(resp, request, login_cookie_name(request.app.ctx.settings.console_url), token, 3600)
    return resp


async def index(request: Request) -> HTTPResponse:
    staff = request.ctx.staff
    if staff is None:
        raise NotAuthenticated("login required")
    tenants = request.app.ctx.tenants.by_id
    mine = [(t, tenants[t].name, role) for t, role in sorted(staff.roles.items()) if t in tenants]
    if len(mine) == 1:
        return response.redirect(f"/t/{mine[0][0]}/", status=303)
    return response.html(pages.tenant_list_page(staff.username, request.ctx.session.csrf, mine))


async def login_form(request: Request) -> HTTPResponse:
    return _login_answer(request, 200, None)


async def login_submit(request: Request) -> HTTPResponse:
    ctx = request.app.ctx
    ip = client_ip(request)
    form = form_fields(request.content_type, request.body)
    login_cookie = request.cookies.get(login_cookie_name(ctx.settings.console_url))
    if not tokens_match(login_cookie, form.get(CSRF_FIELD)):
        event(logger, "console.login.csrf", logging.WARNING)
        return _login_answer(request, 403, "The form expired; please try again.")
    username, password = form.get("username") or "", form.get("password") or ""
    attempt = await ctx.limiter.attempt(ip, username[:MAX_USERNAME])  # counted before verifying
    if attempt.refused:
        event(logger, "console.login.rate_limited", logging.WARNING, limit=attempt.refused)
        return _login_answer(request, 429, pages.TOO_MANY)
    staff = await ctx.staff.by_username(username) if len(username) <= MAX_USERNAME else None
    verified = await verify_password_async(staff.password_hash if staff else None, password)
    if staff is None or staff.disabled or not verified.ok:
        event(logger, "console.login.failed", staff=staff.id if staff else "unknown")
        return _login_answer(request, 401, pages.LOGIN_ERROR)
    await ctx.limiter.succeeded(attempt)
    if verified.new_hash:
        await ctx.staff.set_password_hash(staff.id, verified.new_hash, end_sessions=False)
        event(logger, "console.password.rehashed", staff=staff.id)
    await ctx.sessions.delete(request.cookies.get(ctx.cookie))  # rotate: never keep a pre-login id
    session = await ctx.sessions.create(staff.id, staff.session_epoch)
    event(logger, "console.login.ok", staff=staff.id)
    resp = (
        response.json({"ok": True, "next": "/"})
        if _wants_json(request)
        else response.redirect("/", status=303)
    )
    _set_cookie(resp, request, ctx.cookie, session.id, ABSOLUTE_SECONDS)
    _clear_cookie(resp, request, login_cookie_name(ctx.settings.console_url))
    return resp


async def logout(request: Request) -> HTTPResponse:
    ctx = request.app.ctx
    session = request.ctx.session
    await ctx.sessions.delete(session.id)
    event(logger, "console.logout", staff=session.staff_id)
    resp = response.json({"ok": True}) if _wants_json(request) else response.redirect("/login", status=303)
    _clear_cookie(resp, request, ctx.cookie)
    return resp
