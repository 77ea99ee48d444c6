"""An admin subscribes to (and leaves) the hotel's weekly digest e-mail in the console,
for themselves: logged in, with the CSRF token, as an admin of that hotel; an agent, a
request without the token, another hotel's admin and malformed bodies change nothing."""

from __future__ import annotations

import pytest

from bot.staff.accounts import StaffStore
from tests.console.client import Browser, clear_login_failures, make_staff, staff_doc
from tests.console.client import mongo as console_mongo

pytestmark = pytest.mark.stack

URL = "/t/alpenhof/api/me/digest"


@pytest.fixture(autouse=True)
async def _fresh_ip(stack):
    await clear_login_failures(stack)


async def _digest(stack, account) -> dict:
    return (await staff_doc(stack, account.username)).get("digest") or {}


async def test_an_admin_subscribes_and_unsubscribes_themselves(stack):
    admin = await make_staff(stack, {"alpenhof": "admin", "laguna": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(admin, "alpenhof")
        assert await b.request("GET", URL) == (200, {"subscribed": False, "has_email": False})
        assert await b.request("POST", URL, {"subscribed": True}) == (
            200,
            {"subscribed": True, "has_email": False},
        )
        assert await b.request("GET", URL) == (200, {"subscribed": True, "has_email": False})
        assert {k: bool(v) for k, v in (await _digest(stack, admin)).items()} == {"alpenhof": True}
        # the other hotel is its own subscription
        assert (await b.request("GET", "/t/laguna/api/me/digest"))[1]["subscribed"] is False
        assert await b.request("POST", URL, {"subscribed": False}) == (
            200,
            {"subscribed": False, "has_email": False},
        )
        assert not (await _digest(stack, admin)).get("alpenhof")


async def test_the_admin_page_has_the_switch_and_an_agents_has_not(stack):
    admin = await make_staff(stack, {"alpenhof": "admin"})
    agent = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        await b.login_ok(admin, "alpenhof")
        page = (await b.get("/t/alpenhof/"))[1]
        assert 'id="digest-switch"' in page and "/static/digest.js" in page
        assert (await b.get("/static/digest.js"))[0] == 200
    async with Browser(stack) as b:
        await b.login_ok(agent, "alpenhof")
        assert 'id="digest-switch"' not in (await b.get("/t/alpenhof/"))[1]


async def test_an_agent_cannot_subscribe(stack):
    agent = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        await b.login_ok(agent, "alpenhof")
        assert (await b.request("GET", URL))[0] == 403
        assert (await b.request("POST", URL, {"subscribed": True}))[0] == 403
    assert await _digest(stack, agent) == {}


async def test_without_the_csrf_token_or_a_login_nothing_changes(stack):
    admin = await make_staff(stack, {"alpenhof": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(admin, "alpenhof")
        assert (await b.request("POST", URL, {"subscribed": True}, csrf=False))[0] == 403
        assert (await b.request("POST", URL, {"subscribed": True}, csrf="forged"))[0] == 403
    async with Browser(stack) as anonymous:
        assert (await anonymous.request("POST", URL, {"subscribed": True}, csrf=False))[0] in (401, 403)
        assert (await anonymous.request("GET", URL, csrf=False))[0] == 401
    assert await _digest(stack, admin) == {}


async def test_another_hotels_admin_cannot_subscribe_there(stack):
    other = await make_staff(stack, {"laguna": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(other, "laguna")
        assert (await b.request("POST", URL, {"subscribed": True}))[0] == 404
        assert (await b.request("GET", URL))[0] == 404
        assert (await b.request("POST", "/t/nohotel/api/me/digest", {"subscribed": True}))[0] == 404
    assert await _digest(stack, other) == {}


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b'{"subscribed": "true"}', "subscribed_invalid"),
        (b'{"subscribed": 1}', "subscribed_invalid"),
        (b"{}", "subscribed_invalid"),
        (b"[true]", "json_object_required"),
        (b'{"subscribed": tru', "json_invalid"),
        (b"\xff\xfe", "json_invalid"),
    ],
)
async def test_malformed_bodies_are_400_and_change_nothing(stack, raw, error):
    admin = await make_staff(stack, {"alpenhof": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(admin, "alpenhof")
        status, answer = await b.request("POST", URL, raw=raw)
        assert (status, answer["error"]) == (400, error)
    assert await _digest(stack, admin) == {}


async def test_the_subscription_reaches_the_jobs_process(stack):
    """The running jobs process reads the same account (bot/jobs/digest.py); sending is
    covered in tests/bot/jobs/test_digest.py."""
    admin = await make_staff(stack, {"alpenhof": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(admin, "alpenhof")
        await b.request("POST", URL, {"subscribed": True})
    client = console_mongo(stack)
    try:
        store = StaffStore(client[stack.settings.control_db])
        (account,) = [s for s in await store.list("alpenhof") if s.id == admin.id]
        assert "alpenhof" in account.digest and not account.gets_digest("alpenhof")  # no e-mail yet
        await store.collection.update_one({"_id": admin.id}, {"$set": {"email": "a@alpenhof.example"}})
        assert (await store.get(admin.id)).gets_digest("alpenhof")
    finally:
        client.close()
