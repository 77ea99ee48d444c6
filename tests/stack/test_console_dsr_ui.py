"""The console's Requests view in a real browser (Chromium via Playwright): a laguna
admin sees a data-subject request awaiting approval (no guest data) and approves it;
the request is verified in MongoDB with approved_by set. An agent has no Requests view."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from bot.privacy.requests import AWAITING, RECEIVED, DsrStore
from bot.storage.mongo import MongoStore
from tests.console.client import clear_login_failures, make_staff
from tests.stack.client import mongo
from tests.stack.test_browser import CHROMIUM, chromium
from tests.stack.test_console_ui import console
from tests.stack.test_privacy_dsr_worker import request_doc

TENANT = "laguna"
expect.set_options(timeout=15_000)

pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found"),
]


@pytest.fixture(autouse=True)
async def _fresh_ip(stack):
    await clear_login_failures(stack)


async def seed_awaiting(stack) -> str:
    """A laguna request waiting for an admin's approval (no guest conversation needed)."""
    client = mongo(stack)
    try:
        store = DsrStore(MongoStore(client, stack.settings.db_prefix), TENANT, stack.settings.guest_key)
        doc = await store.create(type_="access", guest_ref="g_ui_test", channel="rest", language="it")
        assert await store.transition(doc["_id"], RECEIVED, AWAITING, "guest") is not None
        return doc["_id"]
    finally:
        client.close()


async def test_admin_approves_a_request_in_the_requests_view_agents_do_not_see_it(stack):
    rid = await seed_awaiting(stack)
    admin = await make_staff(stack, {TENANT: "admin"})
    errors: list[str] = []
    async with chromium() as browser:
        async with console(browser, stack, admin, errors, tenant=TENANT) as page:
            await page.get_by_role("link", name="Requests").click()
            await expect(page.locator("#requests")).to_be_visible()
            await expect(page.locator("#inbox")).to_be_hidden()
            await page.locator("#dsr-status").select_option("awaiting_approval")
            row = page.locator(f'#dsr-list tr[data-request="{rid}"]')
            await expect(row).to_be_visible()
            await expect(row.locator(".type")).to_have_text("access")
            await expect(row.locator(".status")).to_have_text("awaiting approval")
            await expect(row.locator(".channel")).to_have_text("rest")
            await expect(row.locator(".lang")).to_have_text("IT")
            await expect(row.locator(".deadline")).not_to_be_empty()
            assert "g_ui_test" not in await page.locator("#requests").inner_text()
            await expect(page.locator("#subprocessors-list tr").first).to_be_visible()

            # rejecting needs a reason: an empty one is not sent
            await row.get_by_role("button", name=f"Reject {rid}").click()
            await expect(page.get_by_label("Reason for rejecting")).to_be_focused()
            await page.get_by_role("button", name="Reject request").click()
            await expect(page.locator("#dsr-reject-form")).to_be_visible()
            await page.get_by_role("button", name="Cancel").click()
            assert (await request_doc(stack, rid, TENANT))["status"] == AWAITING

            await row.get_by_role("button", name=f"Approve {rid}").click()
            await expect(page.locator("#dsr-message")).to_have_text(f"Request {rid} approved.")
            await expect(row).to_have_count(0)  # no longer awaiting approval
        doc = await request_doc(stack, rid, TENANT)
        # approved -> verified; the worker may already be carrying it out
        assert doc["status"] in ("verified", "done"), doc
        assert doc["approved_by"] == admin.id and doc["approved_at"]
        client = mongo(stack)
        try:
            store = DsrStore(MongoStore(client, stack.settings.db_prefix), TENANT, stack.settings.guest_key)
            steps = [h async for h in store.history.find({"request": rid}).sort("at", 1)]
        finally:
            client.close()
        assert any(h["status"] == "verified" and h["by"] == admin.id for h in steps), steps

        agent = await make_staff(stack, {TENANT: "agent"})
        async with console(browser, stack, agent, errors, tenant=TENANT) as page:
            await expect(page.locator("#inbox")).to_be_visible()
            await expect(page.get_by_role("link", name="Requests")).to_have_count(0)
            await expect(page.locator("#requests")).to_have_count(0)
            await page.goto(page.url.split("#")[0] + "#/requests")
            await expect(page.locator("#inbox")).to_be_visible()
    assert [e for e in errors if "409" not in e] == []
