"""Exactly once under a crash: N due invitations sent by two scheduler processes, one
killed with SIGKILL mid-send (issue 12's figure; tests/bot/outreach/test_exactly_once.py
runs the same with 300).

    .venv/bin/python scripts/bench_outreach_send.py [--invitations 10000] [--rate 200]

In a temporary folder: an embedded nx-27017 and Valkey of its own, the Twilio
stand-in (devtools/fake_twilio.py) as a child process refusing anything over `--rate`
per second per number with 429, and a tenants file whose hotel sends post-stay
invitations by SMS (quiet hours 21:00-09:00, cap 48 h, `--rate` SMS/s on its one
number). N stays are stored; of them some guests objected, some sent STOP, some are
with staff, some stays were cancelled, and some checked out so late that their
invitation falls into quiet hours (due the next morning). Then two
`python -m bot.outreach send-due --now <noon>` processes run at once; when the stand-in
has taken a fifth of the messages, one is killed with SIGKILL. After the survivor ends
and the killed one's leases have run out, one more `send-due` round, the next cron tick
five minutes on, finishes the rest (it takes over claims the dead process had not begun
sending, marks those it had begun as failed "uncertain": at most once, and sends those
that had waited too long for the shared number's slot and were put back for later).

Checked from the stand-in's own record, counted by recipient: every guest who should
be invited got exactly one message, except those whose invitation is "uncertain"
(zero or one); the suppressed and the quiet-hours guests none. Figures printed: wall
time, messages per second, claims taken over, uncertain, 429s. The folder is deleted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession  # noqa: E402

from bot.base.names import HANDOVERS, INVITATIONS  # noqa: E402
from bot.base.sealing import Cipher  # noqa: E402
from bot.base.settings import Settings  # noqa: E402
from bot.outbox.sms_store import SmsStore  # noqa: E402
from bot.outreach.scheduler import parse_at  # noqa: E402
from bot.outreach.stays import Stay, StayStore  # noqa: E402
from bot.stack import Stack, pick_free_port  # noqa: E402
from bot.storage.flags import FlagStore  # noqa: E402
from bot.storage.mongo import MongoStore, connect  # noqa: E402

ACCOUNT = "AC" + "e5" * 16
TOKEN = "bench-token"
TENANT = "alpenhof"
NOW = "2026-06-15T12:00:00"  # the hotel's local time (Europe/Berlin)
# The closing round is the next cron tick, five minutes on: an invitation that waited
# more than the outbox's MAX_RATE_WAIT for the shared number's slot (two processes
# contending under load) went back to "planned" a second later, which a round at the
# fixed NOW would never reach again (it is not due "now" yet).
LATER = "2026-06-15T12:05:00"
LEASE = 5.0
CONCURRENCY_LIMIT = 8  # sends in flight per process (bot/outreach/scheduler.py CONCURRENCY)


@dataclass
class Outcome:
    invitations: int
    expected: int  # guests who should get one message
    sent_messages: int
    seconds: float
    per_second: float
    duplicates: list[str] = field(default_factory=list)  # recipients with more than one
    missing: int = 0  # expected, no message, not uncertain
    to_suppressed: int = 0  # messages to guests who must get none
    in_quiet: int = 0  # messages to guests whose invitation is due after quiet hours
    uncertain: int = 0
    uncertain_delivered: int = 0
    retried: int = 0  # put back to "planned" for a later round (the sender's rate) before the last one
    taken_over: int = 0
    refused_429: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)  # "status:reason" of what was not sent
    killed: bool = False


def phone(i: int) -> str:
    return f"+4915{10_000_000 + i:08d}"


def kind(i: int) -> str:
    """What happens to stay i: most are invited; every 20th objected, ... (deterministic)."""
    return {1: "objected", 2: "stop", 3: "cancelled", 4: "with_staff", 5: "quiet", 6: "restricted"}.get(
        i % 20, "invite"
    )


def tenants_file(folder: Path, rate: float) -> Path:
    raw = yaml.safe_load((ROOT / "config" / "tenants.yml").read_text(encoding="utf-8"))
    for t in raw["tenants"]:
        if t["id"] == TENANT:
            t["outreach"] = {
                "enabled": True,
                "quiet_hours": {"from": "21:00", "to": "09:00"},
                "cap": {"hours": 48, "per_stay": 2},
                "rate_per_second": {"sms": rate},
                "journeys": [
                    {"id": "post_stay", "when": {"after": "checkout", "hours": 3}, "channels": ["sms"]}
                ],
            }
    path = folder / "tenants.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


async def seed(settings: Settings, n: int) -> None:
    mongo = MongoStore(
        connect(settings.effective_mongodb_url.value, socketTimeoutMS=120_000), settings.db_prefix
    )
    store = StayStore(mongo, TENANT, Cipher(settings.data_keys), settings.guest_key)
    morning = parse_at("2026-06-15T08:00:00", "Europe/Berlin")
    evening = parse_at("2026-06-15T19:30:00", "Europe/Berlin")  # + 3 h = 22:30: quiet
    stays = []
    for i in range(n):
        k = kind(i)
        stays.append(
            Stay(
                f"B{i:06d}",
                "cancelled" if k == "cancelled" else "checked_out",
                "2026-06-12",
                "2026-06-15",
                phone=phone(i),
                first_name="Anna",
                language=("de", "en", "it")[i % 3],
                checked_out_at=evening if k == "quiet" else morning,
            )
        )
    await store.upsert(stays, source="import", import_id="bench", now=morning)
    flags, sms = FlagStore(mongo, TENANT), SmsStore(mongo, TENANT)
    handovers = mongo.database(TENANT)[HANDOVERS]
    for i in range(n):
        k = kind(i)
        if k in ("invite", "quiet", "cancelled"):
            continue
        ref = store.document(stays[i], source="import", import_id="bench", now=morning)["guest_ref"]
        if k == "objected":
            await flags.set(ref, objected=True)
        elif k == "restricted":
            await flags.set(ref, restricted=True)
        elif k == "stop":
            await sms.set_consent(ref, opted_out=True, keyword="stop")
        elif k == "with_staff":
            await handovers.insert_one({"_id": f"c_{i}", "guest_ref": ref, "state": "with_staff"})
    mongo.client.close()


async def fake_count(http: ClientSession, url: str) -> int:
    async with http.get(f"{url}/_fake/attempts") as resp:
        return (await resp.json())["count"]


async def count_retried(settings: Settings) -> int:
    """Invitations due again later than NOW but today (not the quiet-hours ones)."""
    mongo = MongoStore(connect(settings.effective_mongodb_url.value), settings.db_prefix)
    try:
        now, later = parse_at(NOW, "Europe/Berlin"), parse_at(LATER, "Europe/Berlin")
        docs = mongo.database(TENANT)[INVITATIONS].find({"status": "planned"})
        return sum([1 async for d in docs if now < float(d.get("due") or 0) <= later])
    finally:
        mongo.client.close()


def send_due(env: dict[str, str], log: Path, now: str = NOW) -> subprocess.Popen:
    args = [sys.executable, "-m", "bot.outreach", "send-due", "--tenant", TENANT, "--now", now, "--json"]
    args += ["--lease", str(LEASE)]
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


async def run(n: int, folder: Path, *, rate: float = 200.0, kill_at: float = 0.2) -> Outcome:
    """The whole experiment in `folder` (which the caller deletes)."""
    env = {
        **{k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ},
        "RAPPORT_DATA_DIR": str(folder / "var"),
        "RAPPORT_MONGO_PORT": str(pick_free_port()),
        "RAPPORT_REDIS_PORT": str(pick_free_port()),
        "RAPPORT_DB_PREFIX": "rapport_bench_",
        "RAPPORT_TENANTS": str(tenants_file(folder, rate)),
        "RAPPORT_SMS_MAX_SEGMENTS": "10",  # one message per invitation: counted per recipient
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "RAPPORT_PUBLIC_URL": "https://rapport.example",
    }
    fake_port = pick_free_port()
    env["TWILIO_API_BASE"] = f"http://127.0.0.1:{fake_port}"
    settings = Settings.from_env(env)
    stack = Stack(settings, progress=lambda m: None)
    fake = None
    try:
        stack._start_mongo(lambda m: None)
        stack._start_redis(lambda m: None)
        fake = subprocess.Popen(
            [sys.executable, "-m", "devtools.fake_twilio", "--port", str(fake_port)]
            + ["--account", ACCOUNT, "--token", TOKEN],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        await seed(settings, n)
        expected = {phone(i) for i in range(n) if kind(i) == "invite"}
        must_not = {phone(i) for i in range(n) if kind(i) not in ("invite", "quiet")}
        quiet = {phone(i) for i in range(n) if kind(i) == "quiet"}
        url = env["TWILIO_API_BASE"]
        async with ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.post(f"{url}/_fake/rate", json={"per_second": rate}) as resp:
                        resp.raise_for_status()
                    break
                except OSError:
                    await asyncio.sleep(0.1)
            log = folder / "send-due.log"
            started = time.monotonic()
            procs = [send_due(env, log), send_due(env, log)]
            killed = False
            while any(p.poll() is None for p in procs):
                if not killed and await fake_count(http, url) >= kill_at * len(expected):
                    procs[0].send_signal(signal.SIGKILL)
                    killed = True
                await asyncio.sleep(0.05)
            survivor_done = time.monotonic()
            await asyncio.sleep(LEASE + 1)  # the dead process's leases run out
            retried = await count_retried(settings)
            last = send_due(env, log, LATER)
            last.wait()
            seconds = survivor_done - started
            async with http.get(f"{url}/_fake/messages") as resp:
                messages = await resp.json()
            async with http.get(f"{url}/_fake/attempts") as resp:
                attempts = (await resp.json())["statuses"]
        mongo = MongoStore(connect(settings.effective_mongodb_url.value), settings.db_prefix)
        docs = [d async for d in mongo.database(TENANT)[INVITATIONS].find({})]
        mongo.client.close()
        store = StayStore(mongo, TENANT, Cipher(settings.data_keys), settings.guest_key)
        uncertain_stays = {d["stay"] for d in docs if d.get("reason") == "uncertain"}
        uncertain_phones = {phone(i) for i in range(n) if store.id_of(f"B{i:06d}") in uncertain_stays}
        per = Counter(m["to"] for m in messages)
        outcome = Outcome(
            invitations=len(docs),
            expected=len(expected),
            sent_messages=len(messages),
            seconds=round(seconds, 2),
            per_second=round(len(messages) / seconds, 1) if seconds else 0.0,
            duplicates=sorted(p for p, c in per.items() if c > 1),
            missing=len({p for p in expected if per[p] == 0} - uncertain_phones),
            to_suppressed=sum(per[p] for p in must_not),
            in_quiet=sum(per[p] for p in quiet),
            uncertain=len(uncertain_stays),
            uncertain_delivered=sum(1 for p in uncertain_phones if per[p]),
            retried=retried,
            taken_over=sum(1 for d in docs if d.get("status") == "sent" and int(d.get("attempts", 0)) > 1),
            refused_429=sum(1 for s in attempts if s == 429),
            statuses=dict(Counter(d.get("status") for d in docs)),
            reasons=dict(
                Counter(f"{d.get('status')}:{d.get('reason', '')}" for d in docs if d.get("status") != "sent")
            ),
            killed=killed,
        )
        return outcome
    finally:
        if fake is not None:
            fake.kill()
            fake.wait()
        stack.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--invitations", type=int, default=10_000)
    p.add_argument("--rate", type=float, default=200.0, help="SMS per second on the hotel's number")
    args = p.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="rapport-outreach-bench-"))
    try:
        outcome = asyncio.run(run(args.invitations, folder, rate=args.rate))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(outcome.__dict__, indent=2, default=str))


if __name__ == "__main__":
    main()
