"""Console login, sessions and logout against the running stack (tests/console/client.py
plays the browser)."""

from __future__ import annotations

import time

import pytest

from bot.staff.accounts import StaffStore
from bot.staff.passwords import verify_password
from tests.console.client import (
    Browser,
    clear_login_failures,
    make_staff,
    mongo,
    redis,
    session_key,
)

pytestmark = pytest.mark.stack
MESSAGE = "invalid username or password"


@pytest.fixture(autouse=True)
async def _fresh_ip(stack):
    await clear_login_failures(stack)
    yield
    await clear_login_failures(stack)


async def test_login_ok_sets_a_session_and_opens_the_shell(stack):
    account = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        status, body, _ = await b.login(account.username.upper())  # usernames are case-insensitive
        assert status == 200 and body == {"ok": True, "next": "/"}
        assert b.cookie() is not None
        status, _ = await b.get("/")
        assert status == 303  # one tenant: straight to its shell
        status, text = await b.get("/t/alpenhof/")
        assert status == 200 and "Hotel Alpenhof" in text and account.username in text


async def test_wrong_password_and_unknown_user_get_the_same_answer(stack):
    account = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        wrong = await b.login(account.username, "not the right password")
        unknown = await b.login("nobody-" + account.username, "not the right password")
        assert wrong[0] == unknown[0] == 401
        assert wrong[1]["message"] == unknown[1]["message"] == MESSAGE
        assert wrong[1]["error"] == unknown[1]["error"]
        assert b.cookie() is None


async def test_login_time_does_not_reveal_whether_the_account_exists(stack):
    account = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:

        async def timed(username: str) -> float:
            token = await b.login_form_token()
            t = time.perf_counter()
            status, _, _ = await b.login(username, "not the right password", token=token)
            assert status == 401
            return time.perf_counter() - t

        known, unknown = [], []
        for _ in range(2):  # 4 failures: under the limit of 5
            known.append(await timed(account.username))
            unknown.append(await timed("nobody-" + account.username))
    # both pay one argon2 verification (~0.2 s); without the dummy hash unknown ≈ 1 ms
    assert min(unknown) > 0.5 * min(known), (known, unknown)


async def test_sixth_try_in_five_minutes_is_refused_with_429_even_with_the_right_password(stack):
    account = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        for _ in range(5):
            status, body, _ = await b.login(account.username, "wrong wrong wrong")
            assert status == 401, body
        status, body, _ = await b.login(account.username)
        assert status == 429 and body["error"] == "refused"
        assert b.cookie() is None


async def test_session_cookie_flags(stack):
    account = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        _, _, r = await b.login(account.username)
        cookies = r.headers.getall("Set-Cookie")
        session = next(c for c in cookies if c.startswith("rapport_console="))
        flags = {part.strip().split("=")[0].lower() for part in session.split(";")[1:]}
        assert {"httponly", "samesite", "path", "max-age"} <= flags
        assert "SameSite=Strict" in session and "Path=/" in session
        assert "secure" not in flags  # the test console is http://; https:// adds Secure (tests/console)
        value = session.split(";")[0].split("=", 1)[1]
        assert len(value) == 43  # 256 bits, url-safe base64


async def test_login_replaces_a_planted_session_id(stack):
    account = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        await b.login_ok(account, "alpenhof")
        first = b.cookie()
        await b.login_ok(account, "alpenhof")  # log in again with a session
        assert b.cookie() != first
        r = redis(stack)
        try:
            assert not await r.exists(session_key(first))
        finally:
            await r.close()


async def test_logout_ends_the_session_on_the_server(stack):
    account = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        await b.login_ok(account, "alpenhof")
        stolen = b.cookie()
        status, body = await b.request("POST", "/logout")
        assert status == 200 and body == {"ok": True}
    async with Browser(stack) as thief:  # replaying the old cookie does not work
        thief.http.cookie_jar.update_cookies({"rapport_console": stolen})
        status, _ = await thief.get("/t/alpenhof/api/me")
        assert status == 401
        status, _ = await thief.get("/t/alpenhof/")
        assert status == 303


async def test_idle_expired_session_is_refused(stack):
    account = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        await b.login_ok(account, "alpenhof")
        r = redis(stack)
        try:
            ttl = await r.ttl(session_key(b.cookie()))
            assert 8 * 3600 - 60 < ttl <= 8 * 3600  # idle expiry, renewed on use
            await r.pexpire(session_key(b.cookie()), 1)
        finally:
            await r.close()
        time.sleep(0.05)
        status, body = await b.request("GET", "/t/alpenhof/api/me")
        assert status == 401 and body == {"error": "login_required"}
        status, _ = await b.get("/t/alpenhof/")
        assert status == 303


async def test_session_older_than_24_hours_is_refused_even_if_used(stack):
    account = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        await b.login_ok(account, "alpenhof")
        r = redis(stack)
        try:
            key = session_key(b.cookie())
            await r.hset(key, "created", repr(time.time() - 24 * 3600 - 5))
            status, _ = await b.request("GET", "/t/alpenhof/api/me")
            assert status == 401
            assert not await r.exists(key)
        finally:
            await r.close()


async def test_disabled_account_loses_its_sessions(stack):
    account = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        await b.login_ok(account, "alpenhof")
        client = mongo(stack)
        try:
            await StaffStore(client[stack.settings.control_db]).set_disabled(account.id, True)
        finally:
            client.close()
        status, _ = await b.request("GET", "/t/alpenhof/api/me")
        assert status == 401
        status, body, _ = await b.login(account.username)
        assert status == 401 and body["message"] == MESSAGE


async def test_weaker_stored_hash_is_replaced_on_login(stack):
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("correct horse battery staple")
    account = await make_staff(stack, {"alpenhof": "agent"}, password_hash=cheap)
    async with Browser(stack) as b:
        await b.login_ok(account, "alpenhof")
    client = mongo(stack)
    try:
        doc = await client[stack.settings.control_db].staff.find_one({"_id": account.id})
    finally:
        client.close()
    assert doc["password_hash"] != cheap and "m=65536,t=3,p=4" in doc["password_hash"]
    assert verify_password(doc["password_hash"], account.password).ok
