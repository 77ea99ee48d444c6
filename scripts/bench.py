"""Benchmark: Rapport's full stack against the stock `rasa init` bot, same machine, same run.

    make bench            (or: .venv/bin/python scripts/bench.py --seconds 20)

For each system it prints seconds from start command to ready, turns/s and p50/p95
latency through the REST channel with 1 and with 10 concurrent guests on two scripts
(its own 5-turn conversation, and MIXED_SCRIPTS: five 7-turn conversations in five
languages with full-sentence comments; the stock bot gets the same texts), the ratio to
the stock bot on each, the CPU milliseconds per turn of every process at 10 guests (from
/proc/<pid>/stat, net of what each uses idle), and the resident memory of all its
processes. `--turns-only` stops there. `--ab OLD_TREE` compares another checkout's stack
(e.g. a `git worktree` of main) with this one instead: both run at once and the 10-guest
rounds alternate between them (A B, B A, ...), medians printed. Rapport's turns run the
whole pipeline: NLU, the authenticated action call, the MongoDB writes. For Rapport
alone it also measures the channel webhooks' acknowledgement (`--channels-only`) and
the time from a held guest's message to 20 open staff consoles (`--console-only`; no
stock figure: the stock bot has no console), and erasing one guest / offboarding a
tenant with 100,000 ratings (`--privacy-only`, scripts/bench_privacy.py). The stock bot
is created with `rasa init --no-prompt` once and cached under .var/bench/stock.
Not part of the test run: figures on a 2-core machine are noisy, so medians over
repeated rounds are reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))  # bench_privacy beside this file, also when imported
from bench_privacy import privacy_load  # noqa: E402

from bot.base.names import HANDOVERS  # noqa: E402
from bot.base.settings import Settings  # noqa: E402
from bot.base.states import HandoverState  # noqa: E402
from bot.privacy.stores import PrivacyContext  # noqa: E402
from bot.stack import BIN, QUIET_ENV, Stack, isolated_env, pick_free_port, train_if_needed  # noqa: E402

OUR_SCRIPT = ["Hello, I would like to give feedback", "4", "room 5, breakfast 4", "3", "4"]
STOCK_SCRIPT = ["hello", "I am feeling great", "yes", "goodbye", "hi"]
# Real guests (issue 14): five 7-turn conversations, one per language, with full-sentence
# comments and mixed ratings, so turns store comments, run the analyser and escalate low
# scores; guest i starts with conversation i and goes round. The stock bot gets the same
# texts for its "mixed" row.
MIXED_SCRIPTS = [
    ["Bonjour", "4, la chambre était calme mais la douche était froide", "Le personnel était adorable, merci",
     "3", "5", "Le petit-déjeuner manquait de fruits frais", "9"],
    ["Guten Morgen", "Das Zimmer war sauber und ruhig, 5 Sterne", "4", "Das Personal war sehr freundlich",
     "Frühstück 2, die Eier waren kalt", "Alles gut", "8"],
    ["Hi there", "The room was lovely and quiet, 5", "4", "staff were great", "breakfast was cold, 2",
     "Wifi kept dropping in the evening", "7"],
    ["Hola", "La habitación estaba bien, 4", "La limpieza perfecta", "5", "El desayuno fue escaso y caro",
     "Nada más, gracias", "8"],
    ["Buongiorno", "Camera 4, un po' rumorosa la notte", "pulizia ottima", "5", "colazione 3, poca scelta",
     "Il parcheggio era troppo caro", "7"],
]  # fmt: skip
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def descendants(pids: list[int]) -> list[int]:
    """The given processes and all their descendants."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    todo, seen = list(pids), []
    while todo:
        pid = todo.pop()
        if pid not in seen:
            seen.append(pid)
            todo.extend(children.get(pid, []))
    return seen


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds so far of these processes (from /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / CLOCK_TICKS


def rss_mb(pids: list[int]) -> float:
    """Resident memory of the given processes and all their descendants."""
    total_kb = 0
    for pid in descendants(pids):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            pass
    return total_kb / 1024


async def converse(session, url, script, metadata, latencies) -> None:
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    for text in script:
        body = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        t = time.perf_counter()
        async with session.post(url, json=body) as r:
            await r.read()
            if r.status != 200:
                raise RuntimeError(f"status {r.status}")
        latencies.append(time.perf_counter() - t)


async def load(url, script, metadata, guests: int, seconds: float, processes=None) -> dict:
    """`guests` concurrent guests for `seconds`, each running conversations back to back.
    `script` is one conversation (a list of texts) or several (guest i starts with
    conversation i and goes round). With `processes` ({name: pid}) also the CPU
    milliseconds per turn of each (and its children), less what it uses idle (its
    rate over 3 s just before, times the load's duration): timers and polling are
    not turns, and on a shared machine a slower run would otherwise look costlier."""
    scripts = [script] if isinstance(script[0], str) else script
    latencies: list[float] = []
    trees = {name: descendants([pid]) for name, pid in (processes or {}).items()}
    connector = aiohttp.TCPConnector(limit=guests * 2)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=120)
    ) as session:
        await converse(session, url, scripts[0], metadata, [])  # warm-up
        idle = {name: cpu_seconds(tree) for name, tree in trees.items()}
        idle_started = time.perf_counter()
        if trees:
            await asyncio.sleep(3)
        idle_s = time.perf_counter() - idle_started
        before = {name: cpu_seconds(tree) for name, tree in trees.items()}
        deadline = time.perf_counter() + seconds

        async def guest(i: int) -> None:
            while time.perf_counter() < deadline:
                await converse(session, url, scripts[i % len(scripts)], metadata, latencies)
                i += 1

        started = time.perf_counter()
        await asyncio.gather(*(guest(i) for i in range(guests)))
        wall = time.perf_counter() - started
        after = {name: cpu_seconds(tree) for name, tree in trees.items()}
    latencies.sort()
    out = {
        "turns": len(latencies),
        "turns_per_s": len(latencies) / wall,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
    }
    if trees:
        rate = {name: (before[name] - idle[name]) / idle_s for name in trees}
        out["cpu_ms_per_turn"] = {
            name: 1000 * max(0.0, after[name] - before[name] - rate[name] * wall) / len(latencies)
            for name in trees
        }
    return out


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready after {timeout} s")


def _rounds(url, script, metadata, processes, guests, rounds, seconds) -> dict:
    runs = [asyncio.run(load(url, script, metadata, guests, seconds, processes)) for _ in range(rounds)]
    out = {k: statistics.median(r[k] for r in runs) for k in ("turns_per_s", "p50_ms", "p95_ms")}
    out["turns"] = sum(r["turns"] for r in runs)
    if processes:
        out["cpu_ms_per_turn"] = {
            name: statistics.median(r["cpu_ms_per_turn"][name] for r in runs) for name in processes
        }
    return out


def measure(url, script, metadata, processes: dict[str, int], rounds, seconds, mixed=MIXED_SCRIPTS) -> dict:
    """1 and 10 guests on `script`, then on the mixed five-language script (key "mixed");
    CPU per turn per process at 10 guests."""
    out: dict = {}
    for guests in (1, 10):
        out[guests] = _rounds(
            url, script, metadata, processes if guests == 10 else None, guests, rounds, seconds
        )
    out["mixed"] = {
        guests: _rounds(url, mixed, metadata, processes if guests == 10 else None, guests, rounds, seconds)
        for guests in (1, 10)
    }
    out["rss_mb"] = rss_mb(list(processes.values()))
    return out


async def sms_load(stack: Stack, senders: int = 10, messages: int = 5) -> dict:
    """Webhook acknowledgement latency with `senders` phones at once, every inbound
    message delivered twice (concurrently); then count the replies: each message must
    produce exactly one turn, so duplicates show up as extra replies."""
    import secrets

    from twilio.request_validator import RequestValidator

    fake = stack.fake_twilio
    url = stack.settings.public_url + "/webhooks/sms/inbound"
    validator = RequestValidator(fake.auth_token)
    acks: list[float] = []
    numbers = ["+49151" + str(secrets.randbelow(10**8)).zfill(8) for _ in range(senders)]
    script = ["Hello, I would like to give feedback", "4", "5", "3", "4"][:messages]

    async def phone(session, number) -> None:
        for text in script:
            form = {
                "MessageSid": "SM" + secrets.token_hex(16),
                "AccountSid": fake.account_sid,
                "From": number,
                "To": "+49882112345",
                "Body": text,
                "NumMedia": "0",
            }
            headers = {"X-Twilio-Signature": validator.compute_signature(url, form)}

            async def deliver(form=form, headers=headers) -> None:
                t = time.perf_counter()
                async with session.post(url, data=form, headers=headers) as r:
                    await r.read()
                    assert r.status == 200, r.status
                acks.append(time.perf_counter() - t)

            await asyncio.gather(deliver(), deliver())
            await asyncio.sleep(0.3)  # a guest types; the turn runs after the ack

    async with aiohttp.ClientSession() as session:
        await session.delete(fake.base_url + "/_fake/messages")
        await asyncio.gather(*(phone(session, n) for n in numbers))
        await asyncio.sleep(3)
        async with session.get(fake.base_url + "/_fake/messages") as r:
            sent = await r.json()
    acks.sort()
    # each turn's reply may be split into several SMS; count turns by distinct replies
    by_number: dict[str, int] = {}
    for m in sent:
        by_number[m["to"]] = by_number.get(m["to"], 0) + 1
    return {
        "deliveries": len(acks),
        "ack_p50_ms": 1000 * statistics.median(acks),
        "ack_p95_ms": 1000 * acks[int(0.95 * (len(acks) - 1))],
        "inbound_unique": senders * len(script),
        "sms_sent": len(sent),
        # identical scripts, so every phone must get the same number of SMS; a
        # duplicated turn would show up as one phone getting more
        "sms_per_phone": sorted(set(by_number.values())),
    }


def _ack_figures(acks: list[float]) -> dict:
    acks.sort()
    return {
        "deliveries": len(acks),
        "ack_p50_ms": 1000 * statistics.median(acks),
        "ack_p95_ms": 1000 * acks[int(0.95 * (len(acks) - 1))],
    }


async def _replies_per_guest(session, http_url: str, guests: list[str]) -> list[int]:
    """How many replies each guest address got from the SMTP stand-in (one per turn)."""
    await asyncio.sleep(3)
    async with session.get(http_url + "/_fake/mail") as r:
        sent = await r.json()
    return sorted({sum(1 for m in sent if g in m["rcpt_tos"]) for g in guests})


async def email_load(stack: Stack, senders: int = 10, messages: int = 5) -> dict:
    """The Mailgun webhook as `sms_load` measures SMS: `senders` guests at once, every
    message delivered twice concurrently (same Message-Id, each delivery signed as
    Mailgun signs: HMAC-SHA256 of timestamp + token with the signing key, fresh token)."""
    import hashlib
    import hmac
    import secrets

    fake = stack.fake_email
    url = stack.settings.public_url + "/webhooks/email/mailgun"
    acks: list[float] = []
    guests = [f"bench-{secrets.token_hex(6)}@example.org" for _ in range(senders)]
    script = ["Hello, I would like to give feedback", "4", "5", "3", "4"][:messages]

    def form(guest: str, text: str, message_id: str) -> dict[str, str]:
        ts, token = str(int(time.time())), secrets.token_hex(25)
        sig = hmac.new(fake.signing_key.encode(), (ts + token).encode(), hashlib.sha256).hexdigest()
        return {
            "sender": guest, "from": guest, "recipient": "feedback@alpenhof.example", "subject": "Stay",
            "body-plain": text, "Message-Id": message_id, "timestamp": ts, "token": token, "signature": sig,
        }  # fmt: skip

    async def guest_mail(session, guest) -> None:
        for text in script:
            message_id = f"<{secrets.token_hex(12)}@example.org>"

            async def deliver(text: str = text, message_id: str = message_id) -> None:
                body = form(guest, text, message_id)
                t = time.perf_counter()
                async with session.post(url, data=body) as r:
                    await r.read()
                    assert r.status == 200, r.status
                acks.append(time.perf_counter() - t)

            await asyncio.gather(deliver(), deliver())
            await asyncio.sleep(0.3)

    async with aiohttp.ClientSession() as session:
        await session.delete(fake.http_url + "/_fake/mail")
        await asyncio.gather(*(guest_mail(session, g) for g in guests))
        per_guest = await _replies_per_guest(session, fake.http_url, guests)
    return {**_ack_figures(acks), "inbound_unique": senders * len(script), "replies_per_guest": per_guest}


async def smtp_load(stack: Stack, senders: int = 10, messages: int = 5) -> dict:
    """The SMTP receiver: time from the end of DATA to its 250, `senders` MTAs at once,
    every message delivered twice concurrently (same Message-Id, two sessions)."""
    import secrets
    from email.message import EmailMessage

    import aiosmtplib

    fake, s = stack.fake_email, stack.settings
    acks: list[float] = []
    guests = [f"bench-{secrets.token_hex(6)}@example.org" for _ in range(senders)]
    script = ["Hello, I would like to give feedback", "4", "5", "3", "4"][:messages]

    async def deliver(guest: str, raw: bytes) -> None:
        async with aiosmtplib.SMTP(
            hostname=s.smtp_inbound_host, port=stack.smtp_inbound_port, timeout=30
        ) as smtp:
            await smtp.ehlo()
            await smtp.mail(guest)
            await smtp.rcpt("feedback@alpenhof.example")
            t = time.perf_counter()
            response = await smtp.data(raw)
            acks.append(time.perf_counter() - t)
            assert response.code == 250, response

    async def guest_mail(guest: str) -> None:
        for text in script:
            msg = EmailMessage()
            msg["From"], msg["To"], msg["Subject"] = guest, "feedback@alpenhof.example", "Stay"
            msg["Message-ID"] = f"<{secrets.token_hex(12)}@example.org>"
            msg.set_content(text)
            raw = msg.as_bytes()
            await asyncio.gather(deliver(guest, raw), deliver(guest, raw))
            await asyncio.sleep(0.3)

    async with aiohttp.ClientSession() as session:
        await session.delete(fake.http_url + "/_fake/mail")
        await asyncio.gather(*(guest_mail(g) for g in guests))
        per_guest = await _replies_per_guest(session, fake.http_url, guests)
    return {**_ack_figures(acks), "inbound_unique": senders * len(script), "replies_per_guest": per_guest}


# --- Live console: guest message -> staff consoles (issue 4) ------------------------


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return 1000 * values[int(q * (len(values) - 1))] if values else float("nan")


@dataclass
class _Console:
    """One staff member's browser: its cookie jar, CSRF token and session cookie."""

    http: aiohttp.ClientSession
    csrf: str
    cookie: str


async def _console_login(stack: Stack, username: str, password: str, tenant: str) -> _Console:
    """A browser session logged in to the console, as tests/console/client.py's Browser does it."""
    import re

    base = stack.settings.console_url
    http = aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=aiohttp.ClientTimeout(total=30)
    )
    async with http.get(base + "/login") as r:
        token = re.search(r'name="csrf" value="([^"]+)"', await r.text()).group(1)  # type: ignore[union-attr]
    form = {"username": username, "password": password, "csrf": token}
    headers = {"Origin": base, "Accept": "application/json"}
    async with http.post(base + "/login", data=form, headers=headers, allow_redirects=False) as r:
        assert r.status == 200, r.status
    async with http.get(f"{base}/t/{tenant}/") as r:
        page = await r.text()
        assert r.status == 200, r.status
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)  # type: ignore[union-attr]
    return _Console(http, csrf, next(c.value for c in http.cookie_jar if c.key == "rapport_console"))


async def _escalated_guest(stack: Stack, session, tenant: str, db) -> tuple[str, str]:
    """A REST guest who asked for a person: (sender, conversation id) once it waits for staff."""
    from bot.base.refs import guest_ref

    sender = f"bench-{uuid.uuid4().hex[:12]}"
    url = f"http://{stack.settings.host}:{stack.settings.rasa_port}/webhooks/rest/webhook"
    for text in ("hi", "I would like to talk to a person please"):
        body = {"sender": sender, "message": text, "metadata": {"tenant": tenant}}
        async with session.post(url, json=body) as r:
            assert r.status == 200, r.status
    doc = await db[HANDOVERS].find_one({"guest_ref": guest_ref(stack.settings.guest_key, tenant, sender)})
    assert doc is not None and doc["state"] == HandoverState.WAITING, doc and doc["state"]
    return sender, doc["_id"]


async def console_load(
    stack: Stack, consoles: int = 20, guests: int = 10, messages: int = 100, tenant: str = "alpenhof"
) -> dict:
    """`consoles` staff (one account and session each) have the tenant's console open
    (websocket /t/<tenant>/live); `guests` escalated REST guests send `messages` in
    all, concurrently, each guest pausing 0.3 s between messages. For every message:
    the time from sending the REST request to each console receiving its event, and to
    the first console having fetched the transcript containing the text (it re-reads
    `?since=<last seq>` on each event, as the page does). Also counts missed events."""
    import secrets

    import websockets
    from motor.motor_asyncio import AsyncIOMotorClient

    from bot.staff.accounts import StaffStore
    from bot.staff.passwords import hash_password_async

    s = stack.settings
    base = s.console_url
    mongo = AsyncIOMotorClient(s.effective_mongodb_url.value, tz_aware=True)
    password = secrets.token_urlsafe(16)
    password_hash = await hash_password_async(password)
    staff = StaffStore(mongo[s.control_db])
    names = [f"bench-{secrets.token_hex(5)}" for _ in range(consoles)]
    for name in names:
        await staff.add(username=name, password_hash=password_hash, tenant_id=tenant, role="agent")
    browsers = [await _console_login(stack, name, password, tenant) for name in names]
    sent: dict[str, float] = {}  # message text -> when its REST request started
    answered: list[float] = []  # the REST requests' own latency (the silent turn), for scale
    received: list[dict[tuple[str, int], float]] = [{} for _ in browsers]  # (conversation, seq) -> t
    shown: dict[str, tuple[float, str, int]] = {}  # text -> (when fetched, conversation, seq)
    last_seq: dict[str, int] = {}
    locks: dict[str, asyncio.Lock] = {}
    fetches: list[asyncio.Task] = []

    async def fetch(console: _Console, conversation: str) -> None:
        async with locks.setdefault(conversation, asyncio.Lock()):
            path = f"{base}/t/{tenant}/api/conversations/{conversation}?since={last_seq.get(conversation, 0)}"
            async with console.http.get(path, headers={"Accept": "application/json"}) as r:
                body = await r.json()
            now = time.perf_counter()
            for m in body["messages"]:
                last_seq[conversation] = max(last_seq.get(conversation, 0), m["seq"])
                if m["author"] == "guest" and m["text"] in sent and m["text"] not in shown:
                    shown[m["text"]] = (now, conversation, m["seq"])

    async def listen(i: int, ws) -> None:
        async for raw in ws:
            now = time.perf_counter()
            event = json.loads(raw)
            if event.get("type") == "message":
                received[i][(event["conversation"], event["seq"])] = now
                if i == 0:
                    fetches.append(asyncio.create_task(fetch(browsers[0], event["conversation"])))

    async def guest(session, sender: str, texts: list[str]) -> None:
        url = f"http://{s.host}:{s.rasa_port}/webhooks/rest/webhook"
        for text in texts:
            body = {"sender": sender, "message": text, "metadata": {"tenant": tenant}}
            sent[text] = time.perf_counter()
            async with session.post(url, json=body) as r:
                replies = await r.json()
                assert r.status == 200 and not any("text" in m for m in replies), r.status  # bot is silent
            answered.append(time.perf_counter() - sent[text])
            await asyncio.sleep(0.3)  # a guest types

    sockets, listeners = [], []
    try:
        for console in browsers:
            ws = await websockets.connect(
                base.replace("http", "ws", 1) + f"/t/{tenant}/live",
                extra_headers={"Origin": base, "Cookie": f"rapport_console={console.cookie}"},
                open_timeout=10,
            )
            assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == {"type": "ready"}
            sockets.append(ws)
        listeners = [asyncio.create_task(listen(i, ws)) for i, ws in enumerate(sockets)]
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
            held = await asyncio.gather(
                *(
                    _escalated_guest(stack, session, tenant, mongo[s.db_prefix + tenant])
                    for _ in range(guests)
                )
            )
            for _, conversation in held:
                await fetch(browsers[0], conversation)  # the console has the transcript so far
            script = [f"Bench note {n}: {secrets.token_hex(4)}" for n in range(messages)]
            await asyncio.gather(
                *(guest(session, sender, script[g::guests]) for g, (sender, _) in enumerate(held))
            )

            def complete() -> bool:
                keys = [(c, seq) for _, c, seq in shown.values()]
                return len(shown) == messages and all(k in r for r in received for k in keys)

            deadline = time.perf_counter() + 10  # then whatever has not arrived is missed
            while time.perf_counter() < deadline and not complete():
                await asyncio.sleep(0.05)
            # leave nothing held: take and resolve each conversation (a clean inbox for the tests)
            agent = browsers[0]
            headers = {"Origin": base, "X-CSRF-Token": agent.csrf}
            for _, conversation in held:
                for action, body in (("take", {}), ("resolve", {"ask_satisfaction": False})):
                    url = f"{base}/t/{tenant}/api/conversations/{conversation}/{action}"
                    async with agent.http.post(url, json=body, headers=headers) as r:
                        assert r.status == 200, (action, r.status)
    finally:
        for task in listeners + fetches:
            task.cancel()
        for ws in sockets:
            await ws.close()
        for console in browsers:
            await console.http.close()
        await staff.collection.delete_many({"username": {"$in": names}})
        mongo.close()
    first, last, fetched, missed = [], [], [], 0
    for text, (t_shown, conversation, seq) in shown.items():
        times = [r[(conversation, seq)] for r in received if (conversation, seq) in r]
        missed += consoles - len(times)
        if times:
            first.append(min(times) - sent[text])
            last.append(max(times) - sent[text])
        fetched.append(t_shown - sent[text])
    missed += consoles * (messages - len(shown))  # never in a transcript: count it missed everywhere
    return {
        "consoles": consoles,
        "guests": guests,
        "messages": messages,
        "shown": len(shown),
        "missed_events": missed,
        **{f"first_p{q}_ms": _pct(first, q / 100) for q in (50, 95)},
        **{f"last_p{q}_ms": _pct(last, q / 100) for q in (50, 95)},
        **{f"shown_p{q}_ms": _pct(fetched, q / 100) for q in (50, 95)},
        **{f"rest_p{q}_ms": _pct(answered, q / 100) for q in (50, 95)},
    }


def console_rounds(stack: Stack, runs: int) -> dict:
    """`console_load` `runs` times on one stack: median of each figure, missed events summed."""
    rounds = []
    for _ in range(runs):
        rounds.append(asyncio.run(console_load(stack)))
        r = rounds[-1]
        print(
            f"  console round: event first p50/p95 {r['first_p50_ms']:.1f}/{r['first_p95_ms']:.1f} ms, "
            f"last {r['last_p50_ms']:.1f}/{r['last_p95_ms']:.1f} ms, "
            f"transcript {r['shown_p50_ms']:.1f}/{r['shown_p95_ms']:.1f} ms, "
            f"REST {r['rest_p50_ms']:.1f}/{r['rest_p95_ms']:.1f} ms, missed {r['missed_events']}",
            flush=True,
        )
    out = {k: statistics.median(r[k] for r in rounds) for k in rounds[0] if k.endswith("_ms")}
    fixed = {k: rounds[0][k] for k in ("consoles", "guests", "messages")}
    return {**fixed, **out, "missed_events": sum(r["missed_events"] for r in rounds), "runs": runs}


async def privacy_bench(stack: Stack, guests: int) -> dict:
    """scripts/bench_privacy.py on the running stack's MongoDB and Redis."""
    ctx = await PrivacyContext.open(stack.settings)
    ctx.standins = {}  # the seeded guests have no provider records
    try:
        print(f"  privacy: seeding {guests} guests x 5 ratings, then erasing and offboarding ...", flush=True)
        return await privacy_load(ctx, guests=guests)
    finally:
        await ctx.close()


def bench_ours(args) -> dict:
    train_if_needed(ROOT, progress=lambda m: print("  ours:", m, flush=True))
    data_dir = Path(tempfile.mkdtemp(prefix="rapport-bench-"))
    env = isolated_env(data_dir, RAPPORT_LOG_LEVEL="WARNING")
    stack = Stack(Settings.from_env(env), progress=lambda m: None, rasa_workers=args.workers)
    started = time.monotonic()
    stack.start(train=False)
    ready = time.monotonic() - started
    try:
        s = stack.settings
        url = f"http://{s.host}:{s.rasa_port}/webhooks/rest/webhook"
        result = {}
        if not (args.channels_only or args.console_only or args.privacy_only):
            result = measure(
                url,
                OUR_SCRIPT,
                {"tenant": "alpenhof"},
                {c.name: c.process.pid for c in stack.children},
                args.rounds,
                args.seconds,
            )
        if not (args.console_only or args.privacy_only or args.turns_only):
            result["sms"] = asyncio.run(sms_load(stack))
            result["email"] = asyncio.run(email_load(stack))
            result["smtp"] = asyncio.run(smtp_load(stack))
        if not (args.channels_only or args.privacy_only or args.turns_only):
            result["console"] = console_rounds(stack, args.console_runs)
        if not (args.channels_only or args.console_only or args.turns_only):
            result["privacy"] = asyncio.run(privacy_bench(stack, args.privacy_guests))
    finally:
        stack.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    result["ready_s"] = ready
    return result


def bench_stock(args) -> dict:
    stock = ROOT / ".var" / "bench" / "stock"
    env = {**os.environ, **QUIET_ENV}
    if not list((stock / "models").glob("*.tar.gz")):
        print("  stock: creating and training the `rasa init` bot (once; ~3 min) ...", flush=True)
        shutil.rmtree(stock, ignore_errors=True)
        stock.mkdir(parents=True)
        subprocess.run(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(stock)],
            cwd=stock,
            env=env,
            check=True,
            capture_output=True,
        )
    port = pick_free_port()
    log = open(stock / "run.log", "wb")  # noqa: SIM115
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(BIN / "rasa"), "run", "-m", "models", "-i", "127.0.0.1", "-p", str(port)],
        cwd=stock,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/webhooks/rest/", 300, proc)
        ready = time.monotonic() - started
        result = measure(
            f"http://127.0.0.1:{port}/webhooks/rest/webhook",
            STOCK_SCRIPT,
            None,
            {"rasa": proc.pid},
            args.rounds,
            args.seconds,
        )
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
        log.close()
    result["ready_s"] = ready
    return result


def serve(tree: Path, info: Path) -> None:
    """Run one stack from the checkout `tree` (its own code) until SIGTERM; write its REST
    URL and process ids to `info`. Used by `--ab` in a child process per tree."""
    import signal

    sys.path.insert(0, str(tree))
    os.chdir(tree)
    for name in [m for m in sys.modules if m == "bot" or m.startswith("bot.")]:
        del sys.modules[name]  # this tree's bot package, not the one imported above
    from bot.base.settings import Settings as TreeSettings
    from bot.stack import Stack as TreeStack
    from bot.stack import isolated_env as tree_env

    data = Path(tempfile.mkdtemp(prefix="rapport-ab-"))
    stack = TreeStack(
        TreeSettings.from_env(tree_env(data, RAPPORT_LOG_LEVEL="WARNING")), progress=lambda m: None
    )
    stack.start(train=False)
    s = stack.settings
    pids = {c.name: c.process.pid for c in stack.children}
    info.write_text(json.dumps({"url": f"http://{s.host}:{s.rasa_port}/webhooks/rest/webhook", "pids": pids}))
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    try:
        while not stopping:
            time.sleep(0.5)
    finally:
        stack.stop()
        shutil.rmtree(data, ignore_errors=True)


def ab(old_tree: Path, rounds: int, seconds: float) -> dict:
    """Interleaved rounds at 10 guests, both scripts, old tree's stack against this one."""
    tmp = Path(tempfile.mkdtemp(prefix="rapport-ab-info-"))
    procs, infos = {}, {}
    try:
        for name, tree in (("old", old_tree.resolve()), ("new", ROOT)):
            cmd = [sys.executable, __file__, "--serve", str(tree), str(tmp / f"{name}.json")]
            procs[name] = subprocess.Popen(cmd, start_new_session=True)
        for name, proc in procs.items():
            deadline = time.monotonic() + 600
            while not (tmp / f"{name}.json").exists():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the {name} stack did not start")
                time.sleep(1)
            infos[name] = json.loads((tmp / f"{name}.json").read_text())
        results: dict = {name: {"own": [], "mixed": []} for name in procs}
        for r in range(rounds):
            for label, script in (("own", OUR_SCRIPT), ("mixed", MIXED_SCRIPTS)):
                for name in ("old", "new") if r % 2 == 0 else ("new", "old"):
                    info = infos[name]
                    out = asyncio.run(
                        load(info["url"], script, {"tenant": "alpenhof"}, 10, seconds, info["pids"])
                    )
                    results[name][label].append(out)
                    cpu = {k: round(v, 1) for k, v in out["cpu_ms_per_turn"].items() if v >= 0.05}
                    print(
                        f"  round {r} {label:<5} {name}: {out['turns_per_s']:.1f} turns/s, "
                        f"p50 {out['p50_ms']:.0f} p95 {out['p95_ms']:.0f} ms, CPU ms/turn {cpu}",
                        flush=True,
                    )
        return results
    finally:
        for proc in procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 15)
        for proc in procs.values():
            proc.wait(timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)


def print_ab(results: dict) -> None:
    print("\nA/B medians at 10 guests (old -> new):")
    for label in ("own", "mixed"):
        old, new = results["old"][label], results["new"][label]

        def med(runs: list[dict], key: str) -> float:
            return statistics.median(r[key] for r in runs)

        print(
            f"  {label:<5} turns/s {med(old, 'turns_per_s'):.1f} -> {med(new, 'turns_per_s'):.1f}, "
            f"p50 {med(old, 'p50_ms'):.0f} -> {med(new, 'p50_ms'):.0f} ms, "
            f"p95 {med(old, 'p95_ms'):.0f} -> {med(new, 'p95_ms'):.0f} ms"
        )
        for name in sorted(old[0]["cpu_ms_per_turn"]):
            o = statistics.median(r["cpu_ms_per_turn"][name] for r in old)
            n = statistics.median(r["cpu_ms_per_turn"][name] for r in new)
            if max(o, n) >= 0.05:
                print(f"      CPU ms/turn {name:<12}{o:>7.2f} -> {n:>7.2f}")
        total_old = sum(
            statistics.median(r["cpu_ms_per_turn"][k] for r in old) for k in old[0]["cpu_ms_per_turn"]
        )
        total_new = sum(
            statistics.median(r["cpu_ms_per_turn"][k] for r in new) for k in new[0]["cpu_ms_per_turn"]
        )
        print(f"      CPU ms/turn {'total':<12}{total_old:>7.2f} -> {total_new:>7.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15, help="duration of one load round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per concurrency (median is reported)")
    parser.add_argument("--workers", type=int, default=1, help="Rasa server workers for Rapport")
    parser.add_argument("--skip-stock", action="store_true")
    parser.add_argument(
        "--turns-only",
        action="store_true",
        help="only the REST turn figures (both scripts, both systems); no channels, console, privacy",
    )
    parser.add_argument(
        "--channels-only",
        action="store_true",
        help="only the webhook/SMTP acknowledgement figures (implies --skip-stock)",
    )
    parser.add_argument(
        "--console-only",
        action="store_true",
        help="only the live console figure: guest message to 20 open consoles (implies --skip-stock)",
    )
    parser.add_argument("--console-runs", type=int, default=3, help="console rounds (median is reported)")
    parser.add_argument(
        "--privacy-only",
        action="store_true",
        help="only erasure and offboarding at 100,000 ratings (implies --skip-stock)",
    )
    parser.add_argument("--privacy-guests", type=int, default=20_000, help="guests seeded (5 ratings each)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--ab", type=Path, metavar="OLD_TREE", help="A/B against another checkout's stack")
    parser.add_argument("--serve", nargs=2, type=Path, metavar=("TREE", "INFO"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(*args.serve)
        return 0
    if args.ab:
        results = ab(args.ab, args.rounds, args.seconds)
        print_ab(results)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2, default=str))
        return 0

    print(f"bench: {os.cpu_count()} CPUs, {args.rounds} x {args.seconds:.0f} s per setting", flush=True)
    results = {"rapport": bench_ours(args)}
    if args.json:  # Rapport's figures survive a stock bot that does not come up
        args.json.write_text(json.dumps(results, indent=2, default=str))
    if not (args.skip_stock or args.channels_only or args.console_only or args.privacy_only):
        try:
            results["stock"] = bench_stock(args)
        except RuntimeError as e:  # e.g. not ready in time on a loaded machine: no ratio
            print(f"  stock: {e}", flush=True)

    print()
    if not (args.channels_only or args.console_only or args.privacy_only):
        head = f"{'system':<10}{'ready s':>9}{'RSS MB':>9}  {'guests':>6}"
        print(f"{head}{'turns/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for name, r in results.items():
        for g in (1, 10) if 1 in r else ():
            lead = f"{name:<10}{r['ready_s']:>9.1f}{r['rss_mb']:>9.0f}" if g == 1 else " " * 28
            print(f"{lead}  {g:>6}{r[g]['turns_per_s']:>9.1f}{r[g]['p50_ms']:>9.1f}{r[g]['p95_ms']:>9.1f}")
        for g in (1, 10) if "mixed" in r else ():
            m = r["mixed"][g]
            lead = f"  {name} mixed" if g == 1 else ""
            print(f"{lead:<28}  {g:>6}{m['turns_per_s']:>9.1f}{m['p50_ms']:>9.1f}{m['p95_ms']:>9.1f}")
    for name, r in results.items():
        for label, figures in (("own script", r.get(10)), ("mixed script", r.get("mixed", {}).get(10))):
            cpu = (figures or {}).get("cpu_ms_per_turn")
            if cpu:
                busy = {k: v for k, v in cpu.items() if v >= 0.05}
                parts = ", ".join(f"{k} {v:.1f}" for k, v in sorted(busy.items(), key=lambda kv: -kv[1]))
                total = sum(busy.values())
                print(
                    f"CPU ms per turn at 10 guests, {name}, {label} (net of idle): {parts}; total {total:.1f}"
                )
    if "stock" in results:
        ours, stock = results["rapport"], results["stock"]
        print(
            f"\nratio at 10 guests: {ours[10]['turns_per_s'] / stock[10]['turns_per_s']:.2f}x turns/s, "
            f"p95 {ours[10]['p95_ms']:.0f} vs {stock[10]['p95_ms']:.0f} ms; "
            f"ready {ours['ready_s']:.1f} vs {stock['ready_s']:.1f} s; "
            f"memory {ours['rss_mb']:.0f} vs {stock['rss_mb']:.0f} MB"
        )
        om, sm = ours["mixed"][10], stock["mixed"][10]
        print(
            f"ratio at 10 guests, mixed five-language script: {om['turns_per_s'] / sm['turns_per_s']:.2f}x "
            f"turns/s ({om['turns_per_s']:.1f} vs {sm['turns_per_s']:.1f}), p95 {om['p95_ms']:.0f} vs "
            f"{sm['p95_ms']:.0f} ms"
        )
    sms = results["rapport"].get("sms")
    if sms:
        print(
            f"\nSMS webhook, 10 senders, every message delivered twice: ack p50 {sms['ack_p50_ms']:.1f} ms, "
            f"p95 {sms['ack_p95_ms']:.1f} ms over {sms['deliveries']} deliveries; "
            f"{sms['inbound_unique']} unique messages -> {sms['sms_sent']} SMS sent, "
            f"per phone {sms['sms_per_phone']} (one value = no duplicated turn)"
        )
    for key, label in (("email", "Mailgun webhook"), ("smtp", "SMTP receiver, end of DATA to 250")):
        r = results["rapport"].get(key)
        if r:
            print(
                f"{label}, 10 senders, every message delivered twice: ack p50 {r['ack_p50_ms']:.1f} ms, "
                f"p95 {r['ack_p95_ms']:.1f} ms over {r['deliveries']} deliveries; "
                f"{r['inbound_unique']} unique messages -> replies per guest {r['replies_per_guest']} "
                "(one value, 5 = no duplicated turn)"
            )
    c = results["rapport"].get("console")
    if c:
        print(
            f"\nLive console: {c['consoles']} consoles open, {c['guests']} held guests, {c['messages']} "
            f"messages per round, median of {c['runs']} rounds; from the guest's REST request to"
        )
        n = c["consoles"]
        rows = (
            ("first", "first console's event"),
            ("last", f"last of {n} consoles' event"),
            ("shown", "transcript with the text fetched"),
            ("rest", "(the REST reply itself, for scale)"),
        )
        for key, label in rows:
            print(f"  {label:<36}p50 {c[key + '_p50_ms']:>7.1f} ms   p95 {c[key + '_p95_ms']:>7.1f} ms")
        print(f"  missed events: {c['missed_events']} (must be 0); the stock bot has no console to compare")
    p = results["rapport"].get("privacy")
    if p:
        print(
            f"\nPrivacy, one tenant with {p['ratings']:,} ratings of {p['guests']:,} guests "
            f"({p['redis_keys']:,} Redis keys):\n"
            f"  erase one guest and verify (resolve, lock, every store, scan): "
            f"p50 {p['erase_p50_ms']:.0f} ms, max {p['erase_max_ms']:.0f} ms over {p['erasures']} guests "
            f"(target <= 1000 ms); clean {p['erased_clean']}/{p['erasures']}\n"
            f"  deep scan of one guest (every document and value, {p['deep_scan_documents']:,} documents): "
            f"{p['deep_scan_ms'] / 1000:.1f} s\n"
            f"  offboard the tenant (drop, keys, scan, certificate): {p['offboard_s']:.1f} s, "
            f"clean {p['offboard_clean']}; the stock bot has no erasure to compare (RasaHQ/rasa#10719)"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
