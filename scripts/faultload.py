"""Load under faults, and the reconciliation after it (issue 14, parts 3, 5 and 6).

Shared by scripts/bench_faults.py, scripts/soak.py, scripts/bench_scale.py and
tests/cluster/test_faults.py. Talks to a running `bot.cluster.Cluster` (or anything with
the same attributes: `settings`, `proxy_url`, `rasa_urls`, `fake_twilio`) the way the
outside world does:

- SMS guests post Twilio's incoming-message form to the proxy's
  /webhooks/sms/inbound, signed with the fake Twilio's auth token over the configured
  public URL (twilio's RequestValidator, as tests/stack/test_sms.py signs). A delivery
  that is not answered 2xx (a 502 from the proxy while a replica dies, a 503 while
  MongoDB restarts, a reset connection) is delivered again with the same MessageSid and
  signature, as Twilio retries: inbound is at least once. A guest waits for the bot's
  reply (counted at the Twilio stand-in) before writing again, up to `reply_wait`.
- REST guests post to /webhooks/rest/webhook with a `message_id` per message and
  retry a failure with the same id (at least once; §1 makes the effect exactly once).
- One guest in `escalate_every` asks for a person: its conversation must end waiting
  for staff (or taken), its last message held for staff (no bot reply).

Reconciliation, per guest, after the load has drained:

- turned: the user events in the guest's Rasa tracker (Redis, the key
  bot/base/refs.tracker_key gives). Rasa appends exactly one `user` event per turn it
  ran and the tracker store keeps every event of a conversation, so it is the record of
  which turns ran; their texts, in order, must equal the texts of the acknowledged
  messages in the order the guest sent them (a turn run twice shows up as a repeated
  text, a lost one as a gap). Unacknowledged messages (every delivery failed) may or
  may not have turned; they are listed apart, never counted as lost.
- replies: SMS the Twilio stand-in recorded to the guest's number (one per turn: the
  replies of one turn are sent as one SMS of up to 3 segments); more than the turns
  that should answer is a duplicate, fewer is a lost reply.
- answers: `ratings` documents of kind `rating` with the guest's reference: one per
  acknowledged rating message (the scripts answer one question per message).
- escalations: the escalating guests' `handovers` document in `waiting_for_staff` or
  `with_staff`.

No personal data is written anywhere but to the stack under test: numbers are random
+49151 numbers, texts are the fixed scripts.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import random
import secrets
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from motor.motor_asyncio import AsyncIOMotorClient
from twilio.request_validator import RequestValidator

from bot.base.names import HANDOVERS, RATINGS, SMS_INBOUND
from bot.base.refs import channel_guest_id, guest_ref, make_sender, tracker_key
from bot.base.states import Channel, HandoverState
from bot.inbox.text import clean_text, guest_text
from bot.outbox.segments import segment_count
from bot.stack import fake_twilio_for

TENANT = "alpenhof"
HOTEL_NUMBER = "+49882112345"  # alpenhof's SMS number in config/tenants.yml
HELLO = "Hello, I would like to give feedback"
# (text, the bot answers it, it is a rating)
FEEDBACK = [(HELLO, True, False), ("4", True, True), ("5", True, True), ("3", True, True), ("4", True, True)]
ESCALATE = [
    (HELLO, True, False),
    ("I would like to talk to a person please", True, False),
    ("The shower was cold and nobody came", False, False),  # held for staff
]
RETRIES = 6  # deliveries of one message (Twilio retries a failed webhook; so does our REST client)


def pct(values: list[float], q: float) -> float:
    """The q-quantile in milliseconds (nearest rank), NaN for no values."""
    if not values:
        return float("nan")
    values = sorted(values)
    return 1000 * values[min(len(values) - 1, int(q * (len(values) - 1) + 0.5))]


@dataclass
class Sent:
    text: str
    expects_reply: bool
    rating: bool
    acked: bool = False
    deliveries: int = 0
    statuses: list[int] = field(default_factory=list)
    started: float = 0.0
    answered: float | None = None  # REST: the response; SMS: the reply seen at the stand-in


@dataclass
class GuestLog:
    channel: str  # "sms" | "rest"
    address: str  # the phone number (SMS) or the REST sender id
    escalating: bool
    sent: list[Sent] = field(default_factory=list)
    rest_replies: int = 0

    def sender_id(self, key: Any) -> str:
        if self.channel == Channel.SMS:
            return make_sender(TENANT, channel_guest_id(key, TENANT, Channel.SMS, self.address))
        return make_sender(TENANT, self.address)

    def guest_ref(self, key: Any) -> str:
        return guest_ref(key, TENANT, self.sender_id(key).split("~", 1)[1])


def reply_groups(bodies: list[str], max_segments: int) -> int:
    """How many replies `bodies` (the SMS to one number, in order) are: the outbox splits a
    reply longer than `max_segments` segments into parts (bot/outbox/segments.py), so two
    consecutive SMS are parts of one reply when together they would not have fitted."""
    groups = 0
    for i, body in enumerate(bodies):
        if i == 0 or segment_count(bodies[i - 1] + " " + body) <= max_segments:
            groups += 1
    return groups


class Replies:
    """The Twilio stand-in's record of outbound SMS, polled by one task for every guest."""

    def __init__(
        self, session: aiohttp.ClientSession, base_url: str, max_segments: int, every: float = 0.25
    ) -> None:
        self.session, self.base_url, self.every = session, base_url, every
        self.max_segments = max_segments
        self.bodies: dict[str, list[str]] = {}
        self.count: dict[str, int] = {}
        self.messages: list[dict] = []
        self.changed = asyncio.Condition()
        self._task: asyncio.Task | None = None

    async def refresh(self) -> None:
        async with self.session.get(self.base_url + "/_fake/messages") as r:
            messages = await r.json()
        bodies: dict[str, list[str]] = {}
        for m in messages:
            bodies.setdefault(m.get("to", ""), []).append(m.get("body") or "")
        count = {to: reply_groups(b, self.max_segments) for to, b in bodies.items()}
        async with self.changed:
            self.messages, self.count, self.bodies = messages, count, bodies
            self.changed.notify_all()

    async def _poll(self) -> None:
        while True:
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                await self.refresh()
            await asyncio.sleep(self.every)

    def start(self) -> None:
        self._task = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.refresh()

    async def wait_for(self, number: str, count: int, timeout: float) -> bool:
        async with self.changed:
            try:
                await asyncio.wait_for(
                    self.changed.wait_for(lambda: self.count.get(number, 0) >= count), timeout
                )
            except TimeoutError:
                return False
        return True


class Pacer:
    """At most `rate` messages per second over all guests (open loop); None: no pacing."""

    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self.next = time.monotonic()

    async def wait(self) -> None:
        if not self.rate:
            return
        now = time.monotonic()
        self.next = max(self.next + 1 / self.rate, now)
        await asyncio.sleep(self.next - now)


@dataclass
class LoadConfig:
    sms_guests: int = 12
    rest_guests: int = 4
    escalate_every: int = 5  # every n-th SMS conversation asks for a person
    think: float = 0.3  # seconds a guest waits after a reply before writing again
    reply_wait: float = 60.0  # longest an SMS guest waits for a reply before writing on
    rate: float | None = None  # messages per second over all guests (soak), else closed loop
    rest_via_proxy: bool = True


class Load:
    """Guests over SMS and REST until `stop()`; every message and its outcome in `guests`."""

    def __init__(self, cluster: Any, config: LoadConfig) -> None:
        self.cluster, self.config = cluster, config
        s = cluster.settings
        fake = getattr(cluster, "fake_twilio", None) or fake_twilio_for(s)
        self.fake = fake
        self.sign_url = s.public_url.rstrip("/") + "/webhooks/sms/inbound"
        self.post_url = cluster.proxy_url.rstrip("/") + "/webhooks/sms/inbound"
        self.validator = RequestValidator(fake.auth_token)
        bases = [cluster.proxy_url] if config.rest_via_proxy else list(cluster.rasa_urls)
        self.rest_urls = [b.rstrip("/") + "/webhooks/rest/webhook" for b in bases]
        self.guests: list[GuestLog] = []
        self.rest_latencies: list[tuple[float, float]] = []  # (when, seconds)
        self.sms_latencies: list[tuple[float, float]] = []  # (when, ack -> reply seconds)
        self.ack_latencies: list[tuple[float, float]] = []
        self.errors: list[tuple[float, str]] = []  # (when, what): every failed delivery
        self.pacer = Pacer(config.rate)
        self._stop = asyncio.Event()
        self._conversations = itertools.count()
        self._tasks: list[asyncio.Task] = []
        self.session: aiohttp.ClientSession | None = None
        self.replies: Replies | None = None

    async def __aenter__(self) -> "Load":
        n = self.config.sms_guests + self.config.rest_guests
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=4 * n + 8), timeout=aiohttp.ClientTimeout(total=90)
        )
        self.replies = Replies(self.session, self.fake.base_url, self.cluster.settings.sms_max_segments)
        await self.replies.refresh()
        self.replies.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop()
        await self.finish()
        if self.replies is not None:
            await self.replies.stop()
        if self.session is not None:
            await self.session.close()

    def start(self) -> None:
        for i in range(self.config.sms_guests):
            self._tasks.append(asyncio.create_task(self._sms_loop(i)))
        for i in range(self.config.rest_guests):
            self._tasks.append(asyncio.create_task(self._rest_loop(i)))

    def stop(self) -> None:
        """No new message after the ones in flight (their retries still run)."""
        self._stop.set()

    async def finish(self, timeout: float = 240) -> None:
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=timeout)

    # --- SMS --------------------------------------------------------------------------

    async def _sms_loop(self, slot: int) -> None:
        while not self._stop.is_set():
            n = next(self._conversations)
            escalating = self.config.escalate_every > 0 and n % self.config.escalate_every == 0
            guest = GuestLog(Channel.SMS, "+49151" + str(secrets.randbelow(10**8)).zfill(8), escalating)
            self.guests.append(guest)
            await self._sms_conversation(guest, ESCALATE if escalating else FEEDBACK)

    async def _sms_conversation(self, guest: GuestLog, script: list[tuple[str, bool, bool]]) -> None:
        assert self.replies is not None
        expected = self.replies.count.get(guest.address, 0)
        for text, expects_reply, rating in script:
            if self._stop.is_set():
                return
            await self.pacer.wait()
            msg = Sent(text, expects_reply, rating, started=time.monotonic())
            guest.sent.append(msg)
            await self._deliver_sms(guest, msg)
            if not msg.acked:
                return  # every delivery failed: the guest gives up this conversation
            if expects_reply:
                expected += 1
                if await self.replies.wait_for(guest.address, expected, self.config.reply_wait):
                    msg.answered = time.monotonic()
                    self.sms_latencies.append((msg.answered, msg.answered - msg.started))
            await asyncio.sleep(self.config.think * random.uniform(0.5, 1.5))

    async def _deliver_sms(self, guest: GuestLog, msg: Sent) -> None:
        assert self.session is not None
        form = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": self.fake.account_sid,
            "From": guest.address,
            "To": HOTEL_NUMBER,
            "Body": msg.text,
            "NumMedia": "0",
        }
        headers = {"X-Twilio-Signature": self.validator.compute_signature(self.sign_url, form)}
        for attempt in range(RETRIES):
            msg.deliveries += 1
            t = time.monotonic()
            try:
                async with self.session.post(self.post_url, data=form, headers=headers) as r:
                    await r.read()
                    msg.statuses.append(r.status)
                    if 200 <= r.status < 300:
                        msg.acked = True
                        self.ack_latencies.append((time.monotonic(), time.monotonic() - t))
                        msg.started = time.monotonic()
                        return
                    self.errors.append((time.monotonic(), f"sms {r.status}"))
            except (TimeoutError, aiohttp.ClientError) as e:
                msg.statuses.append(0)
                self.errors.append((time.monotonic(), f"sms {type(e).__name__}"))
            await asyncio.sleep(min(8.0, 0.5 * 2**attempt))

    # --- REST -------------------------------------------------------------------------

    async def _rest_loop(self, slot: int) -> None:
        while not self._stop.is_set():
            guest = GuestLog(Channel.REST, f"load-{uuid.uuid4().hex[:16]}", False)
            self.guests.append(guest)
            for text, _reply, rating in FEEDBACK:
                if self._stop.is_set():
                    break
                await self.pacer.wait()
                msg = Sent(text, True, rating, started=time.monotonic())
                guest.sent.append(msg)
                replies = await self._deliver_rest(guest, msg, slot)
                if replies is None:
                    break
                guest.rest_replies += replies
                await asyncio.sleep(self.config.think * random.uniform(0.5, 1.5))

    async def _deliver_rest(self, guest: GuestLog, msg: Sent, slot: int) -> int | None:
        assert self.session is not None
        body = {
            "sender": guest.address,
            "message": msg.text,
            "message_id": uuid.uuid4().hex,
            "metadata": {"tenant": TENANT, "locale": "en"},
        }
        urls = itertools.islice(itertools.cycle(self.rest_urls), slot, None)
        for attempt in range(RETRIES):
            url = next(urls)
            msg.deliveries += 1
            t = time.monotonic()
            try:
                async with self.session.post(url, json=body) as r:
                    payload = await r.read()
                    msg.statuses.append(r.status)
                    if r.status == 200:
                        msg.acked = True
                        msg.answered = time.monotonic()
                        self.rest_latencies.append((msg.answered, msg.answered - t))
                        try:  # one reply per turn, however many texts it holds
                            return int(any(m.get("text") for m in json.loads(payload)))
                        except (ValueError, AttributeError, TypeError):
                            return 0
                    self.errors.append((time.monotonic(), f"rest {r.status}"))
            except (TimeoutError, aiohttp.ClientError) as e:
                msg.statuses.append(0)
                self.errors.append((time.monotonic(), f"rest {type(e).__name__}"))
            await asyncio.sleep(min(8.0, 0.5 * 2**attempt))
        return None


# --- draining and reconciling -----------------------------------------------------------


def _mongo(cluster: Any) -> AsyncIOMotorClient:
    return AsyncIOMotorClient(cluster.settings.effective_mongodb_url.value, serverSelectionTimeoutMS=5000)


async def pending_turns(cluster: Any) -> int:
    client = _mongo(cluster)
    try:
        db = client[cluster.settings.db_prefix + TENANT]
        return await db[SMS_INBOUND].count_documents({"state": "pending"})
    finally:
        client.close()


async def drain(load: Load, timeout: float = 180, progress: Callable[[str], None] = print) -> float:
    """Wait until no SMS turn is pending and every guest's conversation has ended (its
    retries and reply waits done); seconds it took."""
    t0 = time.monotonic()
    await load.finish(timeout)
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        try:
            if await pending_turns(load.cluster) == 0:
                break
        except Exception as e:  # noqa: BLE001 - MongoDB may still be coming back
            progress(f"drain: {type(e).__name__}")
        await asyncio.sleep(1)
    await asyncio.sleep(2)  # the last replies reach the stand-in
    if load.replies is not None:
        await load.replies.refresh()
    return time.monotonic() - t0


async def _trackers(cluster: Any, guests: list[GuestLog]) -> dict[str, list[str]]:
    """Each guest's user texts, in order, from its Rasa tracker."""
    s = cluster.settings
    key = s.guest_key.value.encode()
    r = aioredis.from_url(s.effective_redis_url.value, decode_responses=True)
    out: dict[str, list[str]] = {}
    try:
        for g in guests:
            stored = await r.get(tracker_key(key, g.sender_id(s.guest_key)))
            events = json.loads(stored)["events"] if stored else []
            out[g.address] = [e.get("text") or "" for e in events if e.get("event") == "user"]
    finally:
        await r.close()
    return out


def _expected_text(g: GuestLog, text: str) -> str:
    return guest_text(clean_text(text)) if g.channel == Channel.REST else guest_text(text)


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


async def reconcile(load: Load) -> dict[str, Any]:
    """The figures of one run and every discrepancy, per guest (see the module's doc)."""
    cluster = load.cluster
    s = cluster.settings
    guests = [g for g in load.guests if g.sent]
    trackers = await _trackers(cluster, guests)
    client = _mongo(cluster)
    db = client[s.db_prefix + TENANT]
    refs = {g.address: g.guest_ref(s.guest_key) for g in guests}
    ratings: dict[str, int] = {}
    handovers: dict[str, str] = {}
    try:
        async for d in db[RATINGS].find({"guest_ref": {"$in": list(refs.values())}, "kind": "rating"}):
            ratings[d["guest_ref"]] = ratings.get(d["guest_ref"], 0) + 1
        async for d in db[HANDOVERS].find({"guest_ref": {"$in": list(refs.values())}}):
            handovers[d["guest_ref"]] = d.get("state", "")
    finally:
        client.close()
    replies = load.replies.count if load.replies is not None else {}
    f = dict.fromkeys(
        (
            "sent", "acknowledged", "unacknowledged", "turned", "turns_duplicated", "turns_lost",
            "out_of_order", "replies", "replies_expected", "replies_duplicated", "replies_lost",
            "answers_expected", "answers_stored", "answers_lost", "escalations", "escalations_ok",
            "deliveries", "replies_identical", "answers_extra",
        ),
        0,
    )  # fmt: skip
    problems: list[str] = []
    for g in guests:
        acked = [m for m in g.sent if m.acked]
        unacked = [m for m in g.sent if not m.acked]
        f["sent"] += len(g.sent)
        f["acknowledged"] += len(acked)
        f["unacknowledged"] += len(unacked)
        f["deliveries"] += sum(m.deliveries for m in g.sent)
        turned = trackers.get(g.address, [])
        want = [_expected_text(g, m.text) for m in acked]
        f["turned"] += len(turned)
        # an unacknowledged message may have turned (all its deliveries failed after the
        # turn began): allowed, not required
        duplicated = max(0, len(turned) - len(want) - len(unacked))
        if duplicated:
            f["turns_duplicated"] += duplicated
            problems.append(f"{g.channel} guest {g.address[-6:]}: {len(turned)} turns for {len(want)} acked")
        if not _is_subsequence(want, turned):
            lost = max(0, len(want) - len(turned))
            f["turns_lost"] += lost
            f["out_of_order"] += 0 if lost else 1
            problems.append(f"{g.channel} guest {g.address[-6:]}: turns {turned} vs acked {want}")
        ref = refs[g.address]
        answers_expected = sum(1 for m in acked if m.rating)
        f["answers_expected"] += answers_expected
        f["answers_stored"] += ratings.get(ref, 0)
        if ratings.get(ref, 0) > answers_expected:  # a turn ran twice and took the next question
            f["answers_extra"] += ratings.get(ref, 0) - answers_expected
            problems.append(
                f"{g.channel} guest {g.address[-6:]}: {ratings.get(ref, 0)} answers for {answers_expected}"
            )
        if ratings.get(ref, 0) < answers_expected:
            f["answers_lost"] += answers_expected - ratings.get(ref, 0)
            problems.append(
                f"{g.channel} guest {g.address[-6:]}: {ratings.get(ref, 0)}/{answers_expected} answers"
            )
        if g.channel == Channel.SMS:
            got, exp = replies.get(g.address, 0), sum(1 for m in acked if m.expects_reply)
            bodies = load.replies.bodies.get(g.address, []) if load.replies is not None else []
            repeated = len(bodies) - len(set(bodies))  # the scripts never ask the same thing twice
            if repeated:
                f["replies_identical"] += repeated
                problems.append(f"sms guest {g.address[-6:]}: {repeated} SMS sent twice with the same text")
            f["replies"] += got
            f["replies_expected"] += exp
            if got > exp:
                f["replies_duplicated"] += got - exp
                problems.append(f"sms guest {g.address[-6:]}: {got} replies for {exp}")
            elif got < exp:
                f["replies_lost"] += exp - got
                problems.append(f"sms guest {g.address[-6:]}: {got} replies for {exp}")
        else:
            f["replies"] += g.rest_replies
            f["replies_expected"] += sum(1 for m in acked if m.expects_reply)
        if g.escalating and len(acked) >= 2:
            f["escalations"] += 1
            if handovers.get(ref) in (HandoverState.WAITING, HandoverState.WITH_STAFF):
                f["escalations_ok"] += 1
            else:
                problems.append(f"sms guest {g.address[-6:]}: escalation state {handovers.get(ref)!r}")
    f["guests"] = len(guests)
    f["errors"] = len(load.errors)
    f["problems"] = problems
    return f


# --- processes --------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` and its descendants, in MB (0 when gone)."""
    from bench import rss_mb as rss_of  # scripts/bench.py: the same /proc walk as make bench's figures

    return rss_of([pid])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of `pid` (not its children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def process_pids(cluster: Any) -> dict[str, int]:
    """Every process of the cluster by name, the embedded stores included."""
    out = {}
    for name in cluster.names():
        try:
            out[name] = cluster.pid(name)
        except (KeyError, LookupError):
            continue
    stack = getattr(cluster, "_stack", None) or getattr(cluster, "stack", None)
    for child in getattr(stack, "children", []):
        if child.name in ("redis", "mongo"):
            out[child.name] = child.process.pid
    return out


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


class StackCluster:
    """A one-replica `bot.stack.Stack` behind the `Cluster` interface (rasa-0, actions-0,
    jobs-0, console; no proxy: `proxy_url` is the Rasa server), for running these
    scripts where HAProxy is missing or before the cluster exists (`--stack`)."""

    NAMES = {"rasa-0": "rasa", "actions-0": "actions", "jobs-0": "jobs", "console": "console"}

    def __init__(self, settings: Any, progress: Callable[[str], None] = print) -> None:
        from bot.stack import Stack

        self.stack = Stack(settings, progress=progress)
        self.settings = settings

    def start(self, *, train: bool = True) -> "StackCluster":
        self.stack.start(train=train)
        s = self.settings
        self.proxy_url = f"http://{s.host}:{s.rasa_port}"
        self.rasa_urls = [self.proxy_url]
        self.action_urls = [f"http://{s.host}:{s.action_port}"]
        self.console_url = s.console_url
        self.fake_twilio = self.stack.fake_twilio
        return self

    def stop(self) -> None:
        self.stack.stop()

    def names(self) -> list[str]:
        return list(self.NAMES)

    def _child(self, name: str) -> Any:
        inner = self.NAMES.get(name, name)
        return next(c for c in self.stack.children if c.name == inner)

    def pid(self, name: str) -> int:
        return self._child(name).process.pid

    def kill9(self, name: str) -> None:
        import signal

        child = self._child(name)
        os.killpg(child.process.pid, signal.SIGKILL)
        child.process.wait(timeout=10)

    def restart(self, name: str) -> None:
        from bot import stack as st

        child = self._child(name)
        if child.process.poll() is None:
            child.stop()
        index = self.stack.children.index(child)
        self.stack.children.remove(child)
        s = self.settings
        if child.name == "jobs":
            log = self.stack.logs_dir / "jobs.log"
            offset = log.stat().st_size
            new = self.stack._spawn(child.name, list(child.process.args))
            check = st._log_says(log, offset, "jobs running:")
        else:
            new = self.stack._spawn(child.name, list(child.process.args))
            url = {
                "rasa": f"http://{s.host}:{s.rasa_port}/webhooks/rest/",
                "actions": f"http://{s.host}:{s.action_port}/health",
                "console": f"http://{s.host}:{s.console_port}/healthz",
            }[child.name]
            check = st._http_ok(url)
        st._wait(check, new, child.name, 180)
        self.stack.children.insert(index, self.stack.children.pop())

    def _restart_store(self, inner: str) -> None:
        child = next(c for c in self.stack.children if c.name == inner)
        child.stop()
        index = self.stack.children.index(child)
        self.stack.children.remove(child)
        start = {"redis": self.stack._start_redis, "mongo": self.stack._start_mongo}[inner]
        start(lambda m: None)
        self.stack.children.insert(index, self.stack.children.pop())

    def restart_redis(self) -> None:
        self._restart_store("redis")

    def restart_mongo(self) -> None:
        self._restart_store("mongo")
