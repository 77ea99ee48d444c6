"""The web chat demo page in a real browser: Debian's Chromium (headless) driven by
Playwright against the running stack. `scripts/test_prereqs.py` installs Chromium;
without /usr/bin/chromium this test is skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from bot.i18n import Catalog
from bot.privacy.refs import guest_ref
from tests.stack.client import conversation_ratings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
KEY = "wk_demo_alpenhof"
HOTEL = "Hotel Alpenhof"
CATALOG = Catalog.load()
expect.set_options(timeout=15_000)

pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} not found (Debian's chromium; `make test` installs it as root)",
    ),
]


def q(qid: str) -> str:
    return CATALOG.render("en", f"question.{qid}", low=1, high=5, hotel=HOTEL)


async def test_demo_page_chat_in_chromium(stack):
    s = stack.settings
    url = f"http://{s.host}:{s.rasa_port}/webhooks/webchat/demo/{KEY}"
    greeting = CATALOG.render("en", "greeting", hotel=HOTEL)
    errors: list[str] = []
    sockets: list[str] = []

    async with async_playwright() as pw:
        # launch() gives the browser a fresh temporary profile (user data dir)
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=30_000)
        try:
            context = await browser.new_context(locale="en-GB")  # navigator.language
            context.set_default_timeout(15_000)
            page = await context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "console",
                lambda m: (
                    errors.append(m.text)
                    if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
                    else None
                ),
            )
            page.on("websocket", lambda ws: sockets.append(ws.url))

            response = await page.goto(url)
            assert response is not None and response.status == 200
            await expect(page.locator("h1")).to_have_text(HOTEL)
            bot = page.locator("#rapport-chat .rapport-bot")
            guest = page.locator("#rapport-chat .rapport-guest")
            message = page.locator("#rapport-chat input[name=message]")

            # the widget opens a session and says /start silently: greeting, first question
            await expect(bot).to_have_text([greeting, q("overall")])
            await expect(guest).to_have_count(0)

            await message.fill("4")
            await message.press("Enter")
            await expect(guest).to_have_text(["4"])
            await expect(bot).to_have_text([greeting, q("overall"), q("room")])
            await expect(message).to_have_value("")

            token = await page.evaluate(f"window.localStorage.getItem('rapport-token-{KEY}')")
            assert isinstance(token, str) and "." in token

            # a reload resumes the session: no new greeting, the conversation goes on
            await page.reload()
            await message.fill("5")
            await message.press("Enter")
            await expect(bot).to_have_text([q("cleanliness")])
            assert await page.evaluate(f"window.localStorage.getItem('rapport-token-{KEY}')") == token

            # guest text is shown as text, never parsed as markup
            await message.fill("<b>x</b>")
            await message.press("Enter")
            await expect(guest.last).to_have_text("<b>x</b>")
            assert await guest.last.inner_html() == "&lt;b&gt;x&lt;/b&gt;"
            assert await page.locator("#rapport-chat b").count() == 0
            await expect(bot).not_to_have_count(1)  # the answer to it arrived
            assert await page.locator("#rapport-chat b").count() == 0
            await expect(page.locator("#rapport-chat .rapport-error")).to_have_count(0)
        finally:
            await browser.close()

    assert errors == []
    assert sockets == []  # long-polling only (see channels/webchat.py)
    ref = guest_ref(s.guest_key, "alpenhof", token.split(".", 1)[0])
    docs = await conversation_ratings(stack, "alpenhof", ref)
    assert {k: d["value"] for k, d in docs.items() if d["kind"] == "rating"} == {"overall": 4, "room": 5}
    assert {d["channel"] for d in docs.values()} == {"webchat"}
    assert {d["language"] for d in docs.values()} == {"en"}
