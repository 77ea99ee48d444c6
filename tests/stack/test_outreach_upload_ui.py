"""The console's guest-list page in a real browser (Chromium via Playwright, the
console's strict CSP): an admin reaches it from the inbox, checks a guest list (a dry
run: counts and every rejected row with line, column and reason, nothing stored),
imports it, maps a column of its own export, and creates and revokes an API token
(shown once). Guest text from the file is shown as text, never as markup."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.async_api import expect

from bot.base.names import STAYS
from bot.outreach.stays import stay_id
from tests.console.client import make_staff
from tests.stack.client import mongo, tenant_db
from tests.stack.test_browser import CHROMIUM, chromium
from tests.stack.test_console_ui import TENANT, _fresh_ip, console  # noqa: F401 (autouse: fresh login budget)

expect.set_options(timeout=15_000)

pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found"),
]


async def stored(stack, reservation: str) -> bool:
    client = mongo(stack)
    try:
        sid = stay_id(stack.settings.guest_key, TENANT, reservation)
        return await tenant_db(stack, client, TENANT)[STAYS].find_one({"_id": sid}) is not None
    finally:
        client.close()


async def test_an_admin_checks_then_imports_a_guest_list_maps_a_column_and_makes_a_token(stack, tmp_path):
    admin = await make_staff(stack, {TENANT: "admin"})
    ref = "UI-" + secrets.token_hex(4)
    path = tmp_path / "gaeste.csv"
    path.write_text(
        "Reservierung;Status;Anreise;Abreise;Vorname;Telefon;E-Mail;Gastland\n"
        f"{ref}-1;erwartet;2026-12-20;2026-12-23;<img src=x onerror=alert(1)>;0170 1234567;;AT\n"
        f"{ref}-2;bald;2026-12-20;2026-12-23;;;x@example.org;DE\n",
        encoding="utf-8",
    )
    errors: list[str] = []
    async with chromium() as browser, console(browser, stack, admin, errors) as page:
        await page.get_by_role("link", name="Guest lists").click()
        await expect(page.get_by_role("heading", name="Upload a guest list")).to_be_visible()

        await page.get_by_label("Guest list", exact=True).set_input_files(str(path))
        await page.get_by_role("button", name="Check the list").click()
        summary = page.locator("#upload-summary")
        await expect(summary).to_contain_text("2 rows checked: 1 new, 0 changed, 0 unchanged, 1 rejected")
        await expect(summary).to_contain_text("Nothing is stored yet")
        rejected = page.locator("#upload-rejected tr")
        await expect(rejected).to_have_count(1)
        reason = "status must be one of expected, in_house, checked_out, cancelled, no_show"
        await expect(rejected.nth(0).locator("td")).to_have_text(["3", "Status", reason])
        await expect(page.locator("#upload-ignored")).to_contain_text("Gastland")
        assert not await stored(stack, f"{ref}-1")

        await page.get_by_role("button", name="Import 1 stay").click()
        await expect(summary).to_contain_text("Imported: 1 new")
        await expect(page.get_by_role("button", name="Import 1 stay")).to_be_hidden()
        assert await stored(stack, f"{ref}-1") and not await stored(stack, f"{ref}-2")

        # map the export's "Gastland" to the country field; the next check reads it
        await page.get_by_role("button", name="Add a column").click()
        await page.get_by_label("Column 1 in your export").fill("Gastland")
        await page.get_by_label("Field of column 1").select_option("country")
        await page.get_by_role("button", name="Save the mapping").click()
        await expect(page.locator("#mapping-status")).to_have_text("Mapping saved (1 column).")
        await page.reload()
        await expect(page.get_by_label("Column 1 in your export")).to_have_value("Gastland")
        await page.get_by_label("Guest list", exact=True).set_input_files(str(path))
        await page.get_by_role("button", name="Check the list").click()
        await expect(summary).to_contain_text("1 changed")  # the country is now read
        await expect(page.locator("#upload-ignored")).to_be_hidden()
        await page.locator("#mapping-rows tr").nth(0).get_by_role("button", name="Remove").click()
        await page.get_by_role("button", name="Save the mapping").click()
        await expect(page.locator("#mapping-status")).to_have_text("Mapping saved (0 columns).")

        # an API token: shown once, listed without it, revoked
        await page.get_by_label("Name", exact=True).fill("UI middleware")
        await page.get_by_role("button", name="Create a token").click()
        await expect(page.locator("#token-value")).to_have_text(re.compile(r"^rpt_[A-Za-z0-9_-]{43}$"))
        token = await page.locator("#token-value").text_content()
        assert token and token.startswith("rpt_")
        row = page.locator("#token-list tr", has_text="UI middleware")
        await expect(row).to_contain_text("valid")
        assert token not in await page.locator("#token-list").inner_text()
        page.once("dialog", lambda d: d.accept())
        await row.get_by_role("button", name="Revoke UI middleware").click()
        await expect(row).to_contain_text("revoked")
        await expect(page.locator("#token-new")).to_be_hidden()

        csp = await page.evaluate("window.__csp")
        assert csp == [] and await page.evaluate("document.querySelectorAll('img').length") == 0
    assert errors == [], errors


async def test_an_agent_sees_no_link_and_gets_403(stack):
    agent = await make_staff(stack, {TENANT: "agent"})
    errors: list[str] = []
    async with chromium() as browser, console(browser, stack, agent, errors) as page:
        await expect(page.get_by_role("link", name="Guest lists")).to_have_count(0)
        answer = await page.goto(f"{stack.settings.console_url}/t/{TENANT}/outreach")
        assert answer is not None and answer.status == 403
