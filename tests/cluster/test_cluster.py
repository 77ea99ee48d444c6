"""The product behind HAProxy with three Rasa replicas, two action servers and two job
processes (the session `cluster` fixture, bot/cluster.py): REST through the proxy, the
turns of one conversation sent to different replicas answered in order, the web chat
through the proxy over websocket and over long-polling (sticky by engine.io session),
a dead Rasa replica or action server routed around."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis

from bot.base.names import REDIS_PREFIX
from tests.stack.test_webchat import Chat, q, websocket_client  # noqa: F401 - a fixture

pytestmark = pytest.mark.stack

TIMEOUT = aiohttp.ClientTimeout(total=90)
# one guest's feedback, each message distinct so the tracker shows their order; no low
# rating (that would hand the conversation to staff while the hotel is open: no replies)
SCRIPT = [
    "Hello, I would like to give some feedback about my stay",
    "4",
    "room 5, breakfast 4",
    "four stars",
    "8 out of 10",
    "Lovely view from the balcony",
    "9",
]
STAGGER = 0.3  # seconds between sends: the order of arrival is the order of sending


async def rest(url: str, sender: str, text: str, **headers: str) -> tuple[int, Any]:
    body = {"sender": sender, "message": text, "metadata": {"tenant": "alpenhof", "locale": "en"}}
    async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
        async with http.post(f"{url}/webhooks/rest/webhook", json=body, headers=headers) as r:
            return r.status, await r.json(content_type=None) if r.status == 200 else await r.text()


async def tracker_events(cluster, sender: str) -> list[dict]:
    sender_id = f"alpenhof~{sender}"
    key = cluster.settings.guest_key.value.encode()
    digest = hmac.new(key, sender_id.encode(), hashlib.sha256).hexdigest()[:40]
    r = aioredis.from_url(cluster.settings.effective_redis_url.value, decode_responses=True)
    try:
        stored = await r.get(f"{REDIS_PREFIX}:tracker:alpenhof:{digest}")
    finally:
        await r.close()
    assert stored is not None, "no tracker"
    return json.loads(stored)["events"]


def turns(events: list[dict]) -> list[tuple[str, list[str]]]:
    """(user text, the bot's texts of that turn) per user message, in tracker order;
    asserts that each turn ended (action_listen) before the next message was taken."""
    out: list[tuple[str, list[str]]] = []
    last_action = "action_listen"
    for e in events:
        if e.get("event") == "user":
            assert last_action == "action_listen", f"turn overlapped: {e.get('text')!r} after {last_action}"
            out.append((e.get("text"), []))
        elif e.get("event") == "bot" and out:
            out[-1][1].append(e.get("text"))
        elif e.get("event") == "action":
            last_action = e.get("name")
    return out


async def interleaved(urls: list[str]) -> tuple[str, list[list[str]]]:
    """Send SCRIPT as one conversation, message i to urls[i % len(urls)], each sent
    STAGGER after the previous one without waiting for its answer."""
    sender = f"guest-{uuid.uuid4().hex[:12]}"

    async def send(i: int, text: str) -> list[str]:
        await asyncio.sleep(i * STAGGER)
        status, payload = await rest(urls[i % len(urls)], sender, text)
        assert status == 200, (i, status, payload)
        return [m["text"] for m in payload if "text" in m]

    replies = await asyncio.gather(*(send(i, t) for i, t in enumerate(SCRIPT)))
    return sender, replies


def assert_in_order(events: list[dict], replies: list[list[str]]) -> None:
    seen = turns(events)
    assert [text for text, _ in seen] == SCRIPT, "messages lost, repeated or out of order"
    # each request was answered with its own turn's replies, all non-empty
    assert [bot for _, bot in seen] == replies
    assert all(replies), replies
    # no question asked twice: no turn ran on a stale tracker
    questions = [r[-1] for r in replies[1:-1]]
    assert len(set(questions)) == len(questions), questions


# --- REST through the proxy ------------------------------------------------------------


async def test_rest_through_the_proxy(cluster):
    status, payload = await rest(cluster.proxy_url, f"guest-{uuid.uuid4().hex[:8]}", SCRIPT[0])
    assert status == 200 and payload and "Hotel Alpenhof" in payload[0]["text"]


async def test_a_forwarded_for_header_from_the_client_is_dropped(cluster):
    """The proxy sets X-Forwarded-For itself: a loopback client's REST request is still
    a loopback request (the REST channel refuses forwarded ones), whatever it claims."""
    status, _ = await rest(cluster.proxy_url, "guest-xff", SCRIPT[0], **{"X-Forwarded-For": "8.8.8.8"})
    assert status == 200
    # directly, the same header makes the REST channel refuse: the check is real
    status, _ = await rest(cluster.rasa_urls[0], "guest-xff", SCRIPT[0], **{"X-Forwarded-For": "8.8.8.8"})
    assert status == 403


async def test_only_the_channels_are_public(cluster):
    async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
        async with http.get(f"{cluster.proxy_url}/") as r:
            assert r.status == 404
        async with http.get(f"{cluster.proxy_url}/webhooks/rest/") as r:
            assert r.status == 200
        async with http.get(f"{cluster.console_url}/login") as r:
            assert r.status == 200


async def test_requests_are_spread_over_every_replica(cluster):
    before = served(cluster)
    guests = [f"guest-{uuid.uuid4().hex[:8]}" for _ in range(6)]
    await asyncio.gather(*(rest(cluster.proxy_url, guest, "Hello") for guest in guests))
    after = served(cluster)
    assert all(after[n] > before[n] for n in after), (before, after)


def served(cluster) -> dict[str, int]:
    """Requests each Rasa replica got through the proxy's `rasa` backend (stats CSV)."""
    import urllib.request

    with urllib.request.urlopen(cluster.stats_url + ";csv", timeout=5) as r:  # noqa: S310
        rows = r.read().decode().splitlines()
    header = rows[0].lstrip("# ").split(",")
    out = {}
    for row in rows[1:]:
        cells = dict(zip(header, row.split(","), strict=False))
        if cells["pxname"] == "rasa" and cells["svname"].startswith("rasa-"):
            out[cells["svname"]] = int(cells["stot"] or 0)
    return out


# --- one conversation, several replicas ------------------------------------------------


async def test_one_conversation_on_every_replica_directly_is_answered_in_order(cluster):
    sender, replies = await interleaved(cluster.rasa_urls)
    assert_in_order(await tracker_events(cluster, sender), replies)


async def test_one_conversation_through_the_proxy_is_answered_in_order(cluster):
    sender, replies = await interleaved([cluster.proxy_url])
    assert_in_order(await tracker_events(cluster, sender), replies)


# --- the web chat through the proxy ----------------------------------------------------


class ProxiedChat(Chat):
    """tests/stack/test_webchat.py's chat; the cluster's settings name the proxy's port."""


async def _conversation(chat: Chat) -> None:
    await chat.session()
    assert (await chat.say("/start", 2))[-1] == q("de", "alpenhof", "overall")
    assert await chat.say("4", 1) == [q("de", "alpenhof", "room")]
    assert await chat.say("5", 1) == [q("de", "alpenhof", "cleanliness")]


async def test_web_chat_over_websocket_through_the_proxy(cluster, websocket_client):  # noqa: F811
    chats = [ProxiedChat(cluster) for _ in range(3)]
    try:
        for chat in chats:
            await chat.connect(transports=["websocket"])
            assert chat.sio.transport() == "websocket"
        await asyncio.gather(*(_conversation(chat) for chat in chats))
    finally:
        for chat in chats:
            await chat.close()


async def test_web_chat_over_long_polling_through_the_proxy(cluster):
    """Three polling sessions at once: their handshakes go to different replicas
    (round robin), and every later request of a session must reach the replica of its
    handshake (sticky by sid), across several exchanges and a wait longer than a poll."""
    chats = [ProxiedChat(cluster) for _ in range(3)]
    try:
        for chat in chats:
            await chat.connect(transports=["polling"])
            assert chat.sio.transport() == "polling"
        await asyncio.gather(*(_conversation(chat) for chat in chats))
        assert all(chat.sio.connected for chat in chats)
    finally:
        for chat in chats:
            await chat.close()
    log = (cluster.settings.data_dir / "logs" / "haproxy.log").read_text()
    lines = [line.split() for line in log.splitlines() if line.startswith("rasa ")]
    used = {cells[1] for cells in lines if cells[1].startswith("rasa_socketio/")}
    assert len(used) >= 2, used  # the sessions were spread, so stickiness mattered


async def test_web_chat_over_polling_upgraded_to_websocket_through_the_proxy(cluster, websocket_client):  # noqa: F811
    chat = ProxiedChat(cluster)
    try:
        await chat.connect(transports=["polling", "websocket"])
        for _ in range(100):
            if chat.sio.transport() == "websocket":
                break
            await asyncio.sleep(0.05)
        assert chat.sio.transport() == "websocket"
        await _conversation(chat)
    finally:
        await chat.close()


# --- faults ----------------------------------------------------------------------------


async def test_a_killed_rasa_replica_is_routed_around(cluster):
    victim = "rasa-1"
    cluster.kill9(victim)
    try:
        # at once (before any health check noticed): refused connections go to another replica
        results = await asyncio.gather(
            *(rest(cluster.proxy_url, f"guest-{uuid.uuid4().hex[:8]}", SCRIPT[0]) for _ in range(6))
        )
        assert [status for status, _ in results] == [200] * 6
        deadline = time.monotonic() + 10
        while cluster.server_states()[f"rasa/{victim}"] != "DOWN":
            assert time.monotonic() < deadline, cluster.server_states()
            await asyncio.sleep(0.2)
        # a whole conversation while it is down
        sender, replies = await interleaved([cluster.proxy_url])
        assert_in_order(await tracker_events(cluster, sender), replies)
    finally:
        cluster.restart(victim)
    assert cluster.server_states()[f"rasa/{victim}"] == "UP"
    status, _ = await rest(cluster.rasa_urls[1], f"guest-{uuid.uuid4().hex[:8]}", SCRIPT[0])
    assert status == 200


async def test_a_killed_action_server_is_routed_around(cluster):
    cluster.kill9("actions-0")
    try:
        results = await asyncio.gather(
            *(rest(cluster.proxy_url, f"guest-{uuid.uuid4().hex[:8]}", SCRIPT[0]) for _ in range(4))
        )
        assert [status for status, _ in results] == [200] * 4
        assert all(payload and "Hotel Alpenhof" in payload[0]["text"] for _, payload in results)
    finally:
        cluster.restart("actions-0")
    assert cluster.server_states()["actions/actions-0"] == "UP"
