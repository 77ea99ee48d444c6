"""The on/off-duty switch in the console header, in a real browser (Chromium via
Playwright): it shows the staff member's stored state, toggling it changes the state
in the control database (on-duty staff are notified of escalations), the state
survives a reload and follows a change made elsewhere (the CLI's `staff duty`), and a
refused change says so and leaves the switch as it was."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from bot.staff.accounts import StaffStore
from tests.console.client import Account, make_staff, mongo
from tests.stack.test_browser import CHROMIUM, chromium
from tests.stack.test_console_ui import TENANT, _fresh_ip, console  # noqa: F401 (autouse: fresh login budget)

expect.set_options(timeout=15_000)

pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found"),
]


async def stored_on_duty(stack, account: Account) -> bool:
    client = mongo(stack)
    try:
        staff = await StaffStore(client[stack.settings.control_db]).get(account.id)
    finally:
        client.close()
    assert staff is not None
    return staff.on_duty


async def set_on_duty(stack, account: Account, on: bool) -> None:
    client = mongo(stack)
    try:
        assert await StaffStore(client[stack.settings.control_db]).set_on_duty(account.id, on)
    finally:
        client.close()


async def expect_switch(page: Page, on: bool) -> None:
    switch = page.get_by_role("switch", name="On duty")
    await expect(switch).to_have_attribute("aria-checked", "true" if on else "false")
    await expect(switch.locator(".switch-state")).to_have_text("on" if on else "off")


async def test_duty_switch_toggles_the_stored_state_and_survives_a_reload(stack):
    account = await make_staff(stack, {TENANT: "agent"})
    assert await stored_on_duty(stack, account) is False
    errors: list[str] = []
    async with chromium() as browser, console(browser, stack, account, errors) as page:
        switch = page.get_by_role("switch", name="On duty")
        await expect(switch).to_be_visible()
        await expect_switch(page, False)

        await switch.click()
        await expect_switch(page, True)
        assert await stored_on_duty(stack, account) is True
        await page.reload()
        await expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
        await expect_switch(page, True)

        # the keyboard toggles it too (Space on the focused switch)
        await switch.focus()
        await page.keyboard.press("Space")
        await expect_switch(page, False)
        assert await stored_on_duty(stack, account) is False
        await page.reload()
        await expect_switch(page, False)

        # the page shows the stored state, not one it remembers: changed elsewhere (CLI)
        await set_on_duty(stack, account, True)
        await page.reload()
        await expect_switch(page, True)
    assert errors == []


async def test_a_refused_duty_change_is_shown_and_changes_nothing(stack):
    account = await make_staff(stack, {TENANT: "agent"})
    errors: list[str] = []
    async with chromium() as browser, console(browser, stack, account, errors) as page:
        await page.route(
            "**/api/me/duty",
            lambda route: route.fulfill(
                status=503, content_type="application/json", body='{"error": "unavailable"}'
            ),
        )
        await page.get_by_role("switch", name="On duty").click()
        await expect(page.locator("#duty-error")).to_have_text(
            "Your duty state could not be changed (unavailable)."
        )
        await expect_switch(page, False)
        assert await stored_on_duty(stack, account) is False
    assert [e for e in errors if "503" not in e] == []
