"""The console's Requests view in a real browser (Chromium via Playwright): a laguna
admin sees a data-subject request awaiting approval (no guest data) and approves it;
the request is verified in MongoDB with approved_by set. An agent has no Requests view.
An admin extends a request's deadline with a reason: the new deadline and the reason
are shown and recorded in the register; an empty reason is refused with a message."""

from __future__ import annotations

from datetime import UTC, datetime

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


async def history_of(stack, rid: str) -> list[dict]:
    client = mongo(stack)
    try:
        store = DsrStore(MongoStore(client, stack.settings.db_prefix), TENANT, stack.settings.guest_key)
        return [h async for h in store.history.find({"request": rid}).sort("at", 1)]
    finally:
        client.close()


def utc_minute(epoch: float) -> str:
    """How the Requests view shows a time (shell.js `day`)."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M") + " UTC"


async def test_admin_extends_a_deadline_with_a_reason_an_empty_reason_is_refused(stack):
    rid = await seed_awaiting(stack)
    original = (await request_doc(stack, rid, TENANT))["deadline_at"]
    admin = await make_staff(stack, {TENANT: "admin"})
    reason = "Three stays over two years to collect from the archive"
    errors: list[str] = []
    async with chromium() as browser:
        async with console(browser, stack, admin, errors, tenant=TENANT) as page:
            await page.get_by_role("link", name="Requests").click()
            row = page.locator(f'#dsr-list tr[data-request="{rid}"]')
            await expect(row.locator(".deadline")).to_have_text(utc_minute(original))
            await row.get_by_role("button", name=f"Extend the deadline of {rid}").click()
            form = page.locator("#dsr-extend-form")
            await expect(form).to_be_visible()
            await expect(page.locator("#dsr-extend-id")).to_have_text(rid)
            days = page.get_by_label("Days after the original deadline")
            await expect(days).to_be_focused()
            await days.fill("45")
            await expect(page.locator("#dsr-extend-until")).to_contain_text(utc_minute(original + 45 * 86400))

            # no reason (empty, then only blanks): refused with a visible message, nothing sent
            submit = page.get_by_role("button", name="Extend deadline", exact=True)
            reason_box = page.get_by_label("Reason for the extension")
            for empty in ("", "   "):
                await reason_box.fill(empty)
                await submit.click()
                await expect(page.locator("#dsr-extend-error")).to_be_visible()
                await expect(page.locator("#dsr-extend-error")).to_have_text(
                    "Give a reason for the extension: it is recorded and told to the guest."
                )
                await expect(reason_box).to_have_attribute("aria-invalid", "true")
                await expect(reason_box).to_be_focused()
            doc = await request_doc(stack, rid, TENANT)
            assert "extended_until" not in doc and "extension_reason" not in doc, doc
            assert not [h for h in await history_of(stack, rid) if h["status"] == "extended"]
            # the register refuses a blank reason by itself too (the page is not the only client)
            refused = await page.evaluate(
                """async (url) => {
                  const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json",
                    "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content},
                    body: JSON.stringify({days: 45, reason: "   "})});
                  return [r.status, (await r.json()).error];
                }""",
                f"/t/{TENANT}/api/dsr/{rid}/extend",
            )
            assert refused == [400, "reason_required"]

            await reason_box.fill(reason)
            await submit.click()
            until = utc_minute(original + 45 * 86400)
            await expect(page.locator("#dsr-message")).to_have_text(
                f"Deadline of request {rid} extended to {until}; reason recorded: {reason}"
            )
            await expect(form).to_be_hidden()
            await expect(row.locator(".deadline .until")).to_have_text(f"{until} (extended)")
            await expect(row.locator(".deadline .extension-reason")).to_have_text(f"Reason: {reason}")

            # read back from a fresh page: the list shows what the register holds
            await page.reload()
            await page.get_by_role("link", name="Requests").click()
            await expect(row.locator(".deadline .extension-reason")).to_have_text(f"Reason: {reason}")

    doc = await request_doc(stack, rid, TENANT)
    assert doc["deadline_at"] == original  # the original deadline stays on record
    assert doc["extended_until"] == pytest.approx(original + 45 * 86400)
    assert doc["extension_reason"] == reason
    assert doc["status"] == AWAITING  # extending decides nothing
    extended = [h for h in await history_of(stack, rid) if h["status"] == "extended"]
    assert [(h["by"], h["reason"]) for h in extended] == [(admin.id, reason)]
    assert [e for e in errors if "400" not in e] == []
