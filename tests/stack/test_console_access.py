"""Roles and tenant isolation in the console against the running stack: every tenant
route goes through access(), which answers 404 to staff of another tenant, 403 to an
agent doing an admin's job, and audits every read, change and denied attempt."""

from __future__ import annotations

import uuid

import pytest

from bot.console.routes import TENANT_ROUTES
from tests.console.client import Browser, audit_records, clear_login_failures, make_staff, staff_doc

pytestmark = pytest.mark.stack


@pytest.fixture(autouse=True)
async def _fresh_ip(stack):
    await clear_login_failures(stack)


def db(stack, tenant: str) -> str:
    return stack.settings.db_prefix + tenant


def new_staff(role: str = "agent") -> dict:
    return {"username": f"n-{uuid.uuid4().hex[:10]}", "password": "another long password", "role": role}


async def test_admin_creates_an_agent_who_can_log_in_and_the_change_is_audited(stack):
    admin = await make_staff(stack, {"alpenhof": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(admin, "alpenhof")
        body = new_staff()
        status, created = await b.request("POST", "/t/alpenhof/staff", body)
        assert status == 201 and created["role"] == "agent"
        status, listing = await b.request("GET", "/t/alpenhof/staff")
        assert status == 200 and created["id"] in {s["id"] for s in listing["staff"]}
    records = await audit_records(stack, db(stack, "alpenhof"), actor=admin.id, action="staff.create")
    assert [(r["outcome"], r["resource_id"]) for r in records] == [("allowed", created["id"])]
    assert set(records[0]) >= {"at", "actor", "action", "resource_type", "resource_id", "outcome"}
    async with Browser(stack) as agent:
        status, _, _ = await agent.login(body["username"], body["password"])
        assert status == 200


async def test_agent_cannot_create_staff_403_audited(stack):
    agent = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        await b.login_ok(agent, "alpenhof")
        body = new_staff("admin")
        status, answer = await b.request("POST", "/t/alpenhof/staff", body)
        assert status == 403 and answer == {"error": "forbidden"}
        status, _ = await b.request("GET", "/t/alpenhof/staff")
        assert status == 403
    records = await audit_records(stack, db(stack, "alpenhof"), actor=agent.id, action="staff.create")
    assert [r["outcome"] for r in records] == ["denied"]
    assert await staff_doc(stack, body["username"]) is None


async def test_admin_of_a_cannot_create_staff_in_b_404_audited_in_a_and_control(stack):
    admin_a = await make_staff(stack, {"alpenhof": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(admin_a, "alpenhof")
        body = new_staff("admin")
        status, answer = await b.request("POST", "/t/laguna/staff", body)
        assert status == 404 and answer == {"error": "not_found"}
        # the same answer as for a tenant that does not exist at all
        assert await b.request("POST", "/t/nohotel/staff", body) == (404, {"error": "not_found"})
    for database in (db(stack, "alpenhof"), stack.settings.control_db):
        records = await audit_records(stack, database, actor=admin_a.id, action="staff.create")
        assert {(r["outcome"], r["tenant"]) for r in records} == {("denied", "laguna"), ("denied", "nohotel")}
    assert await audit_records(stack, db(stack, "laguna"), actor=admin_a.id) == []
    assert await staff_doc(stack, body["username"]) is None


# bodies the routes accept (a POST without one here creates a staff account)
BODIES = {"duty": {"on_duty": True}, "digest_set": {"subscribed": True}}
QUERIES = {"report_comments": "?topic=breakfast"}  # a route's required parameters


@pytest.mark.parametrize(("method", "path", "name"), TENANT_ROUTES)
async def test_cross_tenant_sweep_every_route_is_404_and_audited(stack, method, path, name):
    """Staff of laguna (admin, so no role check hides a missing tenant check) against
    every alpenhof route."""
    admin_b = await make_staff(stack, {"laguna": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(admin_b, "laguna")
        query = QUERIES.get(name, "")
        url = path.replace("<tenant>", "alpenhof") + query
        valid = BODIES.get(name) or (new_staff() if method == "POST" else None)
        status, body = await b.request(method, url, valid)
        assert status == 404 and body == {"error": "not_found"}, (url, status, body)
        assert "alpenhof" not in str(body).lower()
        # and the same route of its own tenant works (the sweep tests the tenant check)
        valid = BODIES.get(name) or (new_staff() if method == "POST" else None)
        status, _ = await b.request(method, path.replace("<tenant>", "laguna") + query, valid)
        assert status in (200, 201)
    for database in (db(stack, "laguna"), stack.settings.control_db):
        records = await audit_records(stack, database, actor=admin_b.id, tenant="alpenhof")
        assert [r["outcome"] for r in records] == ["denied"], (database, records)
    assert await audit_records(stack, db(stack, "alpenhof"), actor=admin_b.id) == []


async def test_every_allowed_read_is_audited(stack):
    agent = await make_staff(stack, {"alpenhof": "agent"})
    async with Browser(stack) as b:
        await b.login_ok(agent, "alpenhof")
        status, me = await b.request("GET", "/t/alpenhof/api/me")
        assert status == 200 and me["id"] == agent.id and me["role"] == "agent"
    actions = [r["action"] for r in await audit_records(stack, db(stack, "alpenhof"), actor=agent.id)]
    assert actions == ["console.open", "staff.read"]


async def test_staff_with_roles_in_two_tenants_sees_both_and_only_its_roles(stack):
    both = await make_staff(stack, {"alpenhof": "agent", "laguna": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(both, "alpenhof")
        status, text = await b.get("/")
        assert status == 200 and "/t/alpenhof/" in text and "/t/laguna/" in text
        assert (await b.request("GET", "/t/laguna/staff"))[0] == 200
        assert (await b.request("GET", "/t/alpenhof/staff"))[0] == 403
