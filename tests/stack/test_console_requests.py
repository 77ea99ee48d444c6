"""Console request hygiene against the running stack: CSRF token and same-origin
checks on every state-changing request, security headers on every page, and clear
answers to oversized or malformed bodies."""

from __future__ import annotations

import json
import uuid

import pytest

from bot.console.security import CSP
from tests.console.client import Browser, clear_login_failures, make_staff

pytestmark = pytest.mark.stack


@pytest.fixture(autouse=True)
async def _fresh_ip(stack):
    await clear_login_failures(stack)


@pytest.fixture
async def admin(stack):
    account = await make_staff(stack, {"alpenhof": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(account, "alpenhof")
        yield b


def new_staff(role: str = "agent") -> dict:
    return {"username": f"n-{uuid.uuid4().hex[:10]}", "password": "another long password", "role": role}


async def test_valid_csrf_token_and_origin_are_accepted(admin):
    status, body = await admin.request("POST", "/t/alpenhof/staff", new_staff())
    assert status == 201 and body["role"] == "agent" and "password_hash" not in body


@pytest.mark.parametrize("token", [None, "", "forged-token-forged-token-forged-token-1234"])
async def test_missing_or_forged_csrf_token_is_403(admin, token):
    status, body = await admin.request("POST", "/t/alpenhof/staff", new_staff(), csrf=token)
    assert status == 403 and body == {"error": "csrf"}


async def test_another_sessions_csrf_token_is_403(stack, admin):
    other = await make_staff(stack, {"alpenhof": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(other, "alpenhof")
        status, body = await admin.request("POST", "/t/alpenhof/staff", new_staff(), csrf=b.csrf)
    assert status == 403 and body == {"error": "csrf"}


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1", None])
async def test_cross_origin_or_origin_less_post_is_403_even_with_the_token(admin, origin):
    status, body = await admin.request("POST", "/t/alpenhof/staff", new_staff(), origin=origin)
    assert status == 403 and body == {"error": "cross_origin"}


async def test_referer_of_the_console_is_accepted_when_origin_is_absent(admin):
    headers = {
        "Content-Type": "application/json",
        "X-CSRF-Token": admin.csrf,
        "Referer": admin.base + "/t/alpenhof/",
    }
    async with admin.http.post(
        admin.base + "/t/alpenhof/staff", data=json.dumps(new_staff()), headers=headers
    ) as r:
        assert r.status == 201


async def test_logout_needs_the_csrf_token(admin):
    status, _ = await admin.request("POST", "/logout", csrf=None)
    assert status == 403
    status, _ = await admin.request("GET", "/t/alpenhof/api/me")
    assert status == 200  # still logged in


async def test_login_without_the_form_token_is_403(stack):
    account = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        status, body, _ = await b.login(account.username, token="")
        assert status == 403 and b.cookie() is None
        status, body, _ = await b.login(account.username, origin="http://evil.example")
        assert status == 403 and body == {"error": "cross_origin"} and b.cookie() is None


@pytest.mark.parametrize("path", ["/login", "/t/alpenhof/", "/t/alpenhof/api/me", "/nowhere", "/healthz"])
async def test_security_headers_on_every_response(admin, path):
    async with admin.http.get(admin.base + path, allow_redirects=False) as r:
        h = r.headers
        assert h["Content-Security-Policy"] == CSP and "'unsafe-inline'" not in CSP
        assert h["X-Frame-Options"] == "DENY"
        assert h["Referrer-Policy"] == "no-referrer"
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Cache-Control"] == "no-store"


async def test_pages_have_no_inline_script_or_style(admin):
    for path in ("/login", "/t/alpenhof/"):
        _, text = await admin.get(path)
        assert "<script>" not in text and "<style" not in text and " on" + "click=" not in text
        assert '<script src="/static/' in text
    async with admin.http.get(admin.base + "/static/shell.js") as r:
        assert r.status == 200 and "javascript" in r.headers["Content-Type"]


async def test_oversized_body_is_413(admin):
    raw = b'{"username": "' + b"a" * (100 * 1024) + b'"}'
    status, body = await admin.request("POST", "/t/alpenhof/staff", raw=raw)
    assert status == 413 and body == {"error": "too_large"}


@pytest.mark.parametrize(
    ("raw", "content_type", "code"),
    [
        (b'{"username": ', "application/json", "json_invalid"),
        (b"\xff\xfe not utf-8", "application/json", "json_invalid"),
        (b"[1, 2]", "application/json", "json_object_required"),
        (b"username=x", "application/x-www-form-urlencoded", "json_required"),
        (b'{"username": {"$gt": ""}, "password": "long enough password", "role": "agent"}',
         "application/json", "username_invalid"),
        (b'{"username": "okname", "password": "short", "role": "agent"}', "application/json",
         "password_too_short"),
        (b'{"username": "okname2", "password": "long enough password", "role": "owner"}',
         "application/json", "role_invalid"),
    ],
)  # fmt: skip
async def test_malformed_json_bodies_are_400_with_a_reason(admin, raw, content_type, code):
    status, body = await admin.request("POST", "/t/alpenhof/staff", raw=raw, content_type=content_type)
    assert status == 400 and body["error"] == code


async def test_username_taken_is_409(admin):
    staff = new_staff()
    assert (await admin.request("POST", "/t/alpenhof/staff", staff))[0] == 201
    status, body = await admin.request(
        "POST", "/t/alpenhof/staff", {**staff, "username": staff["username"].upper()}
    )
    assert status == 409 and body == {"error": "username_taken"}


async def test_healthz(stack):
    async with Browser(stack) as b:
        status, text = await b.get("/healthz")
        assert status == 200 and '"ok":true' in text
