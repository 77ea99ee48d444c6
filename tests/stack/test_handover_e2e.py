"""The whole handover, end to end, in two real browsers (Chromium via Playwright):
a guest in the web widget gives a low score -> the console shows it live -> an agent
takes over and replies -> the reply appears in the guest's widget -> the guest writes
-> the bot stays silent -> every process of the stack is restarted -> still silent,
nothing lost -> the agent hands back -> the bot answers again.

Runs last in its module on purpose: it restarts the session's whole stack (same ports,
same data folder), as a deploy or a crash of the host would."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import expect

from bot.i18n import Catalog
from tests.console.client import clear_login_failures, make_staff
from tests.stack.client import mongo, tenant_db
from tests.stack.test_browser import CHROMIUM, KEY, chromium, record_errors
from tests.stack.test_console_ui import console, open_conversation, row, transcript

pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found"),
]

CATALOG = Catalog.load()
HOTEL = "Hotel Alpenhof"


def q(qid: str) -> str:
    return CATALOG.render("en", f"question.{qid}", low=1, high=5, hotel=HOTEL)


async def _waiting_conversation(stack) -> str:
    """The id of the newest conversation waiting for staff (the widget guest's)."""
    client = mongo(stack)
    try:
        for _ in range(50):
            docs = [
                d
                async for d in tenant_db(stack, client, "alpenhof")
                .handovers.find({"state": "waiting_for_staff", "channel": "webchat"})
                .sort("updated_at", -1)
                .limit(1)
            ]
            if docs:
                return docs[0]["_id"]
            await asyncio.sleep(0.2)
    finally:
        client.close()
    raise AssertionError("no webchat conversation waiting for staff")


async def test_widget_guest_to_console_and_back_across_a_full_restart(stack):
    await clear_login_failures(stack)
    account = await make_staff(stack, {"alpenhof": "agent"})
    errors: list[str] = []
    s = stack.settings
    async with chromium() as browser, console(browser, stack, account, []) as staff_page:
        guest_context = await browser.new_context(locale="en-GB")
        guest_context.set_default_timeout(20_000)
        guest_page = await guest_context.new_page()
        record_errors(guest_page, errors)
        await guest_page.goto(f"http://{s.host}:{s.rasa_port}/webhooks/webchat/demo/{KEY}")
        bot = guest_page.locator("#rapport-chat .rapport-bot")
        staff_msgs = guest_page.locator("#rapport-chat .rapport-staff")
        box = guest_page.locator("#rapport-chat input[name=message]")

        async def guest_says(text: str) -> None:
            await box.fill(text)
            await box.press("Enter")

        await expect(bot.last).to_have_text(q("overall"))
        await guest_says("2")  # a low score: escalated
        await expect(bot).to_have_count(4)  # greeting, question, follow-up, notice
        cid = await _waiting_conversation(stack)

        # the console shows it live; the agent takes over and replies
        await expect(row(staff_page, cid)).to_be_visible()
        await open_conversation(staff_page, cid)
        await staff_page.locator("#take").click()
        reply = staff_page.get_by_label("Reply to the guest")
        await reply.fill("Hello, this is Anna from reception. What happened?")
        await reply.press("Enter")
        # the guest's widget shows it, as staff
        await expect(staff_msgs).to_have_text(["Hello, this is Anna from reception. What happened?"])

        # the guest writes; the console shows it; the bot says nothing
        await guest_says("The shower is broken")
        await expect(transcript(staff_page, "guest").last).to_have_text("The shower is broken")
        await asyncio.sleep(1.5)
        await expect(bot).to_have_count(4)

        # restart every process (same ports, same data): nothing is lost. On this thread:
        # the children die with the thread that started them (PR_SET_PDEATHSIG), and an
        # executor thread ends with the test's event loop.
        stack.stop()
        stack.start(train=False)

        # the widget reconnects by itself; still with staff, still silent
        await expect(guest_page.locator("#rapport-chat .rapport-status")).to_have_text("", timeout=30_000)
        await guest_says("Is anyone there?")
        await expect(transcript(staff_page, "guest").last).to_have_text("Is anyone there?", timeout=30_000)
        await asyncio.sleep(1.5)
        await expect(bot).to_have_count(4)
        await expect(staff_page.locator('[data-fact="state"]')).to_have_text("with you")

        # staff reply after the restart still reaches the widget
        await reply.fill("Yes, a technician is on the way.")
        await reply.press("Enter")
        await expect(staff_msgs.last).to_have_text("Yes, a technician is on the way.")

        # hand back: the bot answers again, carrying on where it left off
        await staff_page.locator("#hand-back").click()
        await expect(staff_page.locator('[data-fact="state"]')).to_have_text("with the bot")
        await guest_says("ok, thanks")
        await expect(bot.nth(4)).to_have_text(CATALOG.render("en", "handover.resumed"))
        await expect(bot.nth(5)).to_have_text(q("room"))
        await guest_context.close()
    assert [e for e in errors if "WebSocket" not in e and "ERR_CONNECTION_REFUSED" not in e] == []
