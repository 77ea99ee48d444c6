"""The staff and operator side of data-subject requests: the admin-only console API
(list, show, approve, reject, extend; cross-tenant 404) and `python -m bot.privacy dsr`
(dry runs unless --confirm, audited as cli:<uid>)."""

from __future__ import annotations

import asyncio
import io

import pytest

from bot.base.refs import guest_ref
from bot.console.dsr import DSR_ROUTES
from bot.privacy.cli import main
from tests.console.client import Browser, audit_records, clear_login_failures, make_staff
from tests.stack.client import Guest, mongo, tenant_db
from tests.stack.test_privacy_dsr_worker import request_doc, seed, wait_status

pytestmark = pytest.mark.stack


@pytest.fixture(autouse=True)
async def _fresh_ip(stack):
    await clear_login_failures(stack)


async def laguna_request(stack, type_: str = "access") -> tuple[Guest, str]:
    """A REST guest of laguna (staff approval) with a request waiting for approval."""
    guest = Guest(stack, "laguna", locale="it")
    await guest.say("ciao")
    gref = guest_ref(stack.settings.guest_key, "laguna", guest.sender)
    rid = await seed(stack, gref, type_, "rest", tenant="laguna", lang="it")
    await wait_status(stack, rid, "awaiting_approval", "laguna")
    return guest, rid


async def cli(stack, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = await asyncio.to_thread(main, list(argv), env=stack.child_env(), out=out)
    return code, out.getvalue()


async def test_admin_lists_shows_rejects_and_extends_agents_get_403(stack):
    guest, rid = await laguna_request(stack)
    admin = await make_staff(stack, {"laguna": "admin"})
    agent = await make_staff(stack, {"laguna": "agent"})
    async with Browser(stack) as b:
        await b.login_ok(agent, "laguna")
        for method, path, _ in DSR_ROUTES:
            url = path.replace("<tenant>", "laguna").replace("<request_id>", rid)
            assert (await b.request(method, url, {"reason": "x", "days": 5} if method == "POST" else None))[
                0
            ] == 403
    async with Browser(stack) as b:
        await b.login_ok(admin, "laguna")
        status, body = await b.request("GET", "/t/laguna/api/dsr?status=awaiting_approval")
        assert status == 200 and rid in [r["id"] for r in body["requests"]]
        assert all("details" not in r and "code_hash" not in r for r in body["requests"])
        assert (await b.request("GET", "/t/laguna/api/dsr?status=nonsense"))[0] == 400
        status, body = await b.request("GET", f"/t/laguna/api/dsr/{rid}")
        assert status == 200 and [h["status"] for h in body["history"]][-1] == "awaiting_approval"
        assert (await b.request("GET", "/t/laguna/api/dsr/r_0000000000000000"))[0] == 404
        status, body = await b.request(
            "POST", f"/t/laguna/api/dsr/{rid}/extend", {"days": 30, "reason": "complex"}
        )
        assert status == 200 and body["extension_reason"] == "complex"
        assert body["extended_until"] == pytest.approx(body["deadline_at"] + 30 * 86400)
        # the processor's cross-tenant register shows the extended deadline too
        client = mongo(stack)
        try:
            line = await client[stack.settings.control_db].dsr_register.find_one({"_id": f"laguna:{rid}"})
        finally:
            client.close()
        assert line["extended_until"] == pytest.approx(body["extended_until"])
        assert (await b.request("POST", f"/t/laguna/api/dsr/{rid}/extend", {"days": 90, "reason": "x"}))[
            0
        ] == 400
        assert (await b.request("POST", f"/t/laguna/api/dsr/{rid}/reject", {}))[
            0
        ] == 400  # a reason is needed
        status, body = await b.request(
            "POST", f"/t/laguna/api/dsr/{rid}/reject", {"reason": "Richiesta duplicata"}
        )
        assert status == 200 and body["status"] == "rejected"
        assert (await b.request("POST", f"/t/laguna/api/dsr/{rid}/approve"))[0] == 409
    replies = " ".join(await guest.say("grazie"))  # the REST guest collects both notices
    assert "Richiesta duplicata" in replies and "complex" in replies
    actions = [
        r["action"] for r in await audit_records(stack, stack.settings.db_prefix + "laguna", actor=admin.id)
    ]
    assert {"dsr.list", "dsr.read", "dsr.extend", "dsr.reject", "dsr.approve"} <= set(actions)


@pytest.mark.parametrize(("method", "path", "name"), DSR_ROUTES)
async def test_cross_tenant_sweep_over_dsr_routes(stack, method, path, name):
    _, rid = await laguna_request(stack)  # exists in laguna: 404 must not depend on that
    outsider = await make_staff(stack, {"alpenhof": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(outsider, "alpenhof")
        url = path.replace("<tenant>", "laguna").replace("<request_id>", rid)
        status, body = await b.request(method, url, {"reason": "x", "days": 5} if method == "POST" else None)
        assert status == 404 and body == {"error": "not_found"}
    records = await audit_records(
        stack, stack.settings.db_prefix + "alpenhof", actor=outsider.id, tenant="laguna"
    )
    assert [r["outcome"] for r in records] == ["denied"]
    assert (await request_doc(stack, rid, "laguna"))["status"] == "awaiting_approval"


async def test_cli_approve_is_a_dry_run_until_confirmed_then_the_worker_executes(stack):
    _, rid = await laguna_request(stack, "restriction")
    code, out = await cli(stack, "dsr", "list", "--tenant", "laguna", "--status", "awaiting_approval")
    assert code == 0 and rid in out
    code, out = await cli(stack, "dsr", "show", "--tenant", "laguna", "--id", rid)
    assert code == 0 and '"details"' not in out and rid in out
    code, out = await cli(stack, "dsr", "approve", "--tenant", "laguna", "--id", rid)
    assert code == 0 and out.startswith("dry run")
    await asyncio.sleep(2.5)
    assert (await request_doc(stack, rid, "laguna"))["status"] == "awaiting_approval"
    code, out = await cli(stack, "dsr", "approve", "--tenant", "laguna", "--id", rid, "--confirm")
    assert code == 0, out
    done = await wait_status(stack, rid, "done", "laguna")
    assert done["approved_by"].startswith("cli:")
    code, _ = await cli(stack, "dsr", "approve", "--tenant", "laguna", "--id", rid, "--confirm")
    assert code == 1  # done: nothing to approve
    client = mongo(stack)
    try:
        db = tenant_db(stack, client, "laguna")
        actions = [
            r["action"] async for r in db.audit.find({"resource_id": rid, "actor": {"$regex": "^cli:"}})
        ]
    finally:
        client.close()
    assert actions.count("dsr.approve") == 1 and "dsr.read" in actions


async def test_cli_reject_and_extend(stack):
    guest, rid = await laguna_request(stack)
    code, out = await cli(
        stack, "dsr", "extend", "--tenant", "laguna", "--id", rid, "--days", "14", "--reason", "busy"
    )
    assert code == 0 and "extended" in out
    code, out = await cli(stack, "dsr", "reject", "--tenant", "laguna", "--id", rid, "--reason", "not ours")
    assert code == 0 and out.startswith("dry run")
    assert (await request_doc(stack, rid, "laguna"))["status"] == "awaiting_approval"
    code, out = await cli(
        stack, "dsr", "reject", "--tenant", "laguna", "--id", rid, "--reason", "not ours", "--confirm"
    )
    assert code == 0 and (await request_doc(stack, rid, "laguna"))["status"] == "rejected"
    assert "not ours" in " ".join(await guest.say("ok"))
    code, _ = await cli(stack, "dsr", "show", "--tenant", "laguna", "--id", "r_nothing")
    assert code == 2
