"""Safe by default: authenticated action server, loopback-only servers, no personal
data in any log, idempotent action retries."""

from __future__ import annotations

import json
import socket
import uuid

import aiohttp
import pytest

from bot.base.refs import guest_ref
from tests.stack.client import Guest, conversation_ratings

pytestmark = pytest.mark.stack


def action_call(sender: str, text: str, message_id: str, state=None) -> dict:
    """The body the Rasa server posts to the action server (rasa-sdk's format)."""
    latest = {
        "text": text,
        "intent": {"name": "rate", "confidence": 0.99},
        "entities": [],
        "message_id": message_id,
        "metadata": {"channel": "rest", "locale": "en"},
    }
    return {
        "next_action": "action_feedback",
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {"rapport": state},
            "latest_message": latest,
            "events": [{"event": "user", "text": text, "parse_data": latest, "metadata": latest["metadata"]}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


async def _post_action(stack, body, headers=None) -> tuple[int, dict]:
    url = stack.settings.action_url
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=body, headers=headers or {}) as r:
            return r.status, await r.json(content_type=None)


def _auth(stack) -> dict:
    return {"Authorization": f"Bearer {stack.settings.action_token.value}"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Basic Zm9vOmJhcg=="},
        {"Authorization": "bearer"},
    ],
)
async def test_action_server_refuses_unauthenticated_calls(stack, headers):
    sender = f"alpenhof~forged-{uuid.uuid4().hex[:8]}"
    status, payload = await _post_action(stack, action_call(sender, "5", "m1"), headers)
    assert status == 401 and payload == {"error": "unauthorized"}
    ref = guest_ref(stack.settings.guest_key, "alpenhof", sender.split("~", 1)[1])
    assert await conversation_ratings(stack, "alpenhof", ref) == {}


async def test_action_server_token_also_not_accepted_in_query_string(stack):
    url = stack.settings.action_url + f"?token={stack.settings.action_token.value}"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=action_call("alpenhof~q", "5", "m1")) as r:
            assert r.status == 401


async def test_retried_action_call_stores_once(stack):
    sender_guest = f"retry-{uuid.uuid4().hex[:8]}"
    sender = f"alpenhof~{sender_guest}"
    status, first = await _post_action(stack, action_call(sender, "hello there", "m-1"), _auth(stack))
    assert status == 200
    state = next(e["value"] for e in first["events"] if e["event"] == "slot")
    body = action_call(sender, "4", "m-2", state)
    results = [await _post_action(stack, body, _auth(stack)) for _ in range(3)]
    assert all(s == 200 for s, _ in results)
    assert results[0][1]["responses"] == results[2][1]["responses"]
    ref = guest_ref(stack.settings.guest_key, "alpenhof", sender_guest)
    docs = await conversation_ratings(stack, "alpenhof", ref)
    assert list(docs) == ["overall"] and docs["overall"]["value"] == 4


async def test_forged_sender_for_unknown_tenant_does_nothing(stack):
    status, payload = await _post_action(stack, action_call("nohotel~g", "5", "m1"), _auth(stack))
    assert status == 200 and payload["responses"] == [] and payload["events"] == []


def _non_loopback_ip() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent for UDP connect
            ip = s.getsockname()[0]
        except OSError:
            return None
    return None if ip.startswith("127.") else ip


@pytest.mark.parametrize("which", ["rasa_port", "action_port", "mongo_port", "redis_port"])
def test_servers_listen_on_loopback_only(stack, which):
    ip = _non_loopback_ip()
    if ip is None:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    port = getattr(stack.settings, which)
    with socket.socket() as s:
        s.settimeout(2)
        assert s.connect_ex((ip, port)) != 0, f"{which} {port} reachable on {ip}"
        # and it is really listening on loopback
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


async def test_logs_carry_no_personal_data(stack):
    phone = "+447700900123"
    secret_text = "Mrs Quetzalcoatl-Smith at 12 Acacia Avenue loved the sauna"
    guest = Guest(stack, "alpenhof", locale="en")
    guest.sender = phone
    await guest.say("Hello, I would like to give some feedback about my stay")
    await guest.say("2")
    await guest.say(secret_text)
    for _ in range(5):
        await guest.say("skip")
    await guest.say(secret_text)
    # Rasa reads a leading "/" as an intent payload and quoted a malformed one in its log
    await guest.say("/PRIVSMS-XYZ Quetzalcoatl room 12 {")
    await guest.say('/greet{"Acacia": 1}')
    logs = {p.name: p.read_text(errors="replace") for p in (stack.settings.data_dir / "logs").glob("*.log")}
    assert "rasa.log" in logs and "actions.log" in logs
    assert "feedback.turn.handled" in logs["actions.log"]
    for name, text in logs.items():
        for needle in (phone, "7700900123", "Quetzalcoatl", "Acacia", "sauna", "PRIVSMS"):
            assert needle not in text, f"{needle!r} found in {name}"


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded"])
async def test_rest_channel_refuses_requests_relayed_by_a_proxy(stack, header):
    from tests.stack.client import rest_url

    body = {"sender": "proxied", "message": "5", "metadata": {"tenant": "alpenhof"}}
    async with aiohttp.ClientSession() as session:
        async with session.post(rest_url(stack), json=body, headers={header: "203.0.113.7"}) as r:
            assert r.status == 403
            assert (await r.json())["error"] == "forbidden"


async def test_redis_keys_carry_no_guest_identifier(stack):
    import redis.asyncio as aioredis

    phone = "+447700900999"
    guest = Guest(stack, "alpenhof", locale="en")
    guest.sender = phone
    await guest.say("hi")
    await guest.say("4")
    r = aioredis.from_url(stack.settings.effective_redis_url.value, decode_responses=True)
    try:
        keys = [k async for k in r.scan_iter()]
    finally:
        await r.close()
    assert any(k.startswith("rapport:tracker:alpenhof:") for k in keys)
    assert not [k for k in keys if "7700900999" in k]


ACTION_SECRET = "Mrs Xochiquetzal-Brown room 12"


def _valid_call() -> dict:
    return action_call(f"alpenhof~ac-{uuid.uuid4().hex[:8]}", "hello", "m1")


def _without_tracker() -> dict:
    body = _valid_call()
    del body["tracker"]
    return body


def _with_tracker(**fields) -> dict:
    body = _valid_call()
    body["tracker"] = {**body["tracker"], **fields}
    return body


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({**_valid_call(), "next_action": ACTION_SECRET}, 404, "unknown_action"),
        ([ACTION_SECRET], 400, "bad_json"),
        ([], 400, "bad_json"),
        (_without_tracker(), 400, "bad_tracker"),
        ({**_valid_call(), "tracker": [ACTION_SECRET]}, 400, "bad_tracker"),
        ({**_valid_call(), "tracker": ACTION_SECRET}, 400, "bad_tracker"),
        (_with_tracker(sender_id=[ACTION_SECRET]), 400, "bad_tracker"),
        (_with_tracker(slots=[ACTION_SECRET]), 400, "bad_tracker"),
        (_with_tracker(latest_message=ACTION_SECRET), 400, "bad_tracker"),
        (_with_tracker(events=ACTION_SECRET), 400, "bad_tracker"),
        (_with_tracker(events=[ACTION_SECRET]), 400, "bad_tracker"),
        ({**_valid_call(), "next_action": [ACTION_SECRET]}, 400, "bad_action"),
        ({**_valid_call(), "domain": [ACTION_SECRET]}, 400, "bad_domain"),
    ],
    ids=[
        "unknown-action",
        "array",
        "empty-array",
        "no-tracker",
        "tracker-array",
        "tracker-string",
        "sender-list",
        "slots-list",
        "latest-string",
        "events-string",
        "event-string",
        "action-list",
        "domain-list",
    ],
)
async def test_action_server_answers_bad_calls_with_a_code_only(stack, body, status, code):
    got, payload = await _post_action(stack, body, _auth(stack))
    assert (got, payload) == (status, {"error": code})
    log = (stack.settings.data_dir / "logs" / "actions.log").read_text(errors="replace")
    assert "Xochiquetzal" not in log


@pytest.mark.parametrize(
    "method, path, data, status",
    [
        ("POST", "/webhook", b"{not json " + ACTION_SECRET.encode(), 400),
        ("POST", "/webhook", ("[" * 100_000 + "]" * 100_000).encode(), 400),
        ("POST", "/Xochiquetzal-Brown", b"{}", 404),
        ("GET", "/webhook?Xochiquetzal=1", b"", 405),
    ],
    ids=["not-json", "deep-json", "unknown-path", "wrong-method"],
)
async def test_action_server_echoes_no_request_content(stack, method, path, data, status):
    s = stack.settings
    url = f"http://{s.host}:{s.action_port}{path}"
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, data=data, headers=_auth(stack)) as r:
            assert r.status == status
            body = await r.text()
    assert "Xochiquetzal" not in body and set(json.loads(body)) == {"error"}
    log = (stack.settings.data_dir / "logs" / "actions.log").read_text(errors="replace")
    assert "Xochiquetzal" not in log


async def test_action_server_takes_no_compressed_calls(stack):
    import zlib

    s = stack.settings
    headers = {**_auth(stack), "Content-Encoding": "deflate", "Content-Type": "application/json"}
    data = zlib.compress(b"[" + b" " * 5_000_000 + b"]")
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://{s.host}:{s.action_port}/webhook", data=data, headers=headers) as r:
            assert (r.status, await r.json()) == (415, {"error": "unsupported_encoding"})
