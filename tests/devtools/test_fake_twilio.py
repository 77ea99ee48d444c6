"""The fake Twilio speaks Twilio's HTTP shape: served for real on loopback and called
with plain aiohttp, the way the twilio client (and curl) would."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import BasicAuth, ClientSession, web
from twilio.request_validator import RequestValidator

from bot.stack import pick_free_port
from devtools.fake_twilio import FakeTwilio, count_segments, running_fake
from tests.devtools.util import wait_until_serving

ACCOUNT = "AC" + "a1" * 16
TOKEN = "fake-auth-token"
OTHER_ACCOUNT = "AC" + "b2" * 16
GUEST = "+15005550006"
HOTEL = "+15005550001"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    async with running_fake({ACCOUNT: TOKEN, OTHER_ACCOUNT: "other-token"}) as f:
        yield f


def messages_url(fake: FakeTwilio, account: str = ACCOUNT) -> str:
    return f"{fake.url}/2010-04-01/Accounts/{account}/Messages.json"


async def post_message(
    fake: FakeTwilio, form: dict[str, str], auth: BasicAuth | None = None, account=ACCOUNT
):
    async with (
        ClientSession() as http,
        http.post(messages_url(fake, account), data=form, auth=auth or BasicAuth(ACCOUNT, TOKEN)) as resp,
    ):
        return resp.status, dict(resp.headers), await resp.json()


@asynccontextmanager
async def callback_receiver() -> AsyncIterator[tuple[str, list[tuple[dict[str, str], str]]]]:
    """A loopback endpoint recording (form, X-Twilio-Signature) of each POST."""
    received: list[tuple[dict[str, str], str]] = []

    async def handle(request: web.Request) -> web.Response:
        received.append((dict(await request.post()), request.headers.get("X-Twilio-Signature", "")))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/sms/status", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/sms/status", received
    finally:
        await runner.cleanup()


async def test_create_answers_201_with_twilio_message_json_and_records_it(fake):
    status, _, msg = await post_message(fake, {"To": GUEST, "From": HOTEL, "Body": "Merci !"})

    assert status == 201
    assert re.fullmatch(r"SM[0-9a-f]{32}", msg["sid"])
    assert msg["account_sid"] == ACCOUNT
    assert (msg["to"], msg["from"], msg["body"]) == (GUEST, HOTEL, "Merci !")
    assert msg["status"] == "queued"
    assert msg["num_segments"] == "1"
    assert msg["direction"] == "outbound-api"
    assert msg["uri"] == f"/2010-04-01/Accounts/{ACCOUNT}/Messages/{msg['sid']}.json"
    assert re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000", msg["date_created"])
    assert await fake.messages() == [msg]


async def test_messaging_service_send_is_accepted_without_a_sender(fake):
    status, _, msg = await post_message(
        fake, {"To": GUEST, "MessagingServiceSid": "MG" + "0" * 32, "Body": "hi"}
    )

    assert status == 201
    assert (msg["status"], msg["from"], msg["messaging_service_sid"]) == ("accepted", None, "MG" + "0" * 32)


@pytest.mark.parametrize(
    "auth, account",
    [
        (BasicAuth(ACCOUNT, "wrong-token"), ACCOUNT),
        (BasicAuth(OTHER_ACCOUNT, "other-token"), ACCOUNT),  # valid credentials of another account
        (BasicAuth("AC" + "c3" * 16, TOKEN), "AC" + "c3" * 16),  # unknown account
    ],
)
async def test_bad_auth_is_401_in_twilio_error_shape_and_records_nothing(fake, auth, account):
    status, headers, err = await post_message(fake, {"To": GUEST, "From": HOTEL, "Body": "x"}, auth, account)

    assert status == 401
    assert err == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }
    assert headers["WWW-Authenticate"].startswith("Basic")
    assert await fake.messages() == []


async def test_missing_authorization_header_is_401(fake):
    async with ClientSession() as http, http.post(messages_url(fake), data={"To": GUEST}) as resp:
        assert resp.status == 401
        assert (await resp.json())["code"] == 20003


@pytest.mark.parametrize(
    "form, code",
    [
        ({"From": HOTEL, "Body": "x"}, 21604),
        ({"To": GUEST, "Body": "x"}, 21603),
        ({"To": GUEST, "From": HOTEL}, 21602),
    ],
)
async def test_missing_fields_are_400_with_twilio_codes(fake, form, code):
    status, _, err = await post_message(fake, form)

    assert (status, err["status"], err["code"]) == (400, 400, code)
    assert await fake.messages() == []


async def test_429_fault_carries_retry_after_then_the_next_call_succeeds(fake):
    await fake.fault(429, count=2, retry_after=7)
    form = {"To": GUEST, "From": HOTEL, "Body": "x"}

    results = [await post_message(fake, form) for _ in range(3)]

    assert [r[0] for r in results] == [429, 429, 201]
    assert results[0][1]["Retry-After"] == "7"
    assert results[0][2] == {
        "code": 20429,
        "message": "Too Many Requests",
        "more_info": "https://www.twilio.com/docs/errors/20429",
        "status": 429,
    }
    assert len(await fake.messages()) == 1
    assert await fake.attempts() == 3


@pytest.mark.parametrize("status", [500, 503])
async def test_5xx_fault_answers_twilio_error_json(fake, status):
    await fake.fault(status)

    got, _, err = await post_message(fake, {"To": GUEST, "From": HOTEL, "Body": "x"})

    assert (got, err["status"], err["code"]) == (status, status, 20000 + status)
    assert await fake.messages() == []


async def test_delay_fault_delays_the_answer(fake):
    await fake.fault(delay=0.3)
    start = time.monotonic()

    status, _, _ = await post_message(fake, {"To": GUEST, "From": HOTEL, "Body": "x"})

    assert status == 201
    assert time.monotonic() - start >= 0.3


async def test_invalid_fault_is_rejected(fake):
    async with ClientSession() as http, http.post(f"{fake.url}/_fake/faults", json={"status": 200}) as resp:
        assert resp.status == 400


async def test_delete_clears_messages_and_attempts(fake):
    await post_message(fake, {"To": GUEST, "From": HOTEL, "Body": "x"})

    await fake.clear()

    assert await fake.messages() == []
    assert await fake.attempts() == 0


async def test_status_callbacks_are_signed_like_twilio(fake):
    async with callback_receiver() as (url, received):
        callback = url + "?tenant=hotel-1"
        _, _, msg = await post_message(
            fake, {"To": GUEST, "From": HOTEL, "Body": "x", "StatusCallback": callback}
        )

        result = await fake.deliver(msg["sid"])

    assert [c["http_status"] for c in result["callbacks"]] == [204, 204, 204]
    assert [form["MessageStatus"] for form, _ in received] == ["queued", "sent", "delivered"]
    for form, signature in received:
        assert RequestValidator(TOKEN).validate(callback, form, signature)
        assert not RequestValidator("another-token").validate(callback, form, signature)
        assert (form["MessageSid"], form["SmsSid"], form["AccountSid"]) == (msg["sid"], msg["sid"], ACCOUNT)
        assert (form["To"], form["From"], form["ApiVersion"]) == (GUEST, HOTEL, "2010-04-01")
        assert "ErrorCode" not in form
    assert (await fake.messages())[0]["status"] == "delivered"


async def test_undelivered_callback_carries_the_error_code(fake):
    async with callback_receiver() as (url, received):
        _, _, msg = await post_message(fake, {"To": GUEST, "From": HOTEL, "Body": "x", "StatusCallback": url})

        await fake.deliver(msg["sid"], statuses=["sent", "undelivered"], error_code=30003)

    (sent, _), (undelivered, signature) = received
    assert "ErrorCode" not in sent
    assert (undelivered["MessageStatus"], undelivered["ErrorCode"]) == ("undelivered", "30003")
    assert RequestValidator(TOKEN).validate(url, undelivered, signature)


async def test_deliver_unknown_sid_is_404_and_without_callback_is_400(fake):
    _, _, msg = await post_message(fake, {"To": GUEST, "From": HOTEL, "Body": "x"})
    async with ClientSession() as http:
        async with http.post(f"{fake.url}/_fake/deliver/SM{'0' * 32}") as resp:
            assert resp.status == 404
        async with http.post(f"{fake.url}/_fake/deliver/{msg['sid']}") as resp:
            assert resp.status == 400


@pytest.mark.parametrize(
    "body, segments",
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # GSM extension characters cost two septets
        ("€" * 81, 2),
        ("ж" * 70, 1),  # anything outside GSM-7 makes the whole message UCS-2
        ("ж" * 71, 2),
        ("Très bien, merci ! 👍", 1),
    ],
)
def test_count_segments(body, segments):
    assert count_segments(body) == segments


async def test_cli_serves_the_fake():
    port = pick_free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.fake_twilio",
            "--port",
            str(port),
            "--account",
            ACCOUNT,
            "--token",
            TOKEN,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        async with ClientSession() as http:
            await wait_until_serving(http, f"{url}/_fake/messages")
            form = {"To": GUEST, "From": HOTEL, "Body": "x"}
            async with http.post(f"{url}/2010-04-01/Accounts/{ACCOUNT}/Messages.json", data=form) as resp:
                assert resp.status == 401
            auth = BasicAuth(ACCOUNT, TOKEN)
            async with http.post(
                f"{url}/2010-04-01/Accounts/{ACCOUNT}/Messages.json", data=form, auth=auth
            ) as resp:
                assert resp.status == 201
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def test_the_rate_switch_refuses_a_numbers_creates_over_its_rate_with_429(fake):
    await fake.rate(2)
    form = {"To": GUEST, "From": HOTEL, "Body": "hi"}
    results = [await post_message(fake, form) for _ in range(3)]
    assert [r[0] for r in results] == [201, 201, 429]
    status, headers, body = results[2]
    assert headers["Retry-After"] == "1" and body["code"] == 20429 and body["status"] == 429
    assert (await post_message(fake, {**form, "From": "+15005550002"}))[0] == 201  # per number
    await asyncio.sleep(1.05)
    assert (await post_message(fake, form))[0] == 201  # the next second
    await fake.rate(None)
    assert [(await post_message(fake, form))[0] for _ in range(5)] == [201] * 5
    assert len(await fake.messages()) == 9
    async with ClientSession() as http, http.post(f"{fake.url}/_fake/rate", json={"per_second": -1}) as resp:
        assert resp.status == 400
