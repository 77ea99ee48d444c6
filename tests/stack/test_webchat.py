"""The socket.io web chat of the running stack, driven with python-socketio's AsyncClient:
widget keys choose the tenant, signed expiring session tokens, replies to the sending
socket only, clear errors for bad input, rate limits, allowed origins, and the demo
pages and static files."""

from __future__ import annotations

import asyncio
import secrets
import time
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import engineio
import pytest
import redis.asyncio as redis_asyncio
import socketio

from bot.base.refs import guest_ref, make_sender
from bot.channels.webchat.session import DAY, issue_session
from bot.i18n import Catalog
from bot.inbox.ratelimit import SharedRateLimiter
from bot.inbox.text import as_written
from tests.conftest import THIRD_PARTY_ORIGIN
from tests.stack.client import conversation_ratings, last_user_parse, mongo, tenant_db

pytestmark = pytest.mark.stack

SOCKET_BURST = 5
SOCKET_SESSIONS = 5  # bot/channels/webchat/channel.py SOCKET_SESSIONS_PER_MIN
OTHER_IP = "127.0.0.2"  # a second client address on loopback, for per-IP limits
TENANT_ORIGINS = {"alpenhof": "https://www.alpenhof.example", "laguna": "https://www.laguna.example"}

CATALOG = Catalog.load()
HOTELS = {"alpenhof": "Hotel Alpenhof", "laguna": "Albergo Laguna"}
KEYS = {"alpenhof": "wk_demo_alpenhof", "laguna": "wk_demo_laguna"}
DEFAULT_LANGUAGE = {"alpenhof": "de", "laguna": "it"}
TIMEOUT = 60  # seconds for one bot turn
QUIET = 1.5  # seconds during which a socket must receive nothing


def base_url(stack) -> str:
    return f"http://{stack.settings.host}:{stack.settings.rasa_port}"


def q(lang: str, tenant: str, qid: str, low: int = 1, high: int = 5) -> str:
    return CATALOG.render(lang, f"question.{qid}", low=low, high=high, hotel=HOTELS[tenant])


def session_id(token: str) -> str:
    return token.split(".", 1)[0]


class _AbortingEngineIO(engineio.AsyncClient):
    """Over long-polling, a graceful engine.io disconnect waits for the pending GET, which
    the server answers only at its next ping (~25 s; also after a refused connect). Here
    disconnecting aborts: the close packet is queued, the polling tasks are dropped."""

    async def disconnect(self, abort: bool = False, reason: Any = None) -> None:
        tasks = [t for t in (self.read_loop_task, self.write_loop_task) if t and not t.done()]
        await super().disconnect(abort=True, reason=reason)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class _Client(socketio.AsyncClient):
    def _engineio_client_class(self):
        return _AbortingEngineIO


class Chat:
    """One browser tab: a socket.io connection that records every event it receives."""

    def __init__(self, stack, tenant: str = "alpenhof", client_ip: str | None = None) -> None:
        """`client_ip`: another loopback address to connect from (127.0.0.0/8), so that
        per-IP limits of this chat are not those of the other tests (127.0.0.1)."""
        self.stack = stack
        self.tenant = tenant
        self.token: str | None = None
        self.events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.http = None
        if client_ip is not None:
            self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(client_ip, 0)))
        self.sio = _Client(reconnection=False, http_session=self.http)
        for name in (
            "session_confirm",
            "bot_uttered",
            "rapport_error",
            "rapport_duplicate",
            "disconnect",
            "connect_error",
        ):
            self.sio.on(name, self._recorder(name))

    def _recorder(self, name: str):
        async def record(*args: Any) -> None:
            await self.events.put((name, args[0] if args else None))

        return record

    async def connect(
        self,
        auth: Any = "default",
        headers: dict[str, str] | None = None,
        transports: list[str] | None = None,
    ) -> None:
        """Long-polling unless told (as the widget starts; the websocket tests below)."""
        auth = {"widget_key": KEYS[self.tenant]} if auth == "default" else auth
        await self.sio.connect(
            base_url(self.stack),
            auth=auth,
            headers=headers or {},
            transports=transports or ["polling"],
            wait_timeout=10,
        )

    async def refused(self, **kwargs: Any) -> Any:
        """Connect, expecting a refusal; return the reason the server gave."""
        with pytest.raises(socketio.exceptions.ConnectionError):
            await self.connect(**kwargs)
        assert not self.sio.connected
        name, body = await self.next(5)
        assert name == "connect_error", (name, body)
        return body.get("message") if isinstance(body, dict) else body

    async def next(self, timeout: float = TIMEOUT) -> tuple[str, Any]:
        return await asyncio.wait_for(self.events.get(), timeout)

    async def session(self, token: Any = None, *, payload: Any = "default") -> dict:
        data = {"token": token} if payload == "default" else payload
        await self.sio.emit("session_request", data)
        name, body = await self.next(10)
        assert name == "session_confirm", (name, body)
        assert isinstance(body["token"], str) and isinstance(body["resumed"], bool)
        assert body["language"] == DEFAULT_LANGUAGE[self.tenant]
        self.token = body["token"]
        return body

    async def say(self, text: str, replies: int, locale: str | None = None) -> list[str]:
        """Send a message and collect the `replies` bot messages it produces."""
        data = {"message": text} if locale is None else {"message": text, "locale": locale}
        await self.sio.emit("user_uttered", data)
        texts = []
        for _ in range(replies):
            name, body = await self.next()
            assert name == "bot_uttered", (name, body, texts)
            texts.append(body["text"])
        return texts

    async def error(self, data: Any = "none", *, event: str = "user_uttered") -> str:
        """Send a malformed message; return the rapport_error code."""
        if data == "none":
            await self.sio.emit(event)
        else:
            await self.sio.emit(event, data)
        name, body = await self.next(10)
        assert name == "rapport_error", (name, body)
        return body["error"]

    async def assert_quiet(self, seconds: float = QUIET) -> None:
        await asyncio.sleep(seconds)
        received = []
        while not self.events.empty():
            received.append(self.events.get_nowait())
        assert received == []

    @property
    def ref(self) -> str:
        assert self.token
        return guest_ref(self.stack.settings.guest_key, self.tenant, session_id(self.token))

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()
        if self.http is not None:
            await self.http.close()


@pytest.fixture
async def chats(stack):
    """Factory of connected-later chats; all are disconnected at the end."""
    opened: list[Chat] = []

    def make(tenant: str = "alpenhof", client_ip: str | None = None) -> Chat:
        chat = Chat(stack, tenant, client_ip)
        opened.append(chat)
        return chat

    yield make
    for chat in opened:
        await chat.close()


async def stored_counts(stack) -> dict[str, int]:
    client = mongo(stack)
    try:
        counts = {}
        for tenant in HOTELS:
            db = tenant_db(stack, client, tenant)
            for coll in ("ratings", "conversations"):
                counts[f"{tenant}.{coll}"] = await db[coll].count_documents({})
        return counts
    finally:
        client.close()


async def stored_for(stack, tenant: str, ref: str) -> tuple[dict, int]:
    """(ratings by question, number of conversation documents) of one guest."""
    ratings = await conversation_ratings(stack, tenant, ref)
    client = mongo(stack)
    try:
        conversations = await tenant_db(stack, client, tenant).conversations.count_documents(
            {"guest_ref": ref}
        )
    finally:
        client.close()
    return ratings, conversations


async def started(chat: Chat, locale: str | None = None, lang: str = "de") -> dict:
    """Connect, open a session and say /start as the widget does: greeting, first question."""
    await chat.connect()
    confirm = await chat.session()
    replies = await chat.say("/start", 2, locale=locale)
    assert replies == [
        CATALOG.render(lang, "greeting", hotel=HOTELS[chat.tenant]),
        q(lang, chat.tenant, "overall"),
    ]
    return confirm


# --- connecting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "auth",
    [
        None,
        {},
        {"widget_key": "wk_nope"},
        {"widget_key": {"$gt": ""}},
        "wk_demo_alpenhof",
        ["wk_demo_alpenhof"],
    ],
    ids=["no-auth", "empty", "unknown-key", "operator-key", "string-auth", "list-auth"],
)
async def test_connect_without_a_known_widget_key_is_refused(stack, chats, auth):
    before = await stored_counts(stack)
    chat = chats()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await chat.connect(auth)
    assert not chat.sio.connected
    assert await stored_counts(stack) == before


@pytest.fixture
def websocket_client(monkeypatch):
    """python-engineio 4.15's client builds `aiohttp.ClientWSTimeout` (aiohttp >= 3.10);
    Rasa pins aiohttp < 3.10, whose ws_connect takes the close timeout as a number."""
    monkeypatch.setattr(
        aiohttp, "ClientWSTimeout", lambda ws_close=None, ws_receive=None: ws_close or 10.0, raising=False
    )


async def test_a_conversation_over_the_websocket_transport(stack, chats, websocket_client):
    """Websocket only, no long-polling: Sanic 21.12 on Python 3.11 with bot/rasa/sanic_compat.py."""
    chat = chats("alpenhof")
    await chat.connect(transports=["websocket"])
    assert chat.sio.transport() == "websocket"
    await chat.session()
    assert (await chat.say("/start", 2))[-1] == q("de", "alpenhof", "overall")
    assert await chat.say("4", 1) == [q("de", "alpenhof", "room")]
    assert await chat.say("5", 1) == [q("de", "alpenhof", "cleanliness")]
    assert await chat.error({"message": 4}) == "bad_message"
    docs, _ = await stored_for(stack, "alpenhof", chat.ref)
    assert {k: d["value"] for k, d in docs.items()} == {"overall": 4, "room": 5}
    assert chat.sio.transport() == "websocket" and chat.sio.connected
    # the checks of connect hold for websockets too
    intruder = chats("laguna")
    origin = {"Origin": TENANT_ORIGINS["alpenhof"]}
    assert await intruder.refused(headers=origin, transports=["websocket"]) == "origin_not_allowed"


async def test_long_polling_is_upgraded_to_a_websocket(stack, chats, websocket_client):
    chat = chats("alpenhof")
    await chat.connect(transports=["polling", "websocket"])
    for _ in range(100):
        if chat.sio.transport() == "websocket":
            break
        await asyncio.sleep(0.05)
    assert chat.sio.transport() == "websocket"
    await chat.session()
    assert (await chat.say("/start", 2))[-1] == q("de", "alpenhof", "overall")
    assert await chat.say("4", 1) == [q("de", "alpenhof", "room")]


# --- sessions and conversations ----------------------------------------------------------


@pytest.mark.parametrize(
    "tenant, locale, lang",
    [
        ("alpenhof", None, "de"),
        ("laguna", None, "it"),
        ("alpenhof", "en-GB", "en"),
        ("laguna", "fr-CH", "fr"),
    ],
)
async def test_start_greets_in_the_tenant_or_browser_language(chats, tenant, locale, lang):
    chat = chats(tenant)
    await chat.connect()
    confirm = await chat.session()
    assert confirm["resumed"] is False
    sid, issued_at, signature = confirm["token"].split(".")
    assert len(sid) == 32 and len(signature) == 32
    assert abs(int(issued_at) - time.time()) < 120
    replies = await chat.say("/start", 2, locale=locale)
    assert replies == [CATALOG.render(lang, "greeting", hotel=HOTELS[tenant]), q(lang, tenant, "overall")]


async def test_rating_answer_is_stored_in_the_tenant_database(stack, chats):
    chat = chats("alpenhof")
    await started(chat)
    assert await chat.say("4", 1) == [q("de", "alpenhof", "room")]

    docs, conversations = await stored_for(stack, "alpenhof", chat.ref)
    assert set(docs) == {"overall"} and conversations == 1
    overall = docs["overall"]
    assert overall["value"] == 4 and overall["kind"] == "rating"
    assert overall["channel"] == "webchat"
    assert overall["tenant"] == "alpenhof" and overall["language"] == "de"
    sid = session_id(chat.token)
    assert sid not in str(overall["guest_ref"]) and sid not in overall["conversation_id"]
    assert await stored_for(stack, "laguna", chat.ref) == ({}, 0)
    laguna_ref = guest_ref(stack.settings.guest_key, "laguna", sid)
    assert await stored_for(stack, "laguna", laguna_ref) == ({}, 0)


async def test_resuming_with_the_token_continues_the_conversation(stack, chats):
    first = chats("alpenhof")
    confirm = await started(first, locale="en-US", lang="en")
    await first.close()

    second = chats("alpenhof")
    await second.connect()
    resumed = await second.session(confirm["token"])
    assert resumed == {"token": confirm["token"], "resumed": True, "language": "de"}
    assert await second.say("4", 1) == [q("en", "alpenhof", "room")]
    assert await second.say("5", 1) == [q("en", "alpenhof", "cleanliness")]

    docs, conversations = await stored_for(stack, "alpenhof", second.ref)
    assert {k: d["value"] for k, d in docs.items()} == {"overall": 4, "room": 5}
    assert conversations == 1
    assert len({d["conversation_id"] for d in docs.values()}) == 1


def _forged(token: str) -> str:
    return f"{session_id(token)}.{secrets.token_hex(16)}"


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda a, other: a["token"].split(".")[0], id="session-id-only"),
        pytest.param(lambda a, other: _forged(a["token"]), id="forged-signature"),
        pytest.param(lambda a, other: a["token"].upper(), id="altered-case"),
        pytest.param(lambda a, other: a["token"] + ".x", id="extra-part"),
        pytest.param(lambda a, other: a["token"].rsplit(".", 1)[0], id="no-signature"),
        pytest.param(lambda a, other: other["token"], id="other-tenant-token"),
        pytest.param(lambda a, other: "garbage", id="garbage"),
        pytest.param(lambda a, other: "." * 3000, id="long-garbage"),
        pytest.param(lambda a, other: {"$gt": ""}, id="operator"),
        pytest.param(lambda a, other: 12345, id="number"),
        pytest.param(lambda a, other: "", id="empty"),
    ],
)
async def test_invalid_token_gets_a_new_session_and_none_of_the_guests_messages(stack, chats, make_token):
    guest_a = chats("alpenhof")
    a = await started(guest_a)
    other = chats("laguna")
    await other.connect()
    other_confirm = await other.session()

    intruder = chats("alpenhof")
    await intruder.connect()
    confirm = await intruder.session(make_token(a, other_confirm))
    assert confirm["resumed"] is False
    assert session_id(confirm["token"]) not in (session_id(a["token"]), session_id(other_confirm["token"]))

    assert await guest_a.say("4", 1) == [q("de", "alpenhof", "room")]
    await intruder.assert_quiet()
    await other.assert_quiet(0)
    # the intruder's own session starts from the beginning, not in guest A's conversation
    replies = await intruder.say("/start", 2)
    assert replies == [
        CATALOG.render("de", "greeting", hotel="Hotel Alpenhof"),
        q("de", "alpenhof", "overall"),
    ]
    await guest_a.assert_quiet(0)


@pytest.mark.parametrize(
    "age", [31 * DAY, 365 * DAY, -DAY], ids=["31-days-old", "a-year-old", "from-the-future"]
)
async def test_expired_or_future_token_gets_a_new_session(stack, chats, age):
    """Correctly signed by this server for this tenant, but outside RAPPORT_WEBCHAT_TOKEN_DAYS."""
    old_sid, old_token = issue_session(stack.settings.guest_key, "alpenhof", now=time.time() - age)
    chat = chats("alpenhof")
    await chat.connect()
    confirm = await chat.session(old_token)
    assert confirm["resumed"] is False and session_id(confirm["token"]) != old_sid
    fresh_sid, fresh_token = issue_session(stack.settings.guest_key, "alpenhof", now=time.time() - 29 * DAY)
    assert await chat.session(fresh_token) == {"token": fresh_token, "resumed": True, "language": "de"}


@pytest.mark.parametrize(
    "payload",
    [(None,), "token", ["x"], 5, ({"token": None}, "extra")],
    ids=["null", "string", "list", "number", "two-args"],
)
async def test_session_request_without_a_token_object_gets_a_new_session(chats, payload):
    chat = chats("alpenhof")
    await chat.connect()
    confirm = await chat.session(payload=payload)
    assert confirm["resumed"] is False and "." in confirm["token"]


async def test_session_request_with_no_data_gets_a_new_session(chats):
    chat = chats("alpenhof")
    await chat.connect()
    await chat.sio.emit("session_request")
    name, body = await chat.next(10)
    assert name == "session_confirm" and body["resumed"] is False


async def test_replies_go_to_the_sending_socket_only_even_with_the_same_token(stack, chats):
    tab1 = chats("alpenhof")
    a = await started(tab1)
    tab2 = chats("alpenhof")
    await tab2.connect()
    assert await tab2.session(a["token"]) == {"token": a["token"], "resumed": True, "language": "de"}

    assert await tab1.say("4", 1) == [q("de", "alpenhof", "room")]
    await tab2.assert_quiet()
    # both tabs are the same guest: tab 2 continues where tab 1 left off, and only tab 2 hears it
    assert await tab2.say("5", 1) == [q("de", "alpenhof", "cleanliness")]
    await tab1.assert_quiet()
    docs, _ = await stored_for(stack, "alpenhof", tab1.ref)
    assert {k: d["value"] for k, d in docs.items()} == {"overall": 4, "room": 5}


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, code",
    [
        ("none", "bad_payload"),
        ((None,), "bad_payload"),
        (("4", "4"), "bad_payload"),
        ("4", "bad_payload"),
        (["4"], "bad_payload"),
        (4, "bad_payload"),
        ({}, "bad_message"),
        ({"text": "4"}, "bad_message"),
        ({"message": None}, "bad_message"),
        ({"message": 4}, "bad_message"),
        ({"message": {"$gt": ""}}, "bad_message"),
        ({"message": ["4"]}, "bad_message"),
        ({"message": "x" * 2001}, "too_large"),
        ({"message": "4" * 20_000}, "too_large"),
    ],
    ids=[
        "no-data",
        "null",
        "two-args",
        "string",
        "list",
        "number",
        "empty-object",
        "missing-message",
        "null-message",
        "number-message",
        "operator-message",
        "list-message",
        "2001-chars",
        "20000-chars",
    ],
)
async def test_malformed_message_gets_a_clear_error_and_nothing_is_stored(stack, chats, data, code):
    chat = chats("alpenhof")
    await chat.connect()
    await chat.session()
    assert await chat.error(data) == code
    assert chat.sio.connected
    assert await stored_for(stack, "alpenhof", chat.ref) == ({}, 0)
    # the socket still works: the same session can start its conversation
    await chat.session(chat.token)
    replies = await chat.say("/start", 2)
    assert replies[-1] == q("de", "alpenhof", "overall")


async def test_a_message_resent_with_its_id_runs_no_second_turn(stack, chats):
    """At-least-once web chat: the widget resends a message (a reconnect) with the same
    `message_id`; its turn ran once (bot/rasa/lock_store.py)."""
    chat = chats("alpenhof")
    await started(chat)
    await chat.sio.emit("user_uttered", {"message": "4", "message_id": "w-1"})
    name, body = await chat.next()
    assert (name, body["text"]) == ("bot_uttered", q("de", "alpenhof", "room"))
    await chat.sio.emit("user_uttered", {"message": "4", "message_id": "w-1"})
    assert await chat.next(10) == ("rapport_duplicate", {"message_id": "w-1"})
    docs, _ = await stored_for(stack, "alpenhof", chat.ref)
    assert set(docs) == {"overall"}  # a second turn would have taken "4" for the room
    assert await chat.error({"message": "4", "message_id": "not an id"}) == "bad_message_id"
    assert await chat.say("5", 1, locale=None)  # the conversation goes on


@pytest.mark.parametrize(
    "data", [{"message": "4"}, {"message": "/start"}, "none"], ids=["4", "start", "no-data"]
)
async def test_message_before_session_request_is_refused(stack, chats, data):
    before = await stored_counts(stack)
    chat = chats("alpenhof")
    await chat.connect()
    assert await chat.error(data) == "no_session"
    assert chat.sio.connected
    await chat.assert_quiet(0.5)
    assert await stored_counts(stack) == before


# --- limits and origins ---------------------------------------------------------------


async def test_a_burst_of_messages_is_rate_limited_and_the_socket_recovers(chats):
    chat = chats("alpenhof")
    await chat.connect()
    await chat.session()
    sent = 20
    for _ in range(sent):
        # a few per long-polling POST (engine.io refuses a POST of more than 16 packets)
        await chat.sio.emit("user_uttered", {"message": "/start"})
        await asyncio.sleep(0.02)
    events: list[tuple[str, Any]] = []
    while True:  # until nothing more arrives: the processed ones answer, the rest are refused
        try:
            events.append(await chat.next(5 if events else TIMEOUT))
        except TimeoutError:
            break
    limited = [e for e in events if e == ("rapport_error", {"error": "rate_limited"})]
    assert all(name == "bot_uttered" for name, _ in events if (name, _) not in limited), events
    # 5 in the burst (one more if the 20 emits took over 2 s: 0.5 tokens per second)
    assert sent - SOCKET_BURST - 1 <= len(limited) <= sent - SOCKET_BURST
    # the processed ones: the first /start greets and asks, a repeated one asks again
    assert len(events) - len(limited) == 2 + (sent - len(limited) - 1)
    assert chat.sio.connected
    await asyncio.sleep(2.5)  # a token is back
    assert await chat.say("4", 1) == [q("de", "alpenhof", "room")]


async def test_own_and_allowed_origins_connect_others_are_refused(stack, chats):
    for origin in (base_url(stack), THIRD_PARTY_ORIGIN):
        chat = chats("alpenhof")
        await chat.connect(headers={"Origin": origin})
        assert (await chat.session())["resumed"] is False
    for origin in ("http://evil.example", THIRD_PARTY_ORIGIN + "0", "null"):
        chat = chats("alpenhof")
        with pytest.raises(socketio.exceptions.ConnectionError):
            await chat.connect(headers={"Origin": origin})
        assert not chat.sio.connected


async def test_session_requests_are_rate_limited_per_socket(stack, chats):
    """A socket that asks for sessions in a loop gets SOCKET_SESSIONS_PER_MIN of them,
    then a clear `rate_limited` answer (no exception, no session), and stays usable."""
    chat = chats("alpenhof")
    await chat.connect()
    first = await chat.session()
    for _ in range(SOCKET_SESSIONS - 1):
        await chat.session(first["token"])
    for payload in ({"token": first["token"]}, {"token": None}):
        assert await chat.error(payload, event="session_request") == "rate_limited"
    assert chat.sio.connected
    # the session it has keeps working
    replies = await chat.say("/start", 2)
    assert replies[-1] == q("de", "alpenhof", "overall")


@asynccontextmanager
async def ip_budget_spent(stack, limit: str, ip: str):
    """Play the other workers: the shared per-IP bucket of `ip` in Redis is spent for
    the next 90 s (GCRA: the bucket is full again at the stored instant, in µs of
    Redis's clock, bot/inbox/ratelimit.py); removed on exit."""
    client = redis_asyncio.from_url(stack.settings.effective_redis_url.value)
    secret = stack.settings.guest_key.value.encode()
    key = SharedRateLimiter(lambda: client, f"webchat.{limit}", 1, 1, secret=secret).key(ip)
    seconds, micros = await client.time()
    await client.set(key, str((seconds + 150) * 1_000_000 + micros), px=150_000)
    try:
        yield
    finally:
        await client.delete(key)
        await client.close()


async def test_messages_over_the_shared_per_ip_budget_are_refused(stack, chats):
    """The per-IP budget lives in Redis: what other workers used counts here. A burst
    from an IP whose budget is spent is refused message by message, nothing is stored,
    the socket stays; other IPs are not affected; a refilled budget lets it talk."""
    chat = chats("alpenhof", client_ip=OTHER_IP)
    await chat.connect()
    await chat.session()
    async with ip_budget_spent(stack, "ip_messages", OTHER_IP):
        for _ in range(3):
            await chat.sio.emit("user_uttered", {"message": "/start"})
        assert [await chat.next(10) for _ in range(3)] == [("rapport_error", {"error": "rate_limited"})] * 3
        await chat.assert_quiet(0.5)
        assert chat.sio.connected
        assert await stored_for(stack, "alpenhof", chat.ref) == ({}, 0)
        neighbour = chats("alpenhof")  # 127.0.0.1
        await started(neighbour)
    replies = await chat.say("/start", 2)
    assert replies[-1] == q("de", "alpenhof", "overall")


async def test_connects_and_sessions_over_the_shared_per_ip_budget_are_refused(stack, chats):
    async with ip_budget_spent(stack, "ip_connects", OTHER_IP):
        assert await chats("alpenhof", client_ip=OTHER_IP).refused() == "rate_limited"
        await chats("alpenhof").connect()  # 127.0.0.1 is another budget
    chat = chats("alpenhof", client_ip=OTHER_IP)
    await chat.connect()
    async with ip_budget_spent(stack, "ip_sessions", OTHER_IP):
        assert await chat.error({"token": None}, event="session_request") == "rate_limited"
    assert (await chat.session())["resumed"] is False


@pytest.mark.parametrize("tenant, other", [("alpenhof", "laguna"), ("laguna", "alpenhof")])
async def test_a_hotels_origin_opens_sessions_with_its_own_widget_key_only(stack, chats, tenant, other):
    """widget_origins in config/tenants.yml: hotel A's page may use A's key, not B's."""
    origin = TENANT_ORIGINS[tenant]
    chat = chats(tenant)
    await chat.connect(headers={"Origin": origin})
    assert (await chat.session())["resumed"] is False
    intruder = chats(other)
    assert await intruder.refused(headers={"Origin": origin}) == "origin_not_allowed"
    # the global allow-list (RAPPORT_WEBCHAT_ORIGINS) and the own origin stay valid for both
    for key_tenant in (tenant, other):
        for allowed in (THIRD_PARTY_ORIGIN, base_url(stack)):
            ok = chats(key_tenant)
            await ok.connect(headers={"Origin": allowed})
            assert (await ok.session())["resumed"] is False


# --- demo pages and static files -----------------------------------------------------------


async def _get(stack, path: str) -> tuple[int, str, str, Any]:
    async with aiohttp.ClientSession() as session:
        async with session.get(base_url(stack) + path, timeout=aiohttp.ClientTimeout(total=20)) as r:
            return r.status, r.headers.get("Content-Type", ""), await r.text(), r.headers


async def test_demo_index_links_every_tenant(stack):
    status, ctype, body, _ = await _get(stack, "/webhooks/webchat/")
    assert status == 200 and ctype.startswith("text/html")
    for tenant, name in HOTELS.items():
        assert f'href="/webhooks/webchat/demo/{KEYS[tenant]}"' in body
        assert name in body


@pytest.mark.parametrize("tenant", sorted(HOTELS))
async def test_demo_page_mounts_the_widget(stack, tenant):
    status, ctype, body, _ = await _get(stack, f"/webhooks/webchat/demo/{KEYS[tenant]}")
    assert status == 200 and ctype.startswith("text/html")
    assert f'data-widget-key="{KEYS[tenant]}"' in body
    assert f"<h1>{HOTELS[tenant]}</h1>" in body
    for src in ("socket.io.min.js", "widget.js"):
        assert f'<script src="/webhooks/webchat/static/{src}"></script>' in body


@pytest.mark.parametrize("key", ["wk_nope", "alpenhof", "wk_demo_alpenhof%3Cscript%3E"])
async def test_demo_page_of_unknown_widget_key_is_404(stack, key):
    status, ctype, body, _ = await _get(stack, f"/webhooks/webchat/demo/{key}")
    assert status == 404 and ctype.startswith("application/json")
    assert "<script>" not in body


@pytest.mark.parametrize(
    "name, content_type, marker",
    [
        ("widget.js", "application/javascript", "rapport-chat"),
        ("widget.css", "text/css", "rapport"),
        ("embed.js", "application/javascript", "data-widget-key"),
        ("socket.io.min.js", "application/javascript", "socket.io"),
        ("socket.io.embed.js", "application/javascript", "t.RapportIo=n()"),
    ],
)
async def test_static_files_are_served_with_their_content_type(stack, name, content_type, marker):
    status, ctype, body, headers = await _get(stack, f"/webhooks/webchat/static/{name}")
    assert status == 200
    assert ctype.split(";")[0].strip() == content_type
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert marker in body


@pytest.mark.parametrize(
    "name", ["nope.js", "widget.JS", "vendor", "..%2F..%2Fconfig.yml", "%2E%2E%2Fcredentials.yml"]
)
async def test_unknown_static_file_is_404(stack, name):
    status, _, body, _ = await _get(stack, f"/webhooks/webchat/static/{name}")
    assert status == 404
    assert "tenants" not in body and "rest.RestChannel" not in body


async def _dsr_requests(stack, tenant: str, ref: str) -> int:
    client = mongo(stack)
    try:
        return await tenant_db(stack, client, tenant).dsr_requests.count_documents({"guest_ref": ref})
    finally:
        client.close()


@pytest.mark.parametrize("text", ["/dsr_erasure", " /request_human", '/dsr_restriction{"x": 1}'])
async def test_guest_text_starting_with_a_slash_is_not_an_intent(stack, chats, text):
    """Only the widget's own /start reaches Rasa as an intent payload."""
    chat = chats("alpenhof")
    await started(chat, locale="en", lang="en")
    await chat.say(text, 1)
    await asyncio.sleep(0.5)  # any second reply
    sender = make_sender("alpenhof", session_id(chat.token))
    parsed = await last_user_parse(stack, sender)
    assert len(parsed["intent_ranking"]) > 1, "the NLU pipeline classified it"
    assert as_written(parsed["text"]) == text.strip()
    assert await _dsr_requests(stack, "alpenhof", chat.ref) == 0


async def test_the_widget_start_is_still_an_intent(stack, chats):
    chat = chats("alpenhof")
    await started(chat)
    parsed = await last_user_parse(stack, make_sender("alpenhof", session_id(chat.token)))
    assert parsed["intent"]["name"] == "start" and parsed["text"] == "/start"


async def test_deeply_nested_payload_is_dropped_and_the_socket_still_works(stack, chats):
    chat = chats("alpenhof")
    await started(chat)
    depth = 20_000  # within the 64 kB packet limit, far beyond Python's recursion limit
    await chat.sio.eio.send('2["user_uttered",{"message":' + "[" * depth + "]" * depth + "}]")
    await asyncio.sleep(1)
    assert chat.sio.connected
    assert await chat.say("4", 1) == [q("de", "alpenhof", "room")]
