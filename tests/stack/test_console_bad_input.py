"""Malformed input to the running console: a typed 4xx with an error code, never a 5xx,
and nothing of the request in the console's log. Deeply nested JSON on every route
that takes a body, message numbers that are not ones, a directory under /static/,
broken websocket upgrades, login forms that are not UTF-8, another tenant's ids."""

from __future__ import annotations

import asyncio
import uuid

import aiohttp
import pytest
from yarl import URL

from bot.console.conversations import CONVERSATION_ROUTES
from bot.console.dsr import DSR_ROUTES
from bot.console.journeys import JOURNEY_ROUTES
from bot.console.routes import TENANT_ROUTES
from tests.console.client import Browser, clear_login_failures, make_staff
from tests.stack.test_console_conversations import escalated

pytestmark = pytest.mark.stack

MARK = f"PRIVMARK{uuid.uuid4().hex[:8]}"  # request content that must not reach the log
DEEP_LIST = b"[" * 25_000 + b"]" * 25_000  # 50 kB: under the 64 kB body limit
DEEP_OBJECT = (b'{"t": "' + MARK.encode() + b'", "a":') * 1_800 + b"1" + b"}" * 1_800  # 56 kB
JSON_POSTS = [
    (path, name)
    for method, path, name in TENANT_ROUTES + CONVERSATION_ROUTES + DSR_ROUTES + JOURNEY_ROUTES
    if method == "POST" and name not in ("take", "hand_back")  # these two take no body
]


@pytest.fixture(autouse=True)
async def _fresh_ip(stack):
    await clear_login_failures(stack)


@pytest.fixture()
async def admin(stack):
    account = await make_staff(stack, {"alpenhof": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(account, "alpenhof")
        yield b


def console_log(stack) -> str:
    return (stack.logs_dir / "console.log").read_text(errors="replace")


@pytest.mark.parametrize(("path", "name"), JSON_POSTS)
@pytest.mark.parametrize("body", [DEEP_LIST, DEEP_OBJECT], ids=["list", "object"])
async def test_deeply_nested_json_is_400_on_every_route_that_takes_a_body(stack, admin, path, name, body):
    """Before: json.loads raised RecursionError, answered 500."""
    cid = await escalated(stack)
    url = path.replace("<tenant>", "alpenhof").replace("<conversation>", cid).replace("<request_id>", "nope")
    assert len(body) < 64 * 1024
    status, answer = await admin.request("POST", url, raw=body)
    assert (status, answer["error"]) == (400, "json_too_deep"), (name, status, answer)
    assert MARK not in console_log(stack)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"on_duty": NaN}', "json_invalid"),  # Python's json accepts NaN and Infinity
        (b'{"on_duty": -Infinity}', "json_invalid"),
        (b'{"on_duty": ' + b"9" * 5000 + b"}", "json_invalid"),  # over Python's 4300 digits
        (b"[true]", "json_object_required"),
        (b'{"on_duty": "true"}', "on_duty_invalid"),
        (b"\xff\xfe", "json_invalid"),
    ],
)
async def test_json_that_is_not_a_plain_object_is_400(admin, raw, code):
    status, answer = await admin.request("POST", "/t/alpenhof/api/me/duty", raw=raw)
    assert (status, answer["error"]) == (400, code)


@pytest.mark.parametrize(
    "since",
    [
        "99999999999999999999999",  # before: 500 (MongoDB holds 64-bit integers)
        "9223372036854775808",
        "%C2%B2",  # "²": str.isdigit() says yes, int() says no (before: 500)
        "%D9%A3",  # an Arabic-Indic digit
        "-1",
        "NaN",
        "inf",
        "1e3",
        "1.5",
        "%201",
        "9" * 5000,
    ],
)
async def test_since_that_is_not_a_message_number_is_400(stack, admin, since):
    cid = await escalated(stack)
    url = URL(f"{admin.base}/t/alpenhof/api/conversations/{cid}?since={since}", encoded=True)
    async with admin.http.get(url) as r:
        assert r.status == 400, await r.text()
        assert (await r.json())["error"] == "since_invalid"


async def test_since_within_range_still_works(stack, admin):
    cid = await escalated(stack)
    for since, count in (("0", 1), ("000", 1), ("1", 0), ("999999999999999", 0)):
        status, body = await admin.request("GET", f"/t/alpenhof/api/conversations/{cid}?since={since}")
        assert status == 200 and len(body["messages"]) == count, (since, body)


@pytest.mark.parametrize(
    "path",
    [
        "/static/",  # before: 503 (Sanic's handler opened the directory: IsADirectoryError)
        "/static/vendor",
        "/static/vendor/",
        "/static/nope.js",
        f"/static/%2e%2e/{MARK}.py",
        "/static/%2e%2e/app.py",
        "/static/..%2fapp.py",
        "/static//etc/passwd",
    ],
)
async def test_static_answers_404_for_anything_but_a_shipped_file(stack, path):
    async with aiohttp.ClientSession() as http:
        async with http.get(URL(stack.settings.console_url + path, encoded=True)) as r:
            assert r.status == 404, (path, await r.text())
            assert (await r.json())["error"] == "not_found"
    assert MARK not in console_log(stack)


async def test_static_serves_the_shipped_files_with_their_types(stack):
    async with aiohttp.ClientSession() as http:
        for path, ctype in [
            ("/static/shell.js", "text/javascript; charset=utf-8"),
            ("/static/console.css", "text/css; charset=utf-8"),
            ("/static/vendor/chart-4.6.1.umd.min.js", "text/javascript; charset=utf-8"),
        ]:
            async with http.get(stack.settings.console_url + path) as r:
                assert r.status == 200 and r.headers["Content-Type"] == ctype
                assert r.headers["X-Content-Type-Options"] == "nosniff" and len(await r.read()) > 100
        async with http.head(stack.settings.console_url + "/static/login.js") as r:
            assert r.status == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a plain GET
        {"Upgrade": "websocket", "Connection": "Upgrade"},  # no key, no version
        {
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": MARK,
            "Sec-WebSocket-Version": "13",
        },
        {
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version": "8",
        },
        {"Upgrade": "h2c", "Connection": "Upgrade"},
    ],
)
async def test_a_broken_websocket_upgrade_is_400(stack, admin, headers):
    """Before: 500 (Sanic 21.12 cannot take websockets' refusal of the handshake)."""
    async with admin.http.get(
        admin.base + "/t/alpenhof/live", headers={"Origin": admin.base, **headers}, allow_redirects=False
    ) as r:
        assert r.status == 400, await r.text()
        assert (await r.json())["error"] == "websocket_required"
    assert MARK not in console_log(stack)


@pytest.mark.parametrize(
    "body",
    [b"\xff\xfe" + MARK.encode(), b"csrf=%ff%fe&username=" + MARK.encode(), b"csrf=x&" * 60],
    ids=["not-utf8", "bad-percent", "too-many-fields"],
)
async def test_a_login_form_that_cannot_be_read_is_403_and_logs_nothing_of_it(stack, body):
    before = console_log(stack)
    async with Browser(stack) as b:
        await b.login_form_token()
        async with b.http.post(
            b.base + "/login",
            data=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": b.base,
                "Accept": "application/json",
            },
        ) as r:
            assert r.status == 403 and (await r.json())["error"] == "refused"
    added = console_log(stack)[len(before) :]
    assert "Traceback" not in added and "Failed when parsing form" not in added and MARK not in added


async def test_another_tenants_conversation_id_under_ones_own_tenant_is_404(stack, admin):
    cid = await escalated(stack, "laguna")
    for method, path, name in CONVERSATION_ROUTES:
        if "<conversation>" not in path:
            continue
        url = path.replace("<tenant>", "alpenhof").replace("<conversation>", cid)
        status, body = await admin.request(method, url, {"text": "x"} if method == "POST" else None)
        assert (status, body) == (404, {"error": "not_found"}), name


async def test_a_body_that_never_arrives_in_full_is_408_not_503(stack):
    """A client announces 100 bytes and sends 10: after the console's 30 s response
    timeout Sanic raised a 503 (the code for an unavailable store)."""
    url = URL(stack.settings.console_url)
    reader, writer = await asyncio.open_connection(url.host, url.port)
    try:
        writer.write(
            b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + f"Origin: {stack.settings.console_url}\r\n".encode()
            + b"Content-Length: 100\r\n\r\ncsrf=short"
        )
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=60)
    finally:
        writer.close()
    assert status_line.split()[1] == b"408", status_line
