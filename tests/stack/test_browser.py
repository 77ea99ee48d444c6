"""The web chat in a real browser: Debian's Chromium (headless) driven by Playwright
against the running stack — the demo page, and embed.js on a third-party page served
from another loopback port. `scripts/test_prereqs.py` installs Chromium; without
/usr/bin/chromium these tests are skipped."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from playwright.async_api import async_playwright, expect

from bot.base.refs import guest_ref
from bot.i18n import Catalog
from bot.stack import pick_free_port
from tests.conftest import THIRD_PARTY_ORIGIN  # allowed by the session stack
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


# Records whether the typing indicator was ever shown (it may be visible only briefly).
WATCH_TYPING = """() => {
  const el = document.querySelector('.rapport-typing');
  window.__typingShown = [];
  new MutationObserver(() => { if (!el.hidden) window.__typingShown.push(el.textContent); })
    .observe(el, { attributes: true, attributeFilter: ['hidden'] });
}"""


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator:
    async with async_playwright() as pw:
        # launch() gives the browser a fresh temporary profile (user data dir)
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=30_000)
        try:
            yield browser
        finally:
            await browser.close()


async def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Polls a JavaScript expression from Python until it is truthy. Playwright's own
    `wait_for_function` re-evaluates a string with eval() once the first check is false,
    which the console's CSP (script-src 'self') refuses."""
    for _ in range(int(timeout * 10)):
        if await page.evaluate(expression):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"still false after {timeout:.0f} s: {expression}")


def record_errors(page, errors: list[str]) -> None:
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )


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
            await expect(page.locator("#rapport-chat .rapport-title")).to_have_text("Your feedback")
            await expect(message).to_have_attribute("placeholder", "Type your message…")
            await expect(page.get_by_role("button", name="Send")).to_be_visible()
            await expect(page.locator("#rapport-chat [role=log][aria-live=polite]")).to_have_count(1)
            typing = page.locator("#rapport-chat .rapport-typing")
            await expect(typing).to_be_hidden()
            await page.evaluate(WATCH_TYPING)

            await message.fill("4")
            await message.press("Enter")
            await expect(guest).to_have_text(["4"])
            await expect(bot).to_have_text([greeting, q("overall"), q("room")])
            await expect(message).to_have_value("")
            # "typing…" was shown between sending and the answer, and is gone now
            assert await page.evaluate("window.__typingShown") == ["typing…"]
            await expect(typing).to_be_hidden()

            token = await page.evaluate(f"window.localStorage.getItem('rapport-token-{KEY}')")
            assert isinstance(token, str) and "." in token

            # a reload resumes the session: the history is shown again (from sessionStorage),
            # no new greeting, the conversation goes on
            await page.reload()
            await expect(bot).to_have_text([greeting, q("overall"), q("room")])
            await expect(guest).to_have_text(["4"])
            await message.fill("5")
            await page.get_by_role("button", name="Send").press("Enter")  # keyboard on the button
            await expect(guest).to_have_text(["4", "5"])
            await expect(bot).to_have_text([greeting, q("overall"), q("room"), q("cleanliness")])
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
    # long-polling upgraded to a websocket (bot/rasa/sanic_compat.py makes it work)
    assert sockets and all("transport=websocket" in u for u in sockets), sockets
    ref = guest_ref(s.guest_key, "alpenhof", token.split(".", 1)[0])
    docs = await conversation_ratings(stack, "alpenhof", ref)
    assert {k: d["value"] for k, d in docs.items() if d["kind"] == "rating"} == {"overall": 4, "room": 5}
    assert {d["channel"] for d in docs.values()} == {"webchat"}
    assert {d["language"] for d in docs.values()} == {"en"}


async def test_german_browser_at_360_px(stack):
    """navigator.language de-DE: the widget speaks German; on a 360 px phone the message
    field and the send button are visible and inside the viewport."""
    s = stack.settings
    url = f"http://{s.host}:{s.rasa_port}/webhooks/webchat/demo/{KEY}"
    errors: list[str] = []
    async with chromium() as browser:
        context = await browser.new_context(locale="de-DE", viewport={"width": 360, "height": 640})
        context.set_default_timeout(15_000)
        page = await context.new_page()
        record_errors(page, errors)
        await page.goto(url)
        message = page.locator("#rapport-chat input[name=message]")
        await expect(page.locator("#rapport-chat .rapport-bot")).to_have_text(
            [
                CATALOG.render("de", "greeting", hotel=HOTEL),
                CATALOG.render("de", "question.overall", low=1, high=5, hotel=HOTEL),
            ]
        )
        await expect(message).to_have_attribute("placeholder", "Nachricht eingeben…")
        await expect(page.get_by_role("button", name="Senden")).to_be_visible()
        await expect(page.locator("#rapport-chat .rapport-title")).to_have_text("Ihr Feedback")
        assert await page.evaluate("document.querySelector('#rapport-chat').lang") == "de"
        for element in (message, page.get_by_role("button", name="Senden")):
            await expect(element).to_be_in_viewport(ratio=1)
            box = await element.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
            assert box["y"] >= 0 and box["y"] + box["height"] <= 640
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    assert errors == []


async def test_unsupported_browser_language_falls_back_to_the_tenant_default(stack):
    s = stack.settings
    url = f"http://{s.host}:{s.rasa_port}/webhooks/webchat/demo/wk_demo_laguna"
    async with chromium() as browser:
        context = await browser.new_context(locale="ja-JP")
        context.set_default_timeout(15_000)
        page = await context.new_page()
        await page.goto(url)
        await expect(page.locator("#rapport-chat .rapport-bot")).to_have_count(2)
        await expect(page.locator("#rapport-chat input[name=message]")).to_have_attribute(
            "placeholder", "Scriva il suo messaggio…"
        )


THIRD_PARTY_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Hotel Alpenhof — official site</title></head>
<body><h1>Welcome to the Alpenhof</h1>
<script src="{rapport}/webhooks/webchat/static/embed.js" data-widget-key="{key}" async></script>
</body></html>"""


# A hotel page with its own socket.io client in window.io and an AMD loader (RequireJS
# style: define.amd), both of which a UMD bundle would take over.
OWN_GLOBALS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Hotel Alpenhof — official site</title>
<script>
  window.io = function hotelIo() {{ return "hotel socket"; }};
  window.io.version = "hotel-2.3";
  window.amdCalls = 0;
  window.define = function () {{ window.amdCalls += 1; }};
  window.define.amd = {{}};
</script></head>
<body><h1>Welcome to the Alpenhof</h1>
<script src="{rapport}/webhooks/webchat/static/embed.js" data-widget-key="{key}" async></script>
</body></html>"""


@contextlib.asynccontextmanager
async def third_party_site(origin: str, rapport: str, html: str = THIRD_PARTY_PAGE) -> AsyncIterator[str]:
    """A hotel's own site on another loopback port: one page with the embed script tag."""

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=html.format(rapport=rapport, key=KEY), content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)
    runner = web.AppRunner(app)
    await runner.setup()
    parts = urlsplit(origin)
    await web.TCPSite(runner, parts.hostname, parts.port).start()
    try:
        yield origin + "/"
    finally:
        await runner.cleanup()


async def test_embed_script_on_an_allowed_third_party_page(stack):
    s = stack.settings
    rapport = f"http://{s.host}:{s.rasa_port}"
    errors: list[str] = []
    async with third_party_site(THIRD_PARTY_ORIGIN, rapport) as url, chromium() as browser:
        context = await browser.new_context(locale="en-GB")
        context.set_default_timeout(15_000)
        page = await context.new_page()
        record_errors(page, errors)
        await page.goto(url)
        launcher = page.locator("#rapport-embed .rapport-launcher")
        panel = page.locator("#rapport-embed-panel")
        await expect(launcher).to_be_visible()
        await expect(panel).to_be_hidden()
        await expect(launcher).to_have_attribute("aria-label", "Open chat")
        assert (
            await page.evaluate("window.getComputedStyle(document.body).backgroundColor")
            == "rgba(0, 0, 0, 0)"
        )

        await launcher.click()
        await expect(panel).to_be_visible()
        await expect(launcher).to_have_attribute("aria-expanded", "true")
        bot = panel.locator(".rapport-bot")
        await expect(bot).to_have_text([CATALOG.render("en", "greeting", hotel=HOTEL), q("overall")])
        message = panel.locator("input[name=message]")
        await expect(message).to_be_focused()
        await message.fill("4")
        await message.press("Enter")
        await expect(bot).to_have_text(
            [CATALOG.render("en", "greeting", hotel=HOTEL), q("overall"), q("room")]
        )
        await page.keyboard.press("Escape")
        await expect(panel).to_be_hidden()
        # the token and history are the hotel page's (its origin's storage)
        token = await page.evaluate(f"window.localStorage.getItem('rapport-token-{KEY}')")
        assert isinstance(token, str) and token.count(".") == 2
        assert await page.evaluate("typeof window.io") == "undefined"  # the page had none
    assert errors == []


async def test_embed_script_keeps_the_pages_own_socketio_and_amd_loader(stack):
    """embed.js must not replace the page's window.io nor register with its AMD loader."""
    s = stack.settings
    rapport = f"http://{s.host}:{s.rasa_port}"
    errors: list[str] = []
    async with (
        third_party_site(THIRD_PARTY_ORIGIN, rapport, OWN_GLOBALS_PAGE) as url,
        chromium() as browser,
    ):
        context = await browser.new_context(locale="en-GB")
        context.set_default_timeout(15_000)
        page = await context.new_page()
        record_errors(page, errors)
        await page.goto(url)
        await page.locator("#rapport-embed .rapport-launcher").click()
        panel = page.locator("#rapport-embed-panel")
        bot = panel.locator(".rapport-bot")
        await expect(bot).to_have_text([CATALOG.render("en", "greeting", hotel=HOTEL), q("overall")])
        await panel.locator("input[name=message]").fill("4")
        await panel.locator("input[name=message]").press("Enter")
        await expect(bot).to_have_count(3)
        await expect(bot.last).to_have_text(q("room"))
        assert await page.evaluate("[window.io.version, window.io()]") == ["hotel-2.3", "hotel socket"]
        assert await page.evaluate("window.amdCalls") == 0
        assert await page.evaluate("typeof window.RapportIo") == "function"
    assert errors == []


async def test_embed_script_on_a_page_whose_origin_is_not_allowed(stack):
    s = stack.settings
    rapport = f"http://{s.host}:{s.rasa_port}"
    origin = f"http://127.0.0.1:{pick_free_port()}"
    async with third_party_site(origin, rapport) as url, chromium() as browser:
        context = await browser.new_context(locale="en-GB")
        context.set_default_timeout(15_000)
        page = await context.new_page()
        confirms: list[str] = []
        page.on("response", lambda r: confirms.append(r.url) if r.status == 200 and "sid=" in r.url else None)
        await page.goto(url)
        await page.locator("#rapport-embed .rapport-launcher").click()
        panel = page.locator("#rapport-embed-panel")
        await expect(panel.locator(".rapport-status")).to_have_text("Chat unavailable")
        await asyncio.sleep(3)
        await expect(panel.locator(".rapport-bot")).to_have_count(0)
        assert await page.evaluate(f"window.localStorage.getItem('rapport-token-{KEY}')") is None
        assert confirms == []  # no socket.io session was ever established
